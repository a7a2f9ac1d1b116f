"""A fake YouTube oEmbed endpoint on loopback: `GET /oembed?url=...&format=json`.

The video or playlist id is read from the `url` parameter (`v=` or `list=`) and counted in
`hits`. `statuses` maps an id to the status it answers (default 200: JSON whose title is
`title` with `{id}` filled in); an id in `flaky` first answers 500 that many times. A
request without `format=json` is answered 400. Every Authorization header received is kept
in `auth`: no client should ever send one. `serve(fake, host)` runs it; `fake.url` is then
what `CURATORBOT_OEMBED_URL` (or `YouTubeConfig.oembed_url`) should be.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlsplit

from aiohttp import web

from tests.fakes.server import start_app


@dataclass
class FakeOEmbed:
    """The canned answers and the counters of one oEmbed endpoint."""

    statuses: dict[str, int] = field(default_factory=dict)
    flaky: Counter[str] = field(default_factory=Counter)
    title: str = "Video {id}"
    hits: Counter[str] = field(default_factory=Counter)
    auth: list[str] = field(default_factory=list)
    url: str = ""

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_get("/oembed", self._oembed)
        return app

    async def _oembed(self, request: web.Request) -> web.Response:
        if "Authorization" in request.headers:
            self.auth.append(request.headers["Authorization"])
        if request.query.get("format") != "json":
            return web.Response(status=400, text="format=json expected")
        query = parse_qs(urlsplit(request.query.get("url", "")).query)
        ident = (query.get("v") or query.get("list") or [""])[0]
        self.hits[ident] += 1
        if self.flaky[ident] > 0:
            self.flaky[ident] -= 1
            return web.Response(status=500, text="Internal Server Error")
        status = self.statuses.get(ident, 200)
        if status != 200:
            return web.Response(status=status, text="Not Found")
        return web.json_response({"title": self.title.format(id=ident), "type": "video"})


@asynccontextmanager
async def serve(fake: FakeOEmbed, host: str = "127.0.0.1") -> AsyncIterator[FakeOEmbed]:
    """Run `fake` on `host` (loopback, a free port) for the duration of the block."""
    runner, port = await start_app(fake.app(), host)
    fake.url = f"http://{host}:{port}/oembed"
    try:
        yield fake
    finally:
        await runner.cleanup()
