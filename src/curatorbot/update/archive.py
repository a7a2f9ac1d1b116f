"""Archived copies for confirmed-dead links: the CDX question, and which capture to propose.

Pure (no network): the caller sends `cdx_query(...)` through the HTTP boundary (one request
per dead URL, paced and retried by the one retry policy) and hands the decoded JSON to
`pick_capture`:

    cdx_query(api_root, url, first_failure)
        {api_root}/cdx/search/cdx?url=<url>&output=json&filter=statuscode:200
                                 &to=<first failure - 1 s, 14 digits>&limit=-1
    pick_capture(payload, first_failure)
        the last capture with statuscode 200 taken strictly before `first_failure`, or None
        (empty answer `[]`, header row only, malformed rows skipped; a payload that is not
        a list of rows is no capture, never an exception)
    archive_url(api_root, capture, url)      {api_root}/web/<timestamp>/<url>
    raw_capture_url(api_root, capture, url)  {api_root}/web/<timestamp>id_/<url>

The server already filters and limits; `pick_capture` checks status and date again, so a
mirror that ignores `filter=` or `to=` still never yields a capture of an error or one taken
after the link failed. A 200 capture may still be a parking or soft-404 page: the CDX row
(mimetype, length, digest) cannot tell. A caller that wants that certainty fetches
`raw_capture_url` (the archived bytes as captured) and runs check.parked over them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

# The default API root is the setting's (`settings.DEFAULT_ARCHIVE_API`).
CDX_PATH = "/cdx/search/cdx"
CDX_FIELDS = ("urlkey", "timestamp", "original", "mimetype", "statuscode", "digest", "length")
TIMESTAMP_FORMAT = "%Y%m%d%H%M%S"


@dataclass(frozen=True, slots=True)
class Capture:
    """One CDX row that answered 200."""

    timestamp: str      # 14 digits, UTC, as the archive writes it
    original: str
    mimetype: str
    when: datetime

    @property
    def date(self) -> str:
        """The capture's day, for the PR table (YYYY-MM-DD)."""
        return self.when.strftime("%Y-%m-%d")


@dataclass(frozen=True, slots=True)
class ArchivedCopy:
    """The archived copy proposed for a dead URL: its Wayback URL, and the capture."""

    url: str            # {api_root}/web/<timestamp>/<dead url>
    capture: Capture


def cdx_timestamp(when: datetime) -> str:
    """`when` as the archive's 14-digit UTC timestamp."""
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when.astimezone(UTC).strftime(TIMESTAMP_FORMAT)


def cdx_query(api_root: str, url: str, first_failure: datetime) -> str:
    """The CDX request for the last 200 capture of `url` before `first_failure`."""
    last_second = first_failure - timedelta(seconds=1)
    query = urlencode({"url": url, "output": "json", "filter": "statuscode:200",
                       "to": cdx_timestamp(last_second), "limit": "-1"})
    return f"{api_root.rstrip('/')}{CDX_PATH}?{query}"


def pick_capture(payload: Any, first_failure: datetime) -> Capture | None:
    """The last 200 capture before `first_failure` among the CDX JSON rows `payload`."""
    if first_failure.tzinfo is None:
        first_failure = first_failure.replace(tzinfo=UTC)
    best: Capture | None = None
    for capture in captures(payload):
        if capture.when < first_failure and (best is None or capture.when >= best.when):
            best = capture
    return best


def captures(payload: Any) -> list[Capture]:
    """The 200 captures of a CDX JSON answer (header row first; unreadable rows skipped)."""
    if not isinstance(payload, list) or not payload or not isinstance(payload[0], list):
        return []
    header = [str(name) for name in payload[0]]
    columns = header if {"timestamp", "original", "statuscode"} <= set(header) else None
    rows = payload[1:] if columns else payload
    names = columns or list(CDX_FIELDS)
    found = []
    for row in rows:
        if not isinstance(row, list) or len(row) != len(names):
            continue
        fields = dict(zip(names, (str(value) for value in row), strict=True))
        if fields.get("statuscode") != "200":
            continue
        when = _parse_timestamp(fields.get("timestamp", ""))
        if when is None:
            continue
        found.append(Capture(timestamp=fields["timestamp"], original=fields.get("original", ""),
                             mimetype=fields.get("mimetype", ""), when=when))
    return found


def archive_url(api_root: str, capture: Capture, url: str) -> str:
    """The Wayback page of `capture` of `url` under `api_root`."""
    return f"{api_root.rstrip('/')}/web/{capture.timestamp}/{url}"


def raw_capture_url(api_root: str, capture: Capture, url: str) -> str:
    """The archived bytes of `capture` as they were captured (no Wayback banner)."""
    return f"{api_root.rstrip('/')}/web/{capture.timestamp}id_/{url}"


def _parse_timestamp(text: str) -> datetime | None:
    if len(text) != 14 or not text.isdigit():
        return None
    try:
        return datetime.strptime(text, TIMESTAMP_FORMAT).replace(tzinfo=UTC)
    except ValueError:
        return None
