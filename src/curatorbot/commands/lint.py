"""`curatorbot lint`: placeholder, filled in by the lint work."""

from __future__ import annotations

from pathlib import Path

import click

from curatorbot.catalog import load_catalog
from curatorbot.commands.common import catalog_argument


@click.command()
@catalog_argument
def lint(catalog: Path) -> None:
    """Validate the catalog without network access."""
    load_catalog(catalog)
