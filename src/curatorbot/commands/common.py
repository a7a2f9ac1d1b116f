"""Options and helpers shared by several commands."""

from __future__ import annotations

import difflib
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any, TypeVar

import click

from curatorbot.errors import (
    EXIT_FAILURES,
    EXIT_INTERRUPTED,
    EXIT_NO_NETWORK,
    EXIT_OK,
    FileWriteError,
    UsageError,
)
from curatorbot.files import check_output
from curatorbot.results import CheckReport
from curatorbot.settings import LIMITS, Limit

F = TypeVar("F", bound=Callable[..., Any])

DEFAULT_CATALOG = "catalog.yaml"


def exit_code(report: CheckReport) -> int:
    """The CLI's exit code for a check report (design.md's contract; 130 interrupted)."""
    if report.interrupted:
        return EXIT_INTERRUPTED
    if report.network_down:
        return EXIT_NO_NETWORK
    return EXIT_FAILURES if report.failing() else EXIT_OK


# The arguments naming the file a command reads. They are eager (parsed before any option),
# so an output option can refuse to be that file wherever it stands on the command line.
INPUT_ARGUMENTS = ("catalog", "markdown")


def catalog_argument(func: F) -> F:
    """The optional CATALOG argument (default ./catalog.yaml)."""
    return click.argument(
        "catalog", required=False, default=DEFAULT_CATALOG, metavar="[CATALOG]",
        type=click.Path(dir_okay=False, path_type=Path), is_eager=True,
    )(func)


def output_path_option(*names: str, help: str) -> Callable[[F], F]:
    """An option naming a file the command writes: checked as the arguments are parsed,
    before any network work or catalog write, and never the file the command reads
    (`files.check_output`: exit 3, one line)."""

    def check(ctx: click.Context, param: click.Parameter, value: Path | None) -> Path | None:
        if value is not None:
            inputs = [ctx.params[name] for name in INPUT_ARGUMENTS
                      if isinstance(ctx.params.get(name), Path)]
            check_output(value, "/".join(param.opts), inputs)
        return value

    return click.option(*names, type=click.Path(path_type=Path), metavar="FILE",
                        callback=check, help=help)


output_option = output_path_option(
    "--output", "-o", help="Write the output to FILE instead of standard output.")
"""--output FILE: write the report there instead of stdout."""


def format_option(*choices: str, default: str = "text") -> Callable[[F], F]:
    """--format with the given choices."""
    return click.option(
        "--format", "fmt", type=click.Choice(choices), default=default, show_default=True,
        help="Output format.",
    )


def state_options(func: F) -> F:
    """--state PATH, --no-state and --max-age SECONDS: the run-history store and its cache."""
    func = click.option(
        "--max-age", type=click.FLOAT, default=None, metavar="SECONDS",
        help="Skip URLs found alive within SECONDS (default: the catalog's max_age, 0; "
             f"{LIMITS['max_age'].describe()}).",
    )(func)
    func = click.option(
        "--no-state", is_flag=True, default=False,
        help="Keep no run history (nothing is confirmed dead; no cache, no ETags).",
    )(func)
    return click.option(
        "--state", "state", type=click.Path(dir_okay=False, path_type=Path), default=None,
        metavar="PATH", help="Run-history database (default: .curatorbot/state.sqlite).",
    )(func)


def within(limit: Limit) -> Callable[[click.Context, click.Parameter, Any], Any]:
    """A click callback refusing a number outside `limit` (nan and inf included) with one
    line naming the option, exit 3: for numeric options that are not settings (those are
    checked by `Settings.merged`)."""
    def check(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
        problem = None if value is None else limit.problem(value)
        if problem is not None:
            name = param.opts[0] if param.opts else str(param.name)
            raise UsageError(f"{name}: {problem[0]}; {problem[1]}")
        return value
    return check


@contextmanager
def open_output(path: Path | None) -> Iterator[IO[str]]:
    """The stream to write to: FILE (UTF-8, LF) or standard output."""
    if path is None:
        yield sys.stdout
        return
    try:
        with path.open("w", encoding="utf-8", newline="\n") as stream:
            yield stream
    except OSError as exc:  # checked when parsed, but a disk can be full or change since
        raise FileWriteError(f"{path}: cannot write ({exc.strerror or exc}); give another "
                             "path") from None


def unified_diff(old: str, new: str, name: str) -> str:
    """The change of a file as a unified diff (empty when nothing changed)."""
    return "".join(difflib.unified_diff(
        old.splitlines(keepends=True), new.splitlines(keepends=True),
        fromfile=f"a/{name}", tofile=f"b/{name}"))
