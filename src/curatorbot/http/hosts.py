"""Per-host politeness and health: in-flight limit, spacing, 429 slow-down, outage tracking.

Every request goes through `HostPool.slot(host)`, which

* holds one of `per_host` slots for the host, so requests in flight to one host never
  exceed the limit (redirect hops and retries included: each takes its own slot);
* starts requests at least `interval` seconds apart (`min_interval`, 0 by default);
* honours a slow-down: after a 429 no request to that host starts before the server's
  `Retry-After` (or a second) has passed, and the host's requests are spaced out (at least
  50 ms, doubling with each further 429, up to `MAX_INTERVAL`), easing back to
  `min_interval` as answers without 429 come in.

The pool also remembers, per host, whether anything ever answered, how many requests
failed at the network level in a way that may be an outage (refused, unreachable, connect
timeout, no DNS answer; a name that does not exist is an answer) and the last network
failure; the checker's host guard (`check.outcome`) uses that to tell one host's outage,
or a run without network, from dead links. The checker's pipeline uses `ready_at` to avoid
starting work for a host that is paused, and `down` to stop sending requests to a host that
has already failed `outage_after` times without ever answering.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass

from curatorbot.results import OUTAGE_KINDS

Sleep = Callable[[float], Awaitable[None]]

DEFAULT_SLOWDOWN = 1.0        # pause after a 429 without Retry-After
MIN_SLOWDOWN_INTERVAL = 0.05  # spacing after a first 429; doubles with each further one
MAX_INTERVAL = 5.0
EASE = 0.8                    # each answer without 429 shrinks the spacing by this factor


@dataclass
class HostState:
    """What the pool knows about one host."""

    name: str
    semaphore: asyncio.Semaphore
    interval: float
    base_interval: float
    next_start: float = 0.0
    answered: int = 0
    outage_failures: int = 0
    last_failure: str = ""
    head_rejected: bool = False


class HostPool:
    """The per-host state of one run."""

    def __init__(self, per_host: int, min_interval: float = 0.0, outage_after: int = 3) -> None:
        self.per_host = per_host
        self.min_interval = min_interval
        self.outage_after = outage_after
        self._hosts: dict[str, HostState] = {}
        self._any_answered = False

    def get(self, host: str) -> HostState:
        state = self._hosts.get(host)
        if state is None:
            state = HostState(host, asyncio.Semaphore(self.per_host), self.min_interval,
                              self.min_interval)
            self._hosts[host] = state
        return state

    def states(self) -> list[HostState]:
        return list(self._hosts.values())

    @property
    def any_answered(self) -> bool:
        """Whether any host has answered in this run (then the network works)."""
        return self._any_answered

    def answered(self, host: str) -> bool:
        """Whether `host` has answered in this run (then it is not down)."""
        state = self._hosts.get(host)
        return state is not None and state.answered > 0

    @asynccontextmanager
    async def slot(self, host: str, sleep: Sleep | None = None) -> AsyncIterator[None]:
        """Hold one request slot of `host`, started no earlier than the host allows;
        `sleep(seconds)` waits for the turn (the checker's counts the wait as a rest)."""
        state = self.get(host)
        async with state.semaphore:
            await self._wait_turn(state, sleep or asyncio.sleep)
            yield

    async def _wait_turn(self, state: HostState, sleep: Sleep) -> None:
        while True:
            now = time.monotonic()
            delay = state.next_start - now
            if delay <= 0:
                state.next_start = now + state.interval
                return
            # The start may move again (a 429 meanwhile): re-check after the wait.
            await sleep(delay)

    def ready_at(self, host: str) -> float:
        """The monotonic time before which no request to `host` may start."""
        state = self._hosts.get(host)
        return state.next_start if state is not None else 0.0

    def slow_down(self, host: str, retry_after: float | None, cap: float) -> None:
        """A 429 from `host`: pause the whole host and space its requests further apart."""
        state = self.get(host)
        pause = min(retry_after if retry_after is not None else DEFAULT_SLOWDOWN, cap)
        state.next_start = max(state.next_start, time.monotonic() + pause)
        state.interval = min(MAX_INTERVAL, max(state.interval * 2, MIN_SLOWDOWN_INTERVAL))

    def record_answer(self, host: str) -> None:
        """`host` answered over HTTP (any status) or completed a TLS handshake."""
        state = self.get(host)
        state.answered += 1
        self._any_answered = True
        if state.interval > state.base_interval:
            eased = state.interval * EASE
            state.interval = eased if eased > state.base_interval + 0.005 else state.base_interval

    def record_network_failure(self, host: str, kind: str, message: str) -> None:
        """A request to `host` failed before any answer (DNS, connect) with failure `kind`.

        Only a kind that may be a passing outage (`OUTAGE_KINDS`: a refused or timed-out
        connection...) counts towards `down`; a name that does not exist is an answer.
        """
        state = self.get(host)
        if kind in OUTAGE_KINDS:
            state.outage_failures += 1
        state.last_failure = message

    def down(self, host: str) -> bool:
        """Whether `host` has failed `outage_after` times and never answered."""
        state = self._hosts.get(host)
        return (state is not None and state.answered == 0
                and state.outage_failures >= self.outage_after)

