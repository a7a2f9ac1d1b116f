"""Minimal-diff writes into catalog text: change values, add keys, drop keys.

Edits address values by their path in the YAML tree, e.g.
`("sections", 0, "entries", 2, "links", 0, "url")`. Every byte outside the changed value
spans stays as it was: comments, key order, quoting style, blank lines, indentation, line
endings and unicode. The text is parsed once (safe composer, which keeps each node's
character offsets); all edits become splices, and the new text is joined in one pass.
`read_raw(..., for_writing=True)` reads a catalog to rewrite and `RawCatalog.write` writes it
back, compare-and-swap, through `curatorbot.files.GuardedFile`.

A Markdown catalog has no tree to address: its edits name the characters of a URL,
`(SPAN, start, end)` (`Link.span`), and `apply_span_edits` splices them the same way,
after checking that each span still holds a URL.
"""

from __future__ import annotations

import json
import os
import pathlib
import re
import types
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import yaml

from curatorbot.catalog.load import compose, decode_text, read_bytes
from curatorbot.catalog.model import SPAN
from curatorbot.files import GuardedFile

Path = tuple[str | int, ...]

# Text that cannot mean anything but itself as a plain block scalar: words (a letter, then
# no ': ' or ' #') and http(s) URLs, unless the word is one YAML reads as true/false/null.
_PLAIN_SAFE = re.compile(r"[A-Za-z][\w .,/()+'-]*[\w.)]|https?://[!-9;-~]*(?::[!-9;-~]+)*")
_YAML_WORDS = frozenset({"y", "yes", "n", "no", "true", "false", "on", "off", "null"})
# A BOM or a document marker ('---', '...') at the start of a value: read back after a key,
# but a reader of the file would take it for the start of a stream or a document.
_STREAM_START = re.compile(r"\ufeff|(?:---|\.\.\.)(?:[ \t]|$)")
_CONSTRUCTOR = yaml.constructor.SafeConstructor()


class _Delete:
    def __repr__(self) -> str:
        return "DELETE"


DELETE: Any = _Delete()
"""Use as an `Edit.value` to remove the key at `Edit.path`."""


@dataclass(frozen=True)
class Edit:
    """Set the value at `path` to `value` (a scalar or a mapping of scalars), or DELETE it."""

    path: Path
    value: Any


class EditError(ValueError):
    """An edit that does not fit the document (a path through a scalar, a list index...)."""


@dataclass
class _Splice:
    start: int
    end: int
    text: str
    order: int


def apply_edits(text: str, edits: Sequence[Edit], name: str = "catalog.yaml") -> str:
    """`text` with `edits` applied; unchanged values cost nothing and leave no trace."""
    if not edits:
        return text
    root = compose(text, name)
    newline = "\r\n" if "\r\n" in text else "\n"
    splices: list[_Splice] = []
    inserts: dict[int, tuple[yaml.Node, dict[str, Any]]] = {}
    for order, edit in enumerate(edits):
        node, depth = _resolve(root, edit.path)
        if depth == len(edit.path):
            if edit.value is DELETE:
                splices.append(_delete_splice(text, root, edit.path, order))
            elif isinstance(node, yaml.ScalarNode):
                if _scalar_equals(node, edit.value):
                    continue
                flow = _in_flow(root, edit.path[:-1])
                splices.append(_Splice(node.start_mark.index, node.end_mark.index,
                                       render_scalar(edit.value, node.style, flow), order))
            else:
                raise EditError(f"cannot replace a collection at {_show(edit.path)}")
            continue
        if edit.value is DELETE:
            continue
        if not isinstance(node, yaml.MappingNode) and not _is_null(node):
            raise EditError(f"{_show(edit.path[:depth])} is not a mapping")
        tree = inserts.setdefault(id(node), (node, {}))[1]
        _nest(tree, edit.path[depth:], edit.value)
    for node, tree in inserts.values():
        splices.append(_insert_splice(text, node, tree, newline, len(splices) + len(edits)))
    return _join(text, splices)


def _join(text: str, splices: list[_Splice]) -> str:
    """`text` with `splices` made, in one pass front to back: splices never overlap; at one
    start, inserts keep their order and go before a span removed there."""
    parts: list[str] = []
    pos = 0
    for splice in sorted(splices, key=lambda s: (s.start, s.end, s.order)):
        parts += (text[pos: splice.start], splice.text)
        pos = splice.end
    parts.append(text[pos:])
    return "".join(parts)


