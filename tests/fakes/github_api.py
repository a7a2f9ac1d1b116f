"""A stateful GitHub REST API on loopback, checked against GitHub's own OpenAPI description.

`FakeGitHub` serves, on 127.0.0.1 and a free port (aiohttp in a thread of its own, so that
synchronous PyGithub can talk to it), the parts of the API that publishing uses: repository,
git refs/commits/trees/blobs, contents, pulls, issues, labels and comments, with real state
(real git blob shas, branches that move, pull requests that are issues too, pagination with
`Link` headers).

Every request is validated with openapi-core against tests/contracts/github-rest-subset.json
before it is handled (an invalid one is answered 422 and recorded), and every response after
(recorded); the `violations` list must stay empty, so the fake cannot drift from GitHub's
contract. Answers injected on purpose (`inject`: a 502, a rate-limit 403; `inject_body`:
malformed JSON, an HTML page with 200, JSON of the wrong shape, a body cut off mid-transfer)
and 401s for a wrong token are outside the published description and are not
response-validated.

Each response body is GitHub's own example for that operation, with the fields that carry
state (numbers, shas, titles, urls...) overwritten.
"""

from __future__ import annotations

import asyncio
import base64
import functools
import hashlib
import json
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web
from openapi_core import OpenAPI
from openapi_core.datatypes import RequestParameters
from werkzeug.datastructures import Headers, ImmutableMultiDict

from tests.fakes.contracts import REPOSITORY_EXAMPLE, rest_example, rest_spec
from tests.fakes.server import start_app

SPEC_SERVER = "http://127.0.0.1:4010"


@functools.cache
def openapi() -> OpenAPI:
    return OpenAPI.from_dict(rest_spec())


def git_blob_sha(data: bytes) -> str:
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def _sha(*parts: Any) -> str:
    return hashlib.sha1(json.dumps(parts, sort_keys=True).encode()).hexdigest()


@dataclass
class Logged:
    """One request as the server saw it."""

    method: str
    path: str
    query: str
    authorization: str | None
    status: int = 0


@dataclass
class Fault:
    """An answer to give instead of the real one, `times` times, to matching requests.

    `after=True` does the work first and then answers with the fault (GitHub failing after
    it created something), the nastiest case for idempotency.
    """

    method: str
    path: re.Pattern[str]
    status: int
    message: str
    headers: dict[str, str]
    times: int
    after: bool = False
    body: bytes | None = None  # the raw body to answer with, instead of {"message": ...}
    content_type: str = "application/json; charset=utf-8"
    truncate: bool = False  # promise the whole body in Content-Length, send half, hang up


@dataclass
class Raw:
    """A body sent as these bytes, not as JSON (an injected fault)."""

    data: bytes
    content_type: str
    truncate: bool = False


@dataclass
class Commit:
    tree: str
    parents: list[str]
    message: str
    author: str


@dataclass
class Thread:
    number: int
    title: str
    body: str | None
    state: str
    labels: list[str]
    user: str
    created: str
    comments: list[tuple[int, str, str]] = field(default_factory=list)  # (id, user, body)
    head: str | None = None  # set for pull requests: head branch
    base: str | None = None
    head_sha: str = ""
    closed: str | None = None


