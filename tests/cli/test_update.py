"""`curatorbot update` through the real CLI: --dry-run, --plan-out, exit codes (no network,
corrupted state), the JSON report contract, render after update, token safety, and a real
`python -m curatorbot update` process. Every server is on loopback (tests/fakes/world.py)."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from pathlib import Path
from urllib.parse import quote

import jsonschema
import pytest

from curatorbot.plan import ChangeKind, load_plan
from curatorbot.state import SQLiteStore
from tests.fakes.world import TOKEN, World

SCHEMA = json.loads((Path(__file__).parent.parent / "contracts" /
                     "check-report.schema.json").read_text())


async def test_dry_run_prints_the_diff_and_writes_neither_catalog_nor_state(
        world: World) -> None:
    world.farm.switches["d"] = 404
    catalog = world.catalog([world.url("moved/1"), world.gh("alice/tool"),
                             world.url("switch/d")], settings={"dead_after": 1})
    # A first dry run: no state file yet, and none is created.
    first = await world.update(str(catalog), "--dry-run")
    assert first.code == 2, first.output
    assert not world.state.exists()
    assert world.url("ok/1") in first.stdout

    # With a history on disk: neither file changes, not even its mtime.
    world.farm.switches["d"] = 200
    setup = await world.update(str(catalog), "--exclude", "moved|alice")
    assert setup.code == 0, setup.output
    world.farm.switches["d"] = 404
    catalog_bytes, state_bytes = catalog.read_bytes(), world.state.read_bytes()
    state_mtime = world.state.stat().st_mtime_ns
    plan = world.tmp / "out" / "plan.json"
    plan.parent.mkdir()
    result = await world.update(str(catalog), "--dry-run", "--plan-out", str(plan))
    assert result.code == 2, result.output
    assert catalog.read_bytes() == catalog_bytes
    assert world.state.read_bytes() == state_bytes
    assert world.state.stat().st_mtime_ns == state_mtime

    diff = result.stdout
    assert diff.startswith(f"--- a/{catalog}\n+++ b/{catalog}\n")
    assert f"-          - url: '{world.url('moved/1')}'" in diff
    assert f"+          - url: '{world.url('ok/1')}'" in diff
    assert "+              stars: 100" in diff
    assert f"+              dead_since: '{dt.date.today().isoformat()}'" in diff
    assert "planned for" in result.stderr  # not "written to"
    changes = load_plan(plan.read_text(encoding="utf-8"))
    assert {c.kind for c in changes} >= {ChangeKind.REDIRECT, ChangeKind.DEAD,
                                         ChangeKind.METADATA}
    # The dry run's strike went to a scratch copy: the real history has none.
    with SQLiteStore(world.state) as store:
        assert store.history([world.url("switch/d")])[world.url("switch/d")].streak == 0


async def test_no_network_exits_5_and_changes_nothing(world: World) -> None:
    a, b = world.farm_ports["127.0.0.2"], world.farm_ports["127.0.0.3"]
    world.farm.switches["d"] = 404
    links = [f"http://site-a.test:{a}/moved/1", f"http://site-b.test:{b}/ok/2",
             f"http://site-a.test:{a}/switch/d"]
    catalog = world.catalog(links)
    online = ["--resolve", "site-a.test=127.0.0.2", "--resolve", "site-b.test=127.0.0.3"]
    first = await world.update(str(catalog), *online)
    assert first.code == 2, first.output  # one dead link: its first strike
    catalog_bytes, state_bytes = catalog.read_bytes(), world.state.read_bytes()

    # The runner's network breaks: every name now leads to a closed loopback address.
    offline = ["--resolve", "site-a.test=127.0.0.5", "--resolve", "site-b.test=127.0.0.5"]
    closed = "http://127.0.0.5:9"
    result = await world.update(str(catalog), *offline, env={
        "GITHUB_API_URL": closed, "GITHUB_GRAPHQL_URL": f"{closed}/graphql"})
    assert result.code == 5, result.output
    assert "no network" in result.stderr and "Traceback" not in result.output
    assert catalog.read_bytes() == catalog_bytes
    assert world.state.read_bytes() == state_bytes
    with SQLiteStore(world.state) as store:
        assert store.history([links[2]])[links[2]].streak == 1
        assert len(store.runs()) == 1


@pytest.mark.parametrize("dry_run", [False, True], ids=["update", "dry-run"])
async def test_corrupted_state_file_exits_3_naming_it_and_keeps_the_catalog(
        world: World, dry_run: bool) -> None:
    catalog = world.catalog([world.url("moved/1")])
    world.state.parent.mkdir(parents=True)
    world.state.write_bytes(b"SQLite format 3\0" + b"\x17garbage" * 512)
    before = catalog.read_bytes()
    result = await world.update(str(catalog), *(["--dry-run"] if dry_run else []))
    assert result.code == 3
    assert result.stdout == ""
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("curatorbot: error: ") and str(world.state) in line
    assert "curatorbot-dry-run-" not in line  # the user's file, not a scratch copy
    assert "Traceback" not in result.output
    assert catalog.read_bytes() == before
    assert world.state.read_bytes().endswith(b"\x17garbage")  # never reset silently


async def test_a_foreign_sqlite_file_is_refused_too(world: World) -> None:
    catalog = world.catalog([world.url("ok/1")])
    world.state.parent.mkdir(parents=True)
    with sqlite3.connect(world.state) as db:
        db.execute("CREATE TABLE mine (x)")
    result = await world.update(str(catalog))
    assert result.code == 3 and "not curatorbot's run history" in result.stderr


async def test_json_report_carries_history_and_follows_the_contract(world: World) -> None:
    world.farm.switches["d"] = 404
    dead, broken = world.url("switch/d"), world.url("status/500/x")
    catalog = world.catalog([world.url("ok/1"), dead, broken, world.gh("alice/tool")],
                            settings={"dead_after": 2})
    reports = []
    for _ in range(2):
        result = await world.update(str(catalog), "--format", "json")
        assert result.code == 2, result.output
        data = json.loads(result.stdout)
        jsonschema.validate(data, SCHEMA)
        reports.append({r["url"]: r for r in data["results"]})
    first, second = reports
    assert first[dead]["strikes"] == 1 and first[dead]["confirmed_dead"] is False
    assert second[dead]["strikes"] == 2 and second[dead]["confirmed_dead"] is True
    assert second[dead]["first_failure"] == first[dead]["first_failure"]
    assert second[dead]["first_failure"].startswith(dt.date.today().isoformat())
    # An error (500) proves nothing: it carries its history with no strike.
    assert second[broken]["status"] == "error" and second[broken]["strikes"] == 0
    assert second[broken]["first_failure"] is None
    assert "strikes" not in second[world.url("ok/1")]


async def test_render_after_update_shows_the_badges(world: World) -> None:
    world.farm.switches["d"] = 404
    catalog = world.catalog([world.gh("alice/tool"), world.gh("frank/old-lib"),
                             world.url("switch/d")], settings={"dead_after": 1})
    result = await world.update(str(catalog))
    assert result.code == 2, result.output
    page = await world.cli("render", "--style", "cards", str(catalog))
    assert page.code == 0, page.output
    lines = page.stdout.splitlines()
    alice = next(line for line in lines if "alice/tool" in line)
    assert "★ 100" in alice and "pushed 2024-05" in alice
    assert "archived" in next(line for line in lines if "frank/old-lib" in line)
    today = dt.date.today().isoformat()
    assert f"dead since {today}" in next(line for line in lines if "switch/d" in line)


async def test_the_token_reaches_only_the_github_api(world: World) -> None:
    via_redirect = world.url("moveto/r?url=" + quote(world.gh("alice/tool"), safe=""))
    catalog = world.catalog([world.gh("alice/tool"), world.gh("bob/tool"), via_redirect,
                             world.yt("aliveVideo1"), world.url("ok/1")])
    outputs = []
    for fmt in ("text", "json", "markdown"):
        result = await world.update(str(catalog), "--format", fmt, "--verbose", "--dry-run")
        assert result.code == 0, result.output
        outputs.append(result.output)
    plan = world.tmp / "plan.json"
    result = await world.update(str(catalog), "--plan-out", str(plan))
    outputs += [result.output, catalog.read_text(encoding="utf-8"), plan.read_text()]
    assert not any(TOKEN in text for text in outputs)
    # The API got it on every request; no page, redirect target or oEmbed call did.
    assert world.github.auth_seen and {a for _, a in world.github.auth_seen} == {
        f"Bearer {TOKEN}"}
    assert world.site.log and all(s.authorization is None for s in world.site.log)
    assert world.farm.authorizations == [] and world.oembed.auth == []
    assert sum(s.requests for s in world.farm.stats.values()) > 0


async def test_python_m_curatorbot_update_in_a_real_process(world: World) -> None:
    catalog = world.catalog([world.url("moved/1"), world.gh("bob/tool")])
    result = await world.subprocess(str(catalog))
    assert result.code == 0, result.output
    assert TOKEN not in result.output
    text = catalog.read_text(encoding="utf-8")
    assert world.url("ok/1") in text and world.gh("carol/tool-ng") in text
    assert f"written to {catalog}" in result.stderr
    assert world.state.exists()
