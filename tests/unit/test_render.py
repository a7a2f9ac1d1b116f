"""The Markdown page of a catalog: structure, escaping, URLs, badges, determinism.

Pages are read back with markdown-it (a CommonMark parser), so the tests check what a reader
of the page sees, not just which characters were written.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

import pytest
from hypothesis import given
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from curatorbot.catalog import parse_catalog
from curatorbot.catalog.model import Link
from curatorbot.catalog.render import (
    default_label,
    escape_text,
    escape_url,
    format_count,
    link_badges,
    render_markdown,
)

CATALOG = """\
version: 1
title: Reading list
description: Things worth reading.
source:
  title: Applied ML Resources
  author: J. Emmanuel Johnson
  url: https://example.invalid/list
  license: CC-BY-4.0
sections:
  - id: courses
    title: Courses
    entries:
      - id: fast
        title: Practical Deep Learning
        kind: course
        authors: [Ann Smith, Bob Jones]
        provider: Fast.ai
        tags: [practical, code-first]
        summary: Builds models first, theory later.
        links:
          - url: https://course.example.invalid/
            label: Part I
          - url: https://www.forums.example.invalid/t
    sections:
      - id: geo
        title: Geoscience Related
        sections:
          - id: deep
            title: Deeper
            entries:
              - id: gp
                title: GP School
                kind: event
                links:
                  - url: https://gp.example.invalid/
  - id: books
    title: Books
    entries:
      - id: tricky
        title: "A [weird] *title* | <script> #1 `x` _y_ ~~z~~ & R&amp;D"
        kind: book
        summary: "- starts like a list item"
        links:
          - url: "https://book.example.invalid/a_(b)/<c>"
            label: "Label ] with [brackets"
"""


class _Collector(HTMLParser):
    """Links (href, title, text) and heading texts of rendered HTML."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[tuple[str, str, str]] = []
        self.headings: list[tuple[str, str]] = []
        self._open: str | None = None
        self._text: list[str] = []
        self._attrs: dict[str, str | None] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a" or re.fullmatch(r"h[1-6]", tag):
            self._open, self._text, self._attrs = tag, [], dict(attrs)

    def handle_data(self, data: str) -> None:
        if self._open:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag != self._open:
            return
        text = "".join(self._text)
        if tag == "a":
            self.links.append((self._attrs.get("href") or "", self._attrs.get("title") or "",
                               text))
        else:
            self.headings.append((tag, text))
        self._open = None


def _read(page: str) -> _Collector:
    collector = _Collector()
    collector.feed(MarkdownIt("commonmark").render(page))
    return collector


def test_page_has_title_credit_toc_and_sections_by_depth() -> None:
    page = render_markdown(parse_catalog(CATALOG))
    seen = _read(page)
    assert seen.headings == [
        ("h1", "Reading list"), ("h2", "Contents"), ("h2", "Courses"),
        ("h3", "Geoscience Related"), ("h4", "Deeper"), ("h2", "Books"),
    ]
    assert "*Based on [Applied ML Resources](https://example.invalid/list) by J. Emmanuel " \
           "Johnson, licensed CC-BY-4.0.*" in page
    toc = [(href, text) for href, _, text in seen.links if href.startswith("#")]
    assert toc == [("#courses", "Courses"), ("#geoscience-related", "Geoscience Related"),
                   ("#deeper", "Deeper"), ("#books", "Books")]
    assert "  - [Geoscience Related](#geoscience-related)" in page


def test_entry_shows_title_people_kind_tags_summary_and_links() -> None:
    page = render_markdown(parse_catalog(CATALOG), style="cards")
    assert ("- **Practical Deep Learning** — Ann Smith, Bob Jones · Fast.ai\\\n"
            "  *course* · tags: practical, code-first\\\n"
            "  Builds models first, theory later.\n"
            "  - [Part I](https://course.example.invalid/)\n"
            "  - [forums.example.invalid](https://www.forums.example.invalid/t)\n") in page
    rendered = MarkdownIt("commonmark").render(page)
    assert "<strong>Practical Deep Learning</strong> — Ann Smith, Bob Jones · Fast.ai<br />" \
           in rendered
    assert "tags: practical, code-first<br />" in rendered


def test_markdown_in_catalog_text_cannot_break_the_page() -> None:
    catalog = parse_catalog(CATALOG)
    seen = _read(render_markdown(catalog, style="cards"))
    tricky = catalog.entry("tricky")
    rendered = MarkdownIt("commonmark").render(render_markdown(catalog, style="cards"))
    assert f"<strong>{html.escape(tricky.title, quote=False)}</strong>" in rendered
    assert "<script>" not in rendered
    assert "- starts like a list item" in rendered  # the summary stays text, not a list
    book_links = [link for link in seen.links if "book.example" in link[0]]
    assert book_links == [("https://book.example.invalid/a_%28b%29/%3Cc%3E", "",
                           "Label ] with [brackets")]


