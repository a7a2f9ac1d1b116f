"""The link-checking pipeline: a bounded stream of URLs, per-host slots, one verdict each.

    URLs ──read ahead──> precheck ──> Backlog (per-host queues) ──start──> Runner.check_url
        (at most `lookahead`        (not http(s),   (whose URL next:            │
         URLs waiting)               refused IP)     claim-based pick)           v
                                                                      results, completion order

`Checker` owns the run's `HttpClient` (or shares the one it is given) and checks URLs with
at most `concurrency` requests in flight overall and `per_host` per host. `check(urls)` is
one async pipeline, read top to bottom in `_Run.results`:

1. read ahead: take URLs from the input until `lookahead` wait in the backlog (memory stays
   flat however long the input is); a URL settled without the network is yielded at once;
2. start: while a request slot is free, the `Backlog` picks whose URL starts next so that
   all hosts run out of work together, and only a host with a free slot; a host paused by a
   429 is offered again when its pause ends;
3. finish: wait until a URL finishes (or a slot frees), yield its result.

A URL that waits out a retry's backoff or its host's turn *rests* (`_Run.rest`): it holds
no slot meanwhile, and another URL starts in its place. Results come out in completion
order; each is a `LinkResult` (status per the contract in design.md).

    async with Checker(settings) as checker:
        async for result in checker.check(urls):   # distinct URLs, any iterable
            ...

`run_check(catalog, settings)` is the whole job for a catalog (collect the distinct URLs,
apply ignore/include/exclude, check, then the host guard of `check.outcome`) and returns a
`CheckReport`; with `fragments` on, the links to one page with different `#fragment`s are
one check of the page plus one anchor search (`check.truth.Truth.missing_anchors`);
`check_targets` is the same as a coroutine. Ctrl-C (cancellation) stops the
run cleanly: the report holds what was checked and says `interrupted`.
"""

from __future__ import annotations

import asyncio
import ssl
import time
from collections import deque
from collections.abc import AsyncIterable, AsyncIterator, Callable, Iterable
from dataclasses import replace
from functools import partial
from types import TracebackType
from typing import Self
from urllib.parse import urldefrag, urlsplit

from curatorbot import aio
from curatorbot.catalog.model import Catalog
from curatorbot.check.backlog import Backlog
from curatorbot.check.classify import network_text
from curatorbot.check.outcome import GuardedProgress, apply_host_guard
from curatorbot.check.runner import Runner
from curatorbot.check.targets import UrlRules, catalog_targets
from curatorbot.check.truth import ProbeCache
from curatorbot.http import Resolver
from curatorbot.http.client import HttpClient
from curatorbot.http.guard import literal_ip_refused
from curatorbot.results import CheckReport, LinkResult, Status, Target
from curatorbot.results import FailureKind as Kind
from curatorbot.settings import Settings

Progress = Callable[[LinkResult], None]


class Checker:
    """Checks URLs politely; use as `async with Checker(settings) as c: c.check(urls)`.

    `client` is the run's HTTP client when it is shared (`update`: the metadata providers
    use it too); else one is made from `resolver` (tests map `*.test` names to loopback)
    and `ssl_context` (the TLS trust; default: the system's). `titles` asks for pages with
    GET and records their <title>. `probes` keeps the soft-404 probes between runs
    (`update`: the run history; see check.truth).
    """

    def __init__(self, settings: Settings, *, client: HttpClient | None = None,
                 resolver: Resolver | None = None, ssl_context: ssl.SSLContext | None = None,
                 titles: bool = False, lookahead: int | None = None,
                 probes: ProbeCache | None = None) -> None:
        self.settings = settings
        self.lookahead = lookahead or max(10_000, 32 * settings.concurrency)
        self.client = client or HttpClient(settings, resolver=resolver, ssl_context=ssl_context)
        self.hosts = self.client.hosts
        self.runner = Runner(settings, self.client, titles, probes)

    async def __aenter__(self) -> Self:
        await self.client.__aenter__()
        return self

    async def __aexit__(self, exc_type: type[BaseException] | None,
                        exc: BaseException | None, tb: TracebackType | None) -> None:
        await self.client.__aexit__(exc_type, exc, tb)

    def check(self, urls: Iterable[str] | AsyncIterable[str]) -> AsyncIterator[LinkResult]:
        """Check distinct `urls`; yield one `LinkResult` each, in completion order."""
        return _Run(self, urls).results()

    async def check_url(self, url: str) -> LinkResult:
        """One URL's verdict, without scheduling or precheck (see `Runner.check_url`)."""
        return await self.runner.check_url(url)

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


