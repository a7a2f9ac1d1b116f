"""The one reading of a Markdown link list: sections, entries and every link with its span.

`read_markdown(text)` turns a README (an awesome list, a reading list, a best-of page) into
an `MdDocument`; `import` (catalog/importer.py) writes it as catalog YAML and a Markdown
catalog (catalog/markdown_catalog.py) turns it into a `Catalog`. Nothing else parses
Markdown lists.

How each shape maps:

- a heading: a section (levels nest; a lone H1 is the document's title);
- `- [Title](url) | [l2](u2) - Summary `tag``: an entry titled by the link's text, the run of
  links after it, the rest verbatim as summary, trailing code spans as tags;
- `- **Title** - [l](u) ...`, `- Title: [l](u)`: an entry titled by the bold / lead-in text;
- a table row with a link: an entry titled by the link's text; short-label columns are tags,
  the other text columns the summary;
- `<details><summary>` holding an anchor: an entry named by the anchor's text; the links of
  the list inside the details join it;
- anchors with visible text in an HTML block (per `<li>`, `<tr>` or line): entries titled by
  that text;
- a paragraph opening with bold text and holding links: an entry (`**Title** - Author -
  [l](u)`), the paragraphs and quotes after it its summary;
- any other link (badges, prose, navigation): `MdSection.loose`, checked, never an entry.

Never links: images (`![](src)`, `<img src>`, `srcset`), `<script src>`, code, HTML comments,
page anchors (`#x`). Navigation (a "back to top" link, a table of contents, links that only
wrap an image) never makes an entry.

Every link carries its 1-based line and the character span of its URL in the source text
(offsets into the text as given: BOM, CRLF and all), so `update` can replace exactly those
characters; a URL written through escapes or entities, or held in a reference definition,
has no span (None) and is never rewritten; its `written` extent (where its escapes or
entities stand) still tells where the link ends, so the text after it is read as for any
other. Where the reading has to guess, `guesses` says so once per kind of guess.
"""

from __future__ import annotations

import bisect
import html
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import yaml
from markdown_it import MarkdownIt
from markdown_it.parser_block import ParserBlock
from markdown_it.rules_block import StateBlock
from markdown_it.token import Token

from curatorbot.catalog.render import default_label

_BARE_URL = re.compile(r"(?<![\w/])https?://[^\s<>\"'`]+")
_MD_LINK = re.compile(r"\[([^\[\]\n]*)\]\(\s*<?(https?://[^)\s>]+)")
_REF_LINK = re.compile(r"(?:\*\*|__|\*|_)*\[(?:\\.|[^\[\]\n\\]|\[(?:\\.|[^\]\n\\])*\])*\]"
                       r"(?:\[[^\]\n]*\])?")
_HREF = re.compile(r"""<a\b[^>]*?\bhref\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>"']+))[^>]*>""",
                   re.IGNORECASE)
_A_CLOSE = re.compile(r"</a\s*>", re.IGNORECASE)
_TAG = re.compile(r"<[^>]*>")
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_SUMMARY = re.compile(r"<summary\b[^>]*>(.*?)</summary\s*>", re.IGNORECASE | re.DOTALL)
_H1 = re.compile(r"<h1\b[^>]*>(.*?)</h1\s*>", re.IGNORECASE | re.DOTALL)
_DETAILS_OPEN = re.compile(r"<details\b", re.IGNORECASE)
_DETAILS_CLOSE = re.compile(r"</details\s*>", re.IGNORECASE)
_HTML_UNIT = re.compile(r"<(li|tr)\b.*?(?:</\1\s*>|(?=<\1\b)|$)", re.IGNORECASE | re.DOTALL)
_CODE_HTML = re.compile(r"<code\b[^>]*>(.*?)</code\s*>", re.IGNORECASE | re.DOTALL)
_NAVIGATION = re.compile(r"back to top|^\W*top\W*$|^\W*(?:table of )?contents\W*$|^[⬆↑▲🔝]",
                         re.IGNORECASE)
# What may stand between two links of an entry's run: `[a](u) | [b](v)`, `[a](u), [b](v)`.
_RUN_GAP = re.compile(r"[ \t]*(?:[|,·/][ \t]*)?(\(?)\[(?:\\.|[^\[\]\n\\]|\[(?:\\.|[^\]\n\\])*\])*"
                      r"\]\([ \t]*<?")
_SEPARATOR = re.compile(r"[ \t]*(?:[-–—:|][ \t]+|:)?[ \t]*")
# Possessive quantifiers, and a search that never starts inside a run of blanks: backtracking
# between neighbouring `[ \t]*` would take polynomial time on a line of many blanks.
_TRAILING_TAGS = re.compile(
    r"(?<![ \t])(?:[ \t]*+(?:`[^`\n]{1,40}`|<code>[^<\n]{1,40}</code>))++[ \t]*+$", re.IGNORECASE)
