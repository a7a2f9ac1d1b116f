"""The plan of changes an update makes to the catalog, as a structured list.

`update` produces it, `catalog.edit` applies it, and publishing turns it into a pull-request
body: one `Change` per value changed, with the evidence a reviewer needs.

The plan file (`update --plan-out PATH`, read by `pr --plan PATH`) is a JSON list of
`change_to_json` objects: {"kind", "entry_id", "field", "old", "new", "path", "line", "url",
"evidence": {"chain": [[url, http_status], ...], "first_failure", "strikes", "note"}}.
"""

from __future__ import annotations

import enum
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from dataclasses import field as dc_field
from typing import Any


class ChangeKind(enum.StrEnum):
    """Why a value changes; the pull-request body has one table per kind."""

    REDIRECT = "redirect"          # a permanent redirect: the URL is replaced
    RENAMED = "renamed"            # a GitHub repository renamed or transferred
    ARCHIVED = "archived"          # a repository was archived
    ARCHIVED_COPY = "archived_copy"  # a dead link's last good capture in a web archive
    DEAD = "dead"                  # a link confirmed dead (marked, never deleted)
    METADATA = "metadata"          # title, stars, last push... refreshed
    CLEANUP = "cleanup"            # URL hygiene: tracking parameters, redirect wrappers
    HELD = "held"                  # a redirect NOT applied (to a home or login page): review


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

    @property
    def applies(self) -> bool:
        """Whether this change edits the catalog (held redirects are only reported)."""
        return self.kind != ChangeKind.HELD and bool(self.path)


def change_to_json(change: Change) -> dict[str, Any]:
    """One change as a JSON object of the plan file."""
    ev = change.evidence
    return {
        "kind": change.kind.value,
        "entry_id": change.entry_id,
        "field": change.field,
        "old": change.old,
        "new": change.new,
        "path": list(change.path),
        "line": change.line,
        "url": change.url,
        "evidence": {"chain": [[url, status] for url, status in ev.chain],
                     "first_failure": ev.first_failure, "strikes": ev.strikes, "note": ev.note},
    }


def change_from_json(data: Mapping[str, Any]) -> Change:
    """The inverse of `change_to_json`; ValueError/KeyError/TypeError name what is wrong."""
    if not isinstance(data, Mapping):
        raise TypeError("a change must be a JSON object")
    ev = data.get("evidence") or {}
    if not isinstance(ev, Mapping):
        raise TypeError("'evidence' must be a JSON object")
    chain = tuple((str(url), int(status)) for url, status in ev.get("chain") or ())
    return Change(
        kind=ChangeKind(data["kind"]),
        entry_id=str(data["entry_id"]),
        field=str(data["field"]),
        old=data.get("old"),
        new=data.get("new"),
        path=tuple(p if isinstance(p, int) else str(p) for p in data.get("path") or ()),
        line=int(data.get("line") or 0),
        url=str(data.get("url") or ""),
        evidence=Evidence(chain=chain, first_failure=ev.get("first_failure"),
                          strikes=int(ev.get("strikes") or 0), note=str(ev.get("note") or "")),
    )


def dump_plan(changes: Iterable[Change]) -> str:
    """The plan file's text: a JSON list of changes."""
    return json.dumps([change_to_json(c) for c in changes], ensure_ascii=False, indent=1) + "\n"


def load_plan(text: str) -> list[Change]:
    """Changes from a plan file's text; ValueError with the item number when one is bad."""
    return plan_from_data(json.loads(text))


def plan_from_data(data: Any) -> list[Change]:
    """Changes from a parsed plan file; ValueError with the item number when one is bad."""
    if not isinstance(data, list):
        raise ValueError("the plan must be a JSON list of changes")
    changes = []
    for number, item in enumerate(data, 1):
        try:
            changes.append(change_from_json(item))
        except KeyError as exc:
            raise ValueError(f"change {number}: missing key {exc}") from None
        except (TypeError, ValueError) as exc:
            raise ValueError(f"change {number}: {exc}") from None
    return changes
