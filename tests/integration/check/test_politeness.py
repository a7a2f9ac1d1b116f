"""Politeness, asserted on the server side: per-host in-flight limit, spacing, 429 slow-down,
connection reuse, DNS cache."""

from __future__ import annotations

import itertools

from curatorbot.http.guard import StaticResolver
from curatorbot.results import Status
from tests.integration.check.conftest import Farm, check, settings


async def test_per_host_limit_is_never_exceeded_and_is_used(farm: Farm) -> None:
    farm.farm.latency = 0.05
    urls = [farm.url(f"ok/{i}", host=i % 2) for i in range(40)]
    results = await check(urls, per_host=3, concurrency=50)
    assert all(r.status is Status.OK for r in results.values())
    assert farm.stats(0).max_in_flight == 3 and farm.stats(1).max_in_flight == 3


async def test_per_host_limit_holds_for_head_get_and_retries(farm: Farm) -> None:
    farm.farm.latency = 0.02
    urls = [farm.url(f"{kind}/{i}") for i in range(8) for kind in ("head405", "flaky", "moved")]
    results = await check(urls, per_host=2)
    assert {r.status for r in results.values()} == {Status.OK, Status.REDIRECT}
    assert farm.stats().max_in_flight == 2


async def test_global_concurrency_limit(farm: Farm) -> None:
    farm.farm.latency = 0.05
    urls = [farm.url(f"ok/{i}", host=i % 3) for i in range(30)]
    await check(urls, per_host=4, concurrency=2)
    assert farm.farm.max_in_flight_total == 2


async def test_a_url_waiting_out_a_backoff_holds_no_slot(farm: Farm) -> None:
    # One request at a time overall. Both flaky URLs get a 500 and back off for at least
    # 0.5 s; meanwhile the ok URL on the third host is asked, not held up behind them.
    urls = [farm.url("flaky/a", host=0), farm.url("flaky/b", host=1),
            farm.url("ok/c", host=2)]
    results = await check(urls, concurrency=1, retry_backoff=0.5)
    assert all(r.status is Status.OK for r in results.values())
    assert farm.farm.max_in_flight_total == 1
    ok_asked = farm.stats(2).log[0][0]
    retries = [log[1][0] for log in (farm.stats(0).log, farm.stats(1).log)]
    assert ok_asked < min(retries)


async def test_a_url_waiting_out_a_backoff_leaves_its_host_free(farm: Farm) -> None:
    # One request at a time to the host: while the flaky URL waits out its backoff, the
    # host's next URL is asked; the retry comes after.
    urls = [farm.url("flaky/a"), farm.url("ok/b")]
    results = await check(urls, per_host=1, retry_backoff=0.5)
    assert all(r.status is Status.OK for r in results.values())
    assert [path for _, _, path in farm.stats().log] == ["/flaky/a", "/ok/b", "/flaky/a"]
    assert farm.stats().max_in_flight == 1


async def test_hosts_with_more_links_get_more_of_the_shared_slots(farm: Farm) -> None:
    farm.farm.latency = 0.05
    urls = [farm.url(f"ok/big{i}", host=0) for i in range(24)]
    urls += [farm.url(f"ok/small{i}", host=h) for h in (1, 2) for i in range(4)]
    await check(urls, per_host=4, concurrency=6)
    # By claim the big host holds all 4 slots it may have from the start and the small ones
    # share the other 2, so all finish together: by the small hosts' last request the big
    # one has been asked 12 times or more. (Served in turn, all three progress alike, and
    # the big host is left alone at the end with 16 or more of its 24 URLs.)
    assert farm.stats(0).max_in_flight == 4
    small_done = max(farm.stats(h).log[-1][0] for h in (1, 2))
    assert sum(t <= small_done for t, _, _ in farm.stats(0).log) >= 12
    assert min(farm.stats(h).log[0][0] for h in (1, 2)) < farm.stats(0).log[4][0]


async def test_min_interval_spaces_requests_to_one_host(farm: Farm) -> None:
    await check([farm.url(f"ok/{i}") for i in range(5)], min_interval=0.1)
    times = sorted(t for t, _, _ in farm.stats().log)
    assert len(times) == 5
    assert min(b - a for a, b in itertools.pairwise(times)) >= 0.09


async def test_429_slows_the_whole_host_for_retry_after(farm: Farm) -> None:
    farm.farm.latency = 0.01
    urls = [farm.url("ratelimit/r?after=1")] + [farm.url(f"ok/{i}") for i in range(12)]
    results = await check(urls, per_host=1)
    limited = results[urls[0]]
    assert limited.status is Status.OK and limited.attempts == 2
    log = farm.stats().log
    (t429,) = [t for t, _, p in log if p.startswith("/ratelimit")][:1]
    # No request of any URL of that host started within Retry-After of the 429.
    after = [t - t429 for t, _, _ in log if t > t429]
    assert after and min(after) >= 0.95
    assert all(r.status is Status.OK for r in results.values())


async def test_retry_after_is_capped(farm: Farm) -> None:
    url = farm.url("ratelimit/c?after=3600")
    results = await check([url], retry_after_cap=0.2)
    assert results[url].status is Status.OK and results[url].attempts == 2
    first, second = sorted(t for t, _, _ in farm.stats().log)
    assert 0.19 <= second - first < 5


async def test_connections_are_reused(farm: Farm) -> None:
    urls = [farm.url(f"ok/{i}") for i in range(30)]
    await check(urls, per_host=2)
    assert farm.stats().requests == 30
    assert farm.stats().connections <= 2


async def test_dns_answers_are_cached(farm: Farm) -> None:
    port = farm.ports["127.0.0.2"]
    resolver = StaticResolver({"cached.test": "127.0.0.2"})
    from curatorbot.check.pipeline import Checker

    async with Checker(settings(), resolver=resolver) as checker:
        results = [r async for r in checker.check(
            [f"http://cached.test:{port}/ok/{i}" for i in range(10)])]
        assert checker.client.resolver.lookups == 1
    assert {r.status for r in results} == {Status.OK}


async def test_one_dns_lookup_serves_every_port_of_a_name(farm: Farm) -> None:
    port = farm.ports["127.0.0.2"]
    other_port = (await farm.farm.start(["127.0.0.2"]))["127.0.0.2"]  # a second listener
    resolver = StaticResolver({"cached.test": "127.0.0.2"})
    from curatorbot.check.pipeline import Checker

    async with Checker(settings(), resolver=resolver) as checker:
        results = [r async for r in checker.check(
            [f"http://cached.test:{p}/ok/{i}" for i, p in enumerate((port, other_port))])]
        assert checker.client.resolver.lookups == 1
    assert {r.status for r in results} == {Status.OK}
    assert farm.stats().requests == 2


async def test_results_stream_while_the_input_is_read_lazily(farm: Farm) -> None:
    consumed = []

    def source():  # type: ignore[no-untyped-def]
        for i in range(50):
            consumed.append(i)
            yield farm.url(f"ok/{i}")

    from curatorbot.check.pipeline import Checker

    lookahead, per_host = 5, 4  # one host: at most per_host URLs at work (none rests here)
    async with Checker(settings(per_host=per_host), lookahead=lookahead) as checker:
        seen = 0
        async for _ in checker.check(source()):
            seen += 1
            # Read: the URLs done, at most `lookahead` waiting and `per_host` at work.
            assert len(consumed) <= seen + lookahead + per_host, (len(consumed), seen)
    assert seen == 50
