"""Which addresses the checker may connect to, decided on the RESOLVED address; DNS caching.

A catalog URL must not make the bot probe the machine it runs on or its private network
(SSRF): `http://localhost/`, `http://10.0.0.1/`, `http://169.254.169.254/` (cloud metadata)
and any public-looking name whose DNS answer points there. The rule is applied in
`GuardedResolver`, the aiohttp resolver every connection goes through, so it holds for
every redirect hop and a name cannot smuggle a private address in; literal IP hosts (which
aiohttp never resolves) are checked by `literal_ip_refused` before a request is made.

The resolver also caches answers, failures included, for the run (`ttl` seconds), per
name and address family whatever the port (http://x and https://x cost one lookup), and
shares one lookup between concurrent requests to the same name.

`StaticResolver` maps names to addresses from a table (with `*.suffix` wildcards, and `*`
for every other name) and fails every other name, like an authoritative server answering
NXDOMAIN (or, with `fallback`, asks the system resolver): the CLI's `--resolve NAME=ADDRESS`
(as curl's), tests and benchmarks use it to give loopback servers host names without
touching the system resolver. Besides an address, a name may map to `nxdomain` (the name does
not exist) or `servfail` (no resolver answers): `--resolve '*=nxdomain'` keeps every name
that is not in the table away from the system resolver.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
import time
from collections.abc import Mapping

from aiohttp.abc import AbstractResolver, ResolveResult
from aiohttp.resolver import ThreadedResolver

from curatorbot.urls import ipv4_literal

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

# What a `--resolve` entry may say instead of an address.
NXDOMAIN = "nxdomain"   # the name does not exist (an answer: its links are dead)
SERVFAIL = "servfail"   # no resolver answers (no answer: network trouble, never dead)

# Cloud metadata services that sit on otherwise unremarkable addresses.
METADATA_ADDRESSES: frozenset[IPAddress] = frozenset({
    ipaddress.ip_address("169.254.169.254"),   # AWS, GCP, Azure, OpenStack...
    ipaddress.ip_address("169.254.170.2"),     # AWS ECS task metadata
    ipaddress.ip_address("100.100.100.200"),   # Alibaba Cloud
    ipaddress.ip_address("192.0.0.192"),       # Oracle Cloud
    ipaddress.ip_address("fd00:ec2::254"),     # AWS over IPv6
})


class PrivateAddressError(OSError):
    """A name resolved only to addresses the checker refuses to connect to."""

    def __init__(self, host: str, address: str) -> None:
        super().__init__(f"{host} resolves to the non-public address {address}")
        self.host = host
        self.address = address


def parse_ip(text: str) -> IPAddress | None:
    """`text` (an IPv6 zone after `%` ignored) as an IP address, or None when it is not one.

    Cheap for host names: only text that could be an address is parsed, and by the one
    class that could take it (an IPv6 address has a colon, an IPv4 one only digits and dots).
    """
    text = text.split("%", 1)[0]
    try:
        if ":" in text:
            return ipaddress.IPv6Address(text)
        if text.replace(".", "").isdigit():
            return ipaddress.IPv4Address(text)
    except ValueError:
        pass
    return None


def refused_reason(address: str) -> str | None:
    """Why `address` is not a public address ("loopback", "private"...), or None if it is."""
    ip = parse_ip(address)
    if ip is None:
        return "not an IP address"
    return ip_refused_reason(ip)


def ip_refused_reason(ip: IPAddress) -> str | None:
    """`refused_reason` of an address already parsed."""
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if ip in METADATA_ADDRESSES:
        return "cloud metadata"
    for attribute in ("loopback", "link_local", "private", "multicast", "unspecified",
                      "reserved"):
        if getattr(ip, f"is_{attribute}"):
            return attribute.replace("_", "-")
    if not ip.is_global:
        return "non-global"
    return None


def literal_ip_refused(host: str) -> str | None:
    """For a URL host that is an IP literal: why it is refused, or None (also for names).
    An IPv4 address in another spelling than the dotted quad (`127.1`, `0x7f.1`) is read
    as the address it means (`urls.ipv4_literal`), so no spelling slips past the guard."""
    ip = parse_ip(host.strip("[]")) or ipv4_literal(host)
    return None if ip is None else ip_refused_reason(ip)


class GuardedResolver(AbstractResolver):
    """Resolves through `inner`, caches, and drops non-public addresses unless allowed.

    When every address of a name is refused, `resolve` raises `PrivateAddressError` (an
    OSError, which aiohttp wraps in `ClientConnectorDNSError` with it as `os_error`).
    """

    def __init__(self, inner: AbstractResolver | None = None, *, allow_private: bool = False,
                 ttl: float = 600.0) -> None:
        self._inner = inner
        self._allow_private = allow_private
        self._ttl = ttl
        # (name, family) -> (expiry, addresses or failure): one entry serves every port.
        self._cache: dict[tuple[str, int], tuple[float, list[ResolveResult] | OSError]] = {}
        self._pending: dict[tuple[str, int], asyncio.Future[list[ResolveResult]]] = {}
        self.lookups = 0  # lookups actually sent to `inner` (the rest came from the cache)

    async def resolve(self, host: str, port: int = 0,
                      family: socket.AddressFamily = socket.AF_INET) -> list[ResolveResult]:
        key = (host.lower(), int(family))
        cached = self._cache.get(key)
        if cached is not None and cached[0] > time.monotonic():
            return _answer(cached[1], port)
        pending = self._pending.get(key)
        if pending is not None:
            return _on_port(await asyncio.shield(pending), port)
        future: asyncio.Future[list[ResolveResult]] = asyncio.get_running_loop().create_future()
        self._pending[key] = future
        try:
            answer = await self._lookup(host, port, family)
        except OSError as exc:
            self._cache[key] = (time.monotonic() + self._ttl, exc)
            future.set_exception(exc)
            future.exception()  # retrieved: nobody may be waiting on it
            raise
        finally:
            del self._pending[key]
        self._cache[key] = (time.monotonic() + self._ttl, answer)
        future.set_result(answer)
        return _on_port(answer, port)

    async def _lookup(self, host: str, port: int,
                      family: socket.AddressFamily) -> list[ResolveResult]:
        if self._inner is None:
            self._inner = ThreadedResolver()
        self.lookups += 1
        answer = await self._inner.resolve(host, port, family)
        if self._allow_private:
            return answer
        public = [a for a in answer if refused_reason(a["host"]) is None]
        if not public:
            raise PrivateAddressError(host, answer[0]["host"] if answer else "?")
        return public

    async def close(self) -> None:
        if self._inner is not None:
            await self._inner.close()


def _answer(value: list[ResolveResult] | OSError, port: int) -> list[ResolveResult]:
    if isinstance(value, OSError):
        raise value
    return _on_port(value, port)


def _on_port(answer: list[ResolveResult], port: int) -> list[ResolveResult]:
    """Copies of the cached `answer` for a connection to `port` (the cache is port-free)."""
    copies = []
    for address in answer:
        copy = address.copy()
        copy["port"] = port
        copies.append(copy)
    return copies


class StaticResolver(AbstractResolver):
    """Answers from a table: {"name": "127.0.0.2", "*.test": "127.0.0.3"}; others: NXDOMAIN.

    An exact name wins over a wildcard; `*.suffix` matches any name ending in `.suffix`.
    `temporary` names fail with EAI_AGAIN (no resolver reachable) instead of EAI_NONAME.
    """

    def __init__(self, table: Mapping[str, str], temporary: frozenset[str] = frozenset(),
                 fallback: bool = False) -> None:
        self._table = {k.lower(): v for k, v in table.items()}
        self._temporary = temporary
        self._use_fallback = fallback
        self._fallback: AbstractResolver | None = None

    async def resolve(self, host: str, port: int = 0,
                      family: socket.AddressFamily = socket.AF_INET) -> list[ResolveResult]:
        name = host.lower().rstrip(".")
        if name in self._temporary or "*" in self._temporary:
            raise socket.gaierror(socket.EAI_AGAIN, "Temporary failure in name resolution")
        address = self._table.get(name)
        if address is None:
            for pattern, value in self._table.items():
                if pattern.startswith("*.") and name.endswith(pattern[1:]):
                    address = value
                    break
            else:
                address = self._table.get("*")
        if address == SERVFAIL:
            raise socket.gaierror(socket.EAI_AGAIN, "Temporary failure in name resolution")
        if address == NXDOMAIN:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        if address is None:
            if self._use_fallback:
                if self._fallback is None:
                    self._fallback = ThreadedResolver()
                return await self._fallback.resolve(host, port, family)
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        ip_family = socket.AF_INET6 if ":" in address else socket.AF_INET
        return [ResolveResult(hostname=host, host=address, port=port, family=ip_family,
                              proto=0, flags=socket.AI_NUMERICHOST)]

    async def close(self) -> None:
        if self._fallback is not None:
            await self._fallback.close()


def parse_resolve(specs: Mapping[str, str] | list[str] | tuple[str, ...]) -> dict[str, str]:
    """`["*.test=127.0.0.2", "*=nxdomain"]` -> {name: address}; ValueError if bad."""
    table: dict[str, str] = {}
    for spec in specs:
        name, sep, address = spec.partition("=")
        address = address.strip().lower()
        if not sep or not name.strip():
            raise ValueError(f"{spec!r} is not NAME=ADDRESS")
        if address not in (NXDOMAIN, SERVFAIL):
            ipaddress.ip_address(address)  # ValueError when not an address
        table[name.strip().lower()] = address
    return table
