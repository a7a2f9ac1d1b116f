"""The README as a view of the catalog: the block between curatorbot's two marker lines.

A maintainer's README keeps its own intro, contributing and licence sections; the catalog's
page (`render_markdown`) goes between two lines of their own:

    <!-- curatorbot:begin -->
    ...generated, replaced on every render...
    <!-- curatorbot:end -->

`Readme.read(path)` reads the file once (bytes, BOM, line endings kept) and finds the one pair
of markers; `Readme.with_page(page)` is the new file text (BOM included) in which only the
bytes between the marker lines changed, the page written with the README's own line ending.
A marker is a line holding only the marker comment (spaces around it are allowed), outside
fenced code blocks, so a README may show the markers in an example. Missing markers, a begin
without end, two pairs or markers in the wrong order are one `README.md:LINE:` problem each
(CatalogInvalid, exit 3), found before anything is written.

`Readme.write` is compare-and-swap, through the one guarded writer (`files.GuardedFile`): the
file is replaced only while its bytes are still those that were read, keeping its mode.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from curatorbot.catalog.edit import BOM
from curatorbot.catalog.load import decode_text
from curatorbot.errors import CatalogError, CatalogInvalid, Problem
from curatorbot.files import GuardedFile

BEGIN = "<!-- curatorbot:begin -->"
END = "<!-- curatorbot:end -->"

_MARKER = re.compile(r"[ \t]*<!--[ \t]*curatorbot:(begin|end)[ \t]*-->[ \t]*")
_FENCE = re.compile(r" {0,3}(`{3,}|~{3,})(.*)")
_LINE = re.compile(r"([^\r\n]*)(\r\n|\r|\n|\Z)")


@dataclass(frozen=True)
class Marker:
    """One marker line: which one, its line number and where it starts and ends."""

    kind: str  # "begin" or "end"
    line: int
    start: int  # offset of the marker line's first character
    stop: int  # offset just after the marker line's line ending
    newline: str


def _lines(text: str) -> Iterator[tuple[int, str, str, int]]:
    """(line number, content, line ending, start offset) of every line; CR, LF, CRLF."""
    for number, match in enumerate(_LINE.finditer(text), 1):
        if match.start() == len(text) and not match.group(0):
            return
        yield number, match.group(1), match.group(2), match.start()


def _markers(text: str) -> list[Marker]:
    """Every marker line outside fenced code blocks, in file order."""
    found: list[Marker] = []
    fence = ""
    for number, content, newline, start in _lines(text):
        opening = _FENCE.fullmatch(content)
        if fence:
            if opening and opening.group(1).startswith(fence) and not opening.group(2).strip():
                fence = ""
            continue
        if opening and not (opening.group(1)[0] == "`" and "`" in opening.group(2)):
            fence = opening.group(1)
            continue
        marker = _MARKER.fullmatch(content)
        if marker:
            found.append(Marker(marker.group(1), number, start,
                                 start + len(content) + len(newline), newline))
    return found


def _problem(name: str, line: int, message: str, hint: str) -> CatalogInvalid:
    return CatalogInvalid([Problem(name, line, message, hint, code="readme")])


def find_block(text: str, name: str) -> tuple[Marker, Marker]:
    """The one begin/end pair of `text`; CatalogInvalid naming the line that is wrong."""
    markers = _markers(text)
    if not markers:
        raise _problem(name, 1, f"no {BEGIN} and {END} lines",
                       "add the two lines, each on a line of its own, where the catalog's "
                       "list should go")
    begins = [m for m in markers if m.kind == "begin"]
    ends = [m for m in markers if m.kind == "end"]
    if len(begins) > 1 or len(ends) > 1:
        twice = begins[1] if len(begins) > 1 else ends[1]
        first = begins[0] if twice.kind == "begin" else ends[0]
        raise _problem(name, twice.line,
                       f"a second {BEGIN if twice.kind == 'begin' else END} line (the first "
                       f"is on line {first.line})", "keep exactly one pair of markers")
    if not ends:
        raise _problem(name, begins[0].line, f"{BEGIN} has no {END} line after it",
                       "add the end marker on a line of its own below the list")
    if not begins:
        raise _problem(name, ends[0].line, f"{END} has no {BEGIN} line before it",
                       "add the begin marker on a line of its own above the list")
    begin, end = begins[0], ends[0]
    if end.line < begin.line:
        raise _problem(name, end.line, f"{END} comes before {BEGIN} (line {begin.line})",
                       "put the begin marker first")
    return begin, end


@dataclass(frozen=True)
class Readme:
    """A README as read: its path, its bytes, their text without the BOM, and its markers."""

    path: Path
    data: bytes
    text: str
    begin: Marker
    end: Marker
    file: GuardedFile | None = None

    @classmethod
    def read(cls, path: str | os.PathLike[str], *, for_writing: bool = False) -> Readme:
        """Read the README and find its markers (CatalogError / CatalogInvalid, exit 3);
        `for_writing` also checks, before any work, that it can be replaced later."""
        try:
            data = Path(path).read_bytes()
        except OSError as exc:
            raise CatalogError(f"{path}: cannot read ({exc.strerror}); give the path of a "
                               f"README that holds the {BEGIN} and {END} lines") from None
        text = decode_text(data, str(path))
        begin, end = find_block(text, str(path))
        guard = GuardedFile(Path(path), data, "README") if for_writing else None
        return cls(Path(path), data, text, begin, end, guard)

    @property
    def bom(self) -> bool:
        return self.data.startswith(BOM.encode())

    def with_page(self, page: str) -> str:
        """The README's text (BOM included) with `page` between the marker lines, set off
        by one blank line on each side and written with the begin marker's line ending."""
        block = "\n" + page.rstrip("\n") + "\n\n"
        if self.begin.newline != "\n":
            block = block.replace("\n", self.begin.newline)
        return (BOM if self.bom else "") + self.text[:self.begin.stop] + block \
            + self.text[self.end.start:]

    def write(self, new_text: str) -> None:
        """Replace the file with `new_text` (BOM included) if it still holds what was read;
        otherwise write nothing (FileWriteError, exit 3). Only for a README read
        `for_writing`."""
        if self.file is None:
            raise ValueError("Readme.write needs a README read with for_writing=True")
        self.file.replace(new_text.encode("utf-8"))
