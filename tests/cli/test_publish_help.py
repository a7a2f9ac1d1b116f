"""`pr --help` and `issue --help` say what they read and how they end; the top-level help
lists every exit code of the contract."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner

from curatorbot.cli import main

PUBLISH_ENV = ("GITHUB_TOKEN", "GITHUB_REPOSITORY", "GITHUB_API_URL", "GITHUB_STEP_SUMMARY",
               "CURATORBOT_WRITE_INTERVAL", "CURATORBOT_MAX_WAIT")


@pytest.mark.parametrize("command", ["pr", "issue"])
def test_publish_help_lists_environment_and_exit_codes(command: str) -> None:
    result = CliRunner().invoke(main, [command, "--help"], env={"GITHUB_TOKEN": None})
    assert result.exit_code == 0, result.output
    _, _, environment = result.output.partition("Environment:")
    listed = set(re.findall(r"^\s+([A-Z][A-Z_]+)", environment, flags=re.MULTILINE))
    assert set(PUBLISH_ENV) <= listed, listed
    _, _, codes = result.output.partition("Exit codes:")
    assert set(re.findall(r"^\s+(\d+)\s", codes, flags=re.MULTILINE)) == {
        "0", "1", "3", "4", "130"}


def test_top_level_help_lists_every_exit_code() -> None:
    result = CliRunner().invoke(main, ["--help"])
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())
    for code in ("0 fine", "1 unexpected", "2 failing", "3 invalid", "4 GitHub", "5 no network",
                 "130 interrupted"):
        assert code in text, code
