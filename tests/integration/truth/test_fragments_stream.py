"""check.fragments over a real loopback stream: the body is read only as far as needed."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import aiohttp
import pytest
from aiohttp import web

from curatorbot.check.fragments import find_fragment
from tests.fakes.server import start_app

FILLER = b"<p>" + b"lorem ipsum " * 80 + b"</p>\n"


class EndlessPage:
    """An HTML page with `<h2 id="early">` in its first kilobyte, then filler forever."""

    async def handle(self, request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": "text/html; charset=utf-8"})
        await response.prepare(request)
        await response.write(b'<html><body><h2 id="user-content-early">Early</h2>')
        try:
            while True:
                await response.write(FILLER)
                await asyncio.sleep(0)
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


async def test_found_early_in_an_endless_page(url: str) -> None:
    async with aiohttp.ClientSession() as session, session.get(url) as response:
        result = await find_fragment(response.content.iter_chunked(4096), "early",
                                     response.headers.get("Content-Type"))
    assert result.found
    assert result.bytes_read <= 4096  # the first chunk held it: nothing more was read


async def test_missing_stops_at_the_limit(url: str) -> None:
    async with aiohttp.ClientSession() as session, session.get(url) as response:
        result = await find_fragment(response.content.iter_chunked(4096), "absent",
                                     response.headers.get("Content-Type"), limit=200_000)
    assert not result.found
    assert 200_000 <= result.bytes_read < 200_000 + 4096
