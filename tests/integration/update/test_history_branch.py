"""`update --history-branch`: the run history lives on a branch of the repository, held to
GitHub's contract by the stateful fake GitHub (tests/fakes/github_api.py) on 127.0.0.8.

Each `update` runs with a state file of its own, as a fresh runner would."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import jsonschema
import pytest

from curatorbot.commands.history_sync import LOST_NOTE
from curatorbot.github_config import GitHubConfig
from curatorbot.history_file import parse
from curatorbot.publish.github import GitHubRepo, Pacing
from curatorbot.publish.history_branch import HISTORY_PATH, HistoryBranch
from curatorbot.results import LinkResult, Status
from curatorbot.state import SQLiteStore
from tests.fakes.github_api import FakeGitHub, Repo
from tests.fakes.world import ROOT, TOKEN, World, bots, default_sigint

REPORT_SCHEMA = json.loads((ROOT / "tests" / "contracts" / "check-report.schema.json")
                           .read_text(encoding="utf-8"))
REPOSITORY = "octo/catalog"
BRANCH = "curatorbot/history"


@pytest.fixture
async def api() -> AsyncIterator[FakeGitHub]:
    with FakeGitHub(TOKEN, host="127.0.0.8") as fake:
        fake.add_repo(REPOSITORY, {"catalog.yaml": "title: T\n"})
        yield fake
    assert fake.violations == [], "\n".join(fake.violations)


def repo_of(fake: FakeGitHub) -> Repo:
    return fake.repos[tuple(REPOSITORY.split("/"))]  # type: ignore[index]


def env_for(fake: FakeGitHub) -> dict[str, str | None]:
    return {"GITHUB_API_URL": fake.base_url, "GITHUB_REPOSITORY": REPOSITORY,
            "CURATORBOT_WRITE_INTERVAL": "0", "CURATORBOT_RETRY_BACKOFF": "0",
            "GITHUB_STEP_SUMMARY": None}


async def run(world: World, fake: FakeGitHub, catalog: Path, n: int, *args: str):  # type: ignore[no-untyped-def]
    """`update` in a fresh working directory (no local history), saving on BRANCH."""
    state = world.tmp / f"run{n}" / "state.sqlite"
    return await world.update(str(catalog), "--state", str(state), "--history-branch", BRANCH,
                              "--format", "json", *args, env=env_for(fake))


def history_text(fake: FakeGitHub) -> str | None:
    return repo_of(fake).file_text(f"heads/{BRANCH}", HISTORY_PATH)


async def test_three_runs_on_fresh_runners_confirm_a_dead_link(
        world: World, api: FakeGitHub) -> None:
    world.farm.switches["d"] = 404
    dead = world.url("switch/d")
    catalog = world.catalog([dead, world.url("ok/1"), world.url("ok/2", host=1)])
    for n in (1, 2, 3):
        result = await run(world, api, catalog, n)
        assert result.code == 2, result.output
        report = json.loads(result.stdout)
        jsonschema.validate(report, REPORT_SCHEMA)
        assert report["history"]["runs"] == n and report["history"]["lost"] is False
        assert f"run history saved on {BRANCH} ({n} runs" in result.stderr
        strikes = {r["url"]: r.get("strikes") for r in report["results"]}
        assert strikes[dead] == n
        assert ("dead_since" in bots(catalog)[0]) is (n == 3), f"after run {n}"
    repo = repo_of(api)
    head = repo.refs[f"heads/{BRANCH}"]
    chain = [head]
    while repo.commits[chain[-1]].parents:
        chain.append(repo.commits[chain[-1]].parents[0])
    assert len(chain) == 3  # one commit per run, the first one a root (orphan branch)
    assert set(repo.trees[repo.commits[head].tree]) == {HISTORY_PATH}  # touches nothing else
    assert repo.pulls("all") == []
    saved = parse(history_text(api) or "")
    assert saved.runs == 3 and saved.links[dead].streak == 3
    assert set(saved.links) == {dead}  # ok links in good standing have no line (max_age 0)

    # A max-age cache keeps the alive results it can use, and the next run uses them.
    assert (await run(world, api, catalog, 4, "--max-age", "86400")).code == 2
    assert set(parse(history_text(api) or "").links) == {dead, world.url("ok/1"),
                                                          world.url("ok/2", host=1)}

    def asked() -> int:
        return sum(1 for s in world.farm.stats.values() for _, _, path in s.log
                   if "/ok/" in path)
    before = asked()
    assert (await run(world, api, catalog, 5, "--max-age", "86400")).code == 2
    assert asked() == before  # both ok links served from the cache the file carried


async def test_a_local_history_moves_to_a_new_branch_and_github_failures_exit_4(
        world: World, api: FakeGitHub) -> None:
    world.farm.switches["d"] = 404
    catalog = world.catalog([world.url("switch/d")])
    assert (await world.update(str(catalog))).code == 2  # local history only
    second = await world.update(str(catalog), "--history-branch", BRANCH, env=env_for(api))
    assert second.code == 2 and LOST_NOTE not in second.stderr, second.output
    assert parse(history_text(api) or "").links[world.url("switch/d")].streak == 2

    api.inject("GET", r"/git/ref/heads/", 502, times=10)
    before = catalog.read_bytes()
    third = await world.update(str(catalog), "--history-branch", BRANCH,
                               env={**env_for(api), "CURATORBOT_MAX_WAIT": "1"})
    assert third.code == 4 and "Traceback" not in third.output
    assert third.stderr.strip().count("\n") == 0 and "HTTP 502" in third.stderr
    assert catalog.read_bytes() == before  # stopped before checking anything


async def test_a_failed_save_still_writes_the_catalog_and_prints_the_report(
        world: World, api: FakeGitHub) -> None:
    """The run's work (fixes, report) is not lost because GitHub failed at the very end."""
    catalog = world.catalog([world.url("moved/a"), world.url("ok/b")])
    api.inject("POST", r"/git/blobs$", 502, times=10)
    result = await run(world, api, catalog, 1)
    assert result.code == 4, result.output
    assert "Traceback" not in result.output and "HTTP 502" in result.stderr
    assert world.url("ok/a") in catalog.read_text(encoding="utf-8")  # the 301 is fixed
    assert world.url("moved/a") not in catalog.read_text(encoding="utf-8")
    report = json.loads(result.stdout)
    assert {r["url"] for r in report["results"]} == {world.url("moved/a"), world.url("ok/b")}
    assert "run history saved" not in result.stderr
    assert f"heads/{BRANCH}" not in repo_of(api).refs


