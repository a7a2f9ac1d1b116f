"""From what a run learnt to the plan of changes: which catalog values change, and why.

Pure: no I/O, no clock (the caller passes `today`). For every link that is not
`ignore: true`, in catalog order:

1. its URL, replaced by a renamed repository's new URL, by the target of the leading
   permanent redirects (unless `redirects.held_reason` objects, or the check found the
   target parked: then the change is HELD, reported only), or by the clean form of a
   URL with tracking parameters or a redirect wrapper;
2. `dead_since`, set when the history confirms the link dead, removed when it recovers;
   `archived_copy`, the archive's last 200 capture before the first failure, when the run
   found one (`update.rescue`) and it differs from the one recorded;
3. GitHub metadata (`repo`, `stars`, `pushed`, `archived`, `license`) and the page `title`,
   each only when it changed meaningfully;
4. `checked`, today's date, on links that changed in any of the ways above.

A Markdown catalog has no place for data: only step 1 applies there, as an edit of the
URL's characters (`Link.span`); a URL not written literally (a reference definition, an
escaped URL) has no span, so its change is HELD. An archived copy is proposed there in the
PR text only (a change with no path: reported, never applied). Dead links are reported by the health
issue, never marked or deleted in the file.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from curatorbot.catalog.model import Catalog, Link
from curatorbot.metadata.base import LinkMetadata
from curatorbot.metadata.repo import RepoMetadata
from curatorbot.plan import Change, ChangeKind, Evidence
from curatorbot.results import FailureKind, LinkResult, Status
from curatorbot.settings import Settings
from curatorbot.state import ALIVE, LinkHistory
from curatorbot.update.archive import ArchivedCopy
from curatorbot.update.redirects import held_reason
from curatorbot.urls import clean_url, is_web_url

# A last-push date is rewritten only when it moved by at least this many days.
PUSHED_MIN_DAYS = 30


@dataclass(frozen=True)
class RunFacts:
    """What one run knows, keyed by URL."""

    results: Mapping[str, LinkResult]
    history: Mapping[str, LinkHistory]
    metadata: Mapping[str, LinkMetadata]
    copies: Mapping[str, ArchivedCopy] = field(default_factory=dict)  # dead URL -> its copy


def plan_changes(catalog: Catalog, facts: RunFacts, settings: Settings,
                 today: dt.date) -> list[Change]:
    """Every change this run makes to `catalog`, in catalog order."""
    changes: list[Change] = []
    if catalog.markdown:
        for link, path in catalog.link_paths():
            change = _markdown_url_change(link, path, facts)
            if change is not None:
                changes.append(change)
            copy = facts.copies.get(link.url)
            if copy is not None and not link.ignore:
                changes.append(_copy_change(copy, facts.history.get(link.url),
                                            _Maker(link, path), applied=False))
        return changes
    for link, path in catalog.link_paths():
        if not link.ignore and is_web_url(link.url):  # others are excluded, never written
            changes.extend(_link_changes(link, path, facts, settings, today))
    return changes


def _markdown_url_change(link: Link, path: tuple[str | int, ...], facts: RunFacts
                         ) -> Change | None:
    """The one change a Markdown catalog takes: a moved URL, spliced over its characters
    (`path`, from `Catalog.link_paths`)."""
    change = _url_change(link, facts.results.get(link.url), facts.metadata.get(link.url),
                         _Maker(link, path, url_path=path))
    if change is None or change.applies or path:
        return change
    if change.kind == ChangeKind.HELD:
        return change
    note = "not applied: the URL is not written literally where it is used " \
           "(a reference definition or escapes); edit it by hand"
    return replace(change, kind=ChangeKind.HELD, path=(),
                   evidence=replace(change.evidence, note=note))


def _link_changes(link: Link, path: tuple[str | int, ...], facts: RunFacts,
                  settings: Settings, today: dt.date) -> Iterator[Change]:
    result = facts.results.get(link.url)
    history = facts.history.get(link.url)
    meta = facts.metadata.get(link.url)
    bot = link.bot

    change = _Maker(link, path)
    out: list[Change] = []
    url_change = _url_change(link, result, meta, change)
    if url_change is not None:
        out.append(url_change)
    out.extend(_health_changes(bot, result, history, change))
    copy = facts.copies.get(link.url)
    if copy is not None and bot.get("archived_copy") != copy.url:
        out.append(_copy_change(copy, history, change))
    if meta is not None and meta.repo is not None:
        out.extend(_repo_changes(bot, meta.repo, settings, change))
    title = (result.title if result is not None else None) or (meta.title if meta else None)
    if title and title != bot.get("title"):
        out.append(change(ChangeKind.METADATA, "title", title))
    if any(c.applies and c.field != "url" for c in out) or (
            url_change is not None and url_change.applies and bot):
        stamp = today.isoformat()
        if bot.get("checked") != stamp:
            out.append(change(ChangeKind.METADATA, "checked", stamp))
    yield from out


@dataclass(frozen=True)
class _Maker:
    """Builds the changes of one link: `url` or a key of its `bot:` mapping."""

    link: Link
    path: tuple[str | int, ...]
    url_path: tuple[str | int, ...] | None = None  # where the URL is, when not `path.url`

    def __call__(self, kind: ChangeKind, name: str, new: Any,
                 evidence: Evidence | None = None, applied: bool = True) -> Change:
        where = (self.url_path if self.url_path is not None else (*self.path, "url")) \
            if name == "url" else (*self.path, "bot", name)
        old = self.link.url if name == "url" else self.link.bot.get(name)
        return Change(kind=kind, entry_id=self.link.entry_id, field=name, old=old, new=new,
                      path=where if applied else (), line=self.link.line, url=self.link.url,
                      evidence=evidence or Evidence())


def _chain(result: LinkResult) -> tuple[tuple[str, int], ...]:
    hops = tuple((hop.url, hop.http_status) for hop in result.redirects)
    if result.final_url and result.http_status is not None:
        hops += ((result.final_url, result.http_status),)
    return hops


def _url_change(link: Link, result: LinkResult | None, meta: LinkMetadata | None,
                change: _Maker) -> Change | None:
    if meta is not None and meta.proposal is not None and meta.proposal.new_url != link.url:
        return change(ChangeKind.RENAMED, "url", meta.proposal.new_url,
                      Evidence(note=meta.proposal.detail))
    # A move into a parking or domain-sale page (the check says `parked`) is no fix.
    if (result is not None and result.failure == FailureKind.PARKED and result.moved_to
            and result.moved_to != link.url):
        return change(ChangeKind.HELD, "url", clean_url(result.moved_to),
                      Evidence(chain=_chain(result), note="not applied: it leads to a "
                               f"parking or domain-sale page ({result.error})"),
                      applied=False)
    # Only the leading permanent hops move the page (`moved_to`): A -301-> B -302-> C
    # moved to B, and A -302-> B -301-> C did not move at all.
    if (result is not None and result.status == Status.REDIRECT and result.moved_to
            and result.moved_to != link.url):
        target = clean_url(result.moved_to)
        evidence = Evidence(chain=_chain(result))
        reason = held_reason(link.url, target)
        if reason is not None:
            return change(ChangeKind.HELD, "url", target,
                          Evidence(chain=evidence.chain, note=f"not applied: {reason}"),
                          applied=False)
        return change(ChangeKind.REDIRECT, "url", target, evidence)
    cleaned = clean_url(link.url)
    if cleaned != link.url:
        return change(ChangeKind.CLEANUP, "url", cleaned,
                      Evidence(note="tracking parameters or a redirect wrapper removed"))
    return None


def _health_changes(bot: Mapping[str, Any], result: LinkResult | None,
                    history: LinkHistory | None, change: _Maker) -> Iterator[Change]:
    if history is not None and history.confirmed_dead:
        since = (history.first_failure or "")[:10] or None
        if since and bot.get("dead_since") != since:
            evidence = Evidence(chain=_chain(result) if result else (),
                                first_failure=history.first_failure, strikes=history.streak,
                                note=result.error or "" if result else "")
            yield change(ChangeKind.DEAD, "dead_since", since, evidence)
    elif bot.get("dead_since") and result is not None and result.status in ALIVE:
        yield change(ChangeKind.METADATA, "dead_since", None,
                     Evidence(note=f"answers again ({result.http_status})"))


def _copy_change(copy: ArchivedCopy, history: LinkHistory | None, change: _Maker, *,
                 applied: bool = True) -> Change:
    """The archived copy of a confirmed-dead link, with the capture's date as evidence."""
    evidence = Evidence(first_failure=history.first_failure if history else None,
                        strikes=history.streak if history else 0,
                        note=f"archived copy captured {copy.capture.date}, the last 200 "
                             "before the first failure")
    return change(ChangeKind.ARCHIVED_COPY, "archived_copy", copy.url, evidence,
                  applied=applied)


