"""DNS, connect, TLS, the private-address guard, host outages and running without network."""

from __future__ import annotations

import ssl
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import trustme
from aiohttp import web

from curatorbot.catalog.model import Link
from curatorbot.check import check_targets, collect
from curatorbot.commands.common import exit_code
from curatorbot.http.guard import StaticResolver, literal_ip_refused, refused_reason
from curatorbot.results import Hop, Status
from tests.fakes.linkfarm import LinkFarm
from tests.integration.check.conftest import Farm, check, settings


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.5", 0))
        return int(sock.getsockname()[1])


async def test_unknown_name_is_dead_when_other_hosts_answer(farm: Farm) -> None:
    resolver = StaticResolver({"good.test": "127.0.0.2"})
    port = farm.ports["127.0.0.2"]
    good, gone = f"http://good.test:{port}/ok/1", "http://gone.test/page"
    targets = collect([Link(good, 3, entry_id="a"), Link(gone, 4, entry_id="b")])
    report = await check_targets(targets, settings(), resolver=resolver)
    results = {r.url: r for r in report.results}
    assert results[good].status is Status.OK
    assert results[gone].status is Status.DEAD and results[gone].failure == "dns"
    assert not report.network_down and exit_code(report) == 2


async def test_refused_connection_is_dead(farm: Farm) -> None:
    url = f"http://127.0.0.5:{free_port()}/x"
    results = await check([url, farm.url("ok/1")])
    assert results[url].status is Status.DEAD and results[url].failure == "refused"
    assert results[url].attempts == 1  # refused is not retried


async def test_host_outage_is_reported_once_not_as_dead_links(farm: Farm) -> None:
    port = free_port()
    down = [f"http://127.0.0.5:{port}/page/{i}" for i in range(6)]
    good = farm.url("ok/1")
    targets = collect([Link(u, 10 + i, entry_id=f"e{i}") for i, u in enumerate([good, *down])])
    report = await check_targets(targets, settings(per_host=1))
    by_url = {r.url: r for r in report.results}
    assert by_url[good].status is Status.OK
    assert all(by_url[u].status is Status.ERROR and by_url[u].failure == "outage" for u in down)
    assert not any(r.status is Status.DEAD for r in report.results)
    (outage,) = report.outages
    assert outage.host == "127.0.0.5" and outage.urls == 6 and "refused" in outage.reason
    # Once known down, the host got no more requests: fewer attempts than URLs.
    assert sum(by_url[u].attempts for u in down) == 3


async def test_no_network_is_detected_and_nothing_is_dead() -> None:
    resolver = StaticResolver({}, temporary=frozenset({"*"}))
    urls = [f"http://site{i}.test/p" for i in range(5)] + [f"http://127.0.0.5:{free_port()}/"]
    targets = collect([Link(u, i + 1, entry_id="e") for i, u in enumerate(urls)])
    report = await check_targets(targets, settings(), resolver=resolver)
    assert report.network_down and exit_code(report) == 5
    assert {r.status for r in report.results} == {Status.ERROR}
    assert {r.failure for r in report.results} == {"no-network"}


async def test_names_that_resolve_to_private_addresses_are_excluded(farm: Farm) -> None:
    port = farm.ports["127.0.0.2"]
    resolver = StaticResolver({"intranet.test": "127.0.0.2", "meta.test": "169.254.169.254"})
    urls = [f"http://intranet.test:{port}/ok/1", "http://meta.test/latest/meta-data/",
            f"http://127.0.0.2:{port}/ok/2", "http://169.254.169.254/", "http://[::1]/",
            "http://10.1.2.3/"]
    results = await check(urls, resolver=resolver, allow_private=False)
    for url in urls:
        assert results[url].status is Status.EXCLUDED, url
        # refused before connecting: at the resolver (names) or before asking (literals)
        assert results[url].attempts == (1 if ".test" in url else 0)
    assert "--allow-private" in (results[urls[0]].error or "")
    assert farm.stats().requests == 0  # nothing reached the server


def test_address_classes() -> None:
    assert refused_reason("169.254.169.254") == "cloud metadata"
    assert refused_reason("100.100.100.200") == "cloud metadata"
    assert refused_reason("127.0.0.1") == "loopback"
    assert refused_reason("10.0.0.1") == "private"
    assert refused_reason("fe80::1") == "link-local"
    assert refused_reason("::ffff:192.168.1.1") == "private"
    assert refused_reason("93.184.216.34") is None
    assert refused_reason("example.org") == refused_reason("[::1]") == "not an IP address"