async def test_a_dry_run_restores_but_saves_nothing(world: World, api: FakeGitHub) -> None:
    world.farm.switches["d"] = 404
    catalog = world.catalog([world.url("switch/d")])
    assert (await run(world, api, catalog, 1)).code == 2
    head = repo_of(api).refs[f"heads/{BRANCH}"]
    result = await run(world, api, catalog, 2, "--dry-run")
    assert result.code == 2, result.output
    assert repo_of(api).refs[f"heads/{BRANCH}"] == head
    assert "run history saved" not in result.stderr


async def test_missing_environment_is_one_line_and_exit_3_before_any_request(
        world: World, api: FakeGitHub) -> None:
    catalog = world.catalog([world.url("ok/1")])
    result = await world.update(str(catalog), "--history-branch", BRANCH,
                                env={**env_for(api), "GITHUB_REPOSITORY": None})
    assert result.code == 3
    assert result.stderr.strip().count("\n") == 0 and "GITHUB_REPOSITORY not set" in result.stderr
    assert api.log == []
    assert sum(s.requests for s in world.farm.stats.values()) == 0


@pytest.mark.parametrize(("name", "value"), [
    ("CURATORBOT_WRITE_INTERVAL", "inf"), ("CURATORBOT_MAX_WAIT", "nan"),
    ("CURATORBOT_RETRY_BACKOFF", "1e999"), ("CURATORBOT_WRITE_INTERVAL", "86400"),
])
async def test_unusable_pacing_from_the_environment_is_exit_3_before_any_request(
        world: World, api: FakeGitHub, name: str, value: str) -> None:
    """The same ranges as `pr`/`issue`: an infinite interval would hang the save."""
    catalog = world.catalog([world.url("ok/1")])
    result = await world.update(str(catalog), "--history-branch", BRANCH,
                                env={**env_for(api), name: value})
    assert result.code == 3, result.output
    assert result.stderr.strip().count("\n") == 0 and name in result.stderr
    assert "finite" in result.stderr or "too large" in result.stderr
    assert api.log == []
    assert sum(s.requests for s in world.farm.stats.values()) == 0