class Repo:
    """One repository's state. Mutate only through FakeGitHub's lock (`with fake.lock`)."""

    def __init__(self, owner: str, name: str, default_branch: str) -> None:
        self.owner = owner
        self.name = name
        self.default_branch = default_branch
        self.blobs: dict[str, bytes] = {}
        self.trees: dict[str, dict[str, str]] = {}
        self.commits: dict[str, Commit] = {}
        self.refs: dict[str, str] = {}
        self.threads: dict[int, Thread] = {}
        self.labels: dict[str, tuple[int, str, str]] = {}  # name -> (id, color, description)
        self._clock = 0

    def tick(self) -> str:
        self._clock += 1
        return f"2026-01-01T00:{self._clock // 60 % 60:02d}:{self._clock % 60:02d}Z"

    # --- git -----------------------------------------------------------------------------

    def put_blob(self, data: bytes) -> str:
        sha = git_blob_sha(data)
        self.blobs[sha] = data
        return sha

    def put_tree(self, entries: dict[str, str]) -> str:
        sha = _sha("tree", sorted(entries.items()))
        self.trees[sha] = dict(entries)
        return sha

    def put_commit(self, tree: str, parents: list[str], message: str, author: str) -> str:
        sha = _sha("commit", tree, parents, message, author)
        self.commits[sha] = Commit(tree, list(parents), message, author)
        return sha

    def commit_files(self, branch: str, files: dict[str, str], message: str,
                     author: str = "A Person") -> str:
        """A commit on top of `branch` (created if missing) setting `files`; moves the branch."""
        parent = self.refs.get(f"heads/{branch}")
        entries = dict(self.trees[self.commits[parent].tree]) if parent else {}
        for path, text in files.items():
            entries[path] = self.put_blob(text.encode("utf-8"))
        sha = self.put_commit(self.put_tree(entries), [parent] if parent else [], message, author)
        self.refs[f"heads/{branch}"] = sha
        return sha

    def resolve(self, ref: str) -> str | None:
        if ref in self.commits:
            return ref
        for name in (ref, f"heads/{ref}", ref.removeprefix("refs/")):
            if name in self.refs:
                return self.refs[name]
        return None

    def file_text(self, ref: str, path: str) -> str | None:
        sha = self.resolve(ref)
        if sha is None:
            return None
        blob = self.trees[self.commits[sha].tree].get(path)
        return None if blob is None else self.blobs[blob].decode("utf-8")

    def is_ancestor(self, old: str, new: str) -> bool:
        todo, seen = [new], set()
        while todo:
            sha = todo.pop()
            if sha == old:
                return True
            if sha in seen or sha not in self.commits:
                continue
            seen.add(sha)
            todo.extend(self.commits[sha].parents)
        return False

    # --- what tests look at --------------------------------------------------------------

    def pulls(self, state: str = "open") -> list[Thread]:
        return [t for t in self.threads.values()
                if t.head is not None and state in (t.state, "all")]

    def issues(self, state: str = "open") -> list[Thread]:
        return [t for t in self.threads.values()
                if t.head is None and state in (t.state, "all")]


Handler = Callable[["Repo", dict[str, str], dict[str, Any], Any], tuple[int, Any]]


