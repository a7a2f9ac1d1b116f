"""Turning a Markdown link list (an awesome list, a reading list) into catalog YAML.

The pipeline, each step a function below:

    text ─ normalise (BOM, CRLF) ─ front matter out ─ <details>/<summary> lines out
         ─ markdown-it (CommonMark + tables) ─ blocks (heading, item, row, para, quote, html)
         ─ _Builder: sections by heading level, entries, links ─ emit_yaml ─ catalog text

Entries come from list items (and table rows) that hold links (`- [Title](url) - text`) and
from paragraphs that open with a bold title (`**Title** - Author - [label](url) | ...`), whose
following paragraphs and quote blocks are their description. Every http(s) link of the
document lands in some entry: links in a description become extra links of that entry, and a
link outside any entry becomes an entry of its own. Descriptions are never copied into
`summary` (a summary is written by a person, in their own words); the YAML carries a
`# summary: TODO` line instead. Links inside HTML comments and code are not links.

URLs pass through a `clean` hook (default: strip white space) so the caller can unwrap
redirect wrappers and drop tracking parameters before they reach the catalog.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any
from urllib.parse import parse_qs, urlsplit

import yaml
from markdown_it import MarkdownIt
from markdown_it.parser_block import ParserBlock
from markdown_it.rules_block import StateBlock
from markdown_it.token import Token

from curatorbot.catalog.edit import plain_ok
from curatorbot.catalog.load import url_problem
from curatorbot.catalog.render import default_label
from curatorbot.errors import CatalogError

CleanFn = Callable[[str], str]

_SLUG_MAX = 60
_ORG_WORDS = re.compile(
    r"\b(universit\w*|institut\w*|inc|ltd|llc|lab|labs|foundation|sponsored|team|school|"
    r"academy|society|community|project|press|group|center|centre)\b", re.IGNORECASE)
_BARE_URL = re.compile(r"(?<![\w/])https?://[^\s<>\"'`]+")
_HREF = re.compile(r"""\bhref\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.IGNORECASE)
_HTML_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
# Possessive `\s*+`: backtracking between neighbouring `\s*` would take polynomial time on a
# deeply indented line.
_DETAILS_LINE = re.compile(
    r"^\s*+(?:<details\b[^>]*>)?\s*+(?:<summary\b[^>]*>.*?</summary>)?\s*+(?:</details>)?\s*+$",
    re.IGNORECASE)
_SUMMARY_OPEN = re.compile(r"^\s*+(?:<details\b[^>]*>)?\s*+<summary\b", re.IGNORECASE)
_SUMMARY_CLOSE = re.compile(r"</summary>", re.IGNORECASE)
_SEPARATOR = re.compile(r"\s[-–—|]+\s")
_BOOK = re.compile(r"(?<!note)(?<!face)books?")


@dataclass
class ImportedLink:
    """A link found in the document, already cleaned and checked to be http(s)."""

    url: str
    label: str


@dataclass
class ImportedEntry:
    """An entry being built; `notes` are source remarks kept as YAML comments."""

    title: str
    line: int
    links: list[ImportedLink] = field(default_factory=list)
    authors: list[str] = field(default_factory=list)
    provider: str = ""
    notes: list[str] = field(default_factory=list)


@dataclass
class ImportedSection:
    """A heading and what stands under it."""

    title: str
    level: int
    entries: list[ImportedEntry] = field(default_factory=list)
    sections: list[ImportedSection] = field(default_factory=list)

    def is_empty(self) -> bool:
        return not self.entries and not self.sections


@dataclass(frozen=True)
class ImportResult:
    """The catalog YAML, and what the import had to skip or guess (one line each)."""

    text: str
    warnings: tuple[str, ...]
    sections: int
    entries: int
    links: int


def strip_url(url: str) -> str:
    """The default clean hook: the URL without surrounding white space."""
    return url.strip()


