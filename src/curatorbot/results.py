"""What a check says, shared by every layer: `Status`, `FailureKind`, `LinkResult`, where a
URL is used (`Place`, `Target`) and the finished `CheckReport`.

The statuses and their meaning are the contract in README.md ("Link status"); reports and
the JSON output use `Status.value` and `FailureKind.value` verbatim. These are plain values:
`report/` and `publish/` read them without importing the checker, and the CLI maps a report
to an exit code (`commands.common.exit_code`).
"""

from __future__ import annotations

import enum
from collections import Counter
from dataclasses import dataclass, field
from typing import Any


class Status(enum.StrEnum):
    """Exactly one of these per checked URL."""

    OK = "ok"
    REDIRECT = "redirect"
    DEAD = "dead"
    BLOCKED = "blocked"
    TIMEOUT = "timeout"
    ERROR = "error"
    EXCLUDED = "excluded"

    @property
    def fails(self) -> bool:
        """Whether this status makes `check` exit 2 (dead and error do)."""
        return self in (Status.DEAD, Status.ERROR)


# The statuses that need a person's attention: the health issue lists them and `update`
# keeps their run history (first failure, strikes) in its report.
ATTENTION_STATUSES = frozenset({Status.DEAD, Status.ERROR, Status.TIMEOUT, Status.BLOCKED})


class FailureKind(enum.StrEnum):
    """Machine-readable failure kinds (`LinkResult.failure`, the JSON report's `failure`)."""

    DNS = "dns"                        # the name does not exist (NXDOMAIN)
    DNS_TEMPORARY = "dns-temporary"    # no resolver answered
    REFUSED = "refused"
    UNREACHABLE = "unreachable"
    CONNECT = "connect"                # other connect errors
    CONNECT_TIMEOUT = "connect-timeout"
    TIMEOUT = "timeout"                # connected, but no (complete) answer in time
    RESET = "reset"                    # the connection dropped mid-request
    TLS = "tls"
    PRIVATE = "private"                # refused by the address guard
    PROTOCOL = "protocol"              # a malformed HTTP answer
    LOOP = "loop"
    TOO_MANY_REDIRECTS = "too-many-redirects"
    BAD_REDIRECT = "bad-redirect"
    HTTP = "http"                      # an HTTP status that is not accepted
    OUTAGE = "outage"                  # set by the host guard (see check.outcome)
    NO_NETWORK = "no-network"          # set by the host guard
    PARKED = "parked"                  # a parking or domain-sale page (check.parked)
    SOFT_404 = "soft-404"              # 2xx, but the host's answer for a missing page
    FRAGMENT_MISSING = "fragment-missing"  # the page has no element for the #fragment


# Failures that say nothing about the page, only that the host or the network is unreachable.
NETWORK_KINDS = frozenset({FailureKind.DNS, FailureKind.DNS_TEMPORARY, FailureKind.REFUSED,
                           FailureKind.UNREACHABLE, FailureKind.CONNECT,
                           FailureKind.CONNECT_TIMEOUT})
# Of those, the ones that may be a passing outage of one host (NXDOMAIN is an answer).
OUTAGE_KINDS = NETWORK_KINDS - {FailureKind.DNS}
# Failures worth asking again: the next attempt may get through.
TRANSIENT_KINDS = frozenset({FailureKind.TIMEOUT, FailureKind.CONNECT_TIMEOUT,
                             FailureKind.RESET})

# Failure kinds of URLs that a host's outage or the lack of any network left unverified.
# Reports say those once, for the host or the run, never as one failing link per URL.
UNVERIFIED_FAILURES = frozenset({FailureKind.OUTAGE, FailureKind.NO_NETWORK})


@dataclass(frozen=True, slots=True)
class Hop:
    """One answered request of a redirect chain: the URL asked and the status it gave."""

    url: str
    http_status: int


@dataclass(frozen=True, slots=True)
class LinkResult:
    """The verdict on one distinct URL."""

    url: str
    status: Status
    http_status: int | None = None
    final_url: str | None = None
    redirects: tuple[Hop, ...] = ()
    error: str | None = None
    attempts: int = 0
    elapsed_ms: int = 0
    title: str | None = None
    permanent: bool = False
    # True when the run history stood in for a check (`update --max-age`).
    cached: bool = False
    # Machine-readable failure class (`FailureKind`: "dns", "refused", "timeout",
    # "outage", "no-network"...), None when the chain ended in an accepted answer.
    failure: str | None = None
    # Where the catalog should point: the target of the chain's leading permanent redirects
    # (A -301-> B -302-> C gives B), None when the first hop is not permanent.
    moved_to: str | None = None

    def to_json(self) -> dict[str, Any]:
        """The JSON report's object for this URL (without entry/line, which reports add)."""
        return {
            "url": self.url,
            "status": self.status.value,
            "http_status": self.http_status,
            "final_url": self.final_url,
            "redirects": [{"url": h.url, "http_status": h.http_status} for h in self.redirects],
            "error": self.error,
            "attempts": self.attempts,
            "elapsed_ms": self.elapsed_ms,
            "title": self.title,
            "failure": self.failure,
            "moved_to": self.moved_to,
        }


@dataclass(frozen=True, slots=True)
class Place:
    """One use of a URL in the catalog."""

    entry: str
    line: int


@dataclass(slots=True)
class Target:
    """One distinct URL and every place it is used."""

    url: str
    places: list[Place] = field(default_factory=list)
    ignored: bool = True  # until a use without `ignore: true` is seen


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
    # The run history as a whole (`update --history-branch`): branch, runs, first_run,
    # last_run, lost, problem; the JSON report carries it for the health issue.
    run_history: dict[str, object] | None = None

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
