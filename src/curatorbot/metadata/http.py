"""What every metadata API client does around one request: back off, and name a failure.

The GitHub clients (GraphQL, REST) and the YouTube oEmbed provider retry a request that
failed in transit or answered 5xx: before retry `attempt` (1, 2, ...) they sleep
`backoff_pause(attempt, backoff)`, i.e. backoff, 2 x backoff, 4 x backoff, ... A request
that raised one of `REQUEST_ERRORS` is remembered as `error_text(exc)` for the note that
says why a link stayed unknown.
"""

from __future__ import annotations

import asyncio

import aiohttp

# What a request may raise in transit: connection, protocol and timeout failures.
REQUEST_ERRORS = (aiohttp.ClientError, TimeoutError)


async def backoff_pause(attempt: int, backoff: float) -> None:
    """Sleep before retry `attempt` (1 for the first retry): `backoff * 2 ** (attempt - 1)`."""
    await asyncio.sleep(backoff * 2 ** (attempt - 1))


def error_text(exc: BaseException) -> str:
    """`ExceptionName: message`, or just the name when the message is empty."""
    return f"{type(exc).__name__}: {exc}".rstrip(": ")
