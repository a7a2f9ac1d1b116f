"""Anchors: does an HTML page have the element a URL's `#fragment` points at?

`targets(fragment)` is what to look for: the fragment as written and percent-decoded
(UTF-8), each also with GitHub's `user-content-` prefix (GitHub renders a README heading
`## Usage` as `id="user-content-usage"` and scrolls to it for `#usage`); a text directive
(`#:~:text=...`) is cut off, and a fragment that is then empty, or `top`, needs no element
(browsers scroll to the top): `targets` returns an empty set and nothing need be read.

`FragmentFinder(fragment, content_type)` is fed the body's bytes in chunks (`feed(chunk)`
returns True as soon as an element with a matching `id`, or an `<a name>`, has been seen, so
the caller stops reading); the run's anchor search (`check.truth.Truth.missing_anchors`)
streams a page's body through one per fragment.
Ids are compared exactly (HTML ids are case-sensitive). Markup html.parser cannot read past
(`<![foo[`) ends the search: an anchor not found before it is not judged (`close()` is True),
never called missing, and no exception leaves the finder. The charset comes from the
Content-Type header or the first chunk (metadata.html.detect_charset).
"""

from __future__ import annotations

import codecs
from html.parser import HTMLParser
from urllib.parse import unquote

from curatorbot.metadata.html import detect_charset

GITHUB_PREFIX = "user-content-"
TEXT_DIRECTIVE = ":~:"


def targets(fragment: str) -> frozenset[str]:
    """The ids / names that satisfy `fragment` (without '#'); empty: nothing to look for."""
    fragment = fragment.removeprefix("#").split(TEXT_DIRECTIVE, 1)[0]
    if not fragment or fragment.lower() == "top":
        return frozenset()
    forms = {fragment, unquote(fragment, errors="strict") if _decodes(fragment) else fragment}
    return frozenset(forms | {GITHUB_PREFIX + f for f in forms if not f.startswith(GITHUB_PREFIX)})


class FragmentFinder:
    """Incremental search of an HTML body for the element a fragment names."""

    def __init__(self, fragment: str, content_type: str | None = None) -> None:
        self._parser = _AnchorParser(targets(fragment))
        self._content_type = content_type
        self._decoder: codecs.IncrementalDecoder | None = None
        self.bytes_read = 0
        self.unreadable = False  # the parser gave up on the markup: the anchor is not judged

    @property
    def found(self) -> bool:
        return self._parser.found

    def feed(self, chunk: bytes) -> bool:
        """Parse one more chunk; True once the anchor has been seen."""
        if self.found or self.unreadable:
            return True
        if self._decoder is None:
            charset = detect_charset(chunk, self._content_type)
            self._decoder = codecs.getincrementaldecoder(charset)(errors="replace")
        self.bytes_read += len(chunk)
        self._parse(self._decoder.decode(chunk))
        return self.found or self.unreadable

    def close(self) -> bool:
        """The body ended: parse what is buffered; the final answer (True: found, or not
        judged because the markup could not be read that far)."""
        if not (self.found or self.unreadable):
            if self._decoder is not None:
                self._parse(self._decoder.decode(b"", final=True))
            if not self.unreadable:
                self._parse(None)
        return self.found or self.unreadable

    def _parse(self, text: str | None) -> None:
        """Feed the parser (None: close it). html.parser gives up on some malformed markup
        (`<![foo[`: AssertionError): what follows is unknown, so the anchor is not judged
        (`unreadable`) rather than called missing, and nothing more is read."""
        try:
            if text is None:
                self._parser.close()
            else:
                self._parser.feed(text)
        except (AssertionError, ValueError):
            self.unreadable = True


def _decodes(fragment: str) -> bool:
    try:
        unquote(fragment, errors="strict")
    except UnicodeDecodeError:
        return False
    return True


class _AnchorParser(HTMLParser):
    """Sets `found` at the first element whose id (or an <a>'s name) is a target."""

    def __init__(self, wanted: frozenset[str]) -> None:
        super().__init__(convert_charrefs=True)
        self._wanted = wanted
        self.found = not wanted

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.found:
            return
        for name, value in attrs:
            if value is not None and value in self._wanted and (
                    name == "id" or (name == "name" and tag == "a")):
                self.found = True
                return

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
