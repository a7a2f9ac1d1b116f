"""Reading `catalog.yaml` into a `Catalog`, with every problem pinned to file:line.

Loading is safe-only (yaml.SafeLoader's composer and constructor): the YAML node tree keeps
the line of every value, so entries and links know where they stand and every validation
problem says where it is and what was expected. All problems are gathered, then raised once
as `CatalogInvalid`; the CLI prints one line per problem and exits 3.
"""

from __future__ import annotations

import codecs
import difflib
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any, cast
from urllib.parse import urlsplit

import yaml

from curatorbot.catalog.model import BOT_KEYS, KINDS, Catalog, Entry, Link, Section, Source
from curatorbot.errors import CatalogError, CatalogInvalid, Problem
from curatorbot.settings import SETTING_TYPES, limit_problem

# libyaml's composer when PyYAML has it (same nodes and marks, about 4x faster), else Python's.
_COMPOSER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]*$")

ROOT_KEYS = ("version", "title", "description", "source", "settings", "sections")
SOURCE_KEYS = ("title", "author", "url", "license", "note")
SECTION_KEYS = ("id", "title", "description", "entries", "sections")
ENTRY_KEYS = ("id", "title", "kind", "authors", "provider", "tags", "summary", "year", "links")
LINK_KEYS = ("url", "label", "ignore", "bot")

# Values that must not be empty, with what to write instead (the problem's hint).
_REQUIRED = {"title": "the title shown on the page", "kind": f"one of: {', '.join(KINDS)}",
             "url": "the link's http(s) address"}

_TYPE_NAMES = {str: "a string", int: "a whole number", float: "a number", bool: "true or false",
               list: "a list", dict: "a mapping"}


def read_text(path: str | Path) -> str:
    """The file's text as UTF-8 (a BOM is dropped); CatalogError/CatalogInvalid otherwise."""
    return decode_text(read_bytes(path), str(path))


def read_bytes(path: str | os.PathLike[str]) -> bytes:
    """The file's bytes; CatalogError with what to do when it cannot be read."""
    name = str(path)
    try:
        return Path(path).read_bytes()
    except FileNotFoundError:
        raise CatalogError(
            f"{name}: no such file; pass the catalog's path, or run where catalog.yaml is"
        ) from None
    except IsADirectoryError:
        raise CatalogError(f"{name}: is a directory; pass the catalog file itself") from None
    except OSError as exc:
        raise CatalogError(f"{name}: cannot read ({exc.strerror}); check its permissions") from None


def decode_text(data: bytes, name: str) -> str:
    """Decode catalog bytes as UTF-8 (BOM allowed), naming the line of the first bad byte."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise CatalogInvalid([Problem(
            name, line, f"not UTF-8 text (byte 0x{data[exc.start]:02x})",
            "save the file as UTF-8", code="encoding",
        )]) from None


def check_utf8(data: bytes, name: str) -> bytes:
    """`data` without its BOM, once known to be UTF-8 (checked without decoding it whole)."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    step = 1 << 20
    for start in range(0, len(data), step):
        try:
            decoder.decode(data[start:start + step], final=start + step >= len(data))
        except UnicodeDecodeError:
            decode_text(data, name)  # raises the one-line problem with its line
    return data[3:] if data.startswith(codecs.BOM_UTF8) else data


MARKDOWN_SUFFIXES = (".md", ".markdown")
SETTINGS_FILE = ".curatorbot.yaml"


def is_markdown(name: str | os.PathLike[str]) -> bool:
    """Whether the catalog at `name` is a Markdown file (by its suffix)."""
    return Path(name).suffix.lower() in MARKDOWN_SUFFIXES


def load_catalog(path: str | Path, *, on_link: Callable[[Link], None] | None = None,
                 keep_entries: bool = True) -> Catalog:
    """Read and validate a catalog file (YAML, or Markdown for a `.md`/`.markdown` path).
    Raises CatalogError or CatalogInvalid.

    The YAML parser reads the file's UTF-8 bytes directly, so a large catalog is never held
    as both bytes and text."""
    name = str(path)
    if is_markdown(name):
        return parse_catalog(read_text(path), name, on_link=on_link)
    return parse_catalog(check_utf8(read_bytes(path), name), name, on_link=on_link,
                         keep_entries=keep_entries)


