"""The catalog as a Markdown page: `render_markdown(catalog) -> str`.

The page holds the catalog's title, a credit line from its `source`, an optional table of
contents, then every section in file order (## for top-level sections, ### for nested ones,
down to ######), each entry as a list item (bold title, authors/provider, kind, tags, summary)
with its links as a nested list.

Everything that comes from the catalog is text, not Markdown: `escape_text` backslash-escapes
the characters that would start emphasis, links, HTML, tables or block structure, and
`escape_url` percent-encodes what would end a link destination early. The same catalog gives
the same bytes every time (LF line endings, exactly one final newline).

Health and metadata enter through one seam, `link_badges(link)`: it reads the link's
bot-maintained `bot:` mapping (title, stars, pushed, archived, dead_since) and
returns short badges shown after the link (`★ 1.2k · pushed 2025-03 · archived`). A page
title found by the bot becomes the link's Markdown title (shown on hover).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any
from urllib.parse import urlsplit

from curatorbot.catalog.model import Catalog, Entry, Link, Section

BadgeFn = Callable[[Link], Sequence[str]]

# ASCII punctuation that can change the meaning of inline Markdown (CommonMark lets any ASCII
# punctuation be backslash-escaped, so escaping one that needed none is harmless).
_INLINE_SPECIAL = re.compile(r"([\\`*_\[\]<>|&~!#])")
# What a line may not start with unless escaped: headings, quotes, list bullets, setext
# underlines, ordered-list numbers ("1." / "1)").
_LINE_START = re.compile(r"^(\s*)([-+=>]|\d+(?=[.)]))")
_URL_UNSAFE = {" ": "%20", "(": "%28", ")": "%29", "<": "%3C", ">": "%3E", "\\": "%5C",
               '"': "%22", "`": "%60"}


def escape_text(text: str) -> str:
    """Catalog text as literal Markdown text: inline specials escaped, one line."""
    one_line = " ".join(text.split())
    escaped = _INLINE_SPECIAL.sub(r"\\\1", one_line)
    match = _LINE_START.match(escaped)
    if match:
        head = match.group(2)
        if head.isdigit():  # "1." -> "1\." so it cannot open an ordered list
            end = match.end()
            return f"{escaped[:end]}\\{escaped[end:]}"
        return f"{match.group(1)}\\{escaped[match.start(2):]}"
    return escaped


def escape_url(url: str) -> str:
    """A URL usable as a Markdown link destination (no space, parenthesis or angle bracket)."""
    out = []
    for char in url.strip():
        if char in _URL_UNSAFE:
            out.append(_URL_UNSAFE[char])
        elif char.isspace() or unicodedata.category(char) == "Cc":
            out.append("".join(f"%{b:02X}" for b in char.encode("utf-8")))
        else:
            out.append(char)
    return "".join(out)


def default_label(url: str) -> str:
    """The label of a link that has none: its host, without a leading 'www.'."""
    try:
        host = urlsplit(url).hostname or url
    except ValueError:
        host = url
    return host.removeprefix("www.")


def format_count(value: int) -> str:
    """Compact counts: 950, 1.2k, 12k, 3.4M."""
    if value < 1000:
        return str(value)
    for divisor, suffix in ((1_000_000, "M"), (1000, "k")):
        if value >= divisor:
            scaled = value / divisor
            text = f"{scaled:.1f}" if scaled < 10 else f"{scaled:.0f}"
            return text.removesuffix(".0") + suffix
    return str(value)  # pragma: no cover - unreachable


def link_badges(link: Link) -> list[str]:
    """Health and metadata badges from the link's `bot:` mapping, in a fixed order."""
    bot: Mapping[str, Any] = link.bot
    badges: list[str] = []
    stars = bot.get("stars")
    if isinstance(stars, int) and not isinstance(stars, bool):
        badges.append(f"★ {format_count(stars)}")
    pushed = bot.get("pushed")
    if isinstance(pushed, str) and pushed:
        badges.append(f"pushed {pushed[:7]}")
    if bot.get("archived") is True:
        badges.append("archived")
    since = bot.get("dead_since")
    if isinstance(since, str) and since:
        badges.append(f"dead since {since[:10]}")
    return badges