def import_markdown(text: str, name: str = "list.md", *, clean: CleanFn = strip_url
                    ) -> ImportResult:
    """Catalog YAML for a Markdown link list. CatalogError when there is nothing to import."""
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise CatalogError(f"{name}: the file is empty; import expects a Markdown list of "
                           "links such as '- [Title](https://...) - description'")
    warnings: list[str] = []
    meta, body = split_front_matter(text, name, warnings)
    try:
        blocks = list(_blocks(_parser().parse(_drop_details_tags(body))))
    except TooDeep as exc:
        raise CatalogError(f"{name}:{exc.line}: lists or quotes nested too deep for import "
                           f"(over {MAX_NESTING} levels: a list level counts 2, a quote 1); "
                           "flatten them") from None
    builder = _Builder(name, clean, warnings)
    builder.run(blocks)
    sections = builder.finish()
    entries = [e for s in sections for e in _walk_entries(s)]
    if not entries:
        raise CatalogError(f"{name}: no http(s) links found; import expects a Markdown list "
                           "of links such as '- [Title](https://...) - description'")
    title = _meta_text(meta.get("title")) or builder.doc_title or PurePath(name).stem
    source = _source(meta, title, name)
    yaml_text = emit_yaml(title, source, sections, PurePath(name).name)
    return ImportResult(
        text=yaml_text,
        warnings=tuple(warnings),
        sections=sum(1 for s in sections for _ in _walk_sections(s)),
        entries=len(entries),
        links=sum(len(e.links) for e in entries),
    )


# -- reading the document ----------------------------------------------------------------

def split_front_matter(text: str, name: str, warnings: list[str]
                       ) -> tuple[dict[str, Any], str]:
    """YAML front matter (`---` ... `---` at the top) and the body, front matter blanked."""
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        return {}, text
    for end in range(1, len(lines)):
        if lines[end].strip() in ("---", "..."):
            break
    else:
        return {}, text
    meta: Any = None
    try:
        meta = yaml.safe_load("\n".join(lines[1:end]))
    except yaml.YAMLError:
        warnings.append(f"{name}:1: the front matter is not valid YAML; ignored")
    body = "\n" * (end + 1) + "\n".join(lines[end + 1:])
    return (meta if isinstance(meta, dict) else {}), body


def _drop_details_tags(text: str) -> str:
    """Blank the <details>/<summary> lines (keeping line numbers) so what is inside a
    <details> block is read as Markdown, whatever blank lines surround it."""
    lines = text.split("\n")
    in_summary = False
    for i, line in enumerate(lines):
        if in_summary:
            in_summary = not _SUMMARY_CLOSE.search(line)
            lines[i] = ""
        elif line.strip() and _DETAILS_LINE.match(line):
            lines[i] = ""
        elif _SUMMARY_OPEN.match(line) and not _SUMMARY_CLOSE.search(line):
            in_summary = True
            lines[i] = ""
    return "\n".join(lines)


# How deep lists and quotes may nest, in markdown-it's levels (a list level counts two:
# the list and its item; a quote one). markdown-it parses nested blocks by recursion and
# silently drops what lies deeper than its limit, so deeper text is refused (exit 3).
MAX_NESTING = 100


class _Parser(MarkdownIt):
    """CommonMark with tables; link destinations kept as written (no percent-encoding);
    nesting deeper than MAX_NESTING refused instead of dropped."""

    def __init__(self) -> None:
        super().__init__("commonmark", options_update={"maxNesting": MAX_NESTING})
        blocks = _NestingBlocks()
        blocks.ruler = self.block.ruler  # the preset's rules, as configured
        self.block = blocks

    def normalizeLink(self, url: str) -> str:
        return url


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


def _parser() -> MarkdownIt:
    return _Parser().enable(["table", "strikethrough"])


@dataclass
class _Block:
    kind: str  # heading | item | row | para | quote | html | hr
    line: int
    inlines: list[Token] = field(default_factory=list)
    level: int = 0
    html: str = ""


