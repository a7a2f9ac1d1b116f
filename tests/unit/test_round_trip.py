"""The round trip on generated catalogs: `import(render(c))` gives back `c` (sections,
entries, titles, summaries, tags, URLs), and `render(import(render(c)))` is `render(c)`."""

from __future__ import annotations

import string

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from curatorbot.catalog import Catalog, parse_catalog
from curatorbot.catalog.importer import import_markdown
from curatorbot.catalog.model import Entry, Link, Section, Source
from curatorbot.catalog.render import render_markdown

# Text with the characters that mean something in Markdown, so escaping is exercised.
TEXT_CHARS = string.ascii_letters + string.digits + " *_[]<>&#|!`\\~-+.:()'\"é日"
SUMMARY_CHARS = string.ascii_letters + string.digits + " *_.,;:!?'\"()-é"
NAV = ("top", "back to top", "contents", "table of contents")


def one_line(text: str) -> str:
    return " ".join(text.split())


titles = st.text(TEXT_CHARS, min_size=1, max_size=24).map(one_line).filter(
    lambda t: bool(t) and t.lower() not in NAV and t[0] not in "⬆↑")
summaries = st.text(SUMMARY_CHARS, max_size=60).map(one_line)
tags = st.lists(st.from_regex(r"[A-Za-z][A-Za-z0-9+.-]{0,11}", fullmatch=True), max_size=3,
                unique=True)
paths = st.text(string.ascii_letters + string.digits + "_-.()~%=&?/;#", max_size=20)


@st.composite
def urls(draw: st.DrawFn) -> str:
    host = draw(st.from_regex(r"[a-z][a-z0-9]{0,8}", fullmatch=True))
    return f"https://{host}.example/{draw(paths)}"


@st.composite
def entries(draw: st.DrawFn) -> Entry:
    links = draw(st.lists(urls(), min_size=1, max_size=3, unique=True))
    labels = draw(st.lists(st.one_of(st.just(""), titles), min_size=len(links),
                           max_size=len(links)))
    return Entry(id="e", title=draw(titles), kind="website", line=0,
                 links=tuple(Link(url=u, line=0, label=lb) for u, lb in zip(links, labels,
                                                                            strict=True)),
                 summary=draw(summaries), tags=tuple(draw(tags)))


def sections(depth: int) -> st.SearchStrategy[Section]:
    children = st.lists(sections(depth + 1), max_size=2) if depth < 3 else st.just([])
    return st.builds(lambda title, description, items, kids: Section(
        id="s", title=title, line=0, description=description, entries=tuple(items),
        sections=tuple(kids), depth=depth),
        titles, st.one_of(st.just(""), titles), st.lists(entries(), min_size=1, max_size=3),
        children)


catalogs = st.builds(
    lambda title, description, source, secs: Catalog(
        path="c.yaml", title=title, description=description, source=source,
        sections=tuple(secs)),
    titles, st.one_of(st.just(""), titles),
    st.one_of(st.just(Source()), st.builds(
        Source, title=st.from_regex(r"[A-Z][a-z]{1,10}", fullmatch=True),
        author=st.from_regex(r"[A-Z][a-z]{1,8}", fullmatch=True),
        license=st.sampled_from(["", "MIT", "CC-BY-4.0"]),
        url=st.one_of(st.just(""), urls()))),
    st.lists(sections(1), min_size=1, max_size=3))


def kept(catalog: Catalog) -> list[object]:
    """What the round trip promises to keep."""
    return [(s.title, s.depth, s.description,
             [(e.title, e.summary, e.tags, [lk.url for lk in e.links]) for e in s.entries])
            for s in catalog.walk_sections()]


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(catalogs)
def test_import_of_render_gives_back_the_catalog(catalog: Catalog) -> None:
    assume(not any(s.title.lower() == "contents" for s in catalog.walk_sections()))
    page = render_markdown(catalog)
    again = parse_catalog(import_markdown(page, "page.md").text, "again.yaml")
    assert kept(again) == kept(catalog)
    assert (again.title, again.description) == (catalog.title, catalog.description)
    assert again.source == catalog.source
    assert render_markdown(again) == page


def test_render_never_re_encodes_a_url() -> None:
    url = "https://en.wikipedia.org/wiki/Bookmark_(digital)"
    catalog = Catalog(path="c.yaml", title="T", sections=(Section(
        id="s", title="S", line=0, entries=(Entry(id="e", title="B", kind="website", line=0,
                                                  links=(Link(url, 0),)),)),))
    assert f"- [B]({url})\n" in render_markdown(catalog)
    unbalanced = Catalog(path="c.yaml", title="T", sections=(Section(
        id="s", title="S", line=0, entries=(Entry(id="e", title="B", kind="website", line=0,
                                                  links=(Link(url + ")x", 0),)),)),))
    assert f"- [B](<{url})x>)\n" in render_markdown(unbalanced)


def test_a_url_holding_an_entity_comes_back_as_it_was() -> None:
    """`&amp;` in a URL is three characters of the URL, not an `&` to Markdown: rendered
    with its `&` backslash-escaped (not percent-encoded: `%26` would be another URL), it
    is read back unchanged, in both forms of destination."""
    urls = ("https://e.example/p?a=1&amp;b=2", "https://e.example/p(x?c=&#38;")
    catalog = Catalog(path="c.yaml", title="T", sections=(Section(
        id="s", title="S", line=0, entries=tuple(
            Entry(id=f"e{i}", title=f"E{i}", kind="website", line=0, links=(Link(url, 0),))
            for i, url in enumerate(urls))),))
    page = render_markdown(catalog)
    assert "- [E0](https://e.example/p?a=1\\&amp;b=2)\n" in page
    assert "- [E1](<https://e.example/p(x?c=\\&#38;>)\n" in page
    again = parse_catalog(import_markdown(page, "page.md").text, "again.yaml")
    assert kept(again) == kept(catalog)
    assert render_markdown(again) == page