class FakeGitHub:
    """The server. Use as a context manager; `base_url` is what GITHUB_API_URL should be."""

    def __init__(self, token: str, host: str = "127.0.0.1") -> None:
        self.token = token
        self.host = host
        self.port = 0
        self.repos: dict[tuple[str, str], Repo] = {}
        self.log: list[Logged] = []
        self.violations: list[str] = []
        self.faults: list[Fault] = []
        self.link_host: str | None = None  # make pagination links point elsewhere
        self.lock = threading.RLock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._runner: web.AppRunner | None = None
        self._routes: list[tuple[str, re.Pattern[str], Handler]] = []
        self._ids = 1000
        self._setup_routes()

    # --- lifecycle -----------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def __enter__(self) -> FakeGitHub:
        ready = threading.Event()

        def run() -> None:
            loop = asyncio.new_event_loop()
            self._loop = loop
            app = web.Application(client_max_size=64 * 1024 * 1024)
            app.router.add_route("*", "/{tail:.*}", self._dispatch)
            self._runner, self.port = loop.run_until_complete(start_app(app, self.host))
            ready.set()
            loop.run_forever()
            loop.run_until_complete(self._runner.cleanup())
            loop.close()

        self._thread = threading.Thread(target=run, name="fake-github", daemon=True)
        self._thread.start()
        if not ready.wait(10):
            raise RuntimeError("fake GitHub did not start")
        return self

    def __exit__(self, *exc: object) -> None:
        if self._loop is not None:
            self._loop.call_soon_threadsafe(self._loop.stop)
        if self._thread is not None:
            self._thread.join(10)

    # --- set-up and inspection -----------------------------------------------------------

    def add_repo(self, full_name: str, files: dict[str, str],
                 default_branch: str = "main") -> Repo:
        owner, name = full_name.split("/")
        repo = Repo(owner, name, default_branch)
        repo.commit_files(default_branch, files, "Initial commit")
        with self.lock:
            self.repos[(owner, name)] = repo
        return repo

    def inject(self, method: str, path: str, status: int, *, times: int = 1,
               message: str = "Server Error", headers: dict[str, str] | None = None,
               after: bool = False) -> None:
        """Answer the next `times` requests matching METHOD and the path regex with `status`."""
        with self.lock:
            self.faults.append(Fault(method.upper(), re.compile(path), status, message,
                                     headers or {}, times, after))

    def inject_body(self, method: str, path: str, body: bytes | str, *, status: int = 200,
                    times: int = 1, content_type: str = "application/json; charset=utf-8",
                    truncate: bool = False, after: bool = False) -> None:
        """Answer the next `times` matching requests with `status` and exactly `body` (not
        JSON-encoded): an unusable answer. `truncate`: Content-Length says the whole body, the
        connection closes after half of it."""
        data = body.encode() if isinstance(body, str) else body
        with self.lock:
            self.faults.append(Fault(method.upper(), re.compile(path), status, "", {}, times,
                                     after, data, content_type, truncate))

    def inject_rate_limit(self, method: str, path: str, *, times: int = 1,
                          after: bool = False) -> None:
        """GitHub's secondary rate limit answer: 403, Retry-After, its exact message."""
        self.inject(method, path, 403, times=times, after=after, headers={"Retry-After": "0"},
                    message="You have exceeded a secondary rate limit. Please wait a few "
                            "minutes before you try again.")

    def writes(self, since: int = 0) -> list[Logged]:
        with self.lock:
            return [r for r in self.log[since:] if r.method != "GET"]

    def mark(self) -> int:
        """The current position in the log, to look at what a run did after it."""
        with self.lock:
            return len(self.log)

    # --- dispatch, validation, faults ----------------------------------------------------

    async def _dispatch(self, request: web.Request) -> web.StreamResponse:
        raw = await request.read()
        query = request.rel_url.query_string
        entry = Logged(request.method, request.path, query,
                       request.headers.get("Authorization"))
        with self.lock:
            self.log.append(entry)
        oa_request = _OARequest(
            host_url=SPEC_SERVER, path=request.path, method=request.method.lower(),
            body=raw or None, content_type=request.headers.get("Content-Type", ""),
            parameters=RequestParameters(
                query=ImmutableMultiDict(list(request.query.items())),
                header=Headers(list(request.headers.items())),
                cookie=ImmutableMultiDict([]), path={}),
        )
        status, payload, headers, checked = self._answer(request, raw, oa_request)
        entry.status = status
        if isinstance(payload, Raw):
            return await _send_raw(request, status, payload)
        data = b"" if payload is None else json.dumps(payload).encode()
        headers = {"Content-Type": "application/json; charset=utf-8", **headers}
        if checked:
            try:
                openapi().validate_response(
                    oa_request, _OAResponse(status, data, "application/json", Headers(headers)))
            except Exception as exc:
                with self.lock:
                    self.violations.append(
                        f"response to {request.method} {request.path} ({status}): "
                        + _explain(exc))
        return web.Response(status=status, body=data if payload is not None else None,
                            headers=headers)

    def _answer(self, request: web.Request, raw: bytes,
                oa_request: _OARequest) -> tuple[int, Any, dict[str, str], bool]:
        auth = request.headers.get("Authorization", "")
        if auth not in (f"token {self.token}", f"Bearer {self.token}"):
            return 401, {"message": "Bad credentials"}, {}, False
        try:
            openapi().validate_request(oa_request)
        except Exception as exc:
            with self.lock:
                self.violations.append(f"request {request.method} {request.path}: "
                                       + _explain(exc))
            return 422, {"message": f"Validation Failed: {_explain(exc)}"}, {}, False
        fault = self._fault(request.method, request.path)
        if fault is not None and not fault.after:
            return fault.status, _fault_payload(fault), fault.headers, False
        body = _json_or_none(raw)
        with self.lock:
            status, payload, headers = self._route(request, body)
        if fault is not None:
            return fault.status, _fault_payload(fault), fault.headers, False
        return status, payload, headers, True

    def _fault(self, method: str, path: str) -> Fault | None:
        with self.lock:
            for fault in self.faults:
                if fault.times > 0 and fault.method == method and fault.path.search(path):
                    fault.times -= 1
                    return fault
        return None

    def _route(self, request: web.Request, body: Any) -> tuple[int, Any, dict[str, str]]:
        for method, pattern, handler in self._routes:
            match = pattern.fullmatch(request.path)
            if method != request.method or not match:
                continue
            params = match.groupdict()
            repo = self.repos.get((params.pop("owner"), params.pop("repo")))
            if repo is None:
                return 404, _error("Not Found"), {}
            query = dict(request.query.items())
            status, payload = handler(repo, params, query, body)
            if isinstance(payload, list) and request.method == "GET":
                return self._page(request, query, payload, status)
            return status, payload, {}
        return 404, _error("Not Found"), {}

    def _page(self, request: web.Request, query: dict[str, str], items: list[Any],
              status: int) -> tuple[int, Any, dict[str, str]]:
        per_page = int(query.get("per_page", 30))
        page = int(query.get("page", 1))
        chunk = items[(page - 1) * per_page: page * per_page]
        headers = {}
        if page * per_page < len(items):
            host = self.link_host or f"{self.host}:{self.port}"
            nxt = request.rel_url.update_query({"page": str(page + 1)})
            headers["Link"] = f'<http://{host}{nxt}>; rel="next"'
        return status, chunk, headers

    # --- routes --------------------------------------------------------------------------

    def _setup_routes(self) -> None:
        repo = r"/repos/(?P<owner>[^/]+)/(?P<repo>[^/]+)"
        add = self._routes.append
        add(("GET", re.compile(repo), self._get_repo))
        add(("GET", re.compile(repo + r"/git/ref/(?P<ref>.+)"), self._get_ref))
        add(("POST", re.compile(repo + r"/git/refs"), self._create_ref))
        add(("PATCH", re.compile(repo + r"/git/refs/(?P<ref>.+)"), self._update_ref))
        add(("DELETE", re.compile(repo + r"/git/refs/(?P<ref>.+)"), self._delete_ref))
        add(("GET", re.compile(repo + r"/git/commits/(?P<sha>\w+)"), self._get_commit))
        add(("POST", re.compile(repo + r"/git/commits"), self._create_commit))
        add(("POST", re.compile(repo + r"/git/trees"), self._create_tree))
        add(("GET", re.compile(repo + r"/git/trees/(?P<sha>\w+)"), self._get_tree))
        add(("POST", re.compile(repo + r"/git/blobs"), self._create_blob))
        add(("GET", re.compile(repo + r"/git/blobs/(?P<sha>\w+)"), self._get_blob))
        add(("GET", re.compile(repo + r"/contents/(?P<path>.+)"), self._get_content))
        add(("GET", re.compile(repo + r"/pulls"), self._list_pulls))
        add(("POST", re.compile(repo + r"/pulls"), self._create_pull))
        add(("GET", re.compile(repo + r"/pulls/(?P<number>\d+)"), self._get_pull))
        add(("PATCH", re.compile(repo + r"/pulls/(?P<number>\d+)"), self._update_pull))
        add(("GET", re.compile(repo + r"/issues"), self._list_issues))
        add(("POST", re.compile(repo + r"/issues"), self._create_issue))
        add(("GET", re.compile(repo + r"/issues/(?P<number>\d+)"), self._get_issue))
        add(("PATCH", re.compile(repo + r"/issues/(?P<number>\d+)"), self._update_issue))
        add(("GET", re.compile(repo + r"/issues/(?P<number>\d+)/comments"), self._list_comments))
        add(("POST", re.compile(repo + r"/issues/(?P<number>\d+)/comments"),
             self._create_comment))
        add(("POST", re.compile(repo + r"/issues/(?P<number>\d+)/labels"), self._add_labels))
        add(("PUT", re.compile(repo + r"/issues/(?P<number>\d+)/labels"), self._set_labels))
        add(("GET", re.compile(repo + r"/labels"), self._list_labels))
        add(("POST", re.compile(repo + r"/labels"), self._create_label))

    def _next_id(self) -> int:
        self._ids += 1
        return self._ids

    def _url(self, repo: Repo, rest: str = "") -> str:
        return f"{self.base_url}/repos/{repo.owner}/{repo.name}{rest}"

    def _example(self, name: str, repo: Repo) -> Any:
        text = json.dumps(rest_example(name)).replace(SPEC_SERVER, self.base_url)
        for example_repo in ("octocat/Hello-World", "octokit/octokit.rb", "octocat/example"):
            text = text.replace(f"/repos/{example_repo}", f"/repos/{repo.owner}/{repo.name}")
        return json.loads(text)

    def _get_repo(self, repo: Repo, p: dict[str, str], q: dict[str, str],
                  b: Any) -> tuple[int, Any]:
        out = self._example(REPOSITORY_EXAMPLE, repo)
        out.update(name=repo.name, full_name=f"{repo.owner}/{repo.name}", url=self._url(repo),
                   default_branch=repo.default_branch)
        out["owner"]["login"] = repo.owner
        return 200, out

    def _ref_json(self, repo: Repo, name: str) -> Any:
        out = self._example("git-ref", repo)
        sha = repo.refs[name]
        out.update(ref=f"refs/{name}", url=self._url(repo, f"/git/refs/{name}"))
        out["object"].update(sha=sha, url=self._url(repo, f"/git/commits/{sha}"))
        return out

    def _get_ref(self, repo: Repo, p: dict[str, str], q: dict[str, str],
                 b: Any) -> tuple[int, Any]:
        if p["ref"] not in repo.refs:
            return 404, _error("Not Found")
        return 200, self._ref_json(repo, p["ref"])

    def _create_ref(self, repo: Repo, p: dict[str, str], q: dict[str, str],
                    b: Any) -> tuple[int, Any]:
        name = b["ref"].removeprefix("refs/")
        if name in repo.refs:
            return 422, _error("Reference already exists")
        if b["sha"] not in repo.commits:
            return 422, _error("Object does not exist")
        repo.refs[name] = b["sha"]
        return 201, self._ref_json(repo, name)

    def _update_ref(self, repo: Repo, p: dict[str, str], q: dict[str, str],
                    b: Any) -> tuple[int, Any]:
        name = p["ref"]
        if name not in repo.refs:
            return 422, _error("Reference does not exist")
        if b["sha"] not in repo.commits:
            return 422, _error("Object does not exist")
        if not b.get("force") and not repo.is_ancestor(repo.refs[name], b["sha"]):
            return 422, _error("Update is not a fast forward")
        repo.refs[name] = b["sha"]
        return 200, self._ref_json(repo, name)

    def _delete_ref(self, repo: Repo, p: dict[str, str], q: dict[str, str],
                    b: Any) -> tuple[int, Any]:
        name = p["ref"]
        if name not in repo.refs:
            return 422, _error("Reference does not exist")
        del repo.refs[name]
        for thread in repo.pulls("open"):  # GitHub closes pulls whose head branch is gone
            if f"heads/{thread.head}" == name:
                thread.state, thread.closed = "closed", repo.tick()
        return 204, None

    def _commit_json(self, repo: Repo, sha: str, example: str) -> Any:
        commit = repo.commits[sha]
        out = self._example(example, repo)
        out.update(sha=sha, message=commit.message, url=self._url(repo, f"/git/commits/{sha}"))
        out["tree"] = {"sha": commit.tree, "url": self._url(repo, f"/git/trees/{commit.tree}")}
        out["parents"] = [{"sha": s, "url": self._url(repo, f"/git/commits/{s}"),
                           "html_url": f"https://github.test/{repo.owner}/commit/{s}"}
                          for s in commit.parents]
        out["author"]["name"] = out["committer"]["name"] = commit.author
        return out

    def _get_commit(self, repo: Repo, p: dict[str, str], q: dict[str, str],
                    b: Any) -> tuple[int, Any]:
        if p["sha"] not in repo.commits:
            return 404, _error("Not Found")
        return 200, self._commit_json(repo, p["sha"], "git-commit-2")

    def _create_commit(self, repo: Repo, p: dict[str, str], q: dict[str, str],
                       b: Any) -> tuple[int, Any]:
        if b["tree"] not in repo.trees or any(s not in repo.commits for s in b["parents"]):
            return 422, _error("Tree or parent SHA does not exist")
        author = (b.get("author") or {}).get("name") or "curatorbot[bot]"
        sha = repo.put_commit(b["tree"], b["parents"], b["message"], author)
        return 201, self._commit_json(repo, sha, "git-commit")

    def _create_tree(self, repo: Repo, p: dict[str, str], q: dict[str, str],
                     b: Any) -> tuple[int, Any]:
        entries: dict[str, str] = {}
        if b.get("base_tree"):
            if b["base_tree"] not in repo.trees:
                return 422, _error("base_tree is not a valid tree")
            entries = dict(repo.trees[b["base_tree"]])
        for item in b["tree"]:
            if item.get("content") is not None:
                entries[item["path"]] = repo.put_blob(item["content"].encode("utf-8"))
            elif item.get("sha") is None:
                entries.pop(item["path"], None)
            elif item["sha"] in repo.blobs:
                entries[item["path"]] = item["sha"]
            else:
                return 422, _error("tree.sha is not a valid blob")
        return 201, self._tree_json(repo, repo.put_tree(entries))

    def _tree_json(self, repo: Repo, sha: str) -> Any:
        out = self._example("git-tree", repo)
        out.update(sha=sha, url=self._url(repo, f"/git/trees/{sha}"), truncated=False)
        out["tree"] = [{"path": path, "mode": "100644", "type": "blob", "sha": blob,
                        "size": len(repo.blobs[blob]),
                        "url": self._url(repo, f"/git/blobs/{blob}")}
                       for path, blob in sorted(repo.trees[sha].items())]
        return out

    def _get_tree(self, repo: Repo, p: dict[str, str], q: dict[str, str],
                  b: Any) -> tuple[int, Any]:
        if p["sha"] not in repo.trees:
            return 404, _error("Not Found")
        return 200, self._tree_json(repo, p["sha"])

    def _get_blob(self, repo: Repo, p: dict[str, str], q: dict[str, str],
                  b: Any) -> tuple[int, Any]:
        data = repo.blobs.get(p["sha"])
        if data is None:
            return 404, _error("Not Found")
        out = self._example("blob", repo)
        out.update(sha=p["sha"], size=len(data), encoding="base64",
                   content=base64.encodebytes(data).decode(),
                   url=self._url(repo, f"/git/blobs/{p['sha']}"))
        return 200, out

    def _create_blob(self, repo: Repo, p: dict[str, str], q: dict[str, str],
                     b: Any) -> tuple[int, Any]:
        data = (base64.b64decode(b["content"]) if b.get("encoding") == "base64"
                else b["content"].encode("utf-8"))
        sha = repo.put_blob(data)
        return 201, {"sha": sha, "url": self._url(repo, f"/git/blobs/{sha}")}

    def _get_content(self, repo: Repo, p: dict[str, str], q: dict[str, str],
                     b: Any) -> tuple[int, Any]:
        sha = repo.resolve(q.get("ref") or repo.default_branch)
        blob = repo.trees[repo.commits[sha].tree].get(p["path"]) if sha else None
        if blob is None:
            return 404, _error("Not Found")
        data = repo.blobs[blob]
        out = self._example("content-file-response-if-content-is-a-file", repo)
        url = self._url(repo, f"/contents/{p['path']}")
        out.update(size=len(data), name=p["path"].rsplit("/", 1)[-1], path=p["path"], sha=blob,
                   content=base64.encodebytes(data).decode(), url=url,
                   git_url=self._url(repo, f"/git/blobs/{blob}"))
        out["_links"].update(self=url, git=out["git_url"])
        return 200, out

    # --- issues and pulls ----------------------------------------------------------------

    def _labels_json(self, repo: Repo, names: list[str]) -> list[Any]:
        out = []
        for name in names:
            ident, color, description = repo.labels[name]
            out.append({"id": ident, "node_id": f"LA_{ident}", "name": name,
                        "url": self._url(repo, f"/labels/{name}"), "color": color,
                        "description": description, "default": False})
        return out

    def _issue_json(self, repo: Repo, t: Thread, example: str = "issue") -> Any:
        out = self._example(example, repo)
        url = self._url(repo, f"/issues/{t.number}")
        out.update(id=t.number + 5000, number=t.number, title=t.title, body=t.body,
                   state=t.state, url=url, comments_url=url + "/comments",
                   labels_url=url + "/labels{/name}", events_url=url + "/events",
                   html_url=f"https://github.test/{repo.owner}/{repo.name}/"
                            f"{'issues' if t.head is None else 'pull'}/{t.number}",
                   repository_url=self._url(repo), labels=self._labels_json(repo, t.labels),
                   comments=len(t.comments), created_at=t.created, updated_at=t.created,
                   closed_at=t.closed)
        # Optional and nullable, but openapi-core checks the enum before `nullable`.
        out.pop("state_reason", None)
        if t.closed:
            out["state_reason"] = "completed"
        out["user"]["login"] = t.user
        if t.head is None:
            out.pop("pull_request", None)
        else:
            pull_url = self._url(repo, f"/pulls/{t.number}")
            out["pull_request"] = {"url": pull_url, "html_url": None, "diff_url": None,
                                   "patch_url": None, "merged_at": None}
        return out

    def _pull_json(self, repo: Repo, t: Thread, example: str = "pull-request") -> Any:
        out = self._example(example, repo)
        if isinstance(out, list):
            out = out[0]
        url = self._url(repo, f"/pulls/{t.number}")
        issue_url = self._url(repo, f"/issues/{t.number}")
        t.head_sha = repo.refs.get(f"heads/{t.head}", t.head_sha)
        out.update(id=t.number + 9000, number=t.number, title=t.title, body=t.body,
                   state=t.state, url=url, issue_url=issue_url,
                   comments_url=issue_url + "/comments", commits_url=url + "/commits",
                   review_comments_url=url + "/comments",
                   review_comment_url=self._url(repo, "/pulls/comments{/number}"),
                   statuses_url=self._url(repo, f"/statuses/{t.head_sha}"),
                   labels=self._labels_json(repo, t.labels), created_at=t.created,
                   updated_at=t.created, closed_at=t.closed, merged_at=None,
                   merge_commit_sha=None, draft=False, requested_teams=[])
        if "merged" in out:
            out.update(merged=False, mergeable=None, comments=len(t.comments))
        out["head"].update(ref=t.head, sha=t.head_sha, label=f"{repo.owner}:{t.head}")
        base_sha = repo.refs.get(f"heads/{t.base}", "")
        out["base"].update(ref=t.base, sha=base_sha, label=f"{repo.owner}:{t.base}")
        for side in ("head", "base"):
            out[side]["repo"].update(name=repo.name, full_name=f"{repo.owner}/{repo.name}",
                                     url=self._url(repo))
        out["user"]["login"] = t.user
        return out

    def _find_thread(self, repo: Repo, number: str, pull: bool | None = None) -> Thread | None:
        t = repo.threads.get(int(number))
        if t is None or (pull is not None and (t.head is not None) != pull):
            return None
        return t

    def _new_thread(self, repo: Repo, title: str, body: str | None, labels: list[str],
                    head: str | None = None, base: str | None = None) -> Thread:
        number = max(repo.threads, default=0) + 1
        for name in labels:
            self._ensure_label(repo, name)
        t = Thread(number, title, body, "open", list(dict.fromkeys(labels)), "curatorbot[bot]",
                   repo.tick(), head=head, base=base)
        repo.threads[number] = t
        return t

    def _ensure_label(self, repo: Repo, name: str) -> None:
        if name not in repo.labels:
            repo.labels[name] = (self._next_id(), "ededed", "")

    def _list_pulls(self, repo: Repo, p: dict[str, str], q: dict[str, str],
                    b: Any) -> tuple[int, Any]:
        state = q.get("state", "open")
        found = []
        for t in sorted(repo.pulls(state), key=lambda t: -t.number):
            if "head" in q and q["head"] != f"{repo.owner}:{t.head}":
                continue
            if "base" in q and q["base"] != t.base:
                continue
            found.append(self._pull_json(repo, t, "pull-request-simple-items"))
        return 200, found

    def _create_pull(self, repo: Repo, p: dict[str, str], q: dict[str, str],
                     b: Any) -> tuple[int, Any]:
        head, base = b["head"].split(":")[-1], b["base"]
        head_sha, base_sha = repo.refs.get(f"heads/{head}"), repo.refs.get(f"heads/{base}")
        if head_sha is None or base_sha is None:
            return 422, _invalid("PullRequest", "head" if head_sha is None else "base")
        if any(t.head == head and t.base == base for t in repo.pulls("open")):
            return 422, _error(f"A pull request already exists for {repo.owner}:{head}.")
        if repo.is_ancestor(head_sha, base_sha):
            return 422, _error(f"No commits between {base} and {head}")
        t = self._new_thread(repo, b.get("title") or head, b.get("body"), [], head, base)
        t.head_sha = head_sha
        return 201, self._pull_json(repo, t)

    def _get_pull(self, repo: Repo, p: dict[str, str], q: dict[str, str],
                  b: Any) -> tuple[int, Any]:
        t = self._find_thread(repo, p["number"], pull=True)
        return (200, self._pull_json(repo, t)) if t else (404, _error("Not Found"))

    def _update_pull(self, repo: Repo, p: dict[str, str], q: dict[str, str],
                     b: Any) -> tuple[int, Any]:
        t = self._find_thread(repo, p["number"], pull=True)
        if t is None:
            return 404, _error("Not Found")
        self._apply(repo, t, b)
        return 200, self._pull_json(repo, t)

    def _apply(self, repo: Repo, t: Thread, b: dict[str, Any]) -> None:
        if "title" in b:
            t.title = b["title"]
        if "body" in b:
            t.body = b["body"]
        if "labels" in b:
            names = [x if isinstance(x, str) else x["name"] for x in b["labels"]]
            for name in names:
                self._ensure_label(repo, name)
            t.labels = list(dict.fromkeys(names))
        if b.get("state") in ("open", "closed") and b["state"] != t.state:
            t.state = b["state"]
            t.closed = repo.tick() if t.state == "closed" else None

    def _list_issues(self, repo: Repo, p: dict[str, str], q: dict[str, str],
                     b: Any) -> tuple[int, Any]:
        state = q.get("state", "open")
        wanted = [x for x in q.get("labels", "").split(",") if x]
        found = [t for t in repo.threads.values() if state in (t.state, "all")
                 and all(w in t.labels for w in wanted)]
        found.sort(key=lambda t: t.number, reverse=q.get("direction", "desc") == "desc")
        return 200, [self._issue_json(repo, t) for t in found]

    def _create_issue(self, repo: Repo, p: dict[str, str], q: dict[str, str],
                      b: Any) -> tuple[int, Any]:
        labels = [x if isinstance(x, str) else x["name"] for x in b.get("labels") or []]
        t = self._new_thread(repo, str(b["title"]), b.get("body"), labels)
        return 201, self._issue_json(repo, t)

    def _get_issue(self, repo: Repo, p: dict[str, str], q: dict[str, str],
                   b: Any) -> tuple[int, Any]:
        t = self._find_thread(repo, p["number"])
        return (200, self._issue_json(repo, t)) if t else (404, _error("Not Found"))

    def _update_issue(self, repo: Repo, p: dict[str, str], q: dict[str, str],
                      b: Any) -> tuple[int, Any]:
        t = self._find_thread(repo, p["number"])
        if t is None:
            return 404, _error("Not Found")
        self._apply(repo, t, b)
        return 200, self._issue_json(repo, t)

    def _comment_json(self, repo: Repo, t: Thread, ident: int, user: str, body: str) -> Any:
        out = self._example("issue-comment", repo)
        out.update(id=ident, node_id=f"IC_{ident}", body=body,
                   url=self._url(repo, f"/issues/comments/{ident}"),
                   html_url=f"https://github.test/{repo.owner}/{repo.name}/issues/{t.number}",
                   issue_url=self._url(repo, f"/issues/{t.number}"))
        out["user"]["login"] = user
        return out

    def _list_comments(self, repo: Repo, p: dict[str, str], q: dict[str, str],
                       b: Any) -> tuple[int, Any]:
        t = self._find_thread(repo, p["number"])
        if t is None:
            return 404, _error("Not Found")
        return 200, [self._comment_json(repo, t, *c) for c in t.comments]

    def _create_comment(self, repo: Repo, p: dict[str, str], q: dict[str, str],
                        b: Any) -> tuple[int, Any]:
        t = self._find_thread(repo, p["number"])
        if t is None:
            return 404, _error("Not Found")
        comment = (self._next_id(), "curatorbot[bot]", str(b["body"]))
        t.comments.append(comment)
        return 201, self._comment_json(repo, t, *comment)

    def _label_names(self, b: Any) -> list[str]:
        items = b if isinstance(b, list) else (b or {}).get("labels") or []
        return [x if isinstance(x, str) else x["name"] for x in items]

    def _add_labels(self, repo: Repo, p: dict[str, str], q: dict[str, str],
                    b: Any) -> tuple[int, Any]:
        t = self._find_thread(repo, p["number"])
        if t is None:
            return 404, _error("Not Found")
        self._apply(repo, t, {"labels": t.labels + self._label_names(b)})
        return 200, self._labels_json(repo, t.labels)

    def _set_labels(self, repo: Repo, p: dict[str, str], q: dict[str, str],
                    b: Any) -> tuple[int, Any]:
        t = self._find_thread(repo, p["number"])
        if t is None:
            return 404, _error("Not Found")
        self._apply(repo, t, {"labels": self._label_names(b)})
        return 200, self._labels_json(repo, t.labels)

    def _list_labels(self, repo: Repo, p: dict[str, str], q: dict[str, str],
                     b: Any) -> tuple[int, Any]:
        return 200, self._labels_json(repo, list(repo.labels))

    def _create_label(self, repo: Repo, p: dict[str, str], q: dict[str, str],
                      b: Any) -> tuple[int, Any]:
        if any(name.lower() == b["name"].lower() for name in repo.labels):
            return 422, _invalid("Label", "name", "already_exists")
        repo.labels[b["name"]] = (self._next_id(), b.get("color") or "ededed",
                                  b.get("description") or "")
        return 201, self._labels_json(repo, [b["name"]])[0]


