"""Reading `catalog.yaml` into a `Catalog`, with every problem pinned to file:line.

Loading is safe-only (yaml.SafeLoader's composer and constructor): the YAML node tree keeps
the line of every value, so entries and links know where they stand and every validation
problem says where it is and what was expected. All problems are gathered, then raised once
as `CatalogInvalid`; the CLI prints one line per problem and exits 3.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from curatorbot.catalog.model import BOT_KEYS, KINDS, Catalog, Entry, Link, Section, Source
from curatorbot.errors import CatalogError, CatalogInvalid, Problem
from curatorbot.settings import SETTING_TYPES

# libyaml's composer when PyYAML has it (same nodes and marks, about 4x faster), else Python's.
_COMPOSER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]*$")

ROOT_KEYS = ("version", "title", "description", "source", "settings", "sections")
SOURCE_KEYS = ("title", "author", "url", "license", "note")
SECTION_KEYS = ("id", "title", "description", "entries", "sections")
ENTRY_KEYS = ("id", "title", "kind", "authors", "provider", "tags", "summary", "year", "links")
LINK_KEYS = ("url", "label", "ignore", "bot")

_TYPE_NAMES = {str: "a string", int: "a whole number", float: "a number", bool: "true or false",
               list: "a list", dict: "a mapping"}


def read_text(path: str | Path) -> str:
    """The file's text as UTF-8 (a BOM is dropped); CatalogError/CatalogInvalid otherwise."""
    name = str(path)
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        raise CatalogError(
            f"{name}: no such file; pass the catalog's path, or run where catalog.yaml is"
        ) from None
    except IsADirectoryError:
        raise CatalogError(f"{name}: is a directory; pass the catalog file itself") from None
    except OSError as exc:
        raise CatalogError(f"{name}: cannot read ({exc.strerror}); check its permissions") from None
    return decode_text(data, name)


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


def load_catalog(path: str | Path) -> Catalog:
    """Read and validate a catalog file. Raises CatalogError or CatalogInvalid."""
    return parse_catalog(read_text(path), str(path))


def parse_catalog(text: str, name: str = "catalog.yaml") -> Catalog:
    """Validate catalog text; `name` is used in messages."""
    root = compose(text, name)
    return _Builder(name).catalog(root)


def compose(text: str, name: str) -> yaml.Node:
    """The YAML node tree of `text` (safe loading), or CatalogInvalid with the line."""
    try:
        root = yaml.compose(text, Loader=_COMPOSER)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        what = exc.problem or exc.context or "malformed YAML"
        raise CatalogInvalid([Problem(
            name, line, f"malformed YAML: {what}",
            "fix the YAML syntax (indentation, quotes, colons)", code="yaml",
        )]) from None
    except yaml.reader.ReaderError as exc:
        line = text[: exc.position].count("\n") + 1
        raise CatalogInvalid([Problem(
            name, line, f"character {exc.character!r} is not allowed in YAML",
            "remove the control character", code="yaml",
        )]) from None
    except yaml.YAMLError as exc:
        raise CatalogInvalid([Problem(name, 1, f"malformed YAML: {exc}", code="yaml")]) from None
    if root is None:
        raise CatalogInvalid([Problem(
            name, 1, "the catalog is empty",
            "start with a mapping that has a 'sections:' list", code="empty",
        )])
    return root


def line_of(node: yaml.Node) -> int:
    """1-based line where a node starts."""
    return int(node.start_mark.line) + 1