def parse_catalog(text: str | bytes, name: str = "catalog.yaml", *,
                  on_link: Callable[[Link], None] | None = None,
                  keep_entries: bool = True) -> Catalog:
    """Validate catalog text; `name` is used in messages.

    The YAML event stream is read once, front to back, and the model is built as it goes:
    no node tree is kept, so memory is the model's own. `on_link` sees every link as it is
    read; with `keep_entries=False` the entries are validated and then let go (sections
    keep none), for callers that only need the links: a 100,000-link catalog then costs
    little more than its text.
    """
    if is_markdown(name):  # README.md as the catalog: see catalog/markdown_catalog.py
        from curatorbot.catalog.markdown_catalog import markdown_catalog

        source = text.decode("utf-8-sig") if isinstance(text, bytes) else text
        return markdown_catalog(source, name, on_link=on_link)
    builder = _Builder(name, _Events(text, name), on_link=on_link, keep_entries=keep_entries)
    return builder.catalog()


def load_side_settings(catalog_name: str) -> dict[str, Any]:
    """The settings of `.curatorbot.yaml` beside a Markdown catalog ({} when there is none):
    the keys of a YAML catalog's `settings:` block, validated the same way."""
    path = Path(catalog_name).parent / SETTINGS_FILE
    if not path.is_file():
        return {}
    name = str(path)
    text = read_text(path)
    builder = _Builder(name, _Events(text, name))
    return builder.settings_document()


def compose(text: str, name: str) -> yaml.Node:
    """The YAML node tree of `text` (safe loading), or CatalogInvalid with the line.

    Built from the event stream with an explicit stack (PyYAML's own composer recurses
    once per level of nesting), so a catalog nested to any depth can be edited."""
    events = _Events(text, name)
    resolver = yaml.resolver.Resolver()
    events.take()  # StreamStart
    if isinstance(events.peek(), yaml.StreamEndEvent):
        raise CatalogInvalid([_empty(name)])
    events.take()  # DocumentStart
    anchors: dict[str, yaml.Node] = {}
    # Open collections: the node and, for a mapping, the key waiting for its value.
    open_nodes: list[tuple[yaml.CollectionNode, list[yaml.Node]]] = []
    root: yaml.Node | None = None
    while root is None:
        event = events.take()
        node: yaml.Node | None = None
        if isinstance(event, yaml.AliasEvent):
            if event.anchor not in anchors:
                raise CatalogInvalid([Problem(name, _line(event),
                                              f"malformed YAML: undefined alias {event.anchor}",
                                              code="yaml")])
            node = anchors[event.anchor]
        elif isinstance(event, yaml.ScalarEvent):
            tag = _tag(resolver, yaml.ScalarNode, event, event.value)
            node = yaml.ScalarNode(tag, event.value, _mark(event.start_mark),
                                   _mark(event.end_mark), style=event.style)
        elif isinstance(event, yaml.SequenceStartEvent | yaml.MappingStartEvent):
            kind = yaml.SequenceNode if isinstance(event, yaml.SequenceStartEvent) \
                else yaml.MappingNode
            tag = _tag(resolver, kind, event, None)
            collection = kind(tag, [], _mark(event.start_mark), None,
                              flow_style=event.flow_style)
            if event.anchor is not None:
                anchors[event.anchor] = collection
            open_nodes.append((collection, []))
            continue
        else:  # the end of the innermost open collection
            node, _ = open_nodes.pop()
            node.end_mark = event.end_mark
        if isinstance(event, yaml.ScalarEvent) and event.anchor is not None:
            anchors[event.anchor] = node
        if not open_nodes:
            root = node
        elif isinstance(open_nodes[-1][0], yaml.MappingNode):
            mapping, pending = open_nodes[-1]
            if pending:
                mapping.value.append((pending.pop(), node))
            else:
                pending.append(node)
        else:
            open_nodes[-1][0].value.append(node)
    events.take()  # DocumentEnd
    if not isinstance(events.peek(), yaml.StreamEndEvent):
        raise CatalogInvalid([Problem(name, _line(events.peek()),
                                      "the file holds more than one YAML document",
                                      "remove the '---' and what follows", "yaml")])
    return root


