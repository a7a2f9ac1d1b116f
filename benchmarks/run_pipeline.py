"""Run the checker pipeline alone on a file of URLs (one per line), streamed from the file.

    python benchmarks/run_pipeline.py URLS.txt COUNTS.json [--concurrency N] [--per-host N]

Writes {status: count} to COUNTS.json. bench_check.py uses it for the scale run, so that
peak RSS measures the checker, not the YAML loading of a 100,000-entry catalog.
"""

from __future__ import annotations

import argparse
import asyncio
import json
from collections import Counter
from collections.abc import Iterator

from curatorbot.check import check_urls
from curatorbot.settings import Settings


def lines(path: str) -> Iterator[str]:
    with open(path, encoding="utf-8") as stream:
        for line in stream:
            if line.strip():
                yield line.strip()


async def run(path: str, settings: Settings) -> Counter[str]:
    counts: Counter[str] = Counter()
    async for result in check_urls(lines(path), settings):
        counts[result.status.value] += 1
    return counts


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("urls")
    parser.add_argument("out")
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument("--per-host", type=int, default=4)
    args = parser.parse_args()
    settings = Settings().merged({"allow_private": True, "concurrency": args.concurrency,
                                  "per_host": args.per_host})
    counts = asyncio.run(run(args.urls, settings))
    with open(args.out, "w", encoding="utf-8") as out:
        json.dump(dict(counts), out)


if __name__ == "__main__":
    main()
