"""Archived copies of confirmed-dead links through `curatorbot update` (issue 13, item 3):
one CDX request per confirmed-dead URL to the loopback fake (tests/fakes/cdx.py), the last
200 capture before the first failure proposed as an `archived_copy` change, recorded in a
YAML catalog's `bot:` mapping and only in the PR text of a Markdown catalog."""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import json
import signal
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from curatorbot.http.client import HttpClient
from curatorbot.plan import ChangeKind, load_plan
from curatorbot.settings import Settings
from curatorbot.update.rescue import find_copies
from tests.fakes.cdx import FakeCdx
from tests.fakes.world import FAST_SETTINGS, TOKEN, World, bots

CDX_HOST = "127.0.0.8"
BEFORE = "20250101000000"  # the last 200 capture before any link of these tests failed
PR_DATE = "captured 2025\\-01\\-01"  # as the PR's Markdown writes it (escaped text)


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
async def cdx() -> AsyncIterator[FakeCdx]:
    fake = FakeCdx()
    await fake.start(CDX_HOST)
    yield fake
    await fake.stop()


def captured(cdx: FakeCdx, url: str) -> None:
    """Mixed captures of `url`: older 200s, a later error page, a 200 after the failure."""
    cdx.add(url, "20190101000000")
    cdx.add(url, BEFORE)
    cdx.add(url, "20250601000000", status="404")
    cdx.add(url, "20990101000000")  # after the link first failed: never proposed


async def test_a_confirmed_dead_link_gets_its_last_good_capture_once(
        world: World, cdx: FakeCdx) -> None:
    world.farm.switches["d"] = 404
    dead, alive = world.url("switch/d"), world.url("ok/1")
    captured(cdx, dead)
    cdx.add(alive, BEFORE)
    catalog = world.catalog([dead, alive], settings={"dead_after": 2, "archive_api": cdx.root})

    first = await world.update(str(catalog))  # one strike: not confirmed, not asked
    assert first.code == 2, first.output
    assert cdx.requests == []
    plan = world.tmp / "plan.json"
    second = await world.update(str(catalog), "--plan-out", str(plan))
    assert second.code == 2, second.output

    copy = f"{cdx.root}/web/{BEFORE}/{dead}"
    assert bots(catalog)[0]["archived_copy"] == copy
    assert bots(catalog)[0]["dead_since"] == dt.date.today().isoformat()
    assert "archived_copy" not in bots(catalog)[1]
    # One request, for the dead URL only, asking for 200s up to the second before it failed.
    (query,) = cdx.requests
    assert query["url"] == [dead] and query["filter"] == ["statuscode:200"]
    assert query["limit"] == ["-1"] and query["output"] == ["json"]
    assert query["to"][0] < dt.datetime.now(dt.UTC).strftime("%Y%m%d%H%M%S")
    (change,) = [c for c in load_plan(plan.read_text(encoding="utf-8"))
                 if c.kind is ChangeKind.ARCHIVED_COPY]
    assert (change.url, change.field, change.new) == (dead, "archived_copy", copy)
    assert "captured 2025-01-01" in change.evidence.note and change.evidence.strikes == 2
    # The archive is no GitHub endpoint: the token of the run's environment never goes there.
    assert cdx.replays == [f"/web/{BEFORE}id_/{dead}"] and cdx.authorization == []
    assert TOKEN not in second.output

    pr = await world.cli("pr", "--catalog", str(catalog), "--plan", str(plan),
                         "--path-in-repo", "catalog.yaml", "--dry-run")
    assert pr.code == 0, pr.output
    assert "Archived copies of dead links" in pr.stdout and copy in pr.stdout
    assert PR_DATE in pr.stdout and "1 archived copy" in pr.stdout

    # Recorded: the next run does not ask again, and changes nothing.
    before = catalog.read_bytes()
    third = await world.update(str(catalog))
    assert third.code == 2, third.output
    assert len(cdx.requests) == 1 and catalog.read_bytes() == before


