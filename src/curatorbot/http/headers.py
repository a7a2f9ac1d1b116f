"""HTTP response headers that the link checker and the API clients both read."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

# RFC 9110 delta-seconds: digits only ("3s", "1.5", "-1", "inf", "1e3" are malformed).
_DELTA_SECONDS = re.compile(r"[0-9]+")
# Longer than any wait worth honouring (every caller caps it far lower): a day.
_LONGEST = 86_400.0


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """`Retry-After` (delta-seconds or HTTP-date) -> seconds from `now`, or None when it is
    missing or malformed (`3s`, `1.5`, `inf`, an ISO date...): the caller then falls back
    to its own backoff. An HTTP date in the past is 0; a huge number is capped at a day."""
    if not value:
        return None
    value = value.strip()
    if _DELTA_SECONDS.fullmatch(value):
        return min(float(value), _LONGEST)  # float: a 5,000-digit value is inf, not slow
    if not value[:1].isalpha():  # an HTTP date opens with its weekday's name
        return None
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return min(_LONGEST, max(0.0, (when - (now or datetime.now(UTC))).total_seconds()))
