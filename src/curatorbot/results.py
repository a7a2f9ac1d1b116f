"""What a check says about one URL: the flat status values of the contract and `LinkResult`.

The statuses and their meaning are the contract in README.md ("Link status"); reports and
the JSON output use `Status.value` verbatim.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
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

# Failure kinds (`LinkResult.failure`; check.classify's Kind.OUTAGE and Kind.NO_NETWORK) of
# URLs that a host's outage or the lack of any network left unverified. Reports say those
# once, for the host or the run, never as one failing link per URL.
UNVERIFIED_FAILURES = frozenset({"outage", "no-network"})


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
    # Machine-readable failure class (check.classify.Kind: "dns", "refused", "timeout",
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
