"""Page titles: the first bytes of an HTML page in, one clean title out.

`extract_title(body, content_type)` is what the link checker calls on the bytes it read. It
decodes with the charset of the Content-Type header, else of `<meta charset>` or
`<meta http-equiv="Content-Type">` in the first bytes, else a byte-order mark, else UTF-8;
takes `<title>` (outside inline SVG), else `og:title`; and cleans the text: entities
decoded, control characters dropped, whitespace collapsed, length capped with an ellipsis.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from html.parser import HTMLParser

TITLE_CAP = 200
ELLIPSIS = "…"
# How far into the body a <meta charset> counts (the HTML standard prescans 1024 bytes).
_PRESCAN_BYTES = 4096

_CHARSET_PARAM = re.compile(rb"""charset\s*=\s*["']?\s*([A-Za-z0-9_.:\-]+)""", re.IGNORECASE)
_META_TAG = re.compile(rb"<meta\b[^>]*>", re.IGNORECASE)
_WHITESPACE = re.compile(r"\s+")

# The labels browsers read as windows-1252 (the WHATWG encoding standard's aliases).
_AS_CP1252 = frozenset({"iso-8859-1", "iso8859-1", "latin-1", "latin1", "l1", "ascii",
                        "us-ascii", "windows-1252", "cp1252", "x-cp1252"})


def extract_title(body: bytes, content_type: str | None) -> str | None:
    """The page's cleaned title from its first bytes, or None when it has none."""
    if not body:
        return None
    text = body.decode(detect_charset(body, content_type), errors="replace")
    parser = _TitleParser()
    try:
        parser.feed(text)
        parser.close()
    except (AssertionError, ValueError):  # pragma: no cover - html.parser is lenient
        pass
    for candidate in (parser.title, parser.og_title):
        cleaned = clean_title(candidate) if candidate is not None else None
        if cleaned:
            return cleaned
    return None


def detect_charset(body: bytes, content_type: str | None) -> str:
    """The Python codec name to decode `body` with (never an unknown codec)."""
    candidates: list[bytes] = []
    if content_type:
        match = _CHARSET_PARAM.search(content_type.encode("latin-1", "replace"))
        if match:
            candidates.append(match.group(1))
    bom = _bom_charset(body)
    if bom:
        return bom
    head = body[:_PRESCAN_BYTES]
    for tag in _META_TAG.finditer(head):
        match = _CHARSET_PARAM.search(tag.group(0))
        if match:
            candidates.append(match.group(1))
            break
    for label in candidates:
        codec = _codec(label.decode("ascii", "replace"))
        if codec:
            return codec
    return "utf-8"


def clean_title(raw: str, cap: int = TITLE_CAP) -> str | None:
    """Entities are already decoded by the parser; drop controls, collapse spaces, cap."""
    kept = "".join(
        " " if ch.isspace() else ch
        for ch in raw
        if ch.isspace() or unicodedata.category(ch) not in ("Cc", "Cs")
    )
    text = _WHITESPACE.sub(" ", kept).strip()
    if not text:
        return None
    if len(text) > cap:
        text = text[: cap - len(ELLIPSIS)].rstrip() + ELLIPSIS
    return text


def _bom_charset(body: bytes) -> str | None:
    if body.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if body.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    return None


def _codec(label: str) -> str | None:
    label = label.strip().lower()
    if label in _AS_CP1252:
        return "cp1252"
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


class _TitleParser(HTMLParser):
    """Collects the first <title> outside <svg> and the first og:title meta content."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.title: str | None = None
        self.og_title: str | None = None
        self._in_title = False
        self._svg_depth = 0
        self._parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "svg":
            self._svg_depth += 1
        elif tag == "title" and self._svg_depth == 0 and self.title is None:
            self._in_title = True
        elif tag == "meta" and self.og_title is None:
            values = {k.lower(): v for k, v in attrs if v is not None}
            key = values.get("property") or values.get("name") or ""
            if key.lower() == "og:title" and "content" in values:
                self.og_title = values["content"]

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag != "svg":  # a self-closed <svg/> opens nothing
            self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag == "svg" and self._svg_depth:
            self._svg_depth -= 1
        elif tag == "title" and self._in_title:
            self._finish_title()

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self._parts.append(data)

    def close(self) -> None:
        super().close()
        if self._in_title:  # the body was cut inside <title>: keep what we have
            self._finish_title()

    def _finish_title(self) -> None:
        self._in_title = False
        self.title = "".join(self._parts)
