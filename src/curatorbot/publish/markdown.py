"""Markdown that is safe to post: escaping of web-sourced text, tables, the size budget.

Titles, URLs and error messages come from the web; none of them may inject Markdown, HTML,
@mentions or #references into a pull request or issue. Prose (`text`) is flattened to one
line, stripped of control and bidi characters, HTML-escaped, backslash-escaped and has a
zero-width space after `@` and `#` (GitHub links mentions and references on the rendered
text, so backslashes alone would not stop them). URLs and other literal values go in code
spans (`code`), inside which GitHub renders nothing. Both are cut to a length limit.

GitHub rejects bodies over 65,536 characters; `Budget` counts what is written (in UTF-16
code units, as GitHub's limit is measured) so that builders can stop adding rows in time
and summarise the rest.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from curatorbot.printable import one_line as one_line  # publish.github uses it from here

GITHUB_BODY_LIMIT = 65_536
# Room kept free under GitHub's limit for the closing summary and the footer.
BODY_LIMIT = 60_000

TEXT_MAX = 200
CODE_MAX = 300

ZWSP = "\u200b"
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~>=:$^])")
_HTML = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"}
_BACKTICKS = re.compile(r"`+")


def text(value: object, limit: int = TEXT_MAX) -> str:
    """Web-sourced prose, rendered literally: no Markdown, no HTML, no mentions."""
    flat = one_line(value, limit)
    escaped = "".join(_HTML.get(c, c) for c in flat)
    escaped = _MARKDOWN_SPECIAL.sub(r"\\\1", escaped)
    return escaped.replace("@", "@" + ZWSP).replace("\\#", "\\#" + ZWSP)


def code(value: object, limit: int = CODE_MAX) -> str:
    """A literal value (URL, id, status) in a code span that fits in a table cell."""
    flat = one_line(value, limit)
    if not flat:
        return ""
    longest = max((len(run) for run in _BACKTICKS.findall(flat)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if flat.startswith("`") or flat.endswith("`") else ""
    # A pipe would end the table cell even inside a code span; GFM reads `\|` as `|` there.
    return f"{fence}{pad}{flat.replace('|', chr(92) + '|')}{pad}{fence}"


def _row_line(cells: Sequence[str]) -> str:
    """One line of a GFM table."""
    return "| " + " | ".join(cells) + " |"


def table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A GFM table; cells must already be escaped with `text` or `code`."""
    lines = [_row_line(header), "|" + "---|" * len(header)]
    lines.extend(_row_line(row) for row in rows)
    return "\n".join(lines)


def size(value: str) -> int:
    """Length as GitHub counts it: UTF-16 code units (an emoji counts two)."""
    return len(value.encode("utf-16-le")) // 2


class Budget:
    """How many characters a body may still take before the tail must be summarised."""

    def __init__(self, limit: int = BODY_LIMIT) -> None:
        self.left = limit

    def take(self, piece: str) -> bool:
        """Reserve room for `piece` and a newline; False (reserving nothing) if it won't fit."""
        cost = size(piece) + 1
        if cost > self.left:
            return False
        self.left -= cost
        return True


class Section:
    """One table of a body: a heading, a header row and escaped rows, under a summary name."""

    def __init__(self, name: str, heading: str, header: Sequence[str],
                 rows: Sequence[Sequence[str]]) -> None:
        self.name = name
        self.heading = heading
        self.header = header
        self.rows = rows


def build_body(intro: str, sections: Sequence[Section], footer: str, noun: str,
               limit: int = BODY_LIMIT) -> str:
    """Intro, one table per non-empty section, footer; rows that do not fit are summarised.

    Rows are added in order until the budget runs out; every row after that (in this and the
    following sections) is counted per section in one closing line, so the body always ends
    with its footer and stays under `limit`.
    """
    budget = Budget(limit)
    # Reserve the intro, the footer and the longest closing line the summary could take.
    worst_tail = _tail_line(noun, [(s.name, len(s.rows)) for s in sections])
    for piece in (intro, footer, worst_tail):
        budget.left -= size(piece) + 2
    parts = [intro]
    left_out: list[tuple[str, int]] = []
    full = False
    for section in sections:
        if not section.rows:
            continue
        start = f"### {section.heading} ({len(section.rows)})\n\n" + table(section.header, [])
        if full or not budget.take(start + "\n"):
            full = True
            left_out.append((section.name, len(section.rows)))
            continue
        lines = [start]
        shown = 0
        for row in section.rows:
            line = _row_line(row)
            if not budget.take(line):
                full = True
                break
            lines.append(line)
            shown += 1
        parts.append("\n".join(lines))
        if shown < len(section.rows):
            left_out.append((section.name, len(section.rows) - shown))
    if left_out:
        parts.append(_tail_line(noun, left_out))
    parts.append(footer)
    return "\n\n".join(parts) + "\n"


def _tail_line(noun: str, counts: Sequence[tuple[str, int]]) -> str:
    counts = [(name, n) for name, n in counts if n]
    total = sum(n for _, n in counts)
    detail = ", ".join(f"{n} {name}" for name, n in counts)
    return (f"…and **{total} more {noun}** not shown here ({detail}), "
            f"to keep this text under GitHub's size limit.")
