"""`--format json`: the JSON report contract of design.md.

    {"summary": {"total", "ok", "redirect", "dead", "blocked", "timeout", "error",
                 "excluded", "duration_s", + "failing", "hosts", "network_down",
                 "interrupted"},
     "results": [LinkResult.to_json() + "entry", "line" (first use), "used_in" (every use,
                 when there are several) + "first_failure", "strikes", "confirmed_dead"
                 (from the run history, in `update`'s report)],
     "outages": [{"host", "reason", "urls"}],
     "history": {"branch", "runs", "first_run", "last_run", "lost", "problem"}
                 (only from `update --history-branch`)}

The JSON Schema of this output is tests/contracts/check-report.schema.json.
"""

from __future__ import annotations

import json
from functools import partial
from typing import IO, Any

from curatorbot.results import CheckReport, LinkResult


def summary(report: CheckReport) -> dict[str, Any]:
    """The report's summary object."""
    return {"total": len(report.results), **report.counts(),
            "duration_s": round(report.duration, 3), "failing": len(report.failing()),
            "hosts": report.hosts, "network_down": report.network_down,
            "interrupted": report.interrupted}


def result_data(report: CheckReport, result: LinkResult) -> dict[str, Any]:
    """One result's object: the verdict, where the URL is used, its history facts."""
    item = result.to_json()
    places = report.places(result.url)
    item["entry"] = places[0].entry if places else None
    item["line"] = places[0].line if places else None
    if len(places) > 1:
        item["used_in"] = [{"entry": p.entry, "line": p.line} for p in places]
    item.update(report.history.get(result.url, {}))
    return item


def _outages(report: CheckReport) -> list[dict[str, Any]]:
    return [{"host": o.host, "reason": o.reason, "urls": o.urls} for o in report.outages]


def render(report: CheckReport, stream: IO[str], *, color: bool = False) -> None:
    """Write the report one result at a time (one per line), so a 100,000-link report
    never exists twice in memory."""
    dump = partial(json.dumps, ensure_ascii=False)
    stream.write('{"summary": ' + dump(summary(report)) + ',\n "results": [')
    for number, result in enumerate(report.results):
        stream.write(("\n  " if number == 0 else ",\n  ") + dump(result_data(report, result)))
    stream.write('\n ],\n "outages": ' + dump(_outages(report)))
    if report.run_history is not None:
        stream.write(',\n "history": ' + dump(report.run_history))
    stream.write("}\n")
