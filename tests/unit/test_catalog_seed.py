"""catalog.yaml against its seed list: every seed link kept, same section tree, own words.

The seed is "Applied Machine Learning Resources" by J. Emmanuel Johnson (CC-BY-4.0), copied
unchanged to tests/data/seed/ml-resources.md. URLs are compared after a small cleaning step
kept local to this test (tracking parameters and the Google redirect wrapper removed).
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest

from curatorbot.catalog.load import load_catalog
from curatorbot.catalog.model import Catalog

ROOT = Path(__file__).resolve().parents[2]
CATALOG = ROOT / "catalog.yaml"
SEED = ROOT / "tests" / "data" / "seed" / "ml-resources.md"

LINK_TARGET = re.compile(r"\]\(([^)]*)\)")
HEADING = re.compile(r"^(#{2,4})\s+(.+?)\s*$")
TRACKING = {"pp", "si", "fbclid", "gclid"}
COPY_RUN = 6  # this many consecutive words shared with the seed count as copied text


def clean(url: str) -> str:
    """Strip white space, unwrap google.com/url?url=, drop tracking query parameters."""
    url = url.strip()
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if host in ("google.com", "www.google.com") and parts.path == "/url":
        target = dict(parse_qsl(parts.query)).get("url", "")
        if target.startswith(("http://", "https://")):
            return clean(target)
    if not parts.query:
        return url
    kept = [p for p in parts.query.split("&")
            if p and not _is_tracking(p.split("=", 1)[0].lower())]
    base = url.split("?", 1)[0]
    fragment = f"#{parts.fragment}" if parts.fragment else ""
    return base + (f"?{'&'.join(kept)}" if kept else "") + fragment


def _is_tracking(name: str) -> bool:
    return name in TRACKING or name.startswith("utm_")


def seed_text() -> str:
    return SEED.read_text(encoding="utf-8")


def seed_urls() -> set[str]:
    return {clean(raw) for raw in LINK_TARGET.findall(seed_text())}


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog(CATALOG)  # raises CatalogInvalid on any schema problem


def test_cleaning_handles_the_seed_wrappers() -> None:
    wrapped = ("https://www.google.com/url?sa=t&q=&url=https%3A%2F%2Fwww.cambridge.org%2Fa%2FB7"
               "&usg=X")
    assert clean(wrapped) == "https://www.cambridge.org/a/B7"
    assert clean("https://www.youtube.com/watch?v=abc&pp=ygU") == \
        "https://www.youtube.com/watch?v=abc"
    assert clean(" https://x.org/p/?utm_source=a&si=b") == "https://x.org/p/"
    assert clean("https://x.org/c?categoryid=1") == "https://x.org/c?categoryid=1"


def test_seed_has_the_links_we_expect_to_compare() -> None:
    raw = LINK_TARGET.findall(seed_text())
    urls = seed_urls()
    assert len(raw) >= 50
    assert any(r != r.strip() for r in raw), "the seed's link with a leading space is read"
    assert "https://www.cambridge.org/highereducation/books/machine-learning-for-engineers/" \
           "7FD8622836CAFCF5EDB169E7DC8A1ED4" in urls
    assert not any("google.com/url" in u or "pp=" in u for u in urls)


def test_catalog_holds_every_seed_url_and_nothing_else(catalog: Catalog) -> None:
    ours = {link.url for link in catalog.links()}
    seed = seed_urls()
    assert seed - ours == set(), "seed URLs missing from catalog.yaml"
    assert ours - seed == set(), "catalog.yaml URLs that are not in the seed"
    assert seed <= ours and ours == seed


def test_every_link_has_a_label_and_every_entry_a_summary(catalog: Catalog) -> None:
    unlabelled = [link.url for link in catalog.links() if not link.label]
    assert unlabelled == []
    no_summary = [entry.id for entry in catalog.entries() if not entry.summary]
    assert no_summary == []


def test_header_credits_the_source_and_its_licence(catalog: Catalog) -> None:
    text = CATALOG.read_text(encoding="utf-8")
    header = "\n".join(line for line in text.splitlines()
                       if line.startswith("#")).split("version:")[0]
    assert text.startswith("#")
    for needle in ("Applied Machine Learning Resources", "J. Emmanuel Johnson", "CC-BY-4.0",
                   "https://creativecommons.org/licenses/by/4.0/", "bot:"):
        assert needle in header, needle
    assert catalog.source.author == "J. Emmanuel Johnson"
    assert catalog.source.license == "CC-BY-4.0"
    assert catalog.source.title == "Applied Machine Learning Resources"


def seed_section_tree() -> list[tuple[int, str]]:
    """(depth, title) of the seed's headings in order.

    `##` is a top-level section. `###` and `####` are both subsections of the `##` above:
    the seed jumps from `### Geoscience` to `#### Code-First`/`#### Math-First`, which are
    book categories next to Geoscience, not kinds of geoscience book.
    """
    tree = []
    for line in seed_text().splitlines():
        match = HEADING.match(line)
        if match:
            depth = 1 if len(match.group(1)) == 2 else 2
            tree.append((depth, match.group(2).replace("**", "").strip()))
    return tree


def test_section_tree_follows_the_seed_headings(catalog: Catalog) -> None:
    ours = [(section.depth, section.title) for section in catalog.walk_sections()]
    expected = seed_section_tree()
    assert (2, "Code-First") in expected and (1, "Machine Learning Books") in expected
    assert ours == expected
    books = next(s for s in catalog.sections if s.title == "Machine Learning Books")
    assert [s.title for s in books.sections] == ["Geoscience", "Code-First", "Math-First"]


def words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+(?:'[a-z0-9]+)*", text.lower().replace("’", "'"))


def runs(text: str, size: int = COPY_RUN) -> set[tuple[str, ...]]:
    ws = words(text)
    return {tuple(ws[i:i + size]) for i in range(len(ws) - size + 1)}


def copied_runs(text: str, seed_runs: set[tuple[str, ...]]) -> list[str]:
    return [" ".join(run) for run in sorted(runs(text) & seed_runs)]


def test_no_summary_copies_the_seed(catalog: Catalog) -> None:
    seed_runs = runs(seed_text())
    # The check is live: a sentence of a seed review is caught.
    assert copied_runs("This is a summer school that happens every year.", seed_runs)
    copied = {entry.id: copied_runs(entry.summary, seed_runs)
              for entry in catalog.entries()}
    copied.update({f"section {s.id}": copied_runs(s.description, seed_runs)
                   for s in catalog.walk_sections()})
    copied.update({"catalog description": copied_runs(catalog.description, seed_runs)})
    assert {k: v for k, v in copied.items() if v} == {}


def test_the_product_cleaner_agrees_with_this_test_on_every_seed_url() -> None:
    """`curatorbot lint --fix` would turn the raw seed links into exactly the catalog's URLs."""
    from curatorbot.urls import clean_url

    for raw in LINK_TARGET.findall(seed_text()):
        assert clean_url(raw) == clean(raw), raw
