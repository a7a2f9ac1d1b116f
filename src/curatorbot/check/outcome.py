"""The host guard that keeps outages from looking dead (the finished `CheckReport` is a
shared value in `results`).

The checker judges each URL alone; some failures only make sense across URLs:

* **No network.** When no host answered at all (no HTTP answer, no TLS handshake, no
  connection) and some URLs failed at DNS or connect, the run verified nothing: an offline
  laptop, a runner with a broken resolver. Those URLs become `error` with failure
  `no-network` ("not verified: no network"), never `dead`, and `network_down` is set: the
  CLI exits 5.
* **One host's outage.** When a host never answered and at least `outage_after` (3) of its
  requests failed to connect (refused, unreachable, connect timeout, DNS server failure),
  that is the host's outage, not N dead links: each of its URLs becomes `error` with
  failure `outage` and the report lists the host once in `outages` (the checker stopped
  sending it requests once it was known to be down). A name that does not exist (NXDOMAIN)
  is an answer, not an outage: its URLs stay `dead`.

Both verdicts are known for sure only at the end of the run, but progress is shown while
results arrive. `GuardedProgress` therefore passes on a result only once the guard can no
longer change it (`settled`): a DNS or connect failure is provisional until some host has
answered (the network works) and, when it may be an outage, until its own host has
answered (then it is not down). Until then it is held, and shown at the end with the
guard's verdict: no progress line says `dead` for a link that the report calls unverified.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import replace

from curatorbot.http.hosts import HostPool
from curatorbot.results import (
    NETWORK_KINDS,
    OUTAGE_KINDS,
    HostOutage,
    LinkResult,
    Status,
)
from curatorbot.results import FailureKind as Kind
from curatorbot.urls import host_key

# Failures that leave a URL unverified for want of a network (the host guard's own
# `outage` verdict included), and those of them that may be one host's passing outage.
UNREACHED_KINDS = NETWORK_KINDS | {Kind.OUTAGE}
MAYBE_OUTAGE_KINDS = OUTAGE_KINDS | {Kind.OUTAGE}


def _host(result: LinkResult) -> str:
    return host_key(result.final_url or result.url)


def settled(result: LinkResult, hosts: HostPool) -> bool:
    """Whether `apply_host_guard` can no longer change `result`, whatever happens in the
    rest of the run (hosts only ever start answering, never stop having answered)."""
    if result.failure not in UNREACHED_KINDS:
        return True
    if not hosts.any_answered:
        return False  # may yet be a run without network
    return result.failure not in MAYBE_OUTAGE_KINDS or hosts.answered(_host(result))


class GuardedProgress:
    """Passes each result to `progress` as soon as it is `settled`; holds the others
    until `release` gives them with the host guard's verdict (see module doc)."""

    def __init__(self, hosts: HostPool, progress: Callable[[LinkResult], None]) -> None:
        self._hosts = hosts
        self._progress = progress
        self._held: list[LinkResult] = []
        self._network_seen = False

    def __call__(self, result: LinkResult) -> None:
        if settled(result, self._hosts):
            self._progress(result)
        else:
            self._held.append(result)
        if not self._network_seen and self._hosts.any_answered:
            # The network works: the name-not-found failures held so far are dead for sure.
            self._network_seen = True
            held, self._held = self._held, []
            for kept in held:
                self(kept)

    def release(self, guarded: Iterable[LinkResult]) -> None:
        """Pass the held results as the guard judged them (`guarded`: the final results)."""
        if not self._held:
            return
        final = {r.url: r for r in guarded}
        held, self._held = self._held, []
        for result in held:
            self._progress(final.get(result.url, result))


def apply_host_guard(results: list[LinkResult], hosts: HostPool
                     ) -> tuple[list[LinkResult], list[HostOutage], bool]:
    """Rewrite network failures into `no-network` or `outage` verdicts (see module doc)."""
    if not hosts.any_answered and any(r.failure in UNREACHED_KINDS for r in results):
        guarded = [
            replace(r, status=Status.ERROR, failure=Kind.NO_NETWORK,
                    error=f"not verified: no network ({r.error})")
            if r.failure in UNREACHED_KINDS else r
            for r in results
        ]
        return guarded, [], True
    down = {s.name: s.last_failure for s in hosts.states() if hosts.down(s.name)}
    if not down:
        return results, [], False
    # Per result, the down host its failure is put down to (None: the result stands).
    hit: list[str | None] = []
    for r in results:
        host = _host(r) if r.failure in MAYBE_OUTAGE_KINDS else None
        hit.append(host if host in down else None)
    affected = Counter(host for host in hit if host is not None)
    outages = [HostOutage(host, down[host], count) for host, count in sorted(affected.items())]
    guarded = [
        r if host is None else
        replace(r, status=Status.ERROR, failure=Kind.OUTAGE,
                error=f"host outage: {host} ({down[host]}); "
                      f"{affected[host]} URLs of this host not verified")
        for r, host in zip(results, hit, strict=True)
    ]
    return guarded, outages, False
