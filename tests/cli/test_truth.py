"""`check` tells the truth beyond the status code (issue 13): parked domains and soft 404s,
through the real CLI against loopback hosts named with --resolve.

One aiohttp application on 127.0.0.2 answers by Host header:
    honest.test     /docs/page: a real page; anything else 404
    soft.test       /docs/page and any other path: 200 with the same "not found" template;
                    /docs/real: a real page; / : its home page
    home.test       any path other than /docs/real shows the home page (200); / is home
    parked.test     any path: a Sedo parking lander (200, page signature)
    flaky.test      like soft.test, but its first answer for an unknown path is a 503
    moved.test      /old: 301 -> http://sedoparking.com/lander (a parking service host)
    sedoparking.com /lander: 200, a plain page (the redirect alone is the evidence)
"""

from __future__ import annotations

import asyncio
import json
from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from aiohttp import web

from curatorbot.check.fragments import FragmentFinder
from curatorbot.check.truth import ANCHOR_LIMIT
from tests.cli.test_check import arun, catalog
from tests.fakes.server import start_app
from tests.fakes.world import World

WORDS = ("curated resources catalog keeps links healthy with evidence reviewers can "
         "follow across every section of the handbook and its chapters")
OTHER = ("a chapter on retries and backoff explains why transient answers are asked again "
         "and how a host's pause is honoured before its next request goes out")
TEMPLATE = ("<html><head><title>Example Site</title></head><body><h1>Sorry</h1><p>We looked "
            "everywhere but the page you asked for is not here. Try the search box or the "
            "site map to find what you need on our lovely example site today.</p></body></html>")


def page(title: str, text: str) -> web.Response:
    return web.Response(text=f"<html><head><title>{title}</title></head><body><p>{text}</p>"
                        "</body></html>", content_type="text/html")


@dataclass
class Hosts:
    port: int
    asked: Counter[tuple[str, str, str]] = field(default_factory=Counter)
    streamed: list[int] = field(default_factory=list)  # bytes of each GET of /endless

    def url(self, host: str, path: str) -> str:
        return f"http://{host}:{self.port}{path}"

    def requests(self, host: str) -> int:
        return sum(n for (h, _, _), n in self.asked.items() if h == host)


@pytest.fixture
async def hosts() -> AsyncIterator[Hosts]:
    state = Hosts(0)

    async def handle(request: web.Request) -> web.StreamResponse:
        host = request.host.split(":")[0]
        path = request.path
        state.asked[(host, request.method, path)] += 1
        if host == "honest.test":
            return page("Docs", WORDS) if path == "/docs/page" else web.Response(status=404)
        if host == "soft.test":
            if path == "/docs/real":
                return page("Real", WORDS + " real chapter")
            if path == "/":
                return page("Home", "welcome home " + WORDS)
            return web.Response(text=TEMPLATE, content_type="text/html")
        if host == "flaky.test":
            if path == "/docs/real":
                return page("Real", WORDS + " real chapter")
            unknown = sum(n for (h, _, p), n in state.asked.items()
                          if h == host and p not in ("/docs/gone", "/docs/real"))
            if path != "/docs/gone" and unknown == 1:
                return web.Response(status=503)  # the very first probe meets an outage
            return web.Response(text=TEMPLATE, content_type="text/html")
        if host == "home.test":
            if path == "/docs/real":
                return page("Real", OTHER)
            return page("Home", "welcome home " + WORDS)
        if host == "parked.test":
            return web.Response(
                text="<html><head><title>parked.test</title></head><body><script "
                     "src='//img.sedoparking.com/js/lander.js'></script></body></html>",
                content_type="text/html")
        if host == "moved.test" and path == "/old":
            raise web.HTTPMovedPermanently(f"http://sedoparking.com:{state.port}/lander")
        if host == "sedoparking.com":
            return page("Lander", "a page")
        if host == "anchors.test" and path == "/guide":
            return web.Response(
                text="<html><body><h2 id='install'>Install</h2><a name='old-name'></a>"
                     "<h2 id='user-content-usage'>Usage</h2></body></html>",
                content_type="text/html")
        if host == "anchors.test" and path == "/odd":
            # Markup html.parser cannot read past (a marked section of an unknown keyword).
            return web.Response(text="<html><body><h2 id='before'>B</h2><![foo[x]]>"
                                     "<h2 id='after'>A</h2></body></html>",
                                content_type="text/html")
        if host == "anchors.test" and path == "/endless":
            # The anchor, then a body that never ends: only a search that stops there ends.
            if request.method == "HEAD":
                return web.Response(content_type="text/html")
            response = web.StreamResponse(headers={"Content-Type": "text/html"})
            await response.prepare(request)
            await response.write(b"<html><body><h1 id='top-part'>x</h1>")
            state.streamed.append(0)
            try:
                for _ in range(1000):  # paced: what was sent is what was read, near enough
                    await response.write(b"<p>more</p>" * 1000)
                    state.streamed[-1] += 11_000
                    await asyncio.sleep(0.002)
            except ConnectionError:
                pass  # the reader has seen enough and hung up
            return response
        return web.Response(status=404)

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", handle)
    runner, state.port = await start_app(app, "127.0.0.2")
    yield state
    await runner.cleanup()