def _blocks(tokens: Sequence[Token]) -> Iterator[_Block]:
    """The document's blocks in order; all inline parts of one list item or table row are
    gathered into that item's block (nested items get blocks of their own)."""
    stack: list[Token] = []
    grouped: dict[int, _Block] = {}
    for tok in tokens:
        if tok.nesting == 1:
            stack.append(tok)
            continue
        if tok.nesting == -1:
            stack.pop()
            continue
        line = tok.map[0] + 1 if tok.map else (stack[-1].map[0] + 1 if stack and
                                               stack[-1].map else 1)
        if tok.type == "hr":
            yield _Block("hr", line)
        elif tok.type == "html_block":
            yield _Block("html", line, html=tok.content)
        elif tok.type == "inline":
            owner = _owner(stack)
            if owner is None:
                kind = "quote" if any(t.type == "blockquote_open" for t in stack) else "para"
                yield _Block(kind, line, [tok])
            elif owner.type == "heading_open":
                yield _Block("heading", line, [tok], level=int(owner.tag[1]))
            elif id(owner) in grouped:
                grouped[id(owner)].inlines.append(tok)
            else:
                kind = "item" if owner.type == "list_item_open" else "row"
                block = _Block(kind, owner.map[0] + 1 if owner.map else line, [tok])
                grouped[id(owner)] = block
                yield block


def _owner(stack: Sequence[Token]) -> Token | None:
    for tok in reversed(stack):
        if tok.type in ("heading_open", "list_item_open", "tr_open"):
            return tok
    return None


# -- inline text -------------------------------------------------------------------------

def _inline_text(tokens: Sequence[Token], *, marks: bool) -> str:
    """The text of inline tokens; with `marks`, emphasis marks kept and images left out,
    else the alt text of images in their place."""
    parts: list[str] = []
    for tok in tokens:
        if tok.type in ("text", "code_inline"):
            parts.append(tok.content)
        elif tok.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif marks and tok.type in ("em_open", "em_close", "strong_open", "strong_close"):
            parts.append(tok.markup)
        elif not marks and tok.type == "image":
            parts.append(_plain(tok.children or []) or tok.content)
    return "".join(parts)


def _plain(tokens: Sequence[Token]) -> str:
    """The visible text of inline tokens, on one line."""
    return " ".join(_inline_text(tokens, marks=False).split())


def _markup(tokens: Sequence[Token]) -> str:
    """Inline tokens back to text with emphasis marks, to tell '*Practical*' from 'Ann'."""
    return _inline_text(tokens, marks=True)


@dataclass(frozen=True)
class _RawLink:
    href: str
    label: str


def _raw_links(children: Sequence[Token]) -> Iterator[_RawLink]:
    """Every link of a run of inline tokens: Markdown links, autolinks, <a href>, bare URLs."""
    i = 0
    while i < len(children):
        tok = children[i]
        if tok.type == "link_open":
            depth, j = 1, i + 1
            while j < len(children) and depth:
                depth += children[j].nesting if children[j].type.startswith("link_") else 0
                j += 1
            inner = children[i + 1:j - 1]
            label = "" if tok.markup == "autolink" else _plain(inner)
            yield _RawLink(str(tok.attrs.get("href", "")), label)
            i = j
            continue
        if tok.type == "html_inline" and not tok.content.startswith("<!--"):
            for match in _HREF.finditer(tok.content):
                yield _RawLink(match.group(1) or match.group(2) or "", "")
        elif tok.type == "text":
            for match in _BARE_URL.finditer(tok.content):
                yield _RawLink(_trim_bare_url(match.group(0)), "")
        i += 1


def _trim_bare_url(url: str) -> str:
    """GFM's rule for a bare URL's end: no trailing punctuation, balanced parentheses."""
    while url and url[-1] in ".,:;!?*_~'\"":
        url = url[:-1]
    while url.endswith(")") and url.count(")") > url.count("("):
        url = url[:-1]
    return url


