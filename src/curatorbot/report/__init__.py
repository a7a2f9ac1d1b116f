"""Reports of a finished check, one module per `--format`: text, json, markdown, github.

Each module has `render(report, stream)`; `render` below picks one by name. The rows every
format shares (failing links in catalog order, host outages, the summary line) are built
in `curatorbot.report.rows`.
"""

from __future__ import annotations

from typing import IO

from curatorbot.results import CheckReport

FORMATS = ("text", "json", "markdown", "github")


def render(report: CheckReport, fmt: str, stream: IO[str], *, color: bool = False) -> None:
    """Write `report` to `stream` in format `fmt` (one of FORMATS)."""
    if fmt == "json":
        from curatorbot.report import json as module
    elif fmt == "markdown":
        from curatorbot.report import markdown as module  # type: ignore[no-redef]
    elif fmt == "github":
        from curatorbot.report import github as module  # type: ignore[no-redef]
    elif fmt == "text":
        from curatorbot.report import text as module  # type: ignore[no-redef]
    else:
        raise ValueError(f"unknown report format {fmt!r}")
    module.render(report, stream, color=color)
