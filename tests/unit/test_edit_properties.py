"""Property tests of the minimal-diff writer over generated catalogs.

Catalogs are generated with comments, blank lines, every quoting style, unicode, CRLF and
flow-style lists and mappings; random edits set, change and add values in links' `bot:`
mappings and replace URLs. After applying them:
- loading the result gives the original data with exactly those values changed;
- every original line that holds no edited value is still there, in order;
- line endings and the BOM-free start are unchanged.
"""

from __future__ import annotations

import json
from typing import Any

import yaml
from hypothesis import given
from hypothesis import strategies as st

from curatorbot.catalog.edit import Edit, apply_edits

TEXT = st.text(
    alphabet=st.characters(codec="utf-8", categories=("L", "N", "P", "S", "Zs"),
                           exclude_characters="\u2028\u2029\x85\ufeff"),
    min_size=1, max_size=20,
).filter(lambda s: s.strip() == s and s.isprintable())
SLUG = st.from_regex(r"[a-z][a-z0-9-]{0,8}", fullmatch=True).filter(
    lambda s: yaml.safe_load(s) == s)
URL = st.builds(lambda host, path: f"https://{host}.org/{path}", SLUG, SLUG)
COMMENT = st.one_of(st.just(""), st.builds(lambda t: "  # " + t, TEXT))
STYLE = st.sampled_from(["plain", "single", "double"])
BOT_VALUE = st.one_of(TEXT, st.integers(0, 10**6), st.booleans())
BOT_KEYS = st.sampled_from(["status", "title", "stars", "archived", "pushed", "note"])


def scalar(value: Any, style: str) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if style == "single":
        return "'" + value.replace("'", "''") + "'"
    if style == "double" or not plain_ok(value):
        return json.dumps(value, ensure_ascii=False)
    return value


def plain_ok(value: str) -> bool:
    if value[0] in "&*!|>%@`'\"{[#-?:,":
        return False
    try:
        return bool(yaml.safe_load(f"k: {value}") == {"k": value})
    except yaml.YAMLError:
        return False


@st.composite
def catalogs(draw: st.DrawFn) -> tuple[str, dict[str, Any]]:
    lines = [f"# {draw(TEXT)}", "sections:"]
    data: dict[str, Any] = {"sections": []}
    for s in range(draw(st.integers(1, 2))):
        section: dict[str, Any] = {"id": f"s{s}", "title": draw(TEXT), "entries": []}
        data["sections"].append(section)
        lines += [f"  - id: s{s}{draw(COMMENT)}",
                  f"    title: {scalar(section['title'], draw(STYLE))}", "    entries:"]
        for e in range(draw(st.integers(1, 3))):
            entry: dict[str, Any] = {"id": f"e{s}-{e}", "title": draw(TEXT), "kind": "book",
                                     "tags": draw(st.lists(SLUG, max_size=3)), "links": []}
            section["entries"].append(entry)
            title = scalar(entry["title"], draw(STYLE))
            tags = ", ".join(entry["tags"])
            lines += [f"      - id: e{s}-{e}", f"        title: {title}", "        kind: book",
                      f"        tags: [{tags}]{draw(COMMENT)}", "        links:"]
            if draw(st.booleans()):
                lines.append("")
            for _ in range(draw(st.integers(1, 3))):
                url = draw(URL)
                bot = draw(st.dictionaries(BOT_KEYS, BOT_VALUE, max_size=3))
                link: dict[str, Any] = {"url": url}
                if draw(st.booleans()):  # flow-style link mapping
                    parts = [f"url: {url}"]
                    if bot:
                        inner = ", ".join(f"{k}: {json.dumps(v, ensure_ascii=False)}"
                                          for k, v in bot.items())
                        parts.append(f"bot: {{{inner}}}")
                        link["bot"] = bot
                    lines.append(f"          - {{{', '.join(parts)}}}{draw(COMMENT)}")
                else:
                    lines.append(f"          - url: {scalar(url, draw(STYLE))}{draw(COMMENT)}")
                    if bot:
                        link["bot"] = bot
                        lines.append("            bot:")
                        for k, v in bot.items():
                            lines.append(f"              {k}: {scalar(v, draw(STYLE))}"
                                         f"{draw(COMMENT)}")
                        if draw(st.booleans()):
                            lines.append(f"              # {draw(TEXT)}")
                entry["links"].append(link)
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    return newline.join(lines) + newline, data


@st.composite
def catalog_and_edits(draw: st.DrawFn) -> tuple[str, dict[str, Any], list[Edit]]:
    text, data = draw(catalogs())
    places = [(si, ei, li) for si, s in enumerate(data["sections"])
              for ei, e in enumerate(s["entries"]) for li in range(len(e["links"]))]
    chosen = draw(st.lists(st.sampled_from(places), unique=True, min_size=1, max_size=5))
    edits = []
    for si, ei, li in chosen:
        base = ("sections", si, "entries", ei, "links", li)
        if draw(st.booleans()):
            edits.append(Edit((*base, "url"), draw(URL)))
        for key in draw(st.lists(BOT_KEYS, unique=True, min_size=1, max_size=3)):
            edits.append(Edit((*base, "bot", key), draw(BOT_VALUE)))
    return text, data, edits


def expected(data: dict[str, Any], edits: list[Edit]) -> dict[str, Any]:
    out = json.loads(json.dumps(data))
    for edit in edits:
        node: Any = out
        for step in edit.path[:-1]:
            if isinstance(step, str) and step not in node:
                node[step] = {}
            node = node[step]
        node[edit.path[-1]] = edit.value
    return out


@given(catalog_and_edits())
def test_edits_change_only_their_values(case: tuple[str, dict[str, Any], list[Edit]]) -> None:
    text, data, edits = case
    assert yaml.safe_load(text) == data  # the generator writes what it claims
    out = apply_edits(text, edits)
    assert yaml.safe_load(out) == expected(data, edits)
    newline = "\r\n" if "\r\n" in text else "\n"
    if newline == "\r\n":
        assert "\n" not in out.replace("\r\n", "")
    # Every original line that no edit touches is still there, in order (lines may be added
    # for a new key; a touched line holds an edited value or is a flow mapping that grew).
    before, after = text.split(newline), out.split(newline)
    touched = touched_lines(text, edits)
    assert kept_in_order([line for i, line in enumerate(before) if i not in touched],
                         after), edits


def kept_in_order(lines: list[str], out: list[str]) -> bool:
    """Whether `lines` are all in `out`, in this order (a subsequence; no alignment to
    guess, so lines that repeat elsewhere cannot mislead it as difflib's alignment can)."""
    rest = iter(out)
    return all(any(line == candidate for candidate in rest) for line in lines)


def touched_lines(text: str, edits: list[Edit]) -> set[int]:
    """0-based lines an edit may rewrite, found by an independent walk of the YAML nodes."""
    root = yaml.compose(text)
    lines: set[int] = set()
    for edit in edits:
        node = root
        for step in edit.path:
            if isinstance(node, yaml.SequenceNode):
                node = node.value[step]
                continue
            child = next((v for k, v in node.value if k.value == step), None)
            if child is None:
                break
            node = child
        else:
            lines.update(range(node.start_mark.line, node.end_mark.line + 1))
            continue
        if node.flow_style:
            lines.add(node.end_mark.line)
    return lines
