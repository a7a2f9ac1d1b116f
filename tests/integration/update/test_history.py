"""Run history through `curatorbot update`: N-strike confirmation, recovery, unhealthy runs,
the max-age cache."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from curatorbot.plan import ChangeKind, load_plan
from curatorbot.state import SQLiteStore
from tests.fakes.world import World, bots


@pytest.mark.parametrize("dead_after", [2, None], ids=["dead_after=2", "default=3"])
async def test_dead_since_only_on_the_nth_failing_run_and_recovery_clears_it(
        world: World, dead_after: int | None) -> None:
    runs = dead_after or 3
    world.farm.switches["d"] = 404
    links = [world.url("switch/d"), *(world.url(f"ok/{i}", host=i % 2) for i in range(4))]
    catalog = world.catalog(links, settings={"dead_after": dead_after} if dead_after else {})
    for run in range(1, runs + 1):
        plan = world.tmp / f"plan{run}.json"
        result = await world.update(str(catalog), "--plan-out", str(plan))
        assert result.code == 2, result.output
        dead = [c for c in load_plan(plan.read_text(encoding="utf-8"))
                if c.kind is ChangeKind.DEAD]
        if run < runs:
            assert "dead_since" not in bots(catalog)[0], f"marked after {run} runs"
            assert dead == []
    assert bots(catalog)[0]["dead_since"] == dt.date.today().isoformat()
    assert bots(catalog)[0]["checked"] == dt.date.today().isoformat()
    (change,) = dead
    assert change.evidence.strikes == runs and change.evidence.first_failure
    assert change.evidence.chain == ((links[0], 404),)
    with SQLiteStore(world.state) as store:
        assert store.history([links[0]])[links[0]].streak == runs

    world.farm.switches["d"] = 200
    result = await world.update(str(catalog))
    assert result.code == 0, result.output
    assert "dead_since" not in bots(catalog)[0]
    assert bots(catalog)[0]["title"] == "Page d"
    with SQLiteStore(world.state) as store:
        history = store.history([links[0]])[links[0]]
        assert history.streak == 0 and history.first_failure is None


async def test_an_unhealthy_run_adds_no_strikes_and_says_so(world: World) -> None:
    world.farm.switches["d"] = 404
    flaky = [world.url(f"switch/s{i}", host=i % 2) for i in range(6)]
    catalog = world.catalog([world.url("switch/d"), *flaky], settings={"dead_after": 2})

    first = await world.update(str(catalog))  # healthy: 1 of 7 fails -> first strike
    assert first.code == 2 and "note: unhealthy run" not in first.stderr

    for i in range(6):  # the "network" breaks: every link fails at once
        world.farm.switches[f"s{i}"] = 500
    before = catalog.read_bytes()
    second = await world.update(str(catalog))
    assert second.code == 2
    assert "curatorbot: note: unhealthy run: 7 of 7 links failed at once" in second.stderr
    assert "no strikes were added" in second.stderr
    assert catalog.read_bytes() == before
    with SQLiteStore(world.state) as store:
        assert store.history([world.url("switch/d")])[world.url("switch/d")].streak == 1
        assert not store.runs(1)[0].healthy

    for i in range(6):
        world.farm.switches[f"s{i}"] = 200
    third = await world.update(str(catalog))  # healthy again: the second strike
    assert third.code == 2 and "note: unhealthy run" not in third.stderr
    assert bots(catalog)[0]["dead_since"] == dt.date.today().isoformat()


async def test_max_age_skips_urls_found_alive_recently_and_still_reports_them(
        world: World) -> None:
    world.farm.switches["d"] = 404
    alive = [world.url("ok/1"), world.url("moved/2"), world.url("ok/3", host=1)]
    catalog = world.catalog([*alive, world.url("switch/d")])
    first = await world.update(str(catalog), "--format", "json")
    assert first.code == 2, first.output
    asked = sum(s.requests for s in world.farm.stats.values())
    assert asked >= 5  # 4 URLs, one of them through a redirect
    world.farm.reset()

    second = await world.update(str(catalog), "--format", "json", "--max-age", "3600")
    report = json.loads(second.stdout)
    paths = sorted(path for stats in world.farm.stats.values() for _, _, path in stats.log)
    # Asked again: the failing URL, and /ok/2, the URL the first run wrote in place of
    # /moved/2 (new to the history). The two URLs found alive were not asked.
    assert paths == ["/ok/2", "/switch/d"]
    statuses = {r["url"]: r["status"] for r in report["results"]}
    assert statuses == {alive[0]: "ok", world.url("ok/2"): "ok", alive[2]: "ok",
                        world.url("switch/d"): "dead"}
    assert report["summary"]["total"] == 4 and second.code == 2
