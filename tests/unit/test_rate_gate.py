"""The rate-limit gate both GitHub clients put in front of their requests."""

from __future__ import annotations

import pytest

from curatorbot.http.ratelimit import Pacer, RateGate, RateLimit, Stop


def _gate(cap: float, default_wait: float = 0.0) -> tuple[RateGate, list[float]]:
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)

    return RateGate("Test API", Pacer(cap, sleep=sleep), default_wait=default_wait), slept


async def test_an_exhausted_window_is_waited_out_once_before_the_next_request() -> None:
    gate, slept = _gate(cap=10.0)
    gate.note(RateLimit(limit=60, remaining=0, reset=1000.0, retry_after=4.0))
    await gate.enter()
    await gate.enter()  # the window was waited out: no second wait
    assert slept == [4.0] and gate.stopped is None


async def test_a_response_without_a_window_does_not_forget_the_last_one() -> None:
    gate, slept = _gate(cap=10.0)
    gate.note(RateLimit(remaining=0, retry_after=2.0))
    gate.note(RateLimit())  # no X-RateLimit-Remaining
    await gate.enter()
    assert slept == [2.0]


@pytest.mark.parametrize(("default_wait", "expected"), [(0.0, []), (5.0, [5.0])])
async def test_a_limited_answer_without_retry_after_waits_the_default(
        default_wait: float, expected: list[float]) -> None:
    gate, slept = _gate(cap=10.0, default_wait=default_wait)
    await gate.wait_out(RateLimit(), 403)
    assert slept == expected


async def test_a_wait_past_the_cap_stops_the_gate_for_good() -> None:
    gate, slept = _gate(cap=1.0)
    with pytest.raises(Stop, match=r"Test API rate limit reached"):
        await gate.wait_out(RateLimit(retry_after=3600.0), 429)
    assert gate.stopped is not None and slept == []
    with pytest.raises(Stop, match=r"Test API rate limit reached"):
        await gate.enter()