@pytest.mark.parametrize(("content", "kind", "reason"), [
    ("this is {not json\n", "corrupt", "the first line is not JSON"),
    ('{"schema": 99, "runs": 5}\n{"url": "x"}\n', "newer", "schema 99 is newer"),
])
async def test_an_unreadable_history_is_set_aside_reported_and_the_run_goes_on(
        world: World, api: FakeGitHub, content: str, kind: str, reason: str) -> None:
    repo = repo_of(api)
    repo.commit_files(BRANCH, {HISTORY_PATH: content}, "history")
    catalog = world.catalog([world.url("ok/1")])
    result = await run(world, api, catalog, 1)
    assert result.code == 0, result.output
    notes = [line for line in result.stderr.splitlines() if reason in line]
    assert len(notes) == 1 and f"set aside as history.{kind}-" in notes[0]
    files = repo.trees[repo.commits[repo.refs[f"heads/{BRANCH}"]].tree]
    [aside] = [path for path in files if path.startswith(f"history.{kind}-")]
    assert repo.file_text(f"heads/{BRANCH}", aside) == content  # kept, never deleted
    assert parse(history_text(api) or "").runs == 1
    assert json.loads(result.stdout)["history"]["problem"] == notes[0].split("note: ", 1)[1]


async def test_a_lost_history_is_said_when_the_catalog_shows_earlier_runs(
        world: World, api: FakeGitHub) -> None:
    catalog = world.catalog([(world.url("ok/1"), {"dead_since": "2026-01-01"})])
    summary = world.tmp / "summary.md"
    state = world.tmp / "run1" / "state.sqlite"
    result = await world.update(str(catalog), "--state", str(state), "--history-branch",
                                BRANCH, "--format", "json",
                                env={**env_for(api), "GITHUB_STEP_SUMMARY": str(summary)})
    assert result.code == 0, result.output
    assert f"note: {LOST_NOTE}" in result.stderr
    assert LOST_NOTE in summary.read_text(encoding="utf-8")
    report = json.loads(result.stdout)
    assert report["history"]["lost"] is True
    (world.tmp / "report.json").write_text(result.stdout, encoding="utf-8")
    issue = await world.cli("issue", "--report", str(world.tmp / "report.json"), "--dry-run")
    assert "Run history not found; strikes restart" in issue.stdout, issue.output
    assert "Run history: 1 run since" in issue.stdout
    again = await run(world, api, catalog, 2)  # the history exists now: nothing to say
    assert LOST_NOTE not in again.stderr


async def test_a_lost_history_is_said_when_the_health_issue_shows_strikes(
        world: World, api: FakeGitHub) -> None:
    api_repo = repo_of(api)
    with api.lock:
        api._new_thread(api_repo, "Link health: 1 dead",
                        "| Entry | URL | Answer | Failing since | Strikes |\n"
                        "|---|---|---|---|---|\n| `e0` | `u` | `404` | this run | 2 |\n",
                        ["curatorbot-health"])
    result = await run(world, api, world.catalog([world.url("ok/1")]), 1)
    assert f"note: {LOST_NOTE}" in result.stderr, result.output


async def test_a_run_without_network_saves_nothing(world: World, api: FakeGitHub) -> None:
    # Nothing listens on 127.0.0.9: every connection is refused, no host ever answers.
    catalog = world.catalog([f"http://127.0.0.9:9/{i}" for i in range(3)])
    result = await run(world, api, catalog, 1)
    assert result.code == 5, result.output
    assert any(entry.path.endswith(f"/git/ref/heads/{BRANCH}") for entry in api.log)
    assert api.writes() == [] and "run history saved" not in result.stderr


async def test_an_interrupted_run_saves_nothing(world: World, api: FakeGitHub) -> None:
    catalog = world.catalog([world.url("ok/1"), world.url("slow/1?s=60")],
                            settings={"timeout": 60})
    env = {k: v for k, v in os.environ.items() if not k.startswith("GITHUB_")}
    env.update({k: v for k, v in {**world.env(), **env_for(api)}.items() if v is not None})
    env["PYTHONPATH"] = str(ROOT / "src")
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "curatorbot", "update", *world.base_args(), str(catalog),
        "--history-branch", BRANCH, "--quiet", cwd=world.tmp, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        preexec_fn=default_sigint)
    for _ in range(200):  # until the slow link is being asked
        if any("/slow/" in path for s in world.farm.stats.values() for _, _, path in s.log):
            break
        await asyncio.sleep(0.05)
    proc.send_signal(signal.SIGINT)
    _, err = await asyncio.wait_for(proc.communicate(), 30)
    assert proc.returncode == 130, err.decode()
    assert any(entry.path.endswith(f"/git/ref/heads/{BRANCH}") for entry in api.log)
    assert api.writes() == [] and f"heads/{BRANCH}" not in repo_of(api).refs