_ONE_TAG = re.compile(r"`([^`\n]+)`|<code>([^<\n]+)</code>", re.IGNORECASE)
_CREDIT_SEP = re.compile(r"\s[-–—|]+\s")
_QUOTE_PREFIX = re.compile(r"^[ \t]*(?:>[ \t]?)+")
_LIST_MARKER = re.compile(r"^[ \t]*+(?:>[ \t]?)*+[ \t]*+(?:[-*+]|\d{1,9}[.)])(?:[ \t]+|$)")
_LONG_TITLE_WORDS = 8


@dataclass(frozen=True, slots=True)
class MdLink:
    """One http(s)-looking link: its URL as written, line, URL span and visible text."""

    url: str
    line: int
    span: tuple[int, int] | None  # the URL's characters, when written literally (editable)
    label: str = ""
    role: str = ""  # "image": wraps only an image (a badge); "nav": navigation
    written: tuple[int, int] | None = None  # where the URL is written, literally or not


@dataclass
class MdEntry:
    """An entry: a list item, table row, details summary, HTML unit or bold paragraph."""

    title: str
    line: int
    links: list[MdLink] = field(default_factory=list)
    summary: str = ""
    tags: list[str] = field(default_factory=list)
    authors: list[str] = field(default_factory=list)
    provider: str = ""
    notes: list[str] = field(default_factory=list)


@dataclass
class MdSection:
    """A heading and what stands under it."""

    title: str
    level: int
    line: int
    description: str = ""
    entries: list[MdEntry] = field(default_factory=list)
    sections: list[MdSection] = field(default_factory=list)
    loose: list[MdLink] = field(default_factory=list)

    def walk(self) -> Iterator[MdSection]:
        yield self
        for child in self.sections:
            yield from child.walk()


@dataclass
class MdDocument:
    """A whole Markdown list as read. `root` holds what stands before the first heading."""

    title: str
    root: MdSection
    meta: dict[str, Any] = field(default_factory=dict)
    intro: list[tuple[str, str]] = field(default_factory=list)  # (text, source) before ##
    guesses: list[str] = field(default_factory=list)
    problems: list[tuple[int, str]] = field(default_factory=list)

    def sections(self) -> Iterator[MdSection]:
        """Every section below the root, in file order."""
        for child in self.root.sections:
            yield from child.walk()

    def entries(self) -> Iterator[MdEntry]:
        for section in self.root.walk():
            yield from section.entries

    def links(self) -> Iterator[MdLink]:
        """Every link of the file: entries' and loose ones, section by section."""
        for section in self.root.walk():
            for entry in section.entries:
                yield from entry.links
            yield from section.loose


# How deep lists and quotes may nest, in markdown-it's levels (a list level counts two:
# the list and its item; a quote one). markdown-it parses nested blocks by recursion and
# silently drops what lies deeper than its limit, so deeper text is refused (TooDeep).
MAX_NESTING = 100


class TooDeep(Exception):
    """Markdown nested deeper than MAX_NESTING at `line` (1-based)."""

    def __init__(self, line: int) -> None:
        super().__init__(line)
        self.line = line


class _NestingBlocks(ParserBlock):
    """markdown-it's block parser, raising TooDeep where it would skip nested content."""

    def tokenize(self, state: StateBlock, startLine: int, endLine: int) -> None:
        line = state.skipEmptyLines(startLine)
        if state.level >= MAX_NESTING and line < endLine and \
                state.sCount[line] >= state.blkIndent:
            raise TooDeep(line + 1)
        super().tokenize(state, startLine, endLine)


class _Parser(MarkdownIt):
    """CommonMark with tables; link destinations kept as written (no percent-encoding);
    nesting deeper than MAX_NESTING refused (TooDeep) instead of dropped."""

    def __init__(self) -> None:
        super().__init__("commonmark", options_update={"maxNesting": MAX_NESTING})
        blocks = _NestingBlocks()
        blocks.ruler = self.block.ruler  # the preset's rules, as configured
        self.block = blocks

    def normalizeLink(self, url: str) -> str:
        return url

    def validateLink(self, url: str) -> bool:
        return True


_MD = _Parser().enable(["table", "strikethrough"])


def read_markdown(text: str, name: str = "list.md") -> MdDocument:
    """Read `text` (as it is in the file: BOM and CRLF allowed) into an MdDocument;
    TooDeep when lists or quotes nest deeper than MAX_NESTING."""
    reader = _Reader(text, name)
    reader.run()
    return reader.doc


# -- front matter ------------------------------------------------------------------------

def _front_matter(lines: list[str], problems: list[tuple[int, str]]) -> tuple[dict[str, Any], int]:
    """YAML front matter (`---` ... `---` at the top) and how many lines it takes."""
    if not lines or lines[0].strip() != "---":
        return {}, 0
    for end in range(1, len(lines)):
        if lines[end].strip() in ("---", "..."):
            break
    else:
        return {}, 0
    meta: Any = None
    try:
        meta = yaml.safe_load("\n".join(lines[1:end]))
    except yaml.YAMLError:
        problems.append((1, "the front matter is not valid YAML; ignored"))
    return (meta if isinstance(meta, dict) else {}), end + 1


