"""Keeps exactly one open health issue, found by its label (never by search).

The issue is updated in place while links fail, closed with a comment when all are healthy,
and reopened (the most recent closed one, with a comment) or created again when problems
return. Should several open issues carry the label (a rerun after a failure that GitHub
half-completed, or a person's copy), the oldest is kept and the others are closed as
duplicates. Nothing is written when the open issue already says what it should.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from curatorbot.publish.outcome import Outcome

if TYPE_CHECKING:
    from curatorbot.publish.github import GitHubRepo

KIND = "health issue"

HEALTHY_COMMENT = "All links are healthy again; curatorbot closes this issue."
BACK_COMMENT = "Some links are failing again; curatorbot reopens this issue with the details."


@dataclass(frozen=True)
class HealthIssueSpec:
    """What the one health issue should say; `label` finds it, `labels` are all it carries
    (`label` first, each once)."""

    title: str
    body: str
    label: str
    labels: tuple[str, ...]
    problems: int


def duplicate_comment(number: int) -> str:
    return f"Duplicate of #{number}: curatorbot keeps one health issue open."


def sync_health_issue(gh: GitHubRepo, want: HealthIssueSpec) -> Outcome:
    """Make the repository hold one open health issue while problems exist, none otherwise."""
    issues = gh.issues_labelled(want.label)
    open_issues = [i for i in issues if i.state == "open"]

    if not want.problems:
        for issue in open_issues:
            gh.comment_once(issue.number, HEALTHY_COMMENT)
            gh.edit(issue.number, state="closed")
        if open_issues:
            return Outcome(KIND, "closed", open_issues[0].number, "all links healthy")
        return Outcome(KIND, "nothing", detail="all links healthy")

    labels = list(want.labels)
    keep = open_issues[0] if open_issues else None
    for extra in open_issues[1:]:
        gh.comment_once(extra.number, duplicate_comment(open_issues[0].number))
        gh.edit(extra.number, state="closed")
    wrote = len(open_issues) > 1

    if keep is None and issues:
        keep = issues[-1]
        gh.comment_once(keep.number, BACK_COMMENT)
        gh.edit(keep.number, title=want.title, body=want.body, state="open")
        action = "reopened"
    elif keep is None:
        gh.ensure_labels(labels)
        number = gh.create_issue(want.title, want.body, labels)
        return Outcome(KIND, "created", number)
    elif keep.title != want.title or keep.body != want.body:
        gh.edit(keep.number, title=want.title, body=want.body)
        action = "updated"
    else:
        action = "updated" if wrote else "unchanged"

    missing = [name for name in labels if name not in keep.labels]
    if missing:
        gh.ensure_labels(missing)
        gh.add_labels(keep.number, missing)
        if action == "unchanged":
            action = "updated"
    return Outcome(KIND, action, keep.number)
