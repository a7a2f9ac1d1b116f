"""From what a request got back to one `Status`: answers, failures, bot walls, titles.

A request ends either in an `Answer` (the server said something over HTTP) or a `Failure`
(nothing usable came back: DNS, connect, TLS, timeout, a reset, a malformed response;
`http.failures` translates aiohttp's exceptions into it, once). Transient, hence retried
(`Answer.transient`): 408, 429 and every 5xx (Cloudflare's 520-524 included) except 501
and 505, which name what the server cannot do (a method, an HTTP version), not a passing
state; an answer with bot-wall signs is never transient. The `classify_*` functions apply
the status contract of design.md:

    accepted code (2xx by default) ........ ok, or redirect when the chain had a permanent hop
    404, 410 ................................ dead
    403, 999, bot-wall signs ................ blocked (a 503 with bot-wall signs too)
    429 still there after retries ........... blocked
    5xx still there after retries ........... error (a 503 without bot-wall signs is an outage)
    any other code .......................... error
    DNS name not found, connection refused .. dead
    timeouts (connect, read, total) ......... timeout
    TLS, resets, loops, bad responses ....... error
    non-public address (SSRF guard) ......... excluded

Network text is made printable by `network_text` (`http.failures`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from curatorbot.http.failures import (
    NETWORK_TEXT_MAX,
    Failure,
    failure_from_exception,
    network_text,
)
from curatorbot.results import NETWORK_KINDS, OUTAGE_KINDS, TRANSIENT_KINDS, Status
from curatorbot.results import FailureKind as Kind

__all__ = ["BLOCKED_CODES", "DEAD_CODES", "HEAD_REJECTED_CODES", "NETWORK_KINDS",
           "NETWORK_TEXT_MAX", "OUTAGE_KINDS", "PERMANENT_CODES", "PERSISTENT_BLOCK_CODES",
           "REDIRECT_CODES", "TRANSIENT_CODES", "TRANSIENT_KINDS", "Answer", "Failure",
           "Kind", "Outcome", "bot_sign", "classify_answer", "classify_failure",
           "failure_from_exception", "network_text"]

DEAD_CODES = frozenset({404, 410})
BLOCKED_CODES = frozenset({403, 999})
PERSISTENT_BLOCK_CODES = frozenset({429})
TRANSIENT_CODES = frozenset({408, 429, *range(500, 600)}) - {501, 505}
HEAD_REJECTED_CODES = frozenset({400, 403, 405, 501})
REDIRECT_CODES = frozenset({301, 302, 303, 307, 308})
PERMANENT_CODES = frozenset({301, 308})


@dataclass(frozen=True, slots=True)
class Answer:
    """One HTTP response, reduced to what classification needs."""

    status: int
    reason: str = ""
    location: str | None = None
    retry_after: float | None = None
    bot_sign: str | None = None
    title: str | None = None
    sets_cookie: bool = False  # a cookie may change the next answer (loop detection)
    headers: Mapping[str, str] = field(default_factory=dict)
    body: bytes = b""  # the prefix read (a page's head for its title; a refusal's start)

    @property
    def transient(self) -> bool:
        return self.status in TRANSIENT_CODES and self.bot_sign is None


Outcome = Answer | Failure


def classify_answer(answer: Answer, accept: frozenset[int],
                    permanent: bool) -> tuple[Status, str | None]:
    """The status of a chain that ended in `answer` (after retries), with an error text."""
    code = answer.status
    if code in accept:
        return (Status.REDIRECT if permanent else Status.OK), None
    text = f"HTTP {code}{' ' + answer.reason if answer.reason else ''}"
    if code in DEAD_CODES:
        return Status.DEAD, text
    if answer.bot_sign:
        return Status.BLOCKED, f"{text}: bot wall ({answer.bot_sign})"
    if code in BLOCKED_CODES:
        return Status.BLOCKED, f"{text}: the site refuses robots"
    if code in PERSISTENT_BLOCK_CODES:
        return Status.BLOCKED, f"{text}: still refused after retries"
    if code in REDIRECT_CODES:
        return Status.ERROR, f"{text} without a Location header"
    return Status.ERROR, text


def classify_failure(failure: Failure) -> Status:
    """The status of a chain that ended in `failure` (after retries)."""
    if failure.kind in (Kind.DNS, Kind.REFUSED):
        return Status.DEAD
    if failure.kind in (Kind.TIMEOUT, Kind.CONNECT_TIMEOUT):
        return Status.TIMEOUT
    if failure.kind == Kind.PRIVATE:
        return Status.EXCLUDED
    return Status.ERROR


_BODY_SIGNS = (
    (re.compile(rb"cf-chl|challenge-platform|<title>\s*just a moment", re.I),
     "cloudflare challenge"),
    (re.compile(rb"captcha|robot check", re.I), "captcha page"),
)


def bot_sign(status: int, headers: Mapping[str, str], body: bytes = b"") -> str | None:
    """The bot-wall evidence in a refusal (403/429/503/999...), or None."""
    if status < 400:
        return None
    if "cf-mitigated" in headers:
        return f"cf-mitigated: {headers['cf-mitigated']}"
    waf = headers.get("x-amzn-waf-action")
    if waf:
        return f"x-amzn-waf-action: {waf}"
    if status == 999:
        return "HTTP 999 (LinkedIn-style refusal)"
    for pattern, sign in _BODY_SIGNS:
        if pattern.search(body):
            return sign
    return None
