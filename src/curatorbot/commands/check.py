"""`curatorbot check [CATALOG]`: check every distinct URL of the catalog and report.

Settings come from the catalog's `settings:` block, then from the flags (`--exclude` and
`--include` add to the catalog's patterns). Exit codes (design.md): 0 no failing link,
2 failing links (dead or error), 3 invalid catalog, settings or arguments, 5 no network
(nothing could be verified; no link is classified dead), 130 interrupted by Ctrl-C (the
report of what was checked is still printed).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

import click

from curatorbot import aio
from curatorbot.catalog import load_catalog
from curatorbot.check.pipeline import check_targets
from curatorbot.check.targets import Target, add_link
from curatorbot.commands.common import (
    catalog_argument,
    exit_code,
    format_option,
    open_output,
    output_option,
)
from curatorbot.errors import NoNetworkError, UsageError
from curatorbot.http import Resolver
from curatorbot.http.client import resolver_for as http_resolver
from curatorbot.report import FORMATS, render
from curatorbot.report.text import LiveProgress
from curatorbot.results import CheckReport
from curatorbot.settings import LIMITS, Settings

F = TypeVar("F", bound=Callable[..., Any])


def check_options(func: F) -> F:
    """The options `check` and `update` share: politeness, rules, progress."""
    for option in reversed(_CHECK_OPTIONS):
        func = option(func)
    return func


def _number(flag: str, kind: type[int] | type[float], what: str) -> Callable[[Any], Any]:
    """A numeric option whose help gives the setting's default and allowed range, both
    read from the setting it overrides (`--per-host` -> `per_host`)."""
    key = flag.removeprefix("--").replace("-", "_")
    default = getattr(Settings(), key)
    return click.option(flag, type=kind, help=f"{what} (default {default:g}; "
                                               f"{LIMITS[key].describe()}).")


_CHECK_OPTIONS: list[Callable[[Any], Any]] = [
    _number("--concurrency", int, "Requests in flight at most"),
    _number("--per-host", int, "Requests in flight to one host at most"),
    _number("--min-interval", float, "Seconds between two requests to one host"),
    _number("--timeout", float, "Seconds one request may take"),
    _number("--retries", int,
            "Retries of transient failures: 5xx, 408, 429, resets, timeouts"),
    _number("--max-redirects", int, "Redirects followed at most; one more is an error"),
    click.option("--exclude", multiple=True, metavar="REGEX",
                 help="Do not check URLs matching REGEX (repeatable)."),
    click.option("--include", multiple=True, metavar="REGEX",
                 help="Check only URLs matching REGEX (repeatable; wins over --exclude)."),
    click.option("--accept", metavar="CODES",
                 help="HTTP codes that mean ok, e.g. 200..299,403 (default 200..299)."),
    click.option("--user-agent", help="The User-Agent header (default names curatorbot)."),
    click.option("--allow-private", is_flag=True, default=None,
                 help="Also check private, loopback and link-local addresses."),
    click.option("--insecure", is_flag=True, default=None,
                 help="Do not verify TLS certificates (off by default)."),
    click.option("--resolve", "resolve", multiple=True, metavar="NAME=ADDRESS",
                 help="Resolve NAME (or *.suffix, or * for every other name) to ADDRESS, "
                      "like curl --resolve (repeatable); ADDRESS may be 'nxdomain' or "
                      "'servfail'."),
    click.option("--soft404/--no-soft404", "soft404", default=None,
                 help="Judge 2xx pages against their host's answer for a random path "
                      "(one probe per host and run; default on, setting soft404)."),
    click.option("--fragments", is_flag=True, default=None,
                 help="Check that each link's #fragment names an element of its HTML "
                      "page (setting fragments)."),
    click.option("--quiet", "-q", is_flag=True, help="No progress output."),
    click.option("--verbose", "-v", is_flag=True, help="A progress line for every link."),
]


@click.command()
@catalog_argument
@format_option(*FORMATS)
@output_option
@check_options
@click.option("--titles", is_flag=True, help="Ask with GET and record each page's <title>.")
@click.pass_context
def check(ctx: click.Context, /, catalog: Path, fmt: str, output: Path | None,
          resolve: tuple[str, ...], titles: bool, quiet: bool, verbose: bool,
          **flags: Any) -> None:
    """Check every distinct link of the catalog and report the failing ones.

    `check` keeps no run history (`update` does: --state, --no-state).

    Exit codes: 0 no failing link, 2 failing links, 3 invalid catalog or arguments,
    5 no network (nothing could be verified), 130 interrupted.
    """
    # Only the distinct URLs and where they are used are kept: entries are validated and
    # let go as they are read, so a large catalog does not sit in memory through the run.
    targets: dict[str, Target] = {}
    loaded = load_catalog(catalog, on_link=partial(add_link, targets), keep_entries=False)
    settings = build_settings(loaded.settings, flags)
    resolver = resolver_for(resolve)
    with LiveProgress(len(targets), sys.stderr,
                      progress_mode(fmt, quiet, verbose)) as progress:
        report = aio.run(check_targets(targets, settings, resolver=resolver,
                                           titles=titles, progress=progress,
                                           catalog_path=str(catalog)))
    with open_output(output) as stream:
        render(report, fmt, stream, color=fmt == "text" and output is None
               and sys.stdout.isatty())
    finish(ctx, report)


def resolver_for(resolve: tuple[str, ...]) -> Resolver | None:
    """The resolver of `--resolve NAME=ADDRESS` options, or None for the system's."""
    try:
        return http_resolver(resolve)
    except ValueError as exc:
        raise UsageError(f"--resolve: {exc}; write NAME=ADDRESS, e.g. '*.test=127.0.0.2'")\
            from None


def progress_mode(fmt: str, quiet: bool, verbose: bool) -> str:
    """How progress shows on stderr: a live bar on a terminal, lines, or nothing."""
    return ("none" if quiet else "bar" if sys.stderr.isatty()
            else "all" if verbose else "lines" if fmt == "text" else "none")


def build_settings(catalog_settings: Any, flags: dict[str, Any]) -> Settings:
    """The catalog's settings, then the flags (patterns add up); a value out of its range
    is a UsageError naming the flag."""
    settings = Settings().merged(catalog_settings)
    overrides = dict(flags)
    overrides["exclude"] = (*settings.exclude, *flags.get("exclude", ()))
    overrides["include"] = (*settings.include, *flags.get("include", ()))
    return settings.merged(overrides, name=_flag_name)


def _flag_name(key: str) -> str:
    return "--" + key.replace("_", "-")


def finish(ctx: click.Context, report: CheckReport) -> None:
    """Exit with the report's code; no network is an error message plus exit 5."""
    if report.interrupted:
        click.echo("curatorbot: interrupted: the report covers the URLs checked so far",
                   err=True)
    elif report.network_down:
        raise NoNetworkError(
            f"no network: none of the {report.hosts} hosts could be reached (DNS or connect "
            "failed); nothing was verified and no link was classified dead")
    ctx.exit(exit_code(report))

