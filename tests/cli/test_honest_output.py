"""Honest output through the real CLI (issue 10, items 7 and 8).

* A run in which nothing could be verified (no name resolves, or every connection is
  refused) exits 5 and says `dead` nowhere as a status: not in the progress lines
  (`--verbose`), not in any report format, not in `update`'s output; the catalog's bytes
  stay as they were. When the network works, a name that does not exist is still `dead`,
  in progress and report alike, and a host's outage is never called `dead`.
* Hostile servers (a raw asyncio server, not aiohttp's): a HEAD answered with a 400 KB body
  is asked again with GET, like a refused HEAD; a reason phrase with escape sequences,
  bells, tabs, DEL and thousands of characters, one with a bare carriage return (aiohttp
  quotes the line in its error) or a bare line feed, a status line over aiohttp's limit
  and a bot-wall header of 6,000 characters all end up as one short line of printable
  characters, in every format.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import pty
import re
import socket
import subprocess
import sys
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from curatorbot.check.classify import NETWORK_TEXT_MAX
from curatorbot.cli import main

NO_NETWORK_PHRASE = "no link was classified dead"


def catalog(tmp_path: Path, urls: list[str]) -> Path:
    """A catalog with one entry per URL."""
    lines = ["version: 1", "title: T", "settings:", "  retries: 0", "  retry_backoff: 0",
             "  timeout: 5", "  connect_timeout: 2", "sections:", "  - id: s",
             "    title: S", "    entries:"]
    for i, url in enumerate(urls):
        lines += [f"      - id: e{i}", f"        title: E{i}", "        kind: website",
                  "        links:", f"          - url: '{url}'"]
    path = tmp_path / "catalog.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def invoke(command: str, path: Path, *args: str) -> tuple[int, str, str]:
    extra = ["--state", str(path.parent / "state.sqlite")] if command == "update" else []
    result = CliRunner().invoke(main, [command, str(path), *extra, *args],
                                catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


async def ainvoke(command: str, path: Path, *args: str) -> tuple[int, str, str]:
    """`invoke` in a thread: the CLI runs its own event loop, the servers run in the test's."""
    return await asyncio.to_thread(invoke, command, path, *args)


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def statuses_said(text: str) -> str:
    """`text` without what may name `dead` in a run without network: the summary's phrase
    and a count of zero (the Markdown table of counts)."""
    return text.replace(NO_NETWORK_PHRASE, "").replace("| dead | 0 |", "")


