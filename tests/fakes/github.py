"""A fake GitHub API on loopback: GraphQL executed over canned data, and REST with ETags.

GraphQL: every received document is validated against GitHub's real schema
(tests/contracts/github-schema.graphql) and then executed by graphql-core over the canned
repositories, so answers have GitHub's exact shape; a missing repository gives a GitHub-style
`{"type": "NOT_FOUND", "path": ["r3"], ...}` error with `null` data for that alias.
REST: `GET /repos/{owner}/{repo}` (bodies built from the OpenAPI example of the contract
subset), 301 to `/repositories/{id}` for renamed repositories, `/branches/{branch}`, ETags
with 304 (which do not use the rate limit), and a 60-request window that answers 403 once
used up. `script` queues canned failures (429 + Retry-After, 502) served before the normal
answer; `script_body` queues unusable answers (malformed JSON, an HTML page with 200, JSON of
the wrong shape), sent as the exact bytes given. Every request is counted and logged for assertions.

Used by tests and by benchmarks/bench_github.py.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections import Counter, deque
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from aiohttp import web
from graphql import (
    GraphQLError,
    GraphQLSchema,
    build_schema,
    execute,
    parse,
    validate,
)

from tests.fakes.contracts import CONTRACTS, REPOSITORY_EXAMPLE, rest_example
from tests.fakes.server import start_app

SCHEMA_PATH = CONTRACTS / "github-schema.graphql"
TOKEN = "ghs_fake_token_for_tests_only"


@cache
def github_schema() -> GraphQLSchema:
    """GitHub's public schema, as graphql-core builds it (the SDL defines two fields twice)."""
    return build_schema(SCHEMA_PATH.read_text(encoding="utf-8"), assume_valid_sdl=True)


def validate_document(document: str) -> list[str]:
    """The schema-validation errors of a query document (empty: valid)."""
    try:
        ast = parse(document)
    except GraphQLError as exc:
        return [exc.message]
    return [e.message for e in validate(github_schema(), ast)]


@dataclass
class FakeRepo:
    """One canned repository."""

    owner: str
    name: str
    stars: int = 10
    pushed_at: str = "2024-05-01T12:00:00Z"
    archived: bool = False
    default_branch: str = "main"
    description: str | None = "A repository"
    license: str | None = "MIT"
    branches: tuple[str, ...] = ("main",)
    id: int = 0

    @property
    def full_name(self) -> str:
        return f"{self.owner}/{self.name}"


class _NotFound(Exception):
    pass


