"""The GitHub provider: links into repositories in, one `LinkMetadata` per link out.

With a token it asks GraphQL in batches (`github_graphql`), without one it asks REST with
conditional requests (`github_rest`); either way the answers are keyed by repository, so
ten links into one repository cost one alias. Each link then gets the repository's
metadata, `archived`, and a `Proposal` when the repository was renamed or its legacy branch
became `main` (`repo.propose`). A missing repository is `gone`; one the API could not tell
about carries `error` and the reason is in the batch's notes.
"""

from __future__ import annotations

from collections.abc import Sequence

from curatorbot.github_config import GitHubConfig
from curatorbot.http.client import HttpClient
from curatorbot.http.ratelimit import Pacer
from curatorbot.metadata.base import LinkMetadata, MetadataBatch
from curatorbot.metadata.github_common import GitHubLimits, RepoAnswers
from curatorbot.metadata.github_graphql import GraphQLClient
from curatorbot.metadata.github_rest import RestClient
from curatorbot.metadata.repo import LEGACY_BRANCH, RepoRef, describe, parse_repo_url
from curatorbot.state import EtagCache


class GitHubProvider:
    """Metadata for github.com repository links (GraphQL with a token, REST without)."""

    name = "github"

    def __init__(self, config: GitHubConfig, limits: GitHubLimits | None = None,
                 etags: EtagCache | None = None, pacer: Pacer | None = None) -> None:
        self.config = config
        self.limits = limits = limits or GitHubLimits()
        self.etags = etags
        self.pacer = pacer or Pacer(limits.retry_after_cap)

    def matches(self, url: str) -> bool:
        """Whether `url` points at or into a GitHub repository."""
        return parse_repo_url(url) is not None

    async def fetch(self, client: HttpClient, urls: Sequence[str]) -> MetadataBatch:
        """One `LinkMetadata` per repository URL in `urls` (others are ignored)."""
        refs = [ref for ref in map(parse_repo_url, urls) if ref is not None]
        targets: dict[str, RepoRef] = {}
        for ref in refs:
            targets.setdefault(ref.key, ref)
        answers = await self._ask(client, list(targets.values()),
                                  frozenset(r.key for r in refs if r.branch == LEGACY_BRANCH))
        batch = MetadataBatch(notes=list(answers.notes), requests=answers.requests)
        for ref in refs:
            batch.links[ref.url] = self._link(ref, answers)
        return batch

    async def _ask(self, client: HttpClient, targets: Sequence[RepoRef],
                   check_branch: frozenset[str]) -> RepoAnswers:
        if not targets:
            return RepoAnswers()
        if self.config.token:
            return await GraphQLClient(self.config, self.limits, self.pacer).fetch(client, targets)
        rest = RestClient(self.config, self.limits, self.etags, self.pacer)
        return await rest.fetch(client, targets, check_branch)

    def _link(self, ref: RepoRef, answers: RepoAnswers) -> LinkMetadata:
        meta = answers.found.get(ref.key)
        if meta is not None:
            return describe(ref, meta, self.name)
        if ref.key in answers.missing:
            return LinkMetadata(url=ref.url, provider=self.name, gone=True,
                                detail=answers.missing[ref.key])
        return LinkMetadata(url=ref.url, provider=self.name,
                            error=answers.failed.get(ref.key, "not asked"))
