"""`update --history-branch NAME`: the run history restored from a branch before the run
and saved there after a run that finished.

The local SQLite file stays the working copy: `restore_into` replaces its content with the
branch's file (the branch is the truth), `save` commits the working copy's export after
the run (publish/history_branch.py: compare-and-swap, merge on conflict). A branch with
no history yet leaves a local working copy as it is, so that an existing history moves
to the branch on the first save. What it needs
from the environment (GITHUB_REPOSITORY, GITHUB_TOKEN, GITHUB_API_URL) is checked by
`connect` before any network work; a missing one is a UsageError (exit 3). A run that
starts without history while the catalog (links with `dead_since`) or the open health
issue (strikes) shows earlier runs says so: LOST_NOTE, in the notes and the report.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from curatorbot.catalog.model import Catalog
from curatorbot.errors import UsageError
from curatorbot.files import append_step_summary
from curatorbot.github_config import GitHubConfig
from curatorbot.history_file import RETENTION_DAYS, Snapshot, iso
from curatorbot.state import SQLiteStore

if TYPE_CHECKING:
    from curatorbot.publish.github import GitHubRepo
    from curatorbot.publish.history_branch import HistoryBranch, Restored

REQUIRED_ENV = ("GITHUB_REPOSITORY", "GITHUB_TOKEN", "GITHUB_API_URL")
LOST_NOTE = "run history not found; strikes restart"
# A row of the health issue's table whose last cell (strikes) is a number.
_STRIKES_ROW = re.compile(r"^\|.*\|\s*([1-9]\d*)\s*\|\s*$", re.MULTILINE)


class BranchSync:
    """One run's use of the history branch: restore, then maybe save."""

    def __init__(self, gh: GitHubRepo, branch: str) -> None:
        from curatorbot.publish.history_branch import HistoryBranch

        self.gh = gh
        self.store: HistoryBranch = HistoryBranch(gh, branch)
        self.restored: Restored | None = None
        self.max_age = 0.0  # the run's, which also decides what the save keeps for it
        self.lost = False

    @classmethod
    def connect(cls, branch: str, env: Mapping[str, str]) -> BranchSync:
        """The sync for `branch`; UsageError naming what the environment lacks."""
        missing = [name for name in REQUIRED_ENV if not env.get(name, "").strip()]
        if missing:
            raise UsageError(f"--history-branch {branch}: {', '.join(missing)} not set; "
                             "run in GitHub Actions (or set them), or drop --history-branch")
        # The GitHub client's pacing and retry budget: `pr` and `issue`'s, in their ranges.
        from curatorbot.commands.publish import PACING_ENV

        tuning: dict[str, Any] = {}
        for name, (key, limit) in PACING_ENV.items():
            if env.get(name):
                try:
                    value = float(env[name])
                except ValueError:
                    raise UsageError(f"{name} must be a number of seconds, not "
                                     f"{env[name]!r}") from None
                problem = limit.problem(value)
                if problem is not None:
                    raise UsageError(f"{name}: {problem[0]}; {problem[1]}")
                tuning[key] = value
        # PyGithub costs ~170 ms to import: only a run that talks to GitHub pays for it.
        from curatorbot.publish.github import GitHubRepo, Pacing

        config = GitHubConfig.from_env(env, need_token=True)
        return cls(GitHubRepo(config, Pacing(**tuning)), branch)

    def close(self) -> None:
        self.gh.close()

    def restore_into(self, store: SQLiteStore, catalog: Catalog, max_age: float) -> list[str]:
        """Replace the working copy with the branch's history (an unreadable one: with an
        empty history; the cache as far as `max_age` can use it); the notes to print. With
        no history on the branch at all, a local working copy stays as it is and becomes
        the branch's first history."""
        restored = self.store.restore()
        self.restored = restored
        self.max_age = max_age
        if restored.found or restored.problem:
            store.import_snapshot(restored.snapshot, max_age=max_age)
        notes = [restored.problem] if restored.problem else []
        if not store.runs(1) and (_marked_dead(catalog) or self._issue_strikes()):
            self.lost = True
            notes.append(f"{LOST_NOTE} (nothing on branch {self.store.branch}, but the "
                         "catalog or the health issue shows earlier runs)")
        return notes

    def info(self, snapshot: Snapshot) -> dict[str, object]:
        """What the JSON report says of the history (the health issue shows it)."""
        return {"branch": self.store.branch, "runs": snapshot.runs,
                "first_run": snapshot.first_run, "last_run": snapshot.last_run,
                "lost": self.lost,
                "problem": self.restored.problem if self.restored else None}

    def save(self, snapshot: Snapshot, now: dt.datetime | None = None) -> str:
        """Commit this run's history; the one line saying where it went."""
        assert self.restored is not None, "restore_into comes first"
        moment = now or dt.datetime.now(dt.UTC)
        cutoff = moment - dt.timedelta(days=RETENTION_DAYS)
        # Alive results the max-age cache can still use from now on; none without one.
        fresh = moment - dt.timedelta(seconds=self.max_age) if self.max_age > 0 else None
        saved = self.store.save(snapshot, self.restored, keep_seen_since=iso(cutoff),
                                cache_since=iso(fresh) if fresh else None)
        merged = f", merged with {saved.merges} concurrent save(s)" if saved.merges else ""
        return (f"run history saved on {self.store.branch} ({snapshot.runs} runs, "
                f"commit {saved.sha[:12]}{merged})")

    def summarize(self, notes: list[str], env: Mapping[str, str]) -> None:
        """The history's notes in the job summary (GITHUB_STEP_SUMMARY), when there is one."""
        if notes:
            append_step_summary("## curatorbot run history\n\n"
                                + "".join(f"- {note}\n" for note in notes) + "\n", env)

    def _issue_strikes(self) -> bool:
        from curatorbot.commands.publish import HEALTH_LABEL

        return any(issue.state == "open" and _STRIKES_ROW.search(issue.body)
                   for issue in self.gh.issues_labelled(HEALTH_LABEL))


def _marked_dead(catalog: Catalog) -> bool:
    return any(link.bot.get("dead_since") for link in catalog.links())
