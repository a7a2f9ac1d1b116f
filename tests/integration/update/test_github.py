"""GitHub metadata through `curatorbot update`: renames, branches, archived, stars, pushed."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from curatorbot.plan import ChangeKind, load_plan
from tests.fakes.world import TOKEN, World


def links_of(path: Path) -> list[dict[str, Any]]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [link for section in data["sections"] for entry in section["entries"]
            for link in entry["links"]]


async def test_renamed_repository_and_master_branch_get_new_urls(world: World) -> None:
    renamed = world.gh("bob/tool/blob/main/README.md#usage")
    master = world.gh("dave/books/tree/master/notebooks/book1")
    keeps = world.gh("erin/keeps-master/tree/master/docs")
    catalog = world.catalog([renamed, master, keeps])
    plan = world.tmp / "plan.json"
    result = await world.update(str(catalog), "--plan-out", str(plan))
    assert result.code == 0, result.output
    links = links_of(catalog)
    assert links[0]["url"] == world.gh("carol/tool-ng/blob/main/README.md#usage")
    assert links[0]["bot"]["repo"] == "carol/tool-ng"
    assert links[1]["url"] == world.gh("dave/books/tree/main/notebooks/book1")
    assert links[2]["url"] == keeps  # master still exists there: nothing to move
    kinds = {(c.entry_id, c.field): c for c in load_plan(plan.read_text(encoding="utf-8"))}
    assert kinds["e0", "url"].kind is ChangeKind.RENAMED
    assert "bob/tool is now carol/tool-ng" in kinds["e0", "url"].evidence.note
    assert kinds["e1", "url"].kind is ChangeKind.RENAMED
    assert "branch master no longer exists" in kinds["e1", "url"].evidence.note
    assert ("e2", "url") not in kinds
    assert world.github.requests["graphql"] >= 1 and world.github.requests["rest"] == 0


async def test_archived_repository_is_marked(world: World) -> None:
    catalog = world.catalog([world.gh("frank/old-lib")])
    plan = world.tmp / "plan.json"
    result = await world.update(str(catalog), "--plan-out", str(plan))
    assert result.code == 0, result.output
    (link,) = links_of(catalog)
    assert link["bot"]["archived"] is True
    (archived,) = [c for c in load_plan(plan.read_text(encoding="utf-8"))
                   if c.field == "archived"]
    assert archived.kind is ChangeKind.ARCHIVED and archived.new is True
    assert "frank/old-lib is archived" in archived.evidence.note
    assert "[archived] e0 archived: None -> True" in result.stderr


async def test_stars_and_pushed_are_written_first_then_only_on_meaningful_change(
        world: World) -> None:
    alice = world.github.lookup("alice", "tool")
    carol = world.github.lookup("carol", "tool-ng")
    assert alice is not None and carol is not None
    catalog = world.catalog([world.gh("alice/tool"), world.gh("carol/tool-ng")],
                            settings={"stars_change_pct": 10, "stars_change_abs": 5})

    async def bots() -> list[dict[str, Any]]:
        result = await world.update(str(catalog))
        assert result.code == 0, result.output
        return [link["bot"] for link in links_of(catalog)]

    first = await bots()
    assert (first[0]["stars"], first[1]["stars"]) == (100, 7)  # no count yet: written
    assert first[0]["pushed"] == "2024-05-01" and first[0]["license"] == "Apache-2.0"
    assert first[0]["repo"] == "alice/tool"
    assert first[0]["checked"] == dt.date.today().isoformat()

    # Below the thresholds: 9 stars is 9% (< 10%); 3 stars is 43% but fewer than 5 stars.
    alice.stars, carol.stars = 109, 10
    alice.pushed_at = "2024-05-20T00:00:00Z"  # 19 days later: not worth a diff
    before = catalog.read_bytes()
    second = await bots()
    assert (second[0]["stars"], second[1]["stars"]) == (100, 7)
    assert second[0]["pushed"] == "2024-05-01"
    assert catalog.read_bytes() == before

    # At the thresholds: 10 stars is 10%; 5 stars is 5 stars (and 71%).
    alice.stars, carol.stars = 110, 12
    alice.pushed_at = "2024-07-01T00:00:00Z"
    third = await bots()
    assert (third[0]["stars"], third[1]["stars"]) == (110, 12)
    assert third[0]["pushed"] == "2024-07-01"


async def test_without_a_token_rest_with_etags_makes_the_second_run_cost_nothing(
        world: World) -> None:
    catalog = world.catalog([world.gh("alice/tool"), world.gh("bob/tool"),
                             world.gh("dave/books/tree/master/x")])
    no_token = {"GITHUB_TOKEN": None}
    first = await world.update(str(catalog), env=no_token)
    assert first.code == 0, first.output
    assert world.github.requests["graphql"] == 0 and world.github.requests["rest"] > 0
    links = links_of(catalog)
    assert links[0]["bot"]["stars"] == 100
    assert links[1]["url"] == world.gh("carol/tool-ng")
    assert links[2]["url"] == world.gh("dave/books/tree/main/x")
    before = catalog.read_bytes()

    second = await world.update(str(catalog), env=no_token)
    assert second.code == 0, second.output
    assert catalog.read_bytes() == before  # nothing left to change
    # From now on every answer comes back as 304 Not Modified (the second run still asked
    # for carol/tool-ng by its new name once): none uses the 60/hour limit.
    used = world.github.rest_limit - world.github.rest_remaining
    not_modified = world.github.requests["rest_304"]
    third = await world.update(str(catalog), env=no_token)
    assert third.code == 0, third.output
    assert world.github.requests["rest_304"] - not_modified == 3
    assert world.github.rest_limit - world.github.rest_remaining == used
    assert {a for _, a in world.github.auth_seen} == {None}


async def test_without_graphql_url_graphql_goes_to_github_api_url_and_nowhere_else(
        world: World) -> None:
    # GitHub Enterprise sets GITHUB_API_URL only: its token must not go to github.com.
    catalog = world.catalog([world.gh("alice/tool"), world.gh("bob/tool")])
    result = await world.update(str(catalog), env={"GITHUB_GRAPHQL_URL": None})
    assert result.code == 0, result.output
    assert world.github.requests["graphql"] >= 1 and world.github.requests["rest"] == 0
    assert links_of(catalog)[0]["bot"]["stars"] == 100  # the answer came from the fake
    assert {a for _, a in world.github.auth_seen} == {f"Bearer {TOKEN}"}
    # The other host (github.com's pages, 127.0.0.4) was asked, never with the token.
    assert world.site.log and all(s.authorization is None for s in world.site.log)
    assert "secret" not in result.output


@pytest.mark.parametrize("body", [
    "<html><body>" + "<p>gateway says no</p>" * 50 + "</body></html>",
    '{"data": ["gateway says no"]}',
], ids=["html-with-200", "data-not-an-object"])
async def test_an_unusable_github_answer_is_a_note_and_the_catalog_keeps_its_data(
        body: str, world: World) -> None:
    # Titles as the pages give them: the only change a good answer brings is stars 42 -> 100.
    catalog = world.catalog([(world.gh("alice/tool"), {"stars": 42, "repo": "alice/tool",
                                                       "title": "github.com/alice/tool"}),
                             (world.url("ok/1"), {"title": "Page 1"})])
    before = hashlib.sha256(catalog.read_bytes()).hexdigest()
    world.github.script_body(body, times=20)
    result = await world.update(str(catalog), "--format", "json")
    assert result.code == 0, result.output
    assert "Traceback" not in result.output and TOKEN not in result.output
    notes = [line for line in result.stderr.splitlines() if "GraphQL" in line]
    assert len(notes) == 1 and "unusable answer" in notes[0], result.stderr
    assert "gateway says no" not in result.output
    report = json.loads(result.stdout)
    assert report["summary"]["ok"] == 2  # the links themselves were still checked
    assert hashlib.sha256(catalog.read_bytes()).hexdigest() == before
    assert links_of(catalog)[0]["bot"]["stars"] == 42
    world.github.script.clear()
    good = await world.update(str(catalog))  # the same run with GitHub answering properly
    assert good.code == 0, good.output
    assert links_of(catalog)[0]["bot"]["stars"] == 100


@pytest.mark.parametrize("variable", ["GITHUB_API_URL", "GITHUB_GRAPHQL_URL"])
async def test_an_unusable_github_endpoint_is_exit_3_before_any_request(
        variable: str, world: World) -> None:
    catalog = world.catalog([world.gh("alice/tool"), world.url("ok/1")])
    before = hashlib.sha256(catalog.read_bytes()).hexdigest()
    result = await world.update(str(catalog), env={variable: "file:///etc/passwd"})
    assert result.code == 3, result.output
    assert result.stderr.splitlines() == [
        f"curatorbot: error: {variable} must be an http(s) URL, not 'file:///etc/passwd'"]
    assert world.github.requests.total() == 0 and world.site.log == []
    assert hashlib.sha256(catalog.read_bytes()).hexdigest() == before
