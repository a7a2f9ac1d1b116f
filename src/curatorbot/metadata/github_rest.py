"""GitHub metadata over REST, for runs without a token: one conditional GET per repository.

`GET /repos/{owner}/{repo}` with `If-None-Match` from the ETag cache: a 304 costs nothing
against the 60/hour limit and reuses the cached body. A renamed repository answers 301 to
`/repositories/{id}`, followed only on the API's own origin. When `X-RateLimit-Remaining`
reaches 0 and the reset is beyond the wait cap, the client stops cleanly: every answer so
far is kept, the rest is `failed` with the reason, and one note says what happened.
An unusable answer (not JSON, or not a repository object) is retried like a 5xx and then
makes that repository `failed`; its body is never cached.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import quote, urljoin

from curatorbot.github_config import GitHubConfig
from curatorbot.http.client import HttpClient, Reply
from curatorbot.http.ratelimit import Pacer, RateGate, RateLimit, Stop
from curatorbot.metadata.github_common import GitHubLimits, RepoAnswers, request_headers
from curatorbot.metadata.repo import LEGACY_BRANCH, RepoMetadata, RepoRef
from curatorbot.state import EtagCache

log = logging.getLogger("curatorbot.metadata")

_MAX_HOPS = 5


def parse_rest_repository(body: Mapping[str, Any]) -> RepoMetadata:
    """A REST `repository` object as `RepoMetadata` (branch existence not known yet)."""
    license_info = body.get("license") or {}
    return RepoMetadata(
        name_with_owner=str(body["full_name"]),
        url=str(body.get("html_url") or ""),
        stars=int(body.get("stargazers_count") or 0),
        pushed_at=body.get("pushed_at"),
        archived=bool(body.get("archived")),
        default_branch=body.get("default_branch"),
        description=body.get("description"),
        license=license_info.get("spdx_id"),
    )


class _Missing(Exception):
    """404/410/451: the repository does not exist or is not visible."""


class _Failed(Exception):
    """This one request failed after retries."""


class RestClient:
    """Conditional REST requests against `config.api_url`, sharing one rate-limit gate.

    Once stopped by the rate limit, a client stays stopped: make one client per run.
    """

    def __init__(self, config: GitHubConfig, limits: GitHubLimits, etags: EtagCache | None,
                 pacer: Pacer) -> None:
        self.config = config
        self.limits = limits
        self.etags = etags
        self._gate = RateGate("GitHub REST", pacer)
        self._answers: RepoAnswers  # the answers of the running `fetch`

    async def fetch(self, client: HttpClient, targets: Sequence[RepoRef],
                    check_branch: frozenset[str] = frozenset()) -> RepoAnswers:
        """Metadata for each target; `check_branch` keys also get the legacy-branch check."""
        self._answers = answers = RepoAnswers()
        semaphore = asyncio.Semaphore(self.limits.rest_concurrency)

        async def one(target: RepoRef) -> None:
            async with semaphore:
                try:
                    meta = await self._repository(client, target, target.key in check_branch)
                except _Missing as exc:
                    answers.missing[target.key] = str(exc)
                except (Stop, _Failed) as exc:
                    answers.failed[target.key] = str(exc)
                else:
                    answers.found[target.key] = meta

        await asyncio.gather(*(one(t) for t in targets))
        if self._gate.stopped:
            answers.notes.append(
                f"{self._gate.stopped}; kept {len(answers.found) + len(answers.missing)} results, "
                f"{len(answers.failed)} repositories not checked; set GITHUB_TOKEN to use "
                "GraphQL (5,000 points/hour, 100 repositories per request)")
        return answers

    async def _repository(self, client: HttpClient, target: RepoRef,
                          check_branch: bool) -> RepoMetadata:
        base = self.config.api_url.rstrip("/")
        url = f"{base}/repos/{quote(target.owner, safe='')}/{quote(target.repo, safe='')}"
        body = await self._get_json(client, url)
        if body is None:
            raise _Missing(f"repository {target.owner}/{target.repo} not found")
        try:
            meta = parse_rest_repository(body)
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            # The name only: the message may quote the answer.
            raise _Failed(f"malformed GitHub REST answer for {url} "
                          f"({type(exc).__name__})") from None
        if check_branch and meta.default_branch not in (None, LEGACY_BRANCH):
            owner, _, name = meta.name_with_owner.partition("/")
            branch_url = (f"{base}/repos/{quote(owner, safe='')}/{quote(name, safe='')}"
                          f"/branches/{LEGACY_BRANCH}")
            exists = await self._get_json(client, branch_url) is not None
            meta = replace(meta, legacy_branch_exists=exists)
        return meta

    async def _get_json(self, client: HttpClient, url: str) -> Any | None:
        """The JSON body of `url` (None for 404/410/451), via the ETag cache and redirects."""

        async def attempt() -> _Try:
            nonlocal url
            await self._gate.enter()
            for _hop in range(_MAX_HOPS + 1):
                cached = self.etags.get_etag(url) if self.etags else None
                headers = request_headers(self.config, self.limits, url)
                if cached:
                    headers["If-None-Match"] = cached.etag
                reply = await client.request("GET", url, headers=headers,
                                             timeout=self.limits.timeout)
                if not isinstance(reply, Reply):
                    return _Try(reply.message)
                self._answers.requests += 1
                status = reply.status
                limit = RateLimit.from_headers(reply.headers)
                self._gate.note(limit)
                if status == 304 and cached:
                    try:
                        return _Try("", done=True, value=json.loads(cached.body))
                    except ValueError:
                        raise _Failed(f"the cached body for {url} is not JSON") from None
                if status == 200:
                    try:
                        value = reply.json() if reply.complete else None
                    except ValueError:
                        value = None
                    if value is None:
                        # Like a 5xx: ask again (and never cache what cannot be read).
                        return _Try("unusable answer (malformed JSON)")
                    etag = reply.headers.get("ETag")
                    if etag and self.etags:
                        self.etags.put_etag(url, etag, reply.text())
                    return _Try("", done=True, value=value)
                location = reply.headers.get("Location")
                if status in (301, 302, 307, 308) and location and _hop < _MAX_HOPS:
                    target = urljoin(url, location)
                    if not self.config.on_api(target):
                        raise _Failed(f"{url} redirects off the API host to {target}")
                    url = target
                    continue
                if status in (404, 410, 451):
                    return _Try("", done=True)
                if status in (403, 429) and (limit.retry_after is not None or limit.exhausted):
                    await self._gate.wait_out(limit, status)  # waited: no backoff on top
                    return _Try(f"HTTP {status}", waited=True)
                return _Try(f"HTTP {status}", retry=status >= 500)
            raise AssertionError("unreachable: the last hop returns")

        policy = replace(client.retry, retries=self.limits.retries, backoff=self.limits.backoff)
        last = await policy.run(attempt, transient=lambda t: not t.done and t.retry,
                                retry_after=lambda t: 0.0 if t.waited else None)
        if not last.done:
            raise _Failed(f"GitHub REST {url}: {last.problem}")
        return last.value


@dataclass(frozen=True)
class _Try:
    """One attempt at a GET: done (with its JSON, None for a missing repository), or what
    went wrong and whether asking again may help."""

    problem: str
    done: bool = False
    value: Any = None
    retry: bool = True
    waited: bool = False  # a rate limit was waited out already