def _repo_changes(bot: Mapping[str, Any], repo: RepoMetadata, settings: Settings,
                  change: _Maker) -> Iterator[Change]:
    if repo.archived != bool(bot.get("archived")):
        if repo.archived:
            yield change(ChangeKind.ARCHIVED, "archived", True,
                         Evidence(note=f"{repo.name_with_owner} is archived by its owner"))
        else:
            yield change(ChangeKind.METADATA, "archived", None,
                         Evidence(note=f"{repo.name_with_owner} is no longer archived"))
    if repo.name_with_owner and bot.get("repo") != repo.name_with_owner:
        yield change(ChangeKind.METADATA, "repo", repo.name_with_owner)
    if stars_changed(bot.get("stars"), repo.stars, settings):
        yield change(ChangeKind.METADATA, "stars", repo.stars)
    pushed = (repo.pushed_at or "")[:10]
    if pushed and _pushed_moved(bot.get("pushed"), pushed):
        yield change(ChangeKind.METADATA, "pushed", pushed)
    if repo.license and bot.get("license") != repo.license:
        yield change(ChangeKind.METADATA, "license", repo.license)


def stars_changed(old: Any, new: int, settings: Settings) -> bool:
    """Whether a star count moved enough to be written: by at least `stars_change_pct`
    percent of the old count and by at least `stars_change_abs` stars (always, when unset)."""
    if not isinstance(old, int) or isinstance(old, bool):
        return True
    delta = abs(new - old)
    return delta > 0 and delta >= settings.stars_change_abs and \
        delta * 100 >= settings.stars_change_pct * max(old, 1)


def _pushed_moved(old: Any, new: str) -> bool:
    if not isinstance(old, str) or not old:
        return True
    try:
        before = dt.date.fromisoformat(old[:10])
        after = dt.date.fromisoformat(new)
    except ValueError:
        return True
    return abs((after - before).days) >= PUSHED_MIN_DAYS
