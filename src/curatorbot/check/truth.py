"""The truth beyond a 2xx: is the page that answered a parking page or a soft 404?

`Truth.verdict(url, chain, answer, rest)` is asked by the runner (`check.runner`) for a
chain that ended in an accepted answer; it returns the `Finding` that makes the link dead
(failure `parked` or `soft-404`, with the evidence a reviewer can follow), or None:

1. parked (check.parked over the chain, the final answer's headers and the body prefix
   the runner read): `dead`, failure `parked`, the matched signature as evidence;
2. soft 404 (check.soft404), for an HTML page that is not a site root, unless switched off
   (`soft404: false`, `--no-soft404`, or its host in `soft404_hosts_off`): the host's probe
   (a random path in the page's directory) is asked **at most once per host and run**,
   concurrent pages of one host wait for the one probe; a probe answered 404/410 (an honest
   host) or not 2xx trusts every page of the host without reading any body. Only when the
   probe answered 2xx, or the page is a site root (where parked domains are linked), is
   the page's body needed: the prefix already read (a GET for the title) or, after a HEAD,
   one GET of `VISIBLE_PREFIX` bytes; that body is also matched against the parking page
   signatures. `judge` says whether the page is the same as the
   probe: `dead`, failure `soft-404`, the similarity as evidence.

`Truth.missing_anchors(page_url, fragments, rest)` is the anchor check (`--fragments`):
one GET of the page for all the fragments the catalog's links point at, its body streamed
through one `check.fragments.FragmentFinder` per fragment and read only until every one
was found (or `ANCHOR_LIMIT` bytes, or the end); it returns the evidence per missing
fragment. Text directives (`#:~:text=`) and `#top` need no element and ask nothing.

`ProbeCache` is where probe answers outlive the run: `update` passes the run history
(`StoredProbes` over the state store's `probes` table, kept a week; a transient answer,
429 or a 5xx, is never kept), `check` none (it keeps no history: one probe per host and run).
Every request goes through the run's `HttpClient`.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import urljoin

from curatorbot.check.classify import TRANSIENT_CODES
from curatorbot.check.fragments import FragmentFinder, targets
from curatorbot.check.parked import parked
from curatorbot.check.soft404 import Sample, is_site_root, judge, probe_url, sample
from curatorbot.check.visible_text import VISIBLE_PREFIX, visible_text
from curatorbot.http.client import HttpClient, Reply
from curatorbot.http.guard import literal_ip_refused
from curatorbot.http.hosts import Sleep
from curatorbot.metadata.html import extract_title
from curatorbot.results import FailureKind as Kind
from curatorbot.settings import Settings
from curatorbot.urls import host_key

_REDIRECTS = frozenset({301, 302, 303, 307, 308})
ANCHOR_LIMIT = 8 * 1024 * 1024  # bytes of a page read at most looking for its anchors


class ProbeCache(Protocol):
    """Probe answers kept between runs, per host."""

    def get(self, host: str) -> Sample | None: ...

    def put(self, host: str, probe: Sample) -> None: ...


class ProbeStore(Protocol):
    """The part of the run history (state.SQLiteStore) that keeps probes as JSON."""

    def get_probe(self, host: str) -> dict[str, Any] | None: ...

    def put_probe(self, host: str, sample: dict[str, Any]) -> None: ...


class StoredProbes:
    """A `ProbeCache` over the run history's JSON probes."""

    def __init__(self, store: ProbeStore) -> None:
        self._store = store

    def get(self, host: str) -> Sample | None:
        data = self._store.get_probe(host)
        if data is None:
            return None
        try:
            return Sample.from_json(data)
        except (KeyError, TypeError, ValueError):
            return None  # an entry of another shape: the host is asked again

    def put(self, host: str, probe: Sample) -> None:
        self._store.put_probe(host, probe.to_json())


@dataclass(frozen=True, slots=True)
class Finding:
    """Why an accepted answer is a dead link: the failure kind and its evidence."""

    failure: Kind
    evidence: str


@dataclass(frozen=True, slots=True)
class Page:
    """The accepted answer a chain ended in, as the runner read it."""

    status: int
    headers: Mapping[str, str]
    body: bytes  # the prefix read (empty after a HEAD)
    title: str | None = None


def soft404_on(settings: Settings, url: str) -> bool:
    """Whether `url`'s host is judged for soft 404s under `settings`."""
    if not settings.soft404:
        return False
    host = host_key(url)
    return not any(host == off or host.endswith("." + off)
                   for off in (h.lower().rstrip(".") for h in settings.soft404_hosts_off))