# -- finding URLs in the source ----------------------------------------------------------

class _Locator:
    """Finds where each URL is written, front to back, within the lines of its block."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.starts = [0]
        pos = text.find("\n")
        while pos >= 0:
            self.starts.append(pos + 1)
            pos = text.find("\n", pos + 1)
        self.cursor = 0

    def offset(self, line: int) -> int:
        """Offset of 0-based `line` (the end of the text past the last line)."""
        return self.starts[line] if line < len(self.starts) else len(self.text)

    def line_of(self, offset: int) -> int:
        return bisect.bisect_right(self.starts, offset)

    def find(self, url: str, kind: str, lines: tuple[int, int]
             ) -> tuple[tuple[int, int] | None, tuple[int, int] | None]:
        """(span, written) of `url` written as a `kind` link ('md', 'auto', 'html', 'bare')
        in the 0-based line range: `span` where it is written literally, else None;
        `written` where it is written at all (through backslash escapes or entities too),
        else None."""
        if not url:
            return None, None
        literal = self._search(url, kind, lines)
        if literal is not None:
            return literal, literal
        return None, self._search(_written_form(url), kind, lines)

    def _search(self, url: str | re.Pattern[str], kind: str, lines: tuple[int, int]
                ) -> tuple[int, int] | None:
        """The first place at or after the cursor where `url` (a literal, or the pattern
        of its written forms) stands as a `kind` link; the cursor moves past it."""
        low, high = self.offset(lines[0]), self.offset(lines[1])
        pos = max(self.cursor, low)
        text = self.text
        while True:
            if isinstance(url, str):
                at = text.find(url, pos, high)
                end = at + len(url)
            else:
                match = url.search(text, pos, high)
                at, end = (match.start(), match.end()) if match else (-1, -1)
            if at < 0:
                return None
            if _written_as(kind, text[max(low, at - 40):at]) and \
                    _ends_as(kind, text[end:end + 1]):
                self.cursor = end
                return at, end
            pos = at + 1


def _written_form(url: str) -> re.Pattern[str]:
    """What `url` may look like in the source once Markdown or HTML has read it: any ASCII
    punctuation backslash-escaped, an `&` written as an entity."""
    parts = []
    for char in url:
        if char == "&":
            parts.append(r"(?:&amp;|&#0*38;|&#[xX]0*26;|\\?&)")
        elif char.isascii() and not char.isalnum() and not char.isspace():
            parts.append(r"\\?" + re.escape(char))
        else:
            parts.append(re.escape(char))
    return re.compile("".join(parts))


def _ends_as(kind: str, after: str) -> bool:
    """Whether a URL of a `kind` link may end before `after` (so a URL is never found as
    the start of a longer destination: `/&` in `/&#38;`)."""
    if kind == "md":
        return after in ("", ")", ">") or after.isspace()
    if kind == "auto":
        return after == ">"
    if kind == "html":
        return after in ("", '"', "'", ">") or after.isspace()
    return True


def _written_as(kind: str, before: str) -> bool:
    if kind == "md":
        return re.search(r"\]\([ \t]*<?$", before) is not None
    if kind == "auto":
        return before.endswith("<")
    if kind == "html":
        return re.search(r"""href\s*=\s*["']?$""", before, re.IGNORECASE) is not None
    return not before or not (before[-1].isalnum() or before[-1] in "/_")


# -- inline links ------------------------------------------------------------------------

@dataclass
class _Raw:
    """A link of an inline run before it is located: what kind, its text, image-only."""

    href: str
    kind: str
    label: str
    image_only: bool
    first: int  # index of its opening token
    last: int   # index of its closing token


def _inline_links(children: Sequence[Token]) -> list[_Raw]:
    """Links of inline tokens in order: Markdown links, autolinks, `<a href>`, bare URLs."""
    out: list[_Raw] = []
    i = 0
    while i < len(children):
        tok = children[i]
        if tok.type == "link_open":
            depth, j = 1, i + 1
            while j < len(children) and depth:
                if children[j].type == "link_open":
                    depth += 1
                elif children[j].type == "link_close":
                    depth -= 1
                j += 1
            inner = children[i + 1:j - 1]
            auto = tok.markup in ("autolink", "linkify")
            label = "" if auto else plain(inner)
            image_only = not auto and not label and any(t.type == "image" for t in inner)
            out.append(_Raw(str(tok.attrs.get("href", "")), "auto" if auto else "md", label,
                            image_only, i, j - 1))
            i = j
            continue
        if tok.type == "html_inline":
            match = _HREF.match(tok.content)
            if match:
                j = i + 1
                while j < len(children) and not (children[j].type == "html_inline" and
                                                 _A_CLOSE.match(children[j].content)):
                    j += 1
                inner = children[i + 1:j]
                label = plain(inner)
                image_only = not label and any(
                    t.type == "image" or (t.type == "html_inline" and
                                          t.content.lower().startswith("<img"))
                    for t in inner)
                href = match.group(1) or match.group(2) or match.group(3) or ""
                out.append(_Raw(html.unescape(href), "html", label, image_only, i,
                                min(j, len(children) - 1)))
                i = j + 1
                continue
        elif tok.type == "text":
            for match in _BARE_URL.finditer(tok.content):
                out.append(_Raw(trim_bare_url(match.group(0)), "bare", "", False, i, i))
        i += 1
    return out