def _tag(resolver: yaml.resolver.Resolver, kind: type[yaml.Node],
         event: yaml.NodeEvent, value: str | None) -> str:
    """The node's tag: its own, or the one YAML's implicit rules give it (as composing)."""
    tag = getattr(event, "tag", None)
    if tag not in (None, "!"):
        return str(tag)
    implicit = getattr(event, "implicit", None)
    return str(resolver.resolve(kind, value, implicit))  # type: ignore[no-untyped-call]


def _mark(mark: Any) -> yaml.Mark:
    """libyaml's marks (`yaml._yaml.Mark`) hold what PyYAML's do; nodes take either."""
    return cast(yaml.Mark, mark)


def _empty(name: str) -> Problem:
    return Problem(name, 1, "the catalog is empty",
                   "start with a mapping that has a 'sections:' list", code="empty")


def _yaml_problem(exc: yaml.YAMLError, text: str | bytes, name: str) -> Problem:
    if isinstance(exc, yaml.MarkedYAMLError):
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        what = exc.problem or exc.context or "malformed YAML"
        return Problem(name, line, f"malformed YAML: {what}",
                       "fix the YAML syntax (indentation, quotes, colons)", code="yaml")
    if isinstance(exc, yaml.reader.ReaderError):
        line = (text[: exc.position].count(b"\n") if isinstance(text, bytes)
                else text[: exc.position].count("\n")) + 1
        return Problem(name, line, f"character {exc.character!r} is not allowed in YAML",
                       "remove the control character", code="yaml")
    return Problem(name, 1, f"malformed YAML: {exc}", code="yaml")


class _Events:
    """The YAML event stream with one event of look-ahead; YAML errors become Problems.

    `head` is the next event (read ahead as soon as the one before it is taken), so looking
    at it costs an attribute read: the builder looks at every event several times.

    libyaml refuses more than 1000 levels of nesting (about 500 levels of sections); the
    catalog promises any depth, so at that point the stream goes on with PyYAML's own
    parser (no such limit, and no recursion), from the same event."""

    def __init__(self, text: str | bytes, name: str) -> None:
        self.text = text
        self.name = name
        self._loader: type[yaml.SafeLoader] = _COMPOSER
        self._parser = self._loader(text)
        self._get_event: Callable[[], yaml.Event | None] = self._parser.get_event
        self._read = 0
        self.head = cast(yaml.Event, None)
        self.take()

    def peek(self) -> yaml.Event:
        return self.head

    def take(self) -> yaml.Event:
        event = self.head
        try:
            after: yaml.Event | None = self._get_event()
        except yaml.YAMLError as exc:
            after = self._recover(exc)
        if after is not None:  # None past the stream's end: the last event stays
            self._read += 1
            self.head = after
        return event

    def _recover(self, exc: yaml.YAMLError) -> yaml.Event | None:
        """The event libyaml could not give when it refused the nesting (from PyYAML's
        parser); any other YAML error becomes the catalog's one problem."""
        if self._loader is yaml.SafeLoader or "maximum nesting depth" not in str(exc):
            raise CatalogInvalid([_yaml_problem(exc, self.text, self.name)]) from None
        self._resume_in_python()
        return self._get_event()

    def _resume_in_python(self) -> None:
        """Continue with PyYAML's parser, past the events libyaml already gave."""
        self._loader = yaml.SafeLoader
        self._parser = yaml.SafeLoader(self.text)
        self._get_event = cast(Callable[[], yaml.Event | None], self._parser.get_event)
        for _ in range(self._read):
            self._get_event()


_STR_TAG = "tag:yaml.org,2002:str"
# The first characters of plain scalars that YAML's implicit rules may read as something
# other than a string (true, null, 12, 1.5, 2024-01-01, ...).
_IMPLICIT_FIRST = frozenset(yaml.resolver.Resolver.yaml_implicit_resolvers)


def _is_text(event: yaml.ScalarEvent) -> bool:
    """Whether a scalar is a string without asking the resolver: untagged, and quoted, a
    block scalar, or plain and opening with a character no implicit type starts with."""
    return event.tag in (None, "!") and (not event.implicit[0]
                                         or event.value[:1] not in _IMPLICIT_FIRST)


def _line(event: yaml.Event) -> int:
    mark = event.start_mark
    return mark.line + 1 if mark is not None else 0


