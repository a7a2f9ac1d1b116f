"""URL hygiene: tracking parameters, redirect wrappers, the duplicate key."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from curatorbot.urls import clean_url, dedupe_key, strip_tracking, tracking_params, unwrap

GOOGLE = ("https://www.google.com/url?sa=t&rct=j&q=&esrc=s&source=web&cd=&ved=2ahUKEwixjvHc"
          "&url=https%3A%2F%2Fwww.cambridge.org%2Fhighereducation%2Fbooks%2Fmachine-learning-for-"
          "engineers%2F7FD8622836CAFCF5EDB169E7DC8A1ED4&usg=AOvVaw3Jru&opi=89978449")


@pytest.mark.parametrize(("url", "expected"), [
    (GOOGLE, "https://www.cambridge.org/highereducation/books/machine-learning-for-engineers/"
             "7FD8622836CAFCF5EDB169E7DC8A1ED4"),
    ("https://l.facebook.com/l.php?u=https%3A%2F%2Fexample.org%2Fa%3Fb%3D1&h=AT0",
     "https://example.org/a?b=1"),
    ("https://eur01.safelinks.protection.outlook.com/?url=https%3A%2F%2Fexample.org%2F&data=x",
     "https://example.org/"),
    ("https://www.youtube.com/redirect?event=video&q=https%3A%2F%2Fexample.org%2Fx",
     "https://example.org/x"),
])
def test_redirect_wrappers_are_unwrapped(url: str, expected: str) -> None:
    assert unwrap(url) == expected
    assert clean_url(url) == expected


def test_nested_wrappers_unwrap_fully() -> None:
    inner = "https://l.facebook.com/l.php?u=" + quote("https://example.org/deep?utm_source=x", "")
    outer = "https://www.google.com/url?sa=t&url=" + quote(inner, "")
    assert clean_url(outer) == "https://example.org/deep"


def test_unknown_hosts_are_not_wrappers() -> None:
    assert unwrap("https://example.org/url?url=https%3A%2F%2Fother.org") is None
    assert unwrap("https://www.google.com/search?q=https%3A%2F%2Fother.org") is None


@pytest.mark.parametrize(("url", "expected"), [
    ("https://www.youtube.com/watch?v=MW9oVxjJHEw&pp=ygUJam9lbCBncnVz",
     "https://www.youtube.com/watch?v=MW9oVxjJHEw"),
    ("https://youtu.be/abc?si=XYZ", "https://youtu.be/abc"),
    ("https://example.org/a?utm_source=x&utm_medium=y&id=3#top", "https://example.org/a?id=3#top"),
    ("https://example.org/?fbclid=1&gclid=2", "https://example.org/"),
    ("  https://example.org/x  ", "https://example.org/x"),
    # `pp` and `si` mean something elsewhere: kept off YouTube.
    ("https://example.org/?pp=1&si=2", "https://example.org/?pp=1&si=2"),
    # Other parameters keep their exact encoding and order.
    ("https://example.org/s?q=a%20b&utm_id=1&z=%2F", "https://example.org/s?q=a%20b&z=%2F"),
])
def test_tracking_parameters_are_dropped(url: str, expected: str) -> None:
    assert clean_url(url) == expected


def test_tracking_params_lists_names() -> None:
    assert tracking_params("https://www.youtube.com/watch?v=x&pp=1&si=2") == ["pp", "si"]
    assert tracking_params("https://example.org/?v=1") == []


@pytest.mark.parametrize(("url", "names", "stripped"), [
    # Names are matched decoded and in any case; the name listed is the lower-case one.
    ("https://example.org/?UTM_Source=x&utm%5Fmedium=y&k=1", ["utm_source", "utm_medium"],
     "https://example.org/?k=1"),
    # Host parameters hold on subdomains, not on names that merely end alike.
    ("https://m.youtube.com/watch?v=1&si=2", ["si"], "https://m.youtube.com/watch?v=1"),
    ("https://notyoutube.com/watch?v=1&si=2", [], "https://notyoutube.com/watch?v=1&si=2"),
    ("https://YouTube.COM/watch?feature=x", ["feature"], "https://YouTube.COM/watch"),
    # Empty pieces go when tracking is removed, and stay when nothing is tracking.
    ("https://example.org/?a=1&&gclid=2&", ["gclid"], "https://example.org/?a=1"),
    ("https://example.org/?a=1&&b=2&", [], "https://example.org/?a=1&&b=2&"),
    ("https://example.org/?=1&utm_x", ["utm_x"], "https://example.org/?=1"),
    # Nothing to split: returned as given.
    ("https://example.org/utm_source=x", [], "https://example.org/utm_source=x"),
    ("http://[bad/?utm_source=x", [], "http://[bad/?utm_source=x"),
])
def test_tracking_edges(url: str, names: list[str], stripped: str) -> None:
    assert tracking_params(url) == names
    assert strip_tracking(url) == stripped


@pytest.mark.parametrize(("a", "b"), [
    ("http://example.org/a", "https://example.org/a"),
    ("https://Example.ORG/a", "https://example.org/a"),
    ("https://example.org:443/a", "https://example.org/a"),
    ("http://example.org:80/a/", "https://example.org/a"),
    ("https://example.org/a/", "https://example.org/a"),
    ("https://example.org/a?utm_source=x", "https://example.org/a"),
])
def test_dedupe_key_equal(a: str, b: str) -> None:
    assert dedupe_key(a) == dedupe_key(b)


@pytest.mark.parametrize(("a", "b"), [
    ("https://example.org/a", "https://example.org/A"),
    ("https://example.org:8443/a", "https://example.org/a"),
    ("https://example.org/a?x=1", "https://example.org/a?x=2"),
    ("https://www.example.org/a", "https://example.org/a"),
])
def test_dedupe_key_distinct(a: str, b: str) -> None:
    assert dedupe_key(a) != dedupe_key(b)
