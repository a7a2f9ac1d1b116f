"""update.archive: the CDX query and the choice of capture, on CDX JSON rows."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from curatorbot.update.archive import (
    CDX_FIELDS,
    archive_url,
    cdx_query,
    pick_capture,
    raw_capture_url,
)

URL = "https://example.org/docs/page?x=1"
FAILED = datetime(2024, 6, 1, 12, 0, 0, tzinfo=UTC)


def row(timestamp: str, status: str = "200") -> list[str]:
    return ["org,example)/docs/page?x=1", timestamp, URL, "text/html", status, "DIGEST", "900"]


def test_query_asks_for_the_last_200_before_the_first_failure() -> None:
    query = cdx_query("https://mirror.test/", URL, FAILED)
    parts = urlsplit(query)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == "https://mirror.test/cdx/search/cdx"
    assert parse_qs(parts.query) == {"url": [URL], "output": ["json"],
                                     "filter": ["statuscode:200"],
                                     "to": ["20240601115959"], "limit": ["-1"]}


def test_picks_the_last_200_capture_strictly_before_the_failure() -> None:
    payload = [list(CDX_FIELDS), row("20200101000000"), row("20240101000000"),
               row("20240301000000", "404"), row("20240601120000"), row("20250101000000")]
    capture = pick_capture(payload, FAILED)
    assert capture is not None
    assert capture.timestamp == "20240101000000"
    assert capture.date == "2024-01-01"
    assert archive_url("https://web.archive.org", capture, URL) == \
        f"https://web.archive.org/web/20240101000000/{URL}"
    assert raw_capture_url("http://127.0.0.1:9/", capture, URL) == \
        f"http://127.0.0.1:9/web/20240101000000id_/{URL}"


@pytest.mark.parametrize("payload", [
    [],                                           # the server's answer when nothing matched
    [list(CDX_FIELDS)],                           # a header row alone
    [list(CDX_FIELDS), row("20250101000000")],    # only captures after the failure
    [list(CDX_FIELDS), row("20230101000000", "301"), row("20230101000001", "-")],
    [list(CDX_FIELDS), ["short"], row("2023bad0000000"), "text", None],
    {"not": "rows"}, "garbage", None,
])
def test_no_capture_when_none_qualifies(payload: Any) -> None:
    assert pick_capture(payload, FAILED) is None


def test_field_order_follows_the_header_row() -> None:
    payload = [["timestamp", "statuscode", "original"],
               ["20230101000000", "200", URL], ["20230201000000", "500", URL]]
    capture = pick_capture(payload, FAILED)
    assert capture is not None and capture.timestamp == "20230101000000"


def test_a_naive_failure_time_is_utc() -> None:
    payload = [list(CDX_FIELDS), row("20240601115959"), row("20240601120000")]
    capture = pick_capture(payload, FAILED.replace(tzinfo=None))
    assert capture is not None and capture.timestamp == "20240601115959"
