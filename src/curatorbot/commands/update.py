"""`curatorbot update [CATALOG]`: check + metadata + history, then write the changes.

The catalog file is rewritten with minimal diffs (every byte outside the changed values
stays as it was), compare-and-swap through a temporary file and a rename
(`curatorbot.files.GuardedFile`): a catalog that cannot be replaced, or an output path that
cannot be written, stops the run before any network work (exit 3); a catalog edited while
the run went on is left as it is (exit 3, after the report). `--dry-run` prints the unified
diff instead and leaves both the catalog and the run history untouched (it works on a copy
of the history). `--plan-out FILE` writes the structured list of changes that
`curatorbot pr --plan FILE` turns into a pull request. `--history-branch NAME` (setting
`history_branch`) restores the history from that branch before the run and saves it there
after a run that finished (history_sync.py). Exit codes are `check`'s, and 4 when the
history branch cannot be read (before any network work) or saved (after the catalog is
written and the report printed: the run's work is kept).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click

from curatorbot.catalog.edit import RawCatalog, read_raw
from curatorbot.catalog.load import parse_catalog
from curatorbot.check.targets import catalog_targets
from curatorbot.commands.check import (
    build_settings,
    check_options,
    finish,
    progress_mode,
    resolver_for,
)
from curatorbot.commands.common import (
    catalog_argument,
    format_option,
    open_output,
    output_option,
    output_path_option,
    state_options,
    unified_diff,
)
from curatorbot.commands.history_sync import BranchSync
from curatorbot.errors import FileWriteError, GitHubError
from curatorbot.plan import Change, dump_plan
from curatorbot.report import FORMATS, render
from curatorbot.report.text import LiveProgress
from curatorbot.settings import Settings
from curatorbot.state import SQLiteStore, open_store
from curatorbot.update.run import UpdateOutcome, run_update


@click.command()
@catalog_argument
@format_option(*FORMATS)
@output_option
@check_options
@state_options
@click.option("--dry-run", is_flag=True,
              help="Print the unified diff; change neither the catalog nor the run history.")
@output_path_option("--plan-out",
                    help="Write the changes as JSON (the input of `curatorbot pr --plan`).")
@click.option("--history-branch", metavar="NAME",
              help="Keep the run history on this branch of GITHUB_REPOSITORY: restored "
                   "before the run, saved after it (default: the history_branch setting).")
@click.pass_context
def update(ctx: click.Context, /, catalog: Path, fmt: str, output: Path | None,
           resolve: tuple[str, ...], quiet: bool, verbose: bool, state: Path | None,
           no_state: bool, max_age: float | None, dry_run: bool, plan_out: Path | None,
           history_branch: str | None, **flags: Any) -> None:
    """Check every link, learn titles and GitHub metadata, and write what changed into
    CATALOG: permanent redirects and renamed repositories get their new URL, confirmed-dead
    links are marked (never deleted), metadata is refreshed.

    Exit codes: 0 no failing link, 2 failing links, 3 invalid catalog, settings or
    arguments, 4 the history branch could not be read or saved, 5 no network (nothing
    verified, nothing written), 130 interrupted.
    """
    name = str(catalog)
    # Read for writing: a catalog that could not be replaced stops the run here, before
    # any network work; the write at the end is compare-and-swap against these bytes.
    raw = read_raw(catalog, for_writing=not dry_run)
    loaded = parse_catalog(raw.text, name)
    settings = build_settings(loaded.settings, {**flags, "max_age": max_age,
                                                "state": str(state) if state else None,
                                                "history_branch": history_branch})
    resolver = resolver_for(resolve)
    targets = catalog_targets(loaded)
    branch = None
    if settings.history_branch and not no_state:
        branch = BranchSync.connect(settings.history_branch, os.environ)
    history = None
    unsaved: GitHubError | None = None
    with contextlib.closing(branch) if branch else contextlib.nullcontext(), \
            _store(settings, enabled=not no_state, scratch=dry_run) as store:
        restore_notes = (branch.restore_into(store, loaded, settings.max_age) if branch
                         else [])
        with LiveProgress(len(targets), sys.stderr,
                          progress_mode(fmt, quiet, verbose)) as progress:
            outcome = run_update(loaded, targets, raw.text, settings, store,
                                 resolver=resolver, progress=progress)
        outcome.notes[:0] = restore_notes
        if branch is not None:
            history = store.export_snapshot()
            outcome.report.run_history = branch.info(history)
        finished = not (outcome.report.network_down or outcome.report.interrupted)
        if branch is not None and history is not None and finished and not dry_run:
            try:
                restore_notes.append(branch.save(history))
                outcome.notes.append(restore_notes[-1])
            except GitHubError as exc:  # the catalog and the report still come, then exit 4
                unsaved = exc
                restore_notes.append(str(exc))
        if branch is not None:
            branch.summarize(restore_notes, os.environ)
    for note in outcome.notes:
        click.echo(f"curatorbot: note: {note}", err=True)
    unwritten: FileWriteError | None = None
    if not (outcome.report.network_down or outcome.report.interrupted):
        try:
            _write(raw, outcome, name, dry_run=dry_run, plan_out=plan_out)
        except FileWriteError as exc:  # the report is still printed, then exit 3
            unwritten = exc
        if fmt == "text" and not quiet and unwritten is None:
            _describe(outcome.changes, name, written=outcome.changed and not dry_run)
    # The report goes to --output, else stdout; a dry run keeps stdout for the diff.
    destination = (contextlib.nullcontext(sys.stderr) if output is None and dry_run
                   else open_output(output))
    with destination as stream:
        render(outcome.report, fmt, stream, color=fmt == "text" and stream.isatty())
    if unwritten is not None:
        raise unwritten
    if unsaved is not None:
        raise unsaved
    finish(ctx, outcome.report)


def _write(raw: RawCatalog, outcome: UpdateOutcome, name: str, *, dry_run: bool,
           plan_out: Path | None) -> None:
    """The catalog (or, for a dry run, its diff on stdout), then the plan: no plan is
    written for changes that could not be written into the catalog."""
    if dry_run:
        sys.stdout.write(unified_diff(outcome.old_text, outcome.new_text, name))
    elif outcome.changed:
        raw.write(outcome.new_text)
    if plan_out is not None:
        with open_output(plan_out) as stream:
            stream.write(dump_plan(outcome.changes))


@contextlib.contextmanager
def _store(settings: Settings, *, enabled: bool, scratch: bool) -> Iterator[SQLiteStore]:
    """The run history; for a dry run, a throw-away copy of it."""
    if not scratch or not enabled:
        with open_store(settings, enabled=enabled) as store:
            yield store
        return
    with tempfile.TemporaryDirectory(prefix="curatorbot-dry-run-") as tmp:
        copy = Path(tmp) / "state.sqlite"
        source = Path(settings.state)
        if source.exists():
            shutil.copyfile(source, copy)
        # Messages name the user's file, not the scratch copy that is about to vanish.
        with open_store(settings.merged({"state": str(copy)}), name=str(source)) as store:
            yield store


def _describe(changes: list[Change], name: str, *, written: bool) -> None:
    """The structured list of changes, one line each, on stderr."""
    applied = [c for c in changes if c.applies]
    for change in changes:
        tag = change.kind.value
        evidence = ", ".join(f"{status}" for _, status in change.evidence.chain)
        extra = f" ({evidence})" if evidence else ""
        if change.evidence.note:
            extra += f" [{change.evidence.note}]"
        click.echo(f"{name}:{change.line}: [{tag}] {change.entry_id} {change.field}: "
                   f"{change.old!r} -> {change.new!r}{extra}", err=True)
    verb = "written to" if written else "planned for"
    click.echo(f"curatorbot: {len(applied)} change(s) {verb} {name}"
               + (f", {len(changes) - len(applied)} held for review"
                  if len(changes) > len(applied) else ""), err=True)
