"""The retry policy (tenacity): which outcomes are retried, and how long to wait.

Retried: HTTP 408, 429 and every 5xx but 501 and 505 (`classify.TRANSIENT_CODES`), without
bot-wall signs, timeouts and dropped connections. Not retried: DNS failures, refused
connections, TLS failures, anything else (retrying them only delays a certain answer).
The wait is the server's `Retry-After` when it gave a valid one (delta-seconds or an HTTP
date, capped at `retry_after_cap`; a malformed value such as `3s` counts as none), else
exponential backoff with jitter starting at `retry_backoff` seconds. When the retries run
out, the last outcome is returned, never an exception, so the caller classifies what the
server last said.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from tenacity import AsyncRetrying, RetryCallState, retry_if_result, stop_after_attempt
from tenacity.wait import wait_base, wait_exponential_jitter

from curatorbot.check.classify import Answer, Outcome
from curatorbot.settings import Settings

BACKOFF_MAX = 10.0


class RetryAfterWait(wait_base):
    """Wait what the server asked for (capped), else fall back to `fallback`."""

    def __init__(self, cap: float, fallback: wait_base) -> None:
        self.cap = cap
        self.fallback = fallback

    def __call__(self, retry_state: RetryCallState) -> float:
        outcome = retry_state.outcome
        if outcome is not None and not outcome.failed:
            result = outcome.result()
            if isinstance(result, Answer) and result.retry_after is not None:
                return min(result.retry_after, self.cap)
        return float(self.fallback(retry_state))


def is_transient(outcome: Outcome) -> bool:
    """Whether this outcome is worth asking again."""
    return outcome.transient


def _last_outcome(retry_state: RetryCallState) -> Outcome:
    assert retry_state.outcome is not None
    result: Outcome = retry_state.outcome.result()
    return result


def retrying(settings: Settings,
             sleep: Callable[[float], Awaitable[None]] = asyncio.sleep) -> AsyncRetrying:
    """A tenacity controller for one request, configured from `settings`."""
    backoff = settings.retry_backoff
    return AsyncRetrying(
        sleep=sleep,
        stop=stop_after_attempt(settings.retries + 1),
        retry=retry_if_result(is_transient),
        wait=RetryAfterWait(settings.retry_after_cap, wait_exponential_jitter(
            multiplier=backoff, max=max(backoff, BACKOFF_MAX), jitter=backoff)),
        retry_error_callback=_last_outcome,
        reraise=True,
    )


async def with_retries(settings: Settings, request: Callable[[], Awaitable[Outcome]],
                       sleep: Callable[[float], Awaitable[None]] = asyncio.sleep) -> Outcome:
    """Run `request` until it gives a non-transient outcome or the retries run out.

    Most requests settle at once, so the first attempt is made before a tenacity controller
    exists (setting one up costs more than the request's own bookkeeping); a transient first
    outcome is handed to the controller as its first attempt, which then waits and retries
    exactly as if it had made that attempt itself. `sleep` waits between attempts.
    """
    first = await request()
    if not is_transient(first) or settings.retries == 0:
        return first
    replay: list[Outcome] = [first]

    async def attempt() -> Outcome:
        return replay.pop() if replay else await request()

    outcome: Outcome = await retrying(settings, sleep)(attempt)
    return outcome
