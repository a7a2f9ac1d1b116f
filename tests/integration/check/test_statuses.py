"""One test per behaviour of the checker against real loopback servers: status, final URL,
hops and attempts."""

from __future__ import annotations

from curatorbot.results import Hop, Status
from tests.integration.check.conftest import Farm, check, check_one


async def test_ok_page_is_ok_in_one_head(farm: Farm) -> None:
    url = farm.url("ok/1")
    result = await check_one(url)
    assert (result.status, result.http_status, result.final_url) == (Status.OK, 200, url)
    assert result.redirects == () and result.attempts == 1 and result.error is None
    assert [m for _, m, _ in farm.stats().log] == ["HEAD"]


async def test_404_and_410_are_dead_confirmed_with_get(farm: Farm) -> None:
    results = await check([farm.url("status/404/a"), farm.url("status/410/a")])
    for code in (404, 410):
        result = results[farm.url(f"status/{code}/a")]
        assert result.status is Status.DEAD and result.http_status == code
        assert result.attempts == 2  # HEAD, then GET to confirm
    assert sorted(m for _, m, _ in farm.stats().log) == ["GET", "GET", "HEAD", "HEAD"]


async def test_permanent_redirects_are_redirect_with_every_hop(farm: Farm) -> None:
    for path, code in (("moved/p", 301), ("perm308/p", 308)):
        url = farm.url(path)
        result = await check_one(url)
        assert result.status is Status.REDIRECT and result.permanent
        assert result.final_url == farm.url("ok/p") == result.moved_to
        assert result.redirects == (Hop(url, code),) and result.attempts == 2


async def test_temporary_redirects_are_ok_with_the_hop_recorded(farm: Farm) -> None:
    for path, code in (("found/t", 302), ("see303/t", 303), ("temp307/t", 307)):
        url = farm.url(path)
        result = await check_one(url)
        assert result.status is Status.OK and not result.permanent
        assert result.final_url == farm.url("ok/t") and result.moved_to is None
        assert result.redirects == (Hop(url, code),)


async def test_three_hop_chain_is_followed_hop_by_hop(farm: Farm) -> None:
    url = farm.url("chain/c")
    result = await check_one(url)
    assert result.status is Status.REDIRECT
    assert result.redirects == (Hop(url, 301), Hop(farm.url("chain2/c"), 302),
                                Hop(farm.url("chain3/c"), 301))
    assert result.final_url == farm.url("ok/c")
    assert result.moved_to == farm.url("chain2/c")  # only the leading permanent hop
    assert result.attempts == 4


async def test_relative_location_is_resolved(farm: Farm) -> None:
    result = await check_one(farm.url("relative/r"))
    assert result.final_url == farm.url("ok/r") and result.status is Status.REDIRECT


async def test_permanent_redirect_into_404_is_dead(farm: Farm) -> None:
    url = farm.url("movedgone/g")
    result = await check_one(url)
    assert result.status is Status.DEAD and result.http_status == 404
    assert result.redirects == (Hop(url, 301),)
    assert result.final_url == farm.url("status/404/g")


async def test_redirect_loop_is_detected_as_error(farm: Farm) -> None:
    url = farm.url("loop/l")
    result = await check_one(url)
    assert result.status is Status.ERROR and result.failure == "loop"
    # /loop2 sends us back to /loop with no new cookie: a loop, known without asking again.
    assert [h.url for h in result.redirects] == [url, farm.url("loop2/l")]
    assert result.attempts == 2 and farm.stats().requests == 2


async def test_redirect_back_after_a_cookie_is_followed(farm: Farm) -> None:
    url = farm.url("cookie/c")
    result = await check_one(url)
    # The first answer sets a cookie and redirects to the same URL, which then answers 200.
    assert result.status is Status.OK and result.http_status == 200
    assert result.redirects == (Hop(url, 302),) and result.final_url == url
    assert result.attempts == 2


async def test_more_than_ten_redirects_is_error(farm: Farm) -> None:
    result = await check_one(farm.url("many/0/m"))
    assert result.status is Status.ERROR and result.failure == "too-many-redirects"
    assert len(result.redirects) == 11
    assert farm.stats().requests == 11


async def test_redirect_to_another_host_uses_that_host(farm: Farm) -> None:
    target = farm.url("ok/x", host=1)
    url = farm.url(f"to?url={target}")
    result = await check_one(url)
    assert result.status is Status.OK and result.final_url == target
    assert farm.stats(0).requests == 1 and farm.stats(1).requests == 1