RESOLVE = ("--resolve", "*.test=127.0.0.2", "--resolve", "sedoparking.com=127.0.0.2")


async def check_json(tmp_path: Path, urls: list[str], *args: str, settings: str = ""
                     ) -> tuple[int, dict[str, dict[str, object]]]:
    path = catalog(tmp_path, [[u] for u in urls], settings=settings)
    code, out, _ = await arun(str(path), "--format", "json", *RESOLVE, *args)
    return code, {r["url"]: r for r in json.loads(out)["results"]}


async def test_a_parked_page_is_dead_with_its_signature(hosts: Hosts, tmp_path: Path) -> None:
    url = hosts.url("parked.test", "/")  # a site root: no probe, the page itself tells
    for mode in (("--titles",), ()):  # a GET for the title, or HEAD then one GET
        code, results = await check_json(tmp_path, [url], *mode)
        assert code == 2
        assert results[url]["status"] == "dead" and results[url]["failure"] == "parked"
        assert "Sedo" in str(results[url]["error"])
        assert "sedoparking" in str(results[url]["error"])
    assert hosts.asked[("parked.test", "GET", "/")] == 2  # one per run
    assert hosts.requests("parked.test") == 3  # and the HEAD: never a probe of a root


async def test_a_redirect_into_a_parking_service_is_dead(hosts: Hosts, tmp_path: Path) -> None:
    url = hosts.url("moved.test", "/old")
    code, results = await check_json(tmp_path, [url])  # HEAD only: the chain is evidence
    assert code == 2
    assert results[url]["status"] == "dead" and results[url]["failure"] == "parked"
    assert "redirect" in str(results[url]["error"])


async def test_a_parked_page_behind_head_is_read_once_its_probe_answers_2xx(
        hosts: Hosts, tmp_path: Path) -> None:
    url = hosts.url("parked.test", "/docs/page")
    code, results = await check_json(tmp_path, [url])
    assert results[url]["failure"] == "parked" and code == 2
    assert hosts.asked[("parked.test", "GET", "/docs/page")] == 1


async def test_soft_404s_are_dead_with_similarity_and_one_probe_per_host(
        hosts: Hosts, tmp_path: Path) -> None:
    soft = [hosts.url("soft.test", f"/docs/gone{n}") for n in range(3)]
    real = hosts.url("soft.test", "/docs/real")
    honest = hosts.url("honest.test", "/docs/page")
    home_root = hosts.url("home.test", "/")
    home_real = hosts.url("home.test", "/docs/real")
    code, results = await check_json(tmp_path, [*soft, real, honest, home_root, home_real],
                                     "--per-host", "1")
    assert code == 2
    for url in soft:
        assert results[url]["status"] == "dead" and results[url]["failure"] == "soft-404"
        assert "similar to the answer for a random path" in str(results[url]["error"])
    assert results[real]["status"] == "ok"
    assert results[honest]["status"] == "ok"
    assert results[home_root]["status"] == "ok" and results[home_real]["status"] == "ok"
    probes = {h: sum(n for (host, _, p), n in hosts.asked.items()
                     if host == h and p.startswith("/docs/") and "gone" not in p
                     and p not in ("/docs/real", "/docs/page"))
              for h in ("soft.test", "honest.test", "home.test")}
    assert probes == {"soft.test": 1, "honest.test": 1, "home.test": 1}
    # An honest host's pages are trusted on its probe's 404: no body is read.
    assert hosts.asked[("honest.test", "GET", "/docs/page")] == 0


async def test_soft404_can_be_switched_off(hosts: Hosts, tmp_path: Path) -> None:
    url = hosts.url("soft.test", "/docs/gone")
    code, results = await check_json(tmp_path, [url], "--no-soft404")
    assert code == 0 and results[url]["status"] == "ok"
    code, results = await check_json(tmp_path, [url],
                                     settings="settings:\n  soft404: false")
    assert code == 0 and results[url]["status"] == "ok"
    code, results = await check_json(tmp_path, [url],
                                     settings="settings:\n  soft404_hosts_off: [soft.test]")
    assert code == 0 and results[url]["status"] == "ok"
    assert hosts.requests("soft.test") == 3  # three HEADs, never a probe


