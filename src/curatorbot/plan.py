"""The plan of changes an update makes to the catalog, as a structured list.

`update` produces it, `catalog.edit` applies it, and publishing turns it into a pull-request
body: one `Change` per value changed, with the evidence a reviewer needs.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from dataclasses import field as dc_field
from typing import Any


class ChangeKind(enum.StrEnum):
    """Why a value changes; the pull-request body has one table per kind."""

    REDIRECT = "redirect"          # a permanent redirect: the URL is replaced
    RENAMED = "renamed"            # a GitHub repository renamed or transferred
    ARCHIVED = "archived"          # a repository was archived
    DEAD = "dead"                  # a link confirmed dead (marked, never deleted)
    METADATA = "metadata"          # title, stars, last push... refreshed
    CLEANUP = "cleanup"            # URL hygiene: tracking parameters, redirect wrappers


@dataclass(frozen=True)
class Evidence:
    """Why the bot believes a change: status chain, first failure, strikes."""

    chain: tuple[tuple[str, int], ...] = ()
    first_failure: str | None = None
    strikes: int = 0
    note: str = ""


@dataclass(frozen=True)
class Change:
    """One value of the catalog that changes: where, from what, to what, and why.

    `path` addresses the value in the YAML tree, e.g.
    ("sections", 0, "entries", 2, "links", 0, "url") or (..., "links", 0, "bot", "stars").
    """

    kind: ChangeKind
    entry_id: str
    field: str
    old: Any
    new: Any
    path: tuple[str | int, ...]
    line: int = 0
    url: str = ""
    evidence: Evidence = dc_field(default_factory=Evidence)
