"""The catalog as data: sections, entries and links, each knowing its line in the file.

These are plain frozen values built by `catalog.load`; nothing here reads or writes files.
Humans own every field except a link's `bot` mapping, which only curatorbot writes.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

KINDS: tuple[str, ...] = (
    "book",
    "channel",
    "community",
    "course",
    "documentation",
    "event",
    "lectures",
    "notebook",
    "paper",
    "playlist",
    "repository",
    "tutorial",
    "video",
    "website",
)

# Keys curatorbot maintains under a link's `bot:` mapping, with the YAML types they hold.
BOT_KEYS: Mapping[str, tuple[type, ...]] = {
    "title": (str,),          # the page's own title (or the video's, the repository's)
    "checked": (str,),        # date of the last run that changed this link's data
    "dead_since": (str,),     # confirmed dead (N failing runs); date of the first failure
    "repo": (str,),           # GitHub: the repository's current owner/name
    "stars": (int,),          # GitHub: stargazers, rewritten only on a meaningful change
    "pushed": (str,),         # GitHub: date of the last push (month-level churn is skipped)
    "archived": (bool,),      # GitHub: archived by its owner
    "license": (str,),        # GitHub: SPDX id of the licence
    "archived_copy": (str,),  # confirmed dead: its last 200 capture before the first failure
}


SPAN = "span"
"""The first step of an edit path that names characters of the text: (SPAN, start, end)."""


def span_path(span: tuple[int, int]) -> tuple[str | int, ...]:
    """The edit path of the characters `span` of a Markdown catalog's text."""
    return (SPAN, span[0], span[1])


@dataclass(frozen=True, slots=True)
class Link:
    """One URL of an entry. `line` is the line of its `url:` value (in a Markdown catalog,
    the line the URL is written on, and `span` the characters of the URL in the file's
    text, or None when it is not written literally there and cannot be edited)."""

    url: str
    line: int
    label: str = ""
    ignore: bool = False
    bot: Mapping[str, Any] = field(default_factory=dict)
    entry_id: str = ""
    index: int = 0
    span: tuple[int, int] | None = None


@dataclass(frozen=True, slots=True)
class Entry:
    """One resource of the catalog (a course, a book, a repository...)."""

    id: str
    title: str
    kind: str
    line: int
    links: tuple[Link, ...] = ()
    authors: tuple[str, ...] = ()
    provider: str = ""
    tags: tuple[str, ...] = ()
    summary: str = ""
    year: int | None = None


@dataclass(frozen=True, slots=True)
class Section:
    """A heading of the catalog; sections nest (Books > Code-First)."""

    id: str
    title: str
    line: int
    description: str = ""
    entries: tuple[Entry, ...] = ()
    sections: tuple[Section, ...] = ()
    depth: int = 1

    def walk(self) -> Iterator[Section]:
        """This section, then every nested one, in file order (sections nest to any
        depth, so this keeps its own stack instead of recursing)."""
        stack = [self]
        while stack:
            section = stack.pop()
            yield section
            stack.extend(reversed(section.sections))


# A section's place in the tree: its index in its parent's list, and the parent's place.
_Place = tuple[int, "_Place | None"]


@dataclass(frozen=True, slots=True)
class Source:
    """Where the catalog's content comes from, and under which licence."""

    title: str = ""
    author: str = ""
    url: str = ""
    license: str = ""
    note: str = ""


@dataclass(frozen=True, slots=True)
class Catalog:
    """A whole catalog file, loaded and valid."""

    path: str
    title: str
    sections: tuple[Section, ...]
    description: str = ""
    source: Source = Source()
    settings: Mapping[str, Any] = field(default_factory=dict)
    # A Markdown catalog: its http(s) links outside entries (badges, prose, navigation),
    # checked like the others.
    loose: tuple[Link, ...] = ()
    markdown: bool = False

    def walk_sections(self) -> Iterator[Section]:
        """Every section, nested ones included, in file order (any depth, no recursion)."""
        stack = list(reversed(self.sections))
        while stack:
            section = stack.pop()
            yield section
            stack.extend(reversed(section.sections))

    def entries(self) -> Iterator[Entry]:
        """Every entry, in file order."""
        for section in self.walk_sections():
            yield from section.entries

    def links(self) -> Iterator[Link]:
        """Every link of every entry, then the loose links of a Markdown catalog (a URL
        used twice comes twice)."""
        for entry in self.entries():
            yield from entry.links
        yield from self.loose

    def link_paths(self) -> Iterator[tuple[Link, tuple[str | int, ...]]]:
        """Every link with the path of its mapping in the YAML tree, for `catalog.edit`;
        in a Markdown catalog, the path of its URL's characters (`span_path`), or () for a
        URL not written literally where it is used.

        Sections nest to any depth: they are walked with a stack, each knowing its index
        and its parent's place (a chain), and a path is spelled out only for a section
        that has entries."""
        if self.markdown:
            for link in self.links():
                yield link, span_path(link.span) if link.span is not None else ()
            return

        def path_of(place: _Place | None) -> tuple[str | int, ...]:
            steps: list[str | int] = []
            while place is not None:
                steps += [place[0], "sections"]
                place = place[1]
            return tuple(reversed(steps))

        stack: list[tuple[Section, _Place]] = [
            (section, (i, None)) for i, section in reversed(list(enumerate(self.sections)))]
        while stack:
            section, place = stack.pop()
            if section.entries:
                here = path_of(place)
                for j, entry in enumerate(section.entries):
                    for link in entry.links:
                        yield link, (*here, "entries", j, "links", link.index)
            stack.extend((child, (i, place))
                         for i, child in reversed(list(enumerate(section.sections))))

    def entry(self, entry_id: str) -> Entry:
        """The entry with this id; KeyError when there is none."""
        for entry in self.entries():
            if entry.id == entry_id:
                return entry
        raise KeyError(entry_id)
