"""Shared fixtures: a minimal valid catalog text, a writer for catalog files, and the
guard that keeps every test's name lookups on this machine.

Property tests (hypothesis) draw the same examples on every run, so a suite that passed
passes again on CI; `HYPOTHESIS_PROFILE=explore` draws new ones, ten times as many, to
look for trouble (a failure found that way is kept in .hypothesis/ and replayed first).
"""

from __future__ import annotations

import ipaddress
import os
import socket
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings

settings.register_profile("default", derandomize=True, max_examples=200, deadline=None)
settings.register_profile("explore", derandomize=False, max_examples=2000, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

_system_getaddrinfo = socket.getaddrinfo


def _local_getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
    """getaddrinfo for IP literals and localhost only: any other name would be a question
    to the system's DNS server, which is not on this machine. Tests give names to their
    loopback servers with `--resolve` / `StaticResolver` instead."""
    name = host.decode() if isinstance(host, bytes) else host
    if name is None or name == "localhost":
        return _system_getaddrinfo(host, *args, **kwargs)
    try:
        ipaddress.ip_address(str(name).strip("[]").split("%")[0])
    except ValueError:
        raise socket.gaierror(socket.EAI_NONAME,
                              f"test DNS guard: {name!r} is not resolved in tests") from None
    return _system_getaddrinfo(host, *args, **kwargs)


@pytest.fixture(autouse=True)
def no_dns_beyond_this_machine(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Every test runs with `socket.getaddrinfo` limited to literals and localhost."""
    monkeypatch.setattr(socket, "getaddrinfo", _local_getaddrinfo)
    yield

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
