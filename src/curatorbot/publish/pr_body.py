"""The pull request's title and body, built from the plan of changes.

A summary line, then one table per kind of change (redirects applied, repositories renamed,
archived, confirmed dead, archived copies of dead links, metadata, URL clean-ups), each row
with the entry, old -> new and the evidence (status chain, first failure, strikes; an
archived copy's capture date), then a footer telling how to make the bot leave a link
alone. Everything is deterministic: the same plan gives the same text, so a rerun with
nothing new writes nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from curatorbot.plan import Change, ChangeKind, Evidence
from curatorbot.publish.markdown import BODY_LIMIT, Section, build_body, code, text

PR_MARKER = "<!-- curatorbot:pull-request -->"

# Table order, heading, and the word used in the summary line (singular, plural).
KINDS: tuple[tuple[ChangeKind, str, str, str], ...] = (
    (ChangeKind.REDIRECT, "Redirects applied", "redirect", "redirects"),
    (ChangeKind.RENAMED, "Repositories renamed", "renamed repository", "renamed repositories"),
    (ChangeKind.ARCHIVED, "Repositories archived", "archived repository",
     "archived repositories"),
    (ChangeKind.DEAD, "Confirmed dead", "dead link", "dead links"),
    (ChangeKind.ARCHIVED_COPY, "Archived copies of dead links", "archived copy",
     "archived copies"),
    (ChangeKind.METADATA, "Metadata refreshed", "metadata update", "metadata updates"),
    (ChangeKind.CLEANUP, "URLs cleaned up", "URL clean-up", "URL clean-ups"),
    (ChangeKind.HELD, "Redirects not applied (to a home or login page: please review)",
     "redirect held for review", "redirects held for review"),
)

HEADER = ("Entry", "Field", "Old", "New", "Evidence")

IGNORE_HINT = (
    "**To make curatorbot leave a link alone**, set `ignore: true` on that link in the "
    "catalog (it is then never checked, changed or reported):\n\n"
    "```yaml\nlinks:\n  - url: https://example.org/page\n    ignore: true\n```"
)


def counted(n: int, singular: str, plural: str) -> str:
    """`1 redirect`, `3 redirects`."""
    return f"{n} {singular if n == 1 else plural}"


def _counts(changes: Sequence[Change]) -> list[str]:
    return [counted(n, one, many) for kind, _, one, many in KINDS
            if (n := sum(1 for c in changes if c.kind == kind))]


def pr_title(changes: Sequence[Change], readme: str = "") -> str:
    """`curatorbot: catalog update (2 redirects, 1 dead link)`; with no change but a README
    to render, `curatorbot: README.md rendered from the catalog`."""
    counts = _counts(changes)
    if readme and not counts:
        return f"curatorbot: {readme} rendered from the catalog"
    return "curatorbot: catalog update" + (f" ({', '.join(counts)})" if counts else "")


def _value(value: Any) -> str:
    if value is None or value == "":
        return "—"
    return code(value)


def _evidence(ev: Evidence) -> str:
    parts = []
    if ev.chain:
        parts.append(" → ".join(code(status) for _, status in ev.chain))
    if ev.first_failure:
        parts.append("failing since " + code(ev.first_failure))
    if ev.strikes:
        parts.append(counted(ev.strikes, "strike", "strikes"))
    if ev.note:
        parts.append(text(ev.note))
    return "; ".join(parts) or "—"


def _row(change: Change) -> list[str]:
    entry = code(change.entry_id) + (f" (line {change.line})" if change.line else "")
    return [entry, code(change.field), _value(change.old), _value(change.new),
            _evidence(change.evidence)]


def pr_body(changes: Sequence[Change], catalog_name: str, limit: int = BODY_LIMIT, *,
            readme: str = "") -> str:
    """The body of the update pull request for `changes` to `catalog_name`; `readme` names
    the README rendered from the catalog in the same commit, if there is one."""
    counts = _counts(changes)
    total = counted(len(changes), "change", "changes")
    intro = (f"{PR_MARKER}\ncuratorbot proposes **{total}** to {code(catalog_name)}"
             + (f": {', '.join(counts)}." if counts else "."))
    if readme and not changes:
        intro = (f"{PR_MARKER}\n{code(readme)} no longer shows what {code(catalog_name)} "
                 "holds: curatorbot renders it from the catalog (between its "
                 "`curatorbot:begin` and `curatorbot:end` markers).")
    elif readme:
        intro += (f" {code(readme)} is rendered from the updated catalog in the same commit "
                  "(between its `curatorbot:begin` and `curatorbot:end` markers), so the "
                  "page stays in step with the data.")
    sections = [Section(many, heading, HEADER, [_row(c) for c in changes if c.kind == kind])
                for kind, heading, _, many in KINDS]
    footer = (f"---\n{IGNORE_HINT}\n\nThis pull request is rebuilt from the default branch "
              "on every run. If you push a commit to its branch, curatorbot stops updating it "
              "and says so in a comment.")
    return build_body(intro, sections, footer, "changes", limit)