class _Builder:
    """Walks the node tree once, building the model and gathering problems."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.problems: list[Problem] = []
        self.entry_ids: dict[str, int] = {}
        self.section_ids: dict[str, int] = {}
        self._constructor = yaml.SafeLoader("")

    # -- helpers -------------------------------------------------------------------------
    def problem(self, node: yaml.Node | int, message: str, hint: str = "", code: str = "") -> None:
        line = node if isinstance(node, int) else line_of(node)
        self.problems.append(Problem(self.name, line, message, hint, code or "invalid"))

    def scalar(self, node: yaml.Node) -> Any:
        try:
            return self._constructor.construct_object(node, deep=True)
        except yaml.YAMLError as exc:
            self.problem(node, f"cannot read value: {getattr(exc, 'problem', exc)}",
                         "use plain YAML values (no tags)", "yaml")
            return None

    def mapping(self, node: yaml.Node, what: str, allowed: tuple[str, ...],
                required: tuple[str, ...] = ()) -> dict[str, yaml.Node] | None:
        """A mapping's keys -> value nodes; unknown, duplicate and missing keys reported."""
        if not isinstance(node, yaml.MappingNode):
            self.problem(node, f"{what} must be a mapping, found {_kind_of(node)}",
                         f"write it as 'key: value' lines ({', '.join(required or allowed)})",
                         "type")
            return None
        out: dict[str, yaml.Node] = {}
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
            if not isinstance(key, str):
                self.problem(key_node, f"{what} has a key that is not a name", code="key")
                continue
            if key in out:
                self.problem(key_node, f"{what} has the key '{key}' twice",
                             "keep one of them", "duplicate-key")
                continue
            if key not in allowed:
                close = difflib.get_close_matches(key, allowed, n=1)
                hint = f"did you mean '{close[0]}'?" if close else \
                    f"expected one of: {', '.join(allowed)}"
                self.problem(key_node, f"unknown key '{key}' in {what}", hint, "unknown-key")
                continue
            out[key] = value_node
        for key in required:
            if key not in out:
                self.problem(node, f"{what} has no '{key}'", f"add '{key}:'", "missing")
        return out

    def typed(self, node: yaml.Node | None, what: str, types: tuple[type, ...],
              default: Any = None) -> Any:
        if node is None:
            return default
        if list in types and isinstance(node, yaml.SequenceNode):
            return [self.scalar(item) for item in node.value]
        if dict in types and isinstance(node, yaml.MappingNode):
            return self.scalar(node)
        if not isinstance(node, yaml.ScalarNode):
            self.problem(node, f"{what} must be {_expected(types)}, found {_kind_of(node)}",
                         code="type")
            return default
        value = self.scalar(node)
        ok = any(isinstance(value, t) and not (t is int and isinstance(value, bool))
                 for t in types)
        if not ok or (str in types and isinstance(value, str) and not value.strip()
                      and what.endswith(("title", "'id'", "url"))):
            self.problem(node, f"{what} must be {_expected(types)}, found "
                               f"{_describe(value)}", code="type")
            return default
        return value

    def text(self, node: yaml.Node | None, what: str, one_line: bool = False) -> str:
        value = self.typed(node, what, (str,), "")
        if one_line and "\n" in value.strip() and node is not None:
            self.problem(node, f"{what} must be one line", "shorten it to one sentence", "type")
        return str(value).strip()

    def strings(self, node: yaml.Node | None, what: str) -> tuple[str, ...]:
        if node is None:
            return ()
        if not isinstance(node, yaml.SequenceNode):
            self.problem(node, f"{what} must be a list of strings, found {_kind_of(node)}",
                         "write it as [a, b] or as '- item' lines", "type")
            return ()
        items = []
        for item in node.value:
            value = self.typed(item, f"an item of {what}", (str,))
            if isinstance(value, str):
                items.append(value.strip())
        return tuple(items)

    def ident(self, node: yaml.Node | None, what: str, seen: dict[str, int]) -> str:
        value = self.typed(node, f"{what}'s 'id'", (str, int))
        if value is None or node is None:
            return ""
        value = str(value)
        if not ID_PATTERN.match(value):
            self.problem(node, f"{what} id '{value}' is not a slug",
                         "use lowercase letters, digits, '-', '_' or '.'", "id")
        elif value in seen:
            self.problem(node, f"duplicate id '{value}' (first used on line {seen[value]})",
                         "give each one its own id", "duplicate-id")
        else:
            seen[value] = line_of(node)
        return value

    def sequence(self, node: yaml.Node | None, what: str) -> list[yaml.Node]:
        if node is None:
            return []
        if isinstance(node, yaml.ScalarNode) and node.value in ("", "~", "null"):
            return []
        if not isinstance(node, yaml.SequenceNode):
            self.problem(node, f"{what} must be a list, found {_kind_of(node)}",
                         "write each item on a '- ' line", "type")
            return []
        return list(node.value)

    # -- the tree ------------------------------------------------------------------------
    def catalog(self, root: yaml.Node) -> Catalog:
        keys = self.mapping(root, "the catalog", ROOT_KEYS, ("sections",))
        if keys is None:
            raise CatalogInvalid(self.problems)
        if "version" in keys:
            version = self.typed(keys["version"], "'version'", (int,))
            if version not in (None, 1):
                self.problem(keys["version"], f"unsupported catalog version {version}",
                             "this curatorbot reads version 1", "version")
        source = self.source(keys.get("source"))
        settings, settings_lines = self.settings(keys.get("settings"))
        sections = tuple(self.section(n, depth=1, path=())
                         for n in self.sequence(keys.get("sections"), "'sections'"))
        if self.problems:
            raise CatalogInvalid(self.problems)
        return Catalog(
            path=self.name,
            title=self.text(keys.get("title"), "the catalog's 'title'"),
            description=self.text(keys.get("description"), "the catalog's 'description'"),
            source=source,
            sections=sections,
            settings=settings,
            settings_lines=settings_lines,
        )

    def source(self, node: yaml.Node | None) -> Source:
        if node is None:
            return Source()
        keys = self.mapping(node, "'source'", SOURCE_KEYS)
        if keys is None:
            return Source()
        values = {k: self.text(keys.get(k), f"source's '{k}'") for k in SOURCE_KEYS}
        return Source(**values)

    def settings(self, node: yaml.Node | None) -> tuple[dict[str, Any], dict[str, int]]:
        if node is None:
            return {}, {}
        keys = self.mapping(node, "'settings'", tuple(SETTING_TYPES))
        if keys is None:
            return {}, {}
        values: dict[str, Any] = {}
        lines: dict[str, int] = {}
        for key, value_node in keys.items():
            value = self.typed(value_node, f"setting '{key}'", SETTING_TYPES[key])
            if value is not None:
                values[key] = value
                lines[key] = line_of(value_node)
        return values, lines

    def section(self, node: yaml.Node, depth: int, path: tuple[str, ...]) -> Section:
        peek = _peek(node, "id")
        keys = self.mapping(node, f"section '{peek}'" if peek else "a section", SECTION_KEYS,
                            ("id", "title"))
        if keys is None:
            return Section(id="", title="", line=line_of(node), depth=depth)
        ident = self.ident(keys.get("id"), "section", self.section_ids)
        here = (*path, ident)
        entries = tuple(self.entry(n, here) for n in self.sequence(keys.get("entries"),
                                                                      "'entries'"))
        children = tuple(self.section(n, depth + 1, here)
                         for n in self.sequence(keys.get("sections"), "'sections'"))
        return Section(
            id=ident,
            title=self.text(keys.get("title"), "section's 'title'"),
            line=line_of(node),
            description=self.text(keys.get("description"), "section's 'description'"),
            entries=entries,
            sections=children,
            depth=depth,
        )

    def entry(self, node: yaml.Node, path: tuple[str, ...]) -> Entry:
        peek = _peek(node, "id")
        keys = self.mapping(node, f"entry '{peek}'" if peek else "an entry", ENTRY_KEYS,
                            ("id", "title", "kind", "links"))
        if keys is None:
            return Entry(id="", title="", kind="", line=line_of(node))
        ident = self.ident(keys.get("id"), "entry", self.entry_ids)
        label = f"entry '{ident}'" if ident else "an entry"
        kind = self.text(keys.get("kind"), f"{label}'s 'kind'")
        if kind and kind not in KINDS:
            close = difflib.get_close_matches(kind, KINDS, n=1)
            hint = f"did you mean '{close[0]}'?" if close else f"use one of: {', '.join(KINDS)}"
            self.problem(keys["kind"], f"{label} has unknown kind '{kind}'", hint, "kind")
        link_nodes = self.sequence(keys.get("links"), f"{label}'s 'links'")
        if "links" in keys and not link_nodes:
            self.problem(keys["links"], f"{label} has no links", "add at least one '- url:'",
                         "missing")
        links = tuple(self.link(n, ident, i) for i, n in enumerate(link_nodes))
        year = self.typed(keys.get("year"), f"{label}'s 'year'", (int,))
        return Entry(
            id=ident,
            title=self.text(keys.get("title"), f"{label}'s 'title'", one_line=True),
            kind=kind,
            line=line_of(node),
            links=links,
            authors=self.strings(keys.get("authors"), f"{label}'s 'authors'"),
            provider=self.text(keys.get("provider"), f"{label}'s 'provider'"),
            tags=self.strings(keys.get("tags"), f"{label}'s 'tags'"),
            summary=self.text(keys.get("summary"), f"{label}'s 'summary'", one_line=True),
            year=year,
            section_path=path,
        )

    def link(self, node: yaml.Node, entry_id: str, index: int) -> Link:
        what = f"a link of entry '{entry_id}'" if entry_id else "a link"
        keys = self.mapping(node, what, LINK_KEYS, ("url",))
        if keys is None or "url" not in keys:
            return Link(url="", line=line_of(node), entry_id=entry_id, index=index)
        url_node = keys["url"]
        url = self.typed(url_node, f"{what}: 'url'", (str,), "")
        url = url.strip() if isinstance(url, str) else ""
        if url:
            self.check_url(url_node, url)
        bot: dict[str, Any] = {}
        if "bot" in keys:
            bot = self.bot(keys["bot"], what)
        return Link(
            url=url,
            line=line_of(url_node),
            label=self.text(keys.get("label"), f"{what}: 'label'"),
            ignore=bool(self.typed(keys.get("ignore"), f"{what}: 'ignore'", (bool,), False)),
            bot=bot,
            entry_id=entry_id,
            index=index,
        )

    def check_url(self, node: yaml.Node, url: str) -> None:
        try:
            parts = urlsplit(url)
            parts.port  # noqa: B018 - raises ValueError for a bad port
        except ValueError as exc:
            self.problem(node, f"'{url}' is not a valid URL ({exc})", code="url")
            return
        if parts.scheme not in ("http", "https"):
            self.problem(node, f"'{url}' is not an http(s) URL",
                         "use an absolute http:// or https:// address", "url")
        elif not parts.hostname:
            self.problem(node, f"'{url}' has no host", "write the full address with its host",
                         "url")
        elif any(c.isspace() for c in url):
            self.problem(node, f"'{url}' contains white space", "percent-encode it as %20",
                         "url")

    def bot(self, node: yaml.Node, what: str) -> dict[str, Any]:
        keys = self.mapping(node, f"'bot' of {what}", tuple(BOT_KEYS))
        if keys is None:
            return {}
        out: dict[str, Any] = {}
        for key, value_node in keys.items():
            if isinstance(value_node, yaml.ScalarNode) and value_node.tag.endswith(":null"):
                continue
            value = self.typed(value_node, f"bot '{key}' of {what}", BOT_KEYS[key])
            if value is not None:
                out[key] = value
        return out


def _peek(node: yaml.Node, key: str) -> str:
    """The plain text of `key`'s value in a mapping node, or "" (for naming it in messages)."""
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            if key_node.value == key and isinstance(value_node, yaml.ScalarNode):
                return str(value_node.value)
    return ""


def _kind_of(node: yaml.Node) -> str:
    if isinstance(node, yaml.MappingNode):
        return "a mapping"
    if isinstance(node, yaml.SequenceNode):
        return "a list"
    if node.tag.endswith(":null"):
        return "nothing"
    return f"'{node.value}'"


def _expected(types: tuple[type, ...]) -> str:
    return " or ".join(_TYPE_NAMES.get(t, t.__name__) for t in types)


def _describe(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, str) and not value.strip():
        return "an empty string"
    return repr(value)


CheckFn = Callable[[Mapping[str, Any]], None]
