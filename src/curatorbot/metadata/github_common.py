"""What both GitHub transports (GraphQL, REST) share: configuration, answers, headers.

`GitHubConfig` holds the endpoints (from `GITHUB_API_URL` / `GITHUB_GRAPHQL_URL`), the token
(never printed: it is left out of repr, and `headers` only adds it for URLs on the
configured API origins) and the batching and waiting limits. `RepoAnswers` is what a
transport returns: per repository key, metadata found, missing, or unknown with a reason.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from curatorbot.metadata.repo import RepoMetadata
from curatorbot.settings import DEFAULT_GITHUB_API_URL, DEFAULT_USER_AGENT, Settings

DEFAULT_GRAPHQL_URL = "https://api.github.com/graphql"
API_VERSION = "2022-11-28"


@dataclass(frozen=True)
class GitHubConfig:
    """How to reach the GitHub API and how hard to try."""

    token: str | None = field(default=None, repr=False)
    api_url: str = DEFAULT_GITHUB_API_URL
    graphql_url: str = DEFAULT_GRAPHQL_URL
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
    def from_env(cls, environ: Mapping[str, str] | None = None,
                 settings: Settings | None = None) -> GitHubConfig:
        """Endpoints and token as GitHub Actions provides them; settings for the limits."""
        env = os.environ if environ is None else environ
        settings = settings or Settings()
        return cls(
            token=env.get("GITHUB_TOKEN") or None,
            api_url=(env.get("GITHUB_API_URL") or DEFAULT_GITHUB_API_URL).rstrip("/"),
            graphql_url=env.get("GITHUB_GRAPHQL_URL") or DEFAULT_GRAPHQL_URL,
            retries=settings.retries,
            retry_after_cap=settings.retry_after_cap,
            timeout=max(settings.timeout, 10.0),
            user_agent=settings.user_agent,
        )

    def headers(self, url: str, *, accept: str = "application/vnd.github+json") -> dict[str, str]:
        """Request headers for `url`; the token only for the configured API origins."""
        headers = {"Accept": accept, "User-Agent": self.user_agent,
                   "X-GitHub-Api-Version": API_VERSION}
        if self.token and _origin(url) in (_origin(self.api_url), _origin(self.graphql_url)):
            headers["Authorization"] = f"Bearer {self.token}"
        return headers

    def on_api(self, url: str) -> bool:
        """Whether `url` is on the REST API's origin (redirects are only followed there)."""
        return _origin(url) == _origin(self.api_url)


@dataclass
class RepoAnswers:
    """What one transport learnt, keyed by `RepoRef.key`."""

    found: dict[str, RepoMetadata] = field(default_factory=dict)
    missing: dict[str, str] = field(default_factory=dict)
    failed: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    requests: int = 0


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urlsplit(url)
    return parts.scheme.lower(), (parts.hostname or "").lower(), parts.port