class _Anchors:
    """GitHub-style heading anchors, made unique in page order (`x`, `x-1`, `x-2`)."""

    def __init__(self) -> None:
        self.seen: dict[str, int] = {}

    def add(self, title: str) -> str:
        base = re.sub(r"[^\w\- ]", "", title.strip().lower()).replace(" ", "-")
        count = self.seen.get(base, 0)
        self.seen[base] = count + 1
        return base if count == 0 else f"{base}-{count}"


def render_markdown(catalog: Catalog, *, toc: bool = True,
                    badges: BadgeFn = link_badges) -> str:
    """The whole page. `badges` is the seam for health/metadata shown after each link."""
    anchors = _Anchors()
    title = catalog.title or "Catalog"
    anchors.add(title)
    blocks: list[str] = [f"# {escape_text(title)}"]
    if catalog.description:
        blocks.append(escape_text(catalog.description))
    credit = _credit(catalog)
    if credit:
        blocks.append(credit)
    sections = list(catalog.walk_sections())
    if toc and sections:
        anchors.add("Contents")
        section_anchors = [anchors.add(section.title) for section in sections]
        lines = [f"{'  ' * (_level(section) - 2)}- [{escape_text(section.title)}](#{anchor})"
                 for section, anchor in zip(sections, section_anchors, strict=True)]
        blocks.append("## Contents")
        blocks.append("\n".join(lines))
    for section in sections:
        blocks.extend(_section(section, badges))
    return "\n\n".join(blocks) + "\n"


def _credit(catalog: Catalog) -> str:
    source = catalog.source
    if not (source.title or source.author or source.url or source.license):
        return ""
    name = escape_text(source.title) if source.title else "its source"
    if source.url:
        name = f"[{name if source.title else escape_text(default_label(source.url))}]" \
               f"({escape_url(source.url)})"
    parts = [f"Based on {name}"]
    if source.author:
        parts.append(f" by {escape_text(source.author)}")
    if source.license:
        parts.append(f", licensed {escape_text(source.license)}")
    text = "".join(parts) + "."
    if source.note:
        text += f" {escape_text(source.note)}"
    return f"*{text}*"


def _level(section: Section) -> int:
    """The heading level of a section (h2 for the top ones); Markdown has six levels, so
    deeper sections are h6, and the table of contents nests no deeper than the headings
    (which also keeps the page linear in size however deep the catalog nests)."""
    return min(section.depth + 1, 6)


def _section(section: Section, badges: BadgeFn) -> Iterable[str]:
    yield f"{'#' * _level(section)} {escape_text(section.title)}"
    if section.description:
        yield escape_text(section.description)
    if section.entries:
        yield "\n".join(_entry(entry, badges) for entry in section.entries)


def _entry(entry: Entry, badges: BadgeFn) -> str:
    head = f"**{escape_text(entry.title)}**"
    who = [escape_text(", ".join(entry.authors))] if entry.authors else []
    if entry.provider:
        who.append(escape_text(entry.provider))
    if who:
        head += " — " + " · ".join(who)
    facts = [f"*{escape_text(entry.kind)}*"] if entry.kind else []
    if entry.year is not None:
        facts.append(str(entry.year))
    if entry.tags:
        facts.append("tags: " + ", ".join(escape_text(tag) for tag in entry.tags))
    lines = [head]
    if facts:
        lines.append(" · ".join(facts))
    if entry.summary:
        lines.append(escape_text(entry.summary))
    text = "- " + "\\\n  ".join(lines)
    link_lines = [f"  - {_link(link, badges)}" for link in entry.links]
    return "\n".join([text, *link_lines])


def _link(link: Link, badges: BadgeFn) -> str:
    label = escape_text(link.label or default_label(link.url))
    destination = escape_url(link.url)
    page_title = link.bot.get("title")
    if isinstance(page_title, str) and page_title.strip():
        quoted = " ".join(page_title.split()).replace("\\", "\\\\").replace('"', '\\"')
        destination += f' "{quoted}"'
    text = f"[{label}]({destination})"
    shown = [escape_text(badge) for badge in badges(link)]
    if shown:
        text += " — " + " · ".join(shown)
    return text