class Truth:
    """One run's parking and soft-404 judge; holds the run's probe per host."""

    def __init__(self, settings: Settings, client: HttpClient,
                 cache: ProbeCache | None = None) -> None:
        self.settings = settings
        self.client = client
        self.cache = cache
        self._probes: dict[str, asyncio.Task[Sample | None]] = {}
        self.probes_sent: Counter[str] = Counter()  # host -> probes asked this run

    async def verdict(self, url: str, chain: Sequence[str], page: Page,
                      rest: Sleep) -> Finding | None:
        """The finding that makes the chain `chain` (the link `url` first, the URL that
        answered last) dead, or None when the page is what it seems."""
        final = chain[-1]
        match = parked(final, chain, page.headers, page.body)
        if match is not None:
            return Finding(Kind.PARKED, match.evidence)
        content_type = page.headers.get("Content-Type", "")
        if "html" not in content_type.lower():
            return None
        root = is_site_root(url)
        probe = None if root or not soft404_on(self.settings, url) \
            else await self._probe(url, rest)
        suspect = probe is not None and 200 <= probe.status < 300
        if not (suspect or root):
            return None  # an honest host, or one whose probe says nothing: trusted
        body, title, headers = page.body, page.title, page.headers
        if not body:  # asked with HEAD: the body is needed now, once
            reply = await self.client.request("GET", final, read=VISIBLE_PREFIX, rest=rest)
            if not isinstance(reply, Reply) or not 200 <= reply.status < 300:
                return None
            body, headers = reply.body, reply.headers
            content_type = headers.get("Content-Type", content_type)
            match = parked(final, chain, headers, body)
            if match is not None:
                return Finding(Kind.PARKED, match.evidence)
        if probe is None or not suspect:
            return None
        if title is None:
            title = extract_title(body, content_type)
        mine = sample(url, final, page.status, title, visible_text(body, content_type))
        found = judge(mine, probe)
        return Finding(Kind.SOFT_404, found.evidence) if found.soft404 else None

    async def missing_anchors(self, page_url: str, fragments: Iterable[str],
                              rest: Sleep) -> dict[str, str]:
        """The fragments (without '#') that name no element of the HTML page `page_url`,
        each with its evidence; {} when all are there or the page is not HTML."""
        wanted = sorted({f for f in fragments if targets(f)})
        if not wanted:
            return {}
        sink = _Anchors(wanted)
        reply = await self.client.request("GET", page_url, read=0, sink=sink, rest=rest)
        if not isinstance(reply, Reply) or not sink.html:
            return {}
        where = "the page" if sink.read < sink.limit else f"the first {sink.read} bytes"
        return {f: f"no element with id or name {f!r} in {where}" for f in sink.missing()}

    async def _probe(self, url: str, rest: Sleep) -> Sample | None:
        """The host's answer for a path that cannot exist: cached, or asked once."""
        host = host_key(url)
        task = self._probes.get(host)
        if task is None:
            task = asyncio.ensure_future(self._ask_probe(host, url, rest))
            self._probes[host] = task
        return await asyncio.shield(task)

    async def _ask_probe(self, host: str, url: str, rest: Sleep) -> Sample | None:
        if self.cache is not None:
            kept = self.cache.get(host)
            if kept is not None:
                return kept
        target = probe_url(url)
        if target is None:
            return None
        self.probes_sent[host] += 1
        current = target
        for _ in range(self.settings.max_redirects + 1):
            reply = await self.client.request("GET", current, read=VISIBLE_PREFIX, rest=rest)
            if not isinstance(reply, Reply):
                return None  # no answer: nothing learnt, pages trusted
            location = reply.headers.get("Location")
            if reply.status in _REDIRECTS and location:
                current = urljoin(current, location.strip())
                if not self.settings.allow_private and literal_ip_refused(host_key(current)):
                    return None
                continue
            content_type = reply.headers.get("Content-Type")
            probe = sample(target, current, reply.status,
                           extract_title(reply.body, content_type),
                           visible_text(reply.body, content_type))
            if self.cache is not None and reply.status not in TRANSIENT_CODES:
                # A passing state (429, a 5xx outage) is this run's answer only: kept, it
                # would leave the host's soft 404s unjudged for a week.
                self.cache.put(host, probe)
            return probe
        return None


class _Anchors:
    """A `http.client.BodySink` searching an HTML body for several fragments at once."""

    def __init__(self, fragments: Sequence[str]) -> None:
        self.fragments = fragments
        self.finders: dict[str, FragmentFinder] = {}
        self.limit = ANCHOR_LIMIT
        self.html = False
        self.read = 0

    def start(self, status: int, headers: Mapping[str, str]) -> bool:
        content_type = headers.get("Content-Type", "")
        self.html = 200 <= status < 300 and "html" in content_type.lower()
        self.finders = {f: FragmentFinder(f, content_type) for f in self.fragments}
        return self.html

    def feed(self, chunk: bytes) -> bool:
        self.read += len(chunk)
        return all([finder.feed(chunk) for finder in self.finders.values()])

    def missing(self) -> list[str]:
        return [f for f, finder in self.finders.items() if not finder.close()]
