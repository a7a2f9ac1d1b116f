"""Text from outside (servers, APIs, web pages) made safe to print on one line.

`one_line(value, limit)` is the one sanitiser every output path shares: terminal escape
sequences (ANSI CSI/OSC, C1 controls) are removed, control, format (bidi overrides,
zero-width) and unassigned characters become spaces, whitespace runs (newlines included)
collapse to one space, and the text is cut to `limit` characters with an ellipsis.
"""

from __future__ import annotations

import re
import unicodedata

ELLIPSIS = "…"
# How much of a text is cleaned, per character kept: escapes and blanks collapse, so more
# than `limit` is read, but never all of a huge text.
SCAN_FACTOR = 8

_WHITESPACE = re.compile(r"\s+")
# ESC-introduced terminal sequences (ECMA-48): CSI (ESC [ parameters final), the string
# commands OSC, DCS, SOS, PM, APC (ESC ] P X ^ _ ... up to BEL or ESC backslash), and the short
# escapes (ESC, optional intermediates 0x20-0x2F, one final 0x30-0x7E: ESC c, ESC ( B).
_ESCAPE_SEQUENCE = re.compile(
    r"\x1b(?:\[[0-?]*[ -/]*[@-~]|[\]PX^_][^\x07\x1b]*(?:\x07|\x1b\\)?|[ -/]*[0-~])")


def _visible(char: str) -> bool:
    """False for control, format (bidi overrides, zero-width) and unassigned characters."""
    return unicodedata.category(char) not in ("Cc", "Cf", "Cs", "Co", "Cn")


def one_line(value: object, limit: int) -> str:
    """`value` as one line of visible characters, at most `limit` long (with an ellipsis).

    Only the first `SCAN_FACTOR * limit` characters are looked at: a 400 KB server
    message costs what a short one does."""
    raw = str(value)
    scan = SCAN_FACTOR * limit
    cut = len(raw) > scan
    text = _ESCAPE_SEQUENCE.sub(" ", raw[:scan] if cut else raw)
    text = "".join(c if _visible(c) else " " for c in text)
    text = _WHITESPACE.sub(" ", text).strip()
    if cut or len(text) > limit:
        text = text[: limit - 1].rstrip() + ELLIPSIS
    return text
