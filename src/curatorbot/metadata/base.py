"""The provider contract: what a metadata source takes, and what it says about each link.

A provider (GitHub, YouTube, ... PyPI, DOI, arXiv later) claims URLs with `matches(url)` and
answers a batch of them with `fetch(client, urls)` (`client`: the run's
`http.client.HttpClient`, so every request honours the guard, `--resolve`, the User-Agent
and the per-host limits): a `MetadataBatch` holding one
`LinkMetadata` per URL it could say something about, plus notes for the report (a rate
limit that ran out, an API that failed). A failure in one provider or one API call never
raises past `fetch`: it becomes a note and an `error` on the links it left unknown.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol, runtime_checkable

if TYPE_CHECKING:
    from curatorbot.http.client import HttpClient
    from curatorbot.metadata.repo import RepoMetadata


class ProposalReason(enum.StrEnum):
    """Why a provider proposes another URL for a link."""

    RENAMED = "renamed"                  # the repository was renamed or transferred
    DEFAULT_BRANCH = "default-branch"    # tree/master/... while the branch is now main


@dataclass(frozen=True)
class Proposal:
    """A better URL for a link, with the reason and a sentence of evidence."""

    url: str
    new_url: str
    reason: ProposalReason
    detail: str


@dataclass(frozen=True)
class LinkMetadata:
    """What a provider learnt about one URL.

    `gone` means the provider's API says the resource no longer exists (a removed video, a
    deleted repository): the link is dead even if the page answers 200. `error` means the
    provider could not tell (rate limit, API failure): nothing else here is known then.
    """

    url: str
    provider: str
    title: str | None = None
    gone: bool = False
    archived: bool = False
    proposal: Proposal | None = None
    repo: RepoMetadata | None = None
    error: str | None = None
    detail: str = ""

    @property
    def known(self) -> bool:
        """Whether the provider answered for this URL (False: see `error`)."""
        return self.error is None


@dataclass
class MetadataBatch:
    """The answer of one or more providers: per-URL metadata, notes, API requests made."""

    links: dict[str, LinkMetadata] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    requests: int = 0

    def merge(self, other: MetadataBatch) -> None:
        """Add another batch's links, notes and request count to this one."""
        self.links.update(other.links)
        self.notes.extend(other.notes)
        self.requests += other.requests


@runtime_checkable
class Provider(Protocol):
    """A metadata source for the URLs it matches."""

    name: str

    def matches(self, url: str) -> bool:
        """Whether this provider knows about `url` (cheap, no I/O)."""
        ...

    async def fetch(self, client: HttpClient, urls: Sequence[str]) -> MetadataBatch:
        """Metadata for the matched `urls`; never raises for API or network failures."""
        ...


def unknown(urls: Sequence[str], provider: str, error: str) -> Mapping[str, LinkMetadata]:
    """The same `error` for every URL a provider could not answer for."""
    return {url: LinkMetadata(url=url, provider=provider, error=error) for url in urls}
