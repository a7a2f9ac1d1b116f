"""A farm of real loopback HTTP servers serving every kind of link, with instrumentation.

One aiohttp application listens on several loopback addresses (127.0.0.2, 127.0.0.3, ...:
distinct hosts to a client); every path means the same on every host. Per address the farm
counts requests, the most requests in flight at once and the TCP connections opened, and
logs each request (time, method, path), so tests and the benchmark can assert politeness.

Paths (`n` is any label, used to make distinct URLs):
    /ok/n                 200, HTML with <title>Page n</title>
    /status/CODE/n        that status (404, 410, 500...)
    /moved/n              301 -> /ok/n         /found/n      302 -> /ok/n
    /perm308/n            308 -> /ok/n         /temp307/n    307 -> /ok/n
    /see303/n             303 -> /ok/n         /relative/n   301 -> ../ok/n (relative)
    /movedgone/n          301 -> /status/404/n
    /chain/n              301 -> /chain2/n -302-> /chain3/n -301-> /ok/n (3 hops)
    /loop/n               302 -> /loop2/n -302-> /loop/n ...
    /many/K/n             302 -> /many/K+1/n forever
    /cookie/n             without the farm's cookie: 302 to itself, setting it; with it: 200
    /to?url=U             302 -> U (anywhere)
    /moveto/n?url=U       301 -> U (anywhere)
    /head405/n            405 to HEAD, 200 to GET
    /flaky/n              500 the first time, then 200
    /ratelimit/n?after=S  429 with Retry-After: S the first time, then 200
    /slow/n?s=S           answers after S seconds (default 30)
    /botwall/n            403 with cf-mitigated: challenge
    /captcha/n            503 with an Amazon-style captcha page
    /linkedin/n           999
    /big/n                405 to HEAD; GET streams an endless body (bytes sent are counted)
    /reset/n              closes the connection without answering
    /switch/n             the status `farm.switches[n]` holds (default 200, a page)
Every Authorization header received is kept in `authorizations` (host, path, value): a
token must never reach a checked site.
Run as a script (`python -m tests.fakes.linkfarm --hosts 40 --port 8000 --latency 0.05`)
it serves until killed, with a control app on 127.0.0.1:CONTROL (GET /stats, POST /reset).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import ssl
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

# Paths that always redirect the same way: kind -> (status, Location with {label}).
FIXED_REDIRECTS: dict[str, tuple[int, str]] = {
    "moved": (301, "/ok/{label}"), "found": (302, "/ok/{label}"),
    "perm308": (308, "/ok/{label}"), "temp307": (307, "/ok/{label}"),
    "see303": (303, "/ok/{label}"), "relative": (301, "../ok/{label}"),
    "movedgone": (301, "/status/404/{label}"),
    "chain": (301, "/chain2/{label}"), "chain2": (302, "/chain3/{label}"),
    "chain3": (301, "/ok/{label}"),
    "loop": (302, "/loop2/{label}"), "loop2": (302, "/loop/{label}"),
}
FARM_HOST = web.RequestKey("farm_host", str)


@dataclass
class HostStats:
    """What one address of the farm saw."""

    requests: int = 0
    in_flight: int = 0
    max_in_flight: int = 0
    connections: int = 0
    big_bytes_sent: int = 0
    first: float = 0.0  # wall-clock time (time.time) of the first and last request
    last: float = 0.0
    log: list[tuple[float, str, str]] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {"requests": self.requests, "max_in_flight": self.max_in_flight,
                "connections": self.connections, "big_bytes_sent": self.big_bytes_sent,
                "first": self.first, "last": self.last}


class LinkFarm:
    """Real HTTP servers on loopback addresses; see the module docstring for the paths."""

    def __init__(self, latency: float = 0.0, keep_log: bool = True) -> None:
        self.latency = latency
        self.keep_log = keep_log
        self.stats: dict[str, HostStats] = {}
        self.seen: dict[str, int] = {}  # host+path -> times asked (flaky, ratelimit)
        self.user_agents: set[str] = set()
        self.switches: dict[str, int] = {}  # /switch/n -> status, set by tests
        self.authorizations: list[tuple[str, str, str]] = []
        self.in_flight = 0          # across all addresses
        self.max_in_flight_total = 0
        self._servers: list[asyncio.AbstractServer] = []
        self._runner: web.AppRunner | None = None
        self.app = web.Application(middlewares=[self._instrument])
        self.app.router.add_route("*", "/{tail:.*}", self._route)

    # -- lifecycle ---------------------------------------------------------------------
    async def start(self, addresses: list[str], port: int = 0,
                    ssl_context: ssl.SSLContext | None = None) -> dict[str, int]:
        """Listen on every address; returns address -> port (one port for all if given)."""
        if self._runner is None:
            self._runner = web.AppRunner(self.app, access_log=None, handler_cancellation=True)
            await self._runner.setup()
        server = self._runner.server
        assert server is not None
        loop = asyncio.get_running_loop()
        ports: dict[str, int] = {}
        for address in addresses:
            self.stats.setdefault(address, HostStats())

            def factory(address: str = address) -> asyncio.Protocol:
                self.stats[address].connections += 1
                return server()

            listener = await loop.create_server(factory, address, port, ssl=ssl_context,
                                                reuse_address=True, backlog=1024)
            self._servers.append(listener)
            ports[address] = listener.sockets[0].getsockname()[1]
        return ports

    async def stop(self) -> None:
        for listener in self._servers:
            listener.close()
        for listener in self._servers:
            await listener.wait_closed()
        self._servers.clear()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    def reset(self) -> None:
        for address in self.stats:
            self.stats[address] = HostStats()
        self.seen.clear()
        self.max_in_flight_total = 0

    # -- instrumentation ---------------------------------------------------------------
    @web.middleware
    async def _instrument(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        sockname = request.transport.get_extra_info("sockname") if request.transport else None
        host = sockname[0] if sockname else "?"
        stats = self.stats.setdefault(host, HostStats())
        stats.requests += 1
        stats.last = time.time()
        stats.first = stats.first or stats.last
        stats.in_flight += 1
        stats.max_in_flight = max(stats.max_in_flight, stats.in_flight)
        self.in_flight += 1
        self.max_in_flight_total = max(self.max_in_flight_total, self.in_flight)
        if self.keep_log:
            stats.log.append((time.monotonic(), request.method, request.path_qs))
        self.user_agents.add(request.headers.get("User-Agent", ""))
        if "Authorization" in request.headers:
            self.authorizations.append((host, request.path_qs,
                                        request.headers["Authorization"]))
        request[FARM_HOST] = host
        try:
            if self.latency:
                await asyncio.sleep(self.latency)
            return await handler(request)
        finally:
            stats.in_flight -= 1
            self.in_flight -= 1

    def max_in_flight(self) -> int:
        return max((s.max_in_flight for s in self.stats.values()), default=0)

    # -- the paths ---------------------------------------------------------------------
    async def _route(self, request: web.Request) -> web.StreamResponse:
        parts = request.path.strip("/").split("/")
        kind, rest = parts[0], parts[1:]
        label = rest[-1] if rest else ""
        key = f"{request[FARM_HOST]}{request.path}"
        if kind == "ok":
            return _html(200, f"Page {label}")
        if kind == "switch":
            code = self.switches.get(label, 200)
            return _html(200, f"Page {label}") if code == 200 else web.Response(
                status=code, text=f"status {code}")
        if kind == "status" and rest:
            return web.Response(status=int(rest[0]), text=f"status {rest[0]}")
        if kind in FIXED_REDIRECTS:
            status, target = FIXED_REDIRECTS[kind]
            return _redirect(status, target.format(label=label))
        if kind == "many" and len(rest) >= 2:
            return _redirect(302, f"/many/{int(rest[0]) + 1}/{label}")
        if kind == "cookie":
            if request.cookies.get("gate") == "passed":
                return _html(200, f"Page {label}")
            response = _redirect(302, request.path)
            response.set_cookie("gate", "passed")
            return response
        if kind == "to":
            return _redirect(302, request.query["url"])
        if kind == "moveto":
            return _redirect(301, request.query["url"])
        if kind == "head405":
            if request.method == "HEAD":
                return web.Response(status=405, text="use GET")
            return _html(200, label)
        if kind == "flaky":
            self.seen[key] = self.seen.get(key, 0) + 1
            return web.Response(status=500) if self.seen[key] == 1 else _html(200, label)
        if kind == "ratelimit":
            self.seen[key] = self.seen.get(key, 0) + 1
            if self.seen[key] == 1:
                return web.Response(status=429,
                                    headers={"Retry-After": request.query.get("after", "1")})
            return _html(200, label)
        if kind == "slow":
            await asyncio.sleep(float(request.query.get("s", "30")))
            return _html(200, label)
        if kind == "botwall":
            return web.Response(status=403, headers={"cf-mitigated": "challenge"},
                                text="<title>Just a moment...</title>", content_type="text/html")
        if kind == "captcha":
            return web.Response(
                status=503, content_type="text/html",
                text="<html><title>Robot Check</title><form action='/errors/validateCaptcha'>"
                     "Type the characters you see</form></html>")
        if kind == "linkedin":
            return web.Response(status=999, text="request denied")
        if kind == "big":
            return await self._big(request)
        if kind == "reset":
            assert request.transport is not None
            request.transport.abort()
            return web.Response(status=500)
        return web.Response(status=404, text="no such path in the farm")

    async def _big(self, request: web.Request) -> web.StreamResponse:
        if request.method == "HEAD":
            return web.Response(status=405)
        stats = self.stats[request[FARM_HOST]]
        response = web.StreamResponse(headers={"Content-Type": "application/octet-stream",
                                               "Content-Length": str(2 * 1024**3)})
        await response.prepare(request)
        chunk = b"\0" * 65536
        try:
            while True:  # "2 GB": the client must stop reading long before
                await response.write(chunk)
                stats.big_bytes_sent += len(chunk)
        except (ConnectionError, asyncio.CancelledError):
            pass
        return response


def _html(status: int, title: str) -> web.Response:
    return web.Response(status=status, content_type="text/html",
                        text=f"<!doctype html><html><head><title>{title}</title></head>"
                             "<body>hello</body></html>")


def _redirect(status: int, location: str) -> web.Response:
    # A small body, as real servers send: an empty one has no Content-Length, and aiohttp
    # then closes the connection after the answer.
    return web.Response(status=status, headers={"Location": location}, text=f"see {location}")


def addresses(count: int, start: int = 2) -> list[str]:
    """`count` distinct loopback addresses: 127.0.0.2, ..., 127.0.0.255, 127.0.1.1, ..."""
    out: list[str] = []
    n = start
    while len(out) < count:
        b, c = divmod(n - 1, 254)
        out.append(f"127.0.{b}.{c + 1}")
        n += 1
    return out


async def _serve(args: argparse.Namespace) -> None:
    farm = LinkFarm(latency=args.latency, keep_log=False)
    await farm.start(addresses(args.hosts), args.port)
    control = web.Application()

    async def stats(_: web.Request) -> web.Response:
        return web.json_response({h: s.as_json() for h, s in farm.stats.items()})

    async def reset(_: web.Request) -> web.Response:
        farm.reset()
        return web.json_response({"ok": True})

    control.router.add_get("/stats", stats)
    control.router.add_post("/reset", reset)
    runner = web.AppRunner(control, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", args.control).start()
    print(json.dumps({"ready": True}), flush=True)
    await asyncio.Event().wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hosts", type=int, default=40)
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--latency", type=float, default=0.05)
    parser.add_argument("--control", type=int, default=7999)
    args = parser.parse_args()
    try:
        import uvloop  # type: ignore[import-not-found]
        uvloop.install()
    except ImportError:
        pass
    asyncio.run(_serve(args))


if __name__ == "__main__":
    main()