def test_literal_hosts() -> None:
    for name in ("example.org", "host1", "1e100.net", "1.2.3", "", "::g"):
        assert literal_ip_refused(name) is None, name  # names (or nothing): not refused here
    assert literal_ip_refused("10.1.2.3") == "private"
    assert literal_ip_refused("[::1]") == literal_ip_refused("::1") == "loopback"
    assert literal_ip_refused("fe80::1%eth0") == "link-local"
    assert literal_ip_refused("::ffff:169.254.169.254") == "cloud metadata"
    assert literal_ip_refused("93.184.216.34") is None


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture
async def tls_farm(ca: trustme.CA) -> AsyncIterator[tuple[LinkFarm, int]]:
    server_ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("secure.test").configure_cert(server_ctx)
    link_farm = LinkFarm()
    ports = await link_farm.start(["127.0.0.6"], ssl_context=server_ctx)
    yield link_farm, ports["127.0.0.6"]
    await link_farm.stop()


async def _tls_check(url: str, trust: ssl.SSLContext | None, **overrides: object) -> Status:
    from curatorbot.check import check_urls

    resolver = StaticResolver({"secure.test": "127.0.0.6", "other.test": "127.0.0.6"})
    results = [r async for r in check_urls([url], settings(**overrides), resolver=resolver,
                                           ssl_context=trust)]
    return results[0]  # type: ignore[return-value]


async def test_tls_with_a_trusted_certificate_is_ok(tls_farm: tuple[LinkFarm, int],
                                                    ca: trustme.CA) -> None:
    trust = ssl.create_default_context()
    ca.configure_trust(trust)
    result = await _tls_check(f"https://secure.test:{tls_farm[1]}/ok/1", trust)
    assert result.status is Status.OK and result.http_status == 200  # type: ignore[attr-defined]


async def test_tls_failures_are_error_with_the_reason(tls_farm: tuple[LinkFarm, int],
                                                      ca: trustme.CA) -> None:
    untrusted = await _tls_check(f"https://secure.test:{tls_farm[1]}/ok/1", None)
    assert untrusted.status is Status.ERROR and untrusted.failure == "tls"  # type: ignore[attr-defined]
    assert "certificate" in untrusted.error  # type: ignore[attr-defined]
    trust = ssl.create_default_context()
    ca.configure_trust(trust)
    wrong_name = await _tls_check(f"https://other.test:{tls_farm[1]}/ok/1", trust)
    assert wrong_name.status is Status.ERROR and "certificate" in wrong_name.error  # type: ignore[attr-defined]
    insecure = await _tls_check(f"https://secure.test:{tls_farm[1]}/ok/1", None, insecure=True)
    assert insecure.status is Status.OK  # type: ignore[attr-defined]


async def test_http_to_https_upgrade_is_a_permanent_redirect(
        tls_farm: tuple[LinkFarm, int], ca: trustme.CA) -> None:
    tls_port = tls_farm[1]

    async def upgrade(request: web.Request) -> web.Response:
        return web.Response(status=302, headers={
            "Location": f"https://secure.test:{tls_port}{request.path}"})

    app = web.Application()
    app.router.add_get("/{tail:.*}", upgrade)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.6", 0)
    await site.start()
    http_port = runner.addresses[0][1]
    trust = ssl.create_default_context()
    ca.configure_trust(trust)
    try:
        url = f"http://secure.test:{http_port}/ok/u"
        result = await _tls_check(url, trust)
    finally:
        await runner.cleanup()
    assert result.status is Status.REDIRECT and result.permanent  # type: ignore[attr-defined]
    assert result.redirects == (Hop(url, 302),)  # type: ignore[attr-defined]
    assert result.final_url == f"https://secure.test:{tls_port}/ok/u"  # type: ignore[attr-defined]


async def test_the_system_trust_is_read_when_first_needed(
        tls_farm: tuple[LinkFarm, int], ca: trustme.CA, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    # No context given: the checker makes the default one at its first https request, so a
    # CA bundle named by SSL_CERT_FILE after aiohttp was imported is the one that counts.
    bundle = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(bundle))
    monkeypatch.setenv("SSL_CERT_FILE", str(bundle))
    result = await _tls_check(f"https://secure.test:{tls_farm[1]}/ok/1", None)
    assert result.status is Status.OK and result.http_status == 200  # type: ignore[attr-defined]
