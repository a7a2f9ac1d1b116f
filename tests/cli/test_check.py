"""`curatorbot check` through the real CLI: every --format, exit codes, JSON contract,
GitHub annotations and step summary, a 5,000-link catalog, Ctrl-C."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import jsonschema
from click.testing import CliRunner

from curatorbot.cli import main
from tests.fakes.linkfarm import LinkFarm
from tests.fakes.world import default_sigint

SCHEMA = json.loads((Path(__file__).parent.parent / "contracts" /
                     "check-report.schema.json").read_text())
ROOT = Path(__file__).resolve().parent.parent.parent


def catalog(tmp_path: Path, links: list[list[str]], settings: str = "") -> Path:
    """A catalog with one entry per item of `links` (each a list of URLs)."""
    lines = ["version: 1", "title: T", *([settings] if settings else []), "sections:",
             "  - id: s", "    title: S", "    entries:"]
    for i, urls in enumerate(links):
        lines += [f"      - id: e{i}", f"        title: E{i}", "        kind: website",
                  "        links:"]
        lines += [f"          - url: '{u}'" for u in urls]
    path = tmp_path / "catalog.yaml"
    path.write_text("\n".join(lines) + "\n")
    return path


def line_of(path: Path, url: str) -> int:
    return next(i for i, line in enumerate(path.read_text().splitlines(), 1) if url in line)


def run(*args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["check", "--allow-private", "--retries", "0",
                                       *args], env=env, catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


async def arun(*args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    """`run` in a thread: the CLI runs its own event loop, the farm runs in the test's."""
    return await asyncio.to_thread(run, *args, env=env)


async def test_clean_catalog_exits_0_text(site: str, tmp_path: Path) -> None:
    path = catalog(tmp_path, [[f"{site}/ok/1"], [f"{site}/moved/2"]])
    code, out, _ = await arun(str(path))
    assert code == 0
    assert "checked 2 distinct URLs" in out and "1 ok, 1 redirect" in out and "0 failing" in out


async def test_failing_links_exit_2_with_a_table_naming_entry_and_line(site: str,
                                                                     tmp_path: Path) -> None:
    dead = f"{site}/status/404/x"
    path = catalog(tmp_path, [[f"{site}/ok/1"], [dead]])
    code, out, err = await arun(str(path))
    assert code == 2
    row = next(line for line in out.splitlines() if dead in line)
    assert f"line {line_of(path, dead)}" in row and "dead" in row and "e1" in row
    assert "1 failing" in out
    assert "dead" in err  # the plain progress line for the failing link


async def test_json_output_follows_the_contract(site: str, tmp_path: Path) -> None:
    ok, moved = f"{site}/ok/1", f"{site}/moved/1"
    path = catalog(tmp_path, [[ok, moved], [ok], ["http://nothing.invalid/x"]],
                   settings="settings:\n  exclude: ['nothing\\.invalid']")
    code, out, _ = await arun(str(path), "--format", "json")
    data = json.loads(out)
    jsonschema.validate(data, SCHEMA)
    assert code == 0
    assert data["summary"]["total"] == 3 and data["summary"]["excluded"] == 1
    by_url = {r["url"]: r for r in data["results"]}
    assert by_url[ok]["entry"] == "e0" and by_url[ok]["line"] == line_of(path, ok)
    assert [u["entry"] for u in by_url[ok]["used_in"]] == ["e0", "e1"]
    assert "used_in" not in by_url[moved]
    assert by_url[moved]["status"] == "redirect"
    assert by_url[moved]["redirects"] == [{"url": moved, "http_status": 301}]


async def test_markdown_output(site: str, tmp_path: Path) -> None:
    dead = f"{site}/status/410/m"
    path = catalog(tmp_path, [[dead], [f"{site}/ok/1"]])
    code, out, _ = await arun(str(path), "--format", "markdown")
    assert code == 2
    assert out.startswith("## Link check")
    assert "| dead | 1 |" in out and f"<{dead}>" in out
    assert f"| {line_of(path, dead)} | e0 | dead |" in out


async def test_github_annotations_and_step_summary(site: str, tmp_path: Path) -> None:
    dead, blocked = f"{site}/status/404/g", f"{site}/botwall/g"
    path = catalog(tmp_path, [[dead], [blocked]])
    summary = tmp_path / "summary.md"
    summary.write_text("# earlier step\n")
    code, out, _ = await arun(str(path), "--format", "github",
                       env={"GITHUB_STEP_SUMMARY": str(summary)})
    assert code == 2
    assert f"::error file={path},line={line_of(path, dead)},title=dead link in e0::" in out
    assert f"::warning file={path},line={line_of(path, blocked)}," in out
    text = summary.read_text()
    assert text.startswith("# earlier step\n") and "## Link check" in text
    assert "| dead | 1 |" in text


async def test_output_file(site: str, tmp_path: Path) -> None:
    path = catalog(tmp_path, [[f"{site}/ok/1"]])
    report = tmp_path / "out" / "report.json"
    report.parent.mkdir()
    code, out, _ = await arun(str(path), "--format", "json", "--output", str(report))
    assert code == 0 and out == ""
    jsonschema.validate(json.loads(report.read_text()), SCHEMA)


