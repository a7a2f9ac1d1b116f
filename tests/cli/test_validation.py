"""One test per class of validation error: message, line and exit code through the CLI."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from curatorbot.cli import main
from tests.conftest import MINIMAL


def run_lint(path: Path) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["lint", str(path)])
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), \
        result.exception  # ended by exiting, not by an exception that escaped the CLI
    assert "unexpected error" not in result.output, result.output
    return result.exit_code, result.output


CASES = [
    # (name, catalog text, expected line, expected message fragment)
    ("missing title", MINIMAL.replace("        title: First book\n", ""), 8,
     "entry 'first' has no 'title'"),
    ("duplicate id", MINIMAL.replace("id: second", "id: first"), 17,
     "duplicate id 'first' (first used on line 8)"),
    # (A link of another scheme, ftp: or mailto:, loads: lint flags it, see
    # test_other_schemes.py; a URL with no scheme at all is no link.)
    ("url without scheme", MINIMAL.replace("https://example.org/first", "example.org/f"), 15,
     "'example.org/f' is not an http(s) URL"),
    ("url without host", MINIMAL.replace("https://example.org/first", "https:///f"), 15,
     "'https:///f' has no host"),
    ("relative url", MINIMAL.replace("https://example.org/first", "/first"), 15,
     "'/first' is not an http(s) URL"),
    ("unknown key", MINIMAL.replace("        kind: book\n        authors",
                                    "        kind: book\n        autors: [X]\n        authors"), 11,
     "unknown key 'autors' in entry 'first'; did you mean 'authors'?"),
    ("wrong type", MINIMAL.replace("tags: [theoretical]", "tags: theoretical"), 12,
     "entry 'first''s 'tags' must be a list of strings"),
    ("wrong scalar type", MINIMAL.replace("title: Second book", "title: [a, b]"), 18,
     "entry 'second''s 'title' must be a string, found a list"),
    ("unknown kind", MINIMAL.replace("kind: book\n        authors", "kind: bok\n        authors"),
     10, "entry 'first' has unknown kind 'bok'; did you mean 'book'?"),
    ("no links", MINIMAL.replace(
        "        links:\n          - url: https://example.org/second\n", "        links: []\n"),
     20, "entry 'second' has no links"),
    ("duplicate key", MINIMAL.replace("        kind: book\n        authors",
                                      "        kind: book\n        kind: book\n        authors"),
     11, "entry 'first' has the key 'kind' twice"),
    ("malformed yaml", MINIMAL.replace("    title: Books", "    title: Books: [oops"), 6,
     "malformed YAML"),
    ("bad id", MINIMAL.replace("id: second", "id: Second Book"), 17,
     "entry id 'Second Book' is not a slug"),
    ("settings typo", MINIMAL.replace("version: 1\n", "version: 1\nsettings:\n  per_hots: 2\n"),
     4, "unknown key 'per_hots' in 'settings'; did you mean 'per_host'?"),
    ("bad version", MINIMAL.replace("version: 1", "version: 2"), 2,
     "unsupported catalog version 2"),
    ("root not a mapping", "- just\n- a list\n", 1, "the catalog must be a mapping"),
    ("empty file", "", 1, "the catalog is empty"),
    ("comments only", "# nothing here\n", 1, "the catalog is empty"),
    ("no sections", "title: x\n", 1, "the catalog has no 'sections'"),
    ("control character", MINIMAL.replace("First book", "First\x07book"), 9,
     "is not allowed in YAML"),
    ("python tag", MINIMAL.replace("title: First book", "title: !!python/name:os.system x"), 9,
     "cannot read value"),
    ("empty title", MINIMAL.replace("title: First book", 'title: ""'), 9,
     "entry 'first''s 'title' must not be empty; write the title shown on the page"),
    ("blank title", MINIMAL.replace("title: Second book", "title: '   '"), 18,
     "entry 'second''s 'title' must not be empty; write the title shown on the page"),
    ("empty section title", MINIMAL.replace("title: Books", "title: ''"), 6,
     "section's 'title' must not be empty; write the title shown on the page"),
    ("empty kind", MINIMAL.replace("kind: book\n        authors", "kind: ''\n        authors"),
     10, "entry 'first''s 'kind' must not be empty; write one of: book, channel,"),
    ("empty url", MINIMAL.replace("url: https://example.org/first", 'url: ""'), 15,
     "a link of entry 'first': 'url' must not be empty; write the link's http(s) address"),
    ("blank url", MINIMAL.replace("url: https://example.org/second", "url: ' '"), 21,
     "a link of entry 'second': 'url' must not be empty"),
    ("empty id", MINIMAL.replace("id: second", "id: ''"), 17,
     "entry's 'id' must not be empty; write a slug"),
]


@pytest.mark.parametrize(("name", "text", "line", "fragment"), CASES, ids=[c[0] for c in CASES])
def test_each_validation_error(write_catalog: Callable[..., Path], name: str, text: str,
                               line: int, fragment: str) -> None:
    path = write_catalog(text)
    code, output = run_lint(path)
    assert code == 3, output
    assert f"{path}:{line}: " in output, output
    assert fragment in output, output


def test_every_problem_is_reported_once_each(write_catalog: Callable[..., Path]) -> None:
    text = MINIMAL.replace("id: second", "id: first").replace("kind: book\n        authors",
                                                              "kind: bok\n        authors")
    code, output = run_lint(write_catalog(text))
    assert code == 3
    problem_lines = [ln for ln in output.splitlines() if ": " in ln and "problem(s)" not in ln]
    assert len(problem_lines) == 2, output


@pytest.mark.parametrize("row", [c for c in CASES if "must not be empty" in c[3]],
                         ids=[c[0] for c in CASES if "must not be empty" in c[3]])
def test_an_empty_value_is_one_problem(write_catalog: Callable[..., Path],
                                       row: tuple[str, str, int, str]) -> None:
    code, output = run_lint(write_catalog(row[1]))
    assert code == 3
    problem_lines = [ln for ln in output.splitlines() if "problem(s)" not in ln]
    assert problem_lines == [ln for ln in problem_lines if row[3] in ln], output
    assert len(problem_lines) == 1, output


def test_non_utf8_bytes_name_the_line(write_catalog: Callable[..., Path]) -> None:
    data = MINIMAL.encode().replace(b"First book", b"First b\xf6ok")
    path = write_catalog(data)
    code, output = run_lint(path)
    assert code == 3
    assert f"{path}:9: not UTF-8 text (byte 0xf6); save the file as UTF-8" in output


def test_bom_and_crlf_are_read_like_plain_utf8(write_catalog: Callable[..., Path]) -> None:
    path = write_catalog(b"\xef\xbb\xbf" + MINIMAL.replace("\n", "\r\n").encode())
    code, output = run_lint(path)
    assert code == 0, output
    assert "clean" in output


def test_line_numbers_survive_crlf(write_catalog: Callable[..., Path]) -> None:
    text = MINIMAL.replace("id: second", "id: first").replace("\n", "\r\n")
    code, output = run_lint(write_catalog(text))
    assert code == 3
    assert ":17: duplicate id 'first'" in output


def test_directory_is_a_clear_error(tmp_path: Path) -> None:
    code, output = run_lint(tmp_path)
    assert code == 3
    assert "is a directory" in output
