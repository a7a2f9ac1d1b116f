"""The bot's one HTTP client: session and TLS set-up, and one request function.

`HttpClient` owns one aiohttp `ClientSession` for a run: keep-alive connections, the
`GuardedResolver` (private-address guard and DNS cache, over `--resolve`'s table when
given), the User-Agent, `--insecure`, the timeouts, the per-host pacing (`HostPool`) and
the limit of requests in flight overall (`concurrency`).
Every request the bot makes goes through `request`: the link checker's, and every metadata
provider's, so all of them honour the guard, `--resolve`, `--insecure`, the User-Agent and
the per-host limits.

    async with HttpClient(settings, resolver=...) as client:
        reply = await client.request("GET", url, read=64 * 1024)
        if isinstance(reply, Failure): ...         # no usable answer (typed, translated once)
        reply.status, reply.headers, reply.body    # at most `read` bytes of the body
        await client.request("GET", url, read=0, sink=finder)  # the body streamed to a
                                                   # `BodySink` until it has seen enough

`request` never raises for network trouble; only cancellation passes through.
"""

from __future__ import annotations

import asyncio
import json as jsonlib
import ssl
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any, Protocol, Self

import aiohttp
from aiohttp.abc import AbstractResolver

from curatorbot.http.failures import REQUEST_ERRORS, Failure, failure_from_exception
from curatorbot.http.guard import GuardedResolver, StaticResolver, parse_resolve
from curatorbot.http.hosts import HostPool, Sleep
from curatorbot.http.retry import RetryPolicy
from curatorbot.results import NETWORK_KINDS
from curatorbot.results import FailureKind as Kind
from curatorbot.settings import Settings
from curatorbot.urls import host_key

KEEPALIVE = 10.0
ACCEPT_HEADER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
DRAIN_LIMIT = 64 * 1024        # unread rest small enough to read, keeping the connection
API_BODY_CAP = 16 * 1024 * 1024  # what an API answer may be at most (GraphQL batches: ~100 KB)

# How much of a body to read: a byte count, or one decided from the status and headers.
ReadSpec = int | Callable[[int, Mapping[str, str]], int]
SINK_CHUNK = 16 * 1024


class BodySink(Protocol):
    """Reads a body as it streams in (the anchor search, check.truth), at most `limit`
    bytes: `start` says whether the answer's body is wanted at all; `feed` takes the next
    chunk and returns True once it has seen enough (the rest is not read)."""

    limit: int

    def start(self, status: int, headers: Mapping[str, str]) -> bool: ...

    def feed(self, chunk: bytes) -> bool: ...


@dataclass(frozen=True, slots=True)
class Reply:
    """One HTTP answer: status, reason, headers, and the body read (at most what was asked)."""

    status: int
    reason: str = ""
    headers: Mapping[str, str] = field(default_factory=dict)
    body: bytes = b""
    complete: bool = True  # the whole body was read

    def text(self) -> str:
        """The body as text (UTF-8, undecodable bytes replaced)."""
        return self.body.decode("utf-8", errors="replace")

    def json(self) -> Any:
        """The body as JSON; ValueError when it is not."""
        return jsonlib.loads(self.body)


Outcome = Reply | Failure


def resolver_for(specs: tuple[str, ...] | list[str]) -> StaticResolver | None:
    """The resolver of `--resolve NAME=ADDRESS` options (None: the system's); names not
    in the table go to the system resolver unless a `*` entry catches them. ValueError
    when a spec is malformed."""
    table = parse_resolve(specs)
    return StaticResolver(table, fallback="*" not in table) if table else None


