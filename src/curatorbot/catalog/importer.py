"""Turning a Markdown link list (an awesome list, a reading list) into catalog YAML.

The list is read by `catalog.markdown.read_markdown` (the one Markdown reader, shared with
Markdown catalogs; its docstring maps every shape to what it becomes). This module keeps
what the maintainer wrote and writes it as YAML: each entry's description becomes its
`summary` verbatim (inline Markdown as written), short-label table columns and trailing code
spans its `tags`, text between a bold title and its links its authors or provider. Links
outside entries (badges of the list, navigation, prose) are checked in a Markdown catalog
but are not entries: the import says how many it left out. Where the reader had to guess,
the import says so once per kind of guess.

URLs pass through a `clean` hook (default: strip white space) so the caller can unwrap
redirect wrappers and drop tracking parameters before they reach the catalog. A credit line
written by `render` (`*Based on ...*`) becomes the catalog's `source` again.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import PurePath
from typing import Any, Protocol
from urllib.parse import parse_qs, urlsplit

from curatorbot.catalog.edit import plain_ok
from curatorbot.catalog.load import url_problem
from curatorbot.catalog.markdown import (
    MAX_NESTING,
    MdDocument,
    MdEntry,
    MdLink,
    MdSection,
    TooDeep,
    read_markdown,
)
from curatorbot.catalog.model import Source
from curatorbot.catalog.render import credit_line, default_label
from curatorbot.errors import CatalogError

CleanFn = Callable[[str], str]

_SLUG_MAX = 60
_BOOK = re.compile(r"(?<!note)(?<!face)books?")
_CREDIT = re.compile(r"^\*Based on (?:\[(?P<t1>.+?)\]\((?:<(?P<url2>[^>\s]+)>|"
                     r"(?P<url>(?:[^()\s]|\([^()\s]*\))+))\)|(?P<t2>.+?))"
                     r"(?: by (?P<author>.+))?$")
_LICENSED = re.compile(r", licensed (?P<license>(?:[^.]|\.(?! |\*$))+)\.(?: (?P<note>.+))?\*$")
_NOTE = re.compile(r"\.(?: (?P<note>.+))?\*$")


class LinkLike(Protocol):
    """What kind guessing reads of a link."""

    @property
    def url(self) -> str: ...

    @property
    def label(self) -> str: ...


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
    if not text.removeprefix("\ufeff").strip():
        raise CatalogError(f"{name}: the file is empty; import expects a Markdown list of "
                           "links such as '- [Title](https://...) - description'")
    try:
        doc = read_markdown(text, name)
    except TooDeep as exc:
        raise CatalogError(f"{name}:{exc.line}: lists or quotes nested too deep for import "
                           f"(over {MAX_NESTING} levels: a list level counts 2, a quote 1); "
                           "flatten them") from None
    warnings = [f"{name}:{line}: {message}" for line, message in doc.problems
                if "front matter" in message]
    converter = _Converter(name, clean, warnings)
    sections = converter.sections(doc)
    entries = [e for s in sections for e in _walk_entries(s)]
    if not entries:
        raise CatalogError(f"{name}: no http(s) links found; import expects a Markdown list "
                           "of links such as '- [Title](https://...) - description'")
    warnings.extend(f"{name}:{line}: {message}" for line, message in doc.problems
                    if "front matter" not in message)
    converter.report_loose(doc)
    warnings.extend(f"{name}: guessed: {guess}" for guess in doc.guesses)
    description, source = _intro(doc)
    title = _meta_text(doc.meta.get("title")) or doc.title or PurePath(name).stem
    source = _front_matter_source(doc.meta, title) or source
    yaml_text = emit_yaml(title, source, sections, PurePath(name).name, description)
    return ImportResult(
        text=yaml_text,
        warnings=tuple(warnings),
        sections=sum(1 for s in sections for _ in _walk_sections(s)),
        entries=len(entries),
        links=sum(len(e.links) for e in entries),
    )


class _Converter:
    """From the reader's sections to what is written: clean URLs, drop what cannot be."""

    def __init__(self, name: str, clean: CleanFn, warnings: list[str]) -> None:
        self.name = name
        self.clean = clean
        self.warnings = warnings
        self.own = 0
        self.first_own = 0

    def sections(self, doc: MdDocument) -> list[MdSection]:
        """The section tree: empty sections dropped, loose top entries in a 'General'."""
        out = [s for s in (self.section(child) for child in doc.root.sections)
               if not _is_empty(s)]
        root = doc.root.entries + (self.own_entries(doc.root) if not out else [])
        top = self.entries(sorted(root, key=lambda e: e.line))
        if top:
            out.insert(0, MdSection("General", 1, top[0].line, entries=top))
        return out

    def section(self, section: MdSection) -> MdSection:
        children = [s for s in (self.section(c) for c in section.sections) if not _is_empty(s)]
        entries = section.entries + self.own_entries(section)
        entries.sort(key=lambda e: e.line)
        return MdSection(section.title, section.level, section.line, section.description,
                         self.entries(entries), children)

    def own_entries(self, section: MdSection) -> list[MdEntry]:
        """Links in a section's prose (not badges, not navigation) as entries of their own."""
        out = [MdEntry(link.label, link.line, [link]) for link in section.loose
               if not link.role and link.url.lower().startswith(("http://", "https://"))]
        if out:
            self.own += len(out)
            self.first_own = min(self.first_own or out[0].line, out[0].line)
        return out

    def entries(self, entries: list[MdEntry]) -> list[MdEntry]:
        """The entries with their links cleaned and checked (one link per URL); an entry
        left without a link is skipped, saying so."""
        out = []
        for entry in entries:
            links: dict[str, MdLink] = {}
            for link in entry.links:
                url = self.accept(link.url, link.line)
                if url is not None:
                    links.setdefault(url, MdLink(url, link.line, None, link.label))
            if not links:
                self.warnings.append(f"{self.name}:{entry.line}: '{_short(entry.title)}' has "
                                     "no http(s) link; skipped")
                continue
            first = next(iter(links.values()))
            out.append(replace(entry, links=list(links.values()),
                               title=entry.title or first.label or default_label(first.url)))
        return out

    def accept(self, href: str, line: int) -> str | None:
        """The cleaned http(s) URL, or None (with a warning saying why)."""
        url = _encode_spaces(self.clean(href.strip()))
        problem = url_problem(url)
        if problem is None:
            return url
        message, detail, _hint = problem
        reason = message.split(" ", 1)[1]  # "is not an http(s) URL": drop the verb
        reason += f": {detail}" if detail else ""
        self.warnings.append(f"{self.name}:{line}: skipped link '{href}' ({reason})")
        return None

    def report_loose(self, doc: MdDocument) -> None:
        if self.own:
            self.warnings.append(
                f"{self.name}:{self.first_own}: {self.own} link(s) in prose outside any list "
                "item became entries of their own")
        loose = [lk for s in doc.root.walk() for lk in s.loose
                 if lk.url.lower().startswith(("http://", "https://"))
                 and (lk.role or s is doc.root)]
        if loose:
            self.warnings.append(
                f"{self.name}:{loose[0].line}: {len(loose)} link(s) outside any entry "
                "(badges, navigation, prose) were not imported; a Markdown catalog still "
                "checks them")


