"""The registry of metadata providers: which source knows what about which URL.

`REGISTRY` lists one factory per provider; `build_providers` makes them for a run and
`collect_metadata` hands each URL to the first provider that matches it, runs the providers
concurrently, and merges their answers into one `MetadataBatch`. Adding a source (PyPI,
DOI, arXiv, ...) is one module with a class following `base.Provider`, plus one line here.
A provider that fails outright becomes a note; it never loses the other providers' work.
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace

from curatorbot.github_config import GitHubConfig
from curatorbot.http.client import HttpClient
from curatorbot.metadata.base import MetadataBatch, Provider, unknown
from curatorbot.metadata.github import GitHubProvider
from curatorbot.metadata.github_common import GitHubLimits
from curatorbot.metadata.youtube import YouTubeConfig, YouTubeProvider
from curatorbot.settings import Settings
from curatorbot.state import EtagCache

log = logging.getLogger("curatorbot.metadata")


@dataclass(frozen=True)
class ProviderContext:
    """What provider factories may use: per-provider configuration and the ETag cache."""

    github: GitHubConfig = field(default_factory=GitHubConfig)
    github_limits: GitHubLimits = field(default_factory=GitHubLimits)
    youtube: YouTubeConfig = field(default_factory=YouTubeConfig)
    etags: EtagCache | None = None

    @classmethod
    def from_env(cls, settings: Settings | None = None, etags: EtagCache | None = None,
                 environ: Mapping[str, str] | None = None) -> ProviderContext:
        """GitHub endpoints and token from the environment (`GITHUB_API_URL`,
        `GITHUB_GRAPHQL_URL`, `GITHUB_TOKEN`), YouTube's oEmbed endpoint from
        `CURATORBOT_OEMBED_URL` when set, limits from `settings`."""
        settings = settings or Settings()
        env = os.environ if environ is None else environ
        youtube = YouTubeConfig(user_agent=settings.user_agent, retries=settings.retries)
        if env.get("CURATORBOT_OEMBED_URL"):
            youtube = replace(youtube, oembed_url=env["CURATORBOT_OEMBED_URL"])
        return cls(github=GitHubConfig.from_env(env),
                   github_limits=GitHubLimits.from_settings(settings), youtube=youtube,
                   etags=etags)


ProviderFactory = Callable[[ProviderContext], Provider]

REGISTRY: list[ProviderFactory] = [
    lambda ctx: GitHubProvider(ctx.github, ctx.github_limits, ctx.etags),
    lambda ctx: YouTubeProvider(ctx.youtube),
]


def build_providers(context: ProviderContext) -> list[Provider]:
    """One instance of every registered provider."""
    return [factory(context) for factory in REGISTRY]


async def collect_metadata(urls: Sequence[str], providers: Sequence[Provider],
                           client: HttpClient) -> MetadataBatch:
    """Metadata for every URL some provider matches; URLs no provider knows are absent.
    Every provider asks through `client` (the run's: guard, --resolve, User-Agent, per-host
    limits, the one retry policy)."""
    claimed: dict[str, tuple[Provider, list[str]]] = {}  # by provider name
    for url in dict.fromkeys(urls):
        for provider in providers:
            if provider.matches(url):
                claimed.setdefault(provider.name, (provider, []))[1].append(url)
                break
    if not claimed:
        return MetadataBatch()
    async with client:
        outcomes = await asyncio.gather(
            *(provider.fetch(client, mine) for provider, mine in claimed.values()),
            return_exceptions=True)
    total = MetadataBatch()
    for (name, (_, mine)), outcome in zip(claimed.items(), outcomes, strict=True):
        if isinstance(outcome, MetadataBatch):
            total.merge(outcome)
            continue
        if not isinstance(outcome, Exception):
            raise outcome  # KeyboardInterrupt, CancelledError: not ours to swallow
        log.error("metadata provider %s failed: %s", name, outcome)
        reason = f"{name} provider failed: {type(outcome).__name__}: {outcome}"
        total.links.update(unknown(mine, name, reason))
        total.notes.append(reason)
    return total