def _children(block: _Block) -> Iterator[Token]:
    for inline in block.inlines:
        yield from inline.children or []
        yield Token("softbreak", "br", 0)


# -- building the catalog ----------------------------------------------------------------

class _Builder:
    """Walks the blocks once: sections from headings, entries from items and bold titles."""

    def __init__(self, name: str, clean: CleanFn, warnings: list[str]) -> None:
        self.name = name
        self.clean = clean
        self.warnings = warnings
        self.root = ImportedSection("", 0)
        self.stack: list[ImportedSection] = [self.root]
        self.current: ImportedEntry | None = None
        self.doc_title = ""
        self.title_h1: _Block | None = None

    def run(self, blocks: list[_Block]) -> None:
        h1 = [b for b in blocks if b.kind == "heading" and b.level == 1]
        if len(h1) == 1:
            self.title_h1 = h1[0]
            self.doc_title = _plain(list(_children(h1[0])))
        for block in blocks:
            getattr(self, f"on_{block.kind}")(block)

    # -- blocks ------------------------------------------------------------------------
    def on_heading(self, block: _Block) -> None:
        self.current = None
        if block is self.title_h1:
            del self.stack[1:]
            self.attach(block)
            return
        title = _plain(list(_children(block)))
        if not title:
            self.attach(block)
            return
        while self.stack[-1].level >= block.level and len(self.stack) > 1:
            self.stack.pop()
        section = ImportedSection(title, block.level)
        self.stack[-1].sections.append(section)
        self.stack.append(section)
        self.attach(block)

    def on_hr(self, block: _Block) -> None:
        self.current = None

    def on_item(self, block: _Block) -> None:
        self.current = None
        children = list(block.inlines[0].children or [])
        links = self.links(block)
        if not links:
            return
        entry = ImportedEntry(self.item_title(children, links), block.line, links)
        self.add(entry)

    on_row = on_item

    def on_para(self, block: _Block) -> None:
        children = list(block.inlines[0].children or [])
        first = next((t for t in children if not (t.type == "text" and not t.content.strip())),
                     None)
        if first is None or first.type != "strong_open":
            self.attach(block)
            return
        entry = self.bold_entry(children, block)
        self.add(entry)
        self.current = entry

    def on_quote(self, block: _Block) -> None:
        self.attach(block)

    def on_html(self, block: _Block) -> None:
        """HTML: its href attributes, and any URL written in it (Markdown is not read
        inside an HTML block, but its links still belong to the document)."""
        html = _HTML_COMMENT.sub("", block.html)
        hrefs = [m.group(1) or m.group(2) or "" for m in _HREF.finditer(html)]
        bare = [_trim_bare_url(m.group(0)) for m in _BARE_URL.finditer(html)]
        raws = [_RawLink(href, "") for href in dict.fromkeys(hrefs + bare)]
        self.attach_links(self.accept(raws, block.line), block.line)

    # -- entries -----------------------------------------------------------------------
    def add(self, entry: ImportedEntry) -> None:
        self.stack[-1].entries.append(entry)

    def attach(self, block: _Block) -> None:
        self.attach_links(self.links(block), block.line)

    def attach_links(self, links: list[ImportedLink], line: int) -> None:
        """Links of a description go to the entry being described, else become entries."""
        if self.current is not None:
            self.current.links.extend(links)
            return
        for link in links:
            title = link.label or default_label(link.url)
            self.warnings.append(f"{self.name}:{line}: link {link.url} stands outside any "
                                 f"entry; it became the entry '{title}'")
            self.add(ImportedEntry(title, line, [link]))

    def links(self, block: _Block) -> list[ImportedLink]:
        return self.accept(_raw_links(list(_children(block))), block.line)

    def accept(self, raws: Iterator[_RawLink] | list[_RawLink], line: int
               ) -> list[ImportedLink]:
        """Cleaned http(s) links; others skipped (with a warning unless a page anchor)."""
        out: list[ImportedLink] = []
        for raw in raws:
            href = raw.href.strip()
            if not href or href.startswith("#"):
                continue
            url = _encode_spaces(self.clean(href))
            problem = url_problem(url)
            if problem is not None:
                message, detail, _hint = problem
                reason = message.split(" ", 1)[1]  # "is not an http(s) URL": drop the verb
                reason += f": {detail}" if detail else ""
                self.warnings.append(f"{self.name}:{line}: skipped link '{href}' ({reason})")
                continue
            out.append(ImportedLink(url, raw.label))
        return out

    def item_title(self, children: list[Token], links: list[ImportedLink]) -> str:
        """A list item's title: its bold text, its first link's text, or its lead-in text."""
        head = _until_break(children)
        lead = _skip_blank(head)
        if lead and lead[0].type == "strong_open":
            title = _plain(_strong_span(lead)[0])
        elif lead and lead[0].type == "link_open":
            title = links[0].label
        else:
            first_link = next((i for i, t in enumerate(head) if t.type == "link_open"),
                              len(head))
            title = _plain(head[:first_link])
        title = title.strip(" -–—:|,;")
        return title or links[0].label or default_label(links[0].url)

    def bold_entry(self, children: list[Token], block: _Block) -> ImportedEntry:
        """`**Title** (suffix) - Author - Provider - [label](url) | ...` and its description."""
        head = _until_break(children)
        title_tokens, after = _strong_span(_skip_blank(head))
        title = _plain(title_tokens).strip(" -–—:|,;")
        entry = ImportedEntry(title, block.line, self.links(block))
        if any(t.type == "link_open" for t in title_tokens):
            if not title and entry.links:
                entry.title = entry.links[0].label
            return entry
        first_link = next((i for i, t in enumerate(after) if t.type == "link_open"), len(after))
        segments = [s.strip(" :;,") for s in _SEPARATOR.split(f" {_markup(after[:first_link])} ")]
        suffix = _unmark(segments[0]) if segments else ""
        if suffix and len(suffix) <= 40 and len(suffix.split()) <= 6:  # '(GPSS)', not prose
            entry.title = f"{entry.title} {suffix}".strip()
        for segment in segments[1:]:
            self.credit(entry, segment)
        if not entry.title and entry.links:
            entry.title = entry.links[0].label or default_label(entry.links[0].url)
        return entry

    @staticmethod
    def credit(entry: ImportedEntry, segment: str) -> None:
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

    def finish(self) -> list[ImportedSection]:
        """The section tree: entries without links dropped (with a warning), links of one
        entry deduplicated, entries without a title named after their first link, empty
        sections dropped, loose top entries in a 'General'."""
        self.prune(self.root)
        sections = list(self.root.sections)
        if self.root.entries:
            general = ImportedSection("General", 1, entries=self.root.entries)
            sections.insert(0, general)
        return sections

    def prune(self, section: ImportedSection) -> None:
        kept = []
        for entry in section.entries:
            unique: dict[str, ImportedLink] = {}
            for link in entry.links:
                unique.setdefault(link.url, link)
            entry.links = list(unique.values())
            if entry.links:
                if not entry.title:  # '**[](url)**': the catalog needs a title
                    entry.title = entry.links[0].label or default_label(entry.links[0].url)
                kept.append(entry)
            else:
                self.warnings.append(f"{self.name}:{entry.line}: '{_short(entry.title)}' has "
                                     "no http(s) link; skipped")
        section.entries = kept
        for child in section.sections:
            self.prune(child)
        section.sections = [c for c in section.sections if not c.is_empty()]


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"


