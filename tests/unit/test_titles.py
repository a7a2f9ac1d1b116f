"""Page titles from the first bytes of a page: charsets, entities, cleaning, fallbacks."""

from __future__ import annotations

from curatorbot.metadata.html import TITLE_CAP, detect_charset, extract_title


def test_entities_and_whitespace() -> None:
    body = b"<html><head><title>\n  Caf&eacute; &amp; Co &#8212;\t the\r\n  menu </title>"
    assert extract_title(body, "text/html") == "Café & Co — the menu"


def test_control_characters_are_dropped() -> None:
    body = "<title>Bad\x00 \x07title\x1b here\x7f\x85</title>".encode()
    assert extract_title(body, None) == "Bad title here"


def test_length_is_capped_with_an_ellipsis() -> None:
    title = extract_title(b"<title>" + b"word " * 100 + b"</title>", None)
    assert title is not None
    assert len(title) <= TITLE_CAP and title.endswith("…")
    assert title.startswith("word word")


def test_latin1_via_the_content_type_header() -> None:
    body = "<title>Müller – Straße</title>".encode("cp1252")
    assert extract_title(body, "text/html; charset=ISO-8859-1") == "Müller – Straße"


def test_charset_via_meta_tags() -> None:
    body = ('<meta charset="windows-1252"><title>Déjà vu</title>').encode("cp1252")
    assert extract_title(body, "text/html") == "Déjà vu"
    body = ('<meta http-equiv="Content-Type" content="text/html; charset=koi8-r">'
            "<title>Привет</title>").encode("koi8-r")
    assert extract_title(body, None) == "Привет"


def test_header_charset_wins_and_unknown_labels_fall_back_to_utf8() -> None:
    assert detect_charset(b'<meta charset="latin1">', "text/html; charset=utf-8") == "utf-8"
    assert detect_charset(b"<title>x</title>", "text/html; charset=no-such-codec") == "utf-8"
    assert detect_charset(b"\xef\xbb\xbf<title>x</title>", "text/html; charset=latin1") == (
        "utf-8-sig")


def test_og_title_is_the_fallback() -> None:
    body = b'<head><meta property="og:title" content="Open &amp; Graph"></head>'
    assert extract_title(body, None) == "Open & Graph"
    body = b'<title>  </title><meta property="og:title" content="Used when title is empty">'
    assert extract_title(body, None) == "Used when title is empty"


def test_svg_titles_are_not_page_titles() -> None:
    body = b"<body><svg><title>icon</title></svg><title>Page</title>"
    assert extract_title(body, None) == "Page"


def test_no_title() -> None:
    assert extract_title(b"", "text/html") is None
    assert extract_title(b"<html><body>no title here</body></html>", None) is None


def test_a_body_cut_inside_the_title_keeps_what_was_read() -> None:
    assert extract_title(b"<title>Truncated ti", None) == "Truncated ti"
