"""The `curatorbot` command line: the click group, error translation and exit codes.

Each command lives in its own module under `curatorbot.commands`; this module only wires
them together and turns every `CuratorError` into one line per problem on stderr plus the
exit code of the contract (README.md), never a traceback. Unexpected exceptions exit 1 with
a one-line message; `CURATORBOT_DEBUG=1` shows the traceback. Ctrl-C exits 130 with one line,
whatever the command was doing (a command that can report what it did so far, like `check`
and `update`, prints that report and exits 130 itself).
"""

from __future__ import annotations

import os
import sys
from typing import Any

import click

from curatorbot import __version__
from curatorbot.commands import COMMANDS, load_command
from curatorbot.errors import (
    EXIT_INTERRUPTED,
    EXIT_INVALID,
    EXIT_UNEXPECTED,
    CatalogInvalid,
    CuratorError,
)


def report_error(error: CuratorError) -> None:
    """Print an error the way every command does: one line per problem, on stderr."""
    lines = ([str(p) for p in error.problems] if isinstance(error, CatalogInvalid)
             else str(error).splitlines() or [type(error).__name__])
    for line in lines:
        click.echo(f"curatorbot: error: {line}", err=True)


class CuratorGroup(click.Group):
    """A click group whose errors follow curatorbot's exit-code contract, and whose
    commands are imported only when used."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        return load_command(cmd_name)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except click.UsageError as exc:
            exc.exit_code = EXIT_INVALID  # type: ignore[misc]
            raise
        except CuratorError as exc:
            report_error(exc)
            ctx.exit(exc.exit_code)
        except KeyboardInterrupt:
            click.echo("curatorbot: interrupted (Ctrl-C)", err=True)
            ctx.exit(EXIT_INTERRUPTED)
        except (click.exceptions.Exit, click.exceptions.Abort, click.ClickException):
            raise
        except Exception as exc:
            if os.environ.get("CURATORBOT_DEBUG"):
                raise
            click.echo(f"curatorbot: unexpected error: {type(exc).__name__}: {exc} "
                       "(set CURATORBOT_DEBUG=1 for the traceback, and please report it)",
                       err=True)
            ctx.exit(EXIT_UNEXPECTED)

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        try:
            return super().parse_args(ctx, args)
        except click.UsageError as exc:
            exc.exit_code = EXIT_INVALID  # type: ignore[misc]
            raise


@click.group(cls=CuratorGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="curatorbot")
def main() -> None:
    """Keep a curated catalog of web resources healthy.

    Exit codes: 0 fine, 1 unexpected error, 2 failing links or lint problems, 3 invalid
    catalog, settings or arguments, 4 GitHub API failure, 5 no network, 130 interrupted
    (Ctrl-C).
    """

if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