def _intro(doc: MdDocument) -> tuple[str, dict[str, str]]:
    """The catalog's description and a credit line `render` wrote, from the paragraphs
    before the first section."""
    description, source = "", dict[str, str]()
    for text, written in doc.intro:
        found = _credit_source(written)
        if found and not source:
            source = found
        elif not description:
            description = text
    return description, source


def _credit_source(written: str) -> dict[str, str]:
    """The `source` a credit line says (`*Based on T by A, licensed L. Note*`), when
    rendering that source gives the line back. The licence is read from the first
    ', licensed ', so initials in a name ('J. Doe') stay in the name."""
    values = {"title": "", "author": "", "url": "", "license": "", "note": ""}
    head, licensed, _ = written.partition(", licensed ")
    if licensed:
        tail = _LICENSED.search(written, len(head))
        if tail is None:
            return {}
        values["license"], values["note"] = tail["license"], tail["note"] or ""
    else:
        tail = _NOTE.search(written)
        if tail is None:
            return {}
        head = written[:tail.start()]
        values["note"] = tail["note"] or ""
    match = _CREDIT.match(head)
    if match is None:
        return {}
    values.update(title=match["t1"] or match["t2"] or "",
                  url=match["url"] or match["url2"] or "",
                  author=match["author"] or "")
    if values["title"] == "its source" and not match["t1"]:
        values["title"] = ""
    values = {k: re.sub(r"\\(.)", r"\1", v) for k, v in values.items()}
    if credit_line(Source(**values)) != written:
        return {}
    return {k: v for k, v in values.items() if v}