async def test_no_capture_and_archive_off_propose_nothing(world: World, cdx: FakeCdx) -> None:
    world.farm.switches["d"] = 404
    dead = world.url("switch/d")
    cdx.add(dead, "20240101000000", status="404")  # only an error page was captured
    off = world.catalog([dead], name="off.yaml",
                        settings={"dead_after": 1, "archive": "off", "archive_api": cdx.root})
    result = await world.update(str(off))
    assert result.code == 2, result.output
    assert cdx.requests == [] and "archived_copy" not in bots(off)[0]

    on = world.catalog([dead], name="on.yaml",
                       settings={"dead_after": 1, "archive_api": cdx.root})
    plan = world.tmp / "plan.json"
    result = await world.update(str(on), "--plan-out", str(plan), "--no-state")
    assert result.code == 2, result.output
    assert len(cdx.requests) == 1  # asked; the answer is `[]`
    assert "archived_copy" not in bots(on)[0] and bots(on)[0]["dead_since"]
    assert "note: the archive" not in result.stderr  # an empty answer is no failure
    assert all(c.kind is not ChangeKind.ARCHIVED_COPY
               for c in load_plan(plan.read_text(encoding="utf-8")))


async def test_an_archive_that_fails_costs_only_its_suggestions(
        world: World, cdx: FakeCdx) -> None:
    world.farm.switches["d"] = 404
    dead = world.url("switch/d")
    captured(cdx, dead)
    cdx.fail_next = [(503, None)]  # retries: 0 in the world's settings
    catalog = world.catalog([dead], settings={"dead_after": 1, "archive_api": cdx.root})
    result = await world.update(str(catalog))
    assert result.code == 2, result.output
    assert f"note: the archive ({cdx.root}) could not be asked about 1 dead link" \
        in result.stderr and "HTTP 503" in result.stderr
    assert bots(catalog)[0]["dead_since"] and "archived_copy" not in bots(catalog)[0]
    # The next run asks again and gets it.
    again = await world.update(str(catalog))
    assert again.code == 2, again.output
    assert bots(catalog)[0]["archived_copy"] == f"{cdx.root}/web/{BEFORE}/{dead}"
    assert len(cdx.requests) == 2


async def test_a_markdown_catalog_gets_the_copy_in_the_pr_text_only(
        world: World, cdx: FakeCdx) -> None:
    world.farm.switches["d"] = 404
    dead = world.url("switch/d")
    captured(cdx, dead)
    readme = world.tmp / "README.md"
    readme.write_text(f"# List\n\n## Tools\n\n- [Gone]({dead}) - a tool\n", encoding="utf-8")
    settings = {**FAST_SETTINGS, "dead_after": 1, "archive_api": cdx.root}
    (world.tmp / ".curatorbot.yaml").write_text(
        "".join(f"{key}: {value}\n" for key, value in settings.items()), encoding="utf-8")
    before = readme.read_bytes()
    plan = world.tmp / "plan.json"
    result = await world.update(str(readme), "--plan-out", str(plan))
    assert result.code == 2, result.output
    assert readme.read_bytes() == before
    (change,) = load_plan(plan.read_text(encoding="utf-8"))
    copy = f"{cdx.root}/web/{BEFORE}/{dead}"
    assert (change.kind, change.new, change.path) == (ChangeKind.ARCHIVED_COPY, copy, ())
    pr = await world.cli("pr", "--catalog", str(readme), "--plan", str(plan),
                         "--path-in-repo", "README.md", "--dry-run")
    assert pr.code == 0, pr.output
    assert copy in pr.stdout and PR_DATE in pr.stdout
    # No place to record it: every run asks again.
    await world.update(str(readme))
    assert len(cdx.requests) == 2


async def test_bad_archive_api_is_a_settings_error(world: World) -> None:
    catalog = world.catalog([world.url("ok/1")], settings={"archive_api": "web.archive.org"})
    result = await world.update(str(catalog))
    assert result.code == 3, result.output
    assert "archive_api: 'web.archive.org' is not an http(s) URL" in result.stderr
    assert "Traceback" not in result.output


FAILED = dt.datetime(2025, 3, 1, tzinfo=dt.UTC)


async def test_429_and_5xx_are_retried_by_the_one_policy(cdx: FakeCdx) -> None:
    url = "http://example.test/gone"
    captured(cdx, url)
    cdx.fail_next = [(429, None), (502, None)]
    settings = Settings(allow_private=True, retries=2, retry_backoff=0)
    rescue = await find_copies(HttpClient(settings), cdx.root, {url: FAILED})
    assert rescue.copies[url].url == f"{cdx.root}/web/{BEFORE}/{url}"
    assert rescue.copies[url].capture.date == "2025-01-01"
    assert len(cdx.requests) == 3 and rescue.notes == []


