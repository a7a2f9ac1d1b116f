"""Running the real CLI on input it must refuse: the exit code, the one-line answer on
stderr (no traceback, no "unexpected error"), and the catalog's bytes left as they were."""

from __future__ import annotations

import hashlib
from pathlib import Path

from click.testing import CliRunner, Result

from curatorbot.cli import main


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def invoke(*args: str) -> Result:
    """The CLI in this thread; an exception escaping it is a failure of the test."""
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    assert "Traceback" not in result.output, result.output
    assert "unexpected error" not in result.output, result.output
    return result


def refused(catalog: Path, *args: str, code: int = 3) -> list[str]:
    """Run `curatorbot ARGS`, expecting exit `code` and `catalog` unchanged; returns the
    lines printed (stderr, and stdout where `lint` lists its problems)."""
    before = sha256(catalog)
    result = invoke(*args)
    assert result.exit_code == code, (result.exit_code, result.output)
    assert sha256(catalog) == before
    lines = result.output.splitlines()
    assert lines, result.output
    return lines
