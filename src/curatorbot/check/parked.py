"""Parked domains: is this answer a parking or domain-sale page, and by which signature?

The signatures are data (`curatorbot/data/parking.json`, each service with its sources):
name servers, hosts a parked domain redirects to or loads its lander from, and page
signatures. `parked(final_url, chain, headers, body, nameservers)` is pure and returns the
first `Match` (service, kind, signature, what matched), or None:

    nameserver   one of the domain's NS names (when the caller has them) matches a glob
    redirect     a hop of the chain after the link's own URL, the final URL, a `Refresh`
                 header or a `<meta http-equiv=refresh>` target is on a service host
                 (`host` matches itself and its subdomains; `host/path` also needs that
                 path prefix; `*` globs within a name)
    page         a page regex matches the first `PAGE_PREFIX` bytes of the body

A link whose own host is a service's host (a link to sedo.com or www.godaddy.com itself, any
path) never matches by redirect: only a move *into* a parking service counts. Order of
checks: redirect, nameserver, page (the strongest evidence first).
"""

from __future__ import annotations

import fnmatch
import functools
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from urllib.parse import urljoin, urlsplit

PAGE_PREFIX = 64 * 1024

_META_REFRESH = re.compile(
    rb"""<meta[^>]+http-equiv\s*=\s*["']?refresh["']?[^>]*content\s*=\s*["']?\s*\d*\s*;?\s*"""
    rb"""url\s*=\s*['"]?([^"'>\s]+)""", re.IGNORECASE)
_REFRESH_URL = re.compile(r"url\s*=\s*['\"]?([^'\"\s]+)", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Service:
    """One parking or domain-sale service as parking.json describes it."""

    name: str
    sources: tuple[str, ...]
    nameservers: tuple[str, ...]
    hosts: tuple[str, ...]
    pages: tuple[re.Pattern[bytes], ...]


@dataclass(frozen=True, slots=True)
class Match:
    """The evidence that a page is parked."""

    service: str
    kind: str        # "redirect", "nameserver" or "page"
    signature: str   # the pattern from parking.json
    matched: str     # the URL, name server or text it matched

    @property
    def evidence(self) -> str:
        return f"{self.service} {self.kind} signature {self.signature!r} matched {self.matched!r}"


@functools.cache
def services() -> tuple[Service, ...]:
    """The services of the packaged parking.json (read once)."""
    text = resources.files("curatorbot").joinpath("data/parking.json").read_text("utf-8")
    return tuple(
        Service(name=item["name"], sources=tuple(item["source"]),
                nameservers=tuple(ns.lower().rstrip(".") for ns in item["nameservers"]),
                hosts=tuple(h.lower() for h in item["hosts"]),
                pages=tuple(re.compile(p.encode(), re.IGNORECASE) for p in item["page"]))
        for item in json.loads(text)["services"])


def parked(final_url: str, chain: Sequence[str] = (), headers: Mapping[str, str] | None = None,
           body: bytes = b"", nameservers: Sequence[str] = ()) -> Match | None:
    """The parking signature this answer matches, or None.

    `chain` is the URLs asked in order (the link's own URL first); `final_url` the URL that
    answered; `headers` that answer's headers; `body` its first bytes."""
    link = chain[0] if chain else final_url
    if service_of(link, any_path=True) is None:
        for url in _targets(link, final_url, chain, headers or {}, body):
            found = service_of(url)
            if found is not None:
                return Match(found[0].name, "redirect", found[1], url)
    for ns in nameservers:
        name = ns.lower().rstrip(".")
        for service in services():
            for pattern in service.nameservers:
                if fnmatch.fnmatchcase(name, pattern):
                    return Match(service.name, "nameserver", pattern, name)
    prefix = body[:PAGE_PREFIX]
    for service in services():
        for regex in service.pages:
            hit = regex.search(prefix)
            if hit:
                return Match(service.name, "page", regex.pattern.decode(),
                             hit.group(0).decode("latin-1"))
    return None


def service_of(url: str, any_path: bool = False) -> tuple[Service, str] | None:
    """The service whose host signature `url` is on, with that signature; None if none.

    With `any_path`, a signature's path prefix is not required (the host alone counts)."""
    parts = urlsplit(url)
    host = (parts.hostname or "").rstrip(".")
    for service in services():
        for pattern in service.hosts:
            host_glob, _, path = pattern.partition("/")
            on_host = (fnmatch.fnmatchcase(host, host_glob)
                       or ("*" not in host_glob and host.endswith("." + host_glob)))
            if on_host and (any_path or (parts.path or "/").lower().startswith("/" + path)):
                return service, pattern
    return None


def _targets(link: str, final_url: str, chain: Sequence[str], headers: Mapping[str, str],
             body: bytes) -> list[str]:
    """Where this answer leads: later hops, the final URL, Refresh header, meta refresh."""
    found = [*chain[1:], final_url]
    refresh = next((v for k, v in headers.items() if k.lower() == "refresh"), None)
    if refresh:
        match = _REFRESH_URL.search(refresh)
        if match:
            found.append(urljoin(final_url, match.group(1)))
    meta = _META_REFRESH.search(body[:PAGE_PREFIX])
    if meta:
        found.append(urljoin(final_url, meta.group(1).decode("latin-1")))
    return [url for url in found if url != link]
