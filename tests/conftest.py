"""Shared fixtures: a minimal valid catalog text, a writer for catalog files, and the
guard that keeps every test's traffic on this machine.

The guard (autouse, every test) lets `socket.getaddrinfo` answer only for localhost and
loopback literals, refuses `connect`/`connect_ex` of any IPv4/IPv6 socket to an address
outside 127.0.0.0/8 and ::1 (Unix sockets are untouched), and removes the proxy variables
(`HTTP_PROXY`, `HTTPS_PROXY`, `ALL_PROXY`, either case; `NO_PROXY=*`): PyGithub's requests
session honours them and would send loopback test traffic, fake token included, to a proxy.

Property tests (hypothesis) draw the same examples on every run, so a suite that passed
passes again on CI; `HYPOTHESIS_PROFILE=explore` draws new ones, ten times as many, to
look for trouble (a failure found that way is kept in .hypothesis/ and replayed first).
"""

from __future__ import annotations

import errno
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
_system_connect = socket.socket.connect
_system_connect_ex = socket.socket.connect_ex
PROXY_VARIABLES = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY")


def _loopback_literal(name: str) -> bool | None:
    """Whether IP literal `name` is a loopback address; None when it is not a literal."""
    try:
        ip = ipaddress.ip_address(name.strip("[]").split("%")[0])
    except ValueError:
        return None
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_loopback


def _local_getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
    """getaddrinfo for loopback literals and localhost only: any other name would be a
    question to the system's DNS server, which is not on this machine, and any other
    address leads off it. Tests give names to their loopback servers with `--resolve` /
    `StaticResolver` instead."""
    name = host.decode() if isinstance(host, bytes) else host
    if name is None or name == "localhost":
        return _system_getaddrinfo(host, *args, **kwargs)
    loopback = _loopback_literal(str(name))
    if loopback is None:
        raise socket.gaierror(socket.EAI_NONAME,
                              f"test DNS guard: {name!r} is not resolved in tests")
    if not loopback:
        raise socket.gaierror(socket.EAI_NONAME,
                              f"test DNS guard: {name!r} is not a loopback address")
    return _system_getaddrinfo(host, *args, **kwargs)


def _refuse_off_machine(sock: socket.socket, address: Any) -> None:
    """Raise OSError when `sock` (IPv4/IPv6) would connect beyond the loopback addresses."""
    if sock.family not in (socket.AF_INET, socket.AF_INET6):
        return  # AF_UNIX and the like stay on this machine
    host = address[0] if isinstance(address, tuple) and address else address
    name = host.decode() if isinstance(host, bytes) else str(host)
    if name == "localhost" or _loopback_literal(name):
        return
    raise OSError(errno.ENETUNREACH,
                  f"test network guard: connecting to {address!r} would leave this machine")


def _local_connect(sock: socket.socket, address: Any) -> None:
    _refuse_off_machine(sock, address)
    _system_connect(sock, address)


def _local_connect_ex(sock: socket.socket, address: Any) -> int:
    _refuse_off_machine(sock, address)
    return _system_connect_ex(sock, address)


@pytest.fixture(autouse=True)
def nothing_beyond_this_machine(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Every test runs with `socket.getaddrinfo` limited to loopback literals and
    localhost, IPv4/IPv6 connects limited to loopback addresses, and no proxy."""
    monkeypatch.setattr(socket, "getaddrinfo", _local_getaddrinfo)
    monkeypatch.setattr(socket.socket, "connect", _local_connect)
    monkeypatch.setattr(socket.socket, "connect_ex", _local_connect_ex)
    for variable in PROXY_VARIABLES:
        monkeypatch.delenv(variable, raising=False)
        monkeypatch.delenv(variable.lower(), raising=False)
    # requests reads `no_proxy` before `NO_PROXY`: set both, so neither case can let a
    # proxy in.
    monkeypatch.setenv("NO_PROXY", "*")
    monkeypatch.setenv("no_proxy", "*")
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
