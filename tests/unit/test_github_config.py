"""The one description of GitHub's endpoints: the GraphQL URL derived from GITHUB_API_URL,
and the token handed out for those endpoints only."""

from __future__ import annotations

import pytest

from curatorbot.errors import UsageError
from curatorbot.github_config import GitHubConfig, graphql_url_for

TOKEN = "ghs_unitTokenNeverPrinted0000"


@pytest.mark.parametrize(("api", "graphql"), [
    ("https://api.github.com", "https://api.github.com/graphql"),
    ("https://api.github.com/", "https://api.github.com/graphql"),
    ("https://ghe.example/api/v3", "https://ghe.example/api/graphql"),
    ("https://ghe.example/api/v3/", "https://ghe.example/api/graphql"),
    ("http://127.0.0.1:8080", "http://127.0.0.1:8080/graphql"),
    ("https://proxy.example/github", "https://proxy.example/github/graphql"),
])
def test_graphql_url_is_derived_from_the_api_url(api: str, graphql: str) -> None:
    assert graphql_url_for(api) == graphql
    config = GitHubConfig.from_env({"GITHUB_API_URL": api})
    assert config.graphql_url == graphql
    given = GitHubConfig.from_env({"GITHUB_API_URL": api,
                                   "GITHUB_GRAPHQL_URL": "https://gql.example/q"})
    assert given.graphql_url == "https://gql.example/q"


def test_the_token_goes_to_the_endpoints_only() -> None:
    config = GitHubConfig(token=TOKEN, api_url="https://ghe.example/api/v3")
    for url in ("https://ghe.example/api/v3", "https://ghe.example/api/v3/repos/a/b",
                "https://ghe.example/api/graphql"):
        assert config.authorization(url) == {"Authorization": f"Bearer {TOKEN}"}, url
    for url in ("https://api.github.com/graphql", "https://ghe.example/a/b",
                "https://ghe.example/api/v3x/repos", "http://ghe.example/api/v3/repos/a/b",
                "https://ghe.example:444/api/v3/repos", "https://evil.example/api/v3",
                "https://ghe.example:bad/api/v3"):
        assert config.authorization(url) == {}, url
    assert TOKEN not in repr(config)
    assert GitHubConfig().authorization("https://api.github.com/graphql") == {}


def test_unusable_endpoints_are_exit_3() -> None:
    with pytest.raises(UsageError, match="GITHUB_GRAPHQL_URL must be an http"):
        GitHubConfig.from_env({"GITHUB_GRAPHQL_URL": "file:///etc/passwd"})
    with pytest.raises(UsageError, match="GITHUB_API_URL must be an http"):
        GitHubConfig.from_env({"GITHUB_API_URL": "api.github.com"})
