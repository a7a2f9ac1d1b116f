"""The catalog file: its model, loading with validation, minimal-diff edits, rendering, import."""

from curatorbot.catalog.load import load_catalog, parse_catalog
from curatorbot.catalog.model import Catalog, Entry, Link, Section, Source

__all__ = ["Catalog", "Entry", "Link", "Section", "Source", "load_catalog", "parse_catalog"]
