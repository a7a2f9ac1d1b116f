"""The link-checking pipeline: one session, a host-aware scheduler, one verdict per URL.

    URLs ──> precheck (scheme, address guard) ──> per-host queues ──> scheduler ──> results
                                                                      │
                                  check_url: hop by hop, HEAD then GET, retries (tenacity)
                                  every request inside HostPool.slot(host)

`Checker` owns one aiohttp `ClientSession` (keep-alive connections, the `GuardedResolver`
with its DNS cache) and checks URLs with at most `concurrency` requests in flight overall
and `per_host` per host. Its scheduler keeps one queue per host and only starts a URL when its
host has a free slot, so one slow or crowded host never holds the others up; it serves the
hosts round robin, so they all progress evenly and finish together (a host drained last
would run alone, at `per_host` requests at a time, and stretch the run); it reads at
most `lookahead` URLs ahead of the work in flight, so memory stays flat however long the
input is. Results come out in completion order; each is a `LinkResult` (status per the
contract in design.md).

    async with Checker(settings) as checker:
        async for result in checker.check(urls):   # distinct URLs, any iterable
            ...

`run_check(catalog, settings)` is the whole job for a catalog (collect the distinct URLs,
apply ignore/include/exclude, check, then the host guard of `check.outcome`) and returns a
`CheckReport`; `check_targets` is the same as a coroutine. Ctrl-C (cancellation) stops the
run cleanly: the report holds what was checked and says `interrupted`.
"""

from __future__ import annotations

import asyncio
import ssl
import time
from collections import deque
from collections.abc import AsyncIterable, AsyncIterator, Callable, Iterable
from contextlib import suppress
from types import TracebackType
from typing import Self
from urllib.parse import urljoin, urlsplit

import aiohttp
from aiohttp.abc import AbstractResolver

from curatorbot import aio
from curatorbot.catalog.model import Catalog
from curatorbot.check.classify import (
    DEAD_CODES,
    HEAD_REJECTED_CODES,
    NETWORK_KINDS,
    OUTAGE_KINDS,
    PERMANENT_CODES,
    REDIRECT_CODES,
    Answer,
    Failure,
    Kind,
    Outcome,
    bot_sign,
    classify_answer,
    classify_failure,
    failure_from_exception,
)
from curatorbot.check.hosts import HostPool
from curatorbot.check.netguard import GuardedResolver, literal_ip_refused
from curatorbot.check.outcome import CheckReport, apply_host_guard
from curatorbot.check.retry import with_retries
from curatorbot.check.targets import Target, UrlRules, catalog_targets
from curatorbot.http_headers import parse_retry_after
from curatorbot.metadata.html import extract_title
from curatorbot.results import Hop, LinkResult, Status
from curatorbot.settings import Settings

MAX_REDIRECTS = 10
TITLE_CAP = 64 * 1024          # bytes of an HTML page read to find its <title>
SNIFF_CAP = 16 * 1024          # bytes of a refusal read to look for bot-wall signs
DRAIN_LIMIT = 64 * 1024        # unread rest small enough to read, keeping the connection
KEEPALIVE = 10.0
ACCEPT_HEADER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"

Progress = Callable[[LinkResult], None]


def host_key(url: str) -> str:
    """The politeness key of a URL: its host name, lower-cased (ports share the host)."""
    return (urlsplit(url).hostname or "").lower()


