"""The peers' own test cases, replayed on loopback (issue 12, item 3).

Each row of `CASES` is a case from the test suite of lychee, linkinator or
markdown-link-check (repository, file and test named in `source`), replayed against a
scripted loopback server with our checker, and the status our contract (design.md, README's
status table) gives it. `peer` says what the peer expects; where we deliberately differ,
`note` says why (403 is `blocked`, a permanent redirect is `redirect`, a redirect loop is an
`error` not a missing page...). A row whose `note` is empty agrees with the peer.

The scripted server answers `/c/<case>/...` from the case's script: for each method a list
of replies, given in order, the last one repeated (as nock's `.head(...).reply(405)
.get(...).reply(429)...`). `{base}` in a header is the server's own address.
"""

from __future__ import annotations

import asyncio
import contextlib
import ssl
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import pytest
import trustme
from aiohttp import web

from curatorbot.check import check_urls
from curatorbot.http.guard import StaticResolver
from curatorbot.results import LinkResult, Status
from tests.integration.check.conftest import settings

HOST = "127.0.0.21"     # the scripted server
RAW_HOST = "127.0.0.22"  # a raw server that answers HEAD with a malformed status line
CLOSED_HOST = "127.0.0.23"  # nothing listens there: connection refused
TLS_HOST = "127.0.0.24"     # the scripted server over TLS, its certificate from a private CA

LYCHEE_CLIENT = "lycheeverse/lychee lychee-lib/src/client.rs"
LYCHEE_RETRY = "lycheeverse/lychee lychee-lib/src/retry.rs"
LK_RETRY = "JustinBeckwith/linkinator test/test.retry.ts"
LK_REDIRECTS = "JustinBeckwith/linkinator test/test.redirects.ts"
LK_CODES = "JustinBeckwith/linkinator test/test.status-codes.ts"
MLC = "tcort/markdown-link-check test/markdown-link-check.test.js"


@dataclass(frozen=True)
class Reply:
    """One scripted answer: a status, headers, a body; `delay` seconds before answering;
    `abort` drops the connection without an answer."""

    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    body: str = "ok"
    delay: float = 0.0
    abort: bool = False


def replies(*items: int | Reply) -> list[Reply]:
    return [Reply(i) if isinstance(i, int) else i for i in items]


def ra(status: int, value: str) -> Reply:
    """`status` with `Retry-After: value`."""
    return Reply(status, {"Retry-After": value})


def to(status: int, path: str) -> Reply:
    """A redirect to `path` on the scripted server."""
    return Reply(status, {"Location": "{base}" + path}, body="see there")


@dataclass(frozen=True)
class Case:
    """One peer case: where it comes from, the script, our expectation."""

    id: str
    source: str                     # repository, file and test name
    peer: str                       # what the peer expects
    status: Status                  # what we report
    get: list[Reply] = field(default_factory=list)
    head: list[Reply] | None = None  # None: HEAD is answered like GET
    url: str = ""                   # a URL other than the scripted /c/<id>
    settings: dict[str, Any] = field(default_factory=dict)
    attempts: int | None = None
    http_status: int | None = None
    note: str = ""                  # why we deliberately differ from the peer ("": we agree)