@dataclass
class FakeGitHub:
    """The canned state and the counters of one fake GitHub."""

    repos: list[FakeRepo] = field(default_factory=list)
    renames: dict[str, str] = field(default_factory=dict)  # "old/name" -> "new/name"
    token: str = TOKEN
    rest_limit: int = 60
    graphql_limit: int = 5000
    reset_in: float = 3600.0
    # (status, headers) or (status, headers, raw body)
    script: deque[tuple[Any, ...]] = field(default_factory=deque)
    requests: Counter[str] = field(default_factory=Counter)
    invalid_documents: list[list[str]] = field(default_factory=list)
    auth_seen: list[tuple[str, str | None]] = field(default_factory=list)
    base_url: str = ""

    def __post_init__(self) -> None:
        self.rest_remaining = self.rest_limit
        self.graphql_remaining = self.graphql_limit
        self._by_key: dict[str, FakeRepo] = {}
        self._by_id: dict[int, FakeRepo] = {}
        for number, repo in enumerate(self.repos, start=1):
            self.add(repo, number)

    def add(self, repo: FakeRepo, number: int | None = None) -> FakeRepo:
        """Put one more repository into the canned data."""
        repo.id = repo.id or number or len(self._by_id) + 1
        self._by_key[repo.full_name.lower()] = repo
        self._by_id[repo.id] = repo
        return repo

    def script_body(self, body: str, *, status: int = 200, times: int = 1,
                    content_type: str = "application/json") -> None:
        """Answer the next `times` requests with `status` and exactly `body` (not JSON-encoded)."""
        for _ in range(times):
            self.script.append((status, {"Content-Type": content_type}, body))

    def lookup(self, owner: str, name: str) -> FakeRepo | None:
        """The repository `owner/name` names now, following renames like GitHub does."""
        key = f"{owner}/{name}".lower()
        key = self.renames.get(key, key).lower()
        return self._by_key.get(key)

    @property
    def api_url(self) -> str:
        return self.base_url

    @property
    def graphql_url(self) -> str:
        return f"{self.base_url}/graphql"

    # -- the web application ---------------------------------------------------------------

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_post("/graphql", self._graphql)
        app.router.add_get("/repos/{owner}/{name}", self._rest_repo)
        app.router.add_get("/repos/{owner}/{name}/branches/{branch}", self._rest_branch)
        app.router.add_get("/repositories/{id}", self._rest_repo_by_id)
        return app

    def _scripted(self) -> web.Response | None:
        if not self.script:
            return None
        status, headers, *body = self.script.popleft()
        if body:
            return web.Response(status=status, text=body[0], headers=headers)
        return web.json_response({"message": f"scripted {status}"}, status=status,
                                 headers=headers)

    def _limit_headers(self, remaining: int, limit: int) -> dict[str, str]:
        return {"X-RateLimit-Limit": str(limit), "X-RateLimit-Remaining": str(remaining),
                "X-RateLimit-Reset": str(int(time.time() + self.reset_in))}

    async def _graphql(self, request: web.Request) -> web.Response:
        self.requests["graphql"] += 1
        auth = request.headers.get("Authorization")
        self.auth_seen.append((request.path, auth))
        if auth != f"Bearer {self.token}":
            return web.json_response({"message": "Bad credentials"}, status=401)
        scripted = self._scripted()
        if scripted is not None:
            return scripted
        payload = await request.json()
        document = payload["query"]
        problems = validate_document(document)
        if problems:
            self.invalid_documents.append(problems)
            return web.json_response({"errors": [{"message": m} for m in problems]})
        self.graphql_remaining = max(0, self.graphql_remaining - 1)
        body = self._execute(document, payload.get("variables") or {})
        return web.json_response(body, headers=self._limit_headers(self.graphql_remaining,
                                                                   self.graphql_limit))

    def _execute(self, document: str, variables: dict[str, Any]) -> dict[str, Any]:
        fake = self

        class Root:
            @staticmethod
            def repository(_info: Any, owner: str, name: str,
                           followRenames: bool = True) -> dict[str, Any]:
                repo = fake.lookup(owner, name)
                if repo is None:
                    raise _NotFound(
                        f"Could not resolve to a Repository with the name '{owner}/{name}'.")
                return fake._graphql_repo(repo)

            @staticmethod
            def rateLimit(_info: Any, dryRun: bool = False) -> dict[str, Any]:
                return {"cost": 1, "limit": fake.graphql_limit, "nodeCount": 0,
                        "remaining": fake.graphql_remaining, "used": 1,
                        "resetAt": "2030-01-01T00:00:00Z"}

        result = execute(github_schema(), parse(document), root_value=Root,
                         variable_values=variables)
        body: dict[str, Any] = {"data": result.data}
        if result.errors:
            body["errors"] = [_github_error(e) for e in result.errors]
        return body

    def _graphql_repo(self, repo: FakeRepo) -> dict[str, Any]:
        def ref(_info: Any, qualifiedName: str) -> dict[str, str] | None:
            branch = qualifiedName.removeprefix("refs/heads/")
            return {"name": branch} if branch in repo.branches else None

        return {
            "nameWithOwner": repo.full_name,
            "url": f"https://github.com/{repo.full_name}",
            "stargazerCount": repo.stars,
            "pushedAt": repo.pushed_at,
            "isArchived": repo.archived,
            "description": repo.description,
            "defaultBranchRef": {"name": repo.default_branch},
            "licenseInfo": {"spdxId": repo.license} if repo.license else None,
            "ref": ref,
        }

    # -- REST ------------------------------------------------------------------------------

    def _rest_gate(self, request: web.Request) -> web.Response | None:
        """Count the request; answer 403 when the window is used up (before any 304)."""
        self.requests["rest"] += 1
        self.auth_seen.append((request.path, request.headers.get("Authorization")))
        scripted = self._scripted()
        if scripted is not None:
            return scripted
        if self.rest_remaining <= 0:
            return web.json_response(
                {"message": "API rate limit exceeded for 127.0.0.1.",
                 "documentation_url": "https://docs.github.com/rest/rate-limit"},
                status=403, headers=self._limit_headers(0, self.rest_limit))
        return None

    def _rest_json(self, request: web.Request, body: dict[str, Any]) -> web.Response:
        text = json.dumps(body, sort_keys=True)
        etag = f'W/"{hashlib.sha256(text.encode()).hexdigest()[:32]}"'
        if request.headers.get("If-None-Match") == etag:
            self.requests["rest_304"] += 1
            return web.Response(status=304, headers={
                "ETag": etag, **self._limit_headers(self.rest_remaining, self.rest_limit)})
        self.rest_remaining -= 1
        return web.Response(text=text, content_type="application/json", headers={
            "ETag": etag, **self._limit_headers(self.rest_remaining, self.rest_limit)})

    async def _rest_repo(self, request: web.Request) -> web.Response:
        refused = self._rest_gate(request)
        if refused is not None:
            return refused
        owner, name = request.match_info["owner"], request.match_info["name"]
        repo = self.lookup(owner, name)
        if repo is None:
            return self._rest_not_found()
        if repo.full_name.lower() != f"{owner}/{name}".lower():
            self.rest_remaining -= 1
            location = f"{self.base_url}/repositories/{repo.id}"
            return web.json_response(
                {"message": "Moved Permanently", "url": location,
                 "documentation_url": "https://docs.github.com/rest/repos/repos#get-a-repository"},
                status=301, headers={"Location": location,
                                     **self._limit_headers(self.rest_remaining, self.rest_limit)})
        return self._rest_json(request, self.rest_repo_body(repo))

    async def _rest_repo_by_id(self, request: web.Request) -> web.Response:
        refused = self._rest_gate(request)
        if refused is not None:
            return refused
        repo = self._by_id.get(int(request.match_info["id"]))
        if repo is None:
            return self._rest_not_found()
        return self._rest_json(request, self.rest_repo_body(repo))

    async def _rest_branch(self, request: web.Request) -> web.Response:
        refused = self._rest_gate(request)
        if refused is not None:
            return refused
        repo = self.lookup(request.match_info["owner"], request.match_info["name"])
        branch = request.match_info["branch"]
        if repo is None or branch not in repo.branches:
            return self._rest_not_found("Branch not found")
        body = rest_example("branch-get")
        body["name"] = branch
        return self._rest_json(request, body)

    def _rest_not_found(self, message: str = "Not Found") -> web.Response:
        self.rest_remaining -= 1
        return web.json_response(
            {"message": message, "documentation_url": "https://docs.github.com/rest"},
            status=404, headers=self._limit_headers(self.rest_remaining, self.rest_limit))

    def rest_repo_body(self, repo: FakeRepo) -> dict[str, Any]:
        """A full REST repository object: the contract's example with this repo's values."""
        body = rest_example(REPOSITORY_EXAMPLE)
        body.update({
            "id": repo.id, "name": repo.name, "full_name": repo.full_name,
            "html_url": f"https://github.com/{repo.full_name}",
            "url": f"{self.base_url}/repos/{repo.full_name}",
            "stargazers_count": repo.stars, "watchers_count": repo.stars,
            "pushed_at": repo.pushed_at, "archived": repo.archived,
            "default_branch": repo.default_branch, "description": repo.description,
        })
        body["owner"]["login"] = repo.owner
        if repo.license:
            body["license"] = {**body["license"], "spdx_id": repo.license}
        else:
            body["license"] = None
        return body


def _github_error(error: GraphQLError) -> dict[str, Any]:
    """A graphql-core error in GitHub's shape (`type` at the top level)."""
    formatted: dict[str, Any] = dict(error.formatted)
    if isinstance(error.original_error, _NotFound):
        formatted["type"] = "NOT_FOUND"
    return formatted


@asynccontextmanager
async def serve(fake: FakeGitHub, host: str = "127.0.0.1") -> AsyncIterator[FakeGitHub]:
    """Run `fake` on loopback (a free port) for the duration of the block."""
    runner, port = await start_app(fake.app(), host)
    fake.base_url = f"http://{host}:{port}"
    try:
        yield fake
    finally:
        await runner.cleanup()
