"""Print the figures of issue 14: size, save and restore time of the run history file for
a 100,000-link catalog.

A real SQLite working copy gets three recorded runs over N links (URLs of 50 characters,
the average of this repository's catalog.yaml is 49; by default 4% dead with a streak, 1.5%
permanent redirects, the rest alive with a page title) and K GitHub REST answers in the
ETag cache (~5 KB of JSON each, like a repository's). Then, for the two files a save can
write:

- without a max-age cache (`max_age` 0, the default): lines only for URLs that carry
  something (a streak, a status other than ok), restored with `max_age` 0;
- with one (`max_age` > 0, the worst case: every alive result of the last run is still
  usable), restored keeping every last result;

- save: `SQLiteStore.export_snapshot` + `history_file.dump`;
- restore: `history_file.parse` + `import_snapshot` into a fresh SQLite file (what a fresh
  runner does before its run);
- sizes of the file as committed, and gzip-compressed (roughly what git stores and HTTP
  carries).

No network: the branch round trip adds one blob upload or download of that size.

    .venv/bin/python benchmarks/bench_history.py [--links 100000] [--etags 2000]
        [--failing 0.04] [--redirects 0.015] [--repeat 3]
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


def results(links: int, failing: float = 0.04, redirects: float = 0.015) -> list[LinkResult]:
    out = []
    dead, moved = round(failing * 1000), round((failing + redirects) * 1000)
    for i in range(links):
        url = f"https://www.site{i % 997:03d}.example.org/docs/{i:06d}/a-page"
        if i % 1000 < dead:
            out.append(LinkResult(url, Status.DEAD, http_status=404))
        elif i % 1000 < moved:
            out.append(LinkResult(url, Status.REDIRECT, http_status=200, final_url=url + "/",
                                  moved_to=url + "/", permanent=True))
        else:
            out.append(LinkResult(url, Status.OK, http_status=200,
                                  title=f"Article {i}: a page title of usual length"))
    return out


def build(path: Path, batch: list[LinkResult], etags: int) -> SQLiteStore:
    moment = [datetime(2026, 11, 2, 4, 23, tzinfo=UTC)]
    store = SQLiteStore(path, clock=lambda: moment[0])
    for _ in range(3):
        store.record_run(batch)
        moment[0] += timedelta(days=7)
    for n in range(etags):
        # Each answer its own (as real ones are), so that gzip cannot fold them together.
        body = json.dumps({"id": n * 7919, "full_name": f"o/n{n}", "description": "x" * 200,
                           "topics": [f"t{i}" for i in range(20)],
                           "owner": {f"k{i}": f"https://api.github.com/users/o{n}/{i}"
                                     for i in range(60)}})
        store.put_etag(f"https://api.github.com/repos/o/n{n}", f'W/"{n:040x}"', body)
    return store


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--links", type=int, default=100_000)
    parser.add_argument("--etags", type=int, default=2_000)
    parser.add_argument("--failing", type=float, default=0.04)
    parser.add_argument("--redirects", type=float, default=0.015)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    batch = results(args.links, args.failing, args.redirects)
    print(f"history of {args.links:,} links (URLs of "
          f"{sum(len(r.url) for r in batch) / max(args.links, 1):.0f} characters on average, "
          f"{args.failing:.1%} dead, {args.redirects:.1%} redirected), {args.etags:,} ETag "
          "answers, 3 runs")
    with tempfile.TemporaryDirectory() as tmp:
        store = build(Path(tmp) / "work.sqlite", batch, args.etags)
        # cache_since None: no max-age cache; "": every alive result still usable.
        for name, cache_since, max_age in (("max_age 0", None, 0.0),
                                           ("max_age > 0, worst case", "", None)):
            saves: list[tuple[float, float]] = []
            restores: list[tuple[float, float]] = []
            text = ""
            for n in range(args.repeat):
                start, cpu = time.perf_counter(), time.process_time()
                text = dump(store.export_snapshot(), cache_since=cache_since)
                saves.append((time.perf_counter() - start, time.process_time() - cpu))
                start, cpu = time.perf_counter(), time.process_time()
                with SQLiteStore(Path(tmp) / f"fresh{n}-{max_age}.sqlite") as fresh:
                    fresh.import_snapshot(parse(text), max_age=max_age)
                restores.append((time.perf_counter() - start, time.process_time() - cpu))
            data = text.encode("utf-8")
            lines = [line for line in text.splitlines() if line.startswith('{"url"')]
            link_bytes = sum(len(line) + 1 for line in lines)
            print(f"  {name}: file {len(data) / 1e6:.2f} MB ({len(lines):,} link lines, "
                  f"{link_bytes / 1e6:.2f} MB; {len(data) - link_bytes:,} B header and "
                  f"ETags); gzip: {len(gzip.compress(data, 6)) / 1e6:.2f} MB")
            for label, times in (("save (export + dump)", saves),
                                 ("restore (parse + import)", restores)):
                wall = statistics.median(t for t, _ in times)
                cpu = statistics.median(c for _, c in times)
                print(f"    {label + ':':26} median {wall:.3f} s wall, {cpu:.3f} s CPU")
        store.close()
    print(f"  load average while measuring: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
