"""`curatorbot import MARKDOWN`: turn a Markdown link list into catalog YAML."""

from __future__ import annotations

from pathlib import Path

import click

from curatorbot.catalog.importer import import_markdown, strip_url
from curatorbot.catalog.load import parse_catalog, read_text
from curatorbot.commands.common import open_output, output_option
from curatorbot.errors import CatalogInvalid
from curatorbot.urls import clean_url


@click.command("import")
@click.argument("markdown", metavar="MARKDOWN",
                type=click.Path(exists=True, dir_okay=False, path_type=Path), is_eager=True)
@output_option
@click.option("--keep-urls", is_flag=True,
              help="Keep URLs exactly as written (default: drop tracking parameters and "
                   "unwrap redirect wrappers, as `lint --fix` would).")
def import_(markdown: Path, output: Path | None, keep_urls: bool) -> None:
    """Turn a Markdown link list (headings; list items, table rows, details and bold
    titles with links) into catalog YAML, keeping each description as the entry's summary
    and short labels as tags; says once per kind of guess what it guessed (exit 0, or 3
    for unusable input)."""
    name = str(markdown)
    clean = strip_url if keep_urls else clean_url
    result = import_markdown(read_text(markdown), name, clean=clean)
    try:  # the importer must only ever write catalogs that load
        parse_catalog(result.text, str(output or "<import>"))
    except CatalogInvalid as exc:  # pragma: no cover - a bug in the importer, not the input
        raise RuntimeError(f"import produced an invalid catalog: {exc}") from None
    for warning in result.warnings:
        click.echo(f"curatorbot: warning: {warning}", err=True)
    with open_output(output) as stream:
        stream.write(result.text)
    click.echo(f"curatorbot: imported {result.entries} entries with {result.links} links in "
               f"{result.sections} sections from {name}", err=True)
