"""`curatorbot.printable.one_line`: text from servers made one short printable line."""

from __future__ import annotations

import pytest

from curatorbot.printable import ELLIPSIS, one_line


@pytest.mark.parametrize(("raw", "expected"), [
    ("plain text", "plain text"),
    ("\x1b[31mred\x1b[0m text", "red text"),              # CSI (colours)
    ("\x1b[2J\x1b[Hcleared", "cleared"),                  # CSI (clear screen, cursor)
    ("\x1b]0;title\x07after", "after"),                   # OSC ended by BEL
    ("\x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\", "link"),  # OSC ended by ESC \ (hyperlink)
    ("\x1bcreset", "reset"),                              # a two-character escape
    ("a\x9b31mb", "a 31mb"),                              # C1 CSI: a control, blanked
    ("line\none\r\ntwo\tthree", "line one two three"),
    ("bell\x07 nul\x00 del\x7f", "bell nul del"),
    ("left\u202eright\u200bzero", "left right zero"),     # bidi override, zero-width
])
def test_escapes_and_controls_go(raw: str, expected: str) -> None:
    assert one_line(raw, 100) == expected


def test_long_text_is_cut_with_an_ellipsis() -> None:
    text = one_line("x" * 400_000, 300)
    assert len(text) == 300 and text.endswith(ELLIPSIS)
    assert one_line("y" * 300, 300) == "y" * 300


def test_a_huge_text_is_cut_even_when_its_head_collapses() -> None:
    """Only a prefix is cleaned; a text cut there still ends in an ellipsis."""
    text = one_line("a" + " " * 10_000 + "b" * 10_000, 300)
    assert text == "a" + ELLIPSIS
