"""Exit codes and messages of the CLI's error paths."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from curatorbot.cli import main


def test_missing_catalog_is_exit_3_with_one_line(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["lint", str(tmp_path / "nope.yaml")])
    assert result.exit_code == 3
    assert "nope.yaml: no such file" in result.output
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), \
        result.exception  # ended by exiting, not by an exception that escaped the CLI
    assert "unexpected error" not in result.output, result.output


def test_unknown_option_is_exit_3() -> None:
    result = CliRunner().invoke(main, ["lint", "--bogus"])
    assert result.exit_code == 3
    assert "No such option" in result.output
