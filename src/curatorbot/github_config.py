"""Where GitHub is, and the one rule for its token: every GitHub endpoint lives here.

`GitHubConfig` is the only description of the GitHub API that curatorbot talks to, for
publishing (PyGithub, REST) and for metadata (aiohttp, GraphQL and REST): the REST root
(`GITHUB_API_URL`), the GraphQL endpoint (`GITHUB_GRAPHQL_URL`, derived from the REST root
when unset, so that a GitHub Enterprise token never goes to github.com), the repository
and the token. The token is left out of `repr` and handed out only by `token_for` /
`authorization`, which give it for URLs on one of those endpoints and for nothing else.

    GITHUB_API_URL                  GITHUB_GRAPHQL_URL when unset
    https://api.github.com          https://api.github.com/graphql
    https://HOST/api/v3             https://HOST/api/graphql
    any other ROOT                  ROOT/graphql

No network library is imported here: both adapters read this module.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import urlsplit, urlunsplit

from curatorbot.errors import UsageError

# GitHub's REST API when GITHUB_API_URL is unset (GitHub Actions on GHES sets it).
DEFAULT_API_URL = "https://api.github.com"


def graphql_url_for(api_url: str) -> str:
    """The GraphQL endpoint that goes with the REST root `api_url` (table above)."""
    parts = urlsplit(api_url.rstrip("/"))
    path = parts.path.rstrip("/")
    path = path[:-len("/v3")] + "/graphql" if path.endswith("/api/v3") else path + "/graphql"
    return urlunsplit((parts.scheme, parts.netloc, path, "", ""))


@dataclass(frozen=True)
class GitHubConfig:
    """The GitHub endpoints, repository and token of a run. The token is kept out of `repr`.

    `graphql_url` left empty means: derived from `api_url` (`graphql_url_for`).
    """

    token: str = field(default="", repr=False)
    repository: str = ""
    api_url: str = DEFAULT_API_URL
    graphql_url: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "api_url", self.api_url.strip().rstrip("/"))
        graphql = self.graphql_url.strip().rstrip("/") or graphql_url_for(self.api_url)
        object.__setattr__(self, "graphql_url", graphql)

    @classmethod
    def from_env(cls, env: Mapping[str, str], *, need_token: bool = False) -> GitHubConfig:
        """The variables GitHub Actions sets (`GITHUB_TOKEN`, `GITHUB_REPOSITORY`,
        `GITHUB_API_URL`, `GITHUB_GRAPHQL_URL`); UsageError (exit 3) for unusable ones, and
        with `need_token` (publishing) when the token or the repository is missing."""
        token = (env.get("GITHUB_TOKEN") or "").strip()
        repository = (env.get("GITHUB_REPOSITORY") or "").strip()
        if need_token and not token:
            raise UsageError("GITHUB_TOKEN is not set; give the job a token with contents, "
                             "pull-requests and issues write permission, or use --dry-run")
        if need_token and (repository.count("/") != 1 or not all(repository.split("/"))):
            raise UsageError(f"GITHUB_REPOSITORY must be OWNER/NAME, not {repository!r}")
        config = cls(token=token, repository=repository,
                     api_url=env.get("GITHUB_API_URL") or DEFAULT_API_URL,
                     graphql_url=env.get("GITHUB_GRAPHQL_URL") or "")
        for name, url in (("GITHUB_API_URL", config.api_url),
                          ("GITHUB_GRAPHQL_URL", config.graphql_url)):
            parts = urlsplit(url)
            if parts.scheme not in ("http", "https") or not parts.hostname:
                raise UsageError(f"{name} must be an http(s) URL, not {url!r}")
        return config

    @property
    def owner(self) -> str:
        return self.repository.split("/", 1)[0]

    def on_api(self, url: str) -> bool:
        """Whether `url` is under the REST root (the only place redirects are followed to)."""
        return _under(url, self.api_url)

    def token_for(self, url: str) -> str:
        """The token for a request to `url`: only on the REST root or the GraphQL endpoint,
        otherwise (and without a token) the empty string."""
        if self.token and (_under(url, self.api_url) or _under(url, self.graphql_url)):
            return self.token
        return ""

    def authorization(self, url: str) -> dict[str, str]:
        """The Authorization header for `url`, empty where the token must not go."""
        token = self.token_for(url)
        return {"Authorization": f"Bearer {token}"} if token else {}


def _under(url: str, endpoint: str) -> bool:
    """Same scheme, host and port as `endpoint`, and a path at or below its path."""
    a, b = urlsplit(url), urlsplit(endpoint)
    try:
        if (a.scheme.lower(), (a.hostname or "").lower(), a.port) != \
                (b.scheme.lower(), (b.hostname or "").lower(), b.port):
            return False
    except ValueError:  # a port that is not a number
        return False
    root = b.path.rstrip("/")
    return not root or a.path == root or a.path.startswith(root + "/")
