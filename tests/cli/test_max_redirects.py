"""`--max-redirects N` and the `max_redirects` setting (issue 12, item 3; lychee's
test_max_redirects): at most N hops are followed, one more is an `error`; the flag wins
over the catalog's setting, and both are checked like every numeric setting."""

from __future__ import annotations

import json

from tests.fakes.world import World


async def test_the_setting_and_the_flag_bound_the_hops(world: World) -> None:
    endless, chain = world.url("many/0/m"), world.url("chain/c")  # chain: 3 hops to /ok/c
    path = world.catalog([endless, chain], settings={"max_redirects": 3})

    async def verdicts(*flags: str) -> dict[str, tuple[str, str | None, int]]:
        result = await world.cli("check", str(path), "--allow-private", "--format", "json",
                                 *flags)
        assert result.code == 2, result.output  # the endless chain is an error
        return {r["url"]: (r["status"], r["error"], len(r["redirects"]))
                for r in json.loads(result.stdout)["results"]}

    assert await verdicts() == {endless: ("error", "more than 3 redirects", 4),
                                chain: ("redirect", None, 3)}
    assert await verdicts("--max-redirects", "2") == {
        endless: ("error", "more than 2 redirects", 3),
        chain: ("error", "more than 2 redirects", 3)}
    found = await verdicts("--max-redirects", "20")
    assert found[endless] == ("error", "more than 20 redirects", 21)
