"""`curatorbot render`: write the catalog as a Markdown page (see `catalog.render`)."""

from __future__ import annotations

from pathlib import Path

import click

from curatorbot.catalog import load_catalog
from curatorbot.catalog.render import STYLES, render_markdown
from curatorbot.commands.common import catalog_argument, open_output, output_option


@click.command()
@catalog_argument
@output_option
@click.option("--toc/--no-toc", default=True, show_default=True,
              help="Start the page with a table of contents.")
@click.option("--style", type=click.Choice(STYLES), default=STYLES[0], show_default=True,
              help="list: `- [Title](url) - Summary` lines, read back unchanged by `import`; "
                   "cards: bold titles with people, kind, tags and link badges.")
def render(catalog: Path, output: Path | None, toc: bool, style: str) -> None:
    """Write the catalog as a Markdown page (exit 0, or 3 for an invalid catalog)."""
    page = render_markdown(load_catalog(catalog), toc=toc, style=style)
    with open_output(output) as stream:
        stream.write(page)
