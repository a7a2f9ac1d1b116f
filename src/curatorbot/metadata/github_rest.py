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
from dataclasses import replace
from typing import Any
from urllib.parse import quote, urljoin

import aiohttp

from curatorbot.github_config import GitHubConfig
from curatorbot.http.ratelimit import Pacer, RateGate, RateLimit, Stop
from curatorbot.metadata.github_common import GitHubLimits, RepoAnswers, request_headers
from curatorbot.metadata.http import REQUEST_ERRORS, backoff_pause, error_text
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

    async def fetch(self, session: aiohttp.ClientSession, targets: Sequence[RepoRef],
                    check_branch: frozenset[str] = frozenset()) -> RepoAnswers:
        """Metadata for each target; `check_branch` keys also get the legacy-branch check."""
        self._answers = answers = RepoAnswers()
        semaphore = asyncio.Semaphore(self.limits.rest_concurrency)

        async def one(target: RepoRef) -> None:
            async with semaphore:
                try:
                    meta = await self._repository(session, target, target.key in check_branch)
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

    async def _repository(self, session: aiohttp.ClientSession, target: RepoRef,
                          check_branch: bool) -> RepoMetadata:
        base = self.config.api_url.rstrip("/")
        url = f"{base}/repos/{quote(target.owner, safe='')}/{quote(target.repo, safe='')}"
        body = await self._get_json(session, url)
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
            exists = await self._get_json(session, branch_url) is not None
            meta = replace(meta, legacy_branch_exists=exists)
        return meta

    async def _get_json(self, session: aiohttp.ClientSession, url: str) -> Any | None:
        """The JSON body of `url` (None for 404/410/451), via the ETag cache and redirects."""
        timeout = aiohttp.ClientTimeout(total=self.limits.timeout)
        last = "no answer"
        attempt = hops = 0
        while attempt <= self.limits.retries:
            await self._gate.enter()
            cached = self.etags.get_etag(url) if self.etags else None
            headers = request_headers(self.config, self.limits, url)
            if cached:
                headers["If-None-Match"] = cached.etag
            try:
                async with session.get(url, headers=headers, timeout=timeout,
                                       allow_redirects=False) as resp:
                    self._answers.requests += 1
                    status = resp.status
                    limit = RateLimit.from_headers(resp.headers)
                    etag = resp.headers.get("ETag")
                    location = resp.headers.get("Location")
                    text = await resp.text(errors="replace") if status != 304 else ""
            except REQUEST_ERRORS as exc:
                last = error_text(exc)
                attempt += 1
                await self._backoff(attempt)
                continue
            self._gate.note(limit)
            if status == 304 and cached:
                try:
                    return json.loads(cached.body)
                except ValueError:
                    raise _Failed(f"the cached body for {url} is not JSON") from None
            if status == 200:
                try:
                    value = json.loads(text)
                except ValueError:
                    # Like a 5xx: ask again (and never cache what cannot be read).
                    last = "unusable answer (malformed JSON)"
                    attempt += 1
                    await self._backoff(attempt)
                    continue
                if etag and self.etags:
                    self.etags.put_etag(url, etag, text)
                return value
            if status in (301, 302, 307, 308) and location and hops < _MAX_HOPS:
                target = urljoin(url, location)
                if not self.config.on_api(target):
                    raise _Failed(f"{url} redirects off the API host to {target}")
                url, hops = target, hops + 1
                continue
            if status in (404, 410, 451):
                return None
            if status in (403, 429) and (limit.retry_after is not None or limit.exhausted):
                await self._gate.wait_out(limit, status)
                attempt += 1
                continue
            last = f"HTTP {status}"
            if status < 500:
                break
            attempt += 1
            await self._backoff(attempt)
        raise _Failed(f"GitHub REST {url}: {last}")

    async def _backoff(self, attempt: int) -> None:
        if attempt <= self.limits.retries:
            await backoff_pause(attempt, self.limits.backoff)