async def test_update_confirms_a_soft_404_by_strikes_and_keeps_the_probe_a_week(
        hosts: Hosts, world: World) -> None:
    gone, real = hosts.url("soft.test", "/docs/gone"), hosts.url("soft.test", "/docs/real")
    catalog = world.catalog([gone, real], settings={"dead_after": 2})
    reports = []
    for _ in range(2):
        result = await world.update(str(catalog), "--format", "json",
                                    "--resolve", "soft.test=127.0.0.2")
        assert result.code == 2, result.output
        reports.append({r["url"]: r for r in json.loads(result.stdout)["results"]})
    first, second = reports
    assert first[gone]["failure"] == "soft-404" and first[gone]["strikes"] == 1
    assert second[gone]["failure"] == "soft-404" and second[gone]["confirmed_dead"] is True
    assert second[real]["status"] == "ok"
    # One probe in two runs: the second run judged with the probe kept in the history.
    probes = [p for (h, _, p), n in hosts.asked.items() if h == "soft.test"
              and p not in ("/docs/gone", "/docs/real") for _ in range(n)]
    assert len(probes) == 1, probes
    assert "dead_since" in catalog.read_text(encoding="utf-8")


async def test_a_page_whose_markup_cannot_be_parsed_loses_nothing(hosts: Hosts,
                                                                  tmp_path: Path) -> None:
    odd = hosts.url("anchors.test", "/odd")
    missing = hosts.url("anchors.test", "/guide") + "#removed"
    urls = [f"{odd}#before", f"{odd}#after", f"{odd}#elsewhere", missing]
    code, results = await check_json(tmp_path, urls, "--fragments")
    assert code == 2  # the run's report, not a crash
    assert results[f"{odd}#before"]["status"] == "ok"  # found before the unreadable part
    # Past what the parser can read nothing is known: not judged, never a false error.
    assert results[f"{odd}#after"]["status"] == "ok"
    assert results[f"{odd}#elsewhere"]["status"] == "ok"
    assert results[missing]["failure"] == "fragment-missing"


async def test_a_fault_in_one_pages_anchor_search_loses_nothing(
        hosts: Hosts, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    odd = hosts.url("anchors.test", "/odd")
    guide = hosts.url("anchors.test", "/guide")
    real_feed = FragmentFinder.feed

    def feed(self: FragmentFinder, chunk: bytes) -> bool:
        if b"foo[" in chunk:
            raise RuntimeError("a bug in the anchor search")
        return real_feed(self, chunk)

    monkeypatch.setattr(FragmentFinder, "feed", feed)
    code, results = await check_json(tmp_path, [f"{odd}#before", odd, f"{guide}#removed",
                                                f"{guide}#install"], "--fragments")
    assert code == 2  # the run's report, not 'unexpected error'
    assert results[f"{odd}#before"]["status"] == "error"
    assert "internal error: RuntimeError" in str(results[f"{odd}#before"]["error"])
    assert results[odd]["status"] == "ok"  # no fragment: the page's own verdict
    assert results[f"{guide}#removed"]["failure"] == "fragment-missing"
    assert results[f"{guide}#install"]["status"] == "ok"


async def test_a_probe_that_met_a_passing_outage_is_not_kept_for_a_week(
        hosts: Hosts, world: World) -> None:
    gone = hosts.url("flaky.test", "/docs/gone")
    catalog = world.catalog([gone], settings={"dead_after": 2})
    failures = []
    for _ in range(2):
        result = await world.update(str(catalog), "--format", "json",
                                    "--resolve", "flaky.test=127.0.0.2")
        failures.append({r["url"]: r for r in json.loads(result.stdout)["results"]}[gone]
                        .get("failure"))
    # The first run's probe got a 503: nothing learnt, the page trusted this once; the
    # second run asks again instead of trusting the host for a week on that 503.
    assert failures == [None, "soft-404"]
    probes = [p for (h, _, p) in hosts.asked if h == "flaky.test" and p != "/docs/gone"]
    assert len(probes) == 2, probes


async def test_fragments_are_checked_with_one_get_per_page(hosts: Hosts, tmp_path: Path
                                                           ) -> None:
    guide = hosts.url("anchors.test", "/guide")
    present = [f"{guide}#install", f"{guide}#old-name", f"{guide}#usage",
               f"{guide}#:~:text=Install", guide]
    missing = f"{guide}#removed"
    endless = hosts.url("anchors.test", "/endless") + "#top-part"
    code, results = await check_json(tmp_path, [*present, missing, endless], "--fragments")
    assert code == 2
    for url in [*present, endless]:
        assert results[url]["status"] == "ok", (url, results[url])
    assert results[missing]["status"] == "error"
    assert results[missing]["failure"] == "fragment-missing"
    assert "'removed'" in str(results[missing]["error"])
    # One check of the page (HEAD) and one GET for its four fragments.
    assert hosts.asked[("anchors.test", "HEAD", "/guide")] == 1
    assert hosts.asked[("anchors.test", "GET", "/guide")] == 1
    # The endless page was read only until its anchor, far below the search's limit.
    assert len(hosts.streamed) == 1 and hosts.streamed[0] < ANCHOR_LIMIT // 8, hosts.streamed
    # Without --fragments a missing anchor is not looked for.
    code, results = await check_json(tmp_path, [missing], "--no-soft404")
    assert code == 0 and results[missing]["status"] == "ok"
