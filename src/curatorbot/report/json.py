"""`--format json`: the JSON report contract of design.md.

    {"summary": {"total", "ok", "redirect", "dead", "blocked", "timeout", "error",
                 "excluded", "duration_s", + "failing", "hosts", "network_down",
                 "interrupted"},
     "results": [LinkResult.to_json() + "entry", "line" (first use), "used_in" (every use,
                 when there are several) + "first_failure", "strikes", "confirmed_dead"
                 (from the run history, in `update`'s report)],
     "outages": [{"host", "reason", "urls"}]}

The JSON Schema of this output is tests/contracts/check-report.schema.json.
"""

from __future__ import annotations

import json
from typing import IO, Any

from curatorbot.check.outcome import CheckReport


def as_data(report: CheckReport) -> dict[str, Any]:
    """The report as JSON-ready data."""
    summary: dict[str, Any] = {"total": len(report.results), **report.counts(),
                               "duration_s": round(report.duration, 3),
                               "failing": len(report.failing()), "hosts": report.hosts,
                               "network_down": report.network_down,
                               "interrupted": report.interrupted}
    results = []
    for result in report.results:
        item = result.to_json()
        places = report.places(result.url)
        item["entry"] = places[0].entry if places else None
        item["line"] = places[0].line if places else None
        if len(places) > 1:
            item["used_in"] = [{"entry": p.entry, "line": p.line} for p in places]
        item.update(report.history.get(result.url, {}))
        results.append(item)
    outages = [{"host": o.host, "reason": o.reason, "urls": o.urls} for o in report.outages]
    return {"summary": summary, "results": results, "outages": outages}


def render(report: CheckReport, stream: IO[str], *, color: bool = False) -> None:
    json.dump(as_data(report), stream, indent=2, ensure_ascii=False)
    stream.write("\n")
