"""Importing Markdown link lists: every link kept, entries and sections recognised, and the
output always a catalog that `parse_catalog` accepts."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from curatorbot.catalog import Catalog, parse_catalog
from curatorbot.catalog.importer import (
    ImportResult,
    guess_kind,
    import_markdown,
    slugify,
    url_kind,
    yaml_scalar,
)
from curatorbot.catalog.markdown import MdLink, read_markdown
from curatorbot.errors import CatalogError

SEED = Path(__file__).resolve().parents[1] / "data" / "seed" / "ml-resources.md"
GOOGLE_WRAPPER = "https://www.google.com/url?sa=t&rct=j&q=&esrc=s&source=web"


def seed_urls(text: str) -> set[str]:
    """Every link URL of a Markdown text, found by regex (independent of the importer)."""
    inline = re.findall(r"\]\(\s*([^)\s]+)\s*\)", text)
    auto = re.findall(r"<(https?://[^>\s]+)>", text)
    return {url.strip() for url in inline + auto}


def imported(text: str, name: str = "list.md", **kwargs: object) -> tuple[ImportResult, Catalog]:
    result = import_markdown(text, name, **kwargs)  # type: ignore[arg-type]
    return result, parse_catalog(result.text, "imported.yaml")


def test_seed_imports_into_a_valid_catalog_with_every_seed_link() -> None:
    text = SEED.read_text(encoding="utf-8")
    result, catalog = imported(text, "ml-resources.md")
    urls = {link.url for link in catalog.links()}
    expected = seed_urls(text)
    assert len(expected) >= 50
    assert expected <= urls
    assert any(url.startswith(GOOGLE_WRAPPER) for url in urls)  # no clean hook: stays wrapped
    assert result.links == len(list(catalog.links()))
    assert result.entries == len(list(catalog.entries()))


def test_seed_structure_title_credit_and_people() -> None:
    _, catalog = imported(SEED.read_text(encoding="utf-8"), "ml-resources.md")
    assert catalog.title == "Applied Machine Learning Resources"
    assert catalog.source.author == "J. Emmanuel Johnson"
    assert catalog.source.license == "CC-BY-4.0"
    tops = [s.title for s in catalog.sections]
    assert tops == ["Courses", "Geoscience Oriented Material", "Machine Learning Books",
                    "Machine Learning Operations (MLOps)"]
    books = catalog.sections[2]
    assert [s.title for s in books.walk()] == ["Machine Learning Books", "Geoscience",
                                               "Code-First", "Math-First"]
    fast = catalog.entry("practical-deep-learning-for-coders")
    assert fast.provider == "Fast.ai" and fast.kind == "course"
    assert [lk.label for lk in fast.links][:2] == ["Part I", "Part 2"]
    assert "huge community" in [lk.label for lk in fast.links]  # a link inside the description
    assert catalog.entry("data-driven-science-and-engineering").authors == ("Brunton", "Kutz")
    assert catalog.entry("gaussian-process-summer-school-gpss").title == \
        "Gaussian Process Summer School (GPSS)"
    assert catalog.entry("university-courses-2").title == "University Courses"
    # Descriptions are kept verbatim as summaries, inline Markdown and all.
    assert fast.summary.startswith("This is a course which does zero - to - ML expert")
    assert "Fast.ai is a [huge community](https://forums.fast.ai/) of" in fast.summary
    assert catalog.entry("data-driven-science-and-engineering").summary.endswith(
        "I am always keeping an eye out for new stuff here.")
    assert sum(1 for entry in catalog.entries() if entry.summary) == \
        len(list(catalog.entries()))
    assert all(entry.tags == () for entry in catalog.entries())


def test_seed_import_reports_bold_paragraphs_without_links_by_line() -> None:
    result, _ = imported(SEED.read_text(encoding="utf-8"), "ml-resources.md")
    lines = SEED.read_text(encoding="utf-8").splitlines()
    skipped = [w for w in result.warnings if "has no http(s) link; skipped" in w]
    assert skipped and skipped[0].startswith("ml-resources.md:31: 'Breadth vs Depth.'")
    assert lines[30] == "**Breadth vs Depth.**"


def test_clean_hook_rewrites_urls() -> None:
    text = "# L\n\n- [A](https://a.example.invalid/?utm_source=x) - thing\n"
    _, catalog = imported(text, clean=lambda url: url.strip().split("?")[0])
    assert [lk.url for lk in catalog.links()] == ["https://a.example.invalid/"]


def test_urls_written_through_entities_or_escapes_keep_their_entrys_text() -> None:
    """`&amp;` in a destination or an `href` (how HTML writes `&`), a backslash escape: the
    URL is read, and the text after the link is still the summary, not the destination."""
    text = ("# L\n\n## Tools\n\n"
            "- [A](https://a.example.invalid/?x=1&amp;y=2) - an entity.\n"
            "- [B](https://b.example.invalid/?x=1\\&y=2) | [b2](https://b.example.invalid/&#38;)"
            " - an escape, then a second link.\n"
            '- <a href="https://c.example.invalid/?x=1&amp;y=2">C</a> - an HTML link.\n')
    _, catalog = imported(text, clean=lambda url: url)
    entries = list(catalog.entries())
    assert [(e.title, e.summary, [lk.url for lk in e.links]) for e in entries] == [
        ("A", "an entity.", ["https://a.example.invalid/?x=1&y=2"]),
        ("B", "an escape, then a second link.",
         ["https://b.example.invalid/?x=1&y=2", "https://b.example.invalid/&"]),
        ("C", "an HTML link.", ["https://c.example.invalid/?x=1&y=2"])]
    assert [lk.span for lk in read_markdown(text).links()] == [None] * 4  # never edited


def test_list_items_awesome_style() -> None:
    text = """# Awesome Things

