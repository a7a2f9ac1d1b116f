"""`curatorbot issue` against the stateful fake GitHub: the one health issue's life."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from curatorbot.check.classify import Kind
from curatorbot.check.targets import Place, Target
from curatorbot.report.json import render as render_json
from curatorbot.results import CheckReport, HostOutage, LinkResult, Status
from tests.fakes.github_api import FakeGitHub, Repo
from tests.integration.publish.conftest import Bot, changes, dead, updated_catalog

HEALTH = "curatorbot-health"


def problems(n: int = 1) -> list[dict[str, Any]]:
    rows = [dead(f"https://gone.test/page-{i}", "deep-book", 9 + i,
                 first_failure="2026-01-01", strikes=3) for i in range(n)]
    rows.append({"url": "https://ok.test/", "status": "ok", "http_status": 200,
                 "entry": "old-repo", "line": 14})
    rows.append({"url": "https://slow.test/", "status": "timeout", "http_status": None,
                 "error": "no answer in 20 s", "entry": "old-repo", "line": 14})
    return rows


HEALTHY = [{"url": "https://ok.test/", "status": "ok", "http_status": 200, "entry": "x",
            "line": 3}]


def open_issues(repo: Repo) -> list[int]:
    return [t.number for t in repo.issues("open")]


def test_first_run_creates_the_issue_then_an_identical_run_writes_nothing(
        bot: Bot, repo: Repo, fake_github: FakeGitHub) -> None:
    result = bot.issue(problems(2))
    assert result.exit_code == 0, result.output
    assert "health issue #1: created" in result.output
    [issue] = repo.issues("open")
    assert issue.title == "Link health: 2 dead, 1 timing out"
    assert issue.labels == [HEALTH, "curatorbot"]
    body = issue.body or ""
    assert "### Dead (2)" in body and "### Timing out (1)" in body
    assert "`https://gone.test/page-1`" in body and "https://ok.test/" not in body
    assert "`2026-01-01` (" in body  # how long it has been failing
    mark = fake_github.mark()
    again = bot.issue(problems(2))
    assert "health issue #1: unchanged" in again.output
    assert fake_github.writes(mark) == []


def test_new_problems_update_the_issue_in_place(bot: Bot, repo: Repo) -> None:
    assert bot.issue(problems(1)).exit_code == 0
    result = bot.issue(problems(3))
    assert "health issue #1: updated" in result.output
    assert open_issues(repo) == [1]
    assert repo.threads[1].title == "Link health: 3 dead, 1 timing out"
    assert "page-2" in (repo.threads[1].body or "")


def test_healthy_run_closes_with_a_comment_and_problems_reopen_it(
        bot: Bot, repo: Repo, fake_github: FakeGitHub) -> None:
    assert bot.issue(problems(1)).exit_code == 0
    closed = bot.issue(HEALTHY)
    assert "health issue #1: closed" in closed.output
    issue = repo.threads[1]
    assert issue.state == "closed" and "healthy" in issue.comments[-1][2]
    mark = fake_github.mark()
    assert "health issue: nothing" in bot.issue(HEALTHY).output
    assert fake_github.writes(mark) == []
    back = bot.issue(problems(2))
    assert "health issue #1: reopened" in back.output
    assert open_issues(repo) == [1] and len(repo.threads) == 1
    assert "failing again" in repo.threads[1].comments[-1][2]
    assert repo.threads[1].title == "Link health: 2 dead, 1 timing out"


def test_the_issue_is_found_by_label_not_confused_with_the_pull_request(
        bot: Bot, repo: Repo) -> None:
    assert bot.pr(updated_catalog(), changes()).exit_code == 0  # #1, labelled curatorbot
    assert "health issue #2: created" in bot.issue(problems(1)).output
    assert "health issue #2: unchanged" in bot.issue(problems(1)).output
    assert repo.threads[1].state == "open" and repo.threads[1].body != repo.threads[2].body


def test_duplicate_open_issues_converge_to_one(bot: Bot, repo: Repo,
                                               fake_github: FakeGitHub) -> None:
    assert bot.issue(problems(1)).exit_code == 0
    with fake_github.lock:
        fake_github._new_thread(repo, "copy", "made by a person", [HEALTH])
    result = bot.issue(problems(1))
    assert result.exit_code == 0, result.output
    assert open_issues(repo) == [1]
    assert "Duplicate of #1" in repo.threads[2].comments[-1][2]


def test_a_502_after_github_created_the_issue_then_a_rerun_converges(
        bot: Bot, repo: Repo, fake_github: FakeGitHub) -> None:
    fake_github.inject("POST", r"/issues$", 502, after=True)
    failed = bot.issue(problems(1))
    assert failed.exit_code == 4
    assert "opening the health issue failed: HTTP 502" in failed.output
    rerun = bot.issue(problems(1))
    assert rerun.exit_code == 0, rerun.output
    assert open_issues(repo) == [1] and len(repo.threads) == 1


def test_a_rate_limited_write_mid_run_then_a_rerun_converges(
        bot: Bot, repo: Repo, fake_github: FakeGitHub) -> None:
    assert bot.issue(problems(1)).exit_code == 0
    fake_github.inject_rate_limit("PATCH", r"/issues/1$", times=10)
    failed = bot.issue(problems(2))
    assert failed.exit_code == 4 and "rate limit" in failed.output
    fake_github.faults.clear()
    assert "health issue #1: updated" in bot.issue(problems(2)).output
    assert open_issues(repo) == [1]
    assert repo.threads[1].title == "Link health: 2 dead, 1 timing out"


def test_bad_report_is_exit_3(bot: Bot, repo: Repo) -> None:
    (bot.workdir / "report.json").write_text("{not json", encoding="utf-8")
    result = bot.invoke(["issue", "--report", "report.json"], {})
    assert result.exit_code == 3
    assert "report.json:1: not JSON" in result.output


def write_report(path: Path, results: list[tuple[LinkResult, str, int]], *,
                 outages: tuple[HostOutage, ...] = (), network_down: bool = False) -> None:
    """A JSON report as `check --format json` writes it, for results at (entry, line)."""
    report = CheckReport([r for r, _, _ in results],
                         targets={r.url: Target(r.url, [Place(entry, line)], ignored=False)
                                  for r, entry, line in results},
                         outages=list(outages), network_down=network_down, hosts=3)
    with path.open("w", encoding="utf-8") as stream:
        render_json(report, stream)


def test_a_report_without_network_leaves_the_issue_alone(
        bot: Bot, repo: Repo, fake_github: FakeGitHub) -> None:
    assert bot.issue(problems(2)).exit_code == 0
    before = (repo.threads[1].title, repo.threads[1].body, repo.threads[1].state)
    offline = [(LinkResult(f"https://gone.test/page-{i}", Status.ERROR,
                           error="not verified: no network (DNS)", failure=Kind.NO_NETWORK),
                "deep-book", 9 + i) for i in range(3)]
    write_report(bot.workdir / "report.json", offline, network_down=True)
    mark = fake_github.mark()
    for args in (["--dry-run"], []):
        result = bot.invoke(["issue", "--report", "report.json", *args], {})
        assert result.exit_code == 0, result.output
        assert result.stdout == "health issue: nothing (no network: nothing was verified)\n"
        assert "nothing was verified, so the health issue is left as it is" in result.stderr
    assert fake_github.log[mark:] == []  # not even a read
    assert (repo.threads[1].title, repo.threads[1].body, repo.threads[1].state) == before
    assert open_issues(repo) == [1] and repo.threads[1].comments == []


def test_a_host_outage_is_named_once_and_its_links_are_not_listed(
        bot: Bot, repo: Repo) -> None:
    down = [(LinkResult(f"https://down.test/page-{i}", Status.ERROR, failure=Kind.OUTAGE,
                        error="host outage: down.test (connection refused); 3 URLs of this "
                              "host not verified"), "old-repo", 20 + i) for i in range(3)]
    gone = (LinkResult("https://gone.test/", Status.DEAD, http_status=404, failure=Kind.HTTP),
            "deep-book", 9)
    ok = (LinkResult("https://ok.test/", Status.OK, http_status=200), "deep-book", 10)
    outage = HostOutage("down.test", "connection refused", 3)
    write_report(bot.workdir / "report.json", [gone, *down, ok], outages=(outage,))
    result = bot.invoke(["issue", "--report", "report.json"], {})
    assert result.exit_code == 0, result.output
    assert "health issue #1: created" in result.stdout
    [issue] = repo.issues("open")
    assert issue.title == "Link health: 1 dead, 1 host outage"
    body = issue.body or ""
    assert body.count("down.test") == 1 and "`down.test` (3 links: connection refused)" in body
    assert "page-" not in body and "### Erroring" not in body
    assert "### Dead (1)" in body and "`https://gone.test/`" in body
    # Only the outage left: the issue stays open and says so, it is not "all links healthy".
    write_report(bot.workdir / "report.json", [*down, ok], outages=(outage,))
    again = bot.invoke(["issue", "--report", "report.json"], {})
    assert "health issue #1: updated" in again.stdout
    assert open_issues(repo) == [1] and repo.threads[1].title == "Link health: 1 host outage"
    assert "page-" not in (repo.threads[1].body or "")


def test_labels_are_the_health_label_first_then_each_other_label_once(
        bot: Bot, repo: Repo) -> None:
    args = ["--label", "links", "--label", HEALTH, "--label", "links"]
    dry = bot.issue(problems(1), "--dry-run", *args)
    assert f"labels: {HEALTH}, links\n" in dry.output
    assert "health issue #1: created" in bot.issue(problems(1), *args).output
    assert repo.threads[1].labels == [HEALTH, "links"]
    assert "health issue #1: unchanged" in bot.issue(problems(1), *args).output
