"""Redirects through `curatorbot update`: which replace the catalog URL, which are held."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import quote

import yaml

from curatorbot.plan import ChangeKind, load_plan
from tests.fakes.world import SITE_HOST, World


def urls_of(path: Path) -> list[str]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [link["url"] for section in data["sections"] for entry in section["entries"]
            for link in entry["links"]]


async def test_permanent_redirects_replace_the_url_temporary_ones_do_not(world: World) -> None:
    links = [world.url("moved/a"), world.url("perm308/b"), world.url("found/c"),
             world.url("temp307/d"), world.url("ok/e")]
    catalog = world.catalog(links)
    result = await world.update(str(catalog))
    assert result.code == 0, result.output
    assert urls_of(catalog) == [world.url("ok/a"), world.url("ok/b"), *links[2:]]
    assert "[redirect] e0 url:" in result.stderr and "[redirect] e1 url:" in result.stderr
    assert "e2 url" not in result.stderr and "e3 url" not in result.stderr


async def test_only_the_leading_permanent_hops_are_followed(world: World) -> None:
    # /chain: 301 -> /chain2 -302-> /chain3 -301-> /ok: the page moved to /chain2 for good;
    # /chain3 and /ok are only where /chain2 sends visitors today.
    # /to: 302 -> /moved -301-> /ok: the catalog URL itself did not move.
    temp_first = world.url("to?url=" + quote(world.url("moved/t"), safe=""))
    catalog = world.catalog([world.url("chain/c"), temp_first])
    result = await world.update(str(catalog))
    assert result.code == 0, result.output
    assert urls_of(catalog) == [world.url("chain2/c"), temp_first]


async def test_http_to_https_counts_as_permanent_even_as_a_302(world: World) -> None:
    world.site.https_upgrade = 302
    page = f"http://github.com:{world.site.http_port}/features/actions"
    catalog = world.catalog([page])
    result = await world.update(str(catalog))
    assert result.code == 0, result.output
    assert urls_of(catalog) == [world.gh("features/actions")]


async def test_redirects_to_a_home_page_or_a_login_page_are_held(world: World) -> None:
    home = world.url("moveto/h?url=" + quote(world.gh("/"), safe=""))
    login = world.url("moveto/l?url=" + quote(world.gh("login?return_to=/x"), safe=""))
    moved = world.url("moved/m")
    catalog = world.catalog([home, login, moved])
    plan = world.tmp / "plan.json"
    result = await world.update(str(catalog), "--plan-out", str(plan))
    assert result.code == 0, result.output
    assert urls_of(catalog) == [home, login, world.url("ok/m")]
    raw = {(c["entry_id"], c["field"]): c for c in json.loads(plan.read_text("utf-8"))}
    assert raw["e0", "url"]["kind"] == raw["e1", "url"]["kind"] == "held"
    assert raw["e0", "url"]["path"] == []  # held: addresses nothing in the catalog
    changes = {(c.entry_id, c.field): c for c in load_plan(plan.read_text(encoding="utf-8"))}
    held_home, held_login = changes["e0", "url"], changes["e1", "url"]
    assert held_home.kind is ChangeKind.HELD and held_home.new == world.gh("/")
    assert "home page" in held_home.evidence.note and not held_home.applies
    assert held_login.kind is ChangeKind.HELD and "login" in held_login.evidence.note
    assert changes["e2", "url"].kind is ChangeKind.REDIRECT
    assert "[held] e0 url:" in result.stderr and "[held] e1 url:" in result.stderr
    assert "2 held for review" in result.stderr


async def test_a_redirect_into_a_parking_service_is_held_and_the_link_is_parked(
        world: World) -> None:
    lander = f"http://sedoparking.com:{world.site.http_port}/lander"
    parked = world.url("moveto/p?url=" + quote(lander, safe=""))
    catalog = world.catalog([parked, world.url("moved/m")])
    plan = world.tmp / "plan.json"
    result = await world.update(str(catalog), "--plan-out", str(plan),
                                "--resolve", f"sedoparking.com={SITE_HOST}")
    assert urls_of(catalog) == [parked, world.url("ok/m")]
    changes = {(c.entry_id, c.field): c for c in load_plan(plan.read_text(encoding="utf-8"))}
    held = changes["e0", "url"]
    assert held.kind is ChangeKind.HELD and held.new == lander and not held.applies
    assert "parking" in held.evidence.note and "Sedo" in held.evidence.note
    assert "[held] e0 url:" in result.stderr