async def test_head_rejected_falls_back_to_get(farm: Farm) -> None:
    url = farm.url("head405/h")
    result = await check_one(url)
    assert result.status is Status.OK and result.attempts == 2 and result.http_status == 200
    assert [m for _, m, _ in farm.stats().log] == ["HEAD", "GET"]


async def test_huge_body_is_not_downloaded(farm: Farm) -> None:
    result = await check_one(farm.url("big/b"))
    assert result.status is Status.OK and result.http_status == 200
    # The server had 2 GB to send; only what fits in socket buffers left it.
    assert farm.stats().big_bytes_sent < 64 * 1024 * 1024


async def test_transient_500_is_retried(farm: Farm) -> None:
    result = await check_one(farm.url("flaky/f"))
    assert result.status is Status.OK and result.attempts == 2


async def test_persistent_500_is_error_after_every_retry(farm: Farm) -> None:
    result = await check_one(farm.url("status/500/e"), retries=3)
    assert result.status is Status.ERROR and result.http_status == 500
    assert result.attempts == 4 and farm.stats().requests == 4


async def test_persistent_503_is_error_not_blocked(farm: Farm) -> None:
    result = await check_one(farm.url("status/503/s"))
    # HEAD's 503 is asked again with GET at once (its body may show a bot wall); the GET
    # then gets its two retries. No bot-wall sign: an outage that persists, not a refusal
    # of robots (which would hide it as "cannot be verified").
    assert result.status is Status.ERROR and result.attempts == 4
    assert result.error == "HTTP 503 Service Unavailable"
    assert [method for _, method, _ in farm.stats().log] == ["HEAD", "GET", "GET", "GET"]


async def test_head_503_is_asked_with_get_even_without_retries(farm: Farm) -> None:
    result = await check_one(farm.url("captcha/n"), retries=0)
    # Changing the method is not a retry: the GET's body shows Amazon's captcha.
    assert result.status is Status.BLOCKED and result.attempts == 2
    assert "bot wall" in (result.error or "")


async def test_no_retries_means_one_attempt(farm: Farm) -> None:
    result = await check_one(farm.url("flaky/n"), retries=0)
    assert result.status is Status.ERROR and result.attempts == 1


async def test_bot_walls_are_blocked_without_retries(farm: Farm) -> None:
    urls = {"botwall/w": 403, "captcha/w": 503, "linkedin/w": 999, "status/403/w": 403}
    results = await check([farm.url(p) for p in urls])
    for path, code in urls.items():
        result = results[farm.url(path)]
        assert result.status is Status.BLOCKED, path
        assert result.http_status == code
    # HEAD's 503 is asked again with GET, whose body shows the captcha: no more retries.
    assert results[farm.url("captcha/w")].attempts == 2
    # HEAD's 403 already carries cf-mitigated: no GET. A bare 403 is asked again with GET.
    assert results[farm.url("botwall/w")].attempts == 1
    assert results[farm.url("status/403/w")].attempts == 2
    assert "cf-mitigated" in (results[farm.url("botwall/w")].error or "")


async def test_slow_answer_is_timeout_after_retries(farm: Farm) -> None:
    url = farm.url("slow/s?s=5")
    result = await check_one(url, timeout=0.3, retries=1)
    assert result.status is Status.TIMEOUT and result.attempts == 2
    assert result.final_url == url and result.http_status is None


async def test_reset_connection_is_error_after_retries(farm: Farm) -> None:
    result = await check_one(farm.url("reset/r"), retries=1)
    assert result.status is Status.ERROR and result.failure == "reset"
    assert result.attempts == 2


async def test_accept_codes_and_exclude_include(farm: Farm) -> None:
    result = await check_one(farm.url("status/404/acc"), accept="200..299,404")
    assert result.status is Status.OK and result.attempts == 1


async def test_user_agent_names_curatorbot_by_default_and_can_be_set(farm: Farm) -> None:
    await check_one(farm.url("ok/ua"))
    (agent,) = farm.farm.user_agents
    assert agent.startswith("curatorbot/") and "+https://" in agent
    farm.farm.user_agents.clear()
    await check_one(farm.url("ok/ua2"), user_agent="my-bot/1.0")
    assert farm.farm.user_agents == {"my-bot/1.0"}


async def test_titles_mode_reads_the_title_with_get(farm: Farm) -> None:
    from curatorbot.check import check_urls
    from tests.integration.check.conftest import settings

    url = farm.url("ok/Hello")
    results = [r async for r in check_urls([url], settings(), titles=True)]
    assert results[0].title == "Page Hello" and results[0].status is Status.OK
    assert [m for _, m, _ in farm.stats().log] == ["GET"]
