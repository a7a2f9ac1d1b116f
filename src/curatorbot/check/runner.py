"""One URL, checked: the redirect walk and the HEAD/GET policy (no scheduling).

    check_url: hop by hop (loops, cookies, permanent moves, private targets refused),
               each hop asked with HEAD, then GET when HEAD is refused, malformed or dead,
               with the one retry policy; every request through the run's `HttpClient`;
               an accepted answer is then asked `check.truth` whether it is really there
               (a parking page, a soft 404: `dead`)

`Runner.check_url(url, rest)` returns the URL's `LinkResult` (status per the contract in
design.md). `rest(seconds)` is how the URL waits without making a request (a retry's
backoff, its host's turn): the pipeline (`check.pipeline`) lends its slot to another URL
meanwhile.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Mapping
from urllib.parse import urljoin, urlsplit

from curatorbot.check.classify import (
    DEAD_CODES,
    HEAD_REJECTED_CODES,
    PERMANENT_CODES,
    REDIRECT_CODES,
    Answer,
    Failure,
    Kind,
    Outcome,
    bot_sign,
    classify_answer,
    classify_failure,
    network_text,
)
from curatorbot.check.truth import Page, ProbeCache, Truth
from curatorbot.http.client import HttpClient, Reply
from curatorbot.http.guard import literal_ip_refused
from curatorbot.http.headers import parse_retry_after
from curatorbot.http.hosts import Sleep
from curatorbot.metadata.html import extract_title
from curatorbot.results import Hop, LinkResult, Status
from curatorbot.settings import Settings
from curatorbot.urls import host_key

TITLE_CAP = 64 * 1024          # bytes of an HTML page read to find its <title>
SNIFF_CAP = 16 * 1024          # bytes of a refusal read to look for bot-wall signs

Progress = Callable[[LinkResult], None]


class Runner:
    """Checks one URL at a time through `client`; `titles` asks for pages with GET and
    records their <title> instead of asking with HEAD."""

    def __init__(self, settings: Settings, client: HttpClient, titles: bool = False,
                 probes: ProbeCache | None = None) -> None:
        self.settings = settings
        self.client = client
        self.hosts = client.hosts
        self.titles = titles
        self.truth = Truth(settings, client, probes)

    # -- one URL -----------------------------------------------------------------------
    async def check_url(self, url: str, rest: Sleep = asyncio.sleep) -> LinkResult:
        """Follow `url` hop by hop and classify where it ends (no scheduling, no precheck);
        `rest(seconds)` waits between attempts and for a host's turn."""
        started = time.monotonic()
        hops: list[Hop] = []
        # Each URL asked in this chain -> how many answers had set cookies before it was
        # asked. Asking it again with no new cookie would get the same answer: a loop.
        asked_with: dict[str, int] = {}
        cookies_set = 0
        attempts = 0
        permanent = False
        moved_to: str | None = None
        leading = True
        current = url

        def result(status: Status, *, http_status: int | None = None, error: str | None = None,
                   failure: str | None = None, title: str | None = None) -> LinkResult:
            return LinkResult(
                url=url, status=status, http_status=http_status, final_url=current,
                redirects=tuple(hops), attempts=attempts,
                # Reason phrases, bot-wall headers and Location URLs came from the server.
                error=None if error is None else network_text(error),
                elapsed_ms=round((time.monotonic() - started) * 1000), title=title,
                permanent=permanent, failure=failure, moved_to=moved_to)

        while True:
            host = host_key(current)
            if hops and not self.settings.allow_private:
                reason = literal_ip_refused(host)
                if reason:
                    return result(Status.ERROR, failure=Kind.PRIVATE,
                                  error=f"redirects to a {reason} address (not followed)")
            asked_with[current] = cookies_set
            outcome, asked = await self._ask(current, host, rest)
            attempts += asked
            if isinstance(outcome, Failure):
                status = classify_failure(outcome)
                if hops and outcome.kind == Kind.PRIVATE:
                    status = Status.ERROR  # a public page sending us to a private address
                return result(status, error=outcome.message, failure=outcome.kind)
            code = outcome.status
            if code in REDIRECT_CODES and outcome.location:
                target = urljoin(current, outcome.location.strip())
                hops.append(Hop(current, code))
                if urlsplit(target).scheme.lower() not in ("http", "https"):
                    return result(Status.ERROR, http_status=code, failure=Kind.BAD_REDIRECT,
                                  error=f"redirects to a non-http(s) URL: {target}")
                cookies_set += outcome.sets_cookie
                if asked_with.get(target) == cookies_set:
                    return result(Status.ERROR, http_status=code, failure=Kind.LOOP,
                                  error=f"redirect loop: {current} leads back to {target}")
                if code in PERMANENT_CODES or _upgrades_to_https(current, target):
                    permanent = True
                    if leading:
                        moved_to = target
                else:
                    leading = False
                if len(hops) > self.settings.max_redirects:
                    return result(Status.ERROR, http_status=code,
                                  failure=Kind.TOO_MANY_REDIRECTS,
                                  error=f"more than {self.settings.max_redirects} redirects")
                current = target
                continue
            status, error = classify_answer(outcome, self.settings.accept, permanent)
            if error is None:
                chain = [*(hop.url for hop in hops), current]
                page = Page(code, outcome.headers, outcome.body, outcome.title)
                finding = await self.truth.verdict(url, chain, page, rest)
                if finding is not None:
                    return result(Status.DEAD, http_status=code, error=finding.evidence,
                                  title=outcome.title, failure=finding.failure)
            return result(status, http_status=code, error=error, title=outcome.title,
                          failure=None if error is None else Kind.HTTP)

    async def _ask(self, url: str, host: str, rest: Sleep) -> tuple[Outcome, int]:
        """Ask for `url` (HEAD, then GET when HEAD is refused, gets a malformed answer or
        says dead), with retries.

        A HEAD refusal whose headers already show a bot wall (`cf-mitigated`, an AWS WAF
        action) is the verdict: a GET would meet the same wall. A HEAD answered 429 or 503
        is asked again with GET at once, in the same attempt: the GET's body may show a
        wall (Amazon's captcha); if it does not, the GET is what gets retried.
        Returns the last outcome and the number of requests made."""
        state = self.hosts.get(host)
        method = "GET" if self.titles or state.head_rejected else "HEAD"
        count = 0

        async def once() -> Outcome:
            nonlocal count, method
            if self.hosts.down(host):
                return Failure(Kind.OUTAGE, f"host outage: {state.last_failure}")
            count += 1
            outcome = await self._request(method, url, host, rest)
            if method == "HEAD" and isinstance(outcome, Answer) and outcome.status in (429, 503) \
                    and outcome.bot_sign is None:
                # Ask with GET now, not after a backoff: its body may show a bot wall (after
                # a 429 the host's pause still applies); a second refusal is retried.
                method = "GET"
                count += 1
                outcome = await self._request(method, url, host, rest)
            return outcome

        outcome = await self.client.retry.run(once, transient=_transient,
                                              retry_after=_retry_after, sleep=rest)
        if method == "HEAD":
            again = self._head_verdict(outcome)
            if again is not None:
                if again == "refused":
                    state.head_rejected = True  # the host's other URLs go straight to GET
                method = "GET"  # some servers only answer GET; a dead verdict is confirmed
                outcome = await self.client.retry.run(once, transient=_transient,
                                              retry_after=_retry_after, sleep=rest)
        return outcome, count

    def _head_verdict(self, outcome: Outcome) -> str | None:
        """Why the outcome of a HEAD must be asked again with GET: "refused" (HEAD itself
        was refused: 400/403/405/501, or the answer was malformed, such as a HEAD answered
        with a body), "confirm" (it says dead: GET confirms), or None (it stands)."""
        if isinstance(outcome, Failure):
            return "refused" if outcome.kind == Kind.PROTOCOL else None
        if outcome.bot_sign is not None or outcome.status in self.settings.accept:
            return None
        if outcome.status in HEAD_REJECTED_CODES:
            return "refused"
        return "confirm" if outcome.status in DEAD_CODES else None

    async def _request(self, method: str, url: str, host: str, rest: Sleep) -> Outcome:
        """One request, inside the host's slot; never raises for network trouble."""
        reply = await self.client.request(
            method, url, read=0 if method == "HEAD" else self._body_wanted, rest=rest)
        if isinstance(reply, Failure):
            return reply
        answer = self._answer(reply, method)
        if answer.status == 429:
            self.hosts.slow_down(host, answer.retry_after, self.settings.retry_after_cap)
        return answer

    def _body_wanted(self, status: int, headers: Mapping[str, str]) -> int:
        """How much of a GET's body to read: a page's head for its <title>, a refusal's
        start for bot-wall signs, else nothing."""
        if self.titles and 200 <= status < 300 \
                and "html" in headers.get("Content-Type", "").lower():
            return TITLE_CAP
        return SNIFF_CAP if status in (403, 429, 503) else 0

    def _answer(self, reply: Reply, method: str) -> Answer:
        """Reduce a reply to what classification needs."""
        status = reply.status
        headers = reply.headers
        content_type = headers.get("Content-Type", "")
        want_title = (method == "GET" and self.titles and 200 <= status < 300
                      and "html" in content_type.lower())
        return Answer(
            status=status,
            reason=reply.reason,
            location=headers.get("Location") if status in REDIRECT_CODES else None,
            retry_after=parse_retry_after(headers.get("Retry-After")),
            bot_sign=bot_sign(status, headers, reply.body),
            title=extract_title(reply.body, content_type) if want_title else None,
            sets_cookie="Set-Cookie" in headers,
            headers=headers,
            body=reply.body if want_title else b"",
        )


def _transient(outcome: Outcome) -> bool:
    return outcome.transient


def _retry_after(outcome: Outcome) -> float | None:
    return outcome.retry_after if isinstance(outcome, Answer) else None


def _upgrades_to_https(source: str, target: str) -> bool:
    """http://x/p -> https://x/p: the same page, moved to TLS for good."""
    a, b = urlsplit(source), urlsplit(target)
    return (a.scheme == "http" and b.scheme == "https" and a.hostname == b.hostname
            and a.path.rstrip("/") == b.path.rstrip("/") and a.query == b.query)
