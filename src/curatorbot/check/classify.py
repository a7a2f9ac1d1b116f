"""From what a request got back to one `Status`: answers, failures, bot walls, titles.

A request ends either in an `Answer` (the server said something over HTTP) or a `Failure`
(nothing usable came back: DNS, connect, TLS, timeout, a reset, a malformed response).
Transient, hence retried (`Answer.transient`): 408, 429 and every 5xx (Cloudflare's
520-524 included) except 501 and 505, which name what the server cannot do (a method, an
HTTP version), not a passing state; an answer with bot-wall signs is never transient.
`failure_from_exception` is the one place aiohttp's exceptions are translated; the
`classify_*` functions apply the status contract of design.md:

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

Text that came from the network (exception messages quoting the bytes a server sent,
reason phrases, header values, Location URLs) goes through `network_text` before it is
part of a failure's message or a result's error: one line of printable characters, at
most `NETWORK_TEXT_MAX` (300) characters, so that no report format, annotation or
terminal gets a server's raw bytes or escape sequences.
"""

from __future__ import annotations

import errno
import re
import socket
import ssl
from collections.abc import Mapping
from dataclasses import dataclass

import aiohttp

from curatorbot.check.netguard import PrivateAddressError
from curatorbot.printable import one_line
from curatorbot.results import Status

DEAD_CODES = frozenset({404, 410})
BLOCKED_CODES = frozenset({403, 999})
PERSISTENT_BLOCK_CODES = frozenset({429})
TRANSIENT_CODES = frozenset({408, 429, *range(500, 600)}) - {501, 505}
HEAD_REJECTED_CODES = frozenset({400, 403, 405, 501})
REDIRECT_CODES = frozenset({301, 302, 303, 307, 308})
PERMANENT_CODES = frozenset({301, 308})
# The longest a text that came from the network may be in a failure message or error.
NETWORK_TEXT_MAX = 300


class Kind:
    """Machine-readable failure kinds (`LinkResult.failure`)."""

    DNS = "dns"                        # the name does not exist (NXDOMAIN)
    DNS_TEMPORARY = "dns-temporary"    # no resolver answered
    REFUSED = "refused"
    UNREACHABLE = "unreachable"
    CONNECT = "connect"                # other connect errors
    CONNECT_TIMEOUT = "connect-timeout"
    TIMEOUT = "timeout"                # connected, but no (complete) answer in time
    RESET = "reset"                    # the connection dropped mid-request
    TLS = "tls"
    PRIVATE = "private"                # refused by the address guard
    PROTOCOL = "protocol"              # a malformed HTTP answer
    LOOP = "loop"
    TOO_MANY_REDIRECTS = "too-many-redirects"
    BAD_REDIRECT = "bad-redirect"
    HTTP = "http"                      # an HTTP status that is not accepted
    OUTAGE = "outage"                  # set by the host guard (see check.outcome)
    NO_NETWORK = "no-network"          # set by the host guard


# Failures that say nothing about the page, only that the host or the network is unreachable.
NETWORK_KINDS = frozenset({Kind.DNS, Kind.DNS_TEMPORARY, Kind.REFUSED, Kind.UNREACHABLE,
                           Kind.CONNECT, Kind.CONNECT_TIMEOUT})
# Of those, the ones that may be a passing outage of one host (NXDOMAIN is an answer).
OUTAGE_KINDS = NETWORK_KINDS - {Kind.DNS}
TRANSIENT_KINDS = frozenset({Kind.TIMEOUT, Kind.CONNECT_TIMEOUT, Kind.RESET})


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

    @property
    def transient(self) -> bool:
        return self.status in TRANSIENT_CODES and self.bot_sign is None


@dataclass(frozen=True, slots=True)
class Failure:
    """A request that got no usable HTTP answer."""

    kind: str
    message: str

    @property
    def transient(self) -> bool:
        return self.kind in TRANSIENT_KINDS


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


def network_text(text: str) -> str:
    """Text that came from the network, fit to print: one line, printable characters only,
    at most `NETWORK_TEXT_MAX` characters (cut with an ellipsis)."""
    return one_line(text, NETWORK_TEXT_MAX)


def failure_from_exception(exc: BaseException) -> Failure:
    """Translate an aiohttp/OS exception raised by a request into a `Failure` whose message
    is `network_text` (exceptions quote what the server sent: bytes, long lines)."""
    failure = _translate(exc)
    return Failure(failure.kind, network_text(failure.message))


def _translate(exc: BaseException) -> Failure:
    if isinstance(exc, aiohttp.ClientConnectorDNSError):
        cause = exc.os_error
        if isinstance(cause, PrivateAddressError):
            return Failure(Kind.PRIVATE, f"{cause}; pass --allow-private to check it")
        if isinstance(cause, socket.gaierror) and cause.errno in _NXDOMAIN:
            return Failure(Kind.DNS, f"DNS: {exc.host}: name not found")
        return Failure(Kind.DNS_TEMPORARY, f"DNS: {exc.host}: {_strerror(cause)}")
    if isinstance(exc, aiohttp.ClientConnectorCertificateError):
        cert = exc.certificate_error
        detail = getattr(cert, "verify_message", None) or getattr(cert, "reason", None) or cert
        return Failure(Kind.TLS, f"TLS: certificate rejected: {detail}")
    if isinstance(exc, aiohttp.ClientSSLError | ssl.SSLError | aiohttp.ServerFingerprintMismatch):
        return Failure(Kind.TLS, f"TLS: {_strerror(exc)}")
    if isinstance(exc, aiohttp.ConnectionTimeoutError):
        return Failure(Kind.CONNECT_TIMEOUT, "timed out connecting")
    if isinstance(exc, TimeoutError):
        return Failure(Kind.TIMEOUT, "timed out waiting for the answer")
    if isinstance(exc, aiohttp.ClientConnectorError):
        code = exc.os_error.errno
        if code == errno.ECONNREFUSED:
            return Failure(Kind.REFUSED, "connection refused")
        if code in (errno.EHOSTUNREACH, errno.ENETUNREACH):
            return Failure(Kind.UNREACHABLE, f"host unreachable ({_strerror(exc.os_error)})")
        return Failure(Kind.CONNECT, f"cannot connect: {_strerror(exc.os_error)}")
    if isinstance(exc, aiohttp.ServerDisconnectedError | aiohttp.ClientPayloadError
                  | aiohttp.ClientOSError | ConnectionError):
        return Failure(Kind.RESET, f"connection dropped: {_strerror(exc)}")
    if isinstance(exc, aiohttp.InvalidURL):
        return Failure(Kind.PROTOCOL, f"invalid URL: {exc}")
    if isinstance(exc, aiohttp.ClientResponseError):
        return Failure(Kind.PROTOCOL, f"malformed answer: {exc.message}")
    return Failure(Kind.PROTOCOL, f"{type(exc).__name__}: {_strerror(exc)}")


_NXDOMAIN = {socket.EAI_NONAME, getattr(socket, "EAI_NODATA", socket.EAI_NONAME)}


def _strerror(exc: BaseException | None) -> str:
    if exc is None:
        return "unknown error"
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return str(exc) or type(exc).__name__


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
