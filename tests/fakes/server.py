"""Starting a fake's aiohttp application on loopback, for tests and benchmarks.

`start_app(app, host)` serves `app` on `host` (a 127.x address; anything else is refused)
and a free port, or `port` when given, optionally over TLS; it returns the runner (clean it
up to stop the server) and the port the server listens on.
"""

from __future__ import annotations

import ssl

from aiohttp import web


async def start_app(app: web.Application, host: str = "127.0.0.1", *, port: int = 0,
                    ssl_context: ssl.SSLContext | None = None) -> tuple[web.AppRunner, int]:
    """Serve `app` on `host`:`port` (0: a free one); the runner and the bound port."""
    if not host.startswith("127."):
        raise ValueError(f"fakes only listen on loopback, not on {host}")
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    try:
        await web.TCPSite(runner, host, port, ssl_context=ssl_context).start()
    except BaseException:
        await runner.cleanup()
        raise
    return runner, int(runner.addresses[0][1])