async def test_retry_after_is_honoured_not_the_backoff(cdx: FakeCdx) -> None:
    url = "http://example.test/gone"
    captured(cdx, url)
    cdx.fail_next = [(429, "1")]
    # The backoff would wait a minute; the archive asked for one second.
    settings = Settings(allow_private=True, retries=1, retry_backoff=60)
    rescue = await asyncio.wait_for(
        find_copies(HttpClient(settings), cdx.root, {url: FAILED}), timeout=30)
    assert url in rescue.copies and len(cdx.requests) == 2


async def test_a_capture_after_the_first_failure_is_never_proposed(cdx: FakeCdx) -> None:
    url = "http://example.test/young"
    cdx.add(url, "20250401000000")  # the only 200: taken after the link failed
    cdx.add(url, "20250201000000", status="503")
    rescue = await find_copies(HttpClient(Settings(allow_private=True)), cdx.root,
                               {url: FAILED})
    assert rescue.copies == {} and rescue.notes == [] and len(cdx.requests) == 1


PARKED_LANDER = (b"<html><head><title>gone.example</title></head><body>"
                 b"<script src=\"//img.sedoparking.com/js/lander.js\"></script></body></html>")


async def test_a_parked_capture_is_replayed_and_never_proposed(cdx: FakeCdx) -> None:
    parked, real = "http://example.test/parked", "http://example.test/real"
    cdx.add(parked, "20240101000000")  # the page, before the domain lapsed
    cdx.add(parked, BEFORE, body=PARKED_LANDER)  # the lander the archive kept last
    captured(cdx, real)
    rescue = await find_copies(HttpClient(Settings(allow_private=True)), cdx.root,
                               {parked: FAILED, real: FAILED})
    assert list(rescue.copies) == [real]
    assert sorted(cdx.replays) == sorted(f"/web/{BEFORE}id_/{url}" for url in (parked, real))
    (note,) = rescue.notes
    assert f"is a parking page (first: {parked} (2025-01-01, Sedo))" in note


async def test_a_capture_that_cannot_be_replayed_is_not_proposed(cdx: FakeCdx) -> None:
    url = "http://example.test/gone"
    captured(cdx, url)
    settings = Settings(allow_private=True, retries=1, retry_backoff=0)
    cdx.fail_next = [(200, None)]  # the CDX answer: "HTTP 200" as text, not JSON
    rescue = await find_copies(HttpClient(settings), cdx.root, {url: FAILED})
    assert rescue.copies == {} and "not JSON" in rescue.notes[0]
    del cdx.bodies[next(key for key in cdx.bodies if key[1] == BEFORE)]  # replay: 404
    rescue = await find_copies(HttpClient(settings), cdx.root, {url: FAILED})
    assert rescue.copies == {}
    assert "the capture of 2025-01-01: HTTP 404" in rescue.notes[0]
    assert len(cdx.replays) == 1  # a 404 is an answer: not asked again


async def test_ctrl_c_while_the_archive_is_asked_records_and_writes_nothing(
        world: World, cdx: FakeCdx) -> None:
    """The archive is asked after the run's strikes are counted; a Ctrl-C then still leaves
    the catalog and the run history as they were before the run, and exits 130."""
    world.farm.switches["d"] = 404
    dead = world.url("switch/d")
    captured(cdx, dead)
    catalog = world.catalog([dead, world.url("ok/1")],
                            settings={"dead_after": 2, "archive_api": cdx.root})
    first = await world.update(str(catalog))  # one strike: the next run confirms it
    assert first.code == 2, first.output
    catalog_before, state_before = sha256(catalog), sha256(world.state)

    cdx.delay = 10  # long enough to be interrupted, short enough for the fixture to stop
    process = await world.spawn("update", str(catalog), "--format", "json")
    for _ in range(600):  # until the run has counted its strikes and asks the archive
        if cdx.requests:
            break
        await asyncio.sleep(0.05)
    else:
        process.kill()
        pytest.fail("the update never asked the archive")
    process.send_signal(signal.SIGINT)
    out, err = await asyncio.wait_for(process.communicate(), timeout=60)

    assert process.returncode == 130, err.decode()
    assert b"Traceback" not in err
    assert json.loads(out)["summary"]["interrupted"] is True
    assert sha256(catalog) == catalog_before
    assert sha256(world.state) == state_before