CASES: list[Case] = [
    # -- markdown-link-check: 'should check the links in sample.md' ------------------------
    Case("mlc-valid", f"{MLC} 'should check the links in sample.md' (valid)", "alive 200",
         Status.OK, replies(200), attempts=1),
    Case("mlc-invalid", f"{MLC} 'should check the links in sample.md' (invalid)", "dead 404",
         Status.DEAD, replies(404), http_status=404),
    Case("mlc-redirect-loop", f"{MLC} 'should check the links in sample.md' (redirect-loop)",
         "dead 0", Status.ERROR, [to(302, "/c/mlc-redirect-loop")],
         note="a redirect loop is a broken site, not a missing page: error, not dead"),
    Case("mlc-dns", f"{MLC} 'should check the links in sample.md' (dns-resolution-fail)",
         "dead 0", Status.DEAD, url="http://does-not-exist.test:{port}/"),
    Case("mlc-nohead-get-ok", f"{MLC} 'should check the links in sample.md' (nohead-get-ok)",
         "alive 200", Status.OK, replies(200), head=replies(405), attempts=2),
    Case("mlc-redirect", f"{MLC} 'should check the links in sample.md' (redirect)",
         "alive 200", Status.OK, [to(302, "/c/mlc-valid")]),
    Case("mlc-basic-auth", f"{MLC} 'should check the links in sample.md' (basic-auth, no "
         "header)", "dead 401", Status.ERROR, replies(401), http_status=401,
         note="401 needs credentials we never send: error (fix the link or ignore it), not "
              "dead"),
    Case("mlc-image", f"{MLC} 'should check the links in sample.md' (hello image)",
         "alive 200", Status.OK, [Reply(200, {"Content-Type": "image/jpeg"}, "\xff\xd8")]),
    Case("mlc-email", f"{MLC} 'should check the links in sample.md' (valid e-mail)",
         "alive 200", Status.EXCLUDED, url="mailto:foo@bar.com",
         note="we check only http(s): a mailto link is excluded (lint flags it)"),
    Case("mlc-file", f"{MLC} 'should check the links in file.md'", "alive 200",
         Status.EXCLUDED, url="file:///tmp/file.md",
         note="a catalog of web resources has no local files: excluded"),
    Case("mlc-parens", f"{MLC} 'should handle links with parens'", "alive 200", Status.OK,
         replies(200), url="http://{host}:{port}/c/mlc-parens/foo(a=b.42).aspx"),
    # -- linkinator: test/test.retry.ts ------------------------------------------------
    Case("lk-429-invalid-ra", f"{LK_RETRY} 'should handle 429s with invalid retry-after "
         "headers'", "broken", Status.BLOCKED, [ra(429, "totally-not-valid")], attempts=4,
         note="a 429 that persists is blocked (the site refuses robots), not broken; the "
              "invalid value falls back to the backoff (HEAD, GET, two retries)"),
    Case("lk-429-no-header", f"{LK_RETRY} 'should ignore 429s without retry-after header'",
         "broken", Status.BLOCKED, replies(429),
         note="a 429 that persists is blocked, not broken"),
    Case("lk-429-seconds", f"{LK_RETRY} 'should retry 429s with second based header'",
         "passed", Status.OK, [ra(429, "1"), Reply()], settings={"retry_after_cap": 0.05}),
    Case("lk-429-after-head", f"{LK_RETRY} 'should retry 429s after failed HEAD'", "passed",
         Status.OK, [ra(429, "1"), Reply()], head=replies(405),
         settings={"retry_after_cap": 0.05}),
    Case("lk-429-date", f"{LK_RETRY} 'should retry 429s with date based header'", "passed",
         Status.OK, [ra(429, "1970-01-01T00:00:10.000Z"), Reply()]),
    Case("lk-429-zero", f"{LK_RETRY} 'should handle `retry-after` value of 0 by retrying "
         "again without delay'", "passed", Status.OK, [ra(429, "0"), Reply()]),
    Case("lk-429-3s", f"{LK_RETRY} (a 'retry-after: 3s', as the issue names it)", "passed",
         Status.OK, [ra(429, "3s"), Reply()]),
    Case("lk-429-preconfigured", f"{LK_RETRY} 'should use preconfigured delay on 429s'",
         "passed", Status.OK, replies(429, 200)),
    Case("lk-429-twice", f"{LK_RETRY} 'should retry multiple times'", "passed", Status.OK,
         replies(429, 429, 200), head=replies(429, 429, 429, 200)),
    Case("lk-429-abort", f"{LK_RETRY} 'should abort after reaching retryNoHeaderCount'",
         "broken after 2 retries", Status.BLOCKED, replies(429), attempts=4,
         note="a 429 that persists is blocked, not broken"),
    Case("lk-522", f"{LK_RETRY} 'should retry 5xx status code'", "passed", Status.OK,
         replies(522, 200), head=replies(522, 200), attempts=2),
    Case("lk-reset-then-ok", f"{LK_RETRY} 'should retry 0 status code' (ETIMEDOUT)",
         "passed", Status.OK, [Reply(delay=2.0), Reply()], head=[Reply(delay=2.0), Reply()],
         settings={"timeout": 0.3}, attempts=2),
    Case("lk-stop-retrying", f"{LK_RETRY} 'should eventually stop retrying'", "broken",
         Status.TIMEOUT, [Reply(delay=2.0)], settings={"timeout": 0.2, "retries": 1},
         attempts=2),
    # -- linkinator: test/test.status-codes.ts (default behaviour, no statusCodes) ----------
    Case("lk-default-200", f"{LK_CODES} 'should not interfere with default behavior when no "
         "configuration' (200)", "ok", Status.OK, replies(200)),
    Case("lk-default-404", f"{LK_CODES} 'should not interfere with default behavior when no "
         "configuration' (404)", "broken", Status.DEAD, replies(404)),
    Case("lk-403", f"{LK_CODES} 'should treat 403 as OK when configured with \"ok\" action' "
         "(default: broken)", "broken", Status.BLOCKED, replies(403), attempts=2,
         note="403 is blocked: the site refuses robots, the page may well be there"),
    Case("lk-418", f"{LK_CODES} 'should match status code patterns like \"4xx\"' (default: "
         "broken)", "broken", Status.ERROR, replies(418), http_status=418),
    Case("lk-500", f"{LK_CODES} 'should match status code patterns like \"5xx\"' (500, "
         "default: broken)", "broken", Status.ERROR, replies(500), http_status=500),
    Case("lk-503", f"{LK_CODES} 'should match status code patterns like \"5xx\"' (503, "
         "default: broken)", "broken", Status.ERROR, replies(503), http_status=503),
    # -- linkinator: test/test.redirects.ts --------------------------------------------
    Case("lk-307", f"{LK_REDIRECTS} 'should follow 307 redirects and mark as OK'", "OK 200",
         Status.OK, [to(307, "/c/lk-default-200")], http_status=200),
    Case("lk-308", f"{LK_REDIRECTS} 'should follow 308 redirects and mark as OK'", "OK 200",
         Status.REDIRECT, [to(308, "/c/lk-default-200")], http_status=200,
         note="a permanent redirect works but is reported `redirect` (update rewrites it)"),
    Case("lk-301", f"{LK_REDIRECTS} 'should follow 301 redirects and mark as OK'", "OK 200",
         Status.REDIRECT, [to(301, "/c/lk-default-200")], http_status=200,
         note="a permanent redirect works but is reported `redirect` (update rewrites it)"),
    Case("lk-302", f"{LK_REDIRECTS} 'should follow 302 redirects and mark as OK'", "OK 200",
         Status.OK, [to(302, "/c/lk-default-200")], http_status=200),
    Case("lk-308-no-location", f"{LK_REDIRECTS} 'should handle non-standard redirects in "
         "allow mode'", "OK", Status.ERROR, [Reply(308, body="Content despite 308")],
         note="a 3xx without Location is a server bug we report, not a page"),
    Case("lk-302-no-location", f"{LK_REDIRECTS} 'should handle redirects with no target URL "
         "in error mode'", "broken", Status.ERROR, [Reply(302, body="no target")]),
    # -- lychee: lychee-lib/src/client.rs tests ----------------------------------------
    Case("ly-nonexistent", f"{LYCHEE_CLIENT} test_nonexistent", "error", Status.DEAD,
         replies(404)),
    Case("ly-nonexistent-path", f"{LYCHEE_CLIENT} test_nonexistent_with_path "
         "(http://127.0.0.1/invalid, nothing listening)", "error", Status.DEAD,
         url="http://{closed}:9/invalid"),
    Case("ly-non-github", f"{LYCHEE_CLIENT} test_non_github", "success", Status.OK,
         replies(200)),
    Case("ly-timeout", f"{LYCHEE_CLIENT} test_timeout", "timeout", Status.TIMEOUT,
         [Reply(delay=2.0)], settings={"timeout": 0.2, "retries": 0}),
    Case("ly-backoff", f"{LYCHEE_CLIENT} test_exponential_backoff", "error (timeout, 3 "
         "retries)", Status.TIMEOUT, [Reply(delay=2.0)],
         settings={"timeout": 0.1, "retries": 3}, attempts=4),
    Case("ly-invalid-ssl", f"{LYCHEE_CLIENT} test_invalid_ssl (a certificate nobody "
         "trusts)", "error", Status.ERROR, replies(200), url="https://{tls}:{tls_port}/c/"
         "ly-invalid-ssl"),
    Case("ly-invalid-ssl-insecure", f"{LYCHEE_CLIENT} test_invalid_ssl (allow_insecure)",
         "success", Status.OK, replies(200), settings={"insecure": True},
         url="https://{tls}:{tls_port}/c/ly-invalid-ssl-insecure"),
    Case("ly-max-redirects-0", f"{LYCHEE_CLIENT} test_max_redirects (max 0)", "error",
         Status.ERROR, [to(308, "/c/ly-non-github")], settings={"max_redirects": 0}),
    Case("ly-max-redirects-1", f"{LYCHEE_CLIENT} test_max_redirects (max 1)", "success",
         Status.REDIRECT, [to(308, "/c/ly-non-github")], settings={"max_redirects": 1},
         note="success, reported `redirect` as every permanent redirect"),
    Case("ly-limit-max-redirects", f"{LYCHEE_CLIENT} test_limit_max_redirects", "error",
         Status.ERROR, [to(308, "/c/ly-non-github")], settings={"max_redirects": 0}),
    Case("ly-ftp", f"{LYCHEE_CLIENT} test_unsupported_scheme (ftp)", "unsupported",
         Status.EXCLUDED, url="ftp://example.com"),
    Case("ly-gopher", f"{LYCHEE_CLIENT} test_unsupported_scheme (gopher)", "unsupported",
         Status.EXCLUDED, url="gopher://example.com"),
    Case("ly-slack", f"{LYCHEE_CLIENT} test_unsupported_scheme (slack)", "unsupported",
         Status.EXCLUDED, url="slack://example.com"),
    Case("ly-tel", f"{LYCHEE_CLIENT} test_include_tel", "excluded", Status.EXCLUDED,
         url="tel:1234567890"),
    Case("ly-mail", f"{LYCHEE_CLIENT} test_exclude_mail_by_default", "excluded",
         Status.EXCLUDED, url="mailto://mail@example.com"),
    Case("ly-reqwest-panic", f"{LYCHEE_CLIENT} test_avoid_reqwest_panic ('http://\"')",
         "unsupported", Status.DEAD, url='http://"',
         note="the host '\"' is asked of DNS like any name: no such name is dead (lychee "
              "refuses it before any request)"),
    # -- lychee: lychee-lib/src/retry.rs test_should_retry and should_retry -------------
    Case("ly-retry-408", f"{LYCHEE_RETRY} test_should_retry (REQUEST_TIMEOUT)", "retried",
         Status.OK, replies(408, 200), head=replies(408, 200), attempts=2),
    Case("ly-retry-429", f"{LYCHEE_RETRY} test_should_retry (TOO_MANY_REQUESTS)", "retried",
         Status.OK, replies(429, 200), head=replies(429, 200)),
    Case("ly-retry-403", f"{LYCHEE_RETRY} test_should_retry (FORBIDDEN, not retried)",
         "error, not retried", Status.BLOCKED, replies(403), attempts=2,
         note="403 is blocked: the site refuses robots (not retried, as in lychee)"),
    Case("ly-retry-500", f"{LYCHEE_RETRY} test_should_retry (INTERNAL_SERVER_ERROR)",
         "retried", Status.OK, replies(500, 200), head=replies(500, 200), attempts=2),
    *[Case(f"ly-retry-{code}", f"{LYCHEE_RETRY} should_retry: status.is_server_error() "
           f"({code}, Cloudflare)", "retried", Status.OK, replies(code, 200),
           head=replies(code, 200), attempts=2) for code in (520, 521, 523, 524)],
    Case("ly-retry-599", f"{LYCHEE_RETRY} should_retry: status.is_server_error() (599)",
         "retried", Status.OK, replies(599, 200), head=replies(599, 200), attempts=2),
    # -- HEAD then GET ---------------------------------------------------------------
    Case("head-protocol-error", f"{MLC} 'should check the links in sample.md' "
         "(nohead-get-ok), with a malformed answer to HEAD instead of a 405", "alive",
         Status.OK, url="http://{raw}:{raw_port}/p", attempts=2),
]