def trim_bare_url(url: str) -> str:
    """GFM's rule for a bare URL's end: no trailing punctuation, balanced parentheses."""
    while url and url[-1] in ".,:;!?*_~'\"":
        url = url[:-1]
    while url.endswith(")") and url.count(")") > url.count("("):
        url = url[:-1]
    return url


def plain(tokens: Sequence[Token]) -> str:
    """The visible text of inline tokens, on one line (images and HTML tags left out)."""
    return " ".join(_inline_text(tokens, marks=False).split())


def _inline_text(tokens: Sequence[Token], *, marks: bool) -> str:
    """The text of inline tokens; with `marks`, emphasis marks kept ('*Practical*')."""
    parts: list[str] = []
    for tok in tokens:
        if tok.type in ("text", "code_inline"):
            parts.append(tok.content)
        elif tok.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif marks and tok.type in ("em_open", "em_close", "strong_open", "strong_close"):
            parts.append(tok.markup)
        elif not marks and tok.children and tok.type != "image":
            parts.append(_inline_text(tok.children, marks=False))
    return "".join(parts)


def _html_text(fragment: str) -> str:
    return " ".join(html.unescape(_TAG.sub(" ", fragment)).split())


def _is_http(url: str) -> bool:
    return url.lower().startswith(("http://", "https://"))


# -- the reader --------------------------------------------------------------------------

