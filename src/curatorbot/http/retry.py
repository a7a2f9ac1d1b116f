"""The one retry policy of every request the bot makes (tenacity): how many attempts, how
long to wait between them.

`RetryPolicy` is frozen and built once from the settings (`RetryPolicy.from_settings`).
What is worth retrying is the caller's to say (the checker: 408, 429 and every 5xx but 501
and 505 without bot-wall signs, `check.classify.TRANSIENT_CODES`, timeouts, dropped
connections; an API client: its own unusable answers too); the policy says how: at most
`retries` more attempts, each after the server's `Retry-After` when it gave a valid one
(capped at `retry_after_cap`; a malformed value such as `3s` counts as none), else
exponential backoff with jitter starting at `backoff` seconds, at most `backoff_max`.

* `await policy.run(attempt, transient=..., retry_after=...)` (async: the checker, the
  metadata providers) returns the last outcome when the retries run out, never raises one;
* `policy.retrying(retry=..., retry_after=...)` is tenacity's sync `Retrying` with the same
  stop and wait (the GitHub publisher, whose PyGithub calls raise).

`Retry-After` itself (seconds or an HTTP date) is parsed in one place: `http.headers`.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from tenacity import (
    AsyncRetrying,
    RetryCallState,
    Retrying,
    retry_if_result,
    stop_after_attempt,
)
from tenacity.retry import retry_base
from tenacity.stop import stop_base
from tenacity.wait import wait_base, wait_exponential_jitter

from curatorbot.settings import Settings

T = TypeVar("T")
BACKOFF_MAX = 10.0


class RetryAfterWait(wait_base):
    """Wait what the server asked for (capped), else fall back to `fallback`."""

    def __init__(self, cap: float, fallback: wait_base,
                 asked: Callable[[RetryCallState], float | None]) -> None:
        self.cap = cap
        self.fallback = fallback
        self.asked = asked

    def __call__(self, retry_state: RetryCallState) -> float:
        seconds = self.asked(retry_state)
        if seconds is not None:
            return min(max(seconds, 0.0), self.cap)
        return float(self.fallback(retry_state))


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how patiently a request is asked again (see the module doc)."""

    retries: int = 2
    backoff: float = 1.0
    retry_after_cap: float = 60.0
    backoff_max: float = BACKOFF_MAX
    jitter: float | None = None  # up to this much added to each backoff; None: `backoff`

    @classmethod
    def from_settings(cls, settings: Settings) -> RetryPolicy:
        return cls(retries=settings.retries, backoff=settings.retry_backoff,
                   retry_after_cap=settings.retry_after_cap)

    def wait(self, asked: Callable[[RetryCallState], float | None]) -> wait_base:
        """The wait before each retry: what the server `asked`, else the backoff."""
        return RetryAfterWait(self.retry_after_cap, wait_exponential_jitter(
            multiplier=self.backoff, max=max(self.backoff, self.backoff_max),
            jitter=self.backoff if self.jitter is None else self.jitter), asked)

    async def run(self, attempt: Callable[[], Awaitable[T]], *,
                  transient: Callable[[T], bool],
                  retry_after: Callable[[T], float | None] = lambda _: None,
                  sleep: Callable[[float], Awaitable[None]] = asyncio.sleep) -> T:
        """Run `attempt` until its outcome is not `transient` or the retries run out; the
        last outcome is returned either way. `sleep` waits between attempts.

        Most requests settle at once, so the first attempt is made before a tenacity
        controller exists (setting one up costs more than the request's own bookkeeping); a
        transient first outcome is handed to the controller as its first attempt, which then
        waits and retries exactly as if it had made that attempt itself.
        """
        first = await attempt()
        if self.retries == 0 or not transient(first):
            return first
        replay: list[T] = [first]

        async def again() -> T:
            return replay.pop() if replay else await attempt()

        def asked(state: RetryCallState) -> float | None:
            outcome = state.outcome
            if outcome is None or outcome.failed:
                return None
            return retry_after(outcome.result())

        controller: AsyncRetrying = AsyncRetrying(
            sleep=sleep, stop=stop_after_attempt(self.retries + 1),
            retry=retry_if_result(transient), wait=self.wait(asked),
            retry_error_callback=_last_result, reraise=True)
        result: T = await controller(again)
        return result

    def retrying(self, *, retry: retry_base,
                 retry_after: Callable[[RetryCallState], float | None],
                 stop: Callable[[RetryCallState], bool] | None = None,
                 sleep: Callable[[float], None] = time.sleep,
                 before_sleep: Callable[[RetryCallState], None] | None = None) -> Retrying:
        """tenacity's sync `Retrying` with this policy's attempts and wait; `stop` adds a
        condition of the caller's (a budget), `retry` says which failures are retried."""
        limit: stop_base = stop_after_attempt(self.retries + 1)
        return Retrying(retry=retry, wait=self.wait(retry_after),
                        stop=limit if stop is None else limit | _StopIf(stop), sleep=sleep,
                        reraise=True, before_sleep=before_sleep)


class _StopIf(stop_base):
    """Stop when the caller's condition says so (a budget of waiting, say)."""

    def __init__(self, condition: Callable[[RetryCallState], bool]) -> None:
        self.condition = condition

    def __call__(self, retry_state: RetryCallState) -> bool:
        return self.condition(retry_state)


def _last_result(retry_state: RetryCallState) -> Any:
    assert retry_state.outcome is not None
    return retry_state.outcome.result()