class _Run:
    """One call of `Checker.check`: the backlog, the URLs at work, what wakes the pipeline."""

    def __init__(self, checker: Checker, urls: Iterable[str] | AsyncIterable[str]) -> None:
        self.checker = checker
        self.hosts = checker.hosts
        self.source = _aiter(urls)
        self.exhausted = False
        self.backlog = Backlog(checker.settings.per_host)
        self.limit = checker.settings.concurrency
        self.most = 4 * self.limit  # URLs started, resting ones included: bounds memory
        self.at_work: dict[asyncio.Task[LinkResult], tuple[str, float]] = {}  # host, start
        self.finished: deque[asyncio.Task[LinkResult]] = deque()
        self.paused: set[str] = set()  # hosts picked while paused, offered again later
        self.wake = asyncio.Event()    # a URL finished, a slot freed, a pause ended

    async def results(self) -> AsyncIterator[LinkResult]:
        try:
            while True:
                async for settled in self.read_ahead():
                    yield settled
                self.start()
                if self.exhausted and not self.at_work and not self.backlog:
                    return
                await self.wake.wait()
                self.wake.clear()
                while self.finished:
                    yield self.finish(self.finished.popleft())
        finally:
            for task in self.at_work:
                task.cancel()
            if self.at_work:
                await asyncio.gather(*self.at_work, return_exceptions=True)

    async def read_ahead(self) -> AsyncIterator[LinkResult]:
        """Fill the backlog up to `lookahead`; yield the verdicts settled without network."""
        while not self.exhausted and len(self.backlog) < self.checker.lookahead:
            try:
                url = await anext(self.source)
            except StopAsyncIteration:
                self.exhausted = True
                return
            early = self.checker.precheck(url)
            if isinstance(early, LinkResult):
                yield early
            else:
                self.backlog.add(early, url)

    def start(self) -> None:
        """Start URLs while a request slot is free and some host with a free slot has one."""
        now = time.monotonic()
        while len(self.at_work) - self.backlog.resting < self.limit \
                and len(self.at_work) < self.most:
            host = self.backlog.pick()
            if host is None:
                return
            wait = self.hosts.ready_at(host) - now
            if wait > 0:  # paused (a 429): offered again when the pause ends
                if host not in self.paused:
                    self.paused.add(host)
                    asyncio.get_running_loop().call_later(wait, self.resume, host)
                continue
            url = self.backlog.start(host)
            task = asyncio.create_task(self.check(url, host))
            self.at_work[task] = (host, now)
            task.add_done_callback(self.done)

    async def check(self, url: str, host: str) -> LinkResult:
        try:
            return await self.checker.runner.check_url(url, partial(self.rest, host))
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # one bad link must never lose the run
            return _internal_error(LinkResult(url, Status.ERROR), exc)

    async def rest(self, host: str, seconds: float) -> None:
        """A URL of `host` waits without a request: its slot goes to another URL."""
        self.backlog.rest(host)
        self.wake.set()
        try:
            await asyncio.sleep(seconds)
        finally:
            self.backlog.wake(host)

    def resume(self, host: str) -> None:
        """`host`'s pause has ended: offer it again."""
        self.paused.discard(host)
        self.backlog.resume(host)
        self.wake.set()

    def done(self, task: asyncio.Task[LinkResult]) -> None:
        self.finished.append(task)
        self.wake.set()

    def finish(self, task: asyncio.Task[LinkResult]) -> LinkResult:
        host, started = self.at_work.pop(task)
        self.backlog.done(host, time.monotonic() - started)
        return task.result()


async def _aiter(urls: Iterable[str] | AsyncIterable[str]) -> AsyncIterator[str]:
    if isinstance(urls, AsyncIterable):
        async for url in urls:
            yield url
    else:
        for url in urls:
            yield url


async def check_urls(urls: Iterable[str] | AsyncIterable[str], settings: Settings, *,
                     resolver: Resolver | None = None,
                     ssl_context: ssl.SSLContext | None = None,
                     titles: bool = False) -> AsyncIterator[LinkResult]:
    """Check distinct `urls` and yield raw verdicts as they complete (no host guard)."""
    async with Checker(settings, resolver=resolver, ssl_context=ssl_context,
                       titles=titles) as checker:
        async for result in checker.check(urls):
            yield result