def apply_span_edits(text: str, edits: Sequence[Edit]) -> str:
    """`text` with the characters each `(SPAN, start, end)` edit names replaced by its value
    (a URL); every other character stays. EditError for a span that does not fit."""
    splices: list[_Splice] = []
    last = -1
    for order, edit in sorted(enumerate(edits), key=lambda pair: pair[1].path[1:]):
        if len(edit.path) != 3 or edit.path[0] != SPAN:
            raise EditError(f"{_show(edit.path)} is not a span of the text")
        start, end = edit.path[1], edit.path[2]
        if not (isinstance(start, int) and isinstance(end, int) and last <= start < end
                <= len(text)) or any(c.isspace() for c in text[start:end]):
            raise EditError(f"{_show(edit.path)} does not hold a URL of this text")
        if not isinstance(edit.value, str) or not edit.value or \
                any(c.isspace() for c in edit.value):
            raise EditError(f"{edit.value!r} cannot replace a URL")
        splices.append(_Splice(start, end, edit.value, order))
        last = end
    return _join(text, splices)


def _show(path: Path) -> str:
    return ".".join(str(p) for p in path) or "<root>"


def _is_null(node: yaml.Node) -> bool:
    return isinstance(node, yaml.ScalarNode) and node.tag.endswith(":null")


def _in_flow(root: yaml.Node, path: Path) -> bool:
    """Whether the value at `path` sits inside a flow collection (`{...}` or `[...]`)."""
    node = root
    for step in path:
        if getattr(node, "flow_style", False):
            return True
        node, depth = _resolve(node, (step,))
        if depth == 0:
            break
    return bool(getattr(node, "flow_style", False))