class _Reader:
    """Walks markdown-it's token stream once, building sections, entries and loose links."""

    def __init__(self, text: str, name: str) -> None:
        self.text = text
        self.name = name
        self.loc = _Locator(text)
        self.doc = MdDocument(title="", root=MdSection("", 0, 0))
        self.stack: list[MdSection] = [self.doc.root]
        self.current: MdEntry | None = None      # a bold-paragraph entry taking description
        self.details: list[MdEntry | None] = []  # open <details>, with the entry they hold
        self._guessed: set[str] = set()
        self.h1_count = 0

    # -- driving -------------------------------------------------------------------------
    def run(self) -> None:
        body = self.text.removeprefix("\ufeff")
        lines = body.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        self.doc.meta, skip = _front_matter(lines, self.doc.problems)
        if skip:
            body = "\n" * skip + "\n".join(lines[skip:])
        tokens = _MD.parse(body.replace("\r\n", "\n"))
        self.h1_count = sum(1 for t in tokens if t.type == "heading_open" and t.tag == "h1")
        self.walk(tokens, 0)

    def guess(self, kind: str, message: str) -> None:
        """Say once per kind of guess what the reading guessed."""
        if kind not in self._guessed:
            self._guessed.add(kind)
            self.doc.guesses.append(message)

    def walk(self, tokens: Sequence[Token], offset: int) -> None:
        i = 0
        items: list[bool] = []  # open list items: whether their first paragraph was read
        quotes = 0
        while i < len(tokens):
            tok = tokens[i]
            lines = (tok.map[0] + offset, tok.map[1] + offset) if tok.map else (offset, offset)
            if tok.type == "heading_open":
                self.on_heading(int(tok.tag[1]), tokens[i + 1], lines)
                i += 3
                continue
            if tok.type == "list_item_open":
                items.append(False)
            elif tok.type == "list_item_close":
                items.pop()
            elif tok.type == "paragraph_open":
                inline = tokens[i + 1]
                if items and not items[-1] and tokens[i - 1].type == "list_item_open":
                    items[-1] = True
                    self.on_item(inline, lines)
                else:
                    self.on_paragraph(inline, lines, quotes > 0, in_list=bool(items))
                i += 3
                continue
            elif tok.type == "blockquote_open":
                quotes += 1
            elif tok.type == "blockquote_close":
                quotes -= 1
            elif tok.type == "table_open":
                i = self.on_table(tokens, i, offset)
                continue
            elif tok.type == "html_block":
                self.on_html(tok.content, lines)
            elif tok.type == "hr":
                self.current = None
            i += 1

    # -- links ---------------------------------------------------------------------------
    def locate(self, raws: Sequence[_Raw], lines: tuple[int, int]) -> list[MdLink]:
        out = []
        for raw in raws:
            href = raw.href.strip()
            if not href or href.startswith("#"):
                continue
            span, written = self.loc.find(href, raw.kind, lines)
            line = self.loc.line_of(written[0]) if written else lines[0] + 1
            role = "image" if raw.image_only else \
                "nav" if _NAVIGATION.search(raw.label) else ""
            out.append(MdLink(href, line, span, raw.label, role, written))
        return out

    def add_loose(self, links: Sequence[MdLink]) -> None:
        self.stack[-1].loose.extend(links)

    def add_entry(self, entry: MdEntry) -> None:
        if not entry.title:
            first = entry.links[0]
            entry.title = first.label or _host(first.url)
        self.stack[-1].entries.append(entry)

    # -- blocks --------------------------------------------------------------------------
    def on_heading(self, level: int, inline: Token, lines: tuple[int, int]) -> None:
        self.current = None
        children = inline.children or []
        links = self.locate(_inline_links(children), lines)
        title = plain(children)
        if level == 1 and self.h1_count == 1 and len(self.stack) == 1 \
                and not self.doc.title:
            self.doc.title = title
            self.add_loose(links)
            return
        if not title:
            self.add_loose(links)
            return
        while len(self.stack) > 1 and self.stack[-1].level >= level:
            self.stack.pop()
        section = MdSection(title, level, lines[0] + 1)
        self.stack[-1].sections.append(section)
        self.stack.append(section)
        self.add_loose(links)

    def on_item(self, inline: Token, lines: tuple[int, int]) -> None:
        self.current = None
        children = inline.children or []
        raws = _inline_links(children)
        links = self.locate(raws, lines)
        if not any(_is_http(lk.url) for lk in links):
            self.add_loose(links)
            return
        holder = self.details[-1] if self.details else None
        if holder is not None:  # the list inside a <details> whose summary is an entry
            holder.links.extend(links)
            return
        kept = list(zip(_located(raws), links, strict=True))
        if all(raw.image_only or _NAVIGATION.search(raw.label) for raw, _ in kept):
            self.add_loose(links)
            return
        self.add_entry(self.item_entry(children, kept, lines))

    def item_entry(self, children: Sequence[Token], kept: list[tuple[_Raw, MdLink]],
                   lines: tuple[int, int]) -> MdEntry:
        """`- [Title](url) | [l](u) - Summary `tag`` (the link may be bold), `- Lead: [l](u)`
        and `- **Lead** - [l](u) ...` (titled by the text before the first link), or prose
        (titled by the first link's text, all of it the summary)."""
        links = [lk for _, lk in kept]
        entry = MdEntry("", lines[0] + 1, links)
        src_start = self.loc.offset(lines[0])
        lead = _skip_blank(list(children))
        head = _until_break(lead)
        source = self.text[src_start:self.loc.offset(lines[1])]
        marker = _LIST_MARKER.match(source)
        body_start = src_start + (marker.end() if marker else 0)
        wrappers = {"strong_open", "em_open"}
        opening = [t for t in head[:3] if t.type in wrappers or
                   (t.type == "html_inline" and not _HREF.match(t.content)
                    and t.content.lower() in ("<b>", "<strong>", "<em>", "<i>"))]
        first_tok = head[len(opening)] if len(opening) < len(head) else None
        rest_at: int | None = None
        first_at = next((k for k, t in enumerate(children) if t is first_tok), -1)
        if first_tok is not None and kept[0][0].first == first_at and (
                kept[0][0].kind != "bare" or first_tok.content.lstrip().startswith("http")):
            raw, link = kept[0]
            entry.title = raw.label or (_host(link.url) if _is_http(link.url) else "")
            rest_at = self._after_link(raw, link)
            if rest_at is None and raw.kind == "md":  # a reference link: `[Title][ref]`
                ref = _REF_LINK.match(self.text, body_start)
                rest_at = ref.end() if ref else None
            if rest_at is not None:
                rest_at = self._skip_closers(rest_at)
                rest_at = self._run(kept[1:], rest_at)
        else:
            first_link = next((i for i, t in enumerate(head)
                               if t.type in ("link_open",) or
                               (t.type == "html_inline" and _HREF.match(t.content))),
                              len(head))
            lead_text = plain(head[:first_link]).strip(" -–—:|,;")
            if lead_text and len(lead_text.split()) <= _LONG_TITLE_WORDS:
                entry.title = lead_text
                self.guess("lead-in", "list items that open with text take that text as "
                                      "their title (`- Title: [link](url)`)")
                raw, link = kept[0]
                rest_at = self._after_link(raw, link)
                if rest_at is not None:
                    rest_at = self._run(kept[1:], self._skip_closers(rest_at))
            else:
                entry.title = kept[0][1].label
                rest_at = body_start
                self.guess("prose-item", "list items written as prose take their first "
                                         "link's text as title and the whole text as summary")
        if rest_at is not None:
            para_end = src_start + len(source.rstrip("\n"))
            self._summary(entry, self.text[rest_at:para_end])
        return entry

    def _after_link(self, raw: _Raw, link: MdLink) -> int | None:
        """Offset just past the source of a located link (`)` or `>` or `</a>`)."""
        if link.written is None:
            return None
        end = link.written[1]
        if raw.kind == "md":
            close = self.text.find(")", end)
            return close + 1 if close >= 0 else None
        if raw.kind == "auto":
            return end + 1
        if raw.kind == "html":
            match = _A_CLOSE.search(self.text, end)
            return match.end() if match else None
        return end

    def _skip_closers(self, at: int) -> int:
        match = re.compile(r"(?:\*\*|__|\*|_|</b>|</strong>|</em>|</i>)*").match(self.text, at)
        return match.end() if match else at

    def _run(self, kept: list[tuple[_Raw, MdLink]], at: int) -> int:
        """Past the run of links right after the title link (`| [l](u)`)."""
        for raw, link in kept:
            if raw.kind != "md" or link.written is None:
                break
            gap = _RUN_GAP.fullmatch(self.text, at, link.written[0])
            if gap is None:
                break
            end = self._after_link(raw, link)
            if end is None:
                break
            if gap.group(1) and self.text.startswith(")", end):
                end += 1
            at = end
        return at

    def _summary(self, entry: MdEntry, rest: str) -> None:
        """The item's text after its title and links: summary verbatim, trailing tags."""
        text = " ".join(_QUOTE_PREFIX.sub("", line).strip() for line in rest.split("\n"))
        text = text.strip()
        sep = _SEPARATOR.match(text)
        if sep:
            text = text[sep.end():]
        tags = _TRAILING_TAGS.search(text)
        if tags:
            labels = [m.group(1) or m.group(2) for m in _ONE_TAG.finditer(tags.group(0))]
            if all(_short_label(label) for label in labels):
                entry.tags.extend(label.strip() for label in labels)
                text = text[:tags.start()].rstrip()
                self.guess("tags", "code spans at the end of an entry (`MIT` `Python`) are "
                                   "read as its tags")
        entry.summary = " ".join(text.split())

    def on_paragraph(self, inline: Token, lines: tuple[int, int], quoted: bool,
                     in_list: bool) -> None:
        children = inline.children or []
        raws = _inline_links(children)
        links = self.locate(raws, lines)
        lead = _skip_blank(list(children))
        holder = self.details[-1] if self.details else None
        if in_list and holder is not None:
            holder.links.extend(links)
            return
        if in_list:
            self.add_loose(links)
            return
        if lead and lead[0].type == "strong_open" and not quoted:
            http = [lk for lk in links if _is_http(lk.url)]
            located = list(zip(_located(raws), links, strict=True))
            if http and not all(r.image_only or _NAVIGATION.search(r.label)
                                for r, _ in located):
                entry = self.bold_entry(lead, links, lines)
                self.add_entry(entry)
                self.current = entry
                return
            title = plain(_strong_span(lead)[0])
            if not http and not _NAVIGATION.search(title):
                self.doc.problems.append((lines[0] + 1, f"'{_short(title)}' has no http(s) "
                                                         "link; skipped"))
            self.current = None
            self.add_loose(links)
            return
        if self.current is not None:
            self.current.links.extend(links)
            text = " ".join(_QUOTE_PREFIX.sub("", line).strip() for line in
                            self.text[self.loc.offset(lines[0]):
                                      self.loc.offset(lines[1])].split("\n"))
            text = " ".join(text.split())
            if text:
                self.current.summary = f"{self.current.summary} {text}".strip()
            return
        section = self.stack[-1]
        words = plain(children)
        if words and 2 * sum(len(lk.label) for lk in links) < len(words):
            # links in a sentence: not entries of their own
            links = [MdLink(lk.url, lk.line, lk.span, lk.label, lk.role or "prose",
                            lk.written) for lk in links]
        if words and not quoted and not (raws and all(r.image_only for r in raws)):
            if section is self.doc.root:
                source = self.text[self.loc.offset(lines[0]):self.loc.offset(lines[1])]
                self.doc.intro.append((words, " ".join(source.split())))
            elif not section.entries and not section.description:
                section.description = words
        self.add_loose(links)

    def bold_entry(self, lead: list[Token], links: list[MdLink],
                   lines: tuple[int, int]) -> MdEntry:
        """`**Title** (suffix) - Author - Provider - [label](url) | ...`."""
        head = _until_break(lead)
        title_tokens, after = _strong_span(head)
        entry = MdEntry(plain(title_tokens).strip(" -–—:|,;"), lines[0] + 1, list(links))
        if any(t.type == "link_open" for t in title_tokens):
            if not entry.title and links:
                entry.title = links[0].label
            return entry
        first_link = next((i for i, t in enumerate(after) if t.type == "link_open"),
                          len(after))
        segments = [s.strip(" :;,") for s in
                    _CREDIT_SEP.split(f" {_inline_text(after[:first_link], marks=True)} ")]
        suffix = _unmark(segments[0]) if segments else ""
        if suffix and len(suffix) <= 40 and len(suffix.split()) <= 6:
            entry.title = f"{entry.title} {suffix}".strip()
        for segment in segments[1:]:
            _credit(entry, segment)
        if segments[1:]:
            self.guess("credits", "text between a bold title and its links is read as "
                                  "authors, or a provider when it looks like an organisation")
        return entry

    def on_table(self, tokens: Sequence[Token], i: int, offset: int) -> int:
        """Rows of a table: header names, then one entry per row holding a link."""
        self.current = None
        header: list[str] = []
        rows: list[tuple[tuple[int, int], list[Token]]] = []
        cells: list[Token] = []
        row_lines = (offset, offset)
        in_head = False
        while i < len(tokens) and tokens[i].type != "table_close":
            tok = tokens[i]
            if tok.type == "thead_open":
                in_head = True
            elif tok.type == "thead_close":
                in_head = False
            elif tok.type == "tr_open":
                cells = []
                row_lines = ((tok.map[0] + offset, tok.map[1] + offset) if tok.map
                             else row_lines)
            elif tok.type == "inline":
                cells.append(tok)
            elif tok.type == "tr_close":
                if in_head:
                    header = [plain(c.children or []) for c in cells]
                else:
                    rows.append((row_lines, cells))
            i += 1
        self.table_entries(header, rows)
        return i + 1

    def table_entries(self, header: list[str], rows: list[tuple[tuple[int, int], list[Token]]]
                      ) -> None:
        parsed: list[tuple[tuple[int, int], list[list[_Raw]], list[list[MdLink]], list[Token]]]
        parsed = []
        for lines, cells in rows:
            raws = [_inline_links(c.children or []) for c in cells]
            located = [self.locate(r, lines) for r in raws]
            parsed.append((lines, raws, located, cells))
        width = max((len(c) for *_, c in parsed), default=0)
        link_cols = {k for _, _, located, _ in parsed for k, links in enumerate(located)
                     if any(_is_http(lk.url) for lk in links)}
        texts = [[plain(c.children or []) for c in cells] for *_, cells in parsed]
        label_cols = {k for k in range(width) if k not in link_cols and all(
            k >= len(row) or _short_label(row[k]) or not row[k] for row in texts)}
        long_cols = [k for k in range(width) if k not in link_cols and k not in label_cols]
        if label_cols or long_cols:
            self.guess("table", "table rows take their link's text as title; short-label "
                                "columns become tags, the other columns the summary")
        for (lines, raws, located, cells), row in zip(parsed, texts, strict=True):
            flat = [(r, lk) for rs, lks in zip(raws, located, strict=True)
                    for r, lk in zip(_located(rs), lks, strict=True)]
            links = [lk for _, lk in flat]
            if not any(_is_http(lk.url) for lk in links) or \
                    all(r.image_only or _NAVIGATION.search(r.label) for r, _ in flat):
                self.add_loose(links)
                continue
            first = next((r, lk) for r, lk in flat if _is_http(lk.url))
            entry = MdEntry(first[0].label, lines[0] + 1, links)
            summary_parts = []
            for k in long_cols:
                if k < len(cells):
                    written = " ".join(cells[k].content.split())  # the cell as written
                    if written:
                        summary_parts.append(written)
            entry.summary = " · ".join(summary_parts)
            entry.tags = [row[k] for k in sorted(label_cols) if k < len(row) and row[k]]
            self.add_entry(entry)

    def on_html(self, content: str, lines: tuple[int, int]) -> None:
        """An HTML block: <details>/<summary>, then units (`<li>`, `<tr>`, lines) of anchors."""
        self.current = None
        clean = _COMMENT.sub(lambda m: " " * len(m.group(0)), content)
        heading = _H1.search(clean)
        if heading and not self.doc.title and len(self.stack) == 1 and self.h1_count == 0:
            self.doc.title = _html_text(heading.group(1))  # `<h1 align="center">Title</h1>`
        summary = _SUMMARY.search(clean)
        if summary is None:
            self.details_marks(clean)
            self.html_units(clean, lines)
            return
        self.details_marks(clean[:summary.start()])
        entry = self.html_entry(summary.group(1), lines)
        if entry is not None:
            self.guess("details", "<details> entries take their name, links and summary "
                                  "from the <summary> line (text after ' - ')")
            self.add_entry(entry)
        if self.details:
            self.details[-1] = entry  # the details this summary opens
        else:
            self.details.append(entry)
        tail = clean[summary.end():]
        tail_md = _DETAILS_CLOSE.sub("", tail)
        if tail_md.strip():  # Markdown written right under the summary line
            self.walk(_MD.parse(tail_md), lines[0] + clean[:summary.end()].count("\n"))
        self.details_marks(tail)

    def details_marks(self, html_text: str) -> None:
        """Open and close <details> in the order they come."""
        marks = sorted([(m.start(), 1) for m in _DETAILS_OPEN.finditer(html_text)] +
                       [(m.start(), -1) for m in _DETAILS_CLOSE.finditer(html_text)])
        for _, step in marks:
            if step > 0:
                self.details.append(None)
            elif self.details:
                self.details.pop()

    def html_units(self, clean: str, lines: tuple[int, int]) -> None:
        units = [m.group(0) for m in _HTML_UNIT.finditer(clean)] or clean.split("\n")
        for unit in units:
            entry = self.html_entry(unit, lines)
            if entry is None:
                continue
            self.guess("html", "anchors in HTML blocks make entries titled by their "
                               "visible text")
            holder = self.details[-1] if self.details else None
            if holder is not None:
                holder.links.extend(entry.links)
            else:
                self.add_entry(entry)

    def html_entry(self, fragment: str, lines: tuple[int, int]) -> MdEntry | None:
        """An entry from an HTML fragment whose first anchor has visible text; its
        image-only anchors are loose links."""
        anchors = []
        for match in _HREF.finditer(fragment):
            href = html.unescape(match.group(1) or match.group(2) or match.group(3) or "")
            close = _A_CLOSE.search(fragment, match.end())
            inner = fragment[match.end():close.start() if close else len(fragment)]
            anchors.append((match.start(), href, _html_text(inner), "html",
                            close.end() if close else match.end()))
        # Markdown written inside an HTML block is not read by Markdown, but a reader of the
        # file (and lychee) still sees its links.
        for match in _MD_LINK.finditer(fragment):
            end = fragment.find(")", match.end())
            anchors.append((match.start(), match.group(2), " ".join(match.group(1).split()),
                            "md", end + 1 if end >= 0 else match.end()))
        anchors = [a for a in anchors if a[1].strip() and not a[1].strip().startswith("#")]
        if not anchors:
            return None
        anchors.sort()
        raws = [_Raw(href, kind, text, not text, 0, 0) for _, href, text, kind, _ in anchors]
        links = self.locate(raws, lines)
        texty = [(raw, lk, anchor) for raw, lk, anchor in zip(_located(raws), links, anchors,
                                                              strict=True)
                 if raw.label and not _NAVIGATION.search(raw.label) and _is_http(lk.url)]
        if not texty:
            self.add_loose(links)
            return None
        raw, _link, anchor = texty[0]
        entry = MdEntry(raw.label, lines[0] + 1, links)
        rest = fragment[anchor[4]:]
        tags = [_html_text(m.group(1)) for m in _CODE_HTML.finditer(rest)]
        entry.tags = [t for t in tags if _short_label(t)]
        rest = _CODE_HTML.sub(" ", rest)
        text = _html_text(rest)
        if " - " in text:
            text = text.split(" - ", 1)[1]
        entry.summary = text.strip(" -–—:|")
        return entry