Intro text.

## Tools

- [Alpha](https://alpha.example.invalid/) - Does things. See [docs](https://alpha.example.invalid/docs).
* [Beta](https://github.com/owner/beta): a repository
+ **[Gamma](https://gamma.example.invalid)** — bold link
- Delta: [site](https://delta.example.invalid) and https://delta.example.invalid/bare.
- A line without any link
"""
    result, catalog = imported(text)
    assert catalog.title == "Awesome Things"
    assert [s.title for s in catalog.sections] == ["Tools"]
    entries = list(catalog.entries())
    assert [e.title for e in entries] == ["Alpha", "Beta", "Gamma", "Delta"]
    assert [(lk.url, lk.label) for lk in entries[0].links] == [
        ("https://alpha.example.invalid/", "Alpha"), ("https://alpha.example.invalid/docs", "docs")]
    assert entries[1].kind == "repository"
    assert [lk.url for lk in entries[3].links] == ["https://delta.example.invalid",
                                                   "https://delta.example.invalid/bare"]
    assert [e.summary for e in entries] == [
        "Does things. See [docs](https://alpha.example.invalid/docs).", "a repository",
        "bold link", "and https://delta.example.invalid/bare."]
    assert catalog.description == "Intro text."
    # One word per kind of guess, not one per entry.
    assert result.warnings == ("list.md: guessed: list items that open with text take that "
                               "text as their title (`- Title: [link](url)`)",)


def test_bold_paragraph_entries_with_people_and_quote_description() -> None:
    text = """## Books

**Deep Things** - Ann Smith & Bob Jones - [Book](https://b.example.invalid/) | [Code](https://github.com/o/r)
> A description with [a talk](https://talk.example.invalid/v) inside.
> **Note**: not an entry.

**Org Course** - *Practical+Code* - MIT OpenCourseWare - [Site](https://ocw.example.invalid/)

More text about it with <https://auto.example.invalid/x>.
"""
    _, catalog = imported(text)
    deep, org = catalog.entries()
    assert deep.title == "Deep Things" and deep.authors == ("Ann Smith", "Bob Jones")
    assert deep.kind == "book"
    assert [(lk.url, lk.label) for lk in deep.links] == [
        ("https://b.example.invalid/", "Book"), ("https://github.com/o/r", "Code"),
        ("https://talk.example.invalid/v", "a talk")]
    assert org.provider == "MIT OpenCourseWare" and org.authors == ()
    assert org.kind == "course"
    assert [lk.url for lk in org.links] == ["https://ocw.example.invalid/",
                                            "https://auto.example.invalid/x"]
    result = import_markdown(text)
    assert "# from the source: Practical+Code" in result.text
    assert deep.summary == "A description with [a talk](https://talk.example.invalid/v) " \
                           "inside. **Note**: not an entry."
    assert org.summary == "More text about it with <https://auto.example.invalid/x>."


def test_details_blocks_comments_and_reference_links() -> None:
    text = """# Doc

## Section

<details>
<summary>**Not a title** [nor a link](https://summary.example.invalid/)</summary>
- [Inside](https://inside.example.invalid/)
</details>

<!-- - [Hidden](https://hidden.example.invalid/)

still hidden -->

- [Ref Entry][r1] - uses a reference
- [Shortcut] and [Collapsed][]

<p><a href="https://html.example.invalid/page">html link</a></p>

[r1]: https://ref.example.invalid/one "Title"
[shortcut]: <https://ref.example.invalid/two>
[collapsed]: https://ref.example.invalid/three
"""
    result, catalog = imported(text)
    urls = [lk.url for lk in catalog.links()]
    assert urls == ["https://summary.example.invalid/", "https://inside.example.invalid/",
                    "https://ref.example.invalid/one",
                    "https://ref.example.invalid/two", "https://ref.example.invalid/three",
                    "https://html.example.invalid/page"]
    entries = list(catalog.entries())
    # The <summary> line names the entry; the list inside the details is its links.
    assert [e.title for e in entries] == ["nor a link", "Ref Entry", "Shortcut", "html link"]
    assert entries[1].summary == "uses a reference"
    assert [len(e.links) for e in entries] == [2, 1, 2, 1]
    assert "hidden" not in result.text


def test_headings_nest_by_level_and_ids_are_unique() -> None:
    text = """# One
## A
- [Same](https://1.example.invalid/)
### A1
- [Same](https://2.example.invalid/)
# Two
#### Deep
- [Same](https://3.example.invalid/)
## A
- [Same](https://4.example.invalid/)
"""
    _, catalog = imported(text, "fallback-title.md")
    assert catalog.title == "fallback-title"  # two H1s: both are sections
    assert [(s.id, s.title, s.depth) for s in catalog.walk_sections()] == [
        ("one", "One", 1), ("a", "A", 2), ("a1", "A1", 3), ("two", "Two", 1),
        ("deep", "Deep", 2), ("a-2", "A", 2)]
    assert [e.id for e in catalog.entries()] == ["same", "same-2", "same-3", "same-4"]


def test_front_matter_title_wins_and_entries_before_headings_go_to_general() -> None:
    text = "---\ntitle: 'From: front matter'\nlicense: MIT\n---\n# Heading Title\n\n" \
           "- [A](https://a.example.invalid/)\n"
    _, catalog = imported(text)
    assert catalog.title == "From: front matter"
    assert catalog.source.license == "MIT"
    assert [s.title for s in catalog.sections] == ["General"]


def test_broken_front_matter_is_ignored_with_a_warning() -> None:
    result, catalog = imported("---\ntitle: [unclosed\n---\n- [A](https://a.example.invalid/)\n")
    assert result.warnings == ("list.md:1: the front matter is not valid YAML; ignored",)
    assert catalog.title == "list"


def test_non_http_links_are_skipped_with_a_warning_and_anchors_silently() -> None:
    text = """# T
- [Contents](#contents)
- [Mail](mailto:someone@example.invalid) and [Rel](./other.md)
- [Good](https://good.example.invalid/)
"""
    result, catalog = imported(text)
    assert [lk.url for lk in catalog.links()] == ["https://good.example.invalid/"]
    assert result.warnings == ()  # an item without any http(s) link is not an entry
    result, catalog = imported("- [Good](https://good.example.invalid/) | [Rel](./other.md)\n")
    assert result.warnings == ("list.md:1: skipped link './other.md' (not an http(s) URL)",)


def test_links_the_catalog_would_refuse_are_skipped_saying_why() -> None:
    result = import_markdown("- [a](https://x.example.invalid:99999/) [b](https:///p) "
                             "[c](https://c.example.invalid/)\n")
    assert result.warnings == (
        "list.md:1: skipped link 'https://x.example.invalid:99999/' "
        "(not a valid URL: Port out of range 0-65535)",
        "list.md:1: skipped link 'https:///p' (no host)",
    )


def test_tables_rows_become_entries() -> None:
    text = "## Table\n\n| Name | About |\n|---|---|\n" \
           "| [Tab](https://tab.example.invalid/) | text [more](https://more.example.invalid/) |\n"
    _, catalog = imported(text)
    (entry,) = catalog.entries()
    assert entry.title == "Tab"
    assert [lk.url for lk in entry.links] == ["https://tab.example.invalid/",
                                              "https://more.example.invalid/"]


def test_urls_with_spaces_parentheses_and_entities() -> None:
    text = "- [W](https://w.example.invalid/wiki/A_(b))\n" \
           "- [S](<https://s.example.invalid/a b>)\n" \
           "- [E](https://e.example.invalid/?a=1&amp;b=2)\n"
    _, catalog = imported(text)
    assert [lk.url for lk in catalog.links()] == [
        "https://w.example.invalid/wiki/A_(b)", "https://s.example.invalid/a%20b",
        "https://e.example.invalid/?a=1&b=2"]


def test_unicode_titles_and_yaml_special_text_survive() -> None:
    text = "## Über\n\n- [Ça: \"va\" #1 - yes](https://u.example.invalid/) - x\n" \
           "- [null](https://n.example.invalid/)\n- [日本語](https://j.example.invalid/)\n"
    _, catalog = imported(text)
    assert [e.title for e in catalog.entries()] == ['Ça: "va" #1 - yes', "null", "日本語"]
    assert [e.id for e in catalog.entries()] == ["ca-va-1-yes", "null", "entry"]
    assert catalog.sections[0].id == "uber"
    _, catalog = imported("- [No](https://n.example.invalid/)\n- [1](https://o.example.invalid)\n")
    assert [e.id for e in catalog.entries()] == ["no", "1"]


def test_output_is_deterministic_and_readable() -> None:
    text = SEED.read_text(encoding="utf-8")
    first = import_markdown(text, "ml-resources.md").text
    assert first == import_markdown(text, "ml-resources.md").text
    assert first.startswith("# Imported by `curatorbot import` from ml-resources.md.\n")
    assert "summaries" in first.splitlines()[1].lower()
    assert "\n  - id: courses\n    title: Courses\n    entries:\n      - id: " in first
    assert first.endswith("\n") and not first.endswith("\n\n")


@pytest.mark.parametrize("text", ["", "   \n\n", "\ufeff"])
def test_empty_input_is_an_error(text: str) -> None:
    with pytest.raises(CatalogError, match=r"^list\.md: the file is empty"):
        import_markdown(text)


@pytest.mark.parametrize("text", ["# Title\n\nJust prose.\n", "- [x](#anchor)\n",
                                  "[js](javascript:alert(1))\n", "- [m](mailto:x@y)\n"])
def test_input_without_links_is_an_error(text: str) -> None:
    with pytest.raises(CatalogError, match=r"^list\.md: no http\(s\) links found"):
        import_markdown(text)


def test_a_broken_link_still_yields_its_url_as_a_bare_url() -> None:
    _, catalog = imported("- [broken](https://a.example.invalid/x \n- **bold never closed\n")
    assert [lk.url for lk in catalog.links()] == ["https://a.example.invalid/x"]


def test_entries_without_title_text_are_named_after_their_first_link() -> None:
    _, catalog = imported("**[](https://www.example.org/a)** - about\n\n"
                          "**![](logo.png)**\n\nsee [the page](https://example.org/b)\n")
    assert [e.title for e in catalog.entries()] == ["example.org", "the page"]


def test_crlf_and_bom_give_the_same_catalog() -> None:
    text = SEED.read_text(encoding="utf-8")
    assert import_markdown("\ufeff" + text.replace("\n", "\r\n"), "x.md").text == \
        import_markdown(text, "x.md").text


@pytest.mark.parametrize(("url", "kind"), [
    ("https://www.youtube.com/playlist?list=PL1", "playlist"),
    ("https://www.youtube.com/@someone/videos", "channel"),
    ("https://www.youtube.com/SomeName", "channel"),
    ("https://www.youtube.com/watch?v=abc&list=PL1", "video"),
    ("https://youtu.be/abc", "video"),
    ("https://github.com/owner/repo", "repository"),
    ("https://github.com/owner", ""),
    ("https://arxiv.org/abs/2101.00001", "paper"),
    ("https://www.amazon.com/Some-Book/dp/1492041130", "book"),
    ("https://example.invalid/x.ipynb", "notebook"),
    ("https://example.invalid/", ""),
])
def test_url_kind(url: str, kind: str) -> None:
    assert url_kind(url) == kind


@pytest.mark.parametrize(("title", "label", "url", "kind"), [
    ("Dive into Deep Learning", "Online Book", "https://d2l.example.invalid/", "book"),
    ("Crash Course", "site", "https://github.com/o/r", "course"),
    ("Lectures on X", "", "https://example.invalid/", "lectures"),
    ("Talks", "lectures", "https://www.youtube.com/playlist?list=PL1", "lectures"),
    ("Facebook research", "", "https://example.invalid/", "website"),
    ("Notebooks", "", "https://example.invalid/", "website"),
    ("Stuff", "tutorial", "https://example.invalid/", "tutorial"),
    ("Stuff", "docs", "https://example.invalid/", "documentation"),
    ("Stuff", "webpage", "https://lms.example.invalid/course/index.php", "course"),
])
def test_guess_kind(title: str, label: str, url: str, kind: str) -> None:
    assert guess_kind(title, [MdLink(url, 1, None, label)]) == kind


def test_slugify() -> None:
    assert slugify("Crash Course: Deep Learning (PyTorch) — Ça!") == \
        "crash-course-deep-learning-pytorch-ca"
    assert len(slugify("word " * 40)) <= 60
    assert slugify("!!!", "section") == "section"


@given(st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=30))
def test_yaml_scalar_reads_back_unchanged(value: str) -> None:
    assert yaml.safe_load(f"key: {yaml_scalar(value)}\n") == {"key": value}


@pytest.mark.parametrize("value", ["0b_", "a\u2028b", "x\x85y", "--- x", "\ufeffTitle"])
def test_yaml_scalar_quotes_text_that_reads_back_otherwise(value: str) -> None:
    assert yaml_scalar(value).startswith('"')
    assert yaml.safe_load(f"key: {yaml_scalar(value)}\n") == {"key": value}


@given(st.sampled_from(["http://", "https://", "Ab", "x"]),
       st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=30))
def test_yaml_scalar_urls_and_words_read_back_unchanged(prefix: str, rest: str) -> None:
    value = prefix + rest
    assert yaml.safe_load(f"key: {yaml_scalar(value)}\n") == {"key": value}