def test_no_toc_and_no_source() -> None:
    text = CATALOG.split("sections:")[0].split("source:")[0] + "sections:" + \
        CATALOG.split("sections:", 1)[1]
    page = render_markdown(parse_catalog(text), toc=False)
    assert "Contents" not in page
    assert "Based on" not in page
    assert page.startswith("# Reading list\n\nThings worth reading.\n\n## Courses\n")


def test_output_is_deterministic_lf_and_ends_with_one_newline() -> None:
    first = render_markdown(parse_catalog(CATALOG))
    second = render_markdown(parse_catalog(CATALOG))
    assert first == second
    assert "\r" not in first
    assert first.endswith("\n") and not first.endswith("\n\n")


BOT_CATALOG = """\
title: Health
sections:
  - id: s
    title: Repos
    entries:
      - id: r
        title: Repo
        kind: repository
        links:
          - url: https://github.example.invalid/o/r
            label: code
            bot: {stars: 1234, pushed: "2025-03-04T10:00:00Z", archived: true,
                  title: 'The "real" title'}
          - url: https://gone.example.invalid/
            bot: {dead_since: "2026-01-02", checked: "2026-01-20"}
          - url: https://slow.example.invalid/
            bot: {checked: "2026-01-20"}
          - url: https://fresh.example.invalid/
"""


def test_bot_data_shows_as_compact_badges_after_the_link() -> None:
    page = render_markdown(parse_catalog(BOT_CATALOG), style="cards")
    assert ('  - [code](https://github.example.invalid/o/r "The \\"real\\" title")'
            " — ★ 1.2k · pushed 2025-03 · archived\n") in page
    assert "  - [gone.example.invalid](https://gone.example.invalid/) — dead since 2026-01-02\n" \
        in page
    assert "  - [slow.example.invalid](https://slow.example.invalid/)\n" in page
    assert "  - [fresh.example.invalid](https://fresh.example.invalid/)\n" in page
    seen = _read(page)
    assert ("https://github.example.invalid/o/r", 'The "real" title', "code") in seen.links


def test_badge_seam_can_be_replaced() -> None:
    page = render_markdown(parse_catalog(BOT_CATALOG), badges=lambda link: [f"#{link.index}"],
                           style="cards")
    assert "  - [fresh.example.invalid](https://fresh.example.invalid/) — \\#3\n" in page


@pytest.mark.parametrize(("bot", "expected"), [
    ({}, []),
    ({"stars": 999}, ["★ 999"]),
    ({"stars": 1000}, ["★ 1k"]),
    ({"stars": 15_400}, ["★ 15k"]),
    ({"stars": 2_345_678}, ["★ 2.3M"]),
    ({"checked": "2026-01-01", "pushed": "2024-12-31"}, ["pushed 2024-12"]),
    ({"archived": False}, []),
    ({"dead_since": "2026-01-02", "stars": 3, "archived": True},
     ["★ 3", "archived", "dead since 2026-01-02"]),
])
def test_link_badges(bot: dict[str, object], expected: list[str]) -> None:
    assert link_badges(Link(url="https://a.invalid/", line=1, bot=bot)) == expected


def test_format_count_edges() -> None:
    assert [format_count(n) for n in (0, 999, 1049, 1050, 9999, 10_000, 999_999)] == \
        ["0", "999", "1k", "1.1k", "10k", "10k", "1000k"]


def test_default_label_is_the_host() -> None:
    assert default_label("https://www.example.invalid/x") == "example.invalid"
    assert default_label("https://sub.example.invalid:8080/x") == "sub.example.invalid"


def test_escape_url_encodes_what_ends_a_destination() -> None:
    assert escape_url(" https://a.invalid/x y(1)<2>\\ ") == \
        "https://a.invalid/x%20y%281%29%3C2%3E%5C"
    assert escape_url("https://a.invalid/ä?q=1&r=2") == "https://a.invalid/ä?q=1&r=2"


@given(st.text(alphabet=st.sampled_from(list("ab1 .-+=#*_[]()<>|`\\!&~:;\"'\t")) |
               st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")),
               min_size=1, max_size=40).filter(lambda s: s.strip()))
def test_escaped_text_reads_back_as_the_same_text(text: str) -> None:
    """Whatever the text, it renders as that text inside bold, on a continuation line."""
    expected = " ".join(text.split())
    rendered = MarkdownIt("commonmark").render(f"- **{escape_text(text)}**")
    match = re.fullmatch(r"<ul>\n<li><strong>([^<]*)</strong></li>\n</ul>\n", rendered)
    assert match and html.unescape(match.group(1)) == expected
    rendered = MarkdownIt("commonmark").render(f"- **t**\\\n  {escape_text(text)}")
    match = re.fullmatch(r"<ul>\n<li><strong>t</strong><br />\n([^<]*)</li>\n</ul>\n", rendered)
    assert match and html.unescape(match.group(1)) == expected
