"""The only module that talks to PyGithub: paced clients, retries, error translation.

Where GitHub is and who may have the token is `github_config.GitHubConfig`'s business;
`Pacing` says how fast and how long to try. `GitHubRepo` offers the few operations
publishing needs (refs, commits, trees, file blobs, pull requests, issues, labels,
comments) as plain values, so that the logic in `pull_request.py`, `health_issue.py` and
`history_branch.py` never touches a
PyGithub object.

Every call goes through `GitHubRepo._call`:
- PyGithub's own retries are off (`retry=None`); the bot's one retry policy
  (`http.retry.RetryPolicy`, tenacity's sync `Retrying`) retries 5xx answers, connection
  failures and rate limits (403/429 with GitHub's rate-limit message or headers), waiting what
  `Retry-After` (seconds or an HTTP date, `http.headers`) / `x-ratelimit-reset` ask for, or
  backing off exponentially. All waits of a
  run share one budget (`max_wait`): a rate limit that resets later than the budget allows
  fails at once instead of sleeping for an hour.
- An unusable answer (not JSON, HTML with a 200, a body cut short, JSON of the wrong shape:
  `_unusable`) is treated exactly like a 5xx. The values publishing reads are checked on the
  way out of PyGithub (`_get`), since PyGithub turns a non-JSON body into an object whose
  fields are all None.
- Creating calls (issues, pull requests, comments) are not retried after a 5xx, because
  GitHub may have done the work before failing; the next run finds what was created, so a
  rerun converges instead of duplicating.
- Writes are paced by PyGithub's `seconds_between_writes` (GitHub's secondary limits on
  content creation); tests set it to 0.
- Any failure left becomes one `GitHubError` (exit 4) with a one-line message that never
  contains the token.

The token is only ever given to PyGithub with `base_url=GITHUB_API_URL` (`GitHubConfig.token_for`);
PyGithub refuses to follow URLs to other hosts and drops the Authorization header on
redirects to them.
"""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import TracebackType
from typing import Any, TypeVar
from urllib.parse import urlsplit

import github
import requests
from github import Auth, GithubException, InputGitTreeElement, RateLimitExceededException
from github.GithubException import BadAttributeException
from tenacity import RetryCallState, retry_if_exception

from curatorbot import __version__
from curatorbot.errors import GitHubError
from curatorbot.github_config import GitHubConfig
from curatorbot.http.headers import parse_retry_after
from curatorbot.http.retry import RetryPolicy
from curatorbot.publish.markdown import one_line

T = TypeVar("T")


@dataclass(frozen=True)
class Pacing:
    """How fast and how long publishing may talk to GitHub."""

    seconds_between_requests: float = 0.0
    seconds_between_writes: float = 1.0
    max_attempts: int = 4
    max_wait: float = 300.0
    backoff: float = 2.0
    timeout: int = 30

    @property
    def retry(self) -> RetryPolicy:
        """The bot's retry policy with publishing's numbers: no jitter, no cap on a wait
        GitHub asks for (the run's `max_wait` budget is the limit)."""
        return RetryPolicy(retries=self.max_attempts - 1, backoff=self.backoff,
                           retry_after_cap=float("inf"), backoff_max=float("inf"), jitter=0.0)


@dataclass(frozen=True)
class CommitInfo:
    """A git commit: its tree, parents and message."""

    sha: str
    tree_sha: str
    message: str
    parents: tuple[str, ...]


@dataclass(frozen=True)
class Thread:
    """An issue or pull request, as far as publishing cares."""

    number: int
    title: str
    body: str
    state: str
    labels: frozenset[str]


