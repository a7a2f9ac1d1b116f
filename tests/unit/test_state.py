"""Run history in a real SQLite file: strikes, recovery, health, cache, ETags, failures."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from curatorbot.errors import StateError
from curatorbot.results import LinkResult, Status
from curatorbot.state import MIGRATIONS, SCHEMA_VERSION, SQLiteStore, StateStore

T0 = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
DEAD = "https://dead.test/x"


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def store(tmp_path: Path, clock: Clock) -> Iterator[SQLiteStore]:
    with SQLiteStore(tmp_path / "deep" / "dir" / "state.sqlite", clock=clock) as opened:
        yield opened


def run(store: StateStore, clock: Clock, dead: set[str], total: int = 10,
        status: Status = Status.DEAD) -> None:
    """One run over DEAD and total - 1 other links; those in `dead` get `status`."""
    urls = [DEAD, *(f"https://ok.test/{i}" for i in range(total - 1))]
    results = [LinkResult(url=url, status=status, http_status=404) if url in dead
               else LinkResult(url=url, status=Status.OK, http_status=200) for url in urls]
    store.record_run(results)
    clock.advance(days=7)


def confirmed_dead(store: StateStore) -> list[str]:
    """Every URL of the history whose streak reached `dead_after`."""
    return [url for url, history in store.history().items() if history.confirmed_dead]


def test_created_on_first_use_with_its_folders(tmp_path: Path) -> None:
    path = tmp_path / "a" / "b" / "state.sqlite"
    with SQLiteStore(path) as store:
        assert store.schema_version == SCHEMA_VERSION
    assert path.is_file()


def test_a_link_is_confirmed_dead_after_n_consecutive_failures(
        store: SQLiteStore, clock: Clock) -> None:
    for strike in (1, 2):
        run(store, clock, {DEAD})
        history = store.history([DEAD])[DEAD]
        assert history.streak == strike and not history.confirmed_dead
    assert confirmed_dead(store) == []
    run(store, clock, {DEAD})
    history = store.history([DEAD])[DEAD]
    assert history.confirmed_dead and history.streak == 3
    assert history.first_failure == "2024-05-01T12:00:00.000000Z"
    assert confirmed_dead(store) == [DEAD]


def test_recovery_resets_the_streak_and_first_failure(store: SQLiteStore, clock: Clock) -> None:
    run(store, clock, {DEAD})
    run(store, clock, {DEAD})
    run(store, clock, set())  # the link answered again
    history = store.history([DEAD])[DEAD]
    assert (history.streak, history.first_failure) == (0, None)
    assert history.last_ok is not None
    run(store, clock, {DEAD})
    history = store.history([DEAD])[DEAD]
    assert history.streak == 1 and history.first_failure == "2024-05-22T12:00:00.000000Z"


def test_inconclusive_results_neither_strike_nor_reset(store: SQLiteStore, clock: Clock) -> None:
    run(store, clock, {DEAD})
    run(store, clock, {DEAD}, status=Status.TIMEOUT)
    run(store, clock, {DEAD}, status=Status.BLOCKED)
    history = store.history([DEAD])[DEAD]
    assert history.streak == 1 and history.last_status == "blocked"


def test_an_unhealthy_run_adds_no_strike(store: SQLiteStore, clock: Clock) -> None:
    run(store, clock, {DEAD})
    broken_network = {DEAD, *(f"https://ok.test/{i}" for i in range(5))}
    run(store, clock, broken_network)  # 6 of 10 fail at once: the runner, not the web
    latest = store.runs(1)[0]
    assert not latest.healthy and latest.failed == 6 and latest.counts == {"dead": 6, "ok": 4}
    assert store.history([DEAD])[DEAD].streak == 1
    assert store.history(["https://ok.test/0"])["https://ok.test/0"].streak == 0
    run(store, clock, {DEAD})
    run(store, clock, {DEAD})
    assert store.history([DEAD])[DEAD].confirmed_dead
    assert [r.healthy for r in store.runs()] == [True, True, False, True]


def test_unhealthy_share_is_configurable(tmp_path: Path, clock: Clock) -> None:
    with SQLiteStore(tmp_path / "s.sqlite", clock=clock, unhealthy_share=0.7,
                     unhealthy_min_failures=1) as store:
        run(store, clock, {DEAD, *(f"https://ok.test/{i}" for i in range(5))})
        assert store.runs(1)[0].healthy  # 6 of 10
        run(store, clock, {DEAD, *(f"https://ok.test/{i}" for i in range(7))})
        assert not store.runs(1)[0].healthy


def test_max_age_cache_returns_recent_alive_results(store: SQLiteStore, clock: Clock) -> None:
    store.record_run([
        LinkResult(url="https://a.test/", status=Status.OK, http_status=200, title="A"),
        LinkResult(url="https://b.test/", status=Status.REDIRECT, http_status=200,
                   final_url="https://b.test/new/index", permanent=True,
                   moved_to="https://b.test/new"),
        LinkResult(url=DEAD, status=Status.DEAD, http_status=404),
        LinkResult(url="https://c.test/", status=Status.BLOCKED, http_status=403),
    ])
    clock.advance(hours=1)
    fresh = store.fresh_results(max_age=2 * 3600)
    assert set(fresh) == {"https://a.test/", "https://b.test/"}
    assert fresh["https://a.test/"].title == "A" and fresh["https://a.test/"].cached
    assert fresh["https://b.test/"].final_url == "https://b.test/new/index"
    assert fresh["https://b.test/"].permanent
    assert fresh["https://b.test/"].moved_to == "https://b.test/new"  # schema v3 keeps it
    assert store.fresh_results(max_age=1800) == {}
    assert store.fresh_results(max_age=0) == {}


def test_etag_cache_persists_and_replaces(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite"
    with SQLiteStore(path) as store:
        assert store.get_etag("https://api.test/repos/a/b") is None
        store.put_etag("https://api.test/repos/a/b", 'W/"1"', '{"a": 1}')
        store.put_etag("https://api.test/repos/a/b", 'W/"2"', '{"a": 2}')
    with SQLiteStore(path) as store:
        cached = store.get_etag("https://api.test/repos/a/b")
    assert cached is not None and (cached.etag, cached.body) == ('W/"2"', '{"a": 2}')


def test_a_probe_is_kept_a_week_then_asked_again(tmp_path: Path, clock: Clock) -> None:
    path = tmp_path / "state.sqlite"
    with SQLiteStore(path, clock=clock) as store:
        assert store.get_probe("soft.test") is None
        store.put_probe("soft.test", {"status": 200, "sketch": [1, 2]})
    clock.advance(days=6, hours=23)
    with SQLiteStore(path, clock=clock) as store:  # it outlives the run
        assert store.get_probe("soft.test") == {"status": 200, "sketch": [1, 2]}
        assert store.get_probe("other.test") is None
        clock.advance(hours=2)
        assert store.get_probe("soft.test") is None  # older than a week


def test_migration_from_an_older_schema_keeps_history(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    old = sqlite3.connect(path)
    for statement in MIGRATIONS[0]:
        old.execute(statement)
    old.execute("INSERT INTO runs (started, finished, healthy, checked, failed, counts)"
                " VALUES ('2024-01-01T00:00:00.000000Z', '2024-01-01T00:01:00.000000Z',"
                " 1, 1, 1, '{}')")
    old.execute("INSERT INTO links (url, streak, first_failure, last_run, last_status)"
                " VALUES (?, 2, '2024-01-01T00:01:00.000000Z', 1, 'dead')", (DEAD,))
    old.execute("PRAGMA user_version = 1")
    old.commit()
    old.close()
    with SQLiteStore(path, dead_after=3) as store:
        assert store.schema_version == SCHEMA_VERSION == 5
        assert store.history([DEAD])[DEAD].streak == 2
        store.put_probe("old.test", {"status": 404})  # the table v5 added
        store.put_etag("https://api.test/x", "e", "{}")  # the table v2 added
        store.record_run([LinkResult(url=DEAD, status=Status.DEAD)])
        assert store.history([DEAD])[DEAD].confirmed_dead
        history = store.export_snapshot()  # v4: the history began with the oldest run
        assert history.first_run == "2024-01-01T00:00:00.000000Z" and history.runs == 2


def test_a_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "new.sqlite"
    SQLiteStore(path).close()
    db = sqlite3.connect(path)
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    db.commit()
    db.close()
    with pytest.raises(StateError, match="newer than this curatorbot"):
        SQLiteStore(path)


def test_a_file_that_is_not_a_database_is_an_error_and_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite"
    garbage = b"this is not sqlite at all\n" * 200
    path.write_bytes(garbage)
    with pytest.raises(StateError) as caught:
        SQLiteStore(path)
    message = str(caught.value)
    assert str(path) in message and "move it aside" in message and "\n" not in message
    assert path.read_bytes() == garbage  # never reset silently


def test_a_malformed_database_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite"
    with SQLiteStore(path) as store:
        store.record_run([LinkResult(url=f"https://x.test/{i}/" + "p" * 200, status=Status.OK)
                          for i in range(2000)])
    data = bytearray(path.read_bytes())
    page = 4096
    assert len(data) > 20 * page
    for offset in range(2 * page, 12 * page):  # wipe ten pages of tables and indexes
        data[offset] = 0x5A
    path.write_bytes(bytes(data))
    with pytest.raises(StateError, match="not a usable curatorbot state database"):
        SQLiteStore(path)


def test_a_foreign_sqlite_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.sqlite"
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE customers (id INTEGER)")
    db.commit()
    db.close()
    with pytest.raises(StateError, match="not curatorbot's run history"):
        SQLiteStore(path)


def test_a_locked_file_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite"
    SQLiteStore(path).close()
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(StateError, match="locked by another process"):
            SQLiteStore(path, busy_timeout=0.1)
    finally:
        other.execute("ROLLBACK")
        other.close()


def test_a_write_lock_held_elsewhere_fails_the_write_not_the_data(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite"
    with SQLiteStore(path, busy_timeout=0.1) as store:
        store.record_run([LinkResult(url=DEAD, status=Status.DEAD)])
        other = sqlite3.connect(path, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        try:
            with pytest.raises(StateError, match="locked"):
                store.record_run([LinkResult(url=DEAD, status=Status.DEAD)])
        finally:
            other.execute("ROLLBACK")
            other.close()
        assert store.history([DEAD])[DEAD].streak == 1  # the failed run left no trace
        assert len(store.runs()) == 1


def test_old_runs_are_pruned(tmp_path: Path) -> None:
    with SQLiteStore(tmp_path / "s.sqlite", keep_runs=2) as store:
        for _ in range(4):
            store.record_run([LinkResult(url=DEAD, status=Status.DEAD)])
        assert [r.run_id for r in store.runs()] == [4, 3]
        assert store.history([DEAD])[DEAD].streak == 4


def test_memory_store_for_no_state() -> None:
    with SQLiteStore(":memory:") as store:
        store.record_run([LinkResult(url=DEAD, status=Status.DEAD)])
        assert store.history()[DEAD].streak == 1


def test_open_store_follows_settings(tmp_path: Path) -> None:
    from curatorbot.settings import Settings
    from curatorbot.state import open_store

    settings = Settings().merged({"state": str(tmp_path / "x" / "s.sqlite"), "dead_after": 2})
    with open_store(settings) as store:
        assert store.dead_after == 2
    assert (tmp_path / "x" / "s.sqlite").is_file()
    with open_store(settings, enabled=False) as store:
        assert store.path == ":memory:"
