"""What to check: the catalog's distinct URLs, where each is used, and the URL rules.

URLs are deduplicated by exact string. A URL is checked when at least one of its uses is
not `ignore: true`. `--include` / `--exclude` are regular expressions searched in the URL:
when any `include` is given only matching URLs are checked, and a URL matching an include
is checked even when an exclude matches it too (includes win, as in lychee).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import urlsplit

from curatorbot.catalog.model import Catalog, Link
from curatorbot.results import Place, Target
from curatorbot.settings import Settings
from curatorbot.urls import is_web_url, noncanonical_ip

__all__ = ["Place", "Target", "UrlRules", "add_link", "catalog_targets", "collect"]


class UrlRules:
    """The --include/--exclude rules, the scheme check and the refusal of IP addresses
    written in a non-canonical form (`urls.noncanonical_ip`, even with --allow-private:
    what such a host means depends on who reads it), compiled once."""

    def __init__(self, settings: Settings) -> None:
        self.include = [re.compile(p) for p in settings.include]
        # One reason string per pattern, shared by every URL it excludes.
        self._reasons = {p: f"excluded by pattern {p!r}" for p in settings.exclude}
        self.exclude = [re.compile(p) for p in settings.exclude]

    def excluded(self, url: str) -> str | None:
        """Why `url` is not checked, or None when it is."""
        if not is_web_url(url):
            return "not an http(s) URL"
        canonical = noncanonical_ip(urlsplit(url).hostname or "")
        if canonical is not None:
            return f"non-canonical IP address; write it as {canonical}"
        if self.include:
            if any(p.search(url) for p in self.include):
                return None
            return "matches no --include pattern"
        for pattern in self.exclude:
            if pattern.search(url):
                return self._reasons[pattern.pattern]
        return None


def collect(links: Iterable[Link]) -> dict[str, Target]:
    """Distinct URLs in first-use order, with all their places."""
    targets: dict[str, Target] = {}
    for link in links:
        add_link(targets, link)
    return targets


def add_link(targets: dict[str, Target], link: Link) -> None:
    """Count one more use of `link.url` in `targets` (first use first)."""
    if not link.url:
        return
    target = targets.get(link.url)
    if target is None:
        target = targets[link.url] = Target(link.url)
    target.places.append(Place(link.entry_id, link.line))
    if not link.ignore:
        target.ignored = False


def catalog_targets(catalog: Catalog) -> dict[str, Target]:
    """`collect` over every link of `catalog`."""
    return collect(catalog.links())
