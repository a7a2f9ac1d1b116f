"""check.soft404 and check.visible_text: the probe URL, the sketch, the verdict."""

from __future__ import annotations

import json

import pytest

from curatorbot.check.soft404 import (
    NEAR_SAME,
    SIMILAR,
    SKETCH,
    Sample,
    is_site_root,
    judge,
    probe_url,
    sample,
    similarity,
)
from curatorbot.check.visible_text import VISIBLE_PREFIX, visible_text

ARTICLE = ("Installing the toolkit takes three steps. First download the archive for your "
           "platform, then unpack it into a folder on your path, and finally run the setup "
           "command which writes a configuration file in your home directory. ")
TEMPLATE = ("Sorry, we looked everywhere but the page {path} is not here. It may have been "
            "moved or removed. Try the search box above, browse our categories, or go back "
            "to the front page and start again. Request {rid}.")


def page(url: str, text: str, title: str | None = "Example", status: int = 200,
         final_url: str | None = None) -> Sample:
    return sample(url, final_url or url, status, title, text)


@pytest.mark.parametrize(("url", "probe"), [
    ("https://x.test/docs/a.html", "https://x.test/docs/TOKEN.html"),
    ("https://x.test/docs/guide/", "https://x.test/docs/TOKEN/"),
    ("https://x.test/about", "https://x.test/TOKEN"),
    ("https://x.test/a/b/c?q=1#frag", "https://x.test/a/b/TOKEN"),
    ("https://x.test/v1.2", "https://x.test/TOKEN.2"),
    ("https://x.test/?p=42", "https://x.test/TOKEN/"),
    ("https://x.test/blog/post.tar.gz", "https://x.test/blog/TOKEN.gz"),
])
def test_probe_is_a_random_segment_in_the_same_directory(url: str, probe: str) -> None:
    assert probe_url(url, "TOKEN") == probe


@pytest.mark.parametrize("url", ["https://x.test", "https://x.test/", "https://x.test/index.html",
                                 "https://x.test/Default.aspx", "https://x.test/index.php"])
def test_a_site_root_is_never_probed(url: str) -> None:
    assert is_site_root(url)
    assert probe_url(url) is None


def test_random_probes_differ() -> None:
    first, second = probe_url("https://x.test/a/b"), probe_url("https://x.test/a/b")
    assert first != second and first is not None and first.startswith("https://x.test/a/")


def test_an_honest_host_is_trusted_whatever_the_text() -> None:
    probe = page("https://x.test/docs/zz1", TEMPLATE, status=404)
    verdict = judge(page("https://x.test/docs/a", TEMPLATE), probe)
    assert (verdict.soft404, verdict.reason) == (False, "honest-host")
    assert not judge(page("https://x.test/d/a", TEMPLATE),
                     page("https://x.test/d/zz", TEMPLATE, status=410)).soft404


def test_a_template_that_echoes_the_path_is_a_soft_404() -> None:
    dead = page("https://x.test/docs/install-guide",
                TEMPLATE.format(path="/docs/install-guide", rid="a81f2"), title="Oops")
    probe = page("https://x.test/docs/3fa9c2d1e0b4a7f6",
                 TEMPLATE.format(path="/docs/3fa9c2d1e0b4a7f6", rid="9c0d1"), title="Oops")
    verdict = judge(dead, probe)
    assert verdict.soft404 and verdict.reason == "similar"
    assert verdict.similarity is not None and verdict.similarity >= NEAR_SAME
    assert "3fa9c2d1e0b4a7f6" in verdict.evidence
    assert f"{verdict.similarity:.2f}" in verdict.evidence


def test_a_real_page_on_a_soft_404_host_is_trusted() -> None:
    probe = page("https://x.test/docs/3fa9", TEMPLATE.format(path="/docs/3fa9", rid="1"))
    verdict = judge(page("https://x.test/docs/install", ARTICLE * 2), probe)
    assert not verdict.soft404 and verdict.reason == "different"
    assert verdict.similarity is not None and verdict.similarity < 0.2


