"""`curatorbot render`: write the catalog as a Markdown page (see `catalog.render`), to a
file or standard output, or between the marker lines of a README (`--into`, see
`catalog.readme`); `--check` tells whether that README is up to date without writing it."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from curatorbot.catalog import load_catalog
from curatorbot.catalog.readme import BEGIN, END, Readme
from curatorbot.catalog.render import STYLES, render_markdown
from curatorbot.commands.common import catalog_argument, open_output, output_option, unified_diff
from curatorbot.errors import EXIT_FAILURES, UsageError

# Most lines of the diff `--check` prints; the rest is counted, not shown.
DIFF_LINES = 40


@click.command()
@catalog_argument
@output_option
@click.option("--toc/--no-toc", default=True, show_default=True,
              help="Start the page with a table of contents.")
@click.option("--style", type=click.Choice(STYLES), default=STYLES[0], show_default=True,
              help="list: `- [Title](url) - Summary` lines, read back unchanged by `import`; "
                   "cards: bold titles with people, kind, tags and link badges.")
@click.option("--into", type=click.Path(dir_okay=False, path_type=Path), metavar="README",
              help=f"Write the page into README, between its {BEGIN} and {END} lines; "
                   "every other byte of README is kept.")
@click.option("--check", is_flag=True,
              help="With --into: write nothing; exit 2 (with a diff on stderr) when README "
                   "is out of date, 0 when it is current.")
@click.pass_context
def render(ctx: click.Context, /, catalog: Path, output: Path | None, toc: bool,
           style: str, into: Path | None, check: bool) -> None:
    """Write the catalog as a Markdown page (exit 0, or 3 for an invalid catalog or README;
    with --check, 2 when the README is out of date)."""
    if check and into is None:
        raise UsageError("--check compares a README with the catalog; give it --into README.md")
    if into is not None and output is not None:
        raise UsageError("--into and --output both say where the page goes; give one of them")
    page = render_markdown(load_catalog(catalog), toc=toc, style=style)
    if into is None:
        with open_output(output) as stream:
            stream.write(page)
        return
    readme = Readme.read(into, for_writing=not check)
    new = readme.with_page(page)
    current = new.encode("utf-8") == readme.data
    if check:
        if not current:
            _explain_stale(readme, new, catalog)
            ctx.exit(EXIT_FAILURES)
        click.echo(f"curatorbot: {into} is up to date with {catalog}", err=True)
        return
    if current:
        click.echo(f"curatorbot: {into} is up to date with {catalog}; nothing written",
                   err=True)
        return
    readme.write(new)
    click.echo(f"curatorbot: rendered {catalog} into {into}", err=True)


def _explain_stale(readme: Readme, new: str, catalog: Path) -> None:
    """Say on stderr where README first differs from the render, then a short diff."""
    old = readme.data.decode("utf-8")
    old_lines, new_lines = old.splitlines(keepends=True), new.splitlines(keepends=True)
    line = next((i for i, (a, b) in enumerate(zip(old_lines, new_lines, strict=False), 1)
                 if a != b), min(len(old_lines), len(new_lines)) + 1)
    click.echo(f"curatorbot: {readme.path}:{line}: out of date with {catalog}; run "
               f"`curatorbot render {catalog} --into {readme.path}` and commit it", err=True)
    diff = unified_diff(old, new, str(readme.path)).splitlines(keepends=True)
    sys.stderr.write("".join(diff[:DIFF_LINES]))
    if len(diff) > DIFF_LINES:
        sys.stderr.write(f"... ({len(diff) - DIFF_LINES} more diff lines)\n")