def _until_break(children: list[Token]) -> list[Token]:
    for i, tok in enumerate(children):
        if tok.type in ("softbreak", "hardbreak"):
            return children[:i]
    return children


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
    """Text without emphasis marks, on one line."""
    return " ".join(re.sub(r"(\*+|_{2,}|(?<!\w)_|_(?!\w))", "", text).split())


def _looks_like_org(text: str) -> bool:
    """'Fast.ai', 'ECMWF Sponsored', 'DTU', 'University of X' rather than a person's name."""
    return bool(re.search(r"\b[A-Z]{2,}\b", text)
                or re.search(r"\w\.(ai|com|org|io|net|dev|edu)\b", text, re.IGNORECASE)
                or _ORG_WORDS.search(text))


def _encode_spaces(url: str) -> str:
    return re.sub(r"\s", lambda m: "".join(f"%{b:02X}" for b in m.group(0).encode()), url)


# -- kinds -------------------------------------------------------------------------------

def guess_kind(title: str, links: Sequence[ImportedLink]) -> str:
    """A first guess at an entry's kind from its title, its first URL and its labels."""
    lowered = title.lower()
    labels = " ".join(link.label.lower() for link in links)
    if "lecture" in lowered:
        return "lectures"
    if _BOOK.search(lowered):
        return "book"
    if "course" in lowered or "mooc" in lowered:
        return "course"
    by_url = url_kind(links[0].url) if links else ""
    if by_url == "playlist" and "lecture" in labels:
        return "lectures"
    if by_url:
        return by_url
    if _BOOK.search(labels):
        return "book"
    if "course" in labels or "/course" in links[0].url.lower():
        return "course"
    if "tutorial" in lowered or "tutorial" in labels:
        return "tutorial"
    if re.search(r"\bdocs?\b|documentation", f"{lowered} {labels}"):
        return "documentation"
    return "website"


