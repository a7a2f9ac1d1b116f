"""check.fragments: which ids satisfy a fragment, and the incremental search."""

from __future__ import annotations

from collections.abc import Iterable

import pytest

from curatorbot.check.fragments import FragmentFinder, targets


def search(parts: Iterable[bytes], fragment: str, content_type: str | None = None,
           limit: int | None = None) -> tuple[bool, int]:
    """Feed `parts` as the anchor search streams a body: until found, `limit` or the end;
    (found, bytes read)."""
    finder = FragmentFinder(fragment, content_type)
    for part in parts:
        if finder.feed(part):
            return True, finder.bytes_read
        if limit is not None and finder.bytes_read >= limit:
            break
    return finder.close(), finder.bytes_read


def test_targets() -> None:
    assert targets("usage") == {"usage", "user-content-usage"}
    assert targets("#caf%C3%A9") == {"caf%C3%A9", "café", "user-content-caf%C3%A9",
                                     "user-content-café"}
    assert targets("user-content-x") == {"user-content-x"}
    assert targets("bad%FF") == {"bad%FF", "user-content-bad%FF"}  # not UTF-8: kept as is
    assert targets("intro:~:text=hello") == {"intro", "user-content-intro"}
    for nothing in (":~:text=hello", "", "#", "top", "TOP"):
        assert targets(nothing) == frozenset()


@pytest.mark.parametrize(("html", "fragment", "found"), [
    (b'<h2 id="usage">Usage</h2>', "usage", True),
    (b'<h2 id="user-content-usage">Usage</h2>', "usage", True),   # GitHub's rendering
    (b'<a name="old-anchor"></a>', "old-anchor", True),
    (b'<div name="old-anchor"></div>', "old-anchor", False),      # name counts on <a> only
    (b'<h2 id="Usage">Usage</h2>', "usage", False),                # ids are case-sensitive
    (b'<h2 id="caf\xc3\xa9">x</h2>', "caf%C3%A9", True),
    (b'<h2 id="a&amp;b">x</h2>', "a%26b", True),                   # entity decoded
    (b'<img id="fig1"/>', "fig1", True),
    (b"<p>usage</p><!-- id=usage -->", "usage", False),
    (b"<p>nothing</p>", ":~:text=nothing", True),                  # text fragments ignored
])
def test_find(html: bytes, fragment: str, found: bool) -> None:
    assert search([html], fragment, "text/html; charset=utf-8")[0] is found


def test_stops_reading_once_found_and_reads_across_chunk_borders() -> None:
    body = [b"<html><body>", b'<h2 i', b'd="tar', b'get">T</h2>'] + [b"<p>filler</p>" * 100] * 50
    found, read = search(body, "target")
    assert found
    assert read == sum(len(part) for part in body[:4])


def test_missing_reads_to_the_end_or_the_limit() -> None:
    body = [b"<p>filler</p>" * 100] * 10
    assert search(body, "x") == (False, 13000)
    limited = search(body, "x", limit=2500)
    assert limited == (False, 2600)


async def test_charset_from_the_page_and_split_multibyte_characters() -> None:
    finder = FragmentFinder("%C3%A9t%C3%A9")
    assert not finder.feed(b'<meta charset="utf-8"><h1 id="\xc3')
    assert finder.feed(b'\xa9t\xc3\xa9">Summer</h1>')
    latin = FragmentFinder("%C3%A9t%C3%A9", "text/html; charset=iso-8859-1")
    latin.feed(b'<h1 id="\xe9t\xe9">')
    assert latin.close()


def test_an_unclosed_tag_at_the_end_is_read_on_close() -> None:
    finder = FragmentFinder("end")
    finder.feed(b'<p>text</p><a name="end"')
    assert finder.close() is False  # an unfinished tag is no element
    finished = FragmentFinder("end")
    finished.feed(b'<a name="end">')
    assert finished.close()
