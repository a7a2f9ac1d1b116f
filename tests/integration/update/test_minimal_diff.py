"""Minimal diffs end to end: `curatorbot update` on a catalog with a BOM, CRLF line endings,
comments, every quoting style, unicode and flow-style collections changes only the values
it means to change, and a second run changes nothing."""

from __future__ import annotations

import datetime as dt
import difflib
from typing import Any

import yaml

from tests.fakes.world import World

TEMPLATE = """\
# Ünïcode catalog — «comments» stay, 日本語 too
version: 1
title: "Catalogue des ressources — ML"   # a trailing comment
settings: {{retries: 0, retry_backoff: 0, timeout: 3, connect_timeout: 2}}

sections:
  - id: s            # section comment
    title: 'Sección única'
    entries:
      # before the first entry
      - id: single
        title: 'It''s quoted'
        kind: website
        tags: [practical, python]
        links:
          - url: '{single}'   # single-quoted URL
            label: "Doc ✓"
      - id: double
        title: "Double \\"quoted\\""
        kind: website
        links:
          - url: "{double}"
            bot:
              title: stale title  # a bot value the run replaces
              stars: 12
      - id: plain
        title: Plain    résumé
        kind: website
        links:
          - url: {plain}
          - {{url: '{flow}', label: Flow}}

      - id: untouched
        title: Nothing changes here
        kind: website
        authors: [Ada, "Grace H."]
        links:
          - url: {untouched}
            bot: {{title: Page u, checked: '2020-01-01'}}
"""


def load(text: str) -> Any:
    return yaml.safe_load(text.lstrip("\ufeff"))


def without_link_values(data: Any) -> Any:
    """The catalog data with every link's `url` and `bot` removed."""
    for section in data["sections"]:
        for entry in section["entries"]:
            for link in entry["links"]:
                link.pop("url")
                link.pop("bot", None)
    return data


def assert_bot_key(line: str) -> None:
    """An added line: a new `bot:` mapping or one of its keys, on a line of its own."""
    assert line.strip().split(":")[0] in ("bot", "title", "checked"), line


async def test_update_changes_only_the_changed_values_and_keeps_bom_and_crlf(
        world: World) -> None:
    urls = {"single": world.url("moved/s"), "double": world.url("perm308/d"),
            "plain": world.url("moved/p", host=1), "flow": world.url("moved/f"),
            "untouched": world.url("ok/u")}
    text = TEMPLATE.format(**urls).replace("\n", "\r\n")
    catalog = world.tmp / "catalog.yaml"
    original = "\ufeff".encode() + text.encode("utf-8")
    catalog.write_bytes(original)

    result = await world.update(str(catalog))
    assert result.code == 0, result.output
    raw = catalog.read_bytes()
    assert raw.startswith("\ufeff".encode())  # the BOM is kept
    new_text = raw.decode("utf-8")[1:]
    assert "\n" not in new_text.replace("\r\n", "")  # CRLF everywhere, no bare LF

    # The data: the same except for link URLs and bot mappings, which are as expected.
    assert without_link_values(load(text)) == without_link_values(load(new_text))
    after = load(new_text)  # a fresh copy: without_link_values strips what it is given
    links = [link for e in after["sections"][0]["entries"] for link in e["links"]]
    assert [link["url"] for link in links] == [
        world.url("ok/s"), world.url("ok/d"), world.url("ok/p", host=1), world.url("ok/f"),
        urls["untouched"]]
    today = dt.date.today().isoformat()
    assert links[0]["bot"] == {"title": "Page s", "checked": today}
    assert links[1]["bot"] == {"title": "Page d", "stars": 12, "checked": today}
    assert links[3]["bot"] == {"title": "Page f", "checked": today}
    assert links[4]["bot"] == {"title": "Page u", "checked": "2020-01-01"}

    # The bytes: every original line that changed holds an edited value, and within it only
    # that value's span differs (new keys may be added); every other line is kept as is.
    edited = [urls["single"], urls["double"], urls["plain"], urls["flow"], "stale title"]
    old_lines = text.splitlines(keepends=True)
    new_lines = new_text.splitlines(keepends=True)
    matcher = difflib.SequenceMatcher(a=old_lines, b=new_lines, autojunk=False)
    changed = 0
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            continue
        assert op in ("replace", "insert"), (op, old_lines[i1:i2])  # nothing is deleted
        cursor = j1
        for old in old_lines[i1:i2]:
            value = next((v for v in edited if v in old), None)
            assert value is not None, f"line changed without an edited value: {old!r}"
            start = old.index(value)
            # Its new version: the next new line with the same text before the value; the
            # new lines skipped on the way are added bot keys.
            while not new_lines[cursor].startswith(old[:start]):
                assert_bot_key(new_lines[cursor])
                cursor += 1
            new = new_lines[cursor]
            cursor += 1
            chars = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
            for cop, a1, a2, _, _ in chars.get_opcodes():
                if cop in ("replace", "delete"):
                    assert start <= a1 and a2 <= start + len(value), (old, new)
            changed += 1
        for line in new_lines[cursor:j2]:
            assert_bot_key(line)
    assert changed == 5
    for line in old_lines:  # every comment survives
        if "#" in line:
            assert line.split("#", 1)[1] in new_text

    # A second identical run has nothing to change: not one byte.
    again = await world.update(str(catalog))
    assert again.code == 0, again.output
    assert catalog.read_bytes() == raw
    assert "0 change(s)" in again.stderr
