"""Keeps the run history as one file on a branch of its own (`curatorbot/history`).

The branch is an orphan: its first commit has no parent and no other file, so it shares
nothing with the code and never needs a pull request. Each save is one commit on the head
it started from, holding `history.jsonl` (history_file.py) and whatever files the branch
already had:

- **restore** reads the head, its tree and the file's blob (the blob API serves the file
  at any size, unlike the contents API's 1 MB). No branch, or no file on it: an empty
  history. A file that is corrupt or of a newer schema gives an empty history too, with a
  one-line `problem`, and is *set aside* by the next save: kept under the name
  `history.corrupt-DATE-SHA.jsonl` (or `history.newer-...`) in the same commit, never deleted.
- **save** is compare-and-swap on the branch head: the commit's parent is the head that was
  read, and the branch only moves as a fast-forward (GitHub refuses any other move with a
  422), or is created when there was none. When another run moved it first, the file is
  read again, the two histories are merged per link (history_file.merge: the most recent
  check wins, and a line the other run dropped was found ok by it), and the save is tried
  again, `attempts` times at most.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from curatorbot.errors import GitHubError
from curatorbot.history_file import Snapshot, UnreadableHistory, dump, merge, parse
from curatorbot.publish.pull_request import BOT_TRAILER

if TYPE_CHECKING:
    from curatorbot.publish.github import GitHubRepo

HISTORY_PATH = "history.jsonl"
DEFAULT_BRANCH = "curatorbot/history"
SAVE_ATTEMPTS = 5


@dataclass(frozen=True)
class Restored:
    """What a branch held: the history (empty when none), the head it was read at (None:
    no branch), and an unusable file's one-line `problem` and where the save keeps it."""

    snapshot: Snapshot
    head: str | None = None
    found: bool = False
    problem: str | None = None
    set_aside: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Saved:
    """The commit a save made, and how many conflicting saves of other runs it merged."""

    sha: str
    merges: int = 0


class HistoryBranch:
    """The run history on `branch` of the repository `gh` reaches."""

    def __init__(self, gh: GitHubRepo, branch: str = DEFAULT_BRANCH, *,
                 today: Callable[[], dt.date] | None = None) -> None:
        self.gh = gh
        self.branch = branch
        self._today = today or (lambda: dt.datetime.now(dt.UTC).date())

    def restore(self) -> Restored:
        """The history at the branch's head (see the module docstring)."""
        head = self.gh.branch_sha(self.branch)
        if head is None:
            return Restored(Snapshot())
        files = self.gh.tree_files(head)
        blob = files.get(HISTORY_PATH)
        if blob is None:
            return Restored(Snapshot(), head)
        data = self.gh.blob(blob)
        try:
            return Restored(parse(data.decode("utf-8")), head, found=True)
        except (UnicodeDecodeError, UnreadableHistory) as exc:
            newer = isinstance(exc, UnreadableHistory) and exc.newer
            reason = str(exc) if isinstance(exc, UnreadableHistory) else "not UTF-8 text"
            aside = (f"history.{'newer' if newer else 'corrupt'}-"
                     f"{self._today().isoformat()}-{blob[:8]}.jsonl")
            problem = (f"{self.branch}:{HISTORY_PATH}: {reason}; set aside as {aside}, "
                       "this run starts an empty history"
                       + ("; upgrade curatorbot to read it" if newer else ""))
            return Restored(Snapshot(), head, problem=problem, set_aside={aside: blob})

    def save(self, mine: Snapshot, restored: Restored, *, keep_seen_since: str | None = None,
             cache_since: str | None = "", attempts: int = SAVE_ATTEMPTS) -> Saved:
        """Commit `mine` (this run's history, which started from `restored`) on the branch,
        written as `history_file.dump` says; on a conflict reload, merge and retry.
        GitHubError when it never got through."""
        current, snapshot = restored, mine
        for attempt in range(attempts):
            text = dump(snapshot, keep_seen_since=keep_seen_since, cache_since=cache_since)
            message = (f"curatorbot: run history, {snapshot.runs} runs, "
                       f"{text.count(chr(10)) - 1} entries\n\n")
            for path in current.set_aside:
                message += f"Set aside the unreadable {HISTORY_PATH} as {path}.\n\n"
            blob = self.gh.upload_blob(text)
            sha = self.gh.create_commit(current.head, {}, message + BOT_TRAILER + "\n",
                                        blobs={HISTORY_PATH: blob, **current.set_aside})
            moved = (self.gh.advance_branch(self.branch, sha) if current.head is not None
                     else self.gh.create_branch(self.branch, sha))
            if moved:
                return Saved(sha, merges=attempt)
            current = self.restore()
            snapshot = merge(mine, current.snapshot, restored_runs=restored.snapshot.runs,
                             base=restored.snapshot)
        raise GitHubError(f"GitHub API: saving the run history on {self.branch} failed: the "
                          f"branch kept moving through {attempts} attempts (other runs "
                          "saving at once); run again")