def url_kind(url: str) -> str:
    """The kind a URL alone tells: YouTube playlist/video/channel, repository, paper, ..."""
    parts = urlsplit(url)
    host = (parts.hostname or "").removeprefix("www.").removeprefix("m.")
    segments = [s for s in parts.path.split("/") if s]
    if host == "youtube.com":
        query = parse_qs(parts.query)
        if parts.path.startswith("/playlist") or ("list" in query and "v" not in query):
            return "playlist"
        if parts.path.startswith(("/watch", "/shorts/", "/live/")):
            return "video"
        if segments and (segments[0].startswith("@") or
                         segments[0] in ("channel", "c", "user") or len(segments) == 1):
            return "channel"
        return ""
    if host == "youtu.be":
        return "video"
    if (host.startswith("amazon.") and "/dp/" in parts.path) \
            or (host == "oreilly.com" and parts.path.startswith("/library/view/")):
        return "book"
    if host in ("github.com", "gitlab.com", "codeberg.org", "bitbucket.org") \
            and len(segments) >= 2:
        return "repository"
    if host == "arxiv.org" or host == "doi.org":
        return "paper"
    if host == "colab.research.google.com" or parts.path.endswith(".ipynb"):
        return "notebook"
    return ""


# -- writing YAML ------------------------------------------------------------------------