class Script:
    """The scripted server: `/c/<case>/...` answers from the case's replies."""

    def __init__(self) -> None:
        self.cases = {c.id: c for c in CASES}
        self.seen: dict[tuple[str, str], int] = {}
        self.log: list[tuple[str, str]] = []
        self.base = ""

    async def handle(self, request: web.Request) -> web.StreamResponse:
        parts = request.path.split("/")
        case = self.cases.get(parts[2]) if len(parts) > 2 and parts[1] == "c" else None
        if case is None:
            return web.Response(status=404)
        self.log.append((request.method, request.path))
        script = case.head if request.method == "HEAD" and case.head is not None else case.get
        key = (case.id, request.method if case.head is not None else "*")
        index = self.seen.get(key, 0)
        self.seen[key] = index + 1
        reply = script[min(index, len(script) - 1)]
        if reply.delay:
            await asyncio.sleep(reply.delay)
        if reply.abort:
            assert request.transport is not None
            request.transport.abort()
            return web.Response(status=500)
        headers = {k: v.replace("{base}", self.base) for k, v in reply.headers.items()}
        return web.Response(status=reply.status, headers=headers, body=reply.body.encode())


async def _raw(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    """HEAD gets a status line no HTTP client can read; GET gets a page."""
    try:
        request = await reader.readuntil(b"\r\n\r\n")
    except (asyncio.IncompleteReadError, ConnectionError):
        writer.close()
        return
    if request.startswith(b"HEAD "):
        writer.write(b"HTTP/1.1 2x0 What\r\nConnection: close\r\n\r\n")
    else:
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok")
    with contextlib.suppress(ConnectionError):
        await writer.drain()
    writer.close()


@dataclass
class Servers:
    script: Script
    port: int
    raw_port: int
    tls_port: int


@pytest.fixture
async def servers() -> AsyncIterator[Servers]:
    script = Script()
    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", script.handle)
    runner = web.AppRunner(app, access_log=None, handler_cancellation=True)
    await runner.setup()
    site = web.TCPSite(runner, HOST, 0)
    await site.start()
    assert site._server is not None
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    script.base = f"http://{HOST}:{port}"
    server_tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    trustme.CA().issue_cert(TLS_HOST).configure_cert(server_tls)
    tls_site = web.TCPSite(runner, TLS_HOST, 0, ssl_context=server_tls)
    await tls_site.start()
    assert tls_site._server is not None
    tls_port = tls_site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    raw = await asyncio.start_server(_raw, RAW_HOST, 0)
    try:
        yield Servers(script, port, raw.sockets[0].getsockname()[1], tls_port)
    finally:
        raw.close()
        await raw.wait_closed()
        await runner.cleanup()


def case_url(case: Case, servers: Servers) -> str:
    template = case.url or "http://{host}:{port}/c/" + case.id
    return template.format(host=HOST, port=servers.port, raw=RAW_HOST,
                           raw_port=servers.raw_port, closed=CLOSED_HOST, tls=TLS_HOST,
                           tls_port=servers.tls_port)


async def run_case(case: Case, servers: Servers) -> LinkResult:
    url = case_url(case, servers)
    resolver = StaticResolver({})  # every name is NXDOMAIN; the cases use IP literals
    results = [r async for r in check_urls([url], settings(**case.settings),
                                           resolver=resolver)]
    assert [r.url for r in results] == [url]
    return results[0]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
async def test_peer_case(case: Case, servers: Servers) -> None:
    result = await run_case(case, servers)
    got = (result.status, result.error)
    assert result.status is case.status, f"{case.source}: expected {case.status}, got {got}"
    if case.attempts is not None:
        assert result.attempts == case.attempts, (case.source, result.attempts, got)
    if case.http_status is not None:
        assert result.http_status == case.http_status, (case.source, result.http_status)


def test_every_case_cites_its_source_and_says_why_it_differs() -> None:
    ids = [c.id for c in CASES]
    assert len(ids) == len(set(ids))
    for case in CASES:
        assert case.source.split()[0] in ("lycheeverse/lychee", "JustinBeckwith/linkinator",
                                          "tcort/markdown-link-check"), case.id
        assert case.peer, case.id
        # A verdict of another class than the peer's needs a note saying why.
        peer_fails = any(w in case.peer for w in ("broken", "dead", "error", "timeout"))
        we_fail = case.status in (Status.DEAD, Status.ERROR, Status.TIMEOUT)
        same_class = peer_fails == we_fail and case.status not in (Status.BLOCKED,
                                                                   Status.REDIRECT)
        if case.peer in ("unsupported", "excluded"):
            same_class = case.status is Status.EXCLUDED
        if case.peer in ("retried", "not retried", "passed", "success", "ok", "alive",
                         "alive 200", "OK 200", "OK"):
            same_class = case.status is Status.OK
        assert same_class or case.note, f"{case.id}: differs from the peer without a note"
