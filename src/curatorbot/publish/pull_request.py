"""Keeps exactly one open pull request with the catalog update on a fixed branch.

Each run rebuilds the branch from the default branch's head as one commit that sets the
pull request's files (the catalog, and the README rendered from it when the catalog has a
`readme` setting) to their updated text, then force-moves the branch there, and rewrites the
pull request's title and body. What makes it idempotent and safe:
- nothing is written when the branch already holds exactly that commit's content (every
  file) on the current default head and the pull request already says the same;
- when every file on the default branch already equals the update, the open pull request
  is closed with a comment and the branch deleted;
- a branch whose head is not a commit of the bot (a person pushed to it) is never
  overwritten: the bot comments once on the pull request and stops ("held").
Bot commits are recognised by the `Generated-by: curatorbot` trailer and a single parent.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from curatorbot.publish.outcome import Outcome

if TYPE_CHECKING:
    from curatorbot.publish.github import CommitInfo, GitHubRepo

BOT_TRAILER = "Generated-by: curatorbot"
KIND = "pull request"


def git_blob_sha(data: bytes) -> str:
    """The sha git gives a file with these bytes (what the contents API reports)."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data, usedforsecurity=False).hexdigest()


@dataclass(frozen=True)
class PullRequestSpec:
    """What the one pull request should hold and say: `files` maps each path in the
    repository to its text (the catalog first)."""

    files: Mapping[str, str]
    title: str
    body: str
    branch: str
    labels: tuple[str, ...]
    commit_message: str


def is_bot_commit(commit: CommitInfo) -> bool:
    """A commit this bot made: its trailer, and built on exactly one parent."""
    lines = [line.strip() for line in commit.message.splitlines()]
    return BOT_TRAILER in lines and len(commit.parents) == 1


def commit_message(summary: str) -> str:
    """The bot's commit message for an update, ending with its trailer."""
    return f"curatorbot: catalog update\n\n{summary}\n\n{BOT_TRAILER}\n"


def held_comment(branch: str, head: str) -> str:
    return (f"curatorbot found commits on `{branch}` that it did not make (head `{head[:12]}`), "
            "so it leaves this branch and pull request alone. Merge or close the pull request "
            "or delete the branch, and the next run starts afresh.")


def closed_comment(base: str) -> str:
    return (f"The catalog on `{base}` already has every change of this pull request; "
            "curatorbot closes it and deletes its branch.")


def _holds(gh: GitHubRepo, ref: str, blobs: Mapping[str, str]) -> bool:
    """Every path on `ref` already has its wanted blob (stops at the first that differs)."""
    return all(gh.file_sha(path, ref) == blob for path, blob in blobs.items())


def sync_pull_request(gh: GitHubRepo, want: PullRequestSpec) -> Outcome:
    """Make the repository hold exactly one open pull request for `want`; say what was done."""
    base = gh.default_branch()
    base_sha = gh.branch_sha(base)
    if base_sha is None:
        return Outcome(KIND, "nothing", detail=f"default branch {base} has no commits")
    blobs = {path: git_blob_sha(text.encode("utf-8")) for path, text in want.files.items()}
    pulls = gh.open_pulls(want.branch)
    pull = pulls[0] if pulls else None
    head_sha = gh.branch_sha(want.branch)
    head = gh.commit(head_sha) if head_sha else None

    if head is not None and not is_bot_commit(head):
        if pull is not None:
            gh.comment_once(pull.number, held_comment(want.branch, head.sha))
        return Outcome(KIND, "held", pull.number if pull else None,
                       f"{want.branch} has commits a person pushed; left alone")

    if _holds(gh, base, blobs):
        for open_pull in pulls:
            gh.comment_once(open_pull.number, closed_comment(base))
            gh.edit(open_pull.number, state="closed")
        if head is not None:
            gh.delete_branch(want.branch)
        if pulls or head is not None:
            return Outcome(KIND, "closed", pull.number if pull else None,
                           f"{base} already has the update")
        return Outcome(KIND, "nothing",
                       detail=f"{' and '.join(want.files)} on {base} "
                              f"{'is' if len(want.files) == 1 else 'are'} up to date")

    up_to_date = (head is not None and head.parents == (base_sha,)
                  and _holds(gh, want.branch, blobs))
    if not up_to_date:
        new_sha = gh.create_commit(base_sha, want.files, want.commit_message)
        gh.point_branch(want.branch, new_sha)

    labels = list(want.labels)
    if pull is None:
        gh.ensure_labels(labels)
        number = gh.create_pull(want.title, want.body, head=want.branch, base=base)
        if labels:
            gh.add_labels(number, labels)
        return Outcome(KIND, "created", number, f"branch {want.branch}")

    wrote = not up_to_date
    if pull.title != want.title or pull.body != want.body:
        gh.edit(pull.number, title=want.title, body=want.body)
        wrote = True
    missing = [name for name in labels if name not in pull.labels]
    if missing:
        gh.ensure_labels(missing)
        gh.add_labels(pull.number, missing)
        wrote = True
    return Outcome(KIND, "updated" if wrote else "unchanged", pull.number,
                   f"branch {want.branch}")
