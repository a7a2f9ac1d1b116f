"""Retries wait what GitHub asks, within one budget per run; settings hide the token."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest

from curatorbot.errors import GitHubError, UsageError
from curatorbot.github_config import GitHubConfig
from curatorbot.publish.github import GitHubRepo, Pacing
from tests.fakes.github_api import FakeGitHub, Repo
from tests.integration.publish.conftest import REPOSITORY, TOKEN, Bot, updated_catalog


def gateway(fake: FakeGitHub, sleeps: list[float], max_wait: float = 30) -> GitHubRepo:
    config = GitHubConfig(repository=REPOSITORY, token=TOKEN, api_url=fake.base_url)
    return GitHubRepo(config, Pacing(seconds_between_writes=0, max_wait=max_wait, backoff=0.5),
                      sleep=sleeps.append)


def test_retry_after_is_honoured_and_counted(fake_github: FakeGitHub, repo: Repo) -> None:
    sleeps: list[float] = []
    fake_github.inject("GET", r"/catalog$", 403, times=1, headers={"Retry-After": "7"},
                       message="You have exceeded a secondary rate limit. Please wait a few "
                               "minutes before you try again.")
    fake_github.inject("GET", r"/catalog$", 503, times=1)
    assert gateway(fake_github, sleeps).default_branch() == "main"
    assert sleeps == [7.0, 1.0]  # Retry-After, then exponential backoff (0.5 * 2)


def test_retry_after_as_an_http_date_is_honoured(fake_github: FakeGitHub, repo: Repo) -> None:
    sleeps: list[float] = []
    when = format_datetime(datetime.now(UTC) + timedelta(seconds=8), usegmt=True)
    fake_github.inject("GET", r"/catalog$", 429, times=1, headers={"Retry-After": when})
    assert gateway(fake_github, sleeps).default_branch() == "main"
    assert len(sleeps) == 1 and 5.0 <= sleeps[0] <= 8.0  # the date, not the 0.5 s backoff


def test_a_wait_beyond_the_budget_fails_at_once(fake_github: FakeGitHub, repo: Repo) -> None:
    sleeps: list[float] = []
    fake_github.inject("GET", r"/catalog$", 429, times=1, headers={"Retry-After": "3600"})
    with pytest.raises(GitHubError, match="rate limit did not clear within this run's 30 s"):
        gateway(fake_github, sleeps).default_branch()
    assert sleeps == []


def test_the_budget_is_shared_by_all_calls_of_a_run(fake_github: FakeGitHub,
                                                    repo: Repo) -> None:
    sleeps: list[float] = []
    gh = gateway(fake_github, sleeps, max_wait=10)
    fake_github.inject("GET", r"/catalog$", 502, times=1, headers={"Retry-After": "6"})
    gh.default_branch()
    fake_github.inject("GET", r"/git/ref/", 502, times=1, headers={"Retry-After": "6"})
    with pytest.raises(GitHubError, match="HTTP 502"):
        gh.branch_sha("main")
    assert sleeps == [6.0]


def test_config_from_env_and_repr_hides_the_token() -> None:
    config = GitHubConfig.from_env({"GITHUB_TOKEN": TOKEN, "GITHUB_REPOSITORY": "a/b",
                                    "GITHUB_API_URL": "https://ghe.test/api/v3/"},
                                   need_token=True)
    assert config.api_url == "https://ghe.test/api/v3" and config.owner == "a"
    assert TOKEN not in repr(config)
    with pytest.raises(UsageError, match="GITHUB_API_URL must be an http"):
        GitHubConfig.from_env({"GITHUB_TOKEN": "x", "GITHUB_REPOSITORY": "a/b",
                               "GITHUB_API_URL": "ftp://x"}, need_token=True)


def test_an_invalid_catalog_is_exit_3_before_any_request(bot: Bot, repo: Repo,
                                                         fake_github: FakeGitHub) -> None:
    result = bot.pr(updated_catalog() + "  - not: [valid\n", [])
    assert result.exit_code == 3
    assert "catalog.yaml" in result.output
    assert fake_github.log == []
