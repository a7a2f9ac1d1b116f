"""The link-checking pipeline: one session, a host-aware scheduler, one verdict per URL.

    URLs ──> precheck (scheme, address guard) ──> per-host queues ──> scheduler ──> results
                                                                      │
                                  check_url: hop by hop, HEAD then GET, retries (tenacity)
                                  every request inside HostPool.slot(host)

`Checker` owns one aiohttp `ClientSession` (keep-alive connections, the `GuardedResolver`
with its DNS cache) and checks URLs with at most `concurrency` requests in flight overall
and `per_host` per host. Its scheduler keeps as many URLs at work as there are request
slots, not counting URLs that rest (wait out a retry backoff or a host's pause: they hold
no slot), and only starts a URL when its host has a free slot, so one slow or crowded host
never holds the others up; the `Backlog` picks whose URL starts next so that all hosts run
out of work together (a host drained last would run alone, at `per_host` requests at a
time, and stretch the run). It reads at most `lookahead` URLs ahead of the work in flight,
so memory stays flat however long the input is. Results come out in completion order;
each is a `LinkResult` (status per the contract in design.md).

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
from collections.abc import AsyncIterable, AsyncIterator, Callable, Iterable
from functools import partial
from types import TracebackType
from typing import Self
from urllib.parse import urljoin, urlsplit

import aiohttp
from aiohttp.abc import AbstractResolver

from curatorbot import aio
from curatorbot.catalog.model import Catalog
from curatorbot.check.backlog import Backlog
from curatorbot.check.classify import (
    DEAD_CODES,
    HEAD_REJECTED_CODES,
    NETWORK_KINDS,
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
    network_text,
)
from curatorbot.check.hosts import HostPool
from curatorbot.check.netguard import GuardedResolver, literal_ip_refused
from curatorbot.check.outcome import CheckReport, GuardedProgress, apply_host_guard
from curatorbot.check.retry import with_retries
from curatorbot.check.targets import Target, UrlRules, catalog_targets
from curatorbot.http_headers import parse_retry_after
from curatorbot.metadata.html import extract_title
from curatorbot.results import Hop, LinkResult, Status
from curatorbot.settings import Settings
from curatorbot.urls import host_key

TITLE_CAP = 64 * 1024          # bytes of an HTML page read to find its <title>
SNIFF_CAP = 16 * 1024          # bytes of a refusal read to look for bot-wall signs
DRAIN_LIMIT = 64 * 1024        # unread rest small enough to read, keeping the connection
KEEPALIVE = 10.0
ACCEPT_HEADER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"

Progress = Callable[[LinkResult], None]


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
        self.hosts = HostPool(settings.per_host, settings.min_interval, settings.outage_after,
                              sleep=self._rest)
        self.resolver = GuardedResolver(resolver, allow_private=settings.allow_private)
        # The trust to verify servers with: made on the first https request (loading the
        # system's CA store costs ~20 ms, for nothing in a run without https), and fresh
        # rather than aiohttp's import-time one, so that SSL_CERT_FILE set later counts.
        self._ssl: ssl.SSLContext | bool | None = False if settings.insecure else ssl_context
        self._timeout = aiohttp.ClientTimeout(total=settings.timeout,
                                              sock_connect=settings.connect_timeout,
                                              sock_read=settings.timeout)
        self._session: aiohttp.ClientSession | None = None
        # Requests in flight overall. The scheduler keeps as many URLs at work, not counting
        # those resting (a retry backoff, a host's pause or spacing): they hold no slot.
        self._requests = asyncio.Semaphore(settings.concurrency)
        self._on_rest: Callable[[str, bool], None] = _ignore_rest

    async def __aenter__(self) -> Self:
        connector = aiohttp.TCPConnector(
            limit=0, limit_per_host=0, resolver=self.resolver, use_dns_cache=False,
            ssl=self._ssl is not False, keepalive_timeout=KEEPALIVE)
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
        backlog = Backlog(self.settings.per_host)
        task_host: dict[asyncio.Task[LinkResult], tuple[str, float]] = {}  # host, start
        waking: set[str] = set()
        exhausted = False
        loop = asyncio.get_running_loop()
        limit = self.settings.concurrency
        most = 4 * limit  # URLs started, resting ones included: bounds memory

        def on_rest(host: str, resting: bool) -> None:
            (backlog.rest if resting else backlog.wake)(host)
            if resting:
                events.put_nowait("")  # a slot is free: start another URL

        self._on_rest = on_rest
        try:
            while True:
                while not exhausted and len(backlog) < self.lookahead:
                    try:
                        url = await anext(source)
                    except StopAsyncIteration:
                        exhausted = True
                        break
                    early = self.precheck(url)
                    if isinstance(early, LinkResult):
                        yield early
                        continue
                    backlog.add(early, url)
                while len(task_host) - backlog.resting < limit and len(task_host) < most:
                    host = backlog.pick()
                    if host is None:
                        break
                    wait = self.hosts.ready_at(host) - time.monotonic()
                    if wait > 0:  # paused (a 429): offered again when the pause ends
                        if host not in waking:
                            waking.add(host)
                            loop.call_later(wait, events.put_nowait, host)
                        continue
                    task = asyncio.create_task(self._guarded_check(backlog.start(host)))
                    task_host[task] = (host, time.monotonic())
                    task.add_done_callback(events.put_nowait)
                if not task_host and exhausted and not backlog:
                    return
                event = await events.get()
                if isinstance(event, str):
                    if event:  # a paused host may start again ("": a URL went to rest)
                        waking.discard(event)
                        backlog.resume(event)
                    continue
                host, started = task_host.pop(event)
                backlog.done(host, time.monotonic() - started)
                yield event.result()
        finally:
            self._on_rest = _ignore_rest
            for task in task_host:
                task.cancel()
            if task_host:
                await asyncio.gather(*task_host, return_exceptions=True)

    def precheck(self, url: str) -> LinkResult | str:
        """A verdict reached without the network (not http(s), a refused literal IP), or,
        when the URL is to be checked, its host (`host_key(url)`)."""
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
        return parts.hostname

    async def _guarded_check(self, url: str) -> LinkResult:
        try:
            return await self.check_url(url)
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # one bad link must never lose the run
            return LinkResult(url, Status.ERROR, failure=Kind.PROTOCOL,
                              error=network_text(
                                  f"internal error: {type(exc).__name__}: {exc}"))

    # -- one URL -----------------------------------------------------------------------
    async def check_url(self, url: str) -> LinkResult:
        """Follow `url` hop by hop and classify where it ends (no scheduling, no precheck)."""
        started = time.monotonic()
        hops: list[Hop] = []
        # Each URL asked in this chain -> how many answers had set cookies before it was
        # asked. Asking it again with no new cookie would get the same answer: a loop.
        asked_with: dict[str, int] = {}
        cookies_set = 0
        attempts = 0
        permanent = False
        moved_to: str | None = None
        leading = True
        current = url

        def result(status: Status, *, http_status: int | None = None, error: str | None = None,
                   failure: str | None = None, title: str | None = None) -> LinkResult:
            return LinkResult(
                url=url, status=status, http_status=http_status, final_url=current,
                redirects=tuple(hops), attempts=attempts,
                # Reason phrases, bot-wall headers and Location URLs came from the server.
                error=None if error is None else network_text(error),
                elapsed_ms=round((time.monotonic() - started) * 1000), title=title,
                permanent=permanent, failure=failure, moved_to=moved_to)

        while True:
            host = host_key(current)
            if hops and not self.settings.allow_private:
                reason = literal_ip_refused(host)
                if reason:
                    return result(Status.ERROR, failure=Kind.PRIVATE,
                                  error=f"redirects to a {reason} address (not followed)")
            asked_with[current] = cookies_set
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
                cookies_set += outcome.sets_cookie
                if asked_with.get(target) == cookies_set:
                    return result(Status.ERROR, http_status=code, failure=Kind.LOOP,
                                  error=f"redirect loop: {current} leads back to {target}")
                if code in PERMANENT_CODES or _upgrades_to_https(current, target):
                    permanent = True
                    if leading:
                        moved_to = target
                else:
                    leading = False
                if len(hops) > self.settings.max_redirects:
                    return result(Status.ERROR, http_status=code,
                                  failure=Kind.TOO_MANY_REDIRECTS,
                                  error=f"more than {self.settings.max_redirects} redirects")
                current = target
                continue
            status, error = classify_answer(outcome, self.settings.accept, permanent)
            return result(status, http_status=code, error=error, title=outcome.title,
                          failure=None if error is None else Kind.HTTP)

    async def _ask(self, url: str, host: str) -> tuple[Outcome, int]:
        """Ask for `url` (HEAD, then GET when HEAD is refused, gets a malformed answer or
        says dead), with retries.

        A HEAD refusal whose headers already show a bot wall (`cf-mitigated`, an AWS WAF
        action) is the verdict: a GET would meet the same wall. A HEAD answered 429 or 503
        is asked again with GET at once, in the same attempt: the GET's body may show a
        wall (Amazon's captcha); if it does not, the GET is what gets retried.
        Returns the last outcome and the number of requests made."""
        state = self.hosts.get(host)
        method = "GET" if self.titles or state.head_rejected else "HEAD"
        count = 0
        rest = partial(self._rest, host)

        async def once() -> Outcome:
            nonlocal count, method
            if self.hosts.down(host):
                return Failure(Kind.OUTAGE, f"host outage: {state.last_failure}")
            count += 1
            outcome = await self._request(method, url, host)
            if method == "HEAD" and isinstance(outcome, Answer) and outcome.status in (429, 503) \
                    and outcome.bot_sign is None:
                # Ask with GET now, not after a backoff: its body may show a bot wall (after
                # a 429 the host's pause still applies); a second refusal is retried.
                method = "GET"
                count += 1
                outcome = await self._request(method, url, host)
            return outcome

        outcome = await with_retries(self.settings, once, sleep=rest)
        if method == "HEAD":
            again = self._head_verdict(outcome)
            if again is not None:
                if again == "refused":
                    state.head_rejected = True  # the host's other URLs go straight to GET
                method = "GET"  # some servers only answer GET; a dead verdict is confirmed
                outcome = await with_retries(self.settings, once, sleep=rest)
        return outcome, count

    def _head_verdict(self, outcome: Outcome) -> str | None:
        """Why the outcome of a HEAD must be asked again with GET: "refused" (HEAD itself
        was refused: 400/403/405/501, or the answer was malformed, such as a HEAD answered
        with a body), "confirm" (it says dead: GET confirms), or None (it stands)."""
        if isinstance(outcome, Failure):
            return "refused" if outcome.kind == Kind.PROTOCOL else None
        if outcome.bot_sign is not None or outcome.status in self.settings.accept:
            return None
        if outcome.status in HEAD_REJECTED_CODES:
            return "refused"
        return "confirm" if outcome.status in DEAD_CODES else None

    async def _request(self, method: str, url: str, host: str) -> Outcome:
        """One request, inside the host's slot; never raises for network trouble."""
        async with self.hosts.slot(host), self._requests:
            try:
                async with self.session.request(method, url, allow_redirects=False,
                                                ssl=self._tls(url)) as resp:
                    answer = await self._read(resp, method)
            except (aiohttp.ClientError, OSError, TimeoutError, ValueError) as exc:
                failure = failure_from_exception(exc)
                if failure.kind in NETWORK_KINDS:
                    self.hosts.record_network_failure(host, failure.kind, failure.message)
                elif failure.kind != Kind.PRIVATE:
                    self.hosts.record_answer(host)  # connected: the host is there
                return failure
        self.hosts.record_answer(host)
        if answer.status == 429:
            self.hosts.slow_down(host, answer.retry_after, self.settings.retry_after_cap)
        return answer

    async def _rest(self, host: str, seconds: float) -> None:
        """Sleep without counting as work in progress (the scheduler starts another URL)."""
        self._on_rest(host, True)
        try:
            await asyncio.sleep(seconds)
        finally:
            self._on_rest(host, False)

    def _tls(self, url: str) -> ssl.SSLContext | bool:
        """The TLS setting of a request to `url` (the context is made when first needed)."""
        if self._ssl is None and url[:6].lower() == "https:":
            self._ssl = ssl.create_default_context()
        return True if self._ssl is None else self._ssl

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
            sets_cookie="Set-Cookie" in headers,
        )


def _ignore_rest(_host: str, _resting: bool) -> None:
    pass


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
    checker = Checker(settings, resolver=resolver, ssl_context=ssl_context, titles=titles)
    # Progress sees a verdict only once the host guard can no longer change it.
    shown = GuardedProgress(checker.hosts, progress) if progress is not None else None

    def record(result: LinkResult) -> None:
        results[result.url] = result
        if shown is not None:
            shown(result)

    for url, target in targets.items():
        if target.ignored:
            record(LinkResult(url, Status.EXCLUDED, error="ignore: true in the catalog"))
        else:
            reason = rules.excluded(url)
            if reason:
                record(LinkResult(url, Status.EXCLUDED, error=reason))
    interrupted = False
    async with checker:
        try:
            async for result in checker.check(u for u in targets if u not in results):
                record(result)
        except asyncio.CancelledError:
            interrupted = True
            task = asyncio.current_task()
            if task is not None:
                task.uncancel()  # handled: the report says `interrupted`
    ordered = [results[url] for url in targets if url in results]
    guarded, outages, network_down = apply_host_guard(ordered, checker.hosts)
    if shown is not None:
        shown.release(guarded)
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
