"""Real-looking lists of every shape (tests/data/lists): what `import` keeps of each, and
the round trip `import(render(c)) == c`, `render(import(render(c))) == render(c)`."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from curatorbot.catalog import Catalog, load_catalog, parse_catalog
from curatorbot.catalog.importer import ImportResult, import_markdown
from curatorbot.catalog.markdown import read_markdown
from curatorbot.catalog.render import render_markdown

LISTS = Path(__file__).resolve().parents[1] / "data" / "lists"
SHAPES = ["plain.md", "nested.md", "tables.md", "html.md", "details.md"]


def imported(name: str) -> tuple[ImportResult, Catalog]:
    result = import_markdown((LISTS / name).read_text(encoding="utf-8"), name)
    return result, parse_catalog(result.text, name + ".yaml")


def shape(catalog: Catalog) -> list[object]:
    """What the round trip keeps: sections, entries, titles, summaries, tags and URLs."""
    return [(s.title, s.depth, s.description,
             [(e.title, e.summary, e.tags, [lk.url for lk in e.links]) for e in s.entries])
            for s in catalog.walk_sections()]


@pytest.mark.parametrize("name", SHAPES)
def test_round_trip_of_each_shape_is_stable(name: str) -> None:
    _, catalog = imported(name)
    page = render_markdown(catalog)
    again = parse_catalog(import_markdown(page, "page.md").text, "again.yaml")
    assert shape(again) == shape(catalog)
    assert again.title == catalog.title and again.description == catalog.description
    assert render_markdown(again) == page


def test_plain_list_keeps_descriptions_and_urls_as_written() -> None:
    result, catalog = imported("plain.md")
    entries = {e.title: e for e in catalog.entries()}
    assert len(entries) == 34
    assert entries["Gatsby"].summary == "React-based framework with a *rich* plugin ecosystem."
    assert entries["Astro"].summary == \
        "Ship less JavaScript; see [the docs](https://docs.astro.build/)."
    assert [lk.url for lk in entries["Astro"].links] == [
        "https://github.com/withastro/astro", "https://docs.astro.build/"]
    assert entries["Jekyll Themes"].summary == "A gallery of `Jekyll` themes."
    assert entries["Bookmark"].links[0].url == "https://en.wikipedia.org/wiki/Bookmark_(digital)"
    # The list's badge, its table of contents, "back to top" and the contributing
    # sentence are not entries.
    assert "awesome.re" not in result.text
    assert "CONTRIBUTING" not in result.text and "Contents" not in result.text
    assert "back to top" not in result.text.lower()
    assert catalog.description.startswith("Static sites are fast, cheap and hard to break.")


def test_plain_list_lines_come_back_byte_for_byte() -> None:
    text = (LISTS / "plain.md").read_text(encoding="utf-8")
    _, catalog = imported("plain.md")
    page = set(render_markdown(catalog).splitlines())
    items = [line.strip() for line in text.splitlines() if re.match(r"\s*- \[.*\]\(http", line)]
    same = sum(1 for line in items if line in page)
    assert same / len(items) >= 0.9, (same, len(items))


def test_nested_lists_keep_every_item_and_skip_text_only_groups() -> None:
    _, catalog = imported("nested.md")
    titles = [e.title for e in catalog.entries()]
    assert len(titles) == 14
    assert "University courses" not in titles and "Errata" in titles
    assert catalog.entry("errata").summary == "Known mistakes of the printed book."


def test_table_rows_take_the_link_text_and_columns_become_data() -> None:
    result, catalog = imported("tables.md")
    era5 = catalog.entry("era5")
    assert era5.title == "ERA5"
    assert era5.tags == ("ECMWF", "CC-BY-4.0")
    assert era5.summary == "Hourly estimates of atmospheric variables from 1940 to today"
    bench = catalog.entry("weatherbench-2")
    assert bench.title == "WeatherBench 2"  # not its first cell, "2023-08"
    assert bench.tags == ("2023-08",)
    assert bench.summary == "The next generation, with *probabilistic* scores"
    assert [lk.label for lk in bench.links] == ["WeatherBench 2", "arXiv"]
    assert sum("guessed: table rows" in w for w in result.warnings) == 1


def test_html_anchors_take_their_visible_text_and_images_are_never_links() -> None:
    result, catalog = imported("html.md")
    assert catalog.title == "Awesome Web Scraping"
    assert [e.title for e in catalog.entries()] == [
        "NerdyData", "ScrapingBee", "Apify", "Scrapy", "Playwright for Python"]
    assert catalog.entry("scrapingbee").tags == ("Commercial",)
    for never in ("badge", ".png", ".svg", "googletagmanager", "srcset", "sponsor"):
        assert never not in result.text, never
    assert any("3 link(s) outside any entry" in w for w in result.warnings)


def test_details_entries_are_named_by_their_summary_line() -> None:
    _, catalog = imported("details.md")
    titles = [e.title for e in catalog.entries()]
    assert titles == ["pandas", "Polars", "vaex", "modin", "matplotlib"]
    pandas = catalog.entry("pandas")
    assert pandas.summary == "Flexible and powerful data analysis / manipulation library.."
    assert pandas.tags == ("BSD-3", "sponsored")
    assert [lk.label for lk in pandas.links] == ["pandas", "BSD-3", "PyPi", "Conda"]
    assert "https://git.io/JtehR" not in {lk.url for lk in catalog.links()}


def test_round_trip_of_this_repositorys_catalog() -> None:
    catalog = load_catalog(LISTS.parents[2] / "catalog.yaml")
    page = render_markdown(catalog)
    again = parse_catalog(import_markdown(page, "page.md").text, "again.yaml")
    assert shape(again) == shape(catalog)
    # The credit line gives the source back: 'J. Emmanuel Johnson' keeps his initial.
    assert again.source == catalog.source
    assert render_markdown(again) == page


def test_a_line_of_many_blanks_reads_in_one_pass() -> None:
    # Neighbouring `[ \t]*` in the trailing-tags and list-marker patterns once backtracked
    # quadratically: 20,000 blanks took 7 s, these 200,000 minutes. Now they are read once.
    blanks = " \t" * 100_000
    text = f"# L\n\n## S\n\n- [A](https://a.example.org/) - x{blanks}y `MIT`\n"
    (entry,) = read_markdown(text).entries()
    assert (entry.title, entry.tags) == ("A", ["MIT"])
    assert entry.summary.startswith("x") and entry.summary.endswith("y")