def _located(raws: Sequence[_Raw]) -> list[_Raw]:
    """The raws `locate` keeps (those with a non-anchor href), in the same order."""
    return [r for r in raws if r.href.strip() and not r.href.strip().startswith("#")]


def _host(url: str) -> str:
    return default_label(url)


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"


def _short_label(text: str) -> bool:
    """A licence, a language, a date: short enough to be a tag."""
    text = text.strip()
    return bool(text) and len(text) <= 25 and len(text.split()) <= 3 and "](" not in text


def _until_break(tokens: list[Token]) -> list[Token]:
    for i, tok in enumerate(tokens):
        if tok.type in ("softbreak", "hardbreak"):
            return tokens[:i]
    return tokens


def _skip_blank(tokens: list[Token]) -> list[Token]:
    for i, tok in enumerate(tokens):
        if not (tok.type == "text" and not tok.content.strip()):
            return tokens[i:]
    return []


def _strong_span(tokens: list[Token]) -> tuple[list[Token], list[Token]]:
    """(inside, after) of the strong span that opens `tokens`."""
    depth = 0
    for i, tok in enumerate(tokens):
        if tok.type == "strong_open":
            depth += 1
        elif tok.type == "strong_close":
            depth -= 1
            if depth == 0:
                return tokens[1:i], tokens[i + 1:]
    return tokens[1:], []


