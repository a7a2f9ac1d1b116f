"""What both GitHub metadata transports (GraphQL, REST) share: limits, headers, answers.

Where GitHub is and where the token may go is `github_config.GitHubConfig`'s business;
`GitHubLimits` holds the batching, retry and waiting limits of the metadata clients, and
`request_headers` the headers of one request (the token only where `GitHubConfig` allows).
`RepoAnswers` is what a transport returns: per repository key, metadata found, missing, or
unknown with a reason.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from curatorbot.github_config import GitHubConfig
from curatorbot.metadata.repo import RepoMetadata
from curatorbot.settings import DEFAULT_USER_AGENT, Settings

API_VERSION = "2022-11-28"


@dataclass(frozen=True)
class GitHubLimits:
    """How hard the metadata clients try, and how many repositories go in one request."""

    batch_size: int = 100
    retries: int = 2
    backoff: float = 1.0
    retry_after_cap: float = 60.0
    timeout: float = 30.0
    rest_concurrency: int = 4
    user_agent: str = DEFAULT_USER_AGENT

    def __post_init__(self) -> None:
        if not 1 <= self.batch_size <= 100:
            raise ValueError("batch_size must be between 1 and 100 (GitHub's node limits)")

    @classmethod
    def from_settings(cls, settings: Settings) -> GitHubLimits:
        return cls(retries=settings.retries, retry_after_cap=settings.retry_after_cap,
                   timeout=max(settings.timeout, 10.0), user_agent=settings.user_agent)


def request_headers(config: GitHubConfig, limits: GitHubLimits, url: str, *,
                    accept: str = "application/vnd.github+json") -> dict[str, str]:
    """Request headers for `url`; the token only where `config.authorization` gives it."""
    return {"Accept": accept, "User-Agent": limits.user_agent,
            "X-GitHub-Api-Version": API_VERSION, **config.authorization(url)}


@dataclass
class RepoAnswers:
    """What one transport learnt, keyed by `RepoRef.key`."""

    found: dict[str, RepoMetadata] = field(default_factory=dict)
    missing: dict[str, str] = field(default_factory=dict)
    failed: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    requests: int = 0

