"""`curatorbot render --into README.md [--check]` through the real CLI: only the bytes between
the marker lines change (line endings and BOM kept), `--check` for CI, marker errors."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from curatorbot.cli import main

CATALOG = """\
title: Awesome things
sections:
  - id: tools
    title: Tools
    entries:
      - id: lychee
        title: lychee
        kind: repository
        summary: A fast link checker, then a slow one.
        links:
          - url: https://tools.example.invalid/lychee
"""

BEGIN = "<!-- curatorbot:begin -->"
END = "<!-- curatorbot:end -->"

# The maintainer's own bytes: odd spacing, trailing blanks, tabs, unicode, a comment, a code
# fence that shows the markers (not markers), and no newline at the very end.
HEAD = ("# Awesome things  \n\n\tIntro with *emphasis*, émoji 🎉 and <b>html</b>.\n\n"
        "```markdown\n" + BEGIN + "\n(an example)\n" + END + "\n```\n\n"
        "<!-- a comment of the maintainer -->\n  " + BEGIN + "  \n")
OLD_BLOCK = "- [stale](https://stale.example.invalid/)\n"
TAIL = END + "\n\n## Contributing\n\nSend a PR.\n\n## License\n\nCC0 ~~~"
README = HEAD + OLD_BLOCK + TAIL


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def page(catalog: Path) -> str:
    code, out, err = run("render", str(catalog))
    assert code == 0, err
    return out


@pytest.fixture
def catalog(tmp_path: Path) -> Path:
    path = tmp_path / "catalog.yaml"
    path.write_text(CATALOG, encoding="utf-8")
    return path


def write(path: Path, text: str, *, crlf: bool = False, bom: bool = False) -> bytes:
    data = (b"\xef\xbb\xbf" if bom else b"") \
        + (text.replace("\n", "\r\n") if crlf else text).encode("utf-8")
    path.write_bytes(data)
    return data


def test_into_replaces_only_the_bytes_between_the_markers(tmp_path: Path,
                                                          catalog: Path) -> None:
    readme = tmp_path / "README.md"
    write(readme, README)
    code, out, err = run("render", str(catalog), "--into", str(readme))
    assert code == 0, err
    assert out == "" and "rendered" in err
    data = readme.read_bytes()
    assert data == (HEAD + "\n" + page(catalog) + "\n" + TAIL).encode("utf-8")
    assert b"stale" not in data
    # A second run finds it current and leaves the file as it is.
    before = readme.stat().st_mtime_ns
    code, _, err = run("render", str(catalog), "--into", str(readme))
    assert code == 0 and "up to date" in err and "nothing written" in err
    assert readme.read_bytes() == data and readme.stat().st_mtime_ns == before


def test_crlf_and_bom_of_the_readme_are_kept(tmp_path: Path, catalog: Path) -> None:
    readme = tmp_path / "README.md"
    old = write(readme, README, crlf=True, bom=True)
    code, _, err = run("render", str(catalog), "--into", str(readme))
    assert code == 0, err
    data = readme.read_bytes()
    head, tail = HEAD.replace("\n", "\r\n").encode(), TAIL.replace("\n", "\r\n").encode()
    assert data.startswith(b"\xef\xbb\xbf" + head) and data.endswith(tail)
    assert old.startswith(b"\xef\xbb\xbf" + head) and old.endswith(tail)
    block = data[3 + len(head):-len(tail)]
    assert block == ("\n" + page(catalog) + "\n").replace("\n", "\r\n").encode()
    assert b"\n" not in block.replace(b"\r\n", b"")  # no bare LF anywhere in the block
    code, _, _ = run("render", str(catalog), "--into", str(readme), "--check")
    assert code == 0


def test_check_exits_2_with_a_diff_when_out_of_date_and_writes_nothing(
        tmp_path: Path, catalog: Path) -> None:
    readme = tmp_path / "README.md"
    old = write(readme, README)
    code, out, err = run("render", str(catalog), "--into", str(readme), "--check")
    assert code == 2 and out == ""
    stale_line = README.splitlines().index(OLD_BLOCK.strip()) + 1
    assert f"{readme}:{stale_line}: out of date with {catalog}" in err
    assert f"--- a/{readme}\n+++ b/{readme}\n" in err
    assert "\n-- [stale](https://stale.example.invalid/)\n" in err
    assert "\n+## Tools\n" in err
    assert readme.read_bytes() == old
    assert run("render", str(catalog), "--into", str(readme))[0] == 0
    code, _, err = run("render", str(catalog), "--into", str(readme), "--check")
    assert code == 0 and "up to date" in err
    # The data changes, the page lags: --check sees it.
    catalog.write_text(CATALOG.replace("a slow one", "a faster one"), encoding="utf-8")
    code, _, err = run("render", str(catalog), "--into", str(readme), "--check")
    assert code == 2
    changed = [line for line in err.splitlines() if "A fast link checker" in line]
    assert [line[0] for line in changed] == ["-", "+"]
    assert changed[1].endswith("then a faster one.")


def test_check_diff_is_kept_short(tmp_path: Path, catalog: Path) -> None:
    entries = "".join(f"      - id: e{i}\n        title: Entry {i}\n        kind: book\n"
                      f"        links:\n          - url: https://e{i}.example.invalid/\n"
                      for i in range(60))
    catalog.write_text(CATALOG + entries, encoding="utf-8")
    readme = tmp_path / "README.md"
    write(readme, README)
    code, _, err = run("render", str(catalog), "--into", str(readme), "--check")
    assert code == 2
    assert err.rstrip().endswith("more diff lines)")
    assert len(err.splitlines()) <= 43


@pytest.mark.parametrize(("text", "line", "message"), [
    ("# Just a README\n\nNo markers here.\n", 1, f"no {BEGIN} and {END} lines"),
    (f"# R\n{BEGIN} inline, with text\n{END}\n", 3, f"{END} has no {BEGIN} line before it"),
    (f"# R\n\n{BEGIN}\nlist\n", 3, f"{BEGIN} has no {END} line after it"),
    (f"# R\n{END}\n", 2, f"{END} has no {BEGIN} line before it"),
    (f"# R\n{END}\nx\n{BEGIN}\n", 2, f"{END} comes before {BEGIN} (line 4)"),
    (f"{BEGIN}\na\n{END}\n\n{BEGIN}\nb\n{END}\n", 5, f"a second {BEGIN} line (the first is "
     "on line 1)"),
    (f"{BEGIN}\na\n{END}\n{END}\n", 4, f"a second {END} line (the first is on line 3)"),
    (f"```\n{BEGIN}\n{END}\n```\n", 1, f"no {BEGIN} and {END} lines"),
])
def test_marker_problems_exit_3_with_file_line_and_write_nothing(
        tmp_path: Path, catalog: Path, text: str, line: int, message: str) -> None:
    readme = tmp_path / "README.md"
    old = write(readme, text)
    for extra in ((), ("--check",)):
        code, out, err = run("render", str(catalog), "--into", str(readme), *extra)
        assert code == 3 and out == ""
        assert err.startswith(f"curatorbot: error: {readme}:{line}: {message}; ")
        assert len(err.splitlines()) == 1 and "Traceback" not in err
        assert readme.read_bytes() == old


def test_markers_are_whole_lines_with_any_spacing(tmp_path: Path, catalog: Path) -> None:
    readme = tmp_path / "README.md"
    write(readme, "intro\n\t<!--curatorbot:begin-->\nold\n<!--   curatorbot:end -->\t\nend\n")
    assert run("render", str(catalog), "--into", str(readme))[0] == 0
    assert readme.read_text(encoding="utf-8") == (
        "intro\n\t<!--curatorbot:begin-->\n\n" + page(catalog)
        + "\n<!--   curatorbot:end -->\t\nend\n")


def test_into_uses_the_toc_option(tmp_path: Path, catalog: Path) -> None:
    readme = tmp_path / "README.md"
    write(readme, f"{BEGIN}\n{END}\n")
    assert run("render", str(catalog), "--into", str(readme), "--no-toc")[0] == 0
    text = readme.read_text(encoding="utf-8")
    assert "## Tools" in text and "## Contents" not in text


@pytest.mark.parametrize(("args", "message"), [
    (("--check",), "--check compares a README with the catalog; give it --into README.md"),
    (("--into", "R.md", "--output", "page.md"), "--into and --output both say where"),
])
def test_option_mistakes_exit_3(tmp_path: Path, catalog: Path, args: tuple[str, ...],
                                message: str) -> None:
    code, out, err = run("render", str(catalog), *args)
    assert code == 3 and out == ""
    assert err.startswith(f"curatorbot: error: {message}")


def test_missing_readme_and_invalid_catalog_exit_3(tmp_path: Path, catalog: Path) -> None:
    code, _, err = run("render", str(catalog), "--into", str(tmp_path / "NOPE.md"))
    assert code == 3 and err == (
        f"curatorbot: error: {tmp_path / 'NOPE.md'}: cannot read (No such file or directory); "
        f"give the path of a README that holds the {BEGIN} and {END} lines\n")
    readme = tmp_path / "README.md"
    old = write(readme, README)
    catalog.write_text("title: [unclosed\n", encoding="utf-8")
    code, _, err = run("render", str(catalog), "--into", str(readme))
    assert code == 3 and "malformed YAML" in err
    assert readme.read_bytes() == old


def test_into_writes_the_list_style_unless_told_otherwise(tmp_path: Path,
                                                          catalog: Path) -> None:
    readme = tmp_path / "README.md"
    write(readme, f"{BEGIN}\n{END}\n")
    assert run("render", str(catalog), "--into", str(readme))[0] == 0
    text = readme.read_text(encoding="utf-8")
    assert "\n## Tools\n\n- [lychee](https://tools.example.invalid/lychee) - A fast link " \
           "checker, then a slow one.\n" in text
    assert run("render", str(catalog), "--into", str(readme), "--check")[0] == 0
    # The cards page is another rendering: --check against it finds the list page stale.
    assert run("render", str(catalog), "--into", str(readme), "--check",
               "--style", "cards")[0] == 2
    assert run("render", str(catalog), "--into", str(readme), "--style", "cards")[0] == 0
    text = readme.read_text(encoding="utf-8")
    assert "\n## Tools\n\n- **lychee**" in text and "- [lychee](" not in text