class Checker:
    """Checks URLs politely; use as `async with Checker(settings) as c: c.check(urls)`.

    `resolver` replaces the system resolver (tests map `*.test` names to loopback);
    `ssl_context` is the TLS trust to verify servers with (tests pass one trusting their
    own CA; default: the system's); `titles` asks for pages with GET and records their
    <title> instead of asking with HEAD.
    """

    def __init__(self, settings: Settings, *, resolver: AbstractResolver | None = None,
                 ssl_context: ssl.SSLContext | None = None, titles: bool = False,
                 lookahead: int | None = None) -> None:
        self.settings = settings
        self.titles = titles
        self.lookahead = lookahead or max(10_000, 32 * settings.concurrency)
        self.hosts = HostPool(settings.per_host, settings.min_interval, settings.outage_after)
        self.resolver = GuardedResolver(resolver, allow_private=settings.allow_private)
        # A fresh default context (not aiohttp's import-time one) honours SSL_CERT_FILE.
        self._ssl: ssl.SSLContext | bool = (False if settings.insecure
                                            else ssl_context if ssl_context is not None
                                            else ssl.create_default_context())
        self._timeout = aiohttp.ClientTimeout(total=settings.timeout,
                                              sock_connect=settings.connect_timeout,
                                              sock_read=settings.timeout)
        self._session: aiohttp.ClientSession | None = None
        # Requests in flight overall. URL tasks may be more (up to twice as many): a task
        # waiting out a retry backoff or a host's pause holds no request slot.
        self._requests = asyncio.Semaphore(settings.concurrency)

    async def __aenter__(self) -> Self:
        connector = aiohttp.TCPConnector(
            limit=0, limit_per_host=0, resolver=self.resolver, use_dns_cache=False,
            ssl=self._ssl, keepalive_timeout=KEEPALIVE)
        self._session = aiohttp.ClientSession(
            connector=connector, timeout=self._timeout,
            headers={"User-Agent": self.settings.user_agent, "Accept": ACCEPT_HEADER},
            cookie_jar=aiohttp.CookieJar(unsafe=True))
        return self

    async def __aexit__(self, exc_type: type[BaseException] | None,
                        exc: BaseException | None, tb: TracebackType | None) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    @property
    def session(self) -> aiohttp.ClientSession:
        if self._session is None:
            raise RuntimeError("use Checker as 'async with Checker(...) as checker'")
        return self._session

    # -- the scheduler -----------------------------------------------------------------
    async def check(self, urls: Iterable[str] | AsyncIterable[str]) -> AsyncIterator[LinkResult]:
        """Check distinct `urls`; yield one `LinkResult` each, in completion order."""
        source = _aiter(urls)
        events: asyncio.Queue[asyncio.Task[LinkResult] | str] = asyncio.Queue()
        pending: dict[str, deque[str]] = {}
        in_flight: dict[str, int] = {}
        task_host: dict[asyncio.Task[LinkResult], str] = {}
        ready: deque[str] = deque()
        queued: set[str] = set()
        waking: set[str] = set()
        buffered = 0
        exhausted = False
        loop = asyncio.get_running_loop()
        limit, per_host = 2 * self.settings.concurrency, self.settings.per_host

        def mark_ready(host: str, front: bool = False) -> None:
            if host not in queued:
                queued.add(host)
                (ready.appendleft if front else ready.append)(host)

        try:
            while True:
                while not exhausted and buffered < self.lookahead:
                    try:
                        url = await anext(source)
                    except StopAsyncIteration:
                        exhausted = True
                        break
                    early = self.precheck(url)
                    if early is not None:
                        yield early
                        continue
                    host = host_key(url)
                    pending.setdefault(host, deque()).append(url)
                    buffered += 1
                    mark_ready(host)
                while len(task_host) < limit and ready:
                    host = ready.popleft()
                    queued.discard(host)
                    queue = pending.get(host)
                    if not queue or in_flight.get(host, 0) >= per_host:
                        continue  # re-queued when one of its URLs completes
                    wait = self.hosts.ready_at(host) - time.monotonic()
                    if wait > 0:
                        if host not in waking:
                            waking.add(host)
                            loop.call_later(wait, events.put_nowait, host)
                        continue
                    url = queue.popleft()
                    buffered -= 1
                    in_flight[host] = in_flight.get(host, 0) + 1
                    task = asyncio.create_task(self._guarded_check(url))
                    task_host[task] = host
                    task.add_done_callback(events.put_nowait)
                    if queue:
                        mark_ready(host)  # round robin: every host progresses evenly
                    else:
                        del pending[host]
                if not task_host and exhausted and buffered == 0:
                    return
                event = await events.get()
                if isinstance(event, str):
                    waking.discard(event)
                    if event in pending:
                        mark_ready(event, front=True)
                    continue
                host = task_host.pop(event)
                in_flight[host] -= 1
                if not in_flight[host]:
                    del in_flight[host]
                if host in pending:
                    mark_ready(host)
                yield event.result()
        finally:
            for task in task_host:
                task.cancel()
            if task_host:
                await asyncio.gather(*task_host, return_exceptions=True)

    def precheck(self, url: str) -> LinkResult | None:
        """A verdict reached without the network (not http(s), a refused literal IP)."""
        try:
            parts = urlsplit(url)
            parts.port  # noqa: B018 - raises ValueError for a bad port
        except ValueError as exc:
            return LinkResult(url, Status.ERROR, error=f"invalid URL: {exc}",
                              failure=Kind.PROTOCOL)
        if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
            return LinkResult(url, Status.EXCLUDED, error="not an http(s) URL")
        if not self.settings.allow_private:
            reason = literal_ip_refused(parts.hostname)
            if reason:
                return LinkResult(url, Status.EXCLUDED, failure=Kind.PRIVATE,
                                  error=f"{reason} address; pass --allow-private to check it")
        return None

    async def _guarded_check(self, url: str) -> LinkResult:
        try:
            return await self.check_url(url)
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # one bad link must never lose the run
            return LinkResult(url, Status.ERROR, failure=Kind.PROTOCOL,
                              error=f"internal error: {type(exc).__name__}: {exc}")

    # -- one URL -----------------------------------------------------------------------
    async def check_url(self, url: str) -> LinkResult:
        """Follow `url` hop by hop and classify where it ends (no scheduling, no precheck)."""
        started = time.monotonic()
        hops: list[Hop] = []
        seen: dict[str, tuple[int, str]] = {}
        attempts = 0
        permanent = False
        moved_to: str | None = None
        leading = True
        current = url

        def result(status: Status, *, http_status: int | None = None, error: str | None = None,
                   failure: str | None = None, title: str | None = None) -> LinkResult:
            return LinkResult(
                url=url, status=status, http_status=http_status, final_url=current,
                redirects=tuple(hops), error=error, attempts=attempts,
                elapsed_ms=round((time.monotonic() - started) * 1000), title=title,
                permanent=permanent, failure=failure, moved_to=moved_to)

        while True:
            host = host_key(current)
            if hops and not self.settings.allow_private:
                reason = literal_ip_refused(host)
                if reason:
                    return result(Status.ERROR, failure=Kind.PRIVATE,
                                  error=f"redirects to a {reason} address (not followed)")
            outcome, asked = await self._ask(current, host)
            attempts += asked
            if isinstance(outcome, Failure):
                status = classify_failure(outcome)
                if hops and outcome.kind == Kind.PRIVATE:
                    status = Status.ERROR  # a public page sending us to a private address
                return result(status, error=outcome.message, failure=outcome.kind)
            code = outcome.status
            if code in REDIRECT_CODES and outcome.location:
                target = urljoin(current, outcome.location.strip())
                hops.append(Hop(current, code))
                if urlsplit(target).scheme.lower() not in ("http", "https"):
                    return result(Status.ERROR, http_status=code, failure=Kind.BAD_REDIRECT,
                                  error=f"redirects to a non-http(s) URL: {target}")
                if seen.get(current) == (code, target):
                    return result(Status.ERROR, http_status=code, failure=Kind.LOOP,
                                  error=f"redirect loop at {current}")
                seen[current] = (code, target)
                if code in PERMANENT_CODES or _upgrades_to_https(current, target):
                    permanent = True
                    if leading:
                        moved_to = target
                else:
                    leading = False
                if len(hops) > MAX_REDIRECTS:
                    return result(Status.ERROR, http_status=code,
                                  failure=Kind.TOO_MANY_REDIRECTS,
                                  error=f"more than {MAX_REDIRECTS} redirects")
                current = target
                continue
            status, error = classify_answer(outcome, self.settings.accept, permanent)
            return result(status, http_status=code, error=error, title=outcome.title,
                          failure=None if error is None else Kind.HTTP)

    async def _ask(self, url: str, host: str) -> tuple[Outcome, int]:
        """Ask for `url` (HEAD, then GET when HEAD is refused or says dead), with retries."""
        state = self.hosts.get(host)
        method = "GET" if self.titles or state.head_rejected else "HEAD"
        count = 0

        async def once() -> Outcome:
            nonlocal count, method
            if self.hosts.down(host):
                return Failure(Kind.OUTAGE, f"host outage: {state.last_failure}")
            count += 1
            outcome = await self._request(method, url, host)
            if method == "HEAD" and isinstance(outcome, Answer) and outcome.status in (429, 503):
                method = "GET"  # retry with GET: its body may show a bot wall
            return outcome

        outcome = await with_retries(self.settings, once)
        if method == "HEAD" and isinstance(outcome, Answer) and (
                outcome.status not in self.settings.accept) and (
                outcome.status in HEAD_REJECTED_CODES or outcome.status in DEAD_CODES):
            if outcome.status in HEAD_REJECTED_CODES:
                state.head_rejected = True
            method = "GET"  # some servers only answer GET; a dead verdict is confirmed by GET
            outcome = await with_retries(self.settings, once)
        return outcome, count

    async def _request(self, method: str, url: str, host: str) -> Outcome:
        """One request, inside the host's slot; never raises for network trouble."""
        async with self.hosts.slot(host), self._requests:
            try:
                async with self.session.request(method, url, allow_redirects=False) as resp:
                    answer = await self._read(resp, method)
            except (aiohttp.ClientError, OSError, TimeoutError, ValueError) as exc:
                failure = failure_from_exception(exc)
                if failure.kind in NETWORK_KINDS:
                    self.hosts.record_network_failure(host, failure.kind, failure.message,
                                                      outage=failure.kind in OUTAGE_KINDS)
                elif failure.kind != Kind.PRIVATE:
                    self.hosts.record_answer(host)  # connected: the host is there
                return failure
        self.hosts.record_answer(host)
        if answer.status == 429:
            self.hosts.slow_down(host, answer.retry_after, self.settings.retry_after_cap)
        return answer

    async def _read(self, resp: aiohttp.ClientResponse, method: str) -> Answer:
        """Reduce a response to an `Answer`, reading at most a small prefix of the body."""
        status = resp.status
        headers = resp.headers
        content_type = headers.get("Content-Type", "")
        body = b""
        want_title = (self.titles and 200 <= status < 300 and "html" in content_type.lower())
        if method == "GET":
            if want_title:
                body = await _read_prefix(resp, TITLE_CAP)
            elif status in (403, 429, 503):
                body = await _read_prefix(resp, SNIFF_CAP)
            if not resp.content.at_eof():
                length = resp.content_length
                if length is not None and length - len(body) <= DRAIN_LIMIT:
                    await resp.read()  # small rest: read it and keep the connection
                else:
                    resp.close()  # a big body costs nothing: drop the connection
        return Answer(
            status=status,
            reason=resp.reason or "",
            location=headers.get("Location") if status in REDIRECT_CODES else None,
            retry_after=parse_retry_after(headers.get("Retry-After")),
            bot_sign=bot_sign(status, headers, body),
            title=extract_title(body, content_type) if want_title else None,
        )


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


