"""Print the figures of issue 4: GitHub API requests for 1,000 repository links, and the wall
time of `curatorbot update` on the seed catalog (catalog.yaml) with a warm cache.

(a) GitHub API requests: benchmarks/bench_github.py's run (1,000 repository links against
    the loopback fake GitHub: GraphQL per batch size, REST cold and with warm ETags).
(b) `update` on a copy of the repository's catalog.yaml, as a real `python -m curatorbot`
    process. Every host of the catalog is served from loopback: one catch-all aiohttp site
    (tests/fakes/website.py) on 127.0.99.1, ports 80 and 443 (binding them needs root or
    CAP_NET_BIND_SERVICE; the script stops with a message otherwise), HTTPS with a trustme
    certificate for every host name, trusted through SSL_CERT_FILE; the names are mapped
    with `--resolve NAME=127.0.99.1`. GITHUB_API_URL / GITHUB_GRAPHQL_URL point at the fake
    GitHub (canned data for the catalog's repositories), CURATORBOT_OEMBED_URL at a loopback
    oEmbed. Runs: cold (empty history), warm with `--max-age` (URLs found alive are not asked
    again), warm without max-age (everything asked again; GraphQL is one request either way).

Before running anything, every URL's host is checked to be mapped to loopback and on the
default port (the script fails loudly otherwise): nothing here leaves 127.0.0.0/8.

    .venv/bin/python benchmarks/bench_update.py [--links 1000] [--repeat 3] [--skip-github]
"""

from __future__ import annotations

import argparse
import asyncio
import difflib
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "src"))

from tests.fakes.github import FakeGitHub, FakeRepo, serve  # noqa: E402
from tests.fakes.oembed import FakeOEmbed  # noqa: E402
from tests.fakes.oembed import serve as serve_oembed  # noqa: E402
from tests.fakes.website import Website  # noqa: E402

from benchmarks import bench_github  # noqa: E402
from curatorbot.catalog import load_catalog  # noqa: E402
from curatorbot.metadata.repo import parse_repo_url  # noqa: E402

ADDRESS = "127.0.99.1"
TOKEN = "bench-token-not-secret"


def plan_hosts(catalog: Path) -> tuple[list[str], list[str]]:
    """The catalog's URLs and their distinct host names; SystemExit if one cannot be
    served from loopback (an IP literal, or a port other than 80/443)."""
    urls = [link.url for link in load_catalog(catalog).links()]
    hosts: list[str] = []
    for url in urls:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        default = {"http": 80, "https": 443}.get(parts.scheme)
        if not host or default is None or parts.port not in (None, default):
            raise SystemExit(f"bench_update: cannot serve {url} from loopback "
                             "(not http(s) on its default port); refusing to run")
        if host.replace(".", "").isdigit() or ":" in host:
            raise SystemExit(f"bench_update: {url} uses an IP literal; refusing to run")
        if host not in hosts:
            hosts.append(host)
    return urls, hosts


def fake_github(urls: list[str]) -> FakeGitHub:
    """Canned data for every repository the catalog links to."""
    repos: dict[str, FakeRepo] = {}
    for url in urls:
        ref = parse_repo_url(url)
        if ref is not None and ref.key not in repos:
            repos[ref.key] = FakeRepo(ref.owner, ref.repo, stars=1000 + len(repos),
                                      branches=("main", "master"))
    return FakeGitHub(repos=list(repos.values()), token=TOKEN)