async def test_two_concurrent_saves_keep_both_runs_streaks(
        tmp_path: Path, api: FakeGitHub) -> None:
    """Save A reads the head, save B commits, A's ref update conflicts: A reloads, merges
    per link by the most recent run, and retries."""
    gh = GitHubRepo(GitHubConfig(repository=REPOSITORY, token=TOKEN, api_url=api.base_url),
                    Pacing(seconds_between_writes=0, backoff=0))
    branch = HistoryBranch(gh, BRANCH)
    t0 = datetime(2026, 11, 2, 4, 23, tzinfo=UTC)
    shared, only_a, only_b = "https://a.test/shared", "https://a.test/a", "https://a.test/b"

    def working_copy(name: str, when: datetime) -> SQLiteStore:
        return SQLiteStore(tmp_path / name / "state.sqlite", clock=lambda: when)

    with working_copy("base", t0) as base:  # the first run, saved
        base.record_run([LinkResult(u, Status.DEAD) for u in (shared, only_a, only_b)])
        branch.save(base.export_snapshot(), branch.restore())

    restored_a, restored_b = branch.restore(), branch.restore()  # both runs start
    catalogs = {"a": [shared, only_a], "b": [shared, only_b]}  # A runs an older commit
    saved = {}
    for name, restored, minutes in (("b", restored_b, 30), ("a", restored_a, 10)):
        with working_copy(name, t0 + timedelta(days=7, minutes=minutes)) as store:
            store.import_snapshot(restored.snapshot)
            store.record_run([LinkResult(u, Status.DEAD) for u in catalogs[name]])
            saved[name] = branch.save(store.export_snapshot(), restored)
    gh.close()

    assert saved["b"].merges == 0 and saved["a"].merges == 1
    repo = repo_of(api)
    assert repo.commits[saved["a"].sha].parents == [saved["b"].sha]
    final = parse(history_text(api) or "")
    assert final.runs == 3  # the first run, then A and B
    assert final.links[only_a].streak == 2  # A's strike survived B's save
    assert final.links[only_b].streak == 2  # B's strike survived A's merge
    assert final.links[shared].streak == 2
    assert final.links[shared].checked == "2026-11-09T04:53:00.000000Z"  # B's, the latest


async def test_a_concurrent_save_that_found_a_link_ok_beats_an_older_strike(
        tmp_path: Path, api: FakeGitHub) -> None:
    """B finds `healed` ok (its save has no line for it) and saves first; A checked it
    dead earlier and merges after the conflict: B's later check wins, A's own strike on
    `dead` stays."""
    gh = GitHubRepo(GitHubConfig(repository=REPOSITORY, token=TOKEN, api_url=api.base_url),
                    Pacing(seconds_between_writes=0, backoff=0))
    branch = HistoryBranch(gh, BRANCH)
    t0 = datetime(2026, 11, 2, 4, 23, tzinfo=UTC)
    healed, dead = "https://a.test/healed", "https://a.test/dead"
    with SQLiteStore(tmp_path / "base.sqlite", clock=lambda: t0) as base:
        base.record_run([LinkResult(u, Status.DEAD) for u in (healed, dead)])
        branch.save(base.export_snapshot(), branch.restore(), cache_since=None)
    restored_a, restored_b = branch.restore(), branch.restore()
    runs = (("b", restored_b, 30, Status.OK), ("a", restored_a, 10, Status.DEAD))
    saved = {}
    for name, restored, minutes, status in runs:
        when = t0 + timedelta(days=7, minutes=minutes)
        with SQLiteStore(tmp_path / f"{name}.sqlite", clock=lambda w=when: w) as store:
            store.import_snapshot(restored.snapshot, max_age=0)
            store.record_run([LinkResult(healed, status), LinkResult(dead, Status.DEAD)])
            saved[name] = branch.save(store.export_snapshot(), restored, cache_since=None)
    gh.close()

    assert saved["a"].merges == 1
    final = parse(history_text(api) or "")
    assert healed not in final.links  # in good standing since B's run
    assert final.links[dead].streak == 2 and final.runs == 3
