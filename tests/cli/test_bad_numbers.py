"""Numbers no run can use (issue 10, item 5): `nan`, `inf` and absurd values are refused as
bad arguments, one line and exit 3, whether they come from a flag or from the catalog's
`settings:` block, before any request is made or any file written."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from curatorbot.cli import main
from tests.cli.refusal import invoke, refused, sha256
from tests.conftest import MINIMAL

FLAGS = [
    # (flag, value, what the one line says)
    ("--timeout", "nan", "--timeout: nan is not a finite number; give seconds, more than 0"),
    ("--timeout", "inf", "--timeout: inf is not a finite number; give seconds"),
    ("--timeout", "-inf", "--timeout: -inf is not a finite number"),
    ("--timeout", "0", "--timeout: 0.0 is too small; give seconds, more than 0"),
    ("--timeout", "3600.5", "--timeout: 3600.5 is too large; give seconds, more than 0 and "
                            "at most 3600"),
    ("--min-interval", "inf", "--min-interval: inf is not a finite number; give seconds, at "
                              "least 0 and at most 3600"),
    ("--min-interval", "nan", "--min-interval: nan is not a finite number"),
    ("--min-interval", "-1", "--min-interval: -1.0 is too small"),
    ("--concurrency", "0", "--concurrency: 0 is too small; give a whole number of requests, "
                           "at least 1 and at most 1000"),
    ("--concurrency", "1000001", "--concurrency: 1000001 is too large"),
    ("--per-host", "101", "--per-host: 101 is too large"),
    ("--retries", "10" * 20, "--retries: " + "10" * 20 + " is too large; give a whole number "
                             "of retries, at least 0 and at most 10"),
    ("--retries", "-1", "--retries: -1 is too small"),
    ("--max-redirects", "-1", "--max-redirects: -1 is too small; give a whole number of "
                              "redirects, at least 0 and at most 100"),
    ("--max-redirects", "101", "--max-redirects: 101 is too large"),
]


@pytest.mark.parametrize("command", ["check", "update"])
@pytest.mark.parametrize(("flag", "value", "message"), FLAGS,
                         ids=[f"{f}={v[:8]}" for f, v, _ in FLAGS])
def test_a_flag_out_of_range_is_one_line_and_exit_3(
        write_catalog: Callable[..., Path], tmp_path: Path, command: str, flag: str,
        value: str, message: str) -> None:
    path = write_catalog(MINIMAL)
    extra = ["--dry-run", "--state", str(tmp_path / "state.sqlite")] \
        if command == "update" else []
    lines = refused(path, command, str(path), *extra, flag, value)
    assert len(lines) == 1 and lines[0].startswith(f"curatorbot: error: {message}"), lines
    assert not (tmp_path / "state.sqlite").exists()


@pytest.mark.parametrize("value", ["inf", "nan", "1e12", "-5"])
def test_update_max_age_out_of_range(write_catalog: Callable[..., Path], tmp_path: Path,
                                     value: str) -> None:
    path = write_catalog(MINIMAL)
    lines = refused(path, "update", str(path), "--dry-run", "--state",
                    str(tmp_path / "state.sqlite"), "--max-age", value)
    assert len(lines) == 1 and lines[0].startswith("curatorbot: error: --max-age: "), lines
    assert "give seconds, at least 0 and at most 31622400" in lines[0]


SETTINGS = [
    # (setting line, what the problem says)
    ("timeout: .nan", "setting 'timeout': nan is not a finite number; give seconds, more "
                      "than 0 and at most 3600"),
    ("timeout: .inf", "setting 'timeout': inf is not a finite number"),
    ("timeout: 1.0e+400", "setting 'timeout': inf is not a finite number"),
    ("connect_timeout: 0", "setting 'connect_timeout': 0 is too small"),
    ("min_interval: .inf", "setting 'min_interval': inf is not a finite number; give "
                           "seconds, at least 0 and at most 3600"),
    ("retries: " + "9" * 40, "setting 'retries': " + "9" * 40 + " is too large"),
    ("concurrency: 0", "setting 'concurrency': 0 is too small"),
    ("per_host: 5000", "setting 'per_host': 5000 is too large"),
    ("retry_after_cap: .inf", "setting 'retry_after_cap': inf is not a finite number"),
    ("retry_backoff: -0.5", "setting 'retry_backoff': -0.5 is too small"),
    ("outage_after: 1", "setting 'outage_after': 1 is too small"),
    ("dead_after: 0", "setting 'dead_after': 0 is too small"),
    ("max_age: .nan", "setting 'max_age': nan is not a finite number"),
    ("unhealthy_share: 0", "setting 'unhealthy_share': 0 is too small; give a fraction, "
                           "more than 0 and at most 1"),
    ("unhealthy_share: 1.5", "setting 'unhealthy_share': 1.5 is too large"),
    ("stars_change_pct: .nan", "setting 'stars_change_pct': nan is not a finite number"),
    ("stars_change_abs: -1", "setting 'stars_change_abs': -1 is too small"),
    ("max_redirects: 1000", "setting 'max_redirects': 1000 is too large; give a whole "
                            "number of redirects, at least 0 and at most 100"),
    ("max_redirects: .inf", "setting 'max_redirects' must be a whole number, found inf"),
]


@pytest.mark.parametrize("command", ["lint", "check", "update", "render"])
@pytest.mark.parametrize(("setting", "message"), SETTINGS, ids=[s for s, _ in SETTINGS])
def test_a_setting_out_of_range_names_its_line(write_catalog: Callable[..., Path],
                                               tmp_path: Path, command: str, setting: str,
                                               message: str) -> None:
    path = write_catalog(MINIMAL.replace("version: 1\n",
                                         f"version: 1\nsettings:\n  {setting}\n"))
    extra = {"update": ["--dry-run", "--state", str(tmp_path / "state.sqlite")],
             "render": ["-o", str(tmp_path / "page.md")]}.get(command, [])
    lines = refused(path, command, str(path), *extra)
    problems = [line for line in lines if f"{path}:" in line and "problem(s)" not in line]
    assert len(problems) == 1, lines
    assert problems[0].removeprefix("curatorbot: error: ").startswith(f"{path}:4: {message}")
    assert not (tmp_path / "page.md").exists() and not (tmp_path / "state.sqlite").exists()


def test_every_bad_setting_is_reported_at_once(write_catalog: Callable[..., Path]) -> None:
    path = write_catalog(MINIMAL.replace(
        "version: 1\n", "version: 1\nsettings:\n  timeout: .nan\n  min_interval: .inf\n"))
    lines = refused(path, "lint", str(path))
    assert [line.split(": ")[1] for line in lines if "setting '" in line] == \
        ["setting 'timeout'", "setting 'min_interval'"]


def test_values_at_the_limits_are_accepted(write_catalog: Callable[..., Path]) -> None:
    """The bounds themselves are usable values (nothing is checked: every URL excluded)."""
    path = write_catalog(MINIMAL.replace("version: 1\n", "version: 1\nsettings:\n"
                                         "  unhealthy_share: 1\n  max_age: 31622400\n"))
    before = sha256(path)
    result = invoke("check", str(path), "--exclude", ".", "--timeout", "3600",
                    "--min-interval", "3600", "--concurrency", "1000", "--per-host", "100",
                    "--retries", "10", "--format", "json")
    assert result.exit_code == 0, result.output
    assert '"excluded": 2' in result.stdout
    assert sha256(path) == before


def test_check_takes_no_state_options(write_catalog: Callable[..., Path],
                                      tmp_path: Path) -> None:
    """`check` keeps no history: --state / --no-state are `update`'s, and click says so."""
    path = write_catalog(MINIMAL)
    for args in (["--state", str(tmp_path / "s.sqlite")], ["--no-state"]):
        lines = refused(path, "check", str(path), "--exclude", ".", *args)
        assert lines[-1].startswith(f"Error: No such option '{args[0]}'"), lines
    assert not (tmp_path / "s.sqlite").exists()
    assert "--state PATH" not in invoke("check", "--help").stdout


