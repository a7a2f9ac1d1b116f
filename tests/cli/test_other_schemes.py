"""Catalog links that are not http(s) (`mailto:`, `ftp:`, `data:`) (issue 12, item 3): the
catalog loads, `lint` flags each at its line, `check` and `update` report them `excluded`
and ask, check and write nothing for them, while every other link is checked as usual.
(They used to make the whole catalog invalid: exit 3, no link checked.)"""

from __future__ import annotations

import json

from tests.cli.refusal import invoke, sha256
from tests.fakes.world import World

OTHERS = ["mailto:someone@example.org?utm_source=news", "ftp://ftp.example.org/pub/file.txt",
          "data:text/plain,hello"]


async def test_lint_flags_each_at_its_line(world: World) -> None:
    path = world.catalog([*OTHERS, world.url("ok/1")])
    before = sha256(path)
    result = invoke("lint", str(path))
    assert result.exit_code == 2, result.output
    lines = path.read_text().splitlines()
    flagged = [line for line in result.output.splitlines() if "[not-http]" in line]
    assert flagged == [
        f"{path}:{lines.index(f'          - url: {url!r}') + 1}: [not-http] entry 'e{i}': "
        f"{url} is not an http(s) URL; link a web page (http:// or https://) or remove it; "
        "check reports it excluded" for i, url in enumerate(OTHERS)]
    assert len(result.output.splitlines()) == len(OTHERS) + 1  # the summary line
    assert sha256(path) == before


async def test_check_excludes_them_and_checks_the_rest(world: World) -> None:
    ok, dead = world.url("ok/1"), world.url("status/404/1")
    path = world.catalog([*OTHERS, ok, dead])
    before = sha256(path)
    # --no-soft404: the requests counted below are the check's own (the farm answers 200
    # to a soft-404 probe of /ok/; tests/cli/test_truth.py counts the probe).
    result = await world.cli("check", str(path), "--allow-private", "--format", "json",
                             "--no-soft404")
    assert result.code == 2, result.output  # the dead link fails the run, nothing else
    verdicts = {r["url"]: (r["status"], r["error"]) for r in json.loads(result.stdout)["results"]}
    for url in OTHERS:
        assert verdicts[url] == ("excluded", "not an http(s) URL")
    assert verdicts[ok] == ("ok", None) and verdicts[dead][0] == "dead"
    assert sorted(p for _, _, p in world.farm.stats["127.0.0.2"].log) == [
        "/ok/1", "/status/404/1", "/status/404/1"]  # HEAD, then GET to confirm the 404
    assert sha256(path) == before


async def test_update_never_writes_to_them(world: World) -> None:
    moved = world.url("moved/1")
    path = world.catalog([*OTHERS, moved])
    text = path.read_text()
    result = await world.update(str(path), "--format", "json")
    assert result.code == 0, result.output
    results = {r["url"]: r["status"] for r in json.loads(result.stdout)["results"]}
    assert [results[url] for url in OTHERS] == ["excluded"] * 3
    # The redirect is applied (with the page's title); everything before it, the three
    # other links' entries, is byte for byte as it was: the mailto link keeps its tracking
    # parameter (cleaning it would be a write to a link that is not checked), no bot: key.
    after = path.read_text()
    assert f"url: '{world.url('ok/1')}'" in after and moved not in after
    assert after.startswith(text[:text.index(moved)])
