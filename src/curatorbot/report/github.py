"""`--format github`: workflow-command annotations on the catalog lines, and a job summary.

Each failing link becomes `::error file=CATALOG,line=N,title=...::message`, each host
outage one `::error`, timeouts and blocked links `::warning`, permanent redirects
`::notice`; GitHub shows them on the line of the catalog. The Markdown report is appended
to the file named by `$GITHUB_STEP_SUMMARY` when that is set; the summary line closes the
output.
"""

from __future__ import annotations

import os
from typing import IO

from curatorbot.files import append_step_summary
from curatorbot.report.markdown import markdown
from curatorbot.report.rows import failing_rows, notable_rows, outage_lines, summary_line
from curatorbot.results import CheckReport, Status


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _prop(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def annotation(level: str, file: str, line: int, title: str, message: str) -> str:
    """One workflow command, escaped as GitHub requires."""
    where = f"file={_prop(file)}" + (f",line={line}" if line else "")
    return f"::{level} {where},title={_prop(title)}::{_data(message)}"


def _repo_path(path: str) -> str:
    """The catalog's path as GitHub wants it: relative to the working directory when inside."""
    relative = os.path.relpath(path) if path else path
    return relative if path and not relative.startswith("..") else path


def render(report: CheckReport, stream: IO[str], *, color: bool = False) -> None:
    file = _repo_path(report.catalog_path)
    levels = {Status.DEAD: "error", Status.ERROR: "error", Status.TIMEOUT: "warning",
              Status.BLOCKED: "warning", Status.REDIRECT: "notice"}
    for row in failing_rows(report) + notable_rows(report):
        title = f"{row.status} link" + (f" in {row.entry}" if row.entry else "")
        stream.write(annotation(levels[row.result.status], file, row.line, title,
                                f"{row.result.url}: {row.detail}") + "\n")
    lines = outage_lines(report)
    for outage in report.outages:
        stream.write(annotation("error", file, lines.get(outage.host, 0),
                                f"host outage: {outage.host}",
                                f"{outage.host} never answered ({outage.reason}); its "
                                f"{outage.urls} links were not verified") + "\n")
    append_step_summary(markdown(report))
    stream.write(summary_line(report) + "\n")
