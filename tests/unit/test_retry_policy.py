"""The one retry policy (http.retry): attempts, Retry-After (capped) before the backoff,
the last outcome returned; the sync form keeps the same attempts and waits."""

from __future__ import annotations

import pytest
from tenacity import retry_if_exception_type

from curatorbot.http.retry import RetryPolicy


async def test_run_retries_transient_outcomes_and_returns_the_last() -> None:
    policy = RetryPolicy(retries=2, backoff=1.0, retry_after_cap=5.0, jitter=0.0)
    slept: list[float] = []
    answers = iter([("busy", 30.0), ("busy", None), ("busy", None)])

    async def sleep(seconds: float) -> None:
        slept.append(seconds)

    async def attempt() -> tuple[str, float | None]:
        return next(answers)

    last = await policy.run(attempt, transient=lambda a: a[0] == "busy",
                            retry_after=lambda a: a[1], sleep=sleep)
    assert last == ("busy", None)
    assert slept == [5.0, 2.0]  # Retry-After capped at 5; then backoff 1 * 2 ** 1


async def test_run_stops_at_the_first_settled_outcome() -> None:
    calls: list[int] = []

    async def attempt() -> str:
        calls.append(1)
        return "ok" if len(calls) == 2 else "busy"

    async def sleep(_: float) -> None:
        pass

    assert await RetryPolicy(retries=5).run(attempt, transient=lambda a: a == "busy",
                                            sleep=sleep) == "ok"
    assert len(calls) == 2


def test_the_sync_form_has_the_same_attempts_waits_and_an_extra_stop() -> None:
    policy = RetryPolicy(retries=3, backoff=0.5, retry_after_cap=float("inf"), jitter=0.0)
    slept: list[float] = []
    calls: list[int] = []

    def flaky() -> None:
        calls.append(1)
        raise ConnectionError("dropped")

    retrying = policy.retrying(retry=retry_if_exception_type(ConnectionError),
                               retry_after=lambda _: None, sleep=slept.append)
    with pytest.raises(ConnectionError):
        retrying(flaky)
    assert len(calls) == 4 and slept == [0.5, 1.0, 2.0]

    calls.clear()
    budget = policy.retrying(retry=retry_if_exception_type(ConnectionError),
                             retry_after=lambda _: 7.0, sleep=slept.append,
                             stop=lambda state: state.upcoming_sleep > 6)
    with pytest.raises(ConnectionError):
        budget(flaky)
    assert len(calls) == 1  # the 7 s asked for is over the caller's budget: no retry