@dataclass
class _OARequest:
    host_url: str
    path: str
    method: str
    body: bytes | None
    content_type: str
    parameters: RequestParameters


@dataclass
class _OAResponse:
    status_code: int
    data: bytes
    content_type: str
    headers: Headers


def _explain(exc: BaseException) -> str:
    """An openapi-core error as its schema complaints, without the whole offending value."""
    causes = []
    seen: BaseException | None = exc
    while seen is not None:
        for error in getattr(seen, "schema_errors", ()) or ():
            path = "/".join(str(p) for p in error.absolute_path)
            causes.append(f"{path or '(root)'}: {error.message[:200]}")
        seen = seen.__cause__ or seen.__context__
    return f"{type(exc).__name__}: " + ("; ".join(causes) if causes else str(exc)[:300])


def _fault_payload(fault: Fault) -> Any:
    if fault.body is None:
        return {"message": fault.message}
    return Raw(fault.body, fault.content_type, fault.truncate)


async def _send_raw(request: web.Request, status: int, raw: Raw) -> web.StreamResponse:
    if not raw.truncate:
        return web.Response(status=status, body=raw.data,
                            headers={"Content-Type": raw.content_type})
    response = web.StreamResponse(status=status, headers={"Content-Type": raw.content_type})
    response.content_length = len(raw.data)
    await response.prepare(request)
    await response.write(raw.data[: len(raw.data) // 2])
    if request.transport is not None:
        request.transport.close()  # hang up before the promised length
    return response


def _json_or_none(raw: bytes) -> Any:
    try:
        return json.loads(raw) if raw else None
    except ValueError:
        return None


def _error(message: str) -> dict[str, str]:
    return {"message": message, "documentation_url": "https://docs.github.test/rest"}


def _invalid(resource: str, field_name: str, code: str = "invalid") -> dict[str, Any]:
    return {"message": "Validation Failed", "errors": [
        {"resource": resource, "field": field_name, "code": code}],
        "documentation_url": "https://docs.github.test/rest"}
