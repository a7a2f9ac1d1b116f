"""GitHub's rate-limit signals (`X-RateLimit-*`, `Retry-After`) and the waiting policy.

`RateLimit.from_headers` reads what a response says; `Pacer.wait` sleeps when asked to,
but only after saying so in the log and only up to a cap: a wait beyond the cap is refused
(returns False) so that the caller stops and reports instead of sleeping for minutes.
`RateGate` is what a GitHub client (GraphQL or REST) puts in front of its requests: it
remembers the last window a response reported, waits out an exhausted one before the next
request, waits out a rate-limited answer, and raises `Stop` (for good: every later request
too) when a wait would pass the cap.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import NoReturn

from curatorbot.http.headers import parse_retry_after

log = logging.getLogger("curatorbot.metadata")


@dataclass(frozen=True)
class RateLimit:
    """The rate-limit state one response reports (None: the header was absent)."""

    limit: int | None = None
    remaining: int | None = None
    reset: float | None = None  # epoch seconds
    retry_after: float | None = None

    @classmethod
    def from_headers(cls, headers: Mapping[str, str], now: float | None = None) -> RateLimit:
        """Parse `X-RateLimit-Limit/Remaining/Reset` and `Retry-After` (seconds or a date)."""
        return cls(
            limit=_int(headers.get("X-RateLimit-Limit")),
            remaining=_int(headers.get("X-RateLimit-Remaining")),
            reset=_float(headers.get("X-RateLimit-Reset")),
            retry_after=parse_retry_after(
                headers.get("Retry-After"),
                None if now is None else datetime.fromtimestamp(now, UTC)),
        )

    @property
    def exhausted(self) -> bool:
        """Whether no request is left in this window."""
        return self.remaining == 0

    def wait_seconds(self, now: float | None = None) -> float | None:
        """How long to wait before the next request may succeed (None: no sign to wait)."""
        if self.retry_after is not None:
            return max(0.0, self.retry_after)
        if self.exhausted and self.reset is not None:
            return max(0.0, self.reset - (time.time() if now is None else now))
        return None

    def describe(self) -> str:
        """A human sentence about the window, for stop messages."""
        left = "?" if self.remaining is None else str(self.remaining)
        used = (f"{left} of {self.limit} requests left" if self.limit is not None
                else f"{left} requests left")
        if self.reset is None:
            return used
        at = datetime.fromtimestamp(self.reset, UTC).strftime("%H:%M UTC")
        return f"{used}; the limit resets at {at}"


class Pacer:
    """Waits that are announced and capped; the cap is the longest silent-free sleep."""

    def __init__(self, cap: float,
                 sleep: Callable[[float], Awaitable[None]] = asyncio.sleep) -> None:
        self.cap = cap
        self._sleep = sleep
        self.waited = 0.0

    async def wait(self, seconds: float, why: str) -> bool:
        """Sleep `seconds` if within the cap (logging it first); False when over the cap."""
        if seconds > self.cap:
            log.warning("%s: would have to wait %.0f s, more than the cap of %.0f s; stopping",
                        why, seconds, self.cap)
            return False
        if seconds > 0:
            log.warning("%s: waiting %.1f s before the next request", why, seconds)
            await self._sleep(seconds)
            self.waited += seconds
        return True


class Stop(Exception):
    """No further request can succeed in this run; the message says why."""


class RateGate:
    """The rate-limit gate of one API (`api` names it in logs and stop messages).

    `note` each response's window; `enter` before each request (waits out an exhausted
    window); `wait_out` a rate-limited answer (`Retry-After`, else the window's reset, else
    `default_wait` seconds). A wait beyond the pacer's cap stops the gate: `stopped` says
    why, and every later `enter` or `wait_out` raises `Stop` with it. Concurrent requests
    share the gate; only one of them waits at a time.
    """

    def __init__(self, api: str, pacer: Pacer, default_wait: float = 0.0) -> None:
        self.api = api
        self.pacer = pacer
        self.default_wait = default_wait
        self.stopped: str | None = None
        self._limit: RateLimit | None = None
        self._lock = asyncio.Lock()

    def note(self, limit: RateLimit) -> None:
        """Remember the window a response reported (ignored when it reported none)."""
        if limit.remaining is not None:
            self._limit = limit

    async def enter(self) -> None:
        """Before a request: raise `Stop` if stopped; wait out an exhausted window."""
        async with self._lock:
            if self.stopped:
                raise Stop(self.stopped)
            limit = self._limit
            if limit is None or not limit.exhausted:
                return
            wait = limit.wait_seconds() or 0.0
            if not await self.pacer.wait(wait, f"{self.api} rate limit exhausted"):
                self._stop(f"{self.api} rate limit exhausted ({limit.describe()})")
            self._limit = None

    async def wait_out(self, limit: RateLimit, status: int) -> None:
        """After a rate-limited answer (`status`): wait as it asks, or stop past the cap."""
        wait = limit.wait_seconds()
        if wait is None:
            wait = self.default_wait
        async with self._lock:
            if self.stopped:
                raise Stop(self.stopped)
            if not await self.pacer.wait(wait, f"{self.api} rate limit (HTTP {status})"):
                self._stop(f"{self.api} rate limit reached ({limit.describe()})")
            self._limit = None

    def _stop(self, reason: str) -> NoReturn:
        self.stopped = reason
        raise Stop(reason)


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


def _float(value: str | None) -> float | None:
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None


