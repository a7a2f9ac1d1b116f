"""A catch-all website on loopback: any host name, any path answers, over HTTP and HTTPS.

Stands in for real sites whose names the CLI maps to loopback with `--resolve NAME=ADDR`
(github.com repository pages, www.youtube.com/watch, every host of the seed catalog in the
benchmark). HTTPS uses a `trustme` CA whose certificate covers every name given; a client
trusts it through `ca_file` (the CLI through `SSL_CERT_FILE`). Every request is logged
with its Host header, path and Authorization header, so tests can assert that no token
ever reaches a site. `statuses` maps a path to the status it answers (default 200, an HTML
page whose <title> names the host and path); with `https_upgrade` set (e.g. 302), every
plain-HTTP request is redirected with that status to the same page over HTTPS;
`moved` maps a path prefix to another (301, as github.com does for a renamed repository).
"""

from __future__ import annotations

import ssl
from dataclasses import dataclass, field
from pathlib import Path

import trustme
from aiohttp import web

from tests.fakes.server import start_app


@dataclass(frozen=True)
class Seen:
    """One request the site answered."""

    host: str
    method: str
    path_qs: str
    authorization: str | None
    scheme: str


@dataclass
class Website:
    """A catch-all site: `await site.start(address, names, ca_dir)`, then `site.stop()`."""

    statuses: dict[str, int] = field(default_factory=dict)
    https_upgrade: int | None = None
    moved: dict[str, str] = field(default_factory=dict)
    log: list[Seen] = field(default_factory=list)
    http_port: int = 0
    https_port: int = 0
    ca_file: Path | None = None
    _runners: list[web.AppRunner] = field(default_factory=list)

    async def start(self, address: str, names: list[str], ca_dir: Path, *,
                    http_port: int = 0, https_port: int = 0) -> Website:
        """Listen on `address` (HTTP and HTTPS); the certificate covers `names`."""
        if not address.startswith("127."):
            raise ValueError("the website only listens on loopback")
        ca = trustme.CA()
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ca.issue_cert(*names).configure_cert(context)
        self.ca_file = ca_dir / "website-ca.pem"
        ca.cert_pem.write_to_path(str(self.ca_file))
        plain, self.http_port = await start_app(self._app(), address, port=http_port)
        self._runners.append(plain)
        secure, self.https_port = await start_app(self._app(), address, port=https_port,
                                                  ssl_context=context)
        self._runners.append(secure)
        return self

    async def stop(self) -> None:
        while self._runners:
            await self._runners.pop().cleanup()

    def _app(self) -> web.Application:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._answer)
        return app

    async def _answer(self, request: web.Request) -> web.Response:
        self.log.append(Seen(host=request.host.split(":")[0], method=request.method,
                             path_qs=request.path_qs,
                             authorization=request.headers.get("Authorization"),
                             scheme=request.scheme))
        name = request.host.split(":")[0]
        if self.https_upgrade and request.scheme == "http":
            return _redirect(self.https_upgrade,
                             f"https://{name}:{self.https_port}{request.path_qs}")
        for old, new in self.moved.items():
            if request.path == old or request.path.startswith(old + "/"):
                return _redirect(301, new + request.path_qs[len(old):])
        status = self.statuses.get(request.path, 200)
        title = f"{name}{request.path}"
        return web.Response(status=status, content_type="text/html",
                            text=f"<!doctype html><html><head><title>{title}</title></head>"
                                 "<body>catch-all</body></html>")


def _redirect(status: int, location: str) -> web.Response:
    return web.Response(status=status, headers={"Location": location},
                        text=f"see {location}")
