"""Everything `curatorbot update` talks to, on loopback, for CLI-level tests.

    127.0.0.2, .3   the link farm (tests/fakes/linkfarm.py), by IP literal
    127.0.0.4       a catch-all website (HTTP + HTTPS, trustme) standing in for github.com
                    and www.youtube.com pages: the CLI maps those names with --resolve
    127.0.0.6       the fake GitHub API (GraphQL over the real schema, REST with ETags)
    127.0.0.7       a YouTube oEmbed endpoint (tests/fakes/oembed.py)

The `world` fixture starts them all for one test (the conftests of the tests that use it
import it). `World.update(...)` runs the real CLI (click's CliRunner, in a thread: the CLI
runs its own event loop while the servers run in the test's) with the environment pointing
every API at loopback, and `World.subprocess(...)` runs `python -m curatorbot` the same
way. Nothing here resolves a real name: every host of the test catalogs is an IP literal or
--resolve'd.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from curatorbot.cli import main
from tests.fakes.github import FakeGitHub, FakeRepo
from tests.fakes.github import serve as serve_github
from tests.fakes.linkfarm import LinkFarm
from tests.fakes.oembed import FakeOEmbed
from tests.fakes.oembed import serve as serve_oembed
from tests.fakes.website import Website

FARM_HOSTS = ["127.0.0.2", "127.0.0.3"]
SITE_HOST = "127.0.0.4"
GITHUB_HOST = "127.0.0.6"
OEMBED_HOST = "127.0.0.7"
SITE_NAMES = ["github.com", "www.youtube.com", "youtu.be"]
TOKEN = "secret-token-xyz"
ROOT = Path(__file__).resolve().parent.parent.parent

# Deterministic: no retries or backoff. No world test waits for a timeout, so the timeouts
# are long enough for a loaded 2-core machine (the fakes share the test's event loop, and
# the fake GitHub validates every request against the OpenAPI contract): at 3 s, `update`
# runs failed now and then with a link-farm request timing out.
FAST_SETTINGS: dict[str, Any] = {"retries": 0, "retry_backoff": 0, "timeout": 15,
                                 "connect_timeout": 10}


def github_world() -> FakeGitHub:
    """The canned repositories the tests link to."""
    return FakeGitHub(
        repos=[
            FakeRepo("alice", "tool", stars=100, pushed_at="2024-05-01T12:00:00Z",
                     license="Apache-2.0"),
            FakeRepo("carol", "tool-ng", stars=7),
            FakeRepo("dave", "books", default_branch="main", branches=("main",)),
            FakeRepo("erin", "keeps-master", default_branch="main",
                     branches=("main", "master")),
            FakeRepo("frank", "old-lib", archived=True, default_branch="master",
                     branches=("master",)),
        ],
        renames={"bob/tool": "carol/tool-ng"},
        token=TOKEN,
    )


@dataclass
class Result:
    """What one CLI run gave."""

    code: int
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


@dataclass
class World:
    tmp: Path
    farm: LinkFarm
    farm_ports: dict[str, int]
    site: Website
    github: FakeGitHub
    oembed: FakeOEmbed

    # -- URLs ------------------------------------------------------------------------------

    def url(self, path: str, host: int = 0) -> str:
        """A link-farm URL, e.g. `world.url("moved/1")`."""
        address = FARM_HOSTS[host]
        return f"http://{address}:{self.farm_ports[address]}/{path.lstrip('/')}"

    def gh(self, path: str) -> str:
        """A github.com page (served by the catch-all site over HTTPS)."""
        return f"https://github.com:{self.site.https_port}/{path.lstrip('/')}"

    def yt(self, video: str) -> str:
        """A YouTube watch page (the page answers 200; oEmbed decides)."""
        return f"https://www.youtube.com:{self.site.https_port}/watch?v={video}"

    @property
    def state(self) -> Path:
        return self.tmp / "state" / "state.sqlite"

    # -- the catalog -----------------------------------------------------------------------

    def catalog(self, links: Sequence[str | tuple[str, Mapping[str, Any]]],
                settings: Mapping[str, Any] | None = None, name: str = "catalog.yaml") -> Path:
        """A catalog with one entry per link; a link is a URL or (URL, its bot mapping)."""
        values = {**FAST_SETTINGS, **(settings or {})}
        lines = ["# test catalog", "version: 1", "title: T", "settings:"]
        lines += [f"  {key}: {value}" for key, value in values.items()]
        lines += ["sections:", "  - id: s", "    title: S", "    entries:"]
        for i, link in enumerate(links):
            url, bot = (link, {}) if isinstance(link, str) else link
            lines += [f"      - id: e{i}", f"        title: E{i}", "        kind: website",
                      "        links:", f"          - url: '{url}'"]
            if bot:
                lines.append("            bot:")
                lines += [f"              {k}: {_yaml(v)}" for k, v in bot.items()]
        path = self.tmp / name
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        return path

    # -- running the CLI -------------------------------------------------------------------

    def env(self, **extra: str | None) -> dict[str, str | None]:
        """Every API and the TLS trust pointed at loopback (plus `extra`)."""
        assert self.site.ca_file is not None
        return {"GITHUB_TOKEN": TOKEN, "GITHUB_API_URL": self.github.api_url,
                "GITHUB_GRAPHQL_URL": self.github.graphql_url,
                "CURATORBOT_OEMBED_URL": self.oembed.url,
                "SSL_CERT_FILE": str(self.site.ca_file), "NO_COLOR": "1", **extra}

    def base_args(self) -> list[str]:
        args = ["--allow-private", "--state", str(self.state)]
        for name in SITE_NAMES:
            args += ["--resolve", f"{name}={SITE_HOST}"]
        # Any other name fails here and now instead of asking the system's DNS server.
        return [*args, "--resolve", "*=nxdomain"]

    def invoke(self, *args: str, env: Mapping[str, str | None] | None = None) -> Result:
        """The CLI in this thread (blocking): `update ARGS` with the loopback environment."""
        command = args[0]
        rest = list(args[1:])
        full = [command, *self.base_args(), *rest] if command == "update" else list(args)
        result = CliRunner().invoke(main, full, env={**self.env(), **(env or {})},
                                    catch_exceptions=False)
        return Result(result.exit_code, result.stdout, result.stderr)

    async def update(self, *args: str, env: Mapping[str, str | None] | None = None) -> Result:
        """`curatorbot update` (with the world's options) through CliRunner."""
        return await asyncio.to_thread(self.invoke, "update", *args, env=env)

    async def cli(self, *args: str) -> Result:
        """Any other command through CliRunner (no extra options)."""
        return await asyncio.to_thread(self.invoke, *args)

    def process_env(self, **extra: str | None) -> dict[str, str]:
        """The environment of a `python -m curatorbot` process: this one's without GITHUB_*,
        then `env(**extra)` (a None value leaves the variable out)."""
        env = {k: v for k, v in os.environ.items() if not k.startswith("GITHUB_")}
        env.update({k: v for k, v in self.env(**extra).items() if v is not None})
        env["PYTHONPATH"] = str(ROOT / "src")
        return env

    async def subprocess(self, *args: str) -> Result:
        """`python -m curatorbot update ...` as a real process."""
        command = [sys.executable, "-m", "curatorbot", "update", *self.base_args(), *args]
        done = await asyncio.to_thread(subprocess.run, command, capture_output=True,
                                       text=True, env=self.process_env(), timeout=120,
                                       cwd=self.tmp)
        return Result(done.returncode, done.stdout, done.stderr)

    async def spawn(self, *args: str, **env: str | None) -> asyncio.subprocess.Process:
        """`python -m curatorbot ARGS` started in the background (update gets the world's
        options), stdout and stderr piped; `env` as for `process_env`."""
        rest = [*self.base_args(), *args[1:]] if args[0] == "update" else list(args[1:])
        return await asyncio.create_subprocess_exec(
            sys.executable, "-m", "curatorbot", args[0], *rest, cwd=self.tmp,
            env=self.process_env(**env), stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE, preexec_fn=default_sigint)


def default_sigint() -> None:
    """`preexec_fn` for a child the test will send SIGINT: the default action, whatever the
    test runner's own (a shell starts background jobs with SIGINT ignored, and an ignored
    signal stays ignored across exec, so Python would never see the Ctrl-C)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def bots(path: Path) -> list[dict[str, Any]]:
    """The `bot:` mapping of every link of the YAML catalog at `path`, in catalog order."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [link.get("bot", {}) for section in data["sections"]
            for entry in section["entries"] for link in entry["links"]]


def _yaml(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    return f"'{value}'"


@asynccontextmanager
async def running_world(tmp: Path) -> AsyncIterator[World]:
    """Start every server; stop them all afterwards."""
    farm = LinkFarm()
    ports = await farm.start(FARM_HOSTS)
    site = await Website().start(SITE_HOST, SITE_NAMES, tmp)
    # github.com redirects renamed repositories, and branches renamed from master to main.
    site.moved.update({"/bob/tool": "/carol/tool-ng",
                       "/dave/books/tree/master": "/dave/books/tree/main"})
    try:
        async with serve_github(github_world(), GITHUB_HOST) as github, \
                serve_oembed(FakeOEmbed(), OEMBED_HOST) as oembed:
            yield World(tmp=tmp, farm=farm, farm_ports=ports, site=site, github=github,
                        oembed=oembed)
    finally:
        await site.stop()
        await farm.stop()


@pytest.fixture
async def world(tmp_path: Path) -> AsyncIterator[World]:
    """Every server of `running_world`, for one test."""
    async with running_world(tmp_path) as running:
        yield running
