"""What every report format shows, computed once: rows of problems, outages, the summary."""

from __future__ import annotations

from dataclasses import dataclass

from curatorbot.results import UNVERIFIED_FAILURES, CheckReport, LinkResult, Status
from curatorbot.results import FailureKind as Kind
from curatorbot.urls import host_key


@dataclass(frozen=True)
class Row:
    """One link worth a line in a report."""

    result: LinkResult
    entry: str
    line: int
    uses: int

    @property
    def status(self) -> str:
        return self.result.status.value

    @property
    def detail(self) -> str:
        r = self.result
        if r.status is Status.REDIRECT:
            return f"moved to {r.moved_to or r.final_url}"
        text = r.error or (f"HTTP {r.http_status}" if r.http_status else "")
        if r.redirects and r.final_url and r.final_url != r.url:
            text += f" (after {len(r.redirects)} redirect(s), at {r.final_url})"
        return text


def rows(report: CheckReport, statuses: tuple[Status, ...]) -> list[Row]:
    """Rows for results with these statuses, in catalog order; URLs that a host outage or
    the lack of any network left unverified are left out (the summary says those once)."""
    out = []
    for result in report.results:
        if result.status not in statuses or result.failure in UNVERIFIED_FAILURES:
            continue  # said once for the host or the run, not once per URL
        places = report.places(result.url)
        first = places[0] if places else None
        out.append(Row(result, first.entry if first else "", first.line if first else 0,
                       len(places)))
    return out


def failing_rows(report: CheckReport) -> list[Row]:
    return rows(report, (Status.DEAD, Status.ERROR))


def notable_rows(report: CheckReport) -> list[Row]:
    """Links that do not fail the check but deserve a look: timeouts, blocked, moved."""
    return rows(report, (Status.TIMEOUT, Status.BLOCKED, Status.REDIRECT))


def outage_lines(report: CheckReport) -> dict[str, int]:
    """Per host hit by an outage, the catalog line of its first URL (0: not in the catalog).

    A URL belongs to the host of where it ended (`host_key`, the exact host name, as the host
    guard counts it): an outage of b.com is not one of sub.b.com."""
    lines: dict[str, int] = {}
    for result in report.results:
        if result.failure == Kind.OUTAGE:
            host = host_key(result.final_url or result.url)
            if host not in lines:
                place = report.first_place(result.url)
                lines[host] = place.line if place else 0
    return lines


def summary_line(report: CheckReport) -> str:
    """`checked 12 distinct URLs in 1.2 s: 9 ok, 1 redirect, 2 dead; 2 failing`."""
    counts = report.counts()
    parts = [f"{n} {status}" for status, n in counts.items() if n]
    failing = len(report.failing())
    text = (f"checked {len(report.results)} distinct URLs on {report.hosts} hosts in "
            f"{report.duration:.1f} s: {', '.join(parts) or 'nothing to check'}; "
            f"{failing} failing")
    if report.outages:
        text += f"; {len(report.outages)} host outage(s)"
    if report.network_down:
        text += "; NO NETWORK: nothing could be verified, no link was classified dead"
    if report.interrupted:
        text += "; INTERRUPTED: the remaining URLs were not checked"
    return text