PACING = [
    ("--write-interval", "inf", "--write-interval: inf is not a finite number; give seconds, "
                                "at least 0 and at most 3600"),
    ("--max-wait", "nan", "--max-wait: nan is not a finite number; give seconds, at least 0 "
                          "and at most 21600"),
    ("--max-wait", "-1", "--max-wait: -1.0 is too small; give seconds, at least 0 and at most "
                         "21600"),
    ("--backoff", "1e9", "--backoff: 1000000000.0 is too large; give seconds, at least 0 and "
                         "at most 60"),
]


@pytest.mark.parametrize("command", ["pr", "issue"])
@pytest.mark.parametrize(("flag", "value", "message"), PACING,
                         ids=[f"{f}={v}" for f, v, _ in PACING])
def test_github_pacing_out_of_range(tmp_path: Path, command: str, flag: str, value: str,
                                    message: str) -> None:
    """`pr` / `issue`: an infinite write interval or wait would hang the run."""
    (tmp_path / "plan.json").write_text("[]")
    (tmp_path / "report.json").write_text("{}")
    extra = (["--plan", str(tmp_path / "plan.json")] if command == "pr"
             else ["--report", str(tmp_path / "report.json")])
    lines = refused(tmp_path / "plan.json", command, "--dry-run", *extra, flag, value)
    assert lines == [f"curatorbot: error: {message}"], lines


def test_github_pacing_from_the_environment(tmp_path: Path) -> None:
    (tmp_path / "report.json").write_text("{}")
    result = CliRunner().invoke(main, ["issue", "--dry-run", "--report",
                                       str(tmp_path / "report.json")],
                                env={"CURATORBOT_WRITE_INTERVAL": "inf"})
    assert result.exit_code == 3, result.output
    assert result.output.splitlines() == [
        "curatorbot: error: --write-interval: inf is not a finite number; give seconds, at "
        "least 0 and at most 3600"]
