"""The tests' network guard and `--resolve`'s catch-all keep lookups and connections on
this machine; the checker's DNS cache asks once per name."""

from __future__ import annotations

import asyncio
import os
import socket
import urllib.request
from pathlib import Path

import pytest
import requests
from aiohttp.abc import ResolveResult
from aiohttp.resolver import ThreadedResolver

from curatorbot.http.guard import GuardedResolver, StaticResolver, parse_resolve


def test_the_guard_refuses_names_and_allows_literals() -> None:
    with pytest.raises(socket.gaierror, match="test DNS guard"):
        socket.getaddrinfo("example.org", 80)
    assert socket.getaddrinfo("127.0.0.2", 80)[0][4][0] == "127.0.0.2"
    with pytest.raises(socket.gaierror, match="test DNS guard"):
        socket.getaddrinfo("10.1.2.3", 80)
    with pytest.raises(socket.gaierror, match="test DNS guard"):
        socket.getaddrinfo("2001:db8::1", 80)
    assert socket.getaddrinfo("::1", 80)[0][4][0] == "::1"


# 0.0.0.0 and :: are outside 127.0.0.0/8 and ::1, yet connecting to them stays on this
# machine: should the guard let them through, nothing leaves it (the connection is refused).
def test_the_guard_refuses_connections_beyond_loopback() -> None:
    with socket.socket(socket.AF_INET) as sock, \
            pytest.raises(OSError, match="test network guard"):
        sock.connect(("0.0.0.0", 9))
    with socket.socket(socket.AF_INET) as sock, \
            pytest.raises(OSError, match="test network guard"):
        sock.connect_ex(("0.0.0.0", 9))
    if socket.has_ipv6:
        with socket.socket(socket.AF_INET6) as sock, \
                pytest.raises(OSError, match="test network guard"):
            sock.connect(("::", 9, 0, 0))


def test_the_guard_allows_loopback_and_unix_sockets(tmp_path: Path) -> None:
    with socket.socket(socket.AF_INET) as server:
        server.bind(("127.0.0.5", 0))
        server.listen()
        with socket.socket(socket.AF_INET) as client:
            client.connect(server.getsockname())
        with socket.socket(socket.AF_INET) as client:
            assert client.connect_ex(server.getsockname()) == 0
    path = str(tmp_path / "s")
    with socket.socket(socket.AF_UNIX) as server:
        server.bind(path)
        server.listen()
        with socket.socket(socket.AF_UNIX) as client:
            client.connect(path)


def test_no_proxy_is_used() -> None:
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"):
        assert name not in os.environ and name.lower() not in os.environ
    assert os.environ["NO_PROXY"] == "*"
    assert set(urllib.request.getproxies()) <= {"no"}  # only the bypass list
    assert requests.utils.get_environ_proxies("http://127.0.0.2:8080/") == {}


async def test_the_guard_also_holds_for_aiohttp_lookups() -> None:
    resolver = ThreadedResolver()
    with pytest.raises(OSError, match="test DNS guard"):
        await resolver.resolve("example.org", 80)
    await resolver.close()


async def test_catch_all_entries_answer_without_the_system_resolver() -> None:
    # With `fallback`, a name the table does not answer would go to the system resolver
    # (here: the test guard's EAI_NONAME), so the `*` entries must be what answers.
    table = parse_resolve(["docs.test=127.0.0.3", "*.farm.test=127.0.0.4", "*=127.0.0.9",
                           "down.test=servfail", "gone.test=nxdomain"])
    resolver = StaticResolver(table, fallback=True)
    assert (await resolver.resolve("docs.test", 80))[0]["host"] == "127.0.0.3"
    assert (await resolver.resolve("a.farm.test", 80))[0]["host"] == "127.0.0.4"
    assert (await resolver.resolve("anything.else", 80))[0]["host"] == "127.0.0.9"
    with pytest.raises(socket.gaierror) as nx:
        await resolver.resolve("gone.test", 80)
    assert nx.value.errno == socket.EAI_NONAME
    with pytest.raises(socket.gaierror) as temp:
        await resolver.resolve("down.test", 80)
    assert temp.value.errno == socket.EAI_AGAIN
    await resolver.close()
    offline = StaticResolver(parse_resolve(["*=servfail"]), fallback=True)
    with pytest.raises(socket.gaierror) as temp:
        await offline.resolve("anything.else", 80)
    assert temp.value.errno == socket.EAI_AGAIN
    await offline.close()
    with pytest.raises(ValueError):
        parse_resolve(["x.test=not-an-address"])


class SlowResolver(StaticResolver):
    """A StaticResolver that takes a moment, so that lookups overlap."""

    async def resolve(self, host: str, port: int = 0,
                      family: socket.AddressFamily = socket.AF_INET) -> list[ResolveResult]:
        await asyncio.sleep(0.01)
        return await super().resolve(host, port, family)


async def test_one_lookup_serves_every_port_of_a_name() -> None:
    resolver = GuardedResolver(SlowResolver({"x.test": "127.0.0.2"}), allow_private=True)
    http, https = await asyncio.gather(resolver.resolve("x.test", 80),
                                       resolver.resolve("x.test", 443))  # one in flight
    later = await resolver.resolve("X.test", 8443)  # from the cache
    assert resolver.lookups == 1
    assert [(a["host"], a["port"]) for a in http] == [("127.0.0.2", 80)]
    assert [(a["host"], a["port"]) for a in https] == [("127.0.0.2", 443)]
    assert [(a["host"], a["port"]) for a in later] == [("127.0.0.2", 8443)]
    assert (await resolver.resolve("x.test", 80)) == http  # the cache kept no port


async def test_a_failed_lookup_is_cached_for_every_port() -> None:
    resolver = GuardedResolver(StaticResolver({}), allow_private=True)
    for port in (80, 443):
        with pytest.raises(socket.gaierror):
            await resolver.resolve("gone.test", port)
    assert resolver.lookups == 1
