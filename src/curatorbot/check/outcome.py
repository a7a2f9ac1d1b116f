"""A finished check: `CheckReport`, and the host guard that keeps outages from looking dead.

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
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, replace

from curatorbot.check.classify import NETWORK_KINDS, OUTAGE_KINDS, Kind
from curatorbot.check.hosts import HostPool
from curatorbot.check.targets import Place, Target
from curatorbot.errors import EXIT_FAILURES, EXIT_INTERRUPTED, EXIT_NO_NETWORK, EXIT_OK
from curatorbot.results import LinkResult, Status
from curatorbot.urls import host_key


@dataclass(frozen=True)
class HostOutage:
    """A host that never answered: reported once, for all its URLs."""

    host: str
    reason: str
    urls: int


@dataclass
class CheckReport:
    """Everything a report needs: one result per distinct URL, in catalog order."""

    results: list[LinkResult]
    targets: dict[str, Target] = field(default_factory=dict)
    duration: float = 0.0
    network_down: bool = False
    outages: list[HostOutage] = field(default_factory=list)
    interrupted: bool = False
    catalog_path: str = ""
    hosts: int = 0
    # Facts from the run history per URL (first_failure, strikes, confirmed_dead), which
    # `update` adds and the JSON report carries for the health issue.
    history: dict[str, dict[str, object]] = field(default_factory=dict)

    def counts(self) -> dict[str, int]:
        """Results per status, every status present (zeros included)."""
        tally = Counter(r.status for r in self.results)
        return {s.value: tally.get(s, 0) for s in Status}

    def failing(self) -> list[LinkResult]:
        """The results that make the check fail (dead, error), in catalog order."""
        return [r for r in self.results if r.status.fails]

    def places(self, url: str) -> list[Place]:
        """Where `url` is used in the catalog (empty when unknown)."""
        target = self.targets.get(url)
        return list(target.places) if target else []

    def first_place(self, url: str) -> Place | None:
        places = self.places(url)
        return places[0] if places else None

    @property
    def exit_code(self) -> int:
        """The CLI's exit code for this report (design.md's contract; 130 interrupted)."""
        if self.interrupted:
            return EXIT_INTERRUPTED
        if self.network_down:
            return EXIT_NO_NETWORK
        return EXIT_FAILURES if self.failing() else EXIT_OK


# Failures that leave a URL unverified for want of a network (the host guard's own
# `outage` verdict included), and those of them that may be one host's passing outage.
UNREACHED_KINDS = NETWORK_KINDS | {Kind.OUTAGE}
MAYBE_OUTAGE_KINDS = OUTAGE_KINDS | {Kind.OUTAGE}


def _host(result: LinkResult) -> str:
    return host_key(result.final_url or result.url)


def apply_host_guard(results: list[LinkResult], hosts: HostPool
                     ) -> tuple[list[LinkResult], list[HostOutage], bool]:
    """Rewrite network failures into `no-network` or `outage` verdicts (see module doc)."""
    states = hosts.states()
    if states and not any(s.answered for s in states) and any(
            r.failure in UNREACHED_KINDS for r in results):
        guarded = [
            replace(r, status=Status.ERROR, failure=Kind.NO_NETWORK,
                    error=f"not verified: no network ({r.error})")
            if r.failure in UNREACHED_KINDS else r
            for r in results
        ]
        return guarded, [], True
    down = {s.name: s.last_failure for s in states if hosts.down(s.name)}
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
