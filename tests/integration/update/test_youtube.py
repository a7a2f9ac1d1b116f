"""YouTube through `curatorbot update`: a removed video's page still answers 200; oEmbed
answering 404 makes it dead."""

from __future__ import annotations

import datetime as dt
import json

import yaml

from tests.fakes.world import World


async def test_video_gone_from_oembed_is_dead_although_its_page_answers(world: World) -> None:
    world.oembed.statuses["goneVideo01"] = 404
    gone, alive = world.yt("goneVideo01"), world.yt("aliveVideo1")
    catalog = world.catalog([gone, alive, world.url("ok/1")], settings={"dead_after": 1})
    result = await world.update(str(catalog), "--format", "json")
    assert result.code == 2, result.output
    by_url = {r["url"]: r for r in json.loads(result.stdout)["results"]}
    assert by_url[gone]["status"] == "dead" and by_url[gone]["http_status"] == 200
    assert "youtube" in by_url[gone]["error"] and "404" in by_url[gone]["error"]
    assert by_url[gone]["confirmed_dead"] is True and by_url[gone]["strikes"] == 1
    assert by_url[alive]["status"] == "ok"
    # The pages themselves were asked (and answered 200) on the loopback "www.youtube.com".
    pages = [s for s in world.site.log if s.path_qs.startswith("/watch")]
    assert {(s.host, s.scheme) for s in pages} == {("www.youtube.com", "https")}
    assert world.oembed.hits == {"goneVideo01": 1, "aliveVideo1": 1}
    data = yaml.safe_load(catalog.read_text(encoding="utf-8"))
    bots = [e["links"][0].get("bot", {}) for e in data["sections"][0]["entries"]]
    assert bots[0]["dead_since"] == dt.date.today().isoformat()
    assert "dead_since" not in bots[1]
