"""`--format markdown`: a summary table, failing links, host outages, links to look at."""

from __future__ import annotations

from typing import IO

from curatorbot.report.rows import Row, failing_rows, notable_rows, outage_lines, summary_line
from curatorbot.results import CheckReport


def _cell(text: object) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _table(rows: list[Row]) -> list[str]:
    lines = ["| line | entry | status | URL | detail |", "|---:|---|---|---|---|"]
    for row in rows:
        uses = f" (+{row.uses - 1} more)" if row.uses > 1 else ""
        lines.append(f"| {row.line} | {_cell(row.entry)}{uses} | {row.status} | "
                     f"<{_cell(row.result.url)}> | {_cell(row.detail)} |")
    return lines


def markdown(report: CheckReport) -> str:
    """The whole report as Markdown."""
    counts = report.counts()
    out = ["## Link check", "", summary_line(report), "",
           "| status | links |", "|---|---:|"]
    out += [f"| {status} | {n} |" for status, n in counts.items()]
    failing = failing_rows(report)
    if failing:
        out += ["", f"### Failing links ({len(failing)})", "", *_table(failing)]
    if report.outages:
        lines = outage_lines(report)
        out += ["", f"### Host outages ({len(report.outages)})", "",
                "| host | links | first line | reason |", "|---|---:|---:|---|"]
        out += [f"| {_cell(o.host)} | {o.urls} | {lines.get(o.host, 0)} | "
                f"{_cell(o.reason)} |" for o in report.outages]
    notable = notable_rows(report)
    if notable:
        out += ["", f"### To look at: timeouts, blocked, moved ({len(notable)})", "",
                *_table(notable)]
    if report.network_down:
        out += ["", "Nothing could be verified: no host answered (no network)."]
    elif not failing and not report.outages:
        out += ["", "No failing links."]
    return "\n".join(out) + "\n"


def render(report: CheckReport, stream: IO[str], *, color: bool = False) -> None:
    stream.write(markdown(report))
