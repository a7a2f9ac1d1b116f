"""The reader on arbitrary Markdown-ish text: it never fails, and every span it gives holds
exactly its link's URL on the link's line (what `update` relies on to edit a README)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from curatorbot.catalog import parse_catalog
from curatorbot.catalog.importer import import_markdown
from curatorbot.catalog.markdown import read_markdown
from curatorbot.errors import CatalogError

PIECES = st.sampled_from([
    "- ", "* ", "1. ", "  ", "\n", "\r\n", "\n\n", "# ", "## ", "> ", "| ", " | ", "|---|\n",
    "**", "_", "`", "[", "]", "(", ")", "<", ">", "![", "](", "[t](", "<a href=\"",
    "\">x</a>", "<details><summary>", "</summary>", "</details>", "<img src=\"",
    "https://a.example/x", "https://b.example/p_(q)", "http://c.example/?u=1&v=2",
    " - ", "text ", "Title", "\\", "&amp;", "[r]: ", "[r]", "<!-- ", " -->", "```\n",
])


@settings(max_examples=300, deadline=None)
@given(st.lists(PIECES, max_size=60).map("".join))
def test_every_span_holds_its_url_on_its_line(text: str) -> None:
    doc = read_markdown(text, "fuzz.md")
    for link in doc.links():
        if link.span is None:
            continue
        start, end = link.span
        assert text[start:end] == link.url
        assert text.count("\n", 0, start) + 1 == link.line
    assert all(entry.title for entry in doc.entries())


@settings(max_examples=200, deadline=None)
@given(st.lists(PIECES, max_size=60).map("".join))
def test_import_of_any_text_is_a_valid_catalog_or_one_clear_error(text: str) -> None:
    try:
        result = import_markdown(text, "fuzz.md")
    except CatalogError as exc:
        assert str(exc).startswith("fuzz.md: ") and "\n" not in str(exc)
        return
    catalog = parse_catalog(result.text, "fuzz.yaml")
    assert result.entries == sum(1 for _ in catalog.entries())