def _upgrades_to_https(source: str, target: str) -> bool:
    """http://x/p -> https://x/p: the same page, moved to TLS for good."""
    a, b = urlsplit(source), urlsplit(target)
    return (a.scheme == "http" and b.scheme == "https" and a.hostname == b.hostname
            and a.path.rstrip("/") == b.path.rstrip("/") and a.query == b.query)


async def _aiter(urls: Iterable[str] | AsyncIterable[str]) -> AsyncIterator[str]:
    if isinstance(urls, AsyncIterable):
        async for url in urls:
            yield url
    else:
        for url in urls:
            yield url


async def check_urls(urls: Iterable[str] | AsyncIterable[str], settings: Settings, *,
                     resolver: AbstractResolver | None = None,
                     ssl_context: ssl.SSLContext | None = None,
                     titles: bool = False) -> AsyncIterator[LinkResult]:
    """Check distinct `urls` and yield raw verdicts as they complete (no host guard)."""
    async with Checker(settings, resolver=resolver, ssl_context=ssl_context,
                       titles=titles) as checker:
        async for result in checker.check(urls):
            yield result


async def check_targets(targets: dict[str, Target], settings: Settings, *,
                        resolver: AbstractResolver | None = None,
                        ssl_context: ssl.SSLContext | None = None, titles: bool = False,
                        progress: Progress | None = None, catalog_path: str = "",
                        ) -> CheckReport:
    """Check the distinct URLs of `targets` and return the guarded report."""
    started = time.monotonic()
    rules = UrlRules(settings)
    results: dict[str, LinkResult] = {}

    def record(result: LinkResult) -> None:
        results[result.url] = result
        if progress is not None:
            progress(result)

    for url, target in targets.items():
        if target.ignored:
            record(LinkResult(url, Status.EXCLUDED, error="ignore: true in the catalog"))
        else:
            reason = rules.excluded(url)
            if reason:
                record(LinkResult(url, Status.EXCLUDED, error=reason))
    interrupted = False
    checker = Checker(settings, resolver=resolver, ssl_context=ssl_context, titles=titles)
    async with checker:
        try:
            async for result in checker.check(u for u in targets if u not in results):
                record(result)
        except asyncio.CancelledError:
            interrupted = True
            task = asyncio.current_task()
            if task is not None:
                with suppress(AttributeError):
                    task.uncancel()
    ordered = [results[url] for url in targets if url in results]
    guarded, outages, network_down = apply_host_guard(ordered, checker.hosts)
    return CheckReport(results=guarded, targets=targets,
                       duration=time.monotonic() - started, network_down=network_down,
                       outages=outages, interrupted=interrupted, catalog_path=catalog_path,
                       hosts=len(checker.hosts.states()))


def run_check(catalog: Catalog, settings: Settings, *,
              resolver: AbstractResolver | None = None,
              ssl_context: ssl.SSLContext | None = None, titles: bool = False,
              progress: Progress | None = None) -> CheckReport:
    """Check every distinct URL of `catalog` (blocking); Ctrl-C returns a partial report."""
    return aio.run(check_targets(
        catalog_targets(catalog), settings, resolver=resolver, ssl_context=ssl_context,
        titles=titles, progress=progress, catalog_path=catalog.path))
