"""Minimal-diff edits: only the changed value spans move; everything else stays."""

from __future__ import annotations

import difflib

import pytest
import yaml

from curatorbot.catalog.edit import DELETE, Edit, EditError, apply_edits, plain_ok, render_scalar

DOC = """\
# header comment
sections:   # trailing comment
  - id: a
    title: 'A title'
    entries:
      - id: x
        title: "X — ünïcode"
        kind: book
        links:
          - url: "https://a.org/?utm_source=x"   # keep me
            label: A

          - {url: https://b.org, label: B}
          - url: https://c.org
            bot:
              stars: 3
              note: |
                a block
                scalar
      - id: y
        title: Y
        kind: book
        links: [{url: https://d.org}]
"""
LINKS = ("sections", 0, "entries", 0, "links")


def changed_lines(before: str, after: str) -> list[str]:
    return [line for line in difflib.unified_diff(before.splitlines(), after.splitlines(),
                                                  lineterm="", n=0)
            if line[:1] in "+-" and not line.startswith(("+++", "---"))]


def test_replacing_a_value_keeps_quotes_and_comment() -> None:
    out = apply_edits(DOC, [Edit((*LINKS, 0, "url"), "https://a.org/")])
    assert changed_lines(DOC, out) == [
        '-          - url: "https://a.org/?utm_source=x"   # keep me',
        '+          - url: "https://a.org/"   # keep me',
    ]


def test_single_quoted_style_is_kept() -> None:
    out = apply_edits(DOC, [Edit(("sections", 0, "title"), "It's new")])
    assert "    title: 'It''s new'\n" in out
    assert yaml.safe_load(out)["sections"][0]["title"] == "It's new"


def test_plain_values_that_need_quotes_get_them() -> None:
    out = apply_edits(DOC, [Edit(("sections", 0, "entries", 1, "title"), "yes: no #1")])
    assert yaml.safe_load(out)["sections"][0]["entries"][1]["title"] == "yes: no #1"
    out = apply_edits(DOC, [Edit(("sections", 0, "entries", 1, "title"), "true")])
    assert yaml.safe_load(out)["sections"][0]["entries"][1]["title"] == "true"


@pytest.mark.parametrize("value", ["0b_", "0x_", "--- x", "... and more", "---", "\ufeffA",
                                   "yes", "Null", "a: b", "a #b", "- x", "? x",
                                   "https://x.org/ #a"])
def test_values_that_would_not_read_back_plain_are_quoted(value: str) -> None:
    assert not plain_ok(value)
    for flow in (False, True):
        written = render_scalar(value, flow=flow)
        assert yaml.safe_load(f"{{k: {written}}}" if flow else f"k: {written}") == {"k": value}


def test_words_and_urls_are_plain_but_not_every_url_in_flow() -> None:
    for value in ["Deep Learning (2nd ed.)", "Ada's notes", "https://x.org/a,b?q=1#top", "y2"]:
        assert plain_ok(value) and render_scalar(value) == value
    assert not plain_ok("https://x.org/a,b", flow=True)
    assert not plain_ok("A, B", flow=True)


def test_adding_keys_to_block_flow_and_missing_mappings() -> None:
    edits = [
        Edit((*LINKS, 0, "bot", "status"), "ok"),
        Edit((*LINKS, 0, "bot", "stars"), 5),
        Edit((*LINKS, 1, "bot", "status"), "dead"),
        Edit((*LINKS, 2, "bot", "stars"), 10),
        Edit((*LINKS, 2, "bot", "archived"), True),
        Edit(("sections", 0, "entries", 1, "links", 0, "bot", "checked"), "2026-11-28"),
    ]
    out = apply_edits(DOC, edits)
    data = yaml.safe_load(out)
    links = data["sections"][0]["entries"][0]["links"]
    assert links[0]["bot"] == {"status": "ok", "stars": 5}
    assert links[1] == {"url": "https://b.org", "label": "B", "bot": {"status": "dead"}}
    assert links[2]["bot"] == {"stars": 10, "note": "a block\nscalar\n", "archived": True}
    assert data["sections"][0]["entries"][1]["links"][0]["bot"] == {"checked": "2026-11-28"}
    # Block mappings only gain lines; a flow mapping's own line changes; nothing else moves.
    removed = [line for line in changed_lines(DOC, out) if line.startswith("-")]
    assert removed == ["-          - {url: https://b.org, label: B}",
                       "-              stars: 3",
                       "-        links: [{url: https://d.org}]"]


def test_delete_a_key() -> None:
    out = apply_edits(DOC, [Edit((*LINKS, 2, "bot", "note"), DELETE)])
    assert yaml.safe_load(out)["sections"][0]["entries"][0]["links"][2]["bot"] == {"stars": 3}
    assert "block" not in out
    assert out.endswith("links: [{url: https://d.org}]\n")


def test_a_key_added_just_before_a_deleted_one() -> None:
    text = ("links:\n"
            "  - url: https://x.org\n"
            "    bot:\n"
            "      title: T\n"
            "    label: L\n"
            "    ignore: true\n")
    edits = [Edit(("links", 0, "bot", "stars"), 5), Edit(("links", 0, "label"), DELETE)]
    for batch in (edits, edits[::-1]):
        assert apply_edits(text, batch) == text.replace("    label: L\n", "      stars: 5\n")


def test_crlf_and_bom_free_text_keep_their_line_endings() -> None:
    crlf = DOC.replace("\n", "\r\n")
    out = apply_edits(crlf, [Edit((*LINKS, 0, "bot", "status"), "ok"),
                             Edit((*LINKS, 2, "bot", "stars"), 4)])
    assert "\n" not in out.replace("\r\n", "")
    assert out.count("\r\n") == crlf.count("\r\n") + 2


def test_no_edit_and_same_value_change_nothing() -> None:
    assert apply_edits(DOC, []) == DOC
    assert apply_edits(DOC, [Edit((*LINKS, 2, "bot", "stars"), 3)]) == DOC


def test_bad_paths_raise() -> None:
    with pytest.raises(EditError):
        apply_edits(DOC, [Edit(("sections", 5, "title"), "x")])
    with pytest.raises(EditError):
        apply_edits(DOC, [Edit(("sections", 0, "title", "x"), "x")])


def test_span_edits_replace_only_the_named_characters() -> None:
    from curatorbot.catalog.edit import apply_span_edits

    text = "- [a](https://a.example/x) and [b](https://b.example/)\n"
    a = text.index("https://a.example/x")
    b = text.index("https://b.example/")
    edits = [Edit(("span", b, b + len("https://b.example/")), "https://c.example/"),
             Edit(("span", a, a + len("https://a.example/x")), "https://a.example/y")]
    assert apply_span_edits(text, edits) == \
        "- [a](https://a.example/y) and [b](https://c.example/)\n"
    assert apply_span_edits(text, []) == text


@pytest.mark.parametrize("path", [("span", 3, 2), ("span", 0, 999), ("sections", 0),
                                  ("span", 0, 12)])
def test_span_edits_refuse_spans_that_hold_no_url(path: tuple[str | int, ...]) -> None:
    from curatorbot.catalog.edit import apply_span_edits

    with pytest.raises(EditError):
        apply_span_edits("- [a](https://a.example/x)\n", [Edit(path, "https://b.example/")])
