"""The fake CDX server answers as the documented one does, and update.archive reads it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import aiohttp
import pytest

from curatorbot.update.archive import CDX_FIELDS, archive_url, cdx_query, pick_capture
from tests.fakes.cdx import FakeCdx

URL = "https://example.org/gone"
FAILED = datetime(2024, 6, 1, tzinfo=UTC)


@pytest.fixture
async def cdx() -> AsyncIterator[FakeCdx]:
    fake = FakeCdx()
    for ts, status in [("20190101000000", "200"), ("20230505000000", "200"),
                       ("20240101000000", "404"), ("20240531235959", "200"),
                       ("20240601000000", "200"), ("20240701000000", "200")]:
        fake.add(URL, ts, status)
    fake.add("https://example.org/other", "20240101000000")
    await fake.start("127.0.0.9")
    yield fake
    await fake.stop()


async def get(url: str) -> tuple[int, dict[str, str], Any]:
    async with aiohttp.ClientSession() as session, session.get(url) as response:
        text = await response.text()
        body = await response.json(content_type=None) if response.status == 200 else text
        return response.status, dict(response.headers), body


async def test_the_query_finds_the_last_200_before_the_failure(cdx: FakeCdx) -> None:
    status, _, payload = await get(cdx_query(cdx.root, URL, FAILED))
    assert status == 200
    assert payload[0] == list(CDX_FIELDS)
    assert [r[1] for r in payload[1:]] == ["20240531235959"]
    capture = pick_capture(payload, FAILED)
    assert capture is not None
    assert archive_url(cdx.root, capture, URL) == f"{cdx.root}/web/20240531235959/{URL}"
    assert cdx.requests[0]["limit"] == ["-1"]


async def test_filters_dates_and_limits_as_documented(cdx: FakeCdx) -> None:
    base = f"{cdx.root}/cdx/search/cdx?url={URL}&output=json"
    _, _, every = await get(base)
    assert [r[1] for r in every[1:]] == ["20190101000000", "20230505000000", "20240101000000",
                                         "20240531235959", "20240601000000", "20240701000000"]
    _, _, non200 = await get(base + "&filter=!statuscode:200")
    assert [r[4] for r in non200[1:]] == ["404"]
    _, _, year = await get(base + "&from=2024&to=2024")  # padded to the year's bounds
    assert [r[1][:4] for r in year[1:]] == ["2024"] * 4
    _, _, first2 = await get(base + "&limit=2")
    assert [r[1] for r in first2[1:]] == ["20190101000000", "20230505000000"]
    _, _, last2 = await get(base + "&limit=-2")
    assert [r[1] for r in last2[1:]] == ["20240601000000", "20240701000000"]


async def test_nothing_archived_is_an_empty_array(cdx: FakeCdx) -> None:
    status, _, payload = await get(cdx_query(cdx.root, "https://never.example/", FAILED))
    assert (status, payload) == (200, [])
    assert pick_capture(payload, FAILED) is None
    _, _, early = await get(cdx_query(cdx.root, URL, datetime(2010, 1, 1, tzinfo=UTC)))
    assert early == []


async def test_rate_limit_and_overload_answers(cdx: FakeCdx) -> None:
    cdx.fail_next = [(429, "7"), (503, None)]
    status, headers, _ = await get(cdx_query(cdx.root, URL, FAILED))
    assert (status, headers.get("Retry-After")) == (429, "7")
    status, headers, _ = await get(cdx_query(cdx.root, URL, FAILED))
    assert status == 503 and "Retry-After" not in headers
    status, _, payload = await get(cdx_query(cdx.root, URL, FAILED))
    assert status == 200 and len(payload) == 2


async def test_plain_text_without_output_json(cdx: FakeCdx) -> None:
    async with aiohttp.ClientSession() as session, \
            session.get(f"{cdx.root}/cdx/search/cdx", params={"url": URL, "limit": "1"}) as r:
        assert r.status == 200
        assert (await r.text()).split() == ["org,example)/gone", "20190101000000", URL,
                                            "text/html", "200", cdx.captures[
                                                "org,example)/gone"][0][5], "2048"]
