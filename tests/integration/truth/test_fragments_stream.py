"""The anchor search (check.truth.Truth.missing_anchors through the run's HttpClient) over
a real loopback stream: the body is read only as far as needed."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from aiohttp import web

from curatorbot.check import truth
from curatorbot.http.client import HttpClient
from curatorbot.settings import Settings
from tests.fakes.server import start_app

FILLER = b"<p>" + b"lorem ipsum " * 80 + b"</p>\n"
FILLED = 400_000


class EndlessPage:
    """An HTML page with `<h2 id="early">` in its first kilobyte, then `FILLED` bytes of
    filler, then nothing more and no end (until the reader hangs up): a search that does
    not stop at what it needs never returns."""

    async def handle(self, request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": "text/html; charset=utf-8"})
        await response.prepare(request)
        await response.write(b'<html><body><h2 id="user-content-early">Early</h2>')
        try:
            for _ in range(FILLED // len(FILLER)):
                await response.write(FILLER)
                await asyncio.sleep(0)
            for _ in range(6000):  # stalled, at most a minute
                if request.transport is None or request.transport.is_closing():
                    break
                await asyncio.sleep(0.01)
        except (ConnectionError, asyncio.CancelledError):
            pass
        return response


@pytest.fixture
async def url() -> AsyncIterator[str]:
    page = EndlessPage()
    app = web.Application()
    app.router.add_get("/page", page.handle)
    runner, port = await start_app(app, "127.0.0.11")
    yield f"http://127.0.0.11:{port}/page"
    await runner.cleanup()


def search() -> truth.Truth:
    settings = Settings(allow_private=True, timeout=60)  # longer than the wait below
    return truth.Truth(settings, HttpClient(settings))


async def test_found_early_in_an_endless_page(url: str) -> None:
    anchors = search()
    async with anchors.client:
        # The body stalls after FILLED bytes: only a search that stops at the anchor ends.
        missing = await asyncio.wait_for(
            anchors.missing_anchors(url, ["early"], asyncio.sleep), timeout=10)
    assert missing == {}


async def test_missing_stops_at_the_limit(url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(truth, "ANCHOR_LIMIT", 200_000)
    anchors = search()
    async with anchors.client:
        missing = await anchors.missing_anchors(url, ["absent"], asyncio.sleep)
    assert list(missing) == ["absent"]
    read = int(missing["absent"].rsplit("first ", 1)[1].split(" bytes")[0])
    assert 200_000 <= read < 200_000 + 16 * 1024, missing
