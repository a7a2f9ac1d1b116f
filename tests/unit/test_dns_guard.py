"""The tests' DNS guard and `--resolve`'s catch-all keep name lookups on this machine."""

from __future__ import annotations

import socket

import pytest
from aiohttp.resolver import ThreadedResolver

from curatorbot.check.netguard import StaticResolver, parse_resolve


def test_the_guard_refuses_names_and_allows_literals() -> None:
    with pytest.raises(socket.gaierror, match="test DNS guard"):
        socket.getaddrinfo("example.org", 80)
    assert socket.getaddrinfo("127.0.0.2", 80)[0][4][0] == "127.0.0.2"


async def test_the_guard_also_holds_for_aiohttp_lookups() -> None:
    resolver = ThreadedResolver()
    with pytest.raises(OSError, match="test DNS guard"):
        await resolver.resolve("example.org", 80)
    await resolver.close()


async def test_catch_all_entries_answer_without_the_system_resolver() -> None:
    table = parse_resolve(["docs.test=127.0.0.3", "*.farm.test=127.0.0.4", "*=nxdomain",
                           "down.test=servfail"])
    resolver = StaticResolver(table, fallback=False)
    assert (await resolver.resolve("docs.test", 80))[0]["host"] == "127.0.0.3"
    assert (await resolver.resolve("a.farm.test", 80))[0]["host"] == "127.0.0.4"
    with pytest.raises(socket.gaierror) as nx:
        await resolver.resolve("anything.else", 80)
    assert nx.value.errno == socket.EAI_NONAME
    with pytest.raises(socket.gaierror) as temp:
        await resolver.resolve("down.test", 80)
    assert temp.value.errno == socket.EAI_AGAIN
    with pytest.raises(ValueError):
        parse_resolve(["x.test=not-an-address"])
