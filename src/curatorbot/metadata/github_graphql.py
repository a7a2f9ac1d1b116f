"""GitHub metadata over GraphQL: many repositories per request, one alias each.

`build_query` writes one document for up to 100 repositories (`r0: repository(owner: $o0,
name: $n0) { ...Repo }`, ...), so N repositories cost about N / batch_size requests.
`GraphQLClient.fetch` sends the batches one after another and reads per-alias errors: a
`NOT_FOUND` with `path: ["r3"]` makes that one repository missing, not the batch failed.
A batch that the server cannot answer (5xx, timeout) is split in halves and retried; an
unusable answer (not JSON, or JSON not shaped like a GraphQL response) is retried like a 5xx
and then given up for that batch (a note, never an exception out of `fetch`); a rate limit
is waited out only within the cap, otherwise the run stops with what it has.
"""

from __future__ import annotations

import json
import logging
from collections import deque
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from curatorbot.github_config import GitHubConfig
from curatorbot.http.client import HttpClient, Reply
from curatorbot.http.ratelimit import Pacer, RateGate, RateLimit, Stop
from curatorbot.metadata.github_common import GitHubLimits, RepoAnswers, request_headers
from curatorbot.metadata.repo import LEGACY_BRANCH, RepoMetadata, RepoRef

log = logging.getLogger("curatorbot.metadata")

# How long to wait on a secondary rate limit without Retry-After: GitHub asks for a minute.
SECONDARY_LIMIT_WAIT = 60.0

REPO_FRAGMENT = f"""fragment Repo on Repository {{
  nameWithOwner
  url
  stargazerCount
  pushedAt
  isArchived
  description
  defaultBranchRef {{ name }}
  licenseInfo {{ spdxId }}
  legacyBranch: ref(qualifiedName: "refs/heads/{LEGACY_BRANCH}") {{ name }}
}}"""


def alias(index: int) -> str:
    """The alias of the `index`-th repository of a batch."""
    return f"r{index}"


def build_query(targets: Sequence[RepoRef]) -> tuple[str, dict[str, str]]:
    """The query document and its variables for one batch of repositories."""
    if not targets:
        raise ValueError("a batch needs at least one repository")
    definitions = ", ".join(f"$o{i}: String!, $n{i}: String!" for i in range(len(targets)))
    fields = "\n".join(
        f"  {alias(i)}: repository(owner: $o{i}, name: $n{i}) {{ ...Repo }}"
        for i in range(len(targets))
    )
    document = (f"query CuratorbotRepos({definitions}) {{\n"
                f"  rateLimit {{ cost remaining resetAt }}\n{fields}\n}}\n{REPO_FRAGMENT}\n")
    variables: dict[str, str] = {}
    for i, target in enumerate(targets):
        variables[f"o{i}"] = target.owner
        variables[f"n{i}"] = target.repo
    return document, variables


def parse_repository(node: Mapping[str, Any]) -> RepoMetadata:
    """A GraphQL `Repository` object (as selected by `REPO_FRAGMENT`) as `RepoMetadata`."""
    branch = node.get("defaultBranchRef") or {}
    license_info = node.get("licenseInfo") or {}
    return RepoMetadata(
        name_with_owner=str(node["nameWithOwner"]),
        url=str(node.get("url") or ""),
        stars=int(node.get("stargazerCount") or 0),
        pushed_at=node.get("pushedAt"),
        archived=bool(node.get("isArchived")),
        default_branch=branch.get("name"),
        description=node.get("description"),
        license=license_info.get("spdxId"),
        legacy_branch_exists=node.get("legacyBranch") is not None,
    )


def read_batch(targets: Sequence[RepoRef], body: Mapping[str, Any],
               answers: RepoAnswers) -> None:
    """File each repository of a batch under found, missing or failed."""
    data = body.get("data") or {}
    by_alias: dict[str, Mapping[str, Any]] = {}
    general: list[str] = []
    for error in body.get("errors") or []:
        path = error.get("path")
        if isinstance(path, list) and path and isinstance(path[0], str):
            by_alias.setdefault(path[0], error)
        else:
            general.append(str(error.get("message") or error))
    for i, target in enumerate(targets):
        name = alias(i)
        node = data.get(name)
        error = by_alias.get(name)
        if node:
            try:
                answers.found[target.key] = parse_repository(node)
                continue
            except (KeyError, TypeError, ValueError, AttributeError) as exc:
                # The name only: the message may quote the answer.
                answers.failed[target.key] = f"malformed GraphQL answer ({type(exc).__name__})"
                continue
        if error is not None and error.get("type") == "NOT_FOUND":
            answers.missing[target.key] = str(error.get("message") or "not found")
        elif error is not None:
            kind = error.get("type") or "error"
            answers.failed[target.key] = f"GitHub GraphQL {kind}: {error.get('message')}"
        elif general:
            answers.failed[target.key] = f"GitHub GraphQL error: {general[0]}"
        else:
            answers.missing[target.key] = "GitHub returned no repository"
    if general and not data:
        answers.notes.append(f"GitHub GraphQL refused a batch of {len(targets)}: {general[0]}")


