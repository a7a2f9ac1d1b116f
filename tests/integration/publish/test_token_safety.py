"""The token goes to the API host only, never into output; missing settings are exit 3."""

from __future__ import annotations

import requests

from tests.fakes.github_api import FakeGitHub, Repo
from tests.integration.publish.conftest import REPOSITORY, TOKEN, Bot, changes, updated_catalog


def test_pagination_across_pages_of_the_same_host_works(bot: Bot, repo: Repo,
                                                        fake_github: FakeGitHub) -> None:
    with fake_github.lock:
        for i in range(150):
            repo.labels[f"topic-{i:03d}"] = (i + 1, "ededed", "")
        repo.labels["curatorbot"] = (999, "ededed", "")
    result = bot.pr(updated_catalog(), changes())
    assert result.exit_code == 0, result.output
    labels = f"/repos/{REPOSITORY}/labels"
    pages = [r.query for r in fake_github.log if r.path == labels]
    assert any("page=2" in q for q in pages)
    # "curatorbot" was found on page 2, so it is not created again.
    assert fake_github.writes() and not any(r.path == labels for r in fake_github.writes())


def test_a_link_to_another_host_is_not_followed_with_the_token(
        bot: Bot, repo: Repo, fake_github: FakeGitHub) -> None:
    with FakeGitHub(TOKEN, host="127.0.0.2") as elsewhere:
        with fake_github.lock:
            for i in range(150):
                repo.labels[f"topic-{i:03d}"] = (i + 1, "ededed", "")
        fake_github.link_host = f"127.0.0.2:{elsewhere.port}"
        result = bot.pr(updated_catalog(), changes())
        assert result.exit_code == 4
        assert "pointing away from the API host" in result.output
        assert TOKEN not in result.output
        assert [r for r in elsewhere.log if r.authorization] == []
    assert repo.pulls("all") == []


def test_a_refused_token_is_exit_4_without_the_token(bot: Bot, repo: Repo,
                                                     fake_github: FakeGitHub) -> None:
    result = bot.pr(updated_catalog(), changes(), GITHUB_TOKEN="ghs_wrong_token_value_1234")
    assert result.exit_code == 4
    assert "GITHUB_TOKEN was refused" in result.output
    assert "ghs_wrong_token_value_1234" not in result.output
    assert fake_github.writes() == []


def test_missing_token_or_repository_is_exit_3(bot: Bot, repo: Repo) -> None:
    no_token = bot.pr(updated_catalog(), changes(), GITHUB_TOKEN=None)
    assert no_token.exit_code == 3 and "GITHUB_TOKEN is not set" in no_token.output
    bad_repo = bot.issue([], GITHUB_REPOSITORY="just-a-name")
    assert bad_repo.exit_code == 3 and "OWNER/NAME" in bad_repo.output


def test_dry_run_needs_no_token_and_sends_nothing(bot: Bot, repo: Repo,
                                                  fake_github: FakeGitHub) -> None:
    pr = bot.pr(updated_catalog(), changes(), "--dry-run", GITHUB_TOKEN=None)
    assert pr.exit_code == 0, pr.output
    assert "title: curatorbot: catalog update (1 redirect, 1 renamed repository)" in pr.output
    assert "### Redirects applied (1)" in pr.output
    assert f"repository: {REPOSITORY}" in pr.output
    issue = bot.issue([{"url": "https://gone.test/", "status": "dead", "http_status": 410,
                        "entry": "e", "line": 4}], "--dry-run", GITHUB_TOKEN=None)
    assert issue.exit_code == 0, issue.output
    assert "title: Link health: 1 dead" in issue.output
    assert "`https://gone.test/`" in issue.output
    assert fake_github.log == []


def test_the_fake_rejects_requests_that_break_githubs_contract(
        fake_github: FakeGitHub, repo: Repo) -> None:
    # The safety net itself: a pull request without `head`/`base` is not what GitHub accepts.
    answer = requests.post(f"{fake_github.base_url}/repos/{REPOSITORY}/pulls",
                           json={"title": 5}, headers={"Authorization": f"token {TOKEN}"},
                           timeout=10)
    assert answer.status_code == 422
    assert any("'head' is a required property" in v for v in fake_github.violations)
    fake_github.violations.clear()