def test_home_page_host_the_root_is_never_a_soft_404() -> None:
    home = "Welcome to Example. " + ARTICLE
    probe = page("https://x.test/zz9", home, final_url="https://x.test/zz9")
    assert judge(page("https://x.test/", home), probe).reason == "site-root"
    assert judge(page("https://x.test/index.html", home), probe).reason == "site-root"
    # a dead page that shows the home page is one, a real page is not
    assert judge(page("https://x.test/gone", home), probe).soft404
    assert not judge(page("https://x.test/about", "About us. " + TEMPLATE), probe).soft404


def test_short_texts_need_the_same_place_or_a_not_found_sign() -> None:
    shell = "Loading"
    probe = page("https://app.test/zz", shell, title="App")
    assert not judge(page("https://app.test/dashboard", shell, title="App"), probe).soft404
    missing = page("https://app.test/zz", "Not Found", title="404")
    assert judge(page("https://app.test/old", "Not Found", title="404"), missing).soft404
    to_home = page("https://app.test/zz", shell, final_url="https://app.test/")
    assert judge(page("https://app.test/old", shell, final_url="https://app.test/"),
                 to_home).soft404

    # A number that starts with 404 is not a "404" sign: page 4043 of a list is a page.
    numbered = page("https://app.test/zz", "Page zz", title="Page")
    assert not judge(page("https://app.test/4043", "Page 4043", title="Page"),
                     numbered).soft404


def test_inconclusive_probe_and_failed_page() -> None:
    assert judge(page("https://x.test/a", TEMPLATE),
                 page("https://x.test/zz", TEMPLATE, status=403)).reason == "probe-inconclusive"
    assert judge(page("https://x.test/a", TEMPLATE, status=500),
                 page("https://x.test/zz", TEMPLATE)).reason == "not-2xx"


def test_titles_decide_the_middle_band() -> None:
    base = TEMPLATE.format(path="", rid="")
    changed = base.replace("categories", "articles")
    probe = page("https://x.test/zz", base, title="Not here")
    same_title = judge(page("https://x.test/a", changed, title="Not here"), probe)
    other_title = judge(page("https://x.test/a", changed, title="Something else"), probe)
    assert same_title.similarity == other_title.similarity
    assert same_title.similarity is not None and SIMILAR <= same_title.similarity < NEAR_SAME
    assert same_title.soft404 and not other_title.soft404


def test_sketch_is_bounded_stable_and_estimates_jaccard() -> None:
    words = ["".join(chr(97 + i // 26 ** k % 26) for k in range(3)) for i in range(2000)]
    big = page("https://x.test/a", " ".join(words))
    assert len(big.sketch) == SKETCH
    half = page("https://x.test/b", " ".join(words[:1000]))
    assert 0.4 <= similarity(big.sketch, half.sketch) <= 0.6  # true Jaccard ~0.5
    again = Sample.from_json(json.loads(json.dumps(big.to_json())))
    assert again == big
    assert similarity((), ()) == 1.0


def test_visible_text_skips_hidden_parts_and_reads_a_bounded_prefix() -> None:
    html = (b"<html><head><title>T</title><style>p{}</style><script>var x='hidden'</script>"
            b"</head><body><p>Hello&nbsp;<b>world</b></p><noscript>js off</noscript>"
            b"<svg><text>icon</text></svg><textarea>draft</textarea><p>bye</p></body></html>")
    assert visible_text(html) == "Hello world bye"
    assert visible_text(b"<head><title>x</title><body>open head then body") == \
        "open head then body"
    assert visible_text(b"caf\xe9", "text/html; charset=iso-8859-1") == "café"
    assert visible_text(b"") == ""
    long = b"<p>" + b"word " * (VISIBLE_PREFIX // 5) + b"</p><p>AFTER</p>"
    assert "AFTER" not in visible_text(long)


def test_only_the_echo_of_the_path_is_dropped_not_its_words_elsewhere() -> None:
    title = "Page not found | example docs"
    dead = page("https://x.test/docs/archive-example-old", "We could not find "
                "archive-example-old, sorry. " + TEMPLATE.format(path="", rid=""), title=title)
    probe = page("https://x.test/docs/3fa9c2", "We could not find 3fa9c2, sorry. "
                 + TEMPLATE.format(path="", rid=""), title=title)
    assert dead.title == probe.title == "page not found example docs"
    assert judge(dead, probe).similarity == 1.0
    spaced = page("https://x.test/docs/archive-example-old", "No page named archive example old")
    assert spaced.words == 3  # "no page named"