class _Builder:
    """Reads the event stream once, building the model and gathering problems."""

    def __init__(self, name: str, events: _Events, *,
                 on_link: Callable[[Link], None] | None = None,
                 keep_entries: bool = True) -> None:
        self.name = name
        self.events = events
        self.on_link = on_link
        self.keep_entries = keep_entries
        self.problems: list[Problem] = []
        self.entry_ids: dict[str, int] = {}
        self.section_ids: dict[str, int] = {}
        self._resolver = yaml.resolver.Resolver()
        self._constructor = yaml.constructor.SafeConstructor()

    # -- helpers -------------------------------------------------------------------------
    def problem(self, line: int, message: str, hint: str = "", code: str = "") -> None:
        self.problems.append(Problem(self.name, line, message, hint, code or "invalid"))

    def skip(self) -> None:
        """Consume one whole node (a scalar, or a collection with everything inside)."""
        if isinstance(self.events.take(), yaml.ScalarEvent | yaml.AliasEvent):
            return
        depth = 1
        while True:
            event = self.events.take()
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
            if depth == 0:
                return

    def describe_next(self) -> str:
        event = self.events.peek()
        if isinstance(event, yaml.MappingStartEvent):
            return "a mapping"
        if isinstance(event, yaml.SequenceStartEvent):
            return "a list"
        if isinstance(event, yaml.AliasEvent):
            return "an alias"
        if isinstance(event, yaml.ScalarEvent):
            value = self.construct(event, report=False)
            return _describe(value) if value is None or value == "" else f"'{event.value}'"
        return "nothing"

    def construct(self, event: yaml.ScalarEvent, report: bool = True) -> Any:
        """The Python value of a scalar, resolved and built as safe loading does."""
        tag = event.tag
        if _is_text(event):
            return event.value
        if tag is None or tag == "!":
            tag = self._resolver.resolve(  # type: ignore[no-untyped-call]
                yaml.ScalarNode, event.value, event.implicit)
            if tag == _STR_TAG:
                return event.value
        node = yaml.ScalarNode(tag, event.value, None, None, event.style)
        build = self._constructor.yaml_constructors.get(tag)
        if build is None:
            if report:
                self.problem(_line(event), f"cannot read value: unknown tag {tag}",
                             "use plain YAML values (no tags)", "yaml")
            return None
        try:
            return build(self._constructor, node)
        except (yaml.YAMLError, ValueError) as exc:
            if report:
                self.problem(_line(event), f"cannot read value: {getattr(exc, 'problem', exc)}",
                             "use plain YAML values (no tags)", "yaml")
            return None

    def alias(self) -> bool:
        """Report and skip an alias (`*name`) at the current position."""
        event = self.events.peek()
        if isinstance(event, yaml.AliasEvent):
            self.events.take()
            self.problem(_line(event), "anchors and aliases are not supported in a catalog",
                         "write the value out in full", "yaml")
            return True
        return False

    def mapping(self, what: str | Callable[[], str], allowed: tuple[str, ...],
                read: Callable[[str, int], None],
                required: tuple[str, ...] = ()) -> int | None:
        """Read a mapping, calling `read(key, line)` to consume each known key's value.

        Unknown, duplicate and missing keys are reported; returns the mapping's line, or
        None (after skipping the node) when it is not a mapping.
        """
        line = self.open_mapping(what, allowed, required)
        if line is None:
            return None
        seen: set[str] = set()
        while (key := self.next_key(what, allowed, seen)) is not None:
            read(*key)
        self.close_mapping(what, line, required, seen)
        return line

    # `mapping` in three steps, for a reader that keeps its own stack (sections nest
    # without limit, so they are read without recursion: `sections`).
    def open_mapping(self, what: str | Callable[[], str], allowed: tuple[str, ...],
                     required: tuple[str, ...] = ()) -> int | None:
        """Enter the mapping at the current position: its line, or None (reported and
        skipped) when it is not a mapping."""
        if self.alias():
            return None
        start = self.events.peek()
        line = _line(start)
        if not isinstance(start, yaml.MappingStartEvent):
            self.problem(line, f"{_label(what)} must be a mapping, found "
                               f"{self.describe_next()}",
                         f"write it as 'key: value' lines ({', '.join(required or allowed)})",
                         "type")
            self.skip()
            return None
        self.events.take()
        return line

    def next_key(self, what: str | Callable[[], str], allowed: tuple[str, ...],
                 seen: set[str]) -> tuple[str, int] | None:
        """The next known key of the open mapping and the line of its value (which the
        caller then consumes), reporting and skipping bad keys; None at the mapping's end."""
        events = self.events
        while not isinstance(key_event := events.head, yaml.MappingEndEvent):
            key: Any = None
            if isinstance(key_event, yaml.ScalarEvent):
                # A known key is a plain word that YAML reads as a string (tested).
                known = key_event.tag is None and key_event.value in allowed
                key = key_event.value if known or _is_text(key_event) \
                    else self.construct(key_event, report=False)
                events.take()
            else:
                self.skip()
            if isinstance(key, str) and key in allowed and key not in seen:
                seen.add(key)
                return key, _line(events.head)
            key_line = _line(key_event)
            if not isinstance(key, str):
                self.problem(key_line, f"{_label(what)} has a key that is not a name",
                             code="key")
            elif key in seen:
                self.problem(key_line, f"{_label(what)} has the key '{key}' twice",
                             "keep one of them", "duplicate-key")
            else:
                close = difflib.get_close_matches(key, allowed, n=1)
                hint = f"did you mean '{close[0]}'?" if close else \
                    f"expected one of: {', '.join(allowed)}"
                self.problem(key_line, f"unknown key '{key}' in {_label(what)}", hint,
                             "unknown-key")
            self.skip()  # the value of a key that was reported
        return None

    def close_mapping(self, what: str | Callable[[], str], line: int,
                      required: tuple[str, ...], seen: set[str]) -> None:
        """Leave the open mapping (its end was reached), reporting missing keys."""
        self.events.take()
        for key in required:
            if key not in seen:
                self.problem(line, f"{_label(what)} has no '{key}'", f"add '{key}:'",
                             "missing")

    def sequence(self, what: str, item: Callable[[int], None]) -> bool:
        """Read a list, calling `item(line)` to consume each item; False when not a list
        (an empty value, `key:` alone, counts as an empty list)."""
        items = self.open_sequence(what)
        while items and self.next_item():
            item(_line(self.events.peek()))
        return items is not None

    def open_sequence(self, what: str) -> bool | None:
        """Enter the list at the current position: True when items follow (then call
        `next_item` before each), False for an empty value (`key:` alone), None (reported
        and skipped) when it is not a list."""
        if self.alias():
            return None
        start = self.events.peek()
        if isinstance(start, yaml.ScalarEvent):
            value = self.construct(start, report=False)
            if value is None:
                self.events.take()
                return False
        if not isinstance(start, yaml.SequenceStartEvent):
            self.problem(_line(start), f"{what} must be a list, found {self.describe_next()}",
                         "write each item on a '- ' line", "type")
            self.skip()
            return None
        self.events.take()
        return True

    def next_item(self) -> bool:
        """Whether the open list has another item; at its end, leave it and say False."""
        if isinstance(self.events.peek(), yaml.SequenceEndEvent):
            self.events.take()
            return False
        return True

    def typed(self, what: str, types: tuple[type, ...], default: Any = None, *,
              required: str = "") -> Any:
        """Read one value of one of `types` (lists and mappings of plain values too).

        `required` marks a value that must not be empty: a blank string is then a problem
        (and `default` is returned), whose hint is "write <required>"."""
        event = self.events.head
        if not isinstance(event, yaml.ScalarEvent):
            if self.alias():
                return default
            if list in types and isinstance(event, yaml.SequenceStartEvent):
                items: list[Any] = []
                self.sequence(what, lambda _line: items.append(
                    self.typed(f"an item of {what}", (str, int, float, bool))))
                return items
            self.problem(_line(event), f"{what} must be {_expected(types)}, found "
                                       f"{self.describe_next()}", code="type")
            self.skip()
            return default
        self.events.take()
        value = self.construct(event)
        if type(value) not in types and not any(  # exact type first: the common case
                isinstance(value, t) and not (t is int and isinstance(value, bool))
                for t in types):
            self.problem(_line(event), f"{what} must be {_expected(types)}, found "
                                       f"{_describe(value)}", code="type")
            return default
        if required and isinstance(value, str) and not value.strip():
            self.problem(_line(event), f"{what} must not be empty", f"write {required}",
                         "missing")
            return default
        return value

    def text(self, what: str, one_line: bool = False, *, required: str = "") -> str:
        event = self.events.head
        value = self.typed(what, (str,), "", required=required).strip()
        if one_line and "\n" in value:
            self.problem(_line(event), f"{what} must be one line", "shorten it to one sentence",
                         "type")
        return str(value)

    def strings(self, what: str) -> tuple[str, ...]:
        event = self.events.peek()
        if not isinstance(event, yaml.SequenceStartEvent):
            self.problem(_line(event), f"{what} must be a list of strings, found "
                                       f"{self.describe_next()}",
                         "write it as [a, b] or as '- item' lines", "type")
            self.skip()
            return ()
        items: list[str] = []

        def item(_line: int) -> None:
            value = self.typed(f"an item of {what}", (str,))
            if isinstance(value, str):
                items.append(value.strip())

        self.sequence(what, item)
        return tuple(items)

    def ident(self, what: str, seen: dict[str, int]) -> str:
        line = _line(self.events.peek())
        value = self.typed(f"{what}'s 'id'", (str, int),
                           required="a slug (lowercase letters, digits, '-', '_' or '.')")
        if value is None:
            return ""
        value = str(value)
        if not ID_PATTERN.match(value):
            self.problem(line, f"{what} id '{value}' is not a slug",
                         "use lowercase letters, digits, '-', '_' or '.'", "id")
        elif value in seen:
            self.problem(line, f"duplicate id '{value}' (first used on line {seen[value]})",
                         "give each one its own id", "duplicate-id")
        else:
            seen[value] = line
        return value

    # -- the tree ------------------------------------------------------------------------
    def catalog(self) -> Catalog:
        events = self.events
        events.take()  # StreamStart
        if isinstance(events.peek(), yaml.StreamEndEvent):
            raise CatalogInvalid([_empty(self.name)])
        events.take()  # DocumentStart
        values: dict[str, Any] = {}
        settings: dict[str, Any] = {}

        def read(key: str, line: int) -> None:
            if key == "version":
                version = self.typed("'version'", (int,))
                if version not in (None, 1):
                    self.problem(line, f"unsupported catalog version {version}",
                                 "this curatorbot reads version 1", "version")
            elif key == "source":
                values["source"] = self.source()
            elif key == "settings":
                self.settings(settings)
            elif key == "sections":
                values["sections"] = self.sections()
            else:
                values[key] = self.text(f"the catalog's '{key}'")

        if self.mapping("the catalog", ROOT_KEYS, read, ("sections",)) is None:
            raise CatalogInvalid(self.problems)
        events.take()  # DocumentEnd
        if not isinstance(events.peek(), yaml.StreamEndEvent):
            self.problem(_line(events.peek()), "the file holds more than one YAML document",
                         "remove the '---' and what follows, or merge the documents",
                         "yaml")
        if self.problems:
            raise CatalogInvalid(self.problems)
        return Catalog(
            path=self.name,
            title=values.get("title", ""),
            description=values.get("description", ""),
            source=values.get("source", Source()),
            sections=values.get("sections", ()),
            settings=settings,
        )

    def settings_document(self) -> dict[str, Any]:
        """A whole file that is one `settings:` mapping (`.curatorbot.yaml`)."""
        events = self.events
        events.take()  # StreamStart
        values: dict[str, Any] = {}
        if isinstance(events.peek(), yaml.StreamEndEvent):
            return values
        events.take()  # DocumentStart
        first = events.peek()
        if isinstance(first, yaml.ScalarEvent) and self.construct(first, report=False) is None:
            events.take()
        else:
            self.settings(values)
        if self.problems:
            raise CatalogInvalid(self.problems)
        return values

    def source(self) -> Source:
        values: dict[str, str] = {}

        def read(key: str, _line: int) -> None:
            values[key] = self.text(f"source's '{key}'")

        self.mapping("'source'", SOURCE_KEYS, read)
        return Source(**values)

    def settings(self, values: dict[str, Any]) -> None:
        def read(key: str, line: int) -> None:
            value = self.typed(f"setting '{key}'", SETTING_TYPES[key])
            if value is None:
                return
            problem = limit_problem(key, value)
            if problem is not None:
                self.problem(line, f"setting '{key}': {problem[0]}", problem[1], "setting")
            else:
                values[key] = value

        self.mapping("'settings'", tuple(SETTING_TYPES), read)

    def sections(self) -> tuple[Section, ...]:
        """Read the top `sections:` list and every section nested in it, at any depth.

        Each open section is a `_SectionReader` on an explicit stack, never a Python call
        frame, so depth is bounded by memory only, not by the recursion limit."""
        top: list[Section] = []
        if not self.open_sequence("'sections'"):
            return ()
        stack = [_SectionReader(self, depth=1, into=top)]
        while stack:
            reader = stack[-1]
            child = reader.step()
            if child is not None:
                stack.append(child)
            elif reader.done:
                stack.pop()
        return tuple(top)

    def add_entry(self, entries: list[Entry], _line: int = 0) -> None:
        """Read one entry (an item of an `entries:` list) into `entries`."""
        entry = self.entry()
        if self.on_link is not None:
            for link in entry.links:
                self.on_link(link)
        if self.keep_entries:
            entries.append(entry)

    def entry(self) -> Entry:
        values: dict[str, Any] = {"id": ""}

        def label() -> str:
            return f"entry '{values['id']}'" if values["id"] else "an entry"

        def read(key: str, line: int) -> None:
            if key == "id":
                values["id"] = self.ident("entry", self.entry_ids)
            elif key == "kind":
                kind = self.text(f"{label()}'s 'kind'", required=_REQUIRED["kind"])
                if kind and kind not in KINDS:
                    close = difflib.get_close_matches(kind, KINDS, n=1)
                    hint = f"did you mean '{close[0]}'?" if close else \
                        f"use one of: {', '.join(KINDS)}"
                    self.problem(line, f"{label()} has unknown kind '{kind}'", hint, "kind")
                values["kind"] = kind
            elif key == "links":
                links: list[Link] = []
                self.sequence(f"{label()}'s 'links'",
                              lambda _l: links.append(self.link(values["id"], len(links))))
                if not links:
                    self.problem(line, f"{label()} has no links", "add at least one '- url:'",
                                 "missing")
                values["links"] = tuple(links)
            elif key in ("authors", "tags"):
                values[key] = self.strings(f"{label()}'s '{key}'")
            elif key == "year":
                values["year"] = self.typed(f"{label()}'s 'year'", (int,))
            else:
                values[key] = self.text(f"{label()}'s '{key}'",
                                        one_line=key in ("title", "summary"),
                                        required=_REQUIRED.get(key, ""))

        line = self.mapping(label, ENTRY_KEYS, read, ("id", "title", "kind", "links"))
        return Entry(id=values["id"], title=values.get("title", ""),
                     kind=values.get("kind", ""), line=line or 0,
                     links=values.get("links", ()), authors=values.get("authors", ()),
                     provider=values.get("provider", ""), tags=values.get("tags", ()),
                     summary=values.get("summary", ""), year=values.get("year"))

    def link(self, entry_id: str, index: int) -> Link:
        what = f"a link of entry '{entry_id}'" if entry_id else "a link"
        values: dict[str, Any] = {}

        def read(key: str, line: int) -> None:
            if key == "url":
                url = self.text(f"{what}: 'url'", required=_REQUIRED["url"])
                problem = url_problem(url, other_schemes=True) if url else None
                if problem is not None:
                    message, detail, hint = problem
                    self.problem(line, f"'{url}' {message}" + (f" ({detail})" if detail else ""),
                                 hint, "url")
                values["url"], values["url_line"] = url, line
            elif key == "label":
                values["label"] = self.text(f"{what}: 'label'")
            elif key == "ignore":
                values["ignore"] = bool(self.typed(f"{what}: 'ignore'", (bool,), False))
            else:
                values["bot"] = self.bot(what)

        line = self.mapping(what, LINK_KEYS, read, ("url",))
        return Link(url=values.get("url", ""), line=values.get("url_line", line or 0),
                    label=values.get("label", ""), ignore=values.get("ignore", False),
                    bot=values.get("bot", {}), entry_id=entry_id, index=index)

    def bot(self, what: str) -> dict[str, Any]:
        out: dict[str, Any] = {}

        def read(key: str, _line: int) -> None:
            event = self.events.peek()
            if isinstance(event, yaml.ScalarEvent) and \
                    self.construct(event, report=False) is None:
                self.events.take()
                return
            value = self.typed(f"bot '{key}' of {what}", BOT_KEYS[key])
            if value is not None:
                out[key] = value

        self.mapping(f"'bot' of {what}", tuple(BOT_KEYS), read)
        return out