async def check_targets(targets: dict[str, Target], settings: Settings, *,
                        client: HttpClient | None = None,
                        resolver: Resolver | None = None,
                        ssl_context: ssl.SSLContext | None = None, titles: bool = False,
                        progress: Progress | None = None, catalog_path: str = "",
                        probes: ProbeCache | None = None) -> CheckReport:
    """Check the distinct URLs of `targets` and return the guarded report."""
    started = time.monotonic()
    rules = UrlRules(settings)
    results: dict[str, LinkResult] = {}
    checker = Checker(settings, client=client, resolver=resolver, ssl_context=ssl_context,
                      titles=titles, probes=probes)
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
    # With --fragments, the links to one page (page#a, page#b, page) are one check of the
    # page and one anchor search for all their fragments; each link gets its own verdict.
    uses: dict[str, list[str]] = {}
    for url in targets:
        if url not in results:
            uses.setdefault(urldefrag(url).url if settings.fragments else url, []).append(url)
    pages: list[LinkResult] = []
    async with checker:
        try:
            async for result in checker.check(uses):
                if settings.fragments:
                    pages.append(result)
                else:
                    record(result)
            for verdict in await _anchor_verdicts(checker, pages, uses):
                record(verdict)
        except asyncio.CancelledError:
            interrupted = True
            task = asyncio.current_task()
            if task is not None:
                task.uncancel()  # handled: the report says `interrupted`
            for page in pages:
                for url in uses[page.url]:
                    if url not in results:
                        record(replace(page, url=url))
    ordered = [results[url] for url in targets if url in results]
    guarded, outages, network_down = apply_host_guard(ordered, checker.hosts)
    if shown is not None:
        shown.release(guarded)
    return CheckReport(results=guarded, targets=targets,
                       duration=time.monotonic() - started, network_down=network_down,
                       outages=outages, interrupted=interrupted, catalog_path=catalog_path,
                       hosts=len(checker.hosts.states()))


async def _anchor_verdicts(checker: Checker, pages: list[LinkResult],
                           uses: dict[str, list[str]]) -> list[LinkResult]:
    """Each link's verdict from its page's: a page found ok whose link names a fragment
    missing from it is `error`, failure `fragment-missing` (one GET per page, all its
    fragments searched at once: check.truth)."""
    async def one(page: LinkResult) -> list[LinkResult]:
        links = uses[page.url]
        missing: dict[str, str] = {}
        if page.status in (Status.OK, Status.REDIRECT):
            fragments = [urldefrag(u).fragment for u in links if urldefrag(u).fragment]
            if fragments:
                try:
                    missing = await checker.runner.truth.missing_anchors(
                        page.final_url or page.url, fragments, asyncio.sleep)
                except asyncio.CancelledError:
                    raise
                except Exception as exc:  # one page's search must never lose the run
                    return [_internal_error(replace(page, url=url), exc)
                            if urldefrag(url).fragment else replace(page, url=url)
                            for url in links]
        out = []
        for url in links:
            fragment = urldefrag(url).fragment
            if fragment in missing:
                out.append(replace(page, url=url, status=Status.ERROR,
                                   failure=Kind.FRAGMENT_MISSING,
                                   error=network_text(missing[fragment])))
            else:
                out.append(replace(page, url=url))
        return out

    done = await asyncio.gather(*(one(page) for page in pages))
    return [verdict for verdicts in done for verdict in verdicts]


def _internal_error(result: LinkResult, exc: Exception) -> LinkResult:
    """`result` as the verdict of a link whose check met a bug (`exc`): `error`, saying so."""
    return replace(result, status=Status.ERROR, failure=Kind.PROTOCOL,
                   error=network_text(f"internal error: {type(exc).__name__}: {exc}"))


def run_check(catalog: Catalog, settings: Settings, *,
              resolver: Resolver | None = None,
              ssl_context: ssl.SSLContext | None = None, titles: bool = False,
              progress: Progress | None = None) -> CheckReport:
    """Check every distinct URL of `catalog` (blocking); Ctrl-C returns a partial report."""
    return aio.run(check_targets(
        catalog_targets(catalog), settings, resolver=resolver, ssl_context=ssl_context,
        titles=titles, progress=progress, catalog_path=catalog.path))
