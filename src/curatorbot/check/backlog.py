"""The URLs waiting to be checked, one queue per host, and which host goes next.

The checker starts a URL whenever a request slot is free; `Backlog.pick` says whose. Each
host's claim is the work it has waiting per URL it already has at work (plus one):

    claim(host) = waiting(host) * seconds_per_url(host) / (working(host) + 1)

where seconds_per_url is what the host's finished URLs took on average (before any has
finished: the average over all hosts, or 1). So every host soon gets a first slot, a host
with more links, or slower ones (redirect chains, HEAD refused, retries, a slow server),
gets more of the shared slots (never more than `per_host`), and hosts run out of work
together instead of the biggest or slowest one being left alone at the end, at `per_host`
requests at a time. (Serving hosts in turn finishes them in the order of their size;
serving the longest queue first starts small hosts late and strands whichever turns out
slower than its size said.)

A URL at work that waits out a retry backoff or its host's pause is *resting*: it makes no
request, so it does not count against its host's `per_host` (nor, in the checker, against
the global limit); `working` is the URLs at work that are not resting.

Claims live in a heap; a host's entry is replaced, not updated, when its claim changes
(an entry whose version is not the host's current one is skipped).
"""

from __future__ import annotations

import heapq
import itertools
from collections import deque


class Backlog:
    """Waiting URLs per host, and the URLs at work per host (at most `per_host` working)."""

    def __init__(self, per_host: int) -> None:
        self.per_host = per_host
        self.waiting = 0
        self.resting = 0  # URLs at work that wait out a backoff or a pause (no request)
        self._queues: dict[str, deque[str]] = {}
        self._at_work: dict[str, int] = {}
        self._resting: dict[str, int] = {}
        self._heap: list[tuple[float, int, str]] = []
        self._version: dict[str, int] = {}
        self._order = itertools.count()
        self._spent: dict[str, tuple[float, int]] = {}  # host -> (seconds, URLs finished)
        self._all_spent = (0.0, 0)

    def __len__(self) -> int:
        return self.waiting

    def add(self, host: str, url: str) -> None:
        self._queues.setdefault(host, deque()).append(url)
        self.waiting += 1
        self._push(host)

    def pick(self) -> str | None:
        """The host with the strongest claim that has a URL waiting and a slot free."""
        while self._heap:
            _, version, host = heapq.heappop(self._heap)
            if version == self._version.get(host):
                del self._version[host]  # out of the heap until its claim changes again
                return host
        return None

    def start(self, host: str) -> str:
        """Take `host`'s next URL (the host must have one) and count it at work."""
        url = self._queues[host].popleft()
        self.waiting -= 1
        self._at_work[host] = self._at_work.get(host, 0) + 1
        if not self._queues[host]:
            del self._queues[host]
        self._push(host)
        return url

    def done(self, host: str, seconds: float) -> None:
        """One of `host`'s URLs is finished, after `seconds` at work."""
        left = self._at_work[host] - 1
        if left:
            self._at_work[host] = left
        else:
            del self._at_work[host]
        self._all_spent = (self._all_spent[0] + seconds, self._all_spent[1] + 1)
        if left or host in self._queues:
            spent, count = self._spent.get(host, (0.0, 0))
            self._spent[host] = (spent + seconds, count + 1)
            self._push(host)
        else:  # nothing left of this host: forget it (memory stays flat with many hosts)
            self._spent.pop(host, None)
            self._version.pop(host, None)

    def rest(self, host: str) -> None:
        """One of `host`'s URLs at work waits without a request: its slot is free."""
        self._resting[host] = self._resting.get(host, 0) + 1
        self.resting += 1
        self._push(host)

    def wake(self, host: str) -> None:
        """That URL is back at work."""
        left = self._resting[host] - 1
        if left:
            self._resting[host] = left
        else:
            del self._resting[host]
        self.resting -= 1
        self._push(host)

    def seconds_per_url(self, host: str) -> float:
        spent, count = self._spent.get(host) or self._all_spent
        return spent / count if count and spent > 0 else 1.0

    def resume(self, host: str) -> None:
        """Offer `host` again (it was picked but could not start: paused)."""
        self._push(host)

    def _push(self, host: str) -> None:
        queue = self._queues.get(host)
        working = self._at_work.get(host, 0) - self._resting.get(host, 0)
        if not queue or working >= self.per_host:
            self._version.pop(host, None)  # nothing to start: out until it changes
            return
        version = next(self._order)
        self._version[host] = version
        claim = len(queue) * self.seconds_per_url(host) / (working + 1)
        heapq.heappush(self._heap, (-claim, version, host))
        if len(self._heap) > 2 * len(self._version) + 1024:  # mostly replaced entries
            self._heap = [e for e in self._heap if self._version.get(e[2]) == e[1]]
            heapq.heapify(self._heap)
