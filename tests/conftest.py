"""Shared fixtures: a minimal valid catalog text and a writer for catalog files."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

MINIMAL = """\
# a test catalog
version: 1
title: Test catalog
sections:
  - id: books
    title: Books
    entries:
      - id: first
        title: First book
        kind: book
        authors: [Ada Lovelace]
        tags: [theoretical]
        summary: A book to test with.
        links:
          - url: https://example.org/first
            label: Book
      - id: second
        title: Second book
        kind: book
        links:
          - url: https://example.org/second
"""


@pytest.fixture
def write_catalog(tmp_path: Path) -> Callable[..., Path]:
    """Write catalog text (str or bytes) to a file and return its path."""

    def write(content: str | bytes, name: str = "catalog.yaml") -> Path:
        path = tmp_path / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8", newline="")
        return path

    return write
