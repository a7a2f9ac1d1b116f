"""Escaping of web-sourced text and the size limit of pull request and issue bodies.

Bodies are rendered with a real CommonMark renderer (markdown-it-py, tables on, raw HTML
allowed as on GitHub) to check what a reader would get, not just what the string contains.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from markdown_it import MarkdownIt

from curatorbot.check.classify import Kind
from curatorbot.errors import UsageError
from curatorbot.plan import Change, ChangeKind, Evidence, dump_plan, load_plan
from curatorbot.publish.health import (
    OUTAGE_HOSTS_SHOWN,
    STATUSES,
    HealthRow,
    Outage,
    issue_body,
    issue_title,
    read_report,
    rows_from_report,
)
from curatorbot.publish.markdown import GITHUB_BODY_LIMIT, code, size, text
from curatorbot.publish.pr_body import pr_body, pr_title
from curatorbot.results import ATTENTION_STATUSES, UNVERIFIED_FAILURES, Status

HOSTILE = [
    "**bold** _it_ [link](https://evil.test/) ![img](https://evil.test/x.png) # heading",
    "<script>alert(1)</script><img src=x onerror=alert(1)><a href='https://evil.test'>x</a>",
    "thanks @octocat and @github/security-team, fixes #12 and GH-3",
    "tab\there\x00nul\x1b[31mansi\x07bell\u202eevil\u200bzero\r\nnew line",
    "| pipe | in | title |",
    "`code` ``double`` $math$ :smile: ~~strike~~",
    "x" * 10_240,
]
MENTION = re.compile(r"(?<![\w`])@[A-Za-z0-9]")
RENDER = MarkdownIt("commonmark").enable("table")


def rendered(markdown: str) -> str:
    return RENDER.render(markdown)


def outside_code(html: str) -> str:
    """The HTML without code elements, where GitHub links no mentions or references."""
    return re.sub(r"<code>.*?</code>", "", html, flags=re.S)


@pytest.mark.parametrize("title", HOSTILE)
def test_text_renders_literally(title: str) -> None:
    cell = text(title)
    html = rendered(cell)
    assert "<script" not in html and "<img" not in html and "<a " not in html
    assert "<strong>" not in html and "<em>" not in html and "<h1>" not in html
    assert "<code>" not in html
    assert not MENTION.search(html)
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f\u202a-\u202e]", cell)
    assert "\n" not in cell and len(cell) < 1_000


@pytest.mark.parametrize("value", [*HOSTILE, "https://x.test/a|b`c``d", "`start"])
def test_code_spans_hold_anything_in_one_table_cell(value: str) -> None:
    cell = code(value)
    html = rendered(f"| a | b |\n|---|---|\n| {cell} | end |")
    assert html.count("<td>") == 2 and "<td>end</td>" in html
    assert html.count("<code>") == 1
    assert "<script" not in html and "<img" not in html


def test_mentions_survive_as_text_but_do_not_ping() -> None:
    html = rendered(text("ask @octocat"))
    assert "octocat" in html and not MENTION.search(html)


def hostile_changes(n: int) -> list[Change]:
    kinds = list(ChangeKind)
    return [Change(kinds[i % len(kinds)], f"entry-{i}", "title", HOSTILE[i % len(HOSTILE)],
                   HOSTILE[(i + 1) % len(HOSTILE)], ("sections", 0), line=i + 1,
                   evidence=Evidence(chain=(("https://a.test/", 301), ("https://b.test/", 200)),
                                     first_failure="2026-01-02", strikes=2,
                                     note=HOSTILE[(i + 2) % len(HOSTILE)]))
            for i in range(n)]


def test_pr_body_tables_per_kind_with_evidence() -> None:
    kinds = len(ChangeKind)
    body = pr_body(hostile_changes(2 * kinds), "catalog.yaml")
    html = rendered(body)
    for heading in ("Redirects applied (2)", "Repositories renamed (2)", "Confirmed dead (2)",
                    "Metadata refreshed (2)", "URLs cleaned up (2)",
                    "Redirects not applied (to a home or login page: please review) (2)"):
        assert f"<h3>{heading}</h3>" in html
    assert html.count("<tr>") == 2 * kinds + kinds  # a row per change, a header per table
    assert "<code>301</code> → <code>200</code>" in html
    assert "failing since <code>2026-01-02</code>; 2 strikes" in html
    assert "<script" not in html and "<img" not in html
    assert not MENTION.search(outside_code(html))
    assert pr_title(hostile_changes(2)) == ("curatorbot: catalog update "
                                            "(1 redirect, 1 renamed repository)")


def test_huge_pr_body_stays_under_githubs_limit_and_summarises_the_tail() -> None:
    many = hostile_changes(3_000)
    body = pr_body(many, "catalog.yaml")
    assert size(body) <= GITHUB_BODY_LIMIT
    assert body.rstrip().endswith("says so in a comment.")  # the footer survived
    match = re.search(r"…and \*\*(\d+) more changes\*\* not shown here \(([^)]*)\)", body)
    assert match is not None
    shown = rendered(body).count("<tr>") - body.count("### ")
    assert shown + int(match.group(1)) == 3_000
    counts = dict((name, int(n)) for n, name in
                  (part.split(" ", 1) for part in match.group(2).split(", ")))
    assert sum(counts.values()) == int(match.group(1))


def test_issue_body_lists_failing_links_with_their_age() -> None:
    rows = [HealthRow("https://gone.test/<b>", Status.DEAD, "e1", 4, 404, None,
                      "2026-01-01", 3),
            HealthRow("https://slow.test/", Status.TIMEOUT, "e2", 9, None,
                      "no answer @octocat", None, 1),
            HealthRow("https://wall.test/", Status.BLOCKED, "e3", 12, 403)]
    body = issue_body(rows, today=dt.date(2026, 1, 11))
    html = rendered(body)
    assert "<h3>Dead (1)</h3>" in html and "<h3>Timing out (1)</h3>" in html
    assert "<code>2026-01-01</code> (10 days)" in html
    assert "<code>https://gone.test/&lt;b&gt;</code>" in html
    assert "no answer @" in html and not MENTION.search(outside_code(html))


def test_huge_issue_body_stays_under_the_limit() -> None:
    rows = [HealthRow(f"https://gone.test/{'x' * 400}/{i}", Status.DEAD, f"e{i}", i, 404,
                      HOSTILE[-1], "2026-01-01", 3) for i in range(2_000)]
    body = issue_body(rows, today=dt.date(2026, 1, 11))
    assert size(body) <= GITHUB_BODY_LIMIT
    assert "more links** not shown here" in body


def test_rows_from_report_keep_only_links_needing_attention() -> None:
    report = {"summary": {}, "results": [
        {"url": "https://a.test/", "status": "ok"},
        {"url": "https://b.test/", "status": "dead", "http_status": 404, "entry": "b",
         "line": 3, "first_failure": "2026-01-01", "strikes": 2,
         "used_in": [{"entry": "b", "line": 3}, {"entry": "c", "line": 8}]},
        {"url": "https://c.test/", "status": "excluded"},
        {"url": "https://d.test/", "status": "error", "error": "TLS"}]}
    rows = rows_from_report(report)
    assert [(r.url, r.status, r.strikes, r.also_used) for r in rows] == [
        ("https://b.test/", Status.DEAD, 2, 1), ("https://d.test/", Status.ERROR, 0, 0)]
    # `update`'s report says which dead links are confirmed: the others wait for more runs.
    report["results"].append({"url": "https://f.test/", "status": "dead", "strikes": 1,
                              "confirmed_dead": False})
    report["results"].append({"url": "https://g.test/", "status": "dead", "strikes": 3,
                              "confirmed_dead": True})
    assert [r.url for r in rows_from_report(report)] == [
        "https://b.test/", "https://d.test/", "https://g.test/"]


def test_the_issue_has_one_table_per_status_needing_attention() -> None:
    assert sorted(status for status, _, _ in STATUSES) == sorted(ATTENTION_STATUSES)


def test_unverified_failures_are_the_checkers_outage_and_no_network_kinds() -> None:
    assert {Kind.OUTAGE, Kind.NO_NETWORK} == UNVERIFIED_FAILURES


def test_unverified_links_are_no_rows_and_outages_are_read_once_per_host() -> None:
    report = {"summary": {"network_down": False}, "results": [
        {"url": "https://b.test/", "status": "dead", "failure": "http"},
        {"url": "https://down.test/1", "status": "error", "failure": "outage"},
        {"url": "https://down.test/2", "status": "error", "failure": "outage"},
        {"url": "https://off.test/", "status": "error", "failure": "no-network"}],
        "outages": [{"host": "down.test", "reason": "connection refused", "urls": 2}]}
    read = read_report(report)
    assert [r.url for r in read.rows] == ["https://b.test/"]
    assert read.outages == (Outage("down.test", "connection refused", 2),)
    assert not read.network_down and read.problems == 2
    report["summary"] = {"network_down": True}
    assert read_report(report).network_down
    report["outages"] = [{"reason": "no host"}]
    with pytest.raises(UsageError, match="report: outage 1 is malformed"):
        read_report(report)


def test_outage_hosts_are_named_once_in_the_title_and_intro() -> None:
    rows = [HealthRow("https://gone.test/", Status.DEAD, "e1", 4, 404)]
    outages = [Outage(f"down-{i}.test", "refused @octocat", 3) for i in range(25)]
    assert issue_title(rows, outages[:1]) == "Link health: 1 dead, 1 host outage"
    assert issue_title([], outages) == "Link health: 25 host outages"
    body = issue_body(rows, dt.date(2026, 1, 11), outages=outages)
    assert "curatorbot found **1 link** that need attention: 1 dead." in body
    assert "**25 hosts did not answer at all**" in body
    assert body.count("`down-0.test` (3 links: refused @") == 1
    assert f"`down-{OUTAGE_HOSTS_SHOWN - 1}.test`" in body
    assert f"`down-{OUTAGE_HOSTS_SHOWN}.test`" not in body
    assert f"and {25 - OUTAGE_HOSTS_SHOWN} more." in body
    assert not MENTION.search(outside_code(rendered(body)))
    only = issue_body([], dt.date(2026, 1, 11), outages=outages[:1])
    assert "need attention" not in only and "**1 host did not answer at all**" in only


def test_plan_json_round_trip() -> None:
    plan = hostile_changes(6)
    assert load_plan(dump_plan(plan)) == plan
    with pytest.raises(ValueError, match="change 1: missing key 'kind'"):
        load_plan('[{"entry_id": "x"}]')
