"""Print how many GitHub API requests 1,000 repository links cost (target: at most 20).

Runs against the loopback fake GitHub of tests/fakes/github.py (GraphQL executed over
canned data against GitHub's real schema; REST with ETags): nothing leaves this machine.
Figures: GraphQL requests per batch size, REST requests cold and with a warm ETag cache
(and how many of those used the 60/hour limit), and wall time of each.

    .venv/bin/python benchmarks/bench_github.py [--links 1000]
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "src"))

from tests.fakes.github import TOKEN, FakeGitHub, FakeRepo, serve  # noqa: E402

from curatorbot.github_config import GitHubConfig  # noqa: E402
from curatorbot.http.client import HttpClient  # noqa: E402
from curatorbot.metadata.github import GitHubProvider  # noqa: E402
from curatorbot.metadata.github_common import GitHubLimits  # noqa: E402
from curatorbot.settings import Settings  # noqa: E402
from curatorbot.state import SQLiteStore  # noqa: E402


def world(links: int) -> tuple[FakeGitHub, list[str]]:
    """`links` repository links: 95% distinct repositories, 5% paths into them or renamed."""
    distinct = links - links // 20
    fake = FakeGitHub(repos=[FakeRepo(f"owner{i}", f"repo{i}", stars=i,
                                      archived=i % 50 == 0) for i in range(distinct)],
                      renames={f"old{i}/repo{i}": f"owner{i}/repo{i}" for i in range(10)},
                      rest_limit=10 * links)
    urls = [f"https://github.com/owner{i}/repo{i}" for i in range(distinct)]
    extra = links - distinct
    urls += [f"https://github.com/owner{i}/repo{i}/tree/master/docs" for i in range(extra - 10)]
    urls += [f"https://github.com/old{i}/repo{i}" for i in range(10)]
    return fake, urls


async def main(links: int) -> int:
    fake, urls = world(links)
    worst = 0
    async with serve(fake), HttpClient(Settings()) as session:
        print(f"{len(urls)} repository links, {len(fake.repos)} distinct repositories")
        for batch_size in (100, 50):
            before = fake.requests["graphql"]
            config = GitHubConfig(token=TOKEN, api_url=fake.api_url,
                                  graphql_url=fake.graphql_url)
            start = time.perf_counter()
            batch = await GitHubProvider(config, GitHubLimits(batch_size=batch_size)).fetch(
                session, urls)
            elapsed = time.perf_counter() - start
            used = fake.requests["graphql"] - before
            worst = max(worst, used)
            proposals = sum(1 for link in batch.links.values() if link.proposal)
            print(f"graphql batch={batch_size:3d}: {used:3d} requests "
                  f"(target <= 20), {len(batch.links)} links answered, {proposals} proposals, "
                  f"{len(fake.invalid_documents)} invalid documents, {elapsed:.2f} s")
        with tempfile.TemporaryDirectory() as tmp, \
                SQLiteStore(Path(tmp) / "state.sqlite") as store:
            config = GitHubConfig(api_url=fake.api_url, graphql_url=fake.graphql_url)
            limits = GitHubLimits(rest_concurrency=8)
            for label in ("rest cold", "rest warm"):
                before, before_304 = fake.requests["rest"], fake.requests["rest_304"]
                remaining = fake.rest_remaining
                start = time.perf_counter()
                batch = await GitHubProvider(config, limits, etags=store).fetch(session, urls)
                elapsed = time.perf_counter() - start
                print(f"{label}:        {fake.requests['rest'] - before:4d} requests, "
                      f"{fake.requests['rest_304'] - before_304:4d} of them 304, "
                      f"{remaining - fake.rest_remaining:4d} counted against the limit, "
                      f"{elapsed:.2f} s")
    print(f"RESULT graphql_requests_for_{len(urls)}_links={worst} "
          f"({'meets' if worst <= 20 else 'MISSES'} the target of 20)")
    return 0 if worst <= 20 else 1


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--links", type=int, default=1000)
    sys.exit(asyncio.run(main(parser.parse_args().links)))