def slugify(text: str, fallback: str = "entry") -> str:
    """A catalog id from a title: ascii, lowercase, '-' between words, at most 60 chars."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    if len(slug) > _SLUG_MAX:
        slug = slug[:_SLUG_MAX].rsplit("-", 1)[0]
    return slug or fallback


class _Ids:
    """Unique ids: the slug, then slug-2, slug-3..."""

    def __init__(self, fallback: str) -> None:
        self.fallback = fallback
        self.used: set[str] = set()

    def make(self, title: str) -> str:
        base = slugify(title, self.fallback)
        ident, n = base, 1
        while ident in self.used:
            n += 1
            ident = f"{base}-{n}"
        self.used.add(ident)
        return ident


def yaml_scalar(value: str) -> str:
    """A YAML scalar for `value`: plain when it reads back unchanged, else double-quoted."""
    if plain_ok(value):
        return value
    quoted = json.dumps(value, ensure_ascii=False)
    return "".join(f"\\u{ord(c):04x}" if _unprintable(c) else c for c in quoted)


def _unprintable(char: str) -> bool:
    code = ord(char)
    return 0x7F <= code <= 0x9F or 0xD800 <= code <= 0xDFFF or code in (0xFFFE, 0xFFFF)


def _comment(text: str) -> str:
    return " ".join(text.split())


def emit_yaml(title: str, source: dict[str, str], sections: list[ImportedSection],
              file_name: str) -> str:
    """The catalog as readable 2-space YAML, with comments where a person has work to do."""
    out = [
        f"# Imported by `curatorbot import` from {_comment(file_name)}.",
        "# Summaries were not copied from the source: write a one-line summary in your own",
        "# words for each entry (the '# summary: TODO' lines), then check kinds, authors and",
        "# tags (kinds are guessed from titles and URLs).",
        "version: 1",
        f"title: {yaml_scalar(title)}",
    ]
    if source:
        out.append("source:")
        out.extend(f"  {key}: {yaml_scalar(value)}" for key, value in source.items())
    out.append("sections:")
    section_ids, entry_ids = _Ids("section"), _Ids("entry")
    for section in sections:
        _emit_section(out, section, 2, section_ids, entry_ids)
    return "\n".join(out) + "\n"


def _emit_section(out: list[str], section: ImportedSection, indent: int, section_ids: _Ids,
                  entry_ids: _Ids) -> None:
    pad = " " * indent
    out.append(f"{pad}- id: {yaml_scalar(section_ids.make(section.title))}")
    out.append(f"{pad}  title: {yaml_scalar(section.title)}")
    if section.entries:
        out.append(f"{pad}  entries:")
        for entry in section.entries:
            _emit_entry(out, entry, indent + 4, entry_ids)
    if section.sections:
        out.append(f"{pad}  sections:")
        for child in section.sections:
            _emit_section(out, child, indent + 4, section_ids, entry_ids)


def _emit_entry(out: list[str], entry: ImportedEntry, indent: int, entry_ids: _Ids) -> None:
    pad = " " * indent
    out.append(f"{pad}- id: {yaml_scalar(entry_ids.make(entry.title))}")
    out.append(f"{pad}  title: {yaml_scalar(entry.title)}")
    out.append(f"{pad}  kind: {guess_kind(entry.title, entry.links)}")
    if entry.authors:
        out.append(f"{pad}  authors:")
        out.extend(f"{pad}    - {yaml_scalar(author)}" for author in entry.authors)
    if entry.provider:
        out.append(f"{pad}  provider: {yaml_scalar(entry.provider)}")
    out.append(f"{pad}  tags: []")
    out.extend(f"{pad}  # from the source: {_comment(note)}" for note in entry.notes)
    out.append(f"{pad}  # summary: TODO")
    out.append(f"{pad}  links:")
    for link in entry.links:
        out.append(f"{pad}    - url: {yaml_scalar(link.url)}")
        if link.label:
            out.append(f"{pad}      label: {yaml_scalar(link.label)}")


def _meta_text(value: Any) -> str:
    return " ".join(value.split()) if isinstance(value, str) else ""


def _source(meta: dict[str, Any], title: str, name: str) -> dict[str, str]:
    """The catalog's `source:` credit, from the front matter where it has one."""
    authors = meta.get("authors", meta.get("author"))
    if isinstance(authors, str | dict):
        authors = [authors]
    names = []
    for author in authors if isinstance(authors, list) else []:
        value = author.get("name") if isinstance(author, dict) else author
        if isinstance(value, str) and value.strip():
            names.append(" ".join(value.split()))
    source = {"title": title, "author": ", ".join(names),
              "url": _meta_text(meta.get("url")), "license": _meta_text(meta.get("license")),
              "note": f"Imported from {PurePath(name).name} with curatorbot import."}
    return {key: value for key, value in source.items() if value}


def _walk_sections(section: ImportedSection) -> Iterator[ImportedSection]:
    yield section
    for child in section.sections:
        yield from _walk_sections(child)


def _walk_entries(section: ImportedSection) -> Iterator[ImportedEntry]:
    for each in _walk_sections(section):
        yield from each.entries