class _BatchFailed(Exception):
    """This batch could not be answered; `splittable`: a smaller batch may succeed."""

    def __init__(self, message: str, splittable: bool) -> None:
        super().__init__(message)
        self.splittable = splittable


class GraphQLClient:
    """Sends batched repository queries to `config.graphql_url` (needs a token)."""

    def __init__(self, config: GitHubConfig, limits: GitHubLimits, pacer: Pacer) -> None:
        self.config = config
        self.limits = limits
        self._gate = RateGate("GitHub GraphQL", pacer, default_wait=SECONDARY_LIMIT_WAIT)

    async def fetch(self, client: HttpClient,
                    targets: Sequence[RepoRef]) -> RepoAnswers:
        """Metadata for every target; failures become `failed` entries and notes."""
        answers = RepoAnswers()
        size = self.limits.batch_size
        pending = deque(list(targets[i:i + size]) for i in range(0, len(targets), size))
        while pending:
            batch = pending.popleft()
            try:
                await self._gate.enter()
                body = await self._post(client, batch, answers)
            except Stop as stop:
                left = [t for chunk in (batch, *pending) for t in chunk]
                for target in left:
                    answers.failed[target.key] = str(stop)
                answers.notes.append(f"{stop}; kept {len(answers.found)} results, "
                                     f"{len(left)} repositories not checked")
                break
            except _BatchFailed as exc:
                if exc.splittable and len(batch) > 1:
                    half = len(batch) // 2
                    log.warning("GitHub GraphQL batch of %d failed (%s); splitting it",
                                len(batch), exc)
                    pending.appendleft(batch[half:])
                    pending.appendleft(batch[:half])
                    continue
                for target in batch:
                    answers.failed[target.key] = f"GitHub GraphQL: {exc}"
                answers.notes.append(f"GitHub GraphQL failed for {len(batch)} repositories: {exc}")
                continue
            read_batch(batch, body, answers)
        return answers

    async def _post(self, client: HttpClient, batch: Sequence[RepoRef],
                    answers: RepoAnswers) -> Mapping[str, Any]:
        document, variables = build_query(batch)
        payload = {"query": document, "variables": variables}
        url = self.config.graphql_url

        async def attempt() -> _Try:
            headers = request_headers(self.config, self.limits, url)
            reply = await client.request("POST", url, json=payload, headers=headers,
                                         timeout=self.limits.timeout)
            if not isinstance(reply, Reply):
                return _Try(reply.message, splittable=True)
            answers.requests += 1
            status = reply.status
            limit = RateLimit.from_headers(reply.headers)
            if status == 401:
                raise Stop("GitHub rejected GITHUB_TOKEN (401 Bad credentials); renew the token")
            body = _json(reply.text()) if reply.complete else None
            if body is not None and not _graphql_shaped(body):
                body = None  # nothing below may trust its shape
            if status in (403, 429) or _rate_limited(body):
                await self._gate.wait_out(limit, status)  # waited: no backoff on top
                return _Try(f"rate limited (HTTP {status})", splittable=True, waited=True)
            if status >= 500:
                return _Try(f"HTTP {status}", splittable=True)
            if status != 200:
                raise _BatchFailed(f"HTTP {status}", splittable=False)
            if body is None:
                # Like a 5xx: ask again; a smaller batch would not be answered better.
                return _Try("unusable answer (not a GraphQL JSON response)", splittable=False)
            self._gate.note(limit)
            return _Try("", body=body)

        policy = replace(client.retry, retries=self.limits.retries, backoff=self.limits.backoff)
        last = await policy.run(attempt, transient=lambda t: t.body is None,
                                retry_after=lambda t: 0.0 if t.waited else None)
        if last.body is None:
            raise _BatchFailed(last.problem, splittable=last.splittable)
        return last.body


@dataclass(frozen=True)
class _Try:
    """One attempt at a batch: its body, or what went wrong (then it is asked again)."""

    problem: str
    body: Mapping[str, Any] | None = None
    splittable: bool = True
    waited: bool = False  # a rate limit was waited out already


def _json(text: str) -> dict[str, Any] | None:
    try:
        value = json.loads(text)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def _graphql_shaped(body: Mapping[str, Any]) -> bool:
    """`data` an object or null, `errors` absent or a list of objects: what `read_batch`
    can read. Anything inside a repository's object is checked as it is parsed."""
    data, errors = body.get("data"), body.get("errors")
    if data is None and errors is None:
        return False
    return (data is None or isinstance(data, dict)) and (
        errors is None or (isinstance(errors, list) and all(isinstance(e, dict) for e in errors)))


def _rate_limited(body: Mapping[str, Any] | None) -> bool:
    if not body or body.get("data"):
        return False
    return any(e.get("type") == "RATE_LIMITED" for e in body.get("errors") or [])