async def run_update(catalog: Path, state: Path, hosts: list[str], env: dict[str, str],
                     *extra: str) -> tuple[float, int, str]:
    command = [sys.executable, "-m", "curatorbot", "update", str(catalog), "--state",
               str(state), "--allow-private", "--quiet", *extra]
    for host in hosts:
        command += ["--resolve", f"{host}={ADDRESS}"]
    command += ["--resolve", "*=nxdomain"]  # nothing else may reach the system resolver
    start = time.perf_counter()
    process = await asyncio.create_subprocess_exec(
        *command, env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    out, err = await process.communicate()
    elapsed = time.perf_counter() - start
    assert process.returncode is not None
    if process.returncode not in (0, 2):
        raise SystemExit(f"bench_update: update exited {process.returncode}:\n"
                         f"{err.decode()}{out.decode()}")
    return elapsed, process.returncode, err.decode()


async def startup_time(env: dict[str, str]) -> float:
    start = time.perf_counter()
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-c", "import curatorbot.cli", env=env)
    await process.wait()
    return time.perf_counter() - start


async def bench_seed(repeat: int) -> int:
    seed = ROOT / "catalog.yaml"
    urls, hosts = plan_hosts(seed)
    with tempfile.TemporaryDirectory(prefix="bench-update-") as tmp_name:
        tmp = Path(tmp_name)
        site = Website()
        try:
            await site.start(ADDRESS, hosts, tmp, http_port=80, https_port=443)
        except OSError as exc:
            raise SystemExit(f"bench_update: cannot listen on {ADDRESS}:80/443 ({exc}); "
                             "run as root or with CAP_NET_BIND_SERVICE") from None
        try:
            async with serve(fake_github(urls), ADDRESS) as github, \
                    serve_oembed(FakeOEmbed(title="A video"), ADDRESS) as oembed:
                env = {key: value for key, value in os.environ.items()
                       if not key.startswith("GITHUB_") and "PROXY" not in key.upper()}
                assert site.ca_file is not None
                env.update({"GITHUB_TOKEN": TOKEN, "GITHUB_API_URL": github.api_url,
                            "GITHUB_GRAPHQL_URL": github.graphql_url,
                            "CURATORBOT_OEMBED_URL": oembed.url,
                            "SSL_CERT_FILE": str(site.ca_file),
                            "PYTHONPATH": str(ROOT / "src")})
                return await _runs(tmp, seed, urls, hosts, env, site, github, oembed.hits,
                                   repeat)
        finally:
            await site.stop()


async def _runs(tmp: Path, seed: Path, urls: list[str], hosts: list[str],
                env: dict[str, str], site: Website, github: FakeGitHub, hits: Counter[str],
                repeat: int) -> int:
    catalog, state = tmp / "catalog.yaml", tmp / "state.sqlite"
    shutil.copyfile(seed, catalog)
    print(f"\nseed catalog: {len(urls)} links, {len(set(urls))} distinct URLs, "
          f"{len(hosts)} hosts, {len(github.repos)} GitHub repositories; all served from "
          f"{ADDRESS} (80/443)")

    def counts() -> tuple[int, int, int]:
        return (len(site.log), github.requests["graphql"] + github.requests["rest"],
                sum(hits.values()))

    rows: list[tuple[str, list[float], tuple[int, int, int]]] = []
    colds = []
    before = counts()
    for _ in range(repeat):  # each from a fresh copy and an empty history
        shutil.copyfile(seed, catalog)
        state.unlink(missing_ok=True)
        cold, code, _ = await run_update(catalog, state, hosts, env)
        colds.append(cold)
    after = counts()
    rows.append(("cold (empty history)", colds,
                 tuple(d // repeat for d in _delta(before, after))))  # type: ignore[arg-type]
    original = seed.read_text(encoding="utf-8").splitlines()
    written = catalog.read_bytes()
    changed = sum(1 for line in difflib.ndiff(original, written.decode("utf-8").splitlines())
                  if line[:1] in "+-")
    print(f"cold run (exit {code}) changed {changed} lines of catalog.yaml (+/- diff lines)")
    seen_hosts = {s.host for s in site.log}
    unknown = seen_hosts - set(hosts)
    if unknown:
        raise SystemExit(f"bench_update: the site was asked for unexpected hosts {unknown}")
    for label, extra in (("warm, --max-age 1d", ("--max-age", "86400")),
                         ("warm, no max-age", ())):
        times = []
        before = counts()
        for _ in range(repeat):
            elapsed, _, _ = await run_update(catalog, state, hosts, env, *extra)
            times.append(elapsed)
        after = counts()
        per_run = tuple(d // repeat for d in _delta(before, after))
        rows.append((label, times, per_run))  # type: ignore[arg-type]
    print(f"{'run':24} {'wall s (median)':>16} {'page requests':>14} {'GitHub API':>11} "
          f"{'oEmbed':>7}")
    for label, times, (pages, api, oembed) in rows:
        print(f"{label:24} {statistics.median(times):16.2f} {pages:14d} {api:11d} "
              f"{oembed:7d}")
    print("warm runs left the catalog byte for byte as the cold run wrote it: "
          f"{'yes' if catalog.read_bytes() == written else 'NO'}")
    startup = statistics.median([await startup_time(env) for _ in range(3)])
    print(f"for scale: python startup + import curatorbot.cli alone takes {startup:.2f} s")
    authorized = [s for s in site.log if s.authorization]
    print(f"requests to sites carrying an Authorization header: {len(authorized)}")
    warm = statistics.median(rows[1][1])
    print(f"RESULT update_seed_catalog_warm_max_age_s={warm:.2f} "
          f"cold_s={statistics.median(colds):.2f} "
          f"warm_no_max_age_s={statistics.median(rows[2][1]):.2f}")
    return 1 if authorized or catalog.read_bytes() != written else 0


def _delta(before: tuple[int, int, int], after: tuple[int, int, int]) -> tuple[int, int, int]:
    return (after[0] - before[0], after[1] - before[1], after[2] - before[2])


async def main(links: int, repeat: int, skip_github: bool) -> int:
    status = 0
    if not skip_github:
        print("== (a) GitHub API requests (benchmarks/bench_github.py) ==")
        status |= await bench_github.main(links)
    print("\n== (b) curatorbot update on the seed catalog ==")
    status |= await bench_seed(repeat)
    return status


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--links", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--skip-github", action="store_true")
    args = parser.parse_args()
    sys.exit(asyncio.run(main(args.links, args.repeat, args.skip_github)))
