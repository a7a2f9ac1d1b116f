"""YouTube oEmbed on loopback, and the provider registry routing URLs to providers."""

from __future__ import annotations

from collections import Counter
from collections.abc import AsyncIterator, Sequence
from urllib.parse import urlsplit

import pytest

from curatorbot.http.client import HttpClient
from curatorbot.http.guard import StaticResolver
from curatorbot.metadata.base import MetadataBatch, Provider
from curatorbot.metadata.github import GitHubProvider
from curatorbot.metadata.registry import (
    REGISTRY,
    ProviderContext,
    build_providers,
    collect_metadata,
)
from curatorbot.metadata.youtube import YouTubeConfig, YouTubeProvider, canonical_url
from curatorbot.settings import Settings
from tests.fakes.github import FakeGitHub, FakeRepo, serve
from tests.fakes.oembed import FakeOEmbed
from tests.fakes.oembed import serve as serve_oembed


@pytest.fixture
async def oembed() -> AsyncIterator[FakeOEmbed]:
    """aaaaaaaaaaa and PLplaylist01 exist; three are gone; flakyflakyy fails once first."""
    fake = FakeOEmbed(statuses={"gonegonegon": 404, "privateprvt": 401, "blockedblck": 403},
                      flaky=Counter({"flakyflakyy": 1}), title="  Video\n{id} & more ")
    async with serve_oembed(fake) as running:
        yield running


@pytest.mark.parametrize(("url", "canon"), [
    ("https://www.youtube.com/watch?v=aaaaaaaaaaa&t=10s",
     "https://www.youtube.com/watch?v=aaaaaaaaaaa"),
    ("https://youtu.be/aaaaaaaaaaa?si=x", "https://www.youtube.com/watch?v=aaaaaaaaaaa"),
    ("https://m.youtube.com/shorts/aaaaaaaaaaa", "https://www.youtube.com/watch?v=aaaaaaaaaaa"),
    ("https://youtube.com/playlist?list=PLplaylist01",
     "https://www.youtube.com/playlist?list=PLplaylist01"),
    ("https://www.youtube.com/@channel", None),
    ("https://www.youtube.com/watch", None),
    ("https://example.com/watch?v=aaaaaaaaaaa", None),
])
def test_canonical_urls(url: str, canon: str | None) -> None:
    assert canonical_url(url) == canon


async def test_oembed_tells_removed_videos(oembed: FakeOEmbed) -> None:
    hits = oembed.hits
    provider = YouTubeProvider(YouTubeConfig(oembed_url=oembed.url, backoff=0.0, retries=1))
    urls = ["https://www.youtube.com/watch?v=aaaaaaaaaaa", "https://youtu.be/aaaaaaaaaaa",
            "https://youtu.be/gonegonegon", "https://youtu.be/privateprvt",
            "https://youtu.be/blockedblck", "https://www.youtube.com/playlist?list=PLplaylist01",
            "https://youtu.be/flakyflakyy"]
    async with HttpClient(Settings()) as session:
        batch = await provider.fetch(session, urls)
    links = batch.links
    assert links[urls[0]].title == "Video aaaaaaaaaaa & more" and not links[urls[0]].gone
    assert hits["aaaaaaaaaaa"] == 1  # two spellings of one video: one request
    assert [links[u].gone for u in urls[2:5]] == [True, True, True]
    assert links[urls[5]].title == "Video PLplaylist01 & more"
    assert links[urls[6]].title is not None and hits["flakyflakyy"] == 2  # retried the 500
    assert batch.notes == []


class Exploding:
    """A provider whose API client crashes: the others' work must survive."""

    name = "exploding"

    def matches(self, url: str) -> bool:
        return url.startswith("https://boom.invalid/")

    async def fetch(self, client: HttpClient, urls: Sequence[str]) -> MetadataBatch:
        raise RuntimeError("kaput")


async def test_collect_routes_urls_and_survives_a_failing_provider(
        oembed: FakeOEmbed) -> None:
    fake = FakeGitHub(repos=[FakeRepo("o", "r")])
    async with serve(fake):
        context = ProviderContext.from_env(environ={
            "GITHUB_API_URL": fake.api_url, "GITHUB_GRAPHQL_URL": fake.graphql_url})
        github = GitHubProvider(context.github, context.github_limits)
        youtube = YouTubeProvider(YouTubeConfig(oembed_url=oembed.url))
        providers: list[Provider] = [github, youtube, Exploding()]
        urls = ["https://github.com/o/r", "https://youtu.be/gonegonegon",
                "https://boom.invalid/x", "https://example.invalid/page"]
        batch = await collect_metadata(urls, providers, HttpClient(Settings()))
    assert batch.links["https://github.com/o/r"].repo is not None
    assert batch.links["https://youtu.be/gonegonegon"].gone
    assert batch.links["https://boom.invalid/x"].error == (
        "exploding provider failed: RuntimeError: kaput")
    assert "https://example.invalid/page" not in batch.links
    assert fake.requests["rest"] == 1  # no token in that environment: REST
    assert batch.requests == 2


def test_registry_builds_every_provider() -> None:
    providers = build_providers(ProviderContext())
    assert len(providers) == len(REGISTRY)
    assert {p.name for p in providers} == {"github", "youtube"}
    assert all(isinstance(p, Provider) for p in providers)


async def test_providers_ask_through_the_runs_client(oembed: FakeOEmbed) -> None:
    """A provider's requests go through the run's HttpClient: `--resolve` names its
    endpoint, and the private-address guard refuses it unless --allow-private."""
    port = urlsplit(oembed.url).port
    provider = YouTubeProvider(YouTubeConfig(oembed_url=f"http://oembed.test:{port}/oembed",
                                             backoff=0.0, retries=0))
    resolver = StaticResolver({"oembed.test": "127.0.0.1"})
    video = "https://youtu.be/aaaaaaaaaaa"
    async with HttpClient(Settings(allow_private=True), resolver=resolver) as client:
        named = await provider.fetch(client, [video])
    assert named.links[video].title == "Video aaaaaaaaaaa & more"
    async with HttpClient(Settings(), resolver=resolver) as client:
        guarded = await provider.fetch(client, [video])
    assert guarded.links[video].error is not None
    assert "non-public address" in guarded.links[video].error
