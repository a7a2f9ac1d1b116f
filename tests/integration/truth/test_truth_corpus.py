"""check.parked and check.soft404 together on the labelled loopback corpus, as the runner
is to call them: every page's verdict matches its label, one probe per host at most."""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
import pytest

from curatorbot.check.pipeline import Checker
from curatorbot.http.guard import StaticResolver
from curatorbot.results import Status
from curatorbot.settings import Settings
from tests.fakes.truthcorpus import Corpus, build_corpus, judge_pages


@pytest.fixture
async def corpus() -> AsyncIterator[Corpus]:
    running = build_corpus(seed=5)
    await running.start()
    yield running
    await running.stop()


async def test_every_verdict_matches_its_label(corpus: Corpus) -> None:
    assert len(corpus.pages) >= 200
    connector = aiohttp.TCPConnector(resolver=StaticResolver(corpus.table()))
    async with aiohttp.ClientSession(connector=connector) as session:
        judged, probes = await judge_pages(session, corpus.pages)
    wrong = [(j.page.label, j.page.url, j.evidence) for j in judged
             if j.soft404 != (j.page.label == "soft404") or j.parked != (j.page.label == "parked")]
    assert wrong == []
    assert probes and max(probes.values()) == 1
    assert not any(host.startswith("parked-") for host in probes)  # parked: never probed
    roots = [j for j in judged if j.page.label == "root"]
    assert roots and all(j.evidence == "site-root" or not j.soft404 for j in roots)
    soft = [j for j in judged if j.soft404]
    assert soft and all(j.similarity is not None and f"//{j.page.host}:" in j.evidence
                        for j in soft)  # the evidence names the probe on the same host


@pytest.mark.parametrize("titles", [False, True], ids=["check-head-first", "update-get-titles"])
async def test_the_real_pipeline_matches_every_label(corpus: Corpus, titles: bool) -> None:
    """The same corpus through what `check` and `update` really run (check.pipeline's
    Checker: the runner, check.truth, the run's HttpClient), not the re-enactment above."""
    settings = Settings().merged({"allow_private": True, "retries": 0})
    labels = {page.url: page for page in corpus.pages}
    async with Checker(settings, resolver=StaticResolver(corpus.table()),
                       titles=titles) as checker:
        results = [r async for r in checker.check(list(labels))]
        sent = checker.runner.truth.probes_sent
    assert sorted(r.url for r in results) == sorted(labels)
    wrong = [(labels[r.url].label, r.url, r.status, r.failure, r.error) for r in results
             if (r.failure == "soft-404") != (labels[r.url].label == "soft404")
             or (r.failure == "parked") != (labels[r.url].label == "parked")]
    assert wrong == []
    for r in results:
        if r.failure in ("soft-404", "parked"):
            assert r.status == Status.DEAD and r.error
    assert sent and max(sent.values()) == 1
