"""A fake Wayback CDX server on loopback, held to the CDX server's documented answers.

Documented (internetarchive/wayback, wayback-cdx-server/README.md): `GET /cdx/search/cdx`,
`url=` (exact match), `output=json` (a JSON array whose first row is the field names
`urlkey timestamp original mimetype statuscode digest length`; without it, plain text, one
space-separated line per capture), `from=` / `to=` (1 to 14 digits, inclusive, padded to the
lower / upper bound), `filter=[!]field:regex` (repeatable, the whole field must match, `!`
inverts), `limit=N` (first N) and `limit=-N` (last N), rows sorted by date. Observed rather
than documented, and what the fake does: no capture with `output=json` is `[]`; when
rate-limited the server answers 429 with `Retry-After`; an overloaded one answers 5xx.

The replay of a capture, `GET /web/<timestamp>id_/<url>` (Wayback's "identity" mode: the
bytes as captured, no banner), answers the capture's stored `body` for an exact timestamp
(the real server redirects to the nearest capture otherwise; the fake answers 404), and
takes the same scripted failures.

`FakeCdx.add(url, timestamp, status=..., body=...)` stores a capture; `fail_next` holds scripted
answers `(status, retry_after)` the next requests get instead (429, 503...); `requests`
logs each query's parameters. `start(host)` serves it on a loopback address; `root` is then
the value for `archive_api`.
"""

from __future__ import annotations

import asyncio
import json
import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from aiohttp import web

from tests.fakes.server import start_app

FIELDS = ("urlkey", "timestamp", "original", "mimetype", "statuscode", "digest", "length")


def urlkey(url: str) -> str:
    """A SURT-like key: scheme and `www.` dropped, host reversed, path and query kept."""
    parts = urlsplit(url if "://" in url else f"http://{url}")
    host = (parts.hostname or "").removeprefix("www.")
    key = ",".join(reversed(host.split("."))) + ")" + (parts.path or "/").lower()
    return key + (f"?{parts.query}" if parts.query else "")


@dataclass
class FakeCdx:
    """The captures of a few URLs, and the answers the next requests get."""

    captures: dict[str, list[tuple[str, ...]]] = field(default_factory=dict)
    fail_next: list[tuple[int, str | None]] = field(default_factory=list)
    requests: list[dict[str, list[str]]] = field(default_factory=list)
    bodies: dict[tuple[str, str], bytes] = field(default_factory=dict)
    replays: list[str] = field(default_factory=list)  # the `/web/...` paths asked
    authorization: list[str] = field(default_factory=list)  # any Authorization header sent
    delay: float = 0.0  # seconds each search waits before it answers (a slow archive)
    root: str = ""
    _runner: web.AppRunner | None = None

    def add(self, url: str, timestamp: str, status: str = "200",
            mimetype: str = "text/html", length: str = "2048",
            body: bytes = b"<html><head><title>Archived page</title></head>"
                          b"<body><p>The page as it was.</p></body></html>") -> None:
        """Store a capture of `url` taken at `timestamp` (14 digits) that answered `status`
        with `body`."""
        self.bodies[(urlkey(url), timestamp)] = body
        digest = f"D{abs(hash((url, timestamp))) % 10**20:020d}"
        row = (urlkey(url), timestamp, url, mimetype, status, digest, length)
        rows = self.captures.setdefault(urlkey(url), [])
        rows.append(row)
        rows.sort(key=lambda r: r[1])

    async def start(self, host: str = "127.0.0.1") -> str:
        app = web.Application()
        app.router.add_get("/cdx/search/cdx", self._search)
        app.router.add_get(r"/web/{timestamp:\d{14}}id_/{url:.+}", self._replay)
        self._runner, port = await start_app(app, host)
        self.root = f"http://{host}:{port}"
        return self.root

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    def _scripted(self, request: web.Request) -> web.Response | None:
        if "Authorization" in request.headers:
            self.authorization.append(request.headers["Authorization"])
        if not self.fail_next:
            return None
        status, retry_after = self.fail_next.pop(0)
        headers = {"Retry-After": retry_after} if retry_after is not None else {}
        return web.Response(status=status, headers=headers, text=f"HTTP {status}\n")

    async def _replay(self, request: web.Request) -> web.Response:
        self.replays.append(request.path_qs)
        scripted = self._scripted(request)
        if scripted is not None:
            return scripted
        url = request.path_qs.split("id_/", 1)[1]
        body = self.bodies.get((urlkey(url), request.match_info["timestamp"]))
        if body is None:
            return web.Response(status=404, text="Wayback Machine has not archived that URL.\n")
        return web.Response(body=body, content_type="text/html")

    async def _search(self, request: web.Request) -> web.Response:
        query = {key: request.query.getall(key) for key in request.query}
        self.requests.append(query)
        if self.delay:
            await asyncio.sleep(self.delay)
        scripted = self._scripted(request)
        if scripted is not None:
            return scripted
        if "url" not in query:
            return web.Response(status=400, text="Missing required param: url\n")
        try:
            rows = _select(self.captures.get(urlkey(query["url"][0]), []), query)
        except ValueError as exc:
            return web.Response(status=400, text=f"{exc}\n")
        if query.get("output") == ["json"]:
            body = json.dumps([list(FIELDS), *map(list, rows)] if rows else [])
            return web.Response(text=body, content_type="application/json")
        return web.Response(text="".join(" ".join(r) + "\n" for r in rows),
                            content_type="text/plain")


def _select(rows: list[tuple[str, ...]], query: dict[str, list[str]]) -> list[tuple[str, ...]]:
    """Apply from/to, the filters and the limit as the CDX server does."""
    low = _bound(query.get("from", [""])[0], "0")
    high = _bound(query.get("to", [""])[0], "9")
    kept = [r for r in rows if (not low or r[1] >= low) and (not high or r[1] <= high)]
    for spec in query.get("filter", []):
        invert = spec.startswith("!")
        name, _, pattern = spec.removeprefix("!").partition(":")
        index = int(name) if name.isdigit() else FIELDS.index(name) if name in FIELDS else -1
        if index < 0 or index >= len(FIELDS):
            raise ValueError(f"Invalid filter field: {name}")
        regex = re.compile(pattern)
        kept = [r for r in kept if bool(regex.fullmatch(r[index])) != invert]
    limit = int(query.get("limit", ["150000"])[0])
    return kept[limit:] if limit < 0 else kept[:limit]


def _bound(value: str, pad: str) -> str:
    """A 1-14 digit timestamp padded to the lower ('0') or upper ('9') bound."""
    if not value:
        return ""
    if not value.isdigit() or len(value) > 14:
        raise ValueError(f"Invalid timestamp: {value}")
    return value + pad * (14 - len(value))
