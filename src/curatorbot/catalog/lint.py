"""Offline checks of a valid catalog: links that are not http(s), duplicate URLs, tracking
parameters, redirect wrappers, IP addresses written in a non-canonical form.

`lint_catalog` returns `Finding`s in file order; findings that carry a `fix` can be applied
with `fix_edits`, which turns them into minimal-diff edits of the link's `url:` value (in a
Markdown catalog, of the URL's characters; a URL written there other than literally has
none, so its finding carries no fix).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from curatorbot.catalog.edit import Edit
from curatorbot.catalog.model import Catalog, Link
from curatorbot.urls import (
    clean_url,
    dedupe_key,
    host_key,
    is_web_url,
    noncanonical_ip,
    strip_tracking,
    tracking_params,
    unwrap,
)


@dataclass(frozen=True)
class Finding:
    """One lint problem at one link."""

    code: str
    line: int
    entry: str
    url: str
    message: str
    hint: str = ""
    fix: str | None = None
    path: tuple[str | int, ...] = ()

    def to_json(self) -> dict[str, object]:
        return {"code": self.code, "line": self.line, "entry": self.entry, "url": self.url,
                "message": self.message, "hint": self.hint, "fix": self.fix}


def lint_catalog(catalog: Catalog) -> list[Finding]:
    """Every hygiene and duplicate problem of `catalog`, in file order."""
    findings = list(_hygiene(catalog)) + list(_duplicates(catalog))
    return sorted(findings, key=lambda f: (f.line, f.code))


def _hygiene(catalog: Catalog) -> Iterator[Finding]:
    for link, path in catalog.link_paths():
        url_path = path if catalog.markdown else (*path, "url")  # Markdown: its span
        # A Markdown URL not written literally (entity, escape, reference) has no span:
        # there is no place to write a fix, so none is offered.
        fix_hint = "(--fix does)" if url_path else \
            "by hand (the URL is not written literally, so --fix cannot edit it)"
        if not is_web_url(link.url):
            yield Finding(
                "not-http", link.line, link.entry_id, link.url,
                f"{_short(link.url)} is not an http(s) URL",
                "link a web page (http:// or https://) or remove it; check reports it excluded")
            continue
        canonical = noncanonical_ip(host_key(link.url))
        if canonical is not None:
            yield Finding(
                "non-canonical-ip", link.line, link.entry_id, link.url,
                f"{_short(link.url)}: non-canonical IP address",
                f"write it as {canonical}")
        inner = unwrap(link.url)
        if inner is not None:
            yield Finding(
                "redirect-wrapper", link.line, link.entry_id, link.url,
                f"{_short(link.url)} is a redirect wrapper around {_short(inner)}",
                f"link the target directly {fix_hint}",
                clean_url(link.url) if url_path else None, url_path)
            continue
        names = tracking_params(link.url)
        if names:
            yield Finding(
                "tracking-params", link.line, link.entry_id, link.url,
                f"{_short(link.url)} carries tracking parameters ({', '.join(names)})",
                f"drop them {fix_hint}", strip_tracking(link.url) if url_path else None,
                url_path)


def _duplicates(catalog: Catalog) -> Iterator[Finding]:
    first: dict[str, Link] = {}
    for link in catalog.links():
        if link.ignore:
            continue
        key = dedupe_key(link.url)
        seen = first.get(key)
        if seen is None:
            first[key] = link
            continue
        same = "the same URL" if seen.url == link.url else f"the same resource as {seen.url}"
        yield Finding(
            "duplicate-url", link.line, link.entry_id, link.url,
            f"{_short(link.url)} is {same} (line {seen.line}, entry '{seen.entry_id}')",
            "keep one of them, or mark the second with 'ignore: true'")


def fix_edits(findings: list[Finding]) -> list[Edit]:
    """The edits that apply every fixable finding."""
    return [Edit(f.path, f.fix) for f in findings if f.fix is not None]


def _short(url: str, limit: int = 90) -> str:
    return url if len(url) <= limit else url[: limit - 1] + "…"
