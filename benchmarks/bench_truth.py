"""Print precision and recall of soft-404 and parked-page detection on a labelled corpus.

    .venv/bin/python benchmarks/bench_truth.py [--scale 1] [--seed 13] [--misses]

The corpus (tests/fakes/truthcorpus.py) serves honest hosts, soft-404 hosts answering 200
with a template (half with a per-request box), hosts whose unknown paths redirect to or show
the home page, JavaScript shells, parked domains (landers, redirects, meta refresh, Refresh
header), the sale hosts themselves and a blog about parking, each host on its own
127.0.2.k address. The pages go through check.parked and check.soft404 as the runner is to
call them (tests/fakes/truthcorpus.judge_pages), then through the real pipeline
(check.pipeline.Checker: the runner, check.truth, the run's HttpClient) as `check` asks
(HEAD first) and as `update` asks (GET for titles); printed: pages per label, precision and
recall of each detector, probes per host (at most one), the similarity of soft 404s and of
real pages to their host's probe (the margin the thresholds sit in), and the time taken.
Nothing here leaves 127.0.0.0/8.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import aiohttp

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.fakes.cdx import FakeCdx, urlkey
from tests.fakes.truthcorpus import Judged, Labelled, build_corpus, judge_pages

from curatorbot.check.pipeline import Checker
from curatorbot.check.soft404 import NEAR_SAME, SIMILAR
from curatorbot.http.client import HttpClient
from curatorbot.http.guard import StaticResolver
from curatorbot.settings import Settings
from curatorbot.update.archive import cdx_timestamp
from curatorbot.update.rescue import find_copies


def scores(judged: list[Judged], label: str, predicted: str) -> tuple[float, float, int, int]:
    """Precision, recall, false positives, false negatives of one detector."""
    tp = sum(1 for j in judged if getattr(j, predicted) and j.page.label == label)
    fp = sum(1 for j in judged if getattr(j, predicted) and j.page.label != label)
    fn = sum(1 for j in judged if not getattr(j, predicted) and j.page.label == label)
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    return precision, recall, fp, fn


async def main(scale: int, seed: int, misses: bool) -> int:
    corpus = build_corpus(seed=seed, scale=scale)
    await corpus.start()
    try:
        connector = aiohttp.TCPConnector(resolver=StaticResolver(corpus.table()))
        async with aiohttp.ClientSession(connector=connector) as session:
            started = time.perf_counter()
            judged, probes = await judge_pages(session, corpus.pages)
            elapsed = time.perf_counter() - started
        wired = [await through_checker(corpus.pages, corpus.table(), titles)
                 for titles in (False, True)]
    finally:
        await corpus.stop()
    labels = Counter(j.page.label for j in judged)
    print(f"pages {len(judged)} on {len(corpus.sites)} hosts: "
          + ", ".join(f"{k} {v}" for k, v in sorted(labels.items())))
    ok = True
    for name, label, attribute in (("soft-404", "soft404", "soft404"),
                                   ("parked", "parked", "parked")):
        precision, recall, fp, fn = scores(judged, label, attribute)
        ok = ok and precision >= 0.98 and recall >= 0.90
        print(f"{name:9s} precision {precision:.3f}  recall {recall:.3f}  "
              f"(false positives {fp}, misses {fn}; target P >= 0.98, R >= 0.90)")
    most = max(probes.values(), default=0)
    ok = ok and most <= 1
    print(f"probes    {sum(probes.values())} for {len(probes)} hosts probed; "
          f"most on one host {most} (target <= 1)")
    for label in ("soft404", "real"):
        values = sorted(j.similarity for j in judged
                        if j.page.label == label and j.similarity is not None)
        if values:
            print(f"similarity of {label:7s} pages to the probe: min {values[0]:.3f} "
                  f"median {values[len(values) // 2]:.3f} max {values[-1]:.3f} "
                  f"(soft 404 at >= {NEAR_SAME}, or >= {SIMILAR} with the same title)")
    close = sorted({j.page.host.split("-")[0] for j in judged if j.page.label == "real"
                    and j.similarity is not None and j.similarity >= SIMILAR})
    print(f"real pages at similarity >= {SIMILAR}, trusted by the title or short-text rule, "
          f"on hosts of kind: {', '.join(close) or 'none'}")
    print(f"time      {elapsed:.2f} s ({len(judged) + sum(probes.values())} requests)")
    for (name, (through, sent, took)), titles in zip(
            (("check", wired[0]), ("update", wired[1])), ("HEAD first", "GET for titles"),
            strict=True):
        parts = []
        for label, attribute in (("soft404", "soft404"), ("parked", "parked")):
            precision, recall, fp, fn = scores(through, label, attribute)
            ok = ok and precision >= 0.98 and recall >= 0.90
            parts.append(f"{label} P {precision:.3f} R {recall:.3f} (fp {fp}, fn {fn})")
        most = max(sent.values(), default=0)
        ok = ok and most <= 1
        print(f"wired     {name} ({titles}) through check.pipeline: {'; '.join(parts)}; "
              f"probes {sum(sent.values())}, most on one host {most}; {took:.2f} s")
    ok = await archive_rescue(seed) and ok
    if misses:
        for j in judged:
            wrong = (j.soft404 != (j.page.label == "soft404")
                     or j.parked != (j.page.label == "parked"))
            if wrong:
                print(f"  {j.page.label:8s} {j.page.url}  -> {j.evidence}")
    return 0 if ok else 1


async def through_checker(pages: list[Labelled], table: dict[str, str], titles: bool
                          ) -> tuple[list[Judged], Counter[str], float]:
    """The same pages through the real pipeline (runner, check.truth, the run's client):
    verdicts, probes asked per host, seconds."""
    settings = Settings().merged({"allow_private": True, "retries": 0})
    started = time.perf_counter()
    labels = {page.url: page for page in pages}
    out = []
    async with Checker(settings, resolver=StaticResolver(table), titles=titles) as checker:
        async for result in checker.check(list(labels)):
            out.append(Judged(labels[result.url], result.failure == "soft-404",
                              result.failure == "parked", result.error or ""))
        sent = checker.runner.truth.probes_sent
    return out, sent, time.perf_counter() - started
PARKED_LANDER = (b"<html><body><script src='//img.sedoparking.com/js/lander.js'></script>"
                 b"</body></html>")


async def archive_rescue(seed: int, urls: int = 200) -> bool:
    """Suggestions for `urls` dead URLs with mixed captures (one 200 in six a parking
    lander); True when every suggestion is the last 200 capture before the first failure,
    none is parked, and every URL whose last such capture is not parked gets one."""
    rng = random.Random(seed)
    fake = FakeCdx()
    failed: dict[str, datetime] = {}
    landers: set[tuple[str, str]] = set()
    eligible = 0
    for i in range(urls):
        url = f"https://site{i % 37}.example/page/{i}"
        failed[url] = first = datetime(2024, 1, 1, tzinfo=UTC) + timedelta(days=rng.randint(0, 300))
        last_good: tuple[datetime, bool] | None = None  # (when, parked)
        for _ in range(rng.randint(0, 8)):
            when = first + timedelta(days=rng.randint(-900, 200), seconds=rng.randint(0, 86399))
            status = rng.choice(["200", "200", "200", "301", "404", "503"])
            lander = status == "200" and rng.random() < 1 / 6
            if lander:
                fake.add(url, cdx_timestamp(when), status, body=PARKED_LANDER)
                landers.add((url, cdx_timestamp(when)))
            else:
                fake.add(url, cdx_timestamp(when), status)
            if status == "200" and when < first and (last_good is None or when > last_good[0]):
                last_good = (when, lander)
        eligible += last_good is not None and not last_good[1]
    root = await fake.start("127.0.0.12")
    right = wrong = 0
    try:
        # As `update` asks: through the run's client and the one retry policy.
        client = HttpClient(Settings(allow_private=True))
        rescue = await find_copies(client, root, failed)
        for url, copy in rescue.copies.items():
            before = [r[1] for r in fake.captures[urlkey(url)]
                      if r[4] == "200" and r[1] < cdx_timestamp(failed[url])]
            if (before and copy.capture.timestamp == max(before)  # the last good one
                    and (url, copy.capture.timestamp) not in landers):
                right += 1
            else:
                wrong += 1
    finally:
        await fake.stop()
    suggested = right + wrong
    print(f"archive   {suggested} suggestions for {urls} dead URLs ({eligible} whose last 200 "
          "capture before the failure is not a parking lander): "
          f"{right / max(1, suggested):.1%} are the last 200 capture before the first "
          f"failure; {suggested / max(1, eligible):.1%} of eligible URLs rescued; "
          f"{len(fake.requests)} CDX requests, {len(fake.replays)} captures replayed, "
          f"{len(fake.replays) - suggested} of them parking landers, withheld")
    return wrong == 0 and suggested == eligible


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=1, help="hosts per kind, multiplied")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--misses", action="store_true", help="list every wrong verdict")
    args = parser.parse_args()
    sys.exit(asyncio.run(main(args.scale, args.seed, args.misses)))
