"""The YouTube provider: removed videos and playlists still answer 200; oEmbed tells.

For `youtube.com/watch?v=ID`, `youtu.be/ID`, `youtube.com/shorts/ID`, `youtube.com/embed/ID`
and `youtube.com/playlist?list=ID` it asks the oEmbed endpoint (`oembed_url`, configurable
so that tests point it at loopback). 200 gives the title; 404, 401 and 403 mean the video or
playlist is gone (removed, private); anything else after retries leaves the link unknown.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from urllib.parse import parse_qs, urlencode, urlsplit

from curatorbot.http.client import HttpClient, Outcome, Reply
from curatorbot.metadata.base import LinkMetadata, MetadataBatch
from curatorbot.metadata.html import clean_title
from curatorbot.settings import DEFAULT_USER_AGENT

DEFAULT_OEMBED_URL = "https://www.youtube.com/oembed"
GONE_STATUSES = frozenset({401, 403, 404})

_HOSTS = frozenset({"youtube.com", "www.youtube.com", "m.youtube.com", "music.youtube.com"})
_ID = re.compile(r"[A-Za-z0-9_-]{6,64}")


@dataclass(frozen=True)
class YouTubeConfig:
    """Where oEmbed lives and how politely to ask it."""

    oembed_url: str = DEFAULT_OEMBED_URL
    concurrency: int = 4
    retries: int = 2
    backoff: float = 1.0
    timeout: float = 15.0
    user_agent: str = DEFAULT_USER_AGENT


def canonical_url(url: str) -> str | None:
    """The canonical watch or playlist URL oEmbed understands, or None if not YouTube."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    host = (parts.hostname or "").lower()
    query = parse_qs(parts.query)
    segments = [s for s in parts.path.split("/") if s]
    video: str | None = None
    if host == "youtu.be" and segments:
        video = segments[0]
    elif host in _HOSTS:
        if parts.path.rstrip("/") == "/watch":
            video = next(iter(query.get("v", [])), None)
        elif parts.path.rstrip("/") == "/playlist":
            playlist = next(iter(query.get("list", [])), None)
            if playlist and _ID.fullmatch(playlist):
                return f"https://www.youtube.com/playlist?list={playlist}"
            return None
        elif len(segments) >= 2 and segments[0] in ("shorts", "embed", "live"):
            video = segments[1]
    if video and _ID.fullmatch(video):
        return f"https://www.youtube.com/watch?v={video}"
    return None


class YouTubeProvider:
    """oEmbed look-ups for YouTube videos and playlists."""

    name = "youtube"

    def __init__(self, config: YouTubeConfig | None = None) -> None:
        self.config = config or YouTubeConfig()

    def matches(self, url: str) -> bool:
        """Whether `url` is a YouTube video or playlist."""
        return canonical_url(url) is not None

    async def fetch(self, client: HttpClient, urls: Sequence[str]) -> MetadataBatch:
        """One oEmbed request per distinct video or playlist."""
        canon = {url: c for url in urls if (c := canonical_url(url)) is not None}
        semaphore = asyncio.Semaphore(self.config.concurrency)
        batch = MetadataBatch()

        async def one(target: str) -> tuple[str, LinkMetadata]:
            async with semaphore:
                return target, await self._ask(client, target, batch)

        answers = dict(await asyncio.gather(*(one(t) for t in set(canon.values()))))
        for url, target in canon.items():
            batch.links[url] = replace(answers[target], url=url)
        failed = sum(1 for link in batch.links.values() if link.error)
        if failed:
            batch.notes.append(f"YouTube oEmbed could not tell about {failed} links")
        return batch

    async def _ask(self, client: HttpClient, target: str, batch: MetadataBatch) -> LinkMetadata:
        query = urlencode({"url": target, "format": "json"})
        url = f"{self.config.oembed_url}?{query}"
        headers = {"User-Agent": self.config.user_agent, "Accept": "application/json"}

        async def attempt() -> Outcome:
            outcome = await client.request("GET", url, headers=headers,
                                           timeout=self.config.timeout)
            if isinstance(outcome, Reply):
                batch.requests += 1
            return outcome

        policy = replace(client.retry, retries=self.config.retries, backoff=self.config.backoff)
        outcome = await policy.run(attempt, transient=_transient)
        if isinstance(outcome, Reply):
            status = outcome.status
            if status in GONE_STATUSES:
                return LinkMetadata(url=target, provider=self.name, gone=True,
                                    detail=f"YouTube oEmbed answered {status}: "
                                           "removed, private or unavailable")
            if status == 200:
                return LinkMetadata(url=target, provider=self.name, title=_title(outcome.text()))
            last = f"HTTP {status}"
        else:
            last = outcome.message
        return LinkMetadata(url=target, provider=self.name, error=f"YouTube oEmbed: {last}")


def _transient(outcome: Outcome) -> bool:
    """Asked again: a failure in transit, a 5xx, a 429."""
    return not isinstance(outcome, Reply) or outcome.status >= 500 or outcome.status == 429


def _title(text: str) -> str | None:
    try:
        value = json.loads(text)
    except ValueError:
        return None
    title = value.get("title") if isinstance(value, dict) else None
    return clean_title(title) if isinstance(title, str) else None
