"""GitHub repositories as the catalog links to them: URL parsing, metadata, proposals.

`parse_repo_url` turns `https://github.com/OWNER/REPO[.git][/tree/master/...]` into a
`RepoRef` (owner, repo, rest) and refuses GitHub pages that are not repositories (features,
orgs, topics, gists, user profiles). `RepoMetadata` is what the API says about one
repository, whichever API said it. `propose` compares the two: a renamed or transferred
repository, or a `tree/master/...` path whose branch became `main`, gets a new URL that keeps
everything else of the old one (scheme, path inside the repository, query, fragment).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

from curatorbot.metadata.base import LinkMetadata, Proposal, ProposalReason

GITHUB_HOSTS = frozenset({"github.com", "www.github.com"})
# The branch name older repositories used before GitHub's default became `main`.
LEGACY_BRANCH = "master"
# Path kinds whose next segment is a branch name.
_BRANCH_KINDS = frozenset({"tree", "blob"})

_OWNER = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})")
_REPO = re.compile(r"[A-Za-z0-9._-]{1,100}")
# First path segments on github.com that are GitHub's own pages, not users or organizations.
_RESERVED_OWNERS = frozenset({
    "about", "account", "apps", "blog", "codespaces", "collections", "contact", "customer-stories",
    "dashboard", "enterprise", "events", "explore", "features", "git-guides", "github-copilot",
    "issues", "join", "login", "logout", "marketplace", "mobile", "new", "notifications",
    "orgs", "organizations", "password_reset", "pricing", "pulls", "readme", "resources",
    "search", "security", "sessions", "settings", "site", "solutions", "sponsors", "stars",
    "team", "topics", "trending", "users", "watching",
})


@dataclass(frozen=True)
class RepoRef:
    """A link to a repository: who owns it, its name, and the path inside it (`rest`)."""

    url: str
    owner: str
    repo: str
    rest: str = ""

    @property
    def key(self) -> str:
        """The case-insensitive identity of the repository (GitHub ignores case)."""
        return f"{self.owner}/{self.repo}".lower()

    @property
    def branch(self) -> str | None:
        """The branch a `tree/BRANCH/...` or `blob/BRANCH/...` path names, if any."""
        parts = self.rest.strip("/").split("/")
        if len(parts) >= 2 and parts[0] in _BRANCH_KINDS:
            return parts[1]
        return None


@dataclass(frozen=True)
class RepoMetadata:
    """One repository as the GitHub API describes it (GraphQL and REST give the same).

    `legacy_branch_exists` says whether a branch named `master` still exists (None: not
    asked), so that a `tree/master/...` link is only moved to `main` when `master` is gone.
    """

    name_with_owner: str
    url: str
    stars: int
    pushed_at: str | None
    archived: bool
    default_branch: str | None
    description: str | None
    license: str | None
    legacy_branch_exists: bool | None = None


def parse_repo_url(url: str) -> RepoRef | None:
    """The repository a github.com URL points into, or None for any other URL."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or (parts.hostname or "") not in GITHUB_HOSTS:
        return None
    segments = parts.path.split("/")[1:]  # path starts with "/"
    if len(segments) < 2:
        return None
    owner, repo = segments[0], segments[1]
    if repo.lower().endswith(".git"):
        repo = repo[:-4]
    if (owner.lower() in _RESERVED_OWNERS or not _OWNER.fullmatch(owner)
            or not _REPO.fullmatch(repo) or repo in (".", "..")):
        return None
    rest = "/" + "/".join(segments[2:]) if len(segments) > 2 else ""
    return RepoRef(url=url, owner=owner, repo=repo, rest=rest)


def propose(ref: RepoRef, meta: RepoMetadata) -> Proposal | None:
    """A new URL for `ref` when the repository moved or its legacy branch is gone."""
    new_owner, _, new_name = meta.name_with_owner.partition("/")
    renamed = bool(new_name) and meta.name_with_owner.lower() != ref.key
    new_branch = _replacement_branch(ref, meta)
    if not renamed and new_branch is None:
        return None
    new_url = _rewrite(ref.url, new_owner if renamed else None, new_name if renamed else None,
                       new_branch)
    if new_url == ref.url:
        return None
    notes = []
    if renamed:
        notes.append(f"{ref.owner}/{ref.repo} is now {meta.name_with_owner}")
    if new_branch is not None:
        notes.append(f"branch {ref.branch} no longer exists; the default branch is {new_branch}")
    return Proposal(url=ref.url, new_url=new_url,
                    reason=ProposalReason.RENAMED if renamed else ProposalReason.DEFAULT_BRANCH,
                    detail="; ".join(notes))


def describe(ref: RepoRef, meta: RepoMetadata, provider: str = "github") -> LinkMetadata:
    """The `LinkMetadata` of one link into a repository the API described."""
    return LinkMetadata(
        url=ref.url, provider=provider, archived=meta.archived,
        proposal=propose(ref, meta), repo=meta,
        detail="archived by its owner" if meta.archived else "",
    )


def _replacement_branch(ref: RepoRef, meta: RepoMetadata) -> str | None:
    if (ref.branch == LEGACY_BRANCH and meta.default_branch
            and meta.default_branch != LEGACY_BRANCH and meta.legacy_branch_exists is False):
        return meta.default_branch
    return None


def _rewrite(url: str, owner: str | None, name: str | None, branch: str | None) -> str:
    parts = urlsplit(url)
    segments = parts.path.split("/")
    # segments: ["", owner, repo[.git], kind, branch, ...]
    if owner is not None and name is not None:
        segments[1] = owner
        segments[2] = name + (".git" if segments[2].lower().endswith(".git") else "")
    if branch is not None and len(segments) > 4:
        segments[4] = branch
    return urlunsplit(parts._replace(path="/".join(segments)))