def _resolve(root: yaml.Node, path: Path) -> tuple[yaml.Node, int]:
    """The deepest existing node along `path`, and how many path steps it took."""
    node = root
    for depth, step in enumerate(path):
        child: yaml.Node | None = None
        if isinstance(node, yaml.MappingNode) and isinstance(step, str):
            child = next((v for k, v in node.value if k.value == step), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(step, int):
            if not 0 <= step < len(node.value):
                raise EditError(f"no item {step} at {_show(path[:depth])}")
            child = node.value[step]
        elif not isinstance(step, str):
            raise EditError(f"{_show(path[:depth])} is not a list")
        if child is None:
            return node, depth
        node = child
    return node, len(path)


def _nest(tree: dict[str, Any], path: Path, value: Any) -> None:
    for step in path[:-1]:
        if not isinstance(step, str):
            raise EditError("new list items cannot be inserted")
        tree = tree.setdefault(step, {})
    last = path[-1]
    if not isinstance(last, str):
        raise EditError("new list items cannot be inserted")
    tree[last] = value


def _scalar_equals(node: yaml.ScalarNode, value: Any) -> bool:
    build = _CONSTRUCTOR.yaml_constructors.get(node.tag)
    if build is None:  # an unknown tag: safe loading refuses it
        return False
    try:
        current = build(_CONSTRUCTOR, node)
        if isinstance(current, types.GeneratorType):  # !!map, !!seq... on a scalar
            current = next(current)
    except yaml.YAMLError:
        return False
    return type(current) is type(value) and bool(current == value)


def render_scalar(value: Any, style: str | None = None, flow: bool = False) -> str:
    """`value` as a YAML scalar, in the original quoting style where that can hold it;
    `flow` when it goes inside `{...}` or `[...]`, where plain scalars can hold less."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    text = str(value)
    printable = text.isprintable()
    if style == "'" and printable:
        return "'" + text.replace("'", "''") + "'"
    if style == '"' or not printable:
        return json.dumps(text, ensure_ascii=False)
    if plain_ok(text, flow):
        return text
    return "'" + text.replace("'", "''") + "'" if printable else json.dumps(text)


def plain_ok(text: str, flow: bool = False) -> bool:
    """Whether `text` reads back as itself when written plain after `key: ` (or, with
    `flow`, inside `{...}` and `[...]`). Words and http(s) URLs are known to; other text is
    written and read back. Text opening with a BOM or a document marker is never plain."""
    if not flow and _PLAIN_SAFE.fullmatch(text) and text.lower() not in _YAML_WORDS:
        return True
    if not text or text != text.strip() or text[0] in "#&*!|>%@`'\"{[" \
            or _STREAM_START.match(text):
        return False
    try:
        if flow:
            return bool(yaml.safe_load(f"{{k: {text}}}") == {"k": text}
                        and yaml.safe_load(f"[{text}]") == [text])
        return bool(yaml.safe_load(f"k: {text}") == {"k": text})
    except (yaml.YAMLError, ValueError):  # ValueError: '0b_' resolves as an int, badly
        return False


def _line_start(text: str, index: int) -> int:
    return text.rfind("\n", 0, index) + 1


def _line_end(text: str, index: int) -> int:
    """Index just past the end of the line holding `index` (its line break included)."""
    end = text.find("\n", index)
    return len(text) if end < 0 else end + 1


def _last_leaf(node: yaml.Node) -> yaml.Node:
    """The node that ends a (block) value: the last scalar or flow collection inside it."""
    while isinstance(node, yaml.MappingNode | yaml.SequenceNode) and not node.flow_style \
            and node.value:
        last = node.value[-1]
        node = last[1] if isinstance(last, tuple) else last
    return node


def _delete_splice(text: str, root: yaml.Node, path: Path, order: int) -> _Splice:
    parent, _ = _resolve(root, path[:-1])
    if not isinstance(parent, yaml.MappingNode):
        raise EditError(f"cannot delete {_show(path)}: not a mapping key")
    pairs = parent.value
    index = next(i for i, (k, _) in enumerate(pairs) if k.value == path[-1])
    key, value = pairs[index]
    if parent.flow_style:
        start = key.start_mark.index
        end = value.end_mark.index
        if index + 1 < len(pairs):
            end = pairs[index + 1][0].start_mark.index
        elif index > 0:
            start = _last_leaf(pairs[index - 1][1]).end_mark.index
        return _Splice(start, end, "", order)
    start = _line_start(text, key.start_mark.index)
    if text[start: key.start_mark.index].strip() not in ("", "-"):
        raise EditError(f"cannot delete {_show(path)}: it shares its line")
    if text[start: key.start_mark.index].strip() == "-":
        raise EditError(f"cannot delete {_show(path)}: it opens a list item")
    leaf = _last_leaf(value)
    end = leaf.end_mark.index
    end = end if end > 0 and text[end - 1] == "\n" else _line_end(text, end)
    return _Splice(start, end, "", order)


def _insert_splice(text: str, node: yaml.Node, tree: dict[str, Any], newline: str,
                   order: int) -> _Splice:
    if _is_null(node):
        # `key:` with no value yet: the new mapping goes under it, indented by two more.
        key_col = _column_of_key_before(text, node.start_mark.index)
        body = _block(tree, key_col + 2, newline)
        index = node.end_mark.index
        return _Splice(index, index, newline + body.rstrip("\r\n"), order)
    assert isinstance(node, yaml.MappingNode)
    if node.flow_style or not node.value:
        inner = ", ".join(f"{k}: {_flow(v)}" for k, v in tree.items())
        close = node.end_mark.index - 1
        sep = ", " if node.value else ""
        return _Splice(close, close, sep + inner, order)
    indent = node.value[0][0].start_mark.column
    leaf = _last_leaf(node.value[-1][1])
    end = leaf.end_mark.index
    body = _block(tree, indent, newline)
    if end > 0 and text[end - 1] == "\n":
        return _Splice(end, end, body, order)
    line_end = _line_end(text, end)
    if line_end == len(text) and not text.endswith("\n"):
        return _Splice(line_end, line_end, newline + body.rstrip("\r\n"), order)
    return _Splice(line_end, line_end, body, order)


def _column_of_key_before(text: str, index: int) -> int:
    start = _line_start(text, index)
    line = text[start:index]
    stripped = line.lstrip(" ")
    column = len(line) - len(stripped)
    if stripped.startswith("- "):
        column += 2
    return column


def _block(tree: Mapping[str, Any], indent: int, newline: str) -> str:
    lines = []
    for key, value in tree.items():
        if isinstance(value, Mapping):
            lines.append(f"{' ' * indent}{key}:{newline}")
            lines.append(_block(value, indent + 2, newline))
        else:
            lines.append(f"{' ' * indent}{key}: {render_scalar(value)}{newline}")
    return "".join(lines)


def _flow(value: Any) -> str:
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{k}: {_flow(v)}" for k, v in value.items()) + "}"
    return render_scalar(value, flow=True)


BOM = "\ufeff"


@dataclass
class RawCatalog:
    """A catalog's text as read for editing, whether it opened with a BOM (kept on write),
    and, when it is to be rewritten, the guard that writes it back compare-and-swap."""

    text: str
    bom: bool
    file: GuardedFile | None = None

    def write(self, text: str) -> None:
        """Replace the file's content with `text` (FileWriteError, and nothing written, when
        the file changed on disk since it was read)."""
        if self.file is None:
            raise ValueError("this catalog was read without a write guard")
        self.file.replace(((BOM if self.bom else "") + text).encode("utf-8"))


def read_raw(path: str | os.PathLike[str], *, for_writing: bool = False) -> RawCatalog:
    """A catalog's text for editing; CatalogError / CatalogInvalid as for loading when the
    file cannot be used. With `for_writing`, also FileWriteError now, before any work, when
    the file could not be replaced afterwards (read-only file or folder)."""
    data = read_bytes(path)
    text = decode_text(data, str(path))
    guard = GuardedFile(pathlib.Path(path), data, "catalog") if for_writing else None
    return RawCatalog(text, data.startswith(BOM.encode()), guard)
