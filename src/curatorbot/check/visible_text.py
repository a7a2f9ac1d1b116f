"""The text a reader sees on an HTML page, from a bounded prefix of its bytes.

`visible_text(body, content_type)` decodes the first `VISIBLE_PREFIX` bytes (charset as
`metadata.html.detect_charset` finds it) and keeps the character data outside `<head>`,
`<script>`, `<style>`, `<noscript>`, `<template>`, `<svg>`, `<iframe>`, `<object>` and
`<textarea>`, whitespace collapsed to single spaces. It never raises on bad markup: what
stdlib `html.parser` could read is what comes back. The soft-404 comparison (check.soft404)
is its caller; the page's title is taken separately (metadata.html.extract_title).
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

from curatorbot.metadata.html import detect_charset

# How much of a body is read for its visible text: soft-404 templates say what they are in
# their first kilobytes; a bounded prefix keeps a huge page from costing more.
VISIBLE_PREFIX = 64 * 1024
# The most characters kept (a prefix this large holds no more text than this).
TEXT_CAP = 32 * 1024

_HIDDEN = frozenset({"head", "script", "style", "noscript", "template", "svg", "iframe",
                     "object", "textarea", "title"})
_WHITESPACE = re.compile(r"\s+")


def visible_text(body: bytes, content_type: str | None = None) -> str:
    """The visible text of the page whose first bytes are `body`, one space between words."""
    prefix = body[:VISIBLE_PREFIX]
    if not prefix:
        return ""
    parser = _TextParser()
    try:
        parser.feed(prefix.decode(detect_charset(prefix, content_type), errors="replace"))
        parser.close()
    except (AssertionError, ValueError):  # pragma: no cover - html.parser is lenient
        pass
    return _WHITESPACE.sub(" ", " ".join(parser.parts)).strip()[:TEXT_CAP]


class _TextParser(HTMLParser):
    """Collects character data outside the hidden elements (nesting counted per element)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._hidden: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _HIDDEN:
            self._hidden.append(tag)
        elif tag == "body" and "head" in self._hidden:  # a <head> never closed ends here
            del self._hidden[self._hidden.index("head"):]

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        pass  # a self-closed element holds no text

    def handle_endtag(self, tag: str) -> None:
        if tag in _HIDDEN and tag in self._hidden:
            while self._hidden and self._hidden.pop() != tag:
                pass

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.parts.append(data)
