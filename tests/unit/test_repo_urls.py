"""GitHub repository URLs: what is a repository link, and which new URL to propose."""

from __future__ import annotations

import pytest

from curatorbot.metadata.base import ProposalReason
from curatorbot.metadata.repo import RepoMetadata, parse_repo_url, propose


@pytest.mark.parametrize(("url", "owner", "repo", "rest"), [
    ("https://github.com/psf/requests", "psf", "requests", ""),
    ("https://github.com/psf/requests/", "psf", "requests", "/"),
    ("http://www.github.com/psf/requests.git", "psf", "requests", ""),
    ("https://github.com/fastai/fastbook/tree/master/notebooks/book1", "fastai", "fastbook",
     "/tree/master/notebooks/book1"),
    ("https://github.com/a-b/c.d_e/blob/main/x.py#L3", "a-b", "c.d_e", "/blob/main/x.py"),
    ("https://GitHub.com/Owner/Repo/issues?q=is%3Aopen", "Owner", "Repo", "/issues"),
])
def test_repository_links_parse(url: str, owner: str, repo: str, rest: str) -> None:
    ref = parse_repo_url(url)
    assert ref is not None
    assert (ref.owner, ref.repo, ref.rest) == (owner, repo, rest)
    assert ref.key == f"{owner}/{repo}".lower()


@pytest.mark.parametrize("url", [
    "https://github.com/features/actions",
    "https://github.com/orgs/python/repositories",
    "https://github.com/topics/machine-learning",
    "https://github.com/torvalds",
    "https://github.com/",
    "https://gist.github.com/user/0123456789abcdef",
    "https://raw.githubusercontent.com/a/b/main/x",
    "https://example.com/a/b",
    "ftp://github.com/a/b",
    "https://github.com/-bad/repo",
    "https://github.com/owner/..",
])
def test_non_repository_links_are_refused(url: str) -> None:
    assert parse_repo_url(url) is None


def _meta(name: str = "o/r", default: str = "main", legacy: bool | None = False) -> RepoMetadata:
    return RepoMetadata(name_with_owner=name, url=f"https://github.com/{name}", stars=1,
                        pushed_at=None, archived=False, default_branch=default,
                        description=None, license=None, legacy_branch_exists=legacy)


def _proposal(url: str, meta: RepoMetadata) -> tuple[str, ProposalReason] | None:
    ref = parse_repo_url(url)
    assert ref is not None
    found = propose(ref, meta)
    return (found.new_url, found.reason) if found else None


def test_rename_keeps_everything_but_owner_and_name() -> None:
    assert _proposal("http://github.com/old/r.git?x=1#frag", _meta("new/r2")) == (
        "http://github.com/new/r2.git?x=1#frag", ProposalReason.RENAMED)


def test_case_only_difference_is_not_a_rename() -> None:
    assert _proposal("https://github.com/O/R", _meta("o/r")) is None


def test_master_path_moves_to_the_new_default_branch_only_when_master_is_gone() -> None:
    url = "https://github.com/o/r/blob/master/src/a.py"
    assert _proposal(url, _meta()) == ("https://github.com/o/r/blob/main/src/a.py",
                                      ProposalReason.DEFAULT_BRANCH)
    assert _proposal(url, _meta(legacy=True)) is None      # master still exists
    assert _proposal(url, _meta(legacy=None)) is None      # not known: no guess
    assert _proposal(url, _meta(default="master")) is None
    assert _proposal("https://github.com/o/r/tree/dev/x", _meta()) is None


def test_rename_and_branch_together() -> None:
    assert _proposal("https://github.com/o/old/tree/master/docs", _meta("p/new")) == (
        "https://github.com/p/new/tree/main/docs", ProposalReason.RENAMED)
