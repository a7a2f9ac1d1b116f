"""Asking the archive for copies of confirmed-dead links: which URLs, one CDX request each,
and a look at the capture found before it is proposed.

`update` calls this after the run history has confirmed links dead (a dead, soft-404 or
parked link that failed `dead_after` healthy runs in a row). For each such URL the catalog
has no `archived_copy` for yet (a Markdown catalog records none: it asks on every run, as
its PR text is rebuilt every run), one CDX request goes through the run's `HttpClient`
(guard, `--resolve`, User-Agent, per-host pacing) and the one `RetryPolicy` (429, 5xx and
failures in transit asked again, `Retry-After` honoured):

    wanted(catalog, history)                   URL -> its first failure (a datetime)
    await find_copies(client, api_root, wanted)
        URL -> ArchivedCopy (the Wayback URL and the capture) for those the archive has a
        200 capture of taken before the first failure; notes for the archive's failures

A CDX row cannot tell a parking page that answered 200 from the page itself (a domain
that expired was often parked before it stopped answering, and the archive kept the
lander). So the capture found is replayed as captured (`/web/<timestamp>id_/<url>`, its
first `check.parked.PAGE_PREFIX` bytes: a second request, to the archive, only for URLs
with a capture) and run through `check.parked`: a parked capture is not proposed (a note
says which service). A replay that fails proposes nothing this run, like a failed CDX
request: nothing unverified is proposed.

The question and the choice of capture are `update.archive`'s (pure); an archive that is
down, rate-limits past the retries or answers nonsense costs this run its suggestions and
a note, never the run.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TypeGuard

from curatorbot.catalog.model import Catalog
from curatorbot.check.parked import PAGE_PREFIX, parked
from curatorbot.http.client import HttpClient, Outcome, Reply
from curatorbot.http.headers import parse_retry_after
from curatorbot.state import LinkHistory
from curatorbot.update.archive import (
    ArchivedCopy,
    archive_url,
    cdx_query,
    pick_capture,
    raw_capture_url,
)
from curatorbot.urls import is_web_url

CDX_BODY_CAP = 1024 * 1024  # `limit=-1` answers one row; a mirror ignoring it, many
CDX_CONCURRENCY = 4         # requests to the archive in flight at once (it rate-limits)


@dataclass
class Rescue:
    """What the archive answered: the copies found, and notes for what went wrong."""

    copies: dict[str, ArchivedCopy] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def wanted(catalog: Catalog, history: Mapping[str, LinkHistory]) -> dict[str, dt.datetime]:
    """The confirmed-dead URLs of `catalog` to ask the archive about, with their first
    failure: not `ignore: true`, web URLs, and (YAML) no `archived_copy` recorded yet."""
    found: dict[str, dt.datetime] = {}
    for link, _ in catalog.link_paths():
        known = history.get(link.url)
        if known is None or not known.confirmed_dead or not known.first_failure:
            continue
        if link.ignore or not is_web_url(link.url):
            continue
        if not catalog.markdown and link.bot.get("archived_copy"):
            continue
        first = _parse_iso(known.first_failure)
        if first is not None:
            found[link.url] = first
    return found


async def find_copies(client: HttpClient, api_root: str,
                      dead: Mapping[str, dt.datetime]) -> Rescue:
    """One CDX request per URL of `dead` (URL -> first failure) through `client`, and one
    replay of the capture it finds (withheld when parked or unreadable)."""
    rescue = Rescue()
    if not dead:
        return rescue
    semaphore = asyncio.Semaphore(CDX_CONCURRENCY)
    failed: list[str] = []
    parked_copies: list[str] = []

    async def one(url: str, first_failure: dt.datetime) -> None:
        async with semaphore:
            outcome = await _ask(client, cdx_query(api_root, url, first_failure),
                                 read=CDX_BODY_CAP, accept="application/json")
            if not _answered(outcome):
                failed.append(f"{url}: {_why(outcome)}")
                return
            try:
                payload = outcome.json()
            except ValueError:
                failed.append(f"{url}: the archive's answer is not JSON")
                return
            capture = pick_capture(payload, first_failure)
            if capture is None:
                return
            replay = await _ask(client, raw_capture_url(api_root, capture, url),
                                read=PAGE_PREFIX, accept="text/html,*/*;q=0.8")
        if not _answered(replay):
            failed.append(f"{url}: the capture of {capture.date}: {_why(replay)}")
            return
        match = parked(url, (), {}, replay.body)
        if match is not None:
            parked_copies.append(f"{url} ({capture.date}, {match.service})")
            return
        rescue.copies[url] = ArchivedCopy(archive_url(api_root, capture, url), capture)

    async with client:  # Ctrl-C (cancellation) goes on up: the whole run is interrupted
        await asyncio.gather(*(one(url, when) for url, when in dead.items()))
    if failed:
        failed.sort()
        rescue.notes.append(
            f"the archive ({api_root}) could not be asked about {len(failed)} dead "
            f"link{'s' if len(failed) > 1 else ''} (first: {failed[0]}); no archived copy "
            "is proposed for them this run")
    if parked_copies:
        parked_copies.sort()
        rescue.notes.append(
            f"the archive's last good capture of {len(parked_copies)} dead "
            f"link{'s' if len(parked_copies) > 1 else ''} is a parking page (first: "
            f"{parked_copies[0]}); no archived copy is proposed for "
            f"{'them' if len(parked_copies) > 1 else 'it'}")
    return rescue


async def _ask(client: HttpClient, url: str, *, read: int, accept: str) -> Outcome:
    """One question to the archive, asked again by the one retry policy."""
    async def attempt() -> Outcome:
        return await client.request("GET", url, read=read, headers={"Accept": accept})

    return await client.retry.run(attempt, transient=_transient, retry_after=_retry_after)


def _answered(outcome: Outcome) -> TypeGuard[Reply]:
    return isinstance(outcome, Reply) and outcome.status == 200


def _why(outcome: Outcome) -> str:
    return f"HTTP {outcome.status}" if isinstance(outcome, Reply) else outcome.message


def _transient(outcome: Outcome) -> bool:
    """Asked again: a failure in transit, a 429, a 5xx."""
    if isinstance(outcome, Reply):
        return outcome.status == 429 or outcome.status >= 500
    return outcome.transient


def _retry_after(outcome: Outcome) -> float | None:
    if isinstance(outcome, Reply):
        return parse_retry_after(outcome.headers.get("Retry-After"))
    return None


def _parse_iso(text: str) -> dt.datetime | None:
    try:
        when = dt.datetime.fromisoformat(text)
    except ValueError:
        return None
    return when if when.tzinfo is not None else when.replace(tzinfo=dt.UTC)
