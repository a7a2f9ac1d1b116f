"""A labelled loopback corpus for soft-404 and parked-page detection (issue 13 figures).

`build_corpus(seed, scale)` makes hosts of these kinds, each a name served on its own
loopback address (127.0.2.k) by one aiohttp application that dispatches on the Host header:

    honest        real articles; unknown paths 404 with a "not found" page
    template      real articles; unknown paths 200 with a template that echoes the path,
                  half of them with a per-request "popular posts" box and request id
    home-redirect real articles; unknown paths 302 to / (the home page)
    home-random   real articles; unknown paths 200 with the home page's content
    spa           every path 200 with the same JavaScript shell (real routes only)
    parked-*      every path a parking lander (page signature), a redirect into a sale
                  page, a <meta refresh> or a Refresh header to one
    sale          the sale hosts themselves (sedo.com ...), linked directly: not parked;
                  honest (a sale page for a path naming a domain, else 404)
    blog          articles *about* parking that quote the services' URLs: not parked

`Corpus.pages` is the labelled list (`Labelled(url, label)`, label one of "real", "root",
"404", "soft404", "parked"); `Corpus.table()` the name -> address map for a resolver.
`judge_pages(session, pages)` runs check.parked and check.soft404 over them the way the
runner is to (parked first, one probe per host), for the benchmark and the tests.
Pages are built from a seeded vocabulary: nav and footer shared across a site, bodies of
80-200 words. Nothing here leaves 127.0.0.0/8.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field

import aiohttp
from aiohttp import web

from curatorbot.check.parked import parked
from curatorbot.check.soft404 import Sample, is_site_root, judge, probe_url, sample
from curatorbot.check.visible_text import VISIBLE_PREFIX, visible_text
from curatorbot.metadata.html import extract_title
from tests.fakes.server import start_app

_VOCAB_TEXT = ("system data page model table value report network server client method result "
         "design process review change update version release feature option setting user "
         "access account policy source format record number field query index cache state "
         "event signal thread memory storage volume cluster region service request answer "
         "figure chapter section summary example reason detail outline history context "
         "library module package project archive license contract budget market product "
         "garden river mountain forest island valley harbor bridge castle village meadow "
         "violin guitar piano rhythm melody harmony concert opera ballet poetry novel essay "
         "physics biology chemistry geology algebra geometry calculus statistics logic")
VOCAB = tuple(_VOCAB_TEXT.split())
LANDERS = {
    "godaddy": '<script src="//img1.wsimg.com/parking-lander/static/js/main.chunk.js"></script>',
    "sedo": "<iframe src='https://www.sedoparking.com/frmpark/{name}/'></iframe>",
    "parkingcrew": '<script src="//www.parkingcrew.net/assets/park.js"></script>',
    "namecheap": '<img src="https://parkingpage.namecheap.com/logo.png">',
}
SALE_HOSTS = {"sedo": ("sedo.com", "/search/details/?domain={name}"),
              "hugedomains": ("www.hugedomains.com", "/domain_profile.cfm?d={name}"),
              "dan": ("dan.com", "/buy-domain/{name}"),
              "afternic": ("www.afternic.com", "/forsale/{name}")}


@dataclass(frozen=True)
class Labelled:
    """One URL of the corpus and what it truly is."""

    url: str
    label: str   # real, root, 404, soft404, parked

    @property
    def host(self) -> str:
        return self.url.split("/")[2].split(":")[0]


@dataclass
class Site:
    """One host of the corpus: its kind and content."""

    name: str
    kind: str
    address: str
    nav: str
    footer: str
    pages: dict[str, tuple[str, str]] = field(default_factory=dict)  # path -> (title, text)
    extra: str = ""   # lander / sale service for parked kinds
    dynamic: bool = False


@dataclass
class Corpus:
    """The sites, the labelled pages, and the server once started."""

    sites: dict[str, Site]
    seed: int
    port: int = 0
    pages: list[Labelled] = field(default_factory=list)
    _runners: list[web.AppRunner] = field(default_factory=list)
    _random: random.Random = field(default_factory=random.Random)

    def table(self) -> dict[str, str]:
        return {name: site.address for name, site in self.sites.items()}

    def url(self, name: str, path: str) -> str:
        return f"http://{name}:{self.port}{path}"

    async def start(self) -> None:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._handle)
        sites = list(self.sites.values())
        runner, self.port = await start_app(app, sites[0].address)
        self._runners.append(runner)
        for site in sites[1:]:
            runner, _ = await start_app(app, site.address, port=self.port)
            self._runners.append(runner)
        self._random.seed(self.seed)
        self.pages = [Labelled(self.url(host, path), label) for host, path, label in _labels(self)]

    async def stop(self) -> None:
        for runner in self._runners:
            await runner.cleanup()

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        site = self.sites.get(request.host.split(":")[0])
        if site is None:
            return web.Response(status=421, text="misdirected")
        path = request.path_qs if request.query_string else request.path
        return _answer(self, site, path)


def build_corpus(seed: int = 13, scale: int = 1) -> Corpus:
    """The hosts of every kind; `scale` multiplies the number of hosts per kind."""
    rng = random.Random(seed)
    counts = {"honest": 10, "template": 10, "home-redirect": 6, "home-random": 6, "spa": 3,
              "parked-lander": 4, "parked-redirect": 4, "parked-meta": 2, "parked-refresh": 2,
              "blog": 1}
    sites: dict[str, Site] = {}
    index = 0

    def add(name: str, kind: str, extra: str = "") -> Site:
        nonlocal index
        index += 1
        site = Site(name=name, kind=kind, address=f"127.0.2.{index}", extra=extra,
                    nav="Home Docs Blog About " + _words(rng, 10).title(),
                    footer="Copyright " + _words(rng, 8) + " privacy terms contact")
        sites[name] = site
        return site

    for kind, count in counts.items():
        for i in range(count * scale):
            extra = ""
            if kind == "parked-lander":
                extra = list(LANDERS)[i % len(LANDERS)]
            elif kind.startswith("parked-") and kind != "parked-lander":
                extra = list(SALE_HOSTS)[i % len(SALE_HOSTS)]
            site = add(f"{kind}-{i:02d}.example", kind, extra)
            site.dynamic = kind == "template" and i % 2 == 1
            for n in range(6 if kind in ("honest", "template") else 4):
                directory = rng.choice(["/docs/", "/blog/", "/guide/", "/"])
                path = f"{directory}{_words(rng, 2).replace(' ', '-')}-{n}"
                if kind == "honest" and n % 2:
                    path += ".html"
                site.pages[path] = (_words(rng, 4).title(), _words(rng, rng.randint(80, 200)))
    for service, (host, _) in SALE_HOSTS.items():
        add(host, "sale", service)
    return Corpus(sites=sites, seed=seed)


def _labels(corpus: Corpus) -> list[tuple[str, str, str]]:
    """(host, path, label) for every page the benchmark checks."""
    rng = random.Random(corpus.seed + 1)
    out: list[tuple[str, str, str]] = []
    for site in corpus.sites.values():
        real = list(site.pages)
        gone = [f"{p.rsplit('/', 1)[0]}/{_words(rng, 2).replace(' ', '-')}-old" for p in real[:3]]
        if site.kind == "honest":
            out += [(site.name, p, "real") for p in real]
            out += [(site.name, p, "404") for p in gone[:2]]
        elif site.kind == "template":
            out += [(site.name, p, "real") for p in real[:5]]
            out += [(site.name, p, "soft404") for p in gone]
        elif site.kind in ("home-redirect", "home-random"):
            out += [(site.name, "/", "root")] + [(site.name, p, "real") for p in real[:3]]
            out += [(site.name, p, "soft404") for p in gone[:2]]
        elif site.kind == "spa":
            out += [(site.name, p, "real") for p in real]
        elif site.kind.startswith("parked-"):
            out += [(site.name, "/", "parked"), (site.name, real[0], "parked")]
        elif site.kind == "sale":
            path = SALE_HOSTS[site.extra][1]
            out += [(site.name, path.format(name="some-name.example"), "real")]
        elif site.kind == "blog":
            out += [(site.name, p, "real") for p in real]
    return out


def _answer(corpus: Corpus, site: Site, path: str) -> web.Response:
    rng = corpus._random
    kind = site.kind
    if kind.startswith("parked-"):
        return _parked(corpus, site)
    if kind == "sale":  # an honest host: a sale page for a domain name, else 404
        name = path.rstrip("/").rsplit("=", 1)[-1].rsplit("/", 1)[-1]
        if "." not in name or not path.startswith(SALE_HOSTS[site.extra][1].split("{")[0]):
            return _html(site, "Not found", "No such page.", status=404)
        return _html(site, f"Buy {name}", f"The domain name {name} is for sale. Make an "
                     "offer today with buyer protection and fast transfer.")
    if kind == "spa":
        return _html(site, "App", "", body_extra='<div id="root"></div><noscript>You need '
                     'to enable JavaScript to run this app.</noscript><script src="/app.js">'
                     "</script>", chrome=False)
    if path == "/" and kind in ("home-redirect", "home-random"):
        return _home(site)
    if path in site.pages:
        title, text = site.pages[path]
        if kind == "blog":
            text += (" Parked pages often load https://www.sedoparking.com/ scripts; see "
                     "https://www.hugedomains.com/domain_profile.cfm?d=x for a sale page.")
        return _html(site, title, text)
    if kind == "honest":
        return _html(site, "404 Not Found", f"Not found: {path} does not exist.", status=404)
    if kind == "template":
        box = ""
        if site.dynamic:
            box = (" Popular now: " + _words(rng, 9) + f". Request {rng.getrandbits(40):x}.")
        return _html(site, f"Page not found | {site.name}",
                     f"Sorry, we looked everywhere but {path} is not here. It may have been "
                     "moved or removed. Try the search box, browse the categories or go back "
                     "to the front page." + box)
    if kind == "home-redirect":
        raise web.HTTPFound("/")
    return _home(site)   # home-random


def _home(site: Site) -> web.Response:
    links = " ".join(title for title, _ in site.pages.values())
    return _html(site, f"Welcome to {site.name}", f"Latest articles: {links}. "
                 "We write about everything in our field, every week, since long ago.")


def _parked(corpus: Corpus, site: Site) -> web.Response:
    if site.kind == "parked-lander":
        lander = LANDERS[site.extra].format(name=site.name)
        return _html(site, site.name, "Related searches", body_extra=lander, chrome=False)
    host, path = SALE_HOSTS[site.extra]
    target = corpus.url(host, path.format(name=site.name))
    if site.kind == "parked-redirect":
        raise web.HTTPFound(target)
    if site.kind == "parked-refresh":
        return _html(site, site.name, "Redirecting", chrome=False,
                     headers={"Refresh": f"0; url={target}"})
    return _html(site, site.name, "Redirecting", chrome=False,
                 head_extra=f'<meta http-equiv="refresh" content="0;url={target}">')


def _html(site: Site, title: str, text: str, *, status: int = 200, body_extra: str = "",
          head_extra: str = "", chrome: bool = True,
          headers: dict[str, str] | None = None) -> web.Response:
    nav = f"<nav>{site.nav}</nav>" if chrome else ""
    footer = f"<footer>{site.footer}</footer>" if chrome else ""
    page = (f"<!doctype html><html><head><meta charset='utf-8'><title>{title}</title>"
            f"{head_extra}</head><body>{nav}<main><p>{text}</p>{body_extra}</main>{footer}"
            "</body></html>")
    return web.Response(status=status, text=page, content_type="text/html",
                        headers=headers or {})


def _words(rng: random.Random, count: int) -> str:
    return " ".join(rng.choice(VOCAB) for _ in range(count))


@dataclass(frozen=True)
class Fetched:
    """What one GET gave: the chain of URLs asked, the final answer, the body's prefix."""

    chain: tuple[str, ...]
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def final_url(self) -> str:
        return self.chain[-1]


