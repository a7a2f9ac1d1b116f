"""IPv4 addresses written another way than the dotted quad (`2130706433`, `0177.0.0.1`,
`127.1`, `0x7f.1`): `lint` flags each at its line, `check` calls them `excluded` and asks
nothing, even with --allow-private (issue 10, "also"). One predicate decides for both:
`urls.noncanonical_ip`."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from curatorbot.http.guard import literal_ip_refused
from curatorbot.urls import ipv4_literal, noncanonical_ip
from tests.cli.refusal import invoke, sha256
from tests.fakes.linkfarm import LinkFarm

SPELLINGS = ["2130706433", "0177.0.0.1", "127.1", "0x7f.1", "0X7F.0.0.1", "127.0.0.1."]


def write(tmp_path: Path, urls: list[str]) -> Path:
    lines = ["version: 1", "title: T", "sections:", "  - id: s", "    title: S", "    entries:",
             "      - id: e", "        title: E", "        kind: website", "        links:"]
    lines += [f"          - url: '{url}'" for url in urls]
    path = tmp_path / "catalog.yaml"
    path.write_text("\n".join(lines) + "\n")
    return path


@pytest.fixture
async def server() -> AsyncIterator[tuple[LinkFarm, int]]:
    farm = LinkFarm()
    ports = await farm.start(["127.0.0.1"])
    yield farm, ports["127.0.0.1"]
    await farm.stop()


def test_lint_flags_each_spelling_at_its_line(tmp_path: Path) -> None:
    urls = [f"http://{host}/page" for host in SPELLINGS] + ["http://127.0.0.1/fine"]
    path = write(tmp_path, urls)
    before = sha256(path)
    result = invoke("lint", str(path))
    assert result.exit_code == 2, result.output
    flagged = [line for line in result.output.splitlines() if "non-canonical" in line]
    assert flagged == [
        f"{path}:{11 + i}: [non-canonical-ip] entry 'e': {url}: non-canonical IP address; "
        "write it as 127.0.0.1" for i, url in enumerate(urls[:-1])]
    assert sha256(path) == before


async def test_check_excludes_them_and_asks_nothing(tmp_path: Path,
                                                    server: tuple[LinkFarm, int]) -> None:
    farm, port = server
    hosts = ["2130706433", "0177.0.0.1", "127.1", "0x7f.1"]
    path = write(tmp_path, [f"http://{host}:{port}/ok/1" for host in hosts]
                 + [f"http://127.0.0.1:{port}/ok/2"])
    before = sha256(path)
    # --no-soft404: the farm's /ok/<anything> answers 200, so a probe and a GET of the
    # page would join the one request counted here (tests/cli/test_truth.py counts those).
    result = await asyncio.to_thread(invoke, "check", str(path), "--allow-private",
                                     "--format", "json", "--no-soft404")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    verdicts = {r["url"]: (r["status"], r["error"]) for r in report["results"]}
    for host in hosts:
        assert verdicts[f"http://{host}:{port}/ok/1"] == (
            "excluded", "non-canonical IP address; write it as 127.0.0.1")
    assert verdicts[f"http://127.0.0.1:{port}/ok/2"][0] == "ok"
    assert [p for _, _, p in farm.stats["127.0.0.1"].log] == ["/ok/2"]  # one request only
    assert sha256(path) == before


def test_one_reading_of_every_spelling() -> None:
    for host in SPELLINGS:
        assert str(ipv4_literal(host)) == "127.0.0.1", host
        assert noncanonical_ip(host) == "127.0.0.1", host
        # The private-address guard reads them as the address they mean (redirect hops).
        assert literal_ip_refused(host) == "loopback", host
    assert ipv4_literal("0xa9fea9fe") == ipv4_literal("169.254.169.254")
    for name in ("127.0.0.1", "example.org", "1.2.3.4.5", "256.1.1.1", "0x1g", "1_0", "+1",
                 "10.0.0.08", "cafe.be", "1" * 5000):
        assert noncanonical_ip(name) is None, name
