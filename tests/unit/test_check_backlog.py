"""The scheduler's choice of host: claims, the per-host cap, replaced heap entries."""

from __future__ import annotations

from collections import Counter

from curatorbot.check.backlog import Backlog


def fill(backlog: Backlog, counts: dict[str, int]) -> None:
    for host, count in counts.items():
        for n in range(count):
            backlog.add(host, f"http://{host}/{n}")


def take(backlog: Backlog, slots: int) -> list[str]:
    """Start up to `slots` URLs the way the checker does; the hosts, in order."""
    hosts = []
    while len(hosts) < slots and (host := backlog.pick()) is not None:
        backlog.start(host)
        hosts.append(host)
    return hosts


def test_a_bigger_host_gets_more_slots_and_every_host_starts_early() -> None:
    backlog = Backlog(per_host=4)
    fill(backlog, {"big": 40, "mid": 12, "small": 3})
    # Claims (waiting / (at work + 1)): big 40, then 19.5, 12.7 > mid's 12, then mid...
    assert take(backlog, 8) == ["big", "big", "big", "mid", "big", "mid", "mid", "small"]


def test_a_host_never_has_more_than_per_host_at_work() -> None:
    backlog = Backlog(per_host=2)
    fill(backlog, {"a": 10, "b": 1})
    assert Counter(take(backlog, 10)) == {"a": 2, "b": 1}
    assert backlog.pick() is None  # a is full, b is empty
    backlog.done("a", 0.1)
    assert backlog.pick() == "a"


def test_a_resting_url_frees_its_hosts_slot_until_it_wakes() -> None:
    backlog = Backlog(per_host=2)
    fill(backlog, {"a": 5})
    assert take(backlog, 5) == ["a", "a"]  # a is full
    backlog.rest("a")  # one of them waits out a backoff: no request, so a may start one more
    assert backlog.resting == 1
    assert take(backlog, 5) == ["a"]
    backlog.wake("a")  # three at work, none resting: a may not start more
    assert backlog.resting == 0 and backlog.pick() is None
    backlog.done("a", 0.1)
    backlog.done("a", 0.1)
    assert backlog.pick() == "a"


def test_a_host_whose_urls_take_longer_gets_the_freed_slots_first() -> None:
    backlog = Backlog(per_host=4)
    fill(backlog, {"fast": 20, "slow": 20})
    assert take(backlog, 2) == ["fast", "slow"]
    backlog.done("fast", 0.1)
    backlog.done("slow", 1.0)  # redirect chains, retries, a slow server...
    # Same number waiting, ten times the work: slow takes every slot it may have.
    assert take(backlog, 5) == ["slow", "slow", "slow", "slow", "fast"]
    assert backlog.seconds_per_url("slow") == 1.0 and backlog.seconds_per_url("fast") == 0.1


def test_a_host_with_nothing_finished_is_costed_at_the_average() -> None:
    backlog = Backlog(per_host=4)
    fill(backlog, {"a": 2, "b": 5})
    assert backlog.seconds_per_url("b") == 1.0  # nothing finished anywhere yet
    take(backlog, 2)
    backlog.done("a", 0.5)
    backlog.done("b", 2.5)
    assert backlog.seconds_per_url("new") == 1.5  # the mean over all finished URLs


def test_waiting_count_and_order_of_urls_within_a_host() -> None:
    backlog = Backlog(per_host=1)
    fill(backlog, {"h": 3})
    assert len(backlog) == 3
    assert backlog.pick() == "h" and backlog.start("h") == "http://h/0"
    backlog.done("h", 0.1)
    assert backlog.pick() == "h" and backlog.start("h") == "http://h/1"
    assert len(backlog) == 1


def test_a_paused_host_is_offered_again_only_when_resumed() -> None:
    backlog = Backlog(per_host=4)
    fill(backlog, {"paused": 5, "other": 1})
    assert backlog.pick() == "paused"  # the checker sees the pause and does not start it
    assert backlog.pick() == "other"
    assert backlog.pick() is None
    backlog.resume("paused")
    assert backlog.pick() == "paused"


def test_replaced_entries_do_not_pile_up() -> None:
    backlog = Backlog(per_host=4)
    fill(backlog, {f"h{n}": 500 for n in range(10)})  # 5,000 adds: 5,000 pushes, 10 live
    assert len(backlog._heap) <= 2 * 10 + 1024
    for _ in range(6000):
        host = backlog.pick()
        if host is None:
            break
        backlog.start(host)
        backlog.done(host, 0.1)
    assert len(backlog) == 0 and backlog._spent == {}  # finished hosts are forgotten
    assert len(backlog._heap) <= 2 * 10 + 1024
