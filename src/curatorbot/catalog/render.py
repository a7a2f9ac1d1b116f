"""The catalog as a Markdown page: `render_markdown(catalog) -> str`.

The page holds the catalog's title, its description, a credit line from its `source`, an
optional table of contents, then every section in file order (## for top-level sections,
### for nested ones, down to ######). Two styles of entry:

- `list` (the default), the common awesome-list line that `import` reads back unchanged:
  `- [Title](url) | [label](url2) - Summary `tag` `tag``: the first link carries the title,
  extra links follow on the same line, then the summary and the tags as code spans.
  `import(render(c))` gives back `c`'s sections, entries, titles, summaries, tags and URLs,
  and `render(import(render(c)))` is byte-identical to `render(c)`.
- `cards`: a bold title, authors/provider, kind, tags and summary, links as a nested list
  with badges (stars, last push, archived, dead since).

Titles, labels, headings, descriptions and tags are text, not Markdown: they are written as
they are when Markdown reads them back as the same plain text, else `escape_text`
backslash-escapes what would start emphasis, links, HTML, tables or block structure. A
summary is inline Markdown (as `import` keeps it from the list): the list style writes it as
it is, on one line; the cards style escapes it as text. URLs are never re-encoded: written
as they are, in `<...>` when they hold what would end a destination early, the `&` of what
would read as an entity (`&amp;`) backslash-escaped, and percent-encoded (`escape_url`)
only when neither form can hold them. The same catalog gives
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

from markdown_it import MarkdownIt

from curatorbot.catalog.model import Catalog, Entry, Link, Section, Source

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


_LINK_SAFE = re.compile(r"[\\`*_\[\]<>&~!|#]")
_ENTITY = re.compile(r"&(?:#\d+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);")
_CHECK = MarkdownIt("commonmark").enable(["table", "strikethrough"])


def _reads_as(line: str, text: str, block: str) -> bool:
    """Whether Markdown reads `line` as one `block` whose inline text is exactly `text`."""
    tokens = _CHECK.parse(line)
    if len(tokens) != 3 or tokens[0].type != block:
        return False
    children = tokens[1].children or []
    return all(t.type == "text" for t in children) and \
        "".join(t.content for t in children) == text


def text_md(text: str, block: str = "paragraph_open", wrap: str = "{}") -> str:
    """`text` as Markdown that reads back as the same text: as it is when it needs no
    escape (checked by parsing `wrap` around it as a `block`), else `escape_text`."""
    one_line = " ".join(text.split())
    if (not _LINK_SAFE.search(one_line) and not _LINE_START.match(one_line)) or \
            _reads_as(wrap.format(one_line), one_line, block):
        return one_line
    return escape_text(one_line)


def link_text(text: str) -> str:
    """A link's text: as it is when it reads back the same inside `[...]` (backticks,
    angle brackets and backslashes, which could pair with what follows, always escaped)."""
    one_line = " ".join(text.split())
    if not _LINK_SAFE.search(one_line):
        return one_line
    if any(c in one_line for c in "`<\\"):  # code spans and HTML outrank links: escape
        return _INLINE_SPECIAL.sub(r"\\\1", one_line)
    tokens = _CHECK.parse(f"[{one_line}](x)")
    if len(tokens) == 3:
        children = tokens[1].children or []
        if len(children) >= 2 and children[0].type == "link_open" and \
                children[-1].type == "link_close" and \
                all(t.type == "text" for t in children[1:-1]) and \
                "".join(t.content for t in children[1:-1]) == one_line:
            return one_line
    return _INLINE_SPECIAL.sub(r"\\\1", one_line)


def destination(url: str) -> str:
    """A link destination for `url`, never re-encoded when Markdown can hold it as it is:
    `Bookmark_(digital)` stays; `<...>` holds unbalanced parentheses; only what neither
    form can hold (white space, angle brackets, backslashes) is percent-encoded. The `&` of
    what Markdown would read as an entity (`&amp;`) is backslash-escaped, so it stays those
    characters (`%26` would be another URL)."""
    url = url.strip()
    if any(c.isspace() or c in "<>\\" or unicodedata.category(c) == "Cc" for c in url):
        return escape_url(url)
    depth = 0
    for char in url:
        depth += 1 if char == "(" else -1 if char == ")" else 0
        if depth < 0:
            break
    written = _ENTITY.sub(lambda entity: "\\" + entity.group(0), url)
    return written if depth == 0 else f"<{written}>"


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


STYLES = ("list", "cards")


def render_markdown(catalog: Catalog, *, toc: bool = True,
                    badges: BadgeFn = link_badges, style: str = "list") -> str:
    """The whole page in `style` (see the module). `badges` is the seam for
    health/metadata shown after each link of the cards style."""
    if style not in STYLES:
        raise ValueError(f"unknown render style {style!r}")
    anchors = _Anchors()
    title = catalog.title or "Catalog"
    anchors.add(title)
    blocks: list[str] = [f"# {text_md(title, 'heading_open', '# {}')}"]
    if catalog.description:
        blocks.append(text_md(catalog.description))
    credit = credit_line(catalog.source)
    if credit:
        blocks.append(credit)
    sections = list(catalog.walk_sections())
    if toc and sections:
        anchors.add("Contents")
        section_anchors = [anchors.add(section.title) for section in sections]
        lines = [f"{'  ' * (_level(section) - 2)}- [{link_text(section.title)}](#{anchor})"
                 for section, anchor in zip(sections, section_anchors, strict=True)]
        blocks.append("## Contents")
        blocks.append("\n".join(lines))
    entry_text: Callable[[Entry], str] = (
        _list_entry if style == "list" else lambda entry: _entry(entry, badges))
    for section in sections:
        blocks.extend(_section(section, entry_text))
    return "\n\n".join(blocks) + "\n"


def credit_line(source: Source) -> str:
    """The page's credit line for the catalog's `source` ("" when it credits nothing)."""
    if not (source.title or source.author or source.url or source.license):
        return ""
    name = escape_text(source.title) if source.title else "its source"
    if source.url:
        name = f"[{name if source.title else escape_text(default_label(source.url))}]" \
               f"({destination(source.url)})"
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


def _section(section: Section, entry_text: Callable[[Entry], str]) -> Iterable[str]:
    mark = "#" * _level(section)
    yield f"{mark} {text_md(section.title, 'heading_open', mark + ' {}')}"
    if section.description:
        yield text_md(section.description)
    if section.entries:
        yield "\n".join(entry_text(entry) for entry in section.entries)


def _list_entry(entry: Entry) -> str:
    """`- [Title](url) | [label](url2) - Summary `tag``: what `import` reads back."""
    first, *extra = entry.links
    summary = " ".join(entry.summary.split())
    line = f"- [{link_text(entry.title)}]({destination(first.url)})"
    for link in extra:
        if f"]({link.url}" in summary or f"<{link.url}>" in summary:
            continue  # a link of the summary is written there
        label = link_text(link.label or default_label(link.url))
        line += f" | [{label}]({destination(link.url)})"
    tail = " ".join([summary] * bool(summary) +
                    [f"`{tag}`" for tag in entry.tags if "`" not in tag])
    return f"{line} - {tail}" if tail else line


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
    target = destination(link.url)
    page_title = link.bot.get("title")
    if isinstance(page_title, str) and page_title.strip():
        quoted = " ".join(page_title.split()).replace("\\", "\\\\").replace('"', '\\"')
        target += f' "{quoted}"'
    text = f"[{label}]({target})"
    shown = [escape_text(badge) for badge in badges(link)]
    if shown:
        text += " — " + " · ".join(shown)
    return text
