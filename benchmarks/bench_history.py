"""Print the figures of issue 14: size, save and restore time of the run history file for
a 100,000-link catalog.

A real SQLite working copy gets three recorded runs over N links (URLs of 50 characters,
the average of this repository's catalog.yaml is 49; 80% alive with a page title, 10%
permanent redirects, 10% dead with a streak) and K GitHub REST answers in the ETag cache
(~5 KB of JSON each, like a repository's). Then:

- export: `SQLiteStore.export_snapshot` + `history_file.dump` (what a save writes);
- restore: `history_file.parse` + `import_snapshot` into a fresh SQLite file (what a fresh
  runner does before its run), without a max-age cache (the default, max_age 0) and with
  one that keeps every last result;
- sizes of the file as committed, and gzip-compressed (roughly what git stores and HTTP
  carries).

No network: the branch round trip adds one blob upload or download of that size.

    .venv/bin/python benchmarks/bench_history.py [--links 100000] [--etags 2000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from curatorbot.history_file import dump, parse
from curatorbot.results import LinkResult, Status
from curatorbot.state import SQLiteStore


def results(links: int) -> list[LinkResult]:
    out = []
    for i in range(links):
        url = f"https://www.site{i % 997:03d}.example.org/docs/{i:06d}/a-page"
        if i % 10 == 0:
            out.append(LinkResult(url, Status.DEAD, http_status=404))
        elif i % 10 == 1:
            out.append(LinkResult(url, Status.REDIRECT, http_status=200, final_url=url + "/",
                                  moved_to=url + "/", permanent=True))
        else:
            out.append(LinkResult(url, Status.OK, http_status=200,
                                  title=f"Article {i}: a page title of usual length"))
    return out


def build(path: Path, links: int, etags: int) -> SQLiteStore:
    moment = [datetime(2026, 11, 2, 4, 23, tzinfo=UTC)]
    store = SQLiteStore(path, clock=lambda: moment[0])
    batch = results(links)
    for _ in range(3):
        store.record_run(batch)
        moment[0] += timedelta(days=7)
    body = json.dumps({"full_name": "o/n", "description": "x" * 200,
                       "topics": [f"t{i}" for i in range(20)],
                       "owner": {f"k{i}": f"https://api.github.com/users/o/{i}"
                                 for i in range(60)}})
    for i in range(etags):
        store.put_etag(f"https://api.github.com/repos/o/n{i}", f'W/"{i:040x}"', body)
    return store


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--links", type=int, default=100_000)
    parser.add_argument("--etags", type=int, default=2_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        store = build(Path(tmp) / "work.sqlite", args.links, args.etags)
        saves: list[tuple[float, float]] = []
        restores: list[tuple[float, float]] = []
        cached: list[tuple[float, float]] = []
        text = ""
        for n in range(args.repeat):
            start, cpu = time.perf_counter(), time.process_time()
            text = dump(store.export_snapshot())
            saves.append((time.perf_counter() - start, time.process_time() - cpu))
            for max_age, times in ((0.0, restores), (None, cached)):
                start, cpu = time.perf_counter(), time.process_time()
                with SQLiteStore(Path(tmp) / f"fresh{n}-{max_age}.sqlite") as fresh:
                    fresh.import_snapshot(parse(text), max_age=max_age)
                times.append((time.perf_counter() - start, time.process_time() - cpu))
        store.close()
    data = text.encode("utf-8")
    link_bytes = sum(len(line) + 1 for line in text.splitlines() if line.startswith('{"url"'))
    url_bytes = sum(len(r.url) for r in results(args.links))
    print(f"history of {args.links:,} links (URLs of {url_bytes / max(args.links, 1):.0f} "
          f"characters on average), {args.etags:,} ETag answers, 3 runs")
    print(f"  file: {len(data) / 1e6:.2f} MB ({link_bytes / 1e6:.2f} MB links, "
          f"{link_bytes / max(args.links, 1):.0f} B per link); gzip: "
          f"{len(gzip.compress(data, 6)) / 1e6:.2f} MB")
    for name, times in (("save (export + dump)", saves),
                        ("restore (parse + import)", restores),
                        ("restore, max-age cache", cached)):
        wall = statistics.median(t for t, _ in times)
        cpu = statistics.median(c for _, c in times)
        print(f"  {name + ':':26} median {wall:.3f} s wall, {cpu:.3f} s CPU")
    print(f"  load average while measuring: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