class _SectionReader:
    """One section being read: the items of the `sections:` list it sits in, one at a
    time, then (for each item) its keys. `step` reads up to the next nested section and
    returns its reader (the caller stacks it), or None when this list is finished."""

    def __init__(self, builder: _Builder, depth: int, into: list[Section]) -> None:
        self.builder = builder
        self.depth = depth
        self.into = into   # the list the finished sections go to (the parent's children)
        self.done = False
        self._open: _OpenSection | None = None

    def step(self) -> _SectionReader | None:
        builder = self.builder
        while True:
            section = self._open
            if section is None:  # between items of this `sections:` list
                if not builder.next_item():
                    self.done = True
                    return None
                section = self._open = _OpenSection(self.depth)
                section.line = builder.open_mapping(section.label, SECTION_KEYS,
                                                    _SECTION_REQUIRED)
                if section.line is None:
                    self._open = None
                    self.into.append(section.finish())
                    continue
            while (item := builder.next_key(section.label, SECTION_KEYS,
                                            section.seen)) is not None:
                key = item[0]
                if key == "sections":
                    if builder.open_sequence("'sections'"):
                        return _SectionReader(builder, self.depth + 1, section.children)
                elif key == "id":
                    section.values["id"] = builder.ident("section", builder.section_ids)
                elif key == "entries":
                    builder.sequence("'entries'", partial(builder.add_entry, section.entries))
                else:
                    section.values[key] = builder.text(f"section's '{key}'",
                                                       required=_REQUIRED.get(key, ""))
            builder.close_mapping(section.label, section.line or 0, _SECTION_REQUIRED,
                                  section.seen)
            self._open = None
            self.into.append(section.finish())