class GitHubRepo:
    """One repository on one GitHub API host, reached through a paced PyGithub client."""

    def __init__(self, config: GitHubConfig, pacing: Pacing | None = None,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.config = config
        self.pacing = pacing = pacing or Pacing()
        self._sleep = sleep
        self._waited = 0.0
        token = config.token_for(config.api_url)
        self._client = github.Github(
            auth=Auth.Token(token) if token else None,
            base_url=config.api_url,
            timeout=pacing.timeout,
            user_agent=f"curatorbot/{__version__}",
            per_page=100,
            retry=None,
            seconds_between_requests=pacing.seconds_between_requests or None,
            seconds_between_writes=pacing.seconds_between_writes or None,
            lazy=True,
        )
        self._repo = self._client.get_repo(config.repository)  # lazy: no request yet
        self._objects: dict[Any, Any] = {}  # PyGithub objects met so far, for later edits

    def close(self) -> None:
        self._client.close()

    # --- retries and translation ---------------------------------------------------------

    def _call(self, what: str, fn: Callable[[], T], *, creates: bool = False) -> T:
        """Run `fn` with retries; translate whatever is left into one GitHubError."""
        retrying = self.pacing.retry.retrying(
            retry=retry_if_exception(lambda exc: _transient(exc, creates)),
            retry_after=_asked_wait, stop=self._over_budget, sleep=self._sleep,
            before_sleep=self._spend)
        try:
            return retrying(fn)
        except GithubException as exc:
            raise GitHubError(self._describe(what, exc)) from None
        except _CUT_SHORT as exc:
            raise GitHubError(self._unusable_message(what, exc)) from None
        except requests.RequestException as exc:
            host = urlsplit(self.config.api_url).netloc
            raise GitHubError(self._scrub(
                f"{what}: cannot reach the GitHub API at {host} ({type(exc).__name__}); "
                "check GITHUB_API_URL and the network, then run again")) from None
        except _MAYBE_UNUSABLE as exc:
            if not _unusable(exc):
                raise  # a bug of ours, not GitHub's answer
            raise GitHubError(self._unusable_message(what, exc)) from None
        except (AssertionError, RuntimeError) as exc:
            # PyGithub's refusal to follow a URL or redirect off the API host.
            raise GitHubError(self._scrub(
                f"{what}: refused an answer pointing away from the API host "
                f"({one_line(exc, 120)}); the token is only sent to GITHUB_API_URL")) from None

    def _unusable_message(self, what: str, exc: BaseException) -> str:
        return self._scrub(
            f"GitHub API: {what} failed: unusable answer ({_unusable_reason(exc)}); GitHub, "
            "or a proxy in between, did not answer with the API's JSON; run again later "
            "(a rerun converges)")

    def _find(self, what: str, fn: Callable[[], T]) -> T | None:
        """Like `_call`, but a 404 means 'there is none' and gives None."""
        def attempt() -> T | None:
            try:
                return fn()
            except GithubException as exc:
                if exc.status == 404:
                    return None
                raise
        return self._call(what, attempt)

    def _over_budget(self, state: RetryCallState) -> bool:
        return self._waited + state.upcoming_sleep > self.pacing.max_wait

    def _spend(self, state: RetryCallState) -> None:
        self._waited += state.upcoming_sleep

    def _scrub(self, message: str) -> str:
        token = self.config.token
        return message.replace(token, "***") if token else message

    def _describe(self, what: str, exc: GithubException) -> str:
        data = exc.data if isinstance(exc.data, dict) else {}
        message = one_line(data.get("message") or "", 200)
        details = "; ".join(one_line(e.get("message") or e.get("code") or "", 120)
                            for e in data.get("errors") or () if isinstance(e, dict))
        answer = f"HTTP {exc.status}" + (f" {message}" if message else "")
        answer += f" ({details})" if details else ""
        if _is_rate_limit(exc):
            hint = (f"GitHub's rate limit did not clear within this run's {self.pacing.max_wait:g}"
                    " s of waiting; run again later")
        elif exc.status == 401:
            hint = "GITHUB_TOKEN was refused; check that it is valid"
        elif exc.status == 403:
            hint = ("the token lacks permission; the job needs contents, pull-requests and "
                    "issues: write")
        elif exc.status == 404:
            hint = (f"check GITHUB_REPOSITORY ({self.config.repository}) and that the token "
                    "can see it")
        elif exc.status >= 500:
            hint = "GitHub kept failing after retries; run again later (a rerun converges)"
        else:
            hint = "run again; if it persists, report it with this message"
        return self._scrub(f"GitHub API: {what} failed: {answer}; {hint}")

    # --- repository, refs, commits, files ------------------------------------------------

    def default_branch(self) -> str:
        # A fresh lazy object per attempt: a completed one keeps a garbled answer for ever.
        return self._call("reading the repository", lambda: _get(
            self._client.get_repo(self.config.repository), "default_branch", str))

    def branch_sha(self, branch: str) -> str | None:
        """The commit a branch points at, or None when the branch does not exist."""
        def get() -> str:
            ref = self._repo.get_git_ref(f"heads/{branch}")
            sha = _get(ref, "object.sha", str)  # with a lazy client, this is the GET
            self._objects[("ref", branch)] = ref
            return sha
        return self._find(f"reading branch {branch}", get)

    def commit(self, sha: str) -> CommitInfo:
        def get() -> CommitInfo:
            commit = self._repo.get_git_commit(sha)
            self._objects[("commit", sha)] = commit
            return CommitInfo(sha=_get(commit, "sha", str), tree_sha=_get(commit, "tree.sha", str),
                              message=_get_text(commit, "message"),
                              parents=tuple(_get(p, "sha", str)
                                            for p in _get(commit, "parents", list)))
        return self._call(f"reading commit {sha[:12]}", get)

    def file_sha(self, path: str, ref: str) -> str | None:
        """The blob sha of a file on a branch, or None when it is not there."""
        def get() -> str | None:
            content = self._repo.get_contents(path, ref=ref)
            return None if isinstance(content, list) else _get(content, "sha", str)
        return self._find(f"reading {path} on {ref}", get)

    def create_commit(self, parent_sha: str | None, files: Mapping[str, str], message: str,
                      *, blobs: Mapping[str, str] | None = None) -> str:
        """A new commit on top of `parent_sha` whose tree sets each path of `files` to its
        text and each path of `blobs` to that existing blob (one tree, one commit, however
        many files). Without a parent it is a root commit on an empty tree: the start of an
        orphan branch."""
        parents = []
        if parent_sha is not None:
            if ("commit", parent_sha) not in self._objects:
                self.commit(parent_sha)
            parents.append(self._objects[("commit", parent_sha)])
        elements = [InputGitTreeElement(path=path, mode="100644", type="blob", content=text)
                    for path, text in files.items()]
        elements += [InputGitTreeElement(path=path, mode="100644", type="blob", sha=sha)
                     for path, sha in (blobs or {}).items()]
        base = {"base_tree": parents[0].tree} if parents else {}
        def create_tree() -> Any:
            tree = self._repo.create_git_tree(elements, **base)
            _get(tree, "sha", str)
            return tree
        tree = self._call("creating the git tree", create_tree)
        return self._call("creating the commit", lambda: _get(
            self._repo.create_git_commit(message, tree, parents), "sha", str))

    def point_branch(self, branch: str, sha: str) -> None:
        """Create `branch` at `sha`, or force-move it there when it exists."""
        ref = self._objects.get(("ref", branch))
        if ref is not None:
            self._call(f"moving branch {branch}", lambda: ref.edit(sha, force=True))
            return
        def create() -> None:
            self._objects[("ref", branch)] = self._repo.create_git_ref(f"refs/heads/{branch}", sha)
        self._call(f"creating branch {branch}", create)

    def tree_files(self, commit_sha: str) -> dict[str, str]:
        """Path -> blob sha of the files at the top of a commit's tree."""
        tree_sha = self.commit(commit_sha).tree_sha
        def get() -> dict[str, str]:
            tree = self._repo.get_git_tree(tree_sha)
            return {_get(item, "path", str): _get(item, "sha", str)
                    for item in _get(tree, "tree", list) if _get(item, "type", str) == "blob"}
        return self._call(f"reading the tree of {commit_sha[:12]}", get)

    def blob(self, sha: str) -> bytes:
        """The bytes of a git blob (the blob API serves files of up to 100 MB)."""
        def get() -> bytes:
            found = self._repo.get_git_blob(sha)
            content = _get(found, "content", str)
            if _get(found, "encoding", str) != "base64":
                return content.encode("utf-8")
            try:
                return base64.b64decode(content)
            except ValueError:
                raise _Unusable("content is not base64") from None
        return self._call(f"reading blob {sha[:12]}", get)

    def upload_blob(self, text: str) -> str:
        """Store `text` as a git blob, for `create_commit(blobs=...)`; its sha. The blob
        API takes files of up to 100 MB, more than a tree's inline content is meant for."""
        return self._call("uploading a file", lambda: _get(
            self._repo.create_git_blob(text, "utf-8"), "sha", str))

    def advance_branch(self, branch: str, sha: str) -> bool:
        """Move `branch` to `sha` only as a fast-forward; False when the branch moved
        elsewhere meanwhile (GitHub's 422), so the caller reloads and tries again."""
        def move() -> None:
            ref = self._objects.get(("ref", branch)) \
                or self._repo.get_git_ref(f"heads/{branch}")
            ref.edit(sha, force=False)  # 422: "Update is not a fast forward"
        return self._call(f"moving branch {branch}", lambda: _unless_refused(move))

    def create_branch(self, branch: str, sha: str) -> bool:
        """Create `branch` at `sha`; False when it exists already (created meanwhile)."""
        def create() -> None:
            self._objects[("ref", branch)] = self._repo.create_git_ref(
                f"refs/heads/{branch}", sha)  # 422: "Reference already exists"
        return self._call(f"creating branch {branch}", lambda: _unless_refused(create))

    def delete_branch(self, branch: str) -> None:
        ref = self._objects.get(("ref", branch))
        if ref is None:
            return
        def delete() -> None:
            try:
                ref.delete()
            except GithubException as exc:
                if exc.status not in (404, 422):  # 422: "Reference does not exist"
                    raise
        self._call(f"deleting branch {branch}", delete)
        self._objects.pop(("ref", branch), None)

    # --- pull requests, issues, labels, comments -----------------------------------------

    def open_pulls(self, branch: str) -> list[Thread]:
        """Open pull requests whose head is `branch` of this repository."""
        def get() -> list[Thread]:
            pulls = self._repo.get_pulls(state="open", head=f"{self.config.owner}:{branch}")
            found = []
            for pull in pulls:
                if _get(pull, "head.ref", str) != branch:
                    continue
                thread = _thread_of(pull)
                self._objects[("thread", thread.number)] = pull
                found.append(thread)
            return sorted(found, key=lambda t: t.number)
        return self._call("listing open pull requests", get)

    def create_pull(self, title: str, body: str, head: str, base: str) -> int:
        def create() -> int:
            pull = self._repo.create_pull(base=base, head=head, title=title, body=body,
                                          maintainer_can_modify=True)
            number = _get(pull, "number", int)
            self._objects[("thread", number)] = pull
            return number
        return self._call("opening the pull request", create, creates=True)

    def issues_labelled(self, label: str) -> list[Thread]:
        """Every issue (open or closed, pull requests left out) carrying `label`."""
        def get() -> list[Thread]:
            found = []
            for issue in self._repo.get_issues(state="all", labels=[label], sort="created",
                                               direction="asc"):
                # `pull_request` would cost a GET per issue
                if "/pull/" in _get(issue, "html_url", str):
                    continue
                thread = _thread_of(issue)
                self._objects[("thread", thread.number)] = issue
                found.append(thread)
            return sorted(found, key=lambda t: t.number)
        return self._call(f"listing issues labelled {label}", get)

    def create_issue(self, title: str, body: str, labels: list[str]) -> int:
        def create() -> int:
            issue = self._repo.create_issue(title=title, body=body, labels=labels)
            number = _get(issue, "number", int)
            self._objects[("thread", number)] = issue
            return number
        return self._call("opening the health issue", create, creates=True)

    def _thread(self, number: int) -> Any:
        obj = self._objects.get(("thread", number))
        if obj is None:
            obj = self._call(f"reading #{number}", lambda: self._repo.get_issue(number))
            self._objects[("thread", number)] = obj
        return obj

    def edit(self, number: int, *, title: str | None = None, body: str | None = None,
             state: str | None = None) -> None:
        """Change an issue's or pull request's title, body or state (open/closed)."""
        obj = self._thread(number)
        changes = {k: v for k, v in (("title", title), ("body", body), ("state", state))
                   if v is not None}
        self._call(f"updating #{number}", lambda: obj.edit(**changes))

    def add_labels(self, number: int, labels: list[str]) -> None:
        obj = self._thread(number)
        self._call(f"labelling #{number}", lambda: obj.add_to_labels(*labels))

    def comments(self, number: int) -> list[str]:
        obj = self._thread(number)
        getter = obj.get_issue_comments if hasattr(obj, "get_issue_comments") else obj.get_comments
        return self._call(f"reading the comments of #{number}",
                          lambda: [_get_text(c, "body") for c in getter()])

    def comment(self, number: int, body: str) -> None:
        obj = self._thread(number)
        poster = obj.create_issue_comment if hasattr(obj, "create_issue_comment") \
            else obj.create_comment
        self._call(f"commenting on #{number}", lambda: poster(body), creates=True)

    def comment_once(self, number: int, body: str) -> None:
        """Post `body` unless it already is the last comment (a rerun after a failure)."""
        comments = self.comments(number)
        if not comments or comments[-1] != body:
            self.comment(number, body)

    def ensure_labels(self, labels: list[str], color: str = "5319e7") -> None:
        """Create whichever of `labels` the repository does not have yet."""
        existing = self._call("listing labels",
                              lambda: {_get(x, "name", str).lower()
                                       for x in self._repo.get_labels()})
        for name in labels:
            if name.lower() in existing:
                continue
            def create(name: str = name) -> None:
                # Through the public requester: Repository.create_label insists on a long
                # graduated preview media type that strict servers (Prism) refuse with 406.
                try:
                    self._client.requester.requestJsonAndCheck(
                        "POST", f"/repos/{self.config.repository}/labels",
                        input={"name": name, "color": color,
                               "description": "Opened and kept up to date by curatorbot"})
                except GithubException as exc:
                    if exc.status != 422:  # 422: created meanwhile, which is what we want
                        raise
            self._call(f"creating label {name}", create)


class _Unusable(Exception):
    """A value publishing needs is missing from GitHub's answer, or of the wrong type."""


# What PyGithub raises when an answer is not the JSON it expects (with `_raised_in_pygithub`).
_SHAPE_ERRORS: tuple[type[Exception], ...] = (ValueError, TypeError, AttributeError, KeyError,
                                              IndexError)
# A body that broke off before its end (Content-Length not reached, broken chunks).
_CUT_SHORT: tuple[type[Exception], ...] = (requests.exceptions.ChunkedEncodingError,
                                           requests.exceptions.ContentDecodingError)
_MAYBE_UNUSABLE: tuple[type[Exception], ...] = (_Unusable, BadAttributeException, *_SHAPE_ERRORS)


def _get(obj: Any, path: str, kind: type[T]) -> T:
    """`obj.a.b` for `path` "a.b", checked to be a `kind`: anything else is `_Unusable`."""
    value = obj
    for name in path.split("."):
        try:
            value = getattr(value, name)
        except BadAttributeException:
            raise _Unusable(f"{path} is of the wrong type") from None
        if value is None:
            raise _Unusable(f"no {path}")
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise _Unusable(f"{path} is not a {kind.__name__}")
    return value


def _get_text(obj: Any, name: str) -> str:
    """An optional text field (an issue's body): empty when null, `_Unusable` when no text."""
    try:
        value = getattr(obj, name)
    except BadAttributeException:
        raise _Unusable(f"{name} is of the wrong type") from None
    if value is not None and not isinstance(value, str):
        raise _Unusable(f"{name} is not a str")
    return value or ""


def _thread_of(obj: Any) -> Thread:
    """An issue or pull request as a `Thread`, every field checked."""
    return Thread(number=_get(obj, "number", int), title=_get(obj, "title", str),
                  body=_get_text(obj, "body"), state=_get(obj, "state", str),
                  labels=frozenset(_get(x, "name", str) for x in _get(obj, "labels", list)))


def _raised_in_pygithub(tb: TracebackType | None) -> bool:
    """Whether the innermost frame of `tb` is PyGithub's own code."""
    if tb is None:
        return False
    while tb.tb_next is not None:
        tb = tb.tb_next
    module = str(tb.tb_frame.f_globals.get("__name__", ""))
    return module == "github" or module.startswith("github.")


def _unusable(exc: BaseException) -> bool:
    """An answer that is not what the API promises: not JSON, or JSON of the wrong shape."""
    if isinstance(exc, (_Unusable, BadAttributeException, json.JSONDecodeError, *_CUT_SHORT)):
        return True
    return isinstance(exc, _SHAPE_ERRORS) and _raised_in_pygithub(exc.__traceback__)


def _unusable_reason(exc: BaseException) -> str:
    """What was wrong, in a few words: never the body itself (it may be a whole page)."""
    if isinstance(exc, _Unusable):
        return one_line(exc, 120)
    if isinstance(exc, json.JSONDecodeError):
        return f"malformed JSON at character {exc.pos}"
    if isinstance(exc, BadAttributeException):
        return "a field of the wrong type"
    if isinstance(exc, _CUT_SHORT):
        return "the body broke off before its end"
    return f"JSON of the wrong shape ({type(exc).__name__})"


def _unless_refused(action: Callable[[], None]) -> bool:
    """Run `action`: True when done, False when GitHub refused it as invalid (422)."""
    try:
        action()
    except GithubException as exc:
        if exc.status == 422:
            return False
        raise
    return True


def _asked_wait(state: RetryCallState) -> float | None:
    """The wait GitHub asked for: `Retry-After` (seconds or a date), or the reset of an
    exhausted rate-limit window (plus a second); None: back off."""
    exc = state.outcome.exception() if state.outcome else None
    headers = {k.lower(): v for k, v in (getattr(exc, "headers", None) or {}).items()}
    asked = parse_retry_after(headers.get("retry-after"))
    if asked is not None:
        return asked
    if headers.get("x-ratelimit-remaining") == "0":
        try:
            return max(float(headers.get("x-ratelimit-reset", "")) - time.time(), 0.0) + 1.0
        except ValueError:
            return None
    return None


def _is_rate_limit(exc: BaseException) -> bool:
    if isinstance(exc, RateLimitExceededException):
        return True
    if not isinstance(exc, GithubException) or exc.status not in (403, 429):
        return False
    headers = {k.lower(): v for k, v in (exc.headers or {}).items()}
    return exc.status == 429 or "retry-after" in headers \
        or headers.get("x-ratelimit-remaining") == "0"


def _transient(exc: BaseException, creates: bool) -> bool:
    """Worth another try: rate limits always; 5xx, unusable answers and lost connections
    (also mid-answer) unless creating."""
    if _is_rate_limit(exc):
        return True
    if creates:
        return False
    if isinstance(exc, GithubException):
        return exc.status >= 500
    return _unusable(exc) or isinstance(exc, requests.ConnectionError | requests.Timeout)
