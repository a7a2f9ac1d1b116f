"""The history file: round trip through SQLite and text, retention, merge, bad files."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from curatorbot.history_file import UnreadableHistory, dump, merge, parse
from curatorbot.results import LinkResult, Status
from curatorbot.state import SQLiteStore

T0 = datetime(2026, 10, 5, 4, 23, tzinfo=UTC)


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> datetime:
        return self.now


def test_a_fresh_working_copy_carries_on_where_the_file_left_off(tmp_path: Path) -> None:
    clock = Clock()
    dead, moved, alive = "https://d.test/", "https://m.test/", "https://a.test/"
    with SQLiteStore(tmp_path / "one.sqlite", clock=clock) as first:
        for _ in range(2):
            first.record_run([LinkResult(dead, Status.DEAD, http_status=404),
                              LinkResult(moved, Status.REDIRECT, http_status=200,
                                         final_url=moved + "new", moved_to=moved + "new",
                                         permanent=True),
                              LinkResult(alive, Status.OK, http_status=200, title="A \u00e9")])
            clock.now += timedelta(days=7)
        first.put_etag("https://api.test/repos/o/n", 'W/"1"', '{"stars": 5}')
        text = dump(first.export_snapshot())
        before = first.history()

    with SQLiteStore(tmp_path / "no-cache.sqlite", clock=clock) as lean:
        lean.import_snapshot(parse(text), max_age=0)  # no max-age cache: no last results
        assert lean.history() == before and lean.fresh_results(10**9) == {}
        lean.import_snapshot(parse(text), max_age=8 * 86400)  # the last run's are in reach
        assert set(lean.fresh_results(8 * 86400)) == {alive, moved}

    with SQLiteStore(tmp_path / "two.sqlite", clock=clock) as second:
        second.import_snapshot(parse(text))
        assert second.history() == before
        fresh = second.fresh_results(8 * 86400)
        assert fresh[alive].http_status == 200 and fresh[moved].moved_to == moved + "new"
        assert fresh[alive].title is None  # the catalog keeps titles; the file does not
        assert dead not in fresh
        assert second.get_etag("https://api.test/repos/o/n").body == '{"stars": 5}'  # type: ignore[union-attr]
        run = second.record_run([LinkResult(dead, Status.DEAD, http_status=404)],
                                seen=[dead, moved, alive])
        assert run.run_id == 3  # the run count goes on
        assert second.history([dead])[dead].streak == 3
        again = parse(dump(second.export_snapshot()))
    assert again.runs == 3 and again.first_run == "2026-10-05T04:23:00.000000Z"
    # Sorted; an ok link checked in the last run is its URL and nothing else.
    assert text.splitlines()[1] == '{"url":"https://a.test/"}'
    assert text.splitlines()[2].startswith('{"url":"https://d.test/","status":"dead"')


def test_links_in_good_standing_have_no_line_and_the_next_run_goes_on_alike(
        tmp_path: Path) -> None:
    clock = Clock()
    dead, moved, alive, healed = ("https://d.test/", "https://m.test/", "https://a.test/",
                                  "https://h.test/")
    first_run = [LinkResult(dead, Status.DEAD, http_status=404),
                 LinkResult(moved, Status.REDIRECT, http_status=200, final_url=moved + "new",
                            moved_to=moved + "new", permanent=True),
                 LinkResult(alive, Status.OK, http_status=200),
                 LinkResult(healed, Status.DEAD, http_status=404)]
    second_run = [*first_run[:3], LinkResult(healed, Status.OK, http_status=200)]
    with SQLiteStore(tmp_path / "one.sqlite", clock=clock) as first:
        first.record_run(first_run)
        clock.now += timedelta(days=7)
        first.record_run(second_run)
        snapshot = first.export_snapshot()
        text = dump(snapshot, cache_since=None)  # max_age 0: no cache to keep
        restored = parse(text)
        # Only what carries something: a streak, a status other than ok.
        assert sorted(restored.links) == [dead, moved] and text.count("\n") == 3
        assert restored.runs == 2 and restored.last_run == snapshot.last_run
        # The max-age cache keeps the alive results it can still use, and no older ones.
        assert set(parse(dump(snapshot, cache_since=snapshot.last_run)).links) == {
            dead, moved, alive, healed}
        later = (clock.now + timedelta(seconds=1)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        assert set(parse(dump(snapshot, cache_since=later)).links) == {dead, moved}

        # The same third run on the full working copy and on one restored from the file.
        with SQLiteStore(tmp_path / "two.sqlite", clock=clock) as second:
            second.import_snapshot(restored, max_age=0)
            assert second.runs(1)  # a restored history is never taken for a lost one
            clock.now += timedelta(days=7)
            third_run = [LinkResult(u, Status.DEAD, http_status=404)
                         for u in (dead, alive, healed)]
            runs = [store.record_run(third_run, seen=[dead, moved, alive, healed])
                    for store in (first, second)]
            assert runs[0].run_id == runs[1].run_id == 3

            def standing(store: SQLiteStore) -> dict[str, tuple[object, ...]]:
                return {u: (h.streak, h.first_failure, h.confirmed_dead, h.last_status)
                        for u, h in store.history([dead, alive, healed]).items()}
            assert standing(second) == standing(first)
            assert standing(first)[dead][0] == 3 and standing(first)[alive][0] == 1


def test_a_schema_1_file_reads_as_before() -> None:
    text = ('{"schema":1,"runs":2,"first_run":"2026-01-01","last_run":"2026-01-08",'
            '"recent":[["2026-01-08","2026-01-08",true,2,1,{"dead":1,"ok":1}]]}\n'
            '{"url":"https://a.test/"}\n'
            '{"url":"https://d.test/","status":"dead","streak":2,"since":"2026-01-01"}\n')
    snapshot = parse(text)
    assert snapshot.runs == 2
    assert snapshot.links["https://a.test/"].status == "ok"
    assert snapshot.links["https://a.test/"].checked == "2026-01-08"
    assert snapshot.links["https://d.test/"].streak == 2
    assert parse(dump(snapshot)).links == snapshot.links  # and writes schema 2
    assert dump(snapshot).startswith('{"schema":2,')


def test_links_absent_from_every_catalog_for_30_days_are_dropped(tmp_path: Path) -> None:
    clock = Clock()
    gone, kept = "https://gone.test/", "https://kept.test/"
    with SQLiteStore(tmp_path / "s.sqlite", clock=clock) as store:
        store.record_run([LinkResult(gone, Status.DEAD), LinkResult(kept, Status.DEAD)])
        for days in (20, 31):  # `gone` left the catalog; `kept` is cached, still listed
            clock.now = T0 + timedelta(days=days)
            store.record_run([], seen=[kept])
            cutoff = (clock.now - timedelta(days=30)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
            links = parse(dump(store.export_snapshot(), keep_seen_since=cutoff)).links
            assert kept in links and links[kept].streak == 1
            assert (gone in links) is (days < 30), f"day {days}"


def test_merge_takes_the_most_recent_check_per_link_and_adds_the_runs() -> None:
    def snap(runs: int, **checked: str) -> str:
        lines = [f'{{"schema":1,"runs":{runs},"first_run":"2026-01-0{runs}","last_run":"z"}}']
        lines += [f'{{"url":"{u}","run":"{t}","status":"dead","streak":{runs}}}'
                  for u, t in checked.items()]
        return "\n".join(lines) + "\n"
    mine = parse(snap(3, a="2026-02-02", b="2026-02-02"))
    theirs = parse(snap(4, b="2026-02-03", c="2026-02-03"))
    merged = merge(mine, theirs, restored_runs=2)
    assert merged.runs == 5 and merged.first_run == "2026-01-03"
    assert {u: k.streak for u, k in merged.links.items()} == {"a": 3, "b": 4, "c": 4}


def test_merge_knows_a_line_their_run_dropped_was_found_ok() -> None:
    """Both runs started from `base`, where `u` had a strike; theirs found it ok and wrote
    no line for it. Mine checked it dead: an earlier check loses, a later one wins."""
    def snap(last: str, **lines: str) -> str:
        head = f'{{"schema":2,"runs":2,"first_run":"2026-01-01T00:00:00.000000Z",' \
               f'"last_run":"{last}"}}'
        return "\n".join([head, *(f'{{"url":"{u}","run":"{t}","status":"dead",'
                                   f'"streak":1,"seen":"{t}"}}'
                                   for u, t in lines.items())]) + "\n"
    base = parse(snap("2026-02-01T00:00:00.000000Z", u="2026-02-01T00:00:00.000000Z"))
    theirs = parse(snap("2026-02-08T00:00:00.000000Z"))  # u found ok: no line
    for checked, kept in (("2026-02-07T00:00:00.000000Z", False),
                          ("2026-02-09T00:00:00.000000Z", True)):
        mine = parse(snap(checked, u=checked))
        merged = merge(mine, theirs, restored_runs=2, base=base)
        assert ("u" in merged.links) is kept, checked
    # Beyond retention, their run dropped the line for age, not for health: mine stays.
    old_base = parse(snap("2026-01-01T00:00:00.000000Z", u="2026-01-01T00:00:00.000000Z"))
    mine = parse(snap("2026-02-07T00:00:00.000000Z", u="2026-02-07T00:00:00.000000Z"))
    assert "u" in merge(mine, theirs, restored_runs=2, base=old_base).links


@pytest.mark.parametrize(("text", "newer"), [
    ("", False), ("[1]\n", False), ('{"schema": 3}\n', True), ('{"schema": 1}\n{"x": 1}\n', False),
    ('{"schema": 1, "recent": []}\n{"url": "u", "run": 7}\n', False),
])
def test_unreadable_files_raise_one_line(text: str, newer: bool) -> None:
    with pytest.raises(UnreadableHistory) as caught:
        parse(text)
    assert caught.value.newer is newer and "\n" not in str(caught.value)
