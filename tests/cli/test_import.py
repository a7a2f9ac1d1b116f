"""`curatorbot import` through the real CLI: the seed, files, encodings, empty and bad input."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from curatorbot.catalog import load_catalog, parse_catalog
from curatorbot.cli import main
from curatorbot.urls import clean_url

SEED = Path(__file__).resolve().parents[1] / "data" / "seed" / "ml-resources.md"


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), \
        result.exception  # ended by exiting, not by an exception that escaped the CLI
    assert "unexpected error" not in result.output, result.output
    return result.exit_code, result.stdout, result.stderr


def seed_urls(text: str) -> set[str]:
    return {u.strip() for u in re.findall(r"\]\(\s*([^)\s]+)\s*\)", text)}


def test_import_seed_prints_a_catalog_holding_every_seed_link() -> None:
    code, out, err = run("import", str(SEED))
    assert code == 0, err
    catalog = parse_catalog(out, "stdout")
    seed = {clean_url(u) for u in seed_urls(SEED.read_text(encoding="utf-8"))}
    assert seed == {lk.url for lk in catalog.links()}
    assert "https://www.cambridge.org/highereducation/books/machine-learning-for-engineers/" \
           "7FD8622836CAFCF5EDB169E7DC8A1ED4" in seed
    # Importing gives the same URLs as the hand-made catalog.yaml of this repository.
    ours = {lk.url for lk in load_catalog(SEED.parents[3] / "catalog.yaml").links()}
    assert seed == ours
    assert out.startswith("# Imported by `curatorbot import` from ml-resources.md.\n")
    assert f"curatorbot: warning: {SEED}:31: 'Breadth vs Depth.' has no http(s) link; " \
           "skipped\n" in err
    entries, links = len(list(catalog.entries())), len(list(catalog.links()))
    assert err.endswith(f"curatorbot: imported {entries} entries with {links} links in "
                        f"8 sections from {SEED}\n")


def test_keep_urls_keeps_the_seed_links_as_written() -> None:
    code, out, err = run("import", "--keep-urls", str(SEED))
    assert code == 0, err
    urls = {lk.url for lk in parse_catalog(out, "stdout").links()}
    assert seed_urls(SEED.read_text(encoding="utf-8")) == urls
    assert any("google.com/url" in u for u in urls)


def test_import_to_a_file_then_render_it(tmp_path: Path) -> None:
    target = tmp_path / "catalog.yaml"
    code, out, _ = run("import", str(SEED), "--output", str(target))
    assert code == 0 and out == ""
    data = target.read_bytes()
    assert b"\r" not in data and data.endswith(b"\n") and not data.endswith(b"\n\n")
    code, page, err = run("render", str(target))
    assert code == 0, err
    assert "\n### Geoscience Related\n" in page and "\n#### Code-First\n" in page


def test_bom_and_crlf_import_the_same(tmp_path: Path) -> None:
    odd = tmp_path / "ml-resources.md"
    odd.write_bytes(b"\xef\xbb\xbf" + SEED.read_bytes().replace(b"\n", b"\r\n"))
    _, plain, _ = run("import", str(SEED))
    code, out, err = run("import", str(odd))
    assert code == 0, err
    assert out == plain


def test_non_utf8_bytes_are_exit_3_with_the_line(tmp_path: Path) -> None:
    path = tmp_path / "latin.md"
    path.write_bytes(b"# List\n\n- [Caf\xe9](https://cafe.example.invalid/)\n")
    code, out, err = run("import", str(path))
    assert code == 3 and out == ""
    assert err == f"curatorbot: error: {path}:3: not UTF-8 text (byte 0xe9); " \
                  "save the file as UTF-8\n"


@pytest.mark.parametrize(("content", "message"), [
    (b"", "the file is empty"),
    (b"\xef\xbb\xbf\r\n  \r\n", "the file is empty"),
    (b"# Only prose\n\nNo links at all.\n\n- [toc](#only-prose)\n", "no http(s) links found"),
])
def test_empty_or_linkless_input_is_exit_3_with_one_line(tmp_path: Path, content: bytes,
                                                         message: str) -> None:
    path = tmp_path / "in.md"
    path.write_bytes(content)
    code, out, err = run("import", str(path))
    assert code == 3 and out == ""
    assert err.startswith(f"curatorbot: error: {path}: {message}; import expects")
    assert len(err.splitlines()) == 1


def test_an_unreadable_file_is_exit_3_with_one_line(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "locked.md"
    path.write_text("- [A](https://a.example.invalid/)\n", encoding="utf-8")

    def refuse(self: Path) -> bytes:
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "read_bytes", refuse)  # as chmod 000 would, even for root
    code, out, err = run("import", str(path))
    assert code == 3 and out == ""
    assert err == f"curatorbot: error: {path}: cannot read (Permission denied); " \
                  "check its permissions\n"


def test_malformed_markdown_still_imports_its_links(tmp_path: Path) -> None:
    path = tmp_path / "messy.md"
    path.write_text("## Unclosed\n\n**bold never closed [A](https://a.example.invalid/)\n\n"
                    "<div>\n- [Inside html](https://html.example.invalid/)\n\n"
                    "```\n- [code](https://code.example.invalid/)\n", encoding="utf-8")
    code, out, err = run("import", str(path))
    assert code == 0, err
    urls = {lk.url for lk in parse_catalog(out).links()}
    assert urls == {"https://html.example.invalid/"}  # Markdown inside HTML still counts
    # A link in a sentence is not an entry: the import says so rather than drop it unsaid.
    assert f"{path}:3: 1 link(s) outside any entry" in err


@pytest.mark.parametrize("args", [["import"], ["import", "nope.md"], ["import", "."]])
def test_missing_or_bad_argument_is_exit_3(args: list[str]) -> None:
    code, _, err = run(*args)
    assert code == 3 and "Traceback" not in err


def test_python_dash_m_import(tmp_path: Path) -> None:
    target = tmp_path / "out.yaml"
    proc = subprocess.run([sys.executable, "-m", "curatorbot", "import", str(SEED),
                           "-o", str(target)], capture_output=True, text=True, timeout=60,
                          check=False)
    assert proc.returncode == 0, proc.stderr
    assert "curatorbot: imported " in proc.stderr
    catalog = parse_catalog(target.read_text(encoding="utf-8"), str(target))
    assert catalog.title == "Applied Machine Learning Resources"
