"""Unusable answers from the GitHub API (not JSON, HTML with 200, JSON of the wrong shape,
a body cut short) are GitHub API failures: exit 4 and one line, retried like a 5xx where the
request is safe to repeat, never a traceback, never the body or the token in the output."""

from __future__ import annotations

import pytest
from click.testing import Result

from tests.fakes.github_api import FakeGitHub, Repo
from tests.integration.publish.conftest import (
    REPOSITORY,
    TOKEN,
    Bot,
    changes,
    dead,
    updated_catalog,
)

HTML_PAGE = ("<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body>"
             + "<p>upstream proxy error</p>" * 200 + "</body></html>")

# name -> (body, content type, truncate)
UNUSABLE = {
    "malformed-json": ('{"name": "catalog", "default_branch": "main",,}', "application/json",
                       False),
    "html-with-200": (HTML_PAGE, "text/html; charset=utf-8", False),
    "json-array-not-object": ('[{"default_branch": "main"}]', "application/json", False),
    "json-wrong-types": ('{"default_branch": 42, "full_name": ["x"]}', "application/json",
                         False),
    "truncated-body": ('{"default_branch": "main", "full_name": "octo/catalog", "id": 1}',
                       "application/json", True),
}
REPO_GET = f"/repos/{REPOSITORY}$"


def assert_one_line_exit_4(output: str, stderr: str) -> None:
    lines = stderr.splitlines()
    assert len(lines) == 1, stderr
    assert lines[0].startswith("curatorbot: error: ")
    assert "Traceback" not in output and TOKEN not in output
    assert "<html" not in output.lower() and "upstream proxy" not in output
    assert len(lines[0]) < 400


def pr_with_unusable_repository(bot: Bot, fake: FakeGitHub, kind: str, times: int) -> Result:
    """`curatorbot pr` while the repository's GET is answered `times` times with `kind`."""
    body, content_type, truncate = UNUSABLE[kind]
    fake.inject_body("GET", REPO_GET, body, content_type=content_type, truncate=truncate,
                     times=times)
    return bot.pr(updated_catalog(), changes())


@pytest.mark.parametrize("kind", list(UNUSABLE))
def test_a_persistently_unusable_answer_is_exit_4_in_one_line(
        kind: str, bot: Bot, repo: Repo, fake_github: FakeGitHub) -> None:
    result = pr_with_unusable_repository(bot, fake_github, kind, times=100)
    assert result.exit_code == 4, result.output
    assert_one_line_exit_4(result.output, result.stderr)
    assert "GitHub API: reading the repository failed: unusable answer (" in result.stderr
    # Retried like a 5xx (4 attempts), then given up; nothing was written.
    assert [r.path for r in fake_github.log].count(f"/repos/{REPOSITORY}") == 4
    assert fake_github.writes() == [] and repo.pulls("all") == []


@pytest.mark.parametrize("kind", ["malformed-json", "html-with-200", "truncated-body"])
def test_a_transient_unusable_answer_is_retried_and_the_run_succeeds(
        kind: str, bot: Bot, repo: Repo, fake_github: FakeGitHub) -> None:
    result = pr_with_unusable_repository(bot, fake_github, kind, times=2)
    assert result.exit_code == 0, result.output
    assert "pull request #1: created" in result.output
    assert [p.number for p in repo.pulls()] == [1]
    assert [r.path for r in fake_github.log].count(f"/repos/{REPOSITORY}") == 3


def test_a_list_answered_with_an_object_is_exit_4(bot: Bot, repo: Repo,
                                                  fake_github: FakeGitHub) -> None:
    # Paginated listing: PyGithub itself chokes on the shape; still a GitHub API failure.
    fake_github.inject_body("GET", r"/labels$", '{"message": "not a list", "url": "x"}',
                            times=100)
    result = bot.issue([dead("https://gone.test/", "deep-book", 9)])
    assert result.exit_code == 4, result.output
    assert_one_line_exit_4(result.output, result.stderr)
    assert "listing labels" in result.stderr and "unusable answer" in result.stderr


def test_an_issue_whose_fields_have_the_wrong_types_is_exit_4(
        bot: Bot, repo: Repo, fake_github: FakeGitHub) -> None:
    fake_github.inject_body("GET", r"/issues$",
                            '[{"number": "one", "title": 5, "html_url": "https://x/issues/1",'
                            ' "state": "open", "labels": []}]', times=100)
    result = bot.issue([dead("https://gone.test/", "deep-book", 9)])
    assert result.exit_code == 4, result.output
    assert_one_line_exit_4(result.output, result.stderr)
    assert "unusable answer" in result.stderr
    assert repo.issues("all") == []


def test_an_unusable_answer_to_a_create_is_not_repeated_and_a_rerun_converges(
        bot: Bot, repo: Repo, fake_github: FakeGitHub) -> None:
    # GitHub created the issue, then the answer was garbage: creating again would duplicate.
    fake_github.inject_body("POST", r"/issues$", HTML_PAGE, content_type="text/html",
                            after=True, times=100)
    problems = [dead("https://gone.test/", "deep-book", 9)]
    result = bot.issue(problems)
    assert result.exit_code == 4, result.output
    assert_one_line_exit_4(result.output, result.stderr)
    assert [r.path for r in fake_github.writes()].count(f"/repos/{REPOSITORY}/issues") == 1
    fake_github.faults.clear()
    again = bot.issue(problems)
    assert again.exit_code == 0, again.output
    assert [t.number for t in repo.issues("all")] == [1]
