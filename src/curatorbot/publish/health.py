"""The health issue's input and text: `HealthRow` per failing link, title and body.

Rows come from a check report (the JSON report of the design contract, whose results may
also carry `first_failure` and `strikes` from the run history). Only links that need a
person's attention become rows: dead, erroring, timing out and blocked ones. URLs that a
host's outage or the lack of any network left unverified are no rows: each host of the
report's `outages` is named once in the body instead, and a report of a run without network
(`summary.network_down`) is marked as such, so that `curatorbot issue` leaves the issue
alone rather than rewriting it. The report's `history` (from `update --history-branch`)
becomes one line: the history's age and run count, and "run history not found; strikes
restart" when a run found none although earlier runs left their marks.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from curatorbot.errors import UsageError
from curatorbot.jsonfile import read_json
from curatorbot.publish.markdown import BODY_LIMIT, Section, build_body, code, text
from curatorbot.publish.pr_body import IGNORE_HINT, counted
from curatorbot.results import ATTENTION_STATUSES, UNVERIFIED_FAILURES, Status

ISSUE_MARKER = "<!-- curatorbot:health -->"

# Table order, heading, and the words of the title and summary: one per ATTENTION_STATUSES.
STATUSES: tuple[tuple[Status, str, str], ...] = (
    (Status.DEAD, "Dead", "dead"),
    (Status.ERROR, "Erroring", "erroring"),
    (Status.TIMEOUT, "Timing out", "timing out"),
    (Status.BLOCKED, "Blocked (cannot be verified)", "blocked"),
)

HEADER = ("Entry", "URL", "Answer", "Failing since", "Strikes")

# At most this many outage hosts are named in the body; the rest are counted.
OUTAGE_HOSTS_SHOWN = 20


@dataclass(frozen=True)
class HealthRow:
    """One link that needs attention, with how long it has been failing."""

    url: str
    status: Status
    entry: str = ""
    line: int = 0
    http_status: int | None = None
    error: str | None = None
    first_failure: str | None = None
    strikes: int = 0
    also_used: int = 0


@dataclass(frozen=True)
class Outage:
    """A host that never answered (the report's `outages`): named once, not once per URL."""

    host: str
    reason: str = ""
    urls: int = 0


@dataclass(frozen=True)
class HistoryFacts:
    """The run history behind the report: where it is kept, how many runs since when."""

    branch: str
    runs: int
    first_run: str | None = None
    lost: bool = False
    problem: str | None = None


@dataclass(frozen=True)
class HealthReport:
    """What the health issue is built from: rows, host outages, and whether the run had no
    network at all (then nothing was verified and the issue should be left as it is)."""

    rows: list[HealthRow]
    outages: tuple[Outage, ...] = ()
    network_down: bool = False
    history: HistoryFacts | None = None

    @property
    def problems(self) -> int:
        """Rows plus outage hosts: zero means every link checked out healthy."""
        return len(self.rows) + len(self.outages)


def rows_from_report(data: Any, name: str = "report") -> list[HealthRow]:
    """The rows needing attention in a parsed JSON check report; UsageError if malformed."""
    if not isinstance(data, Mapping) or not isinstance(data.get("results"), list):
        raise UsageError(f"{name}: not a curatorbot check report (no 'results' list); "
                         "write one with `curatorbot check --format json --output FILE`")
    rows = []
    for number, item in enumerate(data["results"], 1):
        try:
            status = Status(item["status"])
            if status not in ATTENTION_STATUSES:
                continue
            if item.get("failure") in UNVERIFIED_FAILURES:
                continue  # not verified: the host's outage or the run is said once instead
            if status is Status.DEAD and item.get("confirmed_dead") is False:
                continue  # `update`'s report: not dead in enough runs yet to bother anyone
            rows.append(HealthRow(
                url=str(item["url"]), status=status, entry=str(item.get("entry") or ""),
                line=int(item.get("line") or 0), http_status=_int_or_none(item.get("http_status")),
                error=None if item.get("error") is None else str(item["error"]),
                first_failure=None if item.get("first_failure") is None
                else str(item["first_failure"]),
                strikes=int(item.get("strikes") or 0),
                also_used=max(len(item.get("used_in") or ()) - 1, 0),
            ))
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise UsageError(f"{name}: result {number} is malformed ({type(exc).__name__}: "
                             f"{exc}); each result needs 'url' and a known 'status'") from None
    return rows


def _int_or_none(value: Any) -> int | None:
    return None if value is None else int(value)


def read_report(data: Any, name: str = "report") -> HealthReport:
    """Rows, host outages and `network_down` of a parsed JSON check report; UsageError if
    malformed."""
    rows = rows_from_report(data, name)
    summary = data.get("summary")
    network_down = isinstance(summary, Mapping) and summary.get("network_down") is True
    outages = []
    for number, item in enumerate(data.get("outages") or (), 1):
        try:
            outages.append(Outage(host=str(item["host"]), reason=str(item.get("reason") or ""),
                                  urls=int(item.get("urls") or 0)))
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise UsageError(f"{name}: outage {number} is malformed ({type(exc).__name__}: "
                             f"{exc}); each outage needs a 'host'") from None
    history = None
    item = data.get("history")
    if item is not None:
        try:
            history = HistoryFacts(
                branch=str(item["branch"]), runs=int(item["runs"]),
                first_run=None if item.get("first_run") is None else str(item["first_run"]),
                lost=item.get("lost") is True,
                problem=None if item.get("problem") is None else str(item["problem"]))
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise UsageError(f"{name}: history is malformed ({type(exc).__name__}: {exc}); "
                             "it needs 'branch' and 'runs'") from None
    return HealthReport(rows, tuple(outages), network_down, history)


def load_report(path: Path) -> HealthReport:
    """What a JSON check report file says; UsageError with the file name if unusable."""
    data = read_json(path, "report", "curatorbot check --format json --output FILE")
    return read_report(data, str(path))


def _counts(rows: Sequence[HealthRow]) -> list[str]:
    """`["2 dead", "1 erroring"]`, in table order, statuses without rows left out."""
    tally = Counter(r.status for r in rows)
    return [f"{tally[status]} {word}" for status, _, word in STATUSES if tally[status]]


def issue_title(rows: Sequence[HealthRow], outages: Sequence[Outage] = ()) -> str:
    """`Link health: 2 dead, 1 erroring, 3 blocked, 1 host outage`."""
    counts = _counts(rows)
    if outages:
        counts.append(counted(len(outages), "host outage", "host outages"))
    return "Link health: " + (", ".join(counts) if counts else "all links healthy")


def _since(moment: str | None, today: dt.date) -> str:
    """`2026-01-05` (3 days) for an ISO date or time; "this run" for none."""
    if not moment:
        return "this run"
    try:
        days = (today - dt.date.fromisoformat(moment[:10])).days
    except ValueError:
        return code(moment)
    return f"{code(moment[:10])} ({counted(max(days, 0), 'day', 'days')})"


def _answer(row: HealthRow) -> str:
    parts = []
    if row.http_status is not None:
        parts.append(code(row.http_status))
    if row.error:
        parts.append(text(row.error, 120))
    return " ".join(parts) or "—"


def _row(row: HealthRow, today: dt.date) -> list[str]:
    entry = code(row.entry) if row.entry else "—"
    if row.line:
        entry += f" (line {row.line})"
    if row.also_used:
        entry += f" +{row.also_used} more"
    return [entry, code(row.url), _answer(row), _since(row.first_failure, today),
            str(row.strikes or "—")]


def _order(row: HealthRow) -> tuple[str, int, str]:
    # Longest failing first, then file order.
    return (row.first_failure or "9999", row.line, row.url)


def _outages_line(outages: Sequence[Outage]) -> str:
    """`**2 hosts did not answer at all**...`: each host once, with its links and reason."""
    named = [f"{code(o.host)} ({counted(o.urls, 'link', 'links')}"
             + (f": {text(o.reason, 120)})" if o.reason else ")")
             for o in outages[:OUTAGE_HOSTS_SHOWN]]
    if len(outages) > OUTAGE_HOSTS_SHOWN:
        named.append(f"and {len(outages) - OUTAGE_HOSTS_SHOWN} more")
    return (f"**{counted(len(outages), 'host', 'hosts')} did not answer at all** (an outage, "
            f"not dead links), so their links were not verified and are not listed here: "
            f"{', '.join(named)}.")


def history_line(history: HistoryFacts, today: dt.date) -> str:
    """`Run history: 12 runs since 2026-01-05 (98 days), on branch ...`, and what went wrong."""
    line = f"Run history: {counted(history.runs, 'run', 'runs')}"
    if history.first_run:
        line += f" since {_since(history.first_run, today)}"
    line += f", kept on branch {code(history.branch)}."
    if history.lost:
        line += (" **Run history not found; strikes restart**: links already marked dead "
                 "need that many failing runs again before anything new is confirmed.")
    if history.problem:
        line += f" {text(history.problem, 300)}"
    return line


def issue_body(rows: Sequence[HealthRow], today: dt.date, limit: int = BODY_LIMIT,
               outages: Sequence[Outage] = (), history: HistoryFacts | None = None) -> str:
    """The health issue's body for `rows` and the hosts of `outages` (today's date gives the
    'N days' figures), with a line on the run `history` when the report had one."""
    counts = _counts(rows)
    intro = ISSUE_MARKER
    if rows or not outages:
        intro += (f"\ncuratorbot found **{counted(len(rows), 'link', 'links')}** "
                  f"that need attention: {', '.join(counts)}.")
    if outages:
        intro += ("\n\n" if rows else "\n") + _outages_line(outages)
    if history is not None:
        intro += "\n\n" + history_line(history, today)
    ordered = sorted(rows, key=_order)
    sections = [Section(word, heading, HEADER,
                        [_row(r, today) for r in ordered if r.status == status])
                for status, heading, word in STATUSES]
    footer = ("---\nDead links are marked in the catalog once confirmed; blocked links refuse "
              "robots and cannot be verified, which proves nothing about the page.\n\n"
              f"{IGNORE_HINT}\n\nThis issue is updated in place on every run and closed when "
              "all links are healthy.")
    return build_body(intro, sections, footer, "links", limit)
