"""Fixtures for the checker's integration tests: a link farm on three loopback hosts."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable
from typing import Any

import pytest

from curatorbot.check import check_urls
from curatorbot.http.guard import StaticResolver
from curatorbot.results import LinkResult
from curatorbot.settings import Settings
from tests.fakes.linkfarm import LinkFarm

HOSTS = ["127.0.0.2", "127.0.0.3", "127.0.0.4"]

# Fast and deterministic: no backoff, short timeouts, loopback allowed. These tests count
# the requests of the redirect walk and the HEAD/GET policy, so the soft-404 probe (one
# more request per host, check.truth) is off here; tests/cli/test_truth.py counts it.
FAST = {"allow_private": True, "retry_backoff": 0, "timeout": 1.0, "connect_timeout": 1.0,
        "retries": 2, "soft404": False}


class Farm:
    """The running farm plus URL helpers: `farm.url("ok/1")`, `farm.url("ok/1", host=1)`."""

    def __init__(self, farm: LinkFarm, ports: dict[str, int]) -> None:
        self.farm = farm
        self.ports = ports

    def url(self, path: str, host: int = 0) -> str:
        address = HOSTS[host]
        return f"http://{address}:{self.ports[address]}/{path.lstrip('/')}"

    def stats(self, host: int = 0) -> Any:
        return self.farm.stats[HOSTS[host]]


@pytest.fixture
async def farm() -> AsyncIterator[Farm]:
    link_farm = LinkFarm()
    ports = await link_farm.start(HOSTS)
    try:
        yield Farm(link_farm, ports)
    finally:
        await link_farm.stop()


def settings(**overrides: Any) -> Settings:
    return Settings().merged({**FAST, **overrides})


async def check(urls: Iterable[str], resolver: StaticResolver | None = None,
                **overrides: Any) -> dict[str, LinkResult]:
    """Check `urls` with FAST settings (plus overrides); url -> result."""
    out: dict[str, LinkResult] = {}
    async for result in check_urls(list(urls), settings(**overrides), resolver=resolver):
        out[result.url] = result
    return out


async def check_one(url: str, **overrides: Any) -> LinkResult:
    return (await check([url], **overrides))[url]
