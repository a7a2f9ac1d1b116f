"""A request that got no usable HTTP answer: `Failure`, and the one place aiohttp's and the
OS's exceptions are translated into one (`failure_from_exception`).

Text that came from the network (exception messages quoting the bytes a server sent,
reason phrases, header values, Location URLs) goes through `network_text` before it is
part of a failure's message or a result's error: one line of printable characters, at
most `NETWORK_TEXT_MAX` (300) characters, so that no report format, annotation or
terminal gets a server's raw bytes or escape sequences.
"""

from __future__ import annotations

import errno
import socket
import ssl
from dataclasses import dataclass

import aiohttp

from curatorbot.http.guard import PrivateAddressError
from curatorbot.printable import one_line
from curatorbot.results import TRANSIENT_KINDS
from curatorbot.results import FailureKind as Kind

# The longest a text that came from the network may be in a failure message or error.
NETWORK_TEXT_MAX = 300

# What a request may raise: aiohttp's errors, the OS's, timeouts, and a URL aiohttp
# cannot take (ValueError). Everything else is a bug and is not caught here.
REQUEST_ERRORS = (aiohttp.ClientError, OSError, TimeoutError, ValueError)


@dataclass(frozen=True, slots=True)
class Failure:
    """A request that got no usable HTTP answer."""

    kind: str
    message: str

    @property
    def transient(self) -> bool:
        return self.kind in TRANSIENT_KINDS


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
