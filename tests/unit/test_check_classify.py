"""Pure parts of the checker: Retry-After parsing, bot-wall signs, titles, URL rules."""

from __future__ import annotations

from datetime import UTC, datetime

from curatorbot.catalog.model import Link
from curatorbot.check.classify import (
    Answer,
    bot_sign,
    classify_answer,
)
from curatorbot.check.targets import UrlRules, collect
from curatorbot.http.headers import parse_retry_after
from curatorbot.metadata.html import extract_title
from curatorbot.results import Status
from curatorbot.settings import Settings


def test_retry_after_seconds_and_http_date() -> None:
    now = datetime(2025, 1, 1, 12, 0, 0, tzinfo=UTC)
    assert parse_retry_after("120") == 120.0
    assert parse_retry_after("Wed, 01 Jan 2025 12:00:30 GMT", now) == 30.0
    assert parse_retry_after("Wed, 01 Jan 2025 11:00:00 GMT", now) == 0.0
    assert parse_retry_after("soon") is None and parse_retry_after(None) is None


def test_malformed_retry_after_is_none_so_the_backoff_applies() -> None:
    # RFC 9110: delta-seconds are digits only; anything else is no Retry-After at all.
    for value in ("3s", "1.5", "-1", "+5", "1e3", "1_0", "inf", "nan", "", "  ",
                  "1970-01-01T00:00:10.000Z", "tomorrow"):
        assert parse_retry_after(value) is None, value
    assert parse_retry_after(" 7 ") == 7.0 and parse_retry_after("0") == 0.0
    assert parse_retry_after("9" * 5000) == 86_400.0  # capped at a day, not an overflow


def test_bot_signs() -> None:
    assert bot_sign(403, {"cf-mitigated": "challenge"}) == "cf-mitigated: challenge"
    assert bot_sign(503, {}, b"<title>Robot Check</title> captcha") == "captcha page"
    assert bot_sign(200, {"cf-mitigated": "challenge"}) is None
    assert bot_sign(503, {}, b"maintenance") is None


def test_title_with_charset_and_entities() -> None:
    body = "<html><head><TITLE>Caf\xe9 &amp;\n  Co</TITLE>".encode("latin-1")
    assert extract_title(body, "text/html; charset=iso-8859-1") == "Café & Co"
    assert extract_title(b"<p>no title</p>", "text/html") is None


def test_classification_table() -> None:
    accept = frozenset(range(200, 300))
    assert classify_answer(Answer(200), accept, permanent=True)[0] is Status.REDIRECT
    assert classify_answer(Answer(410), accept, permanent=True)[0] is Status.DEAD
    assert classify_answer(Answer(403), accept, permanent=False)[0] is Status.BLOCKED
    assert classify_answer(Answer(429), accept, permanent=False)[0] is Status.BLOCKED
    assert classify_answer(Answer(502), accept, permanent=False)[0] is Status.ERROR
    # A 503 that persists is an outage (error); with bot-wall signs it is a refusal.
    assert classify_answer(Answer(503), accept, permanent=False)[0] is Status.ERROR
    assert classify_answer(Answer(503, bot_sign="captcha page"), accept,
                           permanent=False)[0] is Status.BLOCKED
    assert classify_answer(Answer(401), accept, permanent=False)[0] is Status.ERROR


def test_every_5xx_but_501_and_505_is_transient() -> None:
    transient = [code for code in range(100, 600) if Answer(code).transient]
    assert transient == [408, 429, 500, *range(502, 505), *range(506, 600)]
    assert not Answer(503, bot_sign="captcha page").transient


def test_url_rules_include_wins_over_exclude() -> None:
    rules = UrlRules(Settings().merged({"exclude": ["example"], "include": ["keep"]}))
    assert rules.excluded("https://example.org/keep") is None
    assert rules.excluded("https://example.org/drop") == "matches no --include pattern"
    assert UrlRules(Settings().merged({"exclude": ["example"]})).excluded(
        "https://example.org/x") == "excluded by pattern 'example'"
    assert rules.excluded("mailto:someone@example.org") == "not an http(s) URL"


def test_collect_dedupes_exactly_and_keeps_every_place() -> None:
    links = [Link("https://a.test/x", 3, entry_id="a"),
             Link("https://a.test/x", 9, entry_id="b", ignore=True),
             Link("https://a.test/x/", 12, entry_id="c"),
             Link("https://b.test/", 15, entry_id="d", ignore=True)]
    targets = collect(links)
    assert list(targets) == ["https://a.test/x", "https://a.test/x/", "https://b.test/"]
    assert [p.line for p in targets["https://a.test/x"].places] == [3, 9]
    assert not targets["https://a.test/x"].ignored and targets["https://b.test/"].ignored