async def test_flags_override_catalog_settings(site: str, tmp_path: Path) -> None:
    dead = f"{site}/status/404/a"
    path = catalog(tmp_path, [[dead]], settings="settings:\n  accept: '200..299,404'")
    assert (await arun(str(path)))[0] == 0  # the catalog accepts 404
    assert (await arun(str(path), "--accept", "200..299"))[0] == 2  # the flag wins
    assert (await arun(str(path), "--exclude", "status/404"))[0] == 0
    assert (await arun(str(path), "--accept", "200..299", "--include", "nomatch"))[0] == 0


def test_bad_arguments_exit_3(tmp_path: Path) -> None:
    path = catalog(tmp_path, [["http://127.0.0.2:9/x"]])
    for args in (["--accept", "abc"], ["--exclude", "("], ["--per-host", "0"],
                 ["--resolve", "nonsense"]):
        code, _, err = run(str(path), *args)
        assert code == 3, args
    code, _, err = run(str(tmp_path / "missing.yaml"))
    assert code == 3 and "no such file" in err


def test_invalid_catalog_exits_3_with_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "catalog.yaml"
    path.write_text("version: 1\nsections:\n  - id: s\n    title: S\n    entries:\n"
                    "      - id: e\n        title: E\n        kind: website\n"
                    "        links:\n          - url: 'x/page'\n")
    code, _, err = run(str(path))
    assert code == 3 and f"{path}:10" in err


def test_no_network_exits_5_and_classifies_nothing_dead(tmp_path: Path) -> None:
    urls = [[f"http://site{i}.invalid/page"] for i in range(4)]
    path = catalog(tmp_path, urls)
    code, out, err = run(str(path), "--format", "json", "--resolve", "only.test=127.0.0.2",
                         "--resolve", "*=servfail")  # a broken resolver
    assert code == 5
    assert "no network" in err
    data = json.loads(out)
    assert data["summary"]["network_down"] is True and data["summary"]["dead"] == 0
    assert {r["failure"] for r in data["results"]} == {"no-network"}


async def test_resolve_maps_names_and_private_guard_applies(site: str, tmp_path: Path) -> None:
    port = site.rsplit(":", 1)[1]
    url = f"http://docs.test:{port}/ok/1"
    path = catalog(tmp_path, [[url]])
    code, out, _ = await arun(str(path), "--format", "json", "--resolve", "*.test=127.0.0.2")
    assert code == 0 and json.loads(out)["results"][0]["status"] == "ok"
    result = await asyncio.to_thread(CliRunner().invoke, main, [
        "check", str(path), "--format", "json", "--resolve", "*.test=127.0.0.2"])
    assert json.loads(result.stdout)["results"][0]["status"] == "excluded"


async def test_five_thousand_links(tmp_path: Path) -> None:
    farm = LinkFarm(keep_log=False)
    hosts = ["127.0.0.2", "127.0.0.3", "127.0.0.4", "127.0.0.5"]
    ports = await farm.start(hosts)
    kinds = {"ok": "ok", "status/404": "dead", "moved": "redirect", "found": "ok",
             "status/410": "dead"}
    expected: dict[str, str] = {}
    links = []
    for n in range(5000):
        host = hosts[n % 4]
        kind = list(kinds)[(n // 4) % len(kinds)]
        url = f"http://{host}:{ports[host]}/{kind}/{n}"
        expected[url] = kinds[kind]
        links.append(url)
    path = catalog(tmp_path, [links[i:i + 10] for i in range(0, 5000, 10)])
    try:
        code, out, _ = await arun(str(path), "--format", "json", "--concurrency", "64",
                           "--per-host", "16")
    finally:
        await farm.stop()
    data = json.loads(out)
    assert code == 2
    assert data["summary"]["total"] == 5000
    assert {r["url"]: r["status"] for r in data["results"]} == expected
    assert farm.max_in_flight() <= 16


def test_ctrl_c_stops_cleanly_and_prints_what_was_checked(tmp_path: Path) -> None:
    farm_proc = subprocess.Popen(
        [sys.executable, "-m", "tests.fakes.linkfarm", "--hosts", "1", "--port", "18611",
         "--latency", "0", "--control", "18610"], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        assert farm_proc.stdout is not None and "ready" in farm_proc.stdout.readline()
        base = "http://127.0.0.2:18611"
        path = catalog(tmp_path, [[f"{base}/ok/{i}" for i in range(3)],
                                  [f"{base}/slow/{i}?s=60" for i in range(3)]])
        env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
        proc = subprocess.Popen(
            [sys.executable, "-m", "curatorbot", "check", str(path), "--format", "json",
             "--allow-private", "--timeout", "60", "--quiet"],
            cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            preexec_fn=default_sigint)
        time.sleep(2.5)  # the ok links are done, the slow ones hang
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=20)
    finally:
        farm_proc.terminate()
        farm_proc.wait(10)
    assert proc.returncode == 130, err
    assert "interrupted" in err and "Traceback" not in err
    data = json.loads(out)
    assert data["summary"]["interrupted"] is True
    statuses = {r["url"]: r["status"] for r in data["results"]}
    assert all(statuses[f"{base}/ok/{i}"] == "ok" for i in range(3))
    assert not any("/slow/" in url for url in statuses)