@pytest.fixture
def closed_port() -> Iterator[int]:
    """A port on 127.0.0.9 that is bound but not listening: every connect is refused."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.9", 0))
        yield sock.getsockname()[1]


# -- item 7: no network, no `dead` ---------------------------------------------------------

@pytest.mark.parametrize("command", ["check", "update"])
@pytest.mark.parametrize("fmt", ["text", "json", "github", "markdown"])
@pytest.mark.parametrize("network", ["nxdomain", "refused"])
def test_a_run_without_network_says_dead_nowhere(tmp_path: Path, closed_port: int,
                                                  command: str, fmt: str,
                                                  network: str) -> None:
    # Seven links on three hosts: with refused connections, host outages as well.
    urls = [f"http://site{i % 3}.test:{closed_port}/page/{i}" for i in range(7)]
    path = catalog(tmp_path, urls)
    before = sha256(path)
    target = "nxdomain" if network == "nxdomain" else "127.0.0.9"
    code, out, err = invoke(command, path, "--verbose", "--format", fmt,
                            "--resolve", f"*={target}", "--allow-private")
    assert code == 5, (out, err)
    assert "Traceback" not in out + err
    assert "curatorbot: error: no network: none of the 3 hosts could be reached" in err
    # --verbose: a progress line for every link, each with its final (unverified) verdict.
    progress = [line for line in err.splitlines() if line.startswith("[")]
    assert len(progress) == len(urls)
    assert all(" error " in line and "not verified: no network" in line for line in progress)
    if fmt == "json":
        data = json.loads(out)
        assert data["summary"]["dead"] == 0 and data["summary"]["network_down"] is True
        assert {r["status"] for r in data["results"]} == {"error"}
        assert {r["failure"] for r in data["results"]} == {"no-network"}
        out = json.dumps(data["results"])
    assert "dead" not in statuses_said(out), out
    assert "dead" not in statuses_said(err), err
    assert sha256(path) == before
    if command == "update":
        assert "written to" not in err and "planned for" not in err
    if fmt == "markdown":
        assert "No failing links" not in out and "Nothing could be verified" in out


async def test_with_a_network_a_missing_name_is_dead_and_an_outage_is_not(
        tmp_path: Path, closed_port: int) -> None:
    """The progress gate holds provisional verdicts only while they may change: once a
    host answered, a name that does not exist is shown `dead`; a host that refuses every
    connection is a host outage, shown as unverified, never `dead`."""
    async with RawServer("127.0.0.8") as port:
        answering = f"http://127.0.0.8:{port}/ok"
        missing = f"http://gone.test:{port}/page"
        down = [f"http://down.test:{closed_port}/page/{i}" for i in range(3)]
        path = catalog(tmp_path, [missing, answering, *down])
        code, out, err = await ainvoke(
            "check", path, "--verbose", "--format", "json", "--allow-private",
            "--resolve", "gone.test=nxdomain", "--resolve", "down.test=127.0.0.9")
    assert code == 2, (out, err)
    data = {r["url"]: r for r in json.loads(out)["results"]}
    assert data[missing]["status"] == "dead" and data[missing]["failure"] == "dns"
    assert data[answering]["status"] == "ok"
    assert {data[u]["failure"] for u in down} == {"outage"}
    lines = {line.split()[2]: line.split()[1] for line in err.splitlines()
             if line.startswith("[")}
    assert lines == {missing: "dead", answering: "ok", **{u: "error" for u in down}}


# -- item 8: hostile servers --------------------------------------------------------------

BIG_BODY = b"x" * 400_000
ANSI_REASON = b"Bad \x1b[31mRED\x1b[0m \x1b]0;pwned\x07 \x07bell \tand\x7f " + b"R" * 5_000


async def _handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    """One request per connection; the path says how to misbehave (the same way for every
    method, but /ok behaves)."""
    try:
        request = await reader.readuntil(b"\r\n\r\n")
    except (asyncio.IncompleteReadError, ConnectionError):
        writer.close()
        return
    method, target = request.split(b" ", 2)[:2]
    path = target.split(b"?")[0]
    close = b"Connection: close\r\n"
    if path == b"/ok":
        answer = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n" + close + b"\r\n"
        answer += b"" if method == b"HEAD" else b"ok"  # a well-behaved page
    elif path == b"/head-with-body":
        # Every method gets the body, HEAD included: aiohttp calls that malformed.
        answer = (b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n" + close
                  + b"Content-Length: %d\r\n\r\n" % len(BIG_BODY) + BIG_BODY)
    elif path == b"/reason":
        answer = b"HTTP/1.1 500 " + ANSI_REASON + b"\r\nContent-Length: 0\r\n" + close + b"\r\n"
    elif path == b"/bare-cr":  # aiohttp refuses it, quoting the line in its message
        answer = b"HTTP/1.1 500 Bad\rnews \x1b[1m" + b"C" * 3_000 + b"\r\n" + close + b"\r\n"
    elif path == b"/markup":  # rich markup in the reason: text, never markup
        answer = b"HTTP/1.1 500 Oops [/oops] [bold]loud[/bold]\r\nContent-Length: 0\r\n" \
            + close + b"\r\n"
    elif path == b"/bare-lf":
        answer = b"HTTP/1.1 500 Bad\nnews: \x1b[1m" + b"L" * 3_000 + b"\r\n" + close + b"\r\n"
    elif path == b"/huge-status-line":
        answer = b"HTTP/1.1 500 " + b"\x1b[2J" + b"Z" * 20_000 + b"\r\n" + close + b"\r\n"
    elif path == b"/wall":
        answer = (b"HTTP/1.1 403 Forbidden\r\ncf-mitigated: \x1b[5m" + b"W" * 6_000
                  + b"\r\nContent-Length: 0\r\n" + close + b"\r\n")
    else:
        answer = b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n" + close + b"\r\n"
    try:
        writer.write(answer)
        await writer.drain()
    except ConnectionError:
        pass
    writer.close()


class RawServer:
    """A raw asyncio HTTP server on `host` (aiohttp's server would refuse to misbehave)."""

    def __init__(self, host: str) -> None:
        self.host = host
        self.server: asyncio.Server | None = None

    async def __aenter__(self) -> int:
        self.server = await asyncio.start_server(_handle, self.host, 0)
        return int(self.server.sockets[0].getsockname()[1])

    async def __aexit__(self, *exc: object) -> None:
        assert self.server is not None
        self.server.close()
        await self.server.wait_closed()


@pytest.fixture
async def hostile() -> AsyncIterator[str]:
    async with RawServer("127.0.0.8") as port:
        yield f"http://127.0.0.8:{port}"


async def test_a_head_answered_with_a_body_is_asked_again_with_get(hostile: str,
                                                                   tmp_path: Path) -> None:
    urls = [f"{hostile}/head-with-body", f"{hostile}/head-with-body?again"]
    path = catalog(tmp_path, urls)
    code, out, err = await ainvoke("check", path, "--format", "github", "--allow-private",
                                   "--concurrency", "1", "--verbose")
    assert code == 0, (out, err)
    assert out.splitlines() == [out.splitlines()[-1]]  # no annotation, only the summary
    code, out, err = await ainvoke("check", path, "--format", "json", "--allow-private",
                                   "--concurrency", "1")
    assert code == 0, (out, err)
    first, second = json.loads(out)["results"]
    assert first["status"] == second["status"] == "ok"
    assert first["error"] is second["error"] is None
    assert first["attempts"] == 2  # HEAD (malformed), then GET
    assert second["attempts"] == 1  # like a refused HEAD: the host's next URL gets GET


HOSTILE_PATHS = ["reason", "bare-cr", "bare-lf", "huge-status-line", "wall"]


def _visible_line(line: str) -> bool:
    return line.isprintable() and "\x1b" not in line


@pytest.mark.parametrize("fmt", ["text", "json", "markdown", "github"])
async def test_network_text_is_one_short_printable_line_in_every_format(
        hostile: str, tmp_path: Path, fmt: str) -> None:
    urls = [f"{hostile}/{name}" for name in HOSTILE_PATHS]
    path = catalog(tmp_path, urls)
    before = sha256(path)
    code, out, err = await ainvoke("check", path, "--verbose", "--format", fmt,
                                   "--allow-private")
    assert code == 2, (out, err)
    assert "Traceback" not in out + err
    assert sha256(path) == before
    # Every line of output (progress on stderr, the report on stdout) is printable and short.
    limit = NETWORK_TEXT_MAX + 200  # the network's text plus what the report says around it
    for line in (out + err).splitlines():
        assert _visible_line(line), repr(line[:200])
        assert len(line) <= (limit if fmt != "json" else limit + 400), len(line)
    for name in HOSTILE_PATHS:
        assert sum(f"/{name}" in line for line in out.splitlines()) >= 1 or fmt == "json"
    if fmt == "json":
        results = {r["url"]: r for r in json.loads(out)["results"]}
        for url in urls:
            error = results[url]["error"]
            assert error and len(error) <= NETWORK_TEXT_MAX, (url, len(error))
            assert _visible_line(error) and "\r" not in error and "\x07" not in error
        reason = results[f"{hostile}/reason"]
        assert reason["status"] == "error" and reason["http_status"] == 500
        assert re.match(r"HTTP 500 Bad RED bell and R+…$", reason["error"])
        # A bare LF ends the status line: the rest is a header line, not the reason.
        assert results[f"{hostile}/bare-lf"]["error"] == "HTTP 500 Bad"
        wall = results[f"{hostile}/wall"]
        assert wall["status"] == "blocked" and "cf-mitigated" in wall["error"]
        for name in ("bare-cr", "huge-status-line"):
            result = results[f"{hostile}/{name}"]
            assert result["failure"] == "protocol" and result["attempts"] == 2  # HEAD, GET


async def test_a_terminal_report_shows_markup_from_a_server_as_text(hostile: str,
                                                                    tmp_path: Path) -> None:
    """On a terminal the text report is drawn with rich: a reason phrase such as
    `[/oops]` is shown as it is, not read as markup (which raised MarkupError)."""
    path = catalog(tmp_path, [f"{hostile}/markup"])
    root = Path(__file__).resolve().parent.parent.parent
    env = {**os.environ, "PYTHONPATH": str(root / "src"), "COLUMNS": "200"}
    main_fd, child_fd = pty.openpty()  # stdout is a terminal; stderr is not
    try:
        proc = await asyncio.to_thread(
            subprocess.run, [sys.executable, "-m", "curatorbot", "check", str(path),
                             "--allow-private"],
            stdout=child_fd, stderr=subprocess.PIPE, env=env, timeout=60)
        os.close(child_fd)
        chunks = []
        while True:
            try:
                chunk = os.read(main_fd, 65536)
            except OSError:  # EIO: the terminal's other side is closed and drained
                break
            if not chunk:
                break
            chunks.append(chunk)
    finally:
        os.close(main_fd)
    shown = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", b"".join(chunks).decode())
    assert proc.returncode == 2, (shown, proc.stderr)
    assert b"Traceback" not in proc.stderr
    assert "[/oops] [bold]loud[/bold]" in " ".join(shown.split())
