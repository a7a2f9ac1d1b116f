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


@pytest.mark.parametrize(("text", "newer"), [
    ("", False), ("[1]\n", False), ('{"schema": 2}\n', True), ('{"schema": 1}\n{"x": 1}\n', False),
    ('{"schema": 1, "recent": []}\n{"url": "u", "run": 7}\n', False),
])
def test_unreadable_files_raise_one_line(text: str, newer: bool) -> None:
    with pytest.raises(UnreadableHistory) as caught:
        parse(text)
    assert caught.value.newer is newer and "\n" not in str(caught.value)