def _unmark(text: str) -> str:
    return " ".join(re.sub(r"(\*+|_{2,}|(?<!\w)_|_(?!\w))", "", text).split())


_ORG_WORDS = re.compile(
    r"\b(universit\w*|institut\w*|inc|ltd|llc|lab|labs|foundation|sponsored|team|school|"
    r"academy|society|community|project|press|group|center|centre)\b", re.IGNORECASE)


def _looks_like_org(text: str) -> bool:
    """'Fast.ai', 'ECMWF Sponsored', 'DTU', 'University of X' rather than a person's name."""
    return bool(re.search(r"\b[A-Z]{2,}\b", text)
                or re.search(r"\w\.(ai|com|org|io|net|dev|edu)\b", text, re.IGNORECASE)
                or _ORG_WORDS.search(text))


def _credit(entry: MdEntry, segment: str) -> None:
    """One ' - '-separated piece between a bold title and its first link."""
    text = _unmark(segment)
    if not text:
        return
    emphasised = re.fullmatch(r"(\*+|_+).+\1", segment) is not None
    if emphasised or len(text) > 60 or len(text.split()) > 8:
        entry.notes.append(text)
    elif _looks_like_org(text):
        entry.provider = f"{entry.provider}, {text}" if entry.provider else text
    else:
        entry.authors.extend(a for a in re.split(r"\s*(?:,|&|\band\b)\s*", text) if a)
