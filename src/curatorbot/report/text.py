"""`--format text`: live progress while checking, then failing links, outages and a summary.

On a terminal the progress is a rich progress bar (on stderr) and the tables are drawn with
rich; otherwise progress is plain lines, one per link that needs a look (every link with
--verbose), and the report is plain aligned text that greps well.
"""

from __future__ import annotations

from types import TracebackType
from typing import IO, TYPE_CHECKING

from curatorbot.report.rows import Row, failing_rows, notable_rows, outage_lines, summary_line
from curatorbot.results import UNVERIFIED_FAILURES, CheckReport, LinkResult, Status

if TYPE_CHECKING:  # rich is imported when a terminal needs it, not on every run
    from rich.progress import Progress, TaskID
    from rich.table import Table

STYLE = {"dead": "bold red", "error": "red", "timeout": "yellow", "blocked": "magenta",
         "redirect": "cyan", "ok": "green", "excluded": "dim"}


class LiveProgress:
    """Shows checking progress on `stream`.

    Modes: "bar" (a terminal), "lines" (one line per link that needs a look: not ok, and
    not left unverified by a host outage or a run without network, which the report says
    once), "all" (one line per link), "none". The checker passes each result once its
    verdict is final (`check.outcome.GuardedProgress`), so a line never says `dead` for
    a link the report calls unverified."""

    def __init__(self, total: int, stream: IO[str], mode: str) -> None:
        self.total = total
        self.stream = stream
        self.mode = mode
        self.done = 0
        self.failing = 0
        self._bar: Progress | None = None
        self._task: TaskID | None = None

    def __enter__(self) -> LiveProgress:
        if self.mode == "bar":
            from rich.console import Console
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                TextColumn,
                TimeElapsedColumn,
            )

            self._bar = Progress(TextColumn("checking"), BarColumn(), MofNCompleteColumn(),
                                 TextColumn("{task.fields[failing]} failing"),
                                 TimeElapsedColumn(),
                                 console=Console(file=self.stream), transient=True)
            self._bar.start()
            self._task = self._bar.add_task("check", total=self.total, failing=0)
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if self._bar is not None:
            self._bar.stop()

    def __call__(self, result: LinkResult) -> None:
        self.done += 1
        self.failing += result.status.fails
        if self._bar is not None and self._task is not None:
            self._bar.update(self._task, advance=1, failing=self.failing)
        elif self.mode == "all" or (self.mode == "lines"
                                    and result.status not in (Status.OK, Status.EXCLUDED)
                                    and result.failure not in UNVERIFIED_FAILURES):
            detail = f" ({result.error})" if result.error else ""
            self.stream.write(f"[{self.done}/{self.total}] {result.status.value:8} "
                              f"{result.url}{detail}\n")
            self.stream.flush()


def _plain_rows(rows: list[Row]) -> list[str]:
    return [f"  line {row.line:<5} {row.status:8} {row.entry or '-'}  {row.result.url}  "
            f"{row.detail}" for row in rows]


def _rich_table(title: str, rows: list[Row]) -> Table:
    from rich.markup import escape
    from rich.table import Table

    table = Table(title=title, title_justify="left", expand=False)
    for column in ("line", "entry", "status", "URL", "detail"):
        table.add_column(column, overflow="fold", justify="right" if column == "line" else "left")
    for row in rows:  # URLs and details come from the web: never read as rich markup
        table.add_row(str(row.line), escape(row.entry), f"[{STYLE[row.status]}]{row.status}[/]",
                      escape(row.result.url), escape(row.detail))
    return table


def render(report: CheckReport, stream: IO[str], *, color: bool = False) -> None:
    failing = failing_rows(report)
    notable = notable_rows(report)
    first_lines = outage_lines(report)
    outages = [(o, first_lines.get(o.host, 0)) for o in report.outages]
    if color:
        from rich.console import Console
        from rich.markup import escape

        console = Console(file=stream, force_terminal=True, highlight=False)
        if failing:
            console.print(_rich_table(f"Failing links ({len(failing)})", failing))
        if outages:
            for o, line in outages:
                console.print(f"[red]host outage[/] {escape(o.host)}: {o.urls} links not "
                              f"verified ({escape(o.reason)}), first at line {line}")
        if notable:
            console.print(_rich_table(f"To look at ({len(notable)})", notable))
        console.print(f"[bold]{escape(summary_line(report))}[/]")
        return
    lines: list[str] = []
    if failing:
        lines += [f"Failing links ({len(failing)}):", *_plain_rows(failing)]
    if outages:
        lines += [f"Host outages ({len(outages)}):"]
        lines += [f"  line {line:<5} {o.host}: {o.urls} links not verified ({o.reason})"
                  for o, line in outages]
    if notable:
        lines += [f"To look at ({len(notable)}):", *_plain_rows(notable)]
    lines.append(summary_line(report))
    stream.write("\n".join(lines) + "\n")
