"""What the report formats share: the line a host outage is reported at."""

from __future__ import annotations

import io

import pytest

from curatorbot.catalog.model import Link
from curatorbot.check import collect
from curatorbot.check.classify import Kind
from curatorbot.report import render
from curatorbot.report.rows import outage_lines
from curatorbot.results import CheckReport, HostOutage, LinkResult, Status


def outage_report() -> CheckReport:
    # sub.b.com comes first in the catalog; b.com's own URLs start at line 7.
    links = [Link("http://sub.b.com/1", 3, entry_id="a"), Link("http://ok.test/", 5, entry_id="b"),
             Link("http://b.com/2", 7, entry_id="c"), Link("http://b.com/3", 9, entry_id="d")]
    results = [LinkResult(link.url, Status.ERROR, failure=Kind.OUTAGE, error="host outage")
               for link in links if "ok.test" not in link.url]
    results.insert(1, LinkResult("http://ok.test/", Status.OK, http_status=200))
    outages = [HostOutage("b.com", "refused", 2), HostOutage("sub.b.com", "refused", 1)]
    return CheckReport(results=results, targets=collect(links), outages=outages, hosts=3)


def test_an_outage_is_reported_at_the_first_line_of_its_exact_host() -> None:
    assert outage_lines(outage_report()) == {"sub.b.com": 3, "b.com": 7}


def test_every_format_shows_the_outage_line_of_the_exact_host(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
    report = outage_report()
    text, markdown, github = io.StringIO(), io.StringIO(), io.StringIO()
    render(report, "text", text)
    render(report, "markdown", markdown)
    render(report, "github", github)
    assert "line 7     b.com:" in text.getvalue()
    assert "line 3     sub.b.com:" in text.getvalue()
    assert "| b.com | 2 | 7 |" in markdown.getvalue()
    assert ",line=7,title=host outage%3A b.com::" in github.getvalue()
