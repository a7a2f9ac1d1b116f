"""The bot's whole GitHub call sequence against Prism serving GitHub's OpenAPI description.

Prism answers every request that GitHub's contract accepts with GitHub's example and every
other one with 422 (details in `sl-violations`), which PyGithub raises and curatorbot turns
into exit 4. So each call below must succeed, and each command must exit 0.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from click.testing import CliRunner

from curatorbot.cli import main
from curatorbot.github_config import GitHubConfig
from curatorbot.plan import Change, ChangeKind, Evidence, dump_plan
from curatorbot.publish.github import GitHubRepo, Pacing
from tests.contract.prism import PrismUnavailable, running_prism

TOKEN = "ghs_prismContractToken000000000000000"
REPOSITORY = "octocat/Hello-World"
CATALOG = """\
title: Contract catalog
sections:
  - id: s
    title: S
    entries:
      - id: e
        title: E
        kind: book
        links:
          - url: https://example.org/new
"""


@pytest.fixture(scope="module")
def prism(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if os.environ.get("CURATORBOT_SKIP_PRISM") == "1":
        pytest.skip("CURATORBOT_SKIP_PRISM=1: Prism contract test skipped on request")
    try:
        with running_prism(tmp_path_factory.mktemp("prism")) as url:
            yield url
    except PrismUnavailable as exc:
        pytest.fail(str(exc))


def gateway(url: str) -> GitHubRepo:
    return GitHubRepo(GitHubConfig(repository=REPOSITORY, token=TOKEN, api_url=url),
                      Pacing(seconds_between_writes=0, max_attempts=1, backoff=0))


def test_prism_rejects_what_github_would(prism: str) -> None:
    # The check itself bites: a pull request without head and base is refused.
    answer = requests.post(f"{prism}/repos/{REPOSITORY}/pulls", json={"title": "x"},
                           headers={"Authorization": f"token {TOKEN}"}, timeout=10)
    assert answer.status_code == 422
    assert "sl-violations" in answer.headers


def test_every_gateway_call_passes_the_contract(prism: str) -> None:
    gh = gateway(prism)
    base = gh.default_branch()
    base_sha = gh.branch_sha(base)
    assert base_sha
    commit = gh.commit(base_sha)
    assert commit.tree_sha
    assert gh.file_sha("catalog.yaml", base)
    assert gh.file_sha("docs/deep/catalog.yaml", base)
    new_sha = gh.create_commit(base_sha, {"catalog.yaml": CATALOG}, "msg\n\nGenerated-by: x\n")
    assert new_sha
    gh.point_branch("curatorbot/brand-new", new_sha)       # POST /git/refs
    assert gh.branch_sha("curatorbot/update")               # caches the ref
    gh.point_branch("curatorbot/update", new_sha)           # PATCH /git/refs/heads/...
    gh.delete_branch("curatorbot/update")                   # DELETE /git/refs/heads/...
    gh.open_pulls("curatorbot/update")
    number = gh.create_pull("title", "body", head="curatorbot/update", base=base)
    gh.edit(number, title="t2", body="b2")
    gh.edit(number, state="closed")
    gh.add_labels(number, ["curatorbot"])
    assert isinstance(gh.comments(number), list)
    gh.comment(number, "a comment")
    gh.ensure_labels(["curatorbot", "curatorbot-health"])
    issues = gh.issues_labelled("curatorbot-health")
    issue = gh.create_issue("Link health: 1 dead", "body", ["curatorbot-health", "curatorbot"])
    gh.edit(issue, title="t", body="b", state="open")
    gh.edit(issue, state="closed")
    gh.comment_once(issue, "healthy")
    assert isinstance(issues, list)
    gh.close()


def test_pr_and_issue_commands_pass_the_contract(prism: str, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "catalog.yaml").write_text(CATALOG, encoding="utf-8")
    plan = [Change(ChangeKind.REDIRECT, "e", "url", "https://example.org/old",
                   "https://example.org/new", ("sections",), line=9,
                   evidence=Evidence(chain=(("https://example.org/old", 301),)))]
    (tmp_path / "plan.json").write_text(dump_plan(plan), encoding="utf-8")
    report = {"summary": {}, "results": [{"url": "https://gone.test/", "status": "dead",
                                          "http_status": 404, "entry": "e", "line": 9}]}
    (tmp_path / "report.json").write_text(json.dumps(report), encoding="utf-8")
    env = {"GITHUB_TOKEN": TOKEN, "GITHUB_REPOSITORY": REPOSITORY, "GITHUB_API_URL": prism,
           "CURATORBOT_WRITE_INTERVAL": "0", "CURATORBOT_RETRY_BACKOFF": "0",
           "GITHUB_STEP_SUMMARY": None}
    runner = CliRunner()
    for args in (["pr", "--plan", "plan.json"], ["issue", "--report", "report.json"],
                 ["issue", "--report", "report.json", "--health-label", "bug"]):
        result = runner.invoke(main, args, env=env)
        assert result.exit_code == 0, result.output
        assert TOKEN not in result.output
