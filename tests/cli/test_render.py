"""`curatorbot render` through the real CLI: output, files, encodings and invalid catalogs."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from curatorbot.cli import main

CATALOG = """\
version: 1
title: Reading list
source:
  title: Applied ML Resources
  author: J. Emmanuel Johnson
  license: CC-BY-4.0
sections:
  - id: courses
    title: Courses
    entries:
      - id: fast
        title: "Practical [Deep] Learning"
        kind: course
        provider: Fast.ai
        summary: Builds models first, theory later.
        links:
          - url: https://course.example.invalid/
            label: Part I
            bot: {stars: 15400, pushed: "2025-03-01", archived: true}
    sections:
      - id: geo
        title: Geoscience Related
        entries:
          - id: gp
            title: GP School
            kind: event
            links:
              - url: https://gp.example.invalid/
                bot: {dead_since: "2026-01-02"}
"""


def line_of(text: str, needle: str) -> int:
    """1-based line of the first line holding `needle`."""
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


def write(path: Path, text: str, *, crlf: bool = False, bom: bool = False) -> Path:
    data = text.replace("\n", "\r\n") if crlf else text
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + data.encode("utf-8"))
    return path


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_render_writes_the_page_to_stdout(tmp_path: Path) -> None:
    code, out, err = run("render", str(write(tmp_path / "c.yaml", CATALOG)))
    assert code == 0, err
    # The list style: what `import` reads back; text written as it is where it reads the same.
    assert "\n## Courses\n\n- [Practical [Deep] Learning](https://course.example.invalid/) " \
           "- Builds models first, theory later.\n" in out
    code, out, err = run("render", str(write(tmp_path / "c.yaml", CATALOG)), "--style", "cards")
    assert code == 0, err
    assert out.startswith("# Reading list\n\n*Based on Applied ML Resources by J. Emmanuel "
                          "Johnson, licensed CC-BY-4.0.*\n\n## Contents\n")
    assert "\n## Courses\n\n- **Practical \\[Deep\\] Learning** — Fast.ai\\\n" in out
    assert "  - [Part I](https://course.example.invalid/) — ★ 15k · pushed 2025-03 · archived\n" \
        in out
    assert "\n### Geoscience Related\n" in out
    assert "  - [gp.example.invalid](https://gp.example.invalid/) — dead since 2026-01-02\n" in out
    assert out.endswith("dead since 2026-01-02\n") and err == ""


def test_render_output_file_is_the_same_bytes_with_lf(tmp_path: Path) -> None:
    catalog = str(write(tmp_path / "c.yaml", CATALOG))
    _, shown, _ = run("render", catalog, "--style", "cards")
    code, out, _ = run("render", catalog, "--style", "cards", "--output",
                       str(tmp_path / "page.md"))
    assert code == 0 and out == ""
    data = (tmp_path / "page.md").read_bytes()
    assert data == shown.encode("utf-8")
    assert b"\r" not in data and data.endswith(b"2026-01-02\n")


def test_render_no_toc(tmp_path: Path) -> None:
    code, out, _ = run("render", str(write(tmp_path / "c.yaml", CATALOG)), "--no-toc")
    assert code == 0 and "## Contents" not in out and "## Courses" in out


def test_render_defaults_to_catalog_yaml_here(tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path / "catalog.yaml", CATALOG)
    monkeypatch.chdir(tmp_path)
    code, out, _ = run("render")
    assert code == 0 and out.startswith("# Reading list\n")


def test_bom_and_crlf_render_the_same_page(tmp_path: Path) -> None:
    _, plain, _ = run("render", str(write(tmp_path / "a.yaml", CATALOG)))
    code, odd, err = run("render", str(write(tmp_path / "b.yaml", CATALOG, crlf=True, bom=True)))
    assert code == 0, err
    assert odd == plain


def test_bad_byte_is_exit_3_with_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_bytes(CATALOG.replace("GP School", "GP Sch\xffool").encode("latin-1"))
    code, out, err = run("render", str(path))
    assert code == 3 and out == ""
    line = line_of(CATALOG, "GP School")
    assert err == f"curatorbot: error: {path}:{line}: not UTF-8 text (byte 0xff); " \
                  "save the file as UTF-8\n"


@pytest.mark.parametrize(("text", "line", "message"), [
    ("", 1, "the catalog is empty"),
    ("title: [unclosed\nsections: []\n", 2, "malformed YAML"),
    (CATALOG.replace("            title: GP School\n", ""), line_of(CATALOG, "id: gp"),
     "has no 'title'"),
    (CATALOG.replace("id: gp", "id: fast"), line_of(CATALOG, "id: gp"),
     "duplicate id 'fast' (first used on line 11)"),
    (CATALOG.replace("https://gp.example.invalid/", "gp.example.invalid/"),
     line_of(CATALOG, "url: https://gp."), "is not an http(s) URL"),
])
def test_invalid_catalogs_exit_3_with_file_line(tmp_path: Path, text: str, line: int,
                                                message: str) -> None:
    path = write(tmp_path / "c.yaml", text)
    code, out, err = run("render", str(path))
    assert code == 3 and out == ""
    assert err.startswith(f"curatorbot: error: {path}:{line}: ")
    assert message in err and "Traceback" not in err
    assert len(err.splitlines()) == 1


def test_missing_catalog_is_exit_3(tmp_path: Path) -> None:
    code, _, err = run("render", str(tmp_path / "nope.yaml"))
    assert code == 3 and "nope.yaml: no such file" in err


def test_python_dash_m_render(tmp_path: Path) -> None:
    catalog = write(tmp_path / "c.yaml", CATALOG, crlf=True)
    page = tmp_path / "page.md"
    proc = subprocess.run([sys.executable, "-m", "curatorbot", "render", str(catalog),
                           "-o", str(page)], capture_output=True, text=True, timeout=60,
                          check=False)
    assert proc.returncode == 0, proc.stderr
    assert page.read_text(encoding="utf-8").startswith("# Reading list\n")
    bad = tmp_path / "bad.yaml"
    bad.write_text("sections: [\n", encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "curatorbot", "render", str(bad)],
                          capture_output=True, text=True, timeout=60, check=False)
    assert proc.returncode == 3
    assert proc.stderr.startswith(f"curatorbot: error: {bad}:2: malformed YAML")