def _is_empty(section: MdSection) -> bool:
    return not section.entries and not section.sections


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"


def _encode_spaces(url: str) -> str:
    return re.sub(r"\s", lambda m: "".join(f"%{b:02X}" for b in m.group(0).encode()), url)


# -- kinds -------------------------------------------------------------------------------

def guess_kind(title: str, links: Sequence[LinkLike]) -> str:
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


class Ids:
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


def emit_yaml(title: str, source: dict[str, str], sections: list[MdSection],
              file_name: str, description: str = "") -> str:
    """The catalog as readable 2-space YAML, with comments where a person has work to do."""
    out = [
        f"# Imported by `curatorbot import` from {_comment(file_name)}.",
        "# Summaries are the list's own descriptions, as written; check kinds (guessed from",
        "# titles and URLs), authors and tags.",
        "version: 1",
        f"title: {yaml_scalar(title)}",
    ]
    if description:
        out.append(f"description: {yaml_scalar(description)}")
    if source:
        out.append("source:")
        out.extend(f"  {key}: {yaml_scalar(value)}" for key, value in source.items())
    out.append("sections:")
    section_ids, entry_ids = Ids("section"), Ids("entry")
    for section in sections:
        _emit_section(out, section, 2, section_ids, entry_ids)
    return "\n".join(out) + "\n"


def _emit_section(out: list[str], section: MdSection, indent: int, section_ids: Ids,
                  entry_ids: Ids) -> None:
    pad = " " * indent
    out.append(f"{pad}- id: {yaml_scalar(section_ids.make(section.title))}")
    out.append(f"{pad}  title: {yaml_scalar(section.title)}")
    if section.description:
        out.append(f"{pad}  description: {yaml_scalar(section.description)}")
    if section.entries:
        out.append(f"{pad}  entries:")
        for entry in section.entries:
            _emit_entry(out, entry, indent + 4, entry_ids)
    if section.sections:
        out.append(f"{pad}  sections:")
        for child in section.sections:
            _emit_section(out, child, indent + 4, section_ids, entry_ids)


def _emit_entry(out: list[str], entry: MdEntry, indent: int, entry_ids: Ids) -> None:
    pad = " " * indent
    out.append(f"{pad}- id: {yaml_scalar(entry_ids.make(entry.title))}")
    out.append(f"{pad}  title: {yaml_scalar(entry.title)}")
    out.append(f"{pad}  kind: {guess_kind(entry.title, entry.links)}")
    if entry.authors:
        out.append(f"{pad}  authors:")
        out.extend(f"{pad}    - {yaml_scalar(author)}" for author in entry.authors)
    if entry.provider:
        out.append(f"{pad}  provider: {yaml_scalar(entry.provider)}")
    if entry.tags:
        out.append(f"{pad}  tags:")
        out.extend(f"{pad}    - {yaml_scalar(tag)}" for tag in entry.tags)
    else:
        out.append(f"{pad}  tags: []")
    out.extend(f"{pad}  # from the source: {_comment(note)}" for note in entry.notes)
    if entry.summary:
        out.append(f"{pad}  summary: {yaml_scalar(entry.summary)}")
    out.append(f"{pad}  links:")
    for link in entry.links:
        out.append(f"{pad}    - url: {yaml_scalar(link.url)}")
        if link.label:
            out.append(f"{pad}      label: {yaml_scalar(link.label)}")


def _meta_text(value: Any) -> str:
    return " ".join(value.split()) if isinstance(value, str) else ""


def _front_matter_source(meta: dict[str, Any], title: str) -> dict[str, str]:
    """The catalog's `source:` credit from the front matter, when it says who or what."""
    authors = meta.get("authors", meta.get("author"))
    if isinstance(authors, str | dict):
        authors = [authors]
    names = []
    for author in authors if isinstance(authors, list) else []:
        value = author.get("name") if isinstance(author, dict) else author
        if isinstance(value, str) and value.strip():
            names.append(" ".join(value.split()))
    source = {"author": ", ".join(names), "url": _meta_text(meta.get("url")),
              "license": _meta_text(meta.get("license"))}
    if not any(source.values()):
        return {}
    return {key: value for key, value in {"title": title, **source}.items() if value}


def _walk_sections(section: MdSection) -> Iterator[MdSection]:
    yield section
    for child in section.sections:
        yield from _walk_sections(child)


def _walk_entries(section: MdSection) -> Iterator[MdEntry]:
    for each in _walk_sections(section):
        yield from each.entries