@dataclass
class _OpenSection:
    """What is known of a section while its keys are read."""

    depth: int
    line: int | None = 0
    values: dict[str, Any] = field(default_factory=lambda: {"id": ""})
    seen: set[str] = field(default_factory=set)
    entries: list[Entry] = field(default_factory=list)
    children: list[Section] = field(default_factory=list)

    def label(self) -> str:
        return f"section '{self.values['id']}'" if self.values["id"] else "a section"

    def finish(self) -> Section:
        values = self.values
        return Section(id=values["id"], title=values.get("title", ""), line=self.line or 0,
                       description=values.get("description", ""),
                       entries=tuple(self.entries), sections=tuple(self.children),
                       depth=self.depth)


_SECTION_REQUIRED = ("id", "title")


def _label(what: str | Callable[[], str]) -> str:
    return what() if callable(what) else what


_SPACE = re.compile(r"\s")  # what str.isspace calls white space
# URLs that pass every test below on sight (most of a catalog): http(s), a host of letters,
# digits, dots and dashes, a port of at most 4 digits, then no white space.
_PLAIN_URL = re.compile(r"https?://[a-z0-9.-]+(?::[0-9]{1,4})?(?:[/?#]\S*)?")


def url_problem(url: str, *, other_schemes: bool = False) -> tuple[str, str, str] | None:
    """Why `url` is refused, or None for a usable http(s) URL; with `other_schemes` (the
    catalog), an absolute URL of another scheme (`mailto:`, `ftp:`, `data:`) is usable too:
    `lint` flags it and `check` reports it `excluded`, so one such link never stops the run.

    (message, detail, hint): what is wrong, said after the URL and opening with its verb
    ("is not an http(s) URL"); the parser's own complaint when it could not read the URL at
    all, else ""; and what to do, or ""."""
    return None if _PLAIN_URL.fullmatch(url) else _parsed_url_problem(url, other_schemes)


def _parsed_url_problem(url: str, other_schemes: bool = False) -> tuple[str, str, str] | None:
    """`url_problem` from the URL's parts (the test for every URL not plainly fine)."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a bad port
    except ValueError as exc:
        return "is not a valid URL", str(exc), ""
    if parts.scheme not in ("http", "https"):
        if other_schemes and parts.scheme:
            return None
        return "is not an http(s) URL", "", "use an absolute http:// or https:// address"
    if not parts.hostname:
        return "has no host", "", "write the full address with its host"
    if _SPACE.search(url):
        return "contains white space", "", "percent-encode it as %20"
    return None


def _expected(types: tuple[type, ...]) -> str:
    return " or ".join(_TYPE_NAMES.get(t, t.__name__) for t in types)


def _describe(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, str) and not value.strip():
        return "an empty string"
    return repr(value)

