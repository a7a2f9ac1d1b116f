"""`curatorbot lint` through the real CLI: findings, --fix, JSON, odd files."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from click.testing import CliRunner

from curatorbot.catalog import load_catalog
from curatorbot.cli import main
from tests.conftest import MINIMAL

DIRTY = MINIMAL.replace(
    "https://example.org/first",
    "https://www.youtube.com/watch?v=abc&pp=ygUJ  # a comment stays",
).replace(
    "https://example.org/second",
    "'https://www.google.com/url?sa=t&url=https%3A%2F%2Fexample.org%2Fbook&usg=x'",
) + """\
      - id: third
        title: Third
        kind: website
        links:
          - url: HTTP://EXAMPLE.org:80/book/
            label: Same as second, after normalisation
"""


def lint(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["lint", *args])
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), \
        result.exception  # ended by exiting, not by an exception that escaped the CLI
    assert "unexpected error" not in result.output, result.output
    return result.exit_code, result.output


def test_clean_catalog_exits_0(write_catalog: Callable[..., Path]) -> None:
    code, output = lint(str(write_catalog(MINIMAL)))
    assert code == 0
    assert output.strip().endswith("clean")


def test_findings_exit_2_with_lines(write_catalog: Callable[..., Path]) -> None:
    path = write_catalog(DIRTY)
    code, output = lint(str(path))
    assert code == 2
    assert f"{path}:15: [tracking-params] entry 'first'" in output
    assert "(pp)" in output
    assert f"{path}:21: [redirect-wrapper] entry 'second'" in output
    assert f"{path}:26: [duplicate-url] entry 'third'" in output
    assert "(line 21, entry 'second')" in output
    assert "3 problem(s), 2 fixable with --fix" in output


def test_duplicates_after_normalisation(write_catalog: Callable[..., Path]) -> None:
    text = MINIMAL.replace("https://example.org/second", "http://Example.org:80/first/")
    code, output = lint(str(write_catalog(text)))
    assert code == 2
    assert "[duplicate-url] entry 'second'" in output
    assert "same resource as https://example.org/first (line 15" in output


def test_ignored_link_is_not_a_duplicate(write_catalog: Callable[..., Path]) -> None:
    text = MINIMAL.replace("          - url: https://example.org/second\n",
                           "          - url: https://example.org/first\n            ignore: true\n")
    code, output = lint(str(write_catalog(text)))
    assert code == 0, output


def test_fix_changes_only_the_urls(write_catalog: Callable[..., Path]) -> None:
    path = write_catalog(DIRTY.replace("\n", "\r\n").encode("utf-8"))
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    before = path.read_bytes()
    code, output = lint("--fix", str(path))
    assert code == 2  # the duplicate stays: only a human can choose which one goes
    assert "fixed [tracking-params]" in output
    after = path.read_bytes()
    assert after.startswith(b"\xef\xbb\xbf")
    expected = before.replace(b"watch?v=abc&pp=ygUJ", b"watch?v=abc").replace(
        b"https://www.google.com/url?sa=t&url=https%3A%2F%2Fexample.org%2Fbook&usg=x",
        b"https://example.org/book")
    assert after == expected
    urls = [link.url for link in load_catalog(path).links()]
    assert urls == ["https://www.youtube.com/watch?v=abc", "https://example.org/book",
                    "HTTP://EXAMPLE.org:80/book/"]
    code, _ = lint("--fix", str(path))
    assert code == 2  # the duplicate is still there
    assert path.read_bytes() == after  # a second --fix has nothing left to do


def test_json_format(write_catalog: Callable[..., Path]) -> None:
    code, output = lint("--format", "json", str(write_catalog(DIRTY)))
    assert code == 2
    report = json.loads(output)
    assert report["valid"] is True
    assert [f["code"] for f in report["findings"]] == [
        "tracking-params", "redirect-wrapper", "duplicate-url"]
    assert report["findings"][1]["fix"] == "https://example.org/book"
    assert report["summary"] == {"problems": 0, "findings": 3, "fixable": 2, "fixed": 0}


def test_json_format_for_invalid_catalog(write_catalog: Callable[..., Path]) -> None:
    code, output = lint("--format", "json", str(write_catalog("sections: 3\n")))
    assert code == 3
    report = json.loads(output)
    assert report["valid"] is False
    assert report["problems"][0]["line"] == 1
    assert "must be a list" in report["problems"][0]["message"]


def test_output_file(write_catalog: Callable[..., Path], tmp_path: Path) -> None:
    out = tmp_path / "report.json"
    code, output = lint("--format", "json", "--output", str(out), str(write_catalog(MINIMAL)))
    assert code == 0
    assert output == ""
    assert json.loads(out.read_text())["summary"]["findings"] == 0


def test_default_catalog_is_in_the_working_directory(tmp_path: Path) -> None:
    (tmp_path / "catalog.yaml").write_text(MINIMAL)
    proc = subprocess.run([sys.executable, "-m", "curatorbot", "lint"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert "catalog.yaml: clean" in proc.stdout


def test_subprocess_error_has_no_traceback(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_bytes(b"sections:\n  - id: \xff\n")
    proc = subprocess.run([sys.executable, "-m", "curatorbot", "lint", str(bad)],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 3
    assert "Traceback" not in proc.stderr + proc.stdout
    assert f"{bad}:2: not UTF-8 text (byte 0xff)" in proc.stdout