class HttpClient:
    """One run's HTTP client; use as `async with HttpClient(settings) as client`.

    `resolver` replaces the system resolver (`--resolve`, tests); `ssl_context` is the TLS
    trust to verify servers with (default: the system's, made on the first https request);
    `accept` is the default Accept header (a browser's; API clients send their own).
    """

    def __init__(self, settings: Settings, *, resolver: AbstractResolver | None = None,
                 ssl_context: ssl.SSLContext | None = None,
                 accept: str = ACCEPT_HEADER) -> None:
        self.settings = settings
        self.hosts = HostPool(settings.per_host, settings.min_interval, settings.outage_after)
        self.resolver = GuardedResolver(resolver, allow_private=settings.allow_private)
        self.retry = RetryPolicy.from_settings(settings)
        # The trust to verify servers with: made on the first https request (loading the
        # system's CA store costs ~20 ms, for nothing in a run without https), and fresh
        # rather than aiohttp's import-time one, so that SSL_CERT_FILE set later counts.
        self._ssl: ssl.SSLContext | bool | None = False if settings.insecure else ssl_context
        self._timeout = aiohttp.ClientTimeout(total=settings.timeout,
                                              sock_connect=settings.connect_timeout,
                                              sock_read=settings.timeout)
        self._accept = accept
        # Requests in flight overall, whoever makes them (at most `concurrency`).
        self._in_flight = asyncio.Semaphore(settings.concurrency)
        self._session: aiohttp.ClientSession | None = None
        self._users = 0

    async def __aenter__(self) -> Self:
        self._users += 1
        if self._session is None:
            connector = aiohttp.TCPConnector(
                limit=0, limit_per_host=0, resolver=self.resolver, use_dns_cache=False,
                ssl=self._ssl is not False, keepalive_timeout=KEEPALIVE)
            self._session = aiohttp.ClientSession(
                connector=connector, timeout=self._timeout,
                headers={"User-Agent": self.settings.user_agent, "Accept": self._accept},
                cookie_jar=aiohttp.CookieJar(unsafe=True))
        return self

    async def __aexit__(self, exc_type: type[BaseException] | None,
                        exc: BaseException | None, tb: TracebackType | None) -> None:
        self._users -= 1
        if self._users == 0 and self._session is not None:
            await self._session.close()
            self._session = None

    @property
    def session(self) -> aiohttp.ClientSession:
        if self._session is None:
            raise RuntimeError("use HttpClient as 'async with HttpClient(...) as client'")
        return self._session

    async def request(self, method: str, url: str, *, read: ReadSpec = API_BODY_CAP,
                      headers: Mapping[str, str] | None = None, json: Any = None,
                      timeout: float | None = None, rest: Sleep | None = None,
                      sink: BodySink | None = None) -> Outcome:
        """One request to `url` (redirects not followed) inside its host's slot: a `Reply`
        holding at most `read` bytes of the body, or a `Failure`; never raises for network
        trouble. `rest(seconds)` waits for the host's turn (default: asyncio.sleep).
        `sink`, when given, is fed the body after those bytes (them included) until it
        has seen enough or read its `limit`."""
        host = host_key(url)
        options: dict[str, Any] = {}
        if timeout is not None:  # else the session's (None would mean none at all)
            options["timeout"] = aiohttp.ClientTimeout(
                total=timeout, sock_connect=self.settings.connect_timeout)
        async with self.hosts.slot(host, rest), self._in_flight:
            try:
                async with self.session.request(
                        method, url, allow_redirects=False, ssl=self._tls(url),
                        headers=headers, json=json, **options) as resp:
                    reply = await _read(resp, read, sink)
            except REQUEST_ERRORS as exc:
                failure = failure_from_exception(exc)
                if failure.kind in NETWORK_KINDS:
                    self.hosts.record_network_failure(host, failure.kind, failure.message)
                elif failure.kind != Kind.PRIVATE:
                    self.hosts.record_answer(host)  # connected: the host is there
                return failure
        self.hosts.record_answer(host)
        return reply

    def _tls(self, url: str) -> ssl.SSLContext | bool:
        """The TLS setting of a request to `url` (the context is made when first needed)."""
        if self._ssl is None and url[:6].lower() == "https:":
            self._ssl = ssl.create_default_context()
        return True if self._ssl is None else self._ssl


async def _read(resp: aiohttp.ClientResponse, read: ReadSpec,
                sink: BodySink | None = None) -> Reply:
    """Reduce a response to a `Reply`, reading at most `read` bytes of its body (and
    streaming to `sink` as long as it wants); a small unread rest is read (the connection
    is kept), a big one dropped with the connection."""
    cap = read(resp.status, resp.headers) if callable(read) else read
    body = await _read_prefix(resp, cap) if cap > 0 and resp.method != "HEAD" else b""
    if sink is not None and resp.method != "HEAD" and sink.start(resp.status, resp.headers):
        await _stream(resp, body, sink)
    complete = resp.method == "HEAD" or resp.content.at_eof()
    if not complete:
        length = resp.content_length
        if length is not None and length - len(body) <= DRAIN_LIMIT:
            await resp.read()  # small rest: read it and keep the connection
        else:
            resp.close()  # a big body costs nothing: drop the connection
    return Reply(status=resp.status, reason=resp.reason or "", headers=resp.headers,
                 body=body, complete=complete)


async def _stream(resp: aiohttp.ClientResponse, prefix: bytes, sink: BodySink) -> None:
    """Feed `sink` the prefix read, then the next chunks, until it has seen enough."""
    fed = len(prefix)
    if prefix and sink.feed(prefix):
        return
    while fed < sink.limit:
        chunk = await resp.content.read(min(SINK_CHUNK, sink.limit - fed))
        if not chunk:
            return
        fed += len(chunk)
        if sink.feed(chunk):
            return


async def _read_prefix(resp: aiohttp.ClientResponse, cap: int) -> bytes:
    chunks: list[bytes] = []
    size = 0
    while size < cap:
        chunk = await resp.content.read(cap - size)
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks)