@dataclass(frozen=True)
class Judged:
    """The classifiers' verdict on one labelled page."""

    page: Labelled
    soft404: bool
    parked: bool
    evidence: str
    similarity: float | None = None


async def fetch(session: aiohttp.ClientSession, url: str) -> Fetched:
    """GET `url` following redirects, keeping the first `VISIBLE_PREFIX` bytes."""
    async with session.get(url, allow_redirects=True) as response:
        body = b""
        while len(body) < VISIBLE_PREFIX:
            chunk = await response.content.read(VISIBLE_PREFIX - len(body))
            if not chunk:
                break
            body += chunk
        chain = (*(str(r.url) for r in response.history), str(response.url))
        return Fetched(chain, response.status, dict(response.headers), body)


async def judge_pages(session: aiohttp.ClientSession, pages: list[Labelled]
                      ) -> tuple[list[Judged], Counter[str]]:
    """Run check.parked and check.soft404 over `pages` as the runner will: parked first; a
    2xx non-root page is compared with its host's probe, asked at most once per host.
    Returns the verdicts and the probes sent per host."""
    probes: dict[str, Sample] = {}
    sent: Counter[str] = Counter()
    out = []
    for page in pages:
        got = await fetch(session, page.url)
        match = parked(got.final_url, got.chain, got.headers, got.body)
        if match is not None:
            out.append(Judged(page, False, True, match.evidence))
            continue
        if not 200 <= got.status < 300:
            out.append(Judged(page, False, False, f"HTTP {got.status}"))
            continue
        mine = _sample(page.url, got)
        host = page.host
        if host not in probes and not is_site_root(page.url):
            target = probe_url(page.url)
            assert target is not None
            sent[host] += 1
            probes[host] = _sample(target, await fetch(session, target))
        if host not in probes:
            out.append(Judged(page, False, False, "site-root"))
            continue
        verdict = judge(mine, probes[host])
        out.append(Judged(page, verdict.soft404, False, verdict.evidence, verdict.similarity))
    return out, sent


def _sample(url: str, got: Fetched) -> Sample:
    content_type = got.headers.get("Content-Type")
    return sample(url, got.final_url, got.status, extract_title(got.body, content_type),
                  visible_text(got.body, content_type))
