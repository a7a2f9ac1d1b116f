"""Ctrl-C (issue 10, item 3) through real `python -m curatorbot` processes sent SIGINT,
against the loopback world (tests/fakes/world.py):

- during `update`: exit 130, the report of what was checked, one line on stderr, and the
  catalog and the run history (SQLite, ETags included) byte for byte as before the run;
- while a large catalog is still loading, for every kind of command: exit 130, one line,
  no traceback, no `Aborted!`, no request sent, nothing written.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import signal
from pathlib import Path

import pytest

from tests.fakes.world import World


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def farm_paths(world: World) -> list[str]:
    return [path for s in world.farm.stats.values() for _, _, path in s.log]


async def interrupt(process: asyncio.subprocess.Process) -> tuple[int, str, str]:
    """Send SIGINT, then collect how the process ended."""
    process.send_signal(signal.SIGINT)
    out, err = await asyncio.wait_for(process.communicate(), timeout=60)
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()


async def test_ctrl_c_during_update_reports_exits_130_and_moves_nothing(world: World) -> None:
    slow = world.url("slow/1?s=60")
    links = [world.url("ok/1"), world.url("moved/1"), world.gh("alice/tool"), slow]
    catalog = world.catalog(links, settings={"timeout": 120})
    # A history to keep: one earlier run (the slow link left out).
    setup = await world.update(str(catalog), "--exclude", "slow", "--quiet")
    assert setup.code == 0, setup.output
    assert world.url("ok/1") in catalog.read_text(encoding="utf-8")  # moved/1 was rewritten
    catalog_before, state_before = sha256(catalog), sha256(world.state)

    # Without a token the GitHub metadata comes over REST, whose ETags go into the history.
    process = await world.spawn("update", str(catalog), "--format", "json",
                                GITHUB_TOKEN=None)
    for _ in range(600):  # wait until the run is inside the check and the REST calls
        if "/slow/1?s=60" in farm_paths(world) and world.github.requests["rest"]:
            break
        await asyncio.sleep(0.05)
    else:
        process.kill()
        pytest.fail("the update never reached the slow link and the GitHub API")
    await asyncio.sleep(0.5)  # the REST answers are in (and their ETags learnt)
    code, out, err = await interrupt(process)

    assert code == 130, err
    assert "Traceback" not in err and "Aborted" not in err
    assert err.strip().splitlines() == [
        "curatorbot: interrupted: the report covers the URLs checked so far"]
    report = json.loads(out)
    assert report["summary"]["interrupted"] is True
    statuses = {r["url"]: r["status"] for r in report["results"]}
    assert statuses[world.url("ok/1")] == "ok"
    assert slow not in statuses
    assert sha256(catalog) == catalog_before
    assert sha256(world.state) == state_before
    assert [p.name for p in world.tmp.iterdir() if p.name.startswith(".catalog")] == []


def big_catalog(world: World, entries: int) -> Path:
    """A catalog that takes seconds to load, every link on the link farm."""
    lines = ["version: 1", "title: Big", "sections:", "  - id: s", "    title: S",
             "    entries:"]
    for i in range(entries):
        lines += [f"      - id: e{i}", f"        title: Entry {i}", "        kind: website",
                  "        summary: An entry among many, to make loading take a while.",
                  "        links:", f"          - url: '{world.url(f'ok/{i}')}'"]
    path = world.tmp / "big.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time the process used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc")
@pytest.mark.parametrize("command", [["check", "--allow-private"], ["update"],
                                     ["lint", "--fix"], ["render"]],
                         ids=["check", "update", "lint", "render"])
async def test_ctrl_c_while_a_large_catalog_loads_exits_130(world: World,
                                                            command: list[str]) -> None:
    # 120,000 entries: the loader reads about 25,000 a second of CPU (bench_load.py), so
    # loading outlasts start-up plus the 1.5 s below by seconds even on a fast machine.
    catalog = big_catalog(world, 120_000)
    before = sha256(catalog)
    out_file = world.tmp / "out.txt"
    process = await world.spawn(command[0], str(catalog), *command[1:], "-o", str(out_file))
    # Python and curatorbot start within about 0.5 s of CPU time; loading this catalog
    # takes several seconds more. Interrupt well inside the loading.
    for _ in range(1200):
        if process.returncode is not None or cpu_seconds(process.pid) >= 1.5:
            break
        await asyncio.sleep(0.02)
    assert process.returncode is None, "the command ended before it could be interrupted"
    code, out, err = await interrupt(process)

    assert code == 130, err
    assert "Traceback" not in err and "Aborted" not in err
    assert err.strip().splitlines() == ["curatorbot: interrupted (Ctrl-C)"]
    assert out == ""
    assert farm_paths(world) == []  # still loading: not one request went out
    assert sha256(catalog) == before
    assert not out_file.exists() and not world.state.exists()
