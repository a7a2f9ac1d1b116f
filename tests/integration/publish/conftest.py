"""Fixtures for publishing tests: the fake GitHub server, a catalog, and a CLI runner."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from curatorbot.cli import main
from curatorbot.plan import Change, ChangeKind, Evidence, dump_plan
from tests.fakes.github_api import FakeGitHub, Repo

TOKEN = "ghs_fakeTokenForTests0123456789ABCDEF"
REPOSITORY = "octo/catalog"

CATALOG = """\
title: Test catalog
sections:
  - id: books
    title: Books
    entries:
      - id: deep-book
        title: A deep book
        kind: book
        links:
          - url: https://example.org/book
      - id: old-repo
        title: Some code
        kind: repository
        links:
          - url: https://github.com/old/name
"""


def updated_catalog(n: int = 1) -> str:
    """The catalog as `update` would write it after `n` runs' worth of changes."""
    text = CATALOG.replace("https://example.org/book", f"https://example.org/book-v{n}")
    return text.replace("https://github.com/old/name", "https://github.com/new/name")


def changes(n: int = 1) -> list[Change]:
    return [
        Change(ChangeKind.REDIRECT, "deep-book", "url", "https://example.org/book",
               f"https://example.org/book-v{n}", ("sections", 0, "entries", 0, "links", 0, "url"),
               line=9, url="https://example.org/book",
               evidence=Evidence(chain=(("https://example.org/book", 301),
                                        (f"https://example.org/book-v{n}", 200)))),
        Change(ChangeKind.RENAMED, "old-repo", "url", "https://github.com/old/name",
               "https://github.com/new/name", ("sections", 0, "entries", 1, "links", 0, "url"),
               line=14, url="https://github.com/old/name"),
    ]


@pytest.fixture
def fake_github() -> Iterator[FakeGitHub]:
    """The fake GitHub API; the test fails if any request or response broke the contract."""
    with FakeGitHub(TOKEN) as fake:
        yield fake
    assert fake.violations == [], "\n".join(fake.violations)


@pytest.fixture
def repo(fake_github: FakeGitHub) -> Repo:
    return fake_github.add_repo(REPOSITORY, {"catalog.yaml": CATALOG, "README.md": "# hi\n"})


class Bot:
    """Runs `curatorbot pr` / `issue` in a working directory, like the workflow does."""

    def __init__(self, fake: FakeGitHub, workdir: Path) -> None:
        self.fake = fake
        self.workdir = workdir

    def env(self, **extra: str | None) -> dict[str, str | None]:
        return {"GITHUB_TOKEN": TOKEN, "GITHUB_REPOSITORY": REPOSITORY,
                "GITHUB_API_URL": self.fake.base_url, "CURATORBOT_WRITE_INTERVAL": "0",
                "CURATORBOT_RETRY_BACKOFF": "0", "CURATORBOT_MAX_WAIT": "5",
                "GITHUB_STEP_SUMMARY": None, **extra}

    def pr(self, text: str, plan: list[Change], *args: str, **env: str | None) -> Result:
        (self.workdir / "catalog.yaml").write_text(text, encoding="utf-8")
        (self.workdir / "plan.json").write_text(dump_plan(plan), encoding="utf-8")
        return self.invoke(["pr", "--plan", "plan.json", *args], env)

    def issue(self, results: list[dict[str, Any]], *args: str, **env: str | None) -> Result:
        report = {"summary": {"total": len(results)}, "results": results}
        (self.workdir / "report.json").write_text(json.dumps(report), encoding="utf-8")
        return self.invoke(["issue", "--report", "report.json", *args], env)

    def invoke(self, args: list[str], env: dict[str, str | None]) -> Result:
        return CliRunner().invoke(main, args, env=self.env(**env), catch_exceptions=False)


@pytest.fixture
def bot(fake_github: FakeGitHub, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Bot:
    monkeypatch.chdir(tmp_path)
    return Bot(fake_github, tmp_path)


def dead(url: str, entry: str, line: int, **extra: Any) -> dict[str, Any]:
    """A JSON report result for a dead link."""
    return {"url": url, "status": "dead", "http_status": 404, "final_url": None,
            "redirects": [], "error": None, "entry": entry, "line": line, "attempts": 1,
            "elapsed_ms": 5, "title": None, **extra}
