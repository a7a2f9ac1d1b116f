"""The whole `update` job: check, metadata, run history, plan, minimal-diff write.

    catalog text ──parse──> targets ──┬─ check (titles on) ─────────┐
                                      └─ metadata (GitHub, YouTube) ─┤ concurrently
                                                                     v
            history.record_run (strikes; an unhealthy run adds none) + history.history
                                                                     v
        rescue.find_copies (confirmed dead: one CDX request each, unless `archive: off`)
                                                                     v
                       planner.plan_changes ──> edit.apply_edits ──> new text

Nothing is recorded or planned when the run verified nothing (no network) or was
interrupted (Ctrl-C): a broken runner must never move the catalog or the history (ETags
learnt during such a run are dropped too). URLs checked OK within
`max_age` seconds are not asked again; their last result stands in. A host's soft-404
probe answer (check.truth) is kept in the history for a week (`StoredProbes`).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import ssl
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace

from curatorbot import aio
from curatorbot.catalog.edit import DELETE, Edit, apply_edits, apply_span_edits
from curatorbot.catalog.model import Catalog
from curatorbot.check.pipeline import check_targets
from curatorbot.check.targets import Target, UrlRules
from curatorbot.check.truth import ProbeCache, StoredProbes
from curatorbot.http import Resolver
from curatorbot.http.client import HttpClient
from curatorbot.metadata.base import LinkMetadata, MetadataBatch
from curatorbot.metadata.registry import ProviderContext, build_providers, collect_metadata
from curatorbot.plan import Change
from curatorbot.results import ATTENTION_STATUSES, CheckReport, LinkResult, Status
from curatorbot.settings import Settings
from curatorbot.state import LinkHistory, PendingEtags, RunSummary, StateStore
from curatorbot.update.archive import ArchivedCopy
from curatorbot.update.planner import RunFacts, plan_changes
from curatorbot.update.rescue import Rescue, find_copies, wanted

Progress = Callable[[LinkResult], None]


@dataclass
class UpdateOutcome:
    """What an update run found and what it would write."""

    report: CheckReport
    changes: list[Change]
    old_text: str
    new_text: str
    run: RunSummary | None = None
    notes: list[str] = field(default_factory=list)
    api_requests: int = 0

    @property
    def changed(self) -> bool:
        return self.new_text != self.old_text


def run_update(catalog: Catalog, targets: dict[str, Target], text: str, settings: Settings,
               store: StateStore, *,
               environ: Mapping[str, str] | None = None,
               resolver: Resolver | None = None,
               ssl_context: ssl.SSLContext | None = None,
               progress: Progress | None = None,
               today: dt.date | None = None) -> UpdateOutcome:
    """Run the update of `catalog`, loaded from `text`, whose distinct URLs are `targets`
    (`catalog_targets(catalog)`); write nothing."""
    cached = {url: r for url, r in store.fresh_results(settings.max_age).items()
              if url in targets and not targets[url].ignored}
    if progress is not None:
        for result in cached.values():
            progress(result)
    to_check = {url: t for url, t in targets.items() if url not in cached}
    rules = UrlRules(settings)
    meta_urls = [url for url, t in targets.items() if not t.ignored and not rules.excluded(url)]
    etags = PendingEtags(store)
    context = ProviderContext.from_env(settings, etags=etags, environ=environ)
    report, batch = aio.run(_gather(to_check, meta_urls, settings, context, resolver,
                                        ssl_context, progress, catalog.path,
                                        StoredProbes(store)))
    report = _merge_cached(report, targets, cached)
    outcome = UpdateOutcome(report=report, changes=[], old_text=text, new_text=text,
                            notes=list(batch.notes), api_requests=batch.requests)
    if report.network_down or report.interrupted:
        return outcome
    report.results = [_apply_gone(r, batch.links.get(r.url)) for r in report.results]
    try:
        # Recorded together, or not at all when Ctrl-C stops the archive lookups that need
        # this run's strikes: an interrupted run leaves the history as it was.
        with store.staged():
            history, copies = _record(outcome, catalog, targets, settings, store, etags,
                                      cached, resolver, ssl_context)
    except KeyboardInterrupt:
        outcome.run = None
        outcome.notes.append("interrupted while asking the archive: nothing was recorded")
        outcome.report = replace(report, interrupted=True)
        return outcome
    facts = RunFacts(results={r.url: r for r in report.results}, history=history,
                     metadata=batch.links, copies=copies)
    outcome.changes = plan_changes(catalog, facts, settings, today or dt.date.today())
    edits = [Edit(c.path, DELETE if c.new is None else c.new)
             for c in outcome.changes if c.applies]
    outcome.new_text = apply_span_edits(text, edits) if catalog.markdown \
        else apply_edits(text, edits, catalog.path)
    return outcome


def _record(outcome: UpdateOutcome, catalog: Catalog, targets: dict[str, Target],
            settings: Settings, store: StateStore, etags: PendingEtags,
            cached: dict[str, LinkResult], resolver: Resolver | None,
            ssl_context: ssl.SSLContext | None
            ) -> tuple[dict[str, LinkHistory], dict[str, ArchivedCopy]]:
    """Record the run (strikes, ETags), then ask the archive about the links it confirmed
    dead; the history after this run and the archived copies found."""
    report = outcome.report
    etags.commit()
    fresh = [r for r in report.results if r.url not in cached]
    outcome.run = store.record_run(fresh, seen=targets)
    if not outcome.run.healthy:
        outcome.notes.append(
            f"unhealthy run: {outcome.run.failed} of {outcome.run.checked} links failed at "
            f"once (more than {settings.unhealthy_share:.0%}); no strikes were added")
    history = store.history(list(targets))
    # Every URL needing attention carries its history (strikes 0 when this run could not
    # count one), and so does every URL with a failure streak.
    report.history = {
        r.url: _history_json(history.get(r.url)) for r in report.results
        if r.status in ATTENTION_STATUSES or (r.url in history and history[r.url].streak)}
    rescue = Rescue()
    if settings.archive:
        client = HttpClient(settings, resolver=resolver, ssl_context=ssl_context)
        rescue = aio.run(find_copies(client, settings.archive_api, wanted(catalog, history)))
        outcome.notes.extend(rescue.notes)
    return history, rescue.copies


async def _gather(targets: dict[str, Target], meta_urls: list[str], settings: Settings,
                  context: ProviderContext, resolver: Resolver | None,
                  ssl_context: ssl.SSLContext | None, progress: Progress | None,
                  catalog_path: str, probes: ProbeCache
                  ) -> tuple[CheckReport, MetadataBatch]:
    """The check and the metadata, concurrently. Ctrl-C (cancellation) stops both: the
    report holds what was checked and says `interrupted`; the metadata is dropped."""
    # One client for both: every request of the run shares the guard, --resolve, the
    # User-Agent and the per-host limits.
    client = HttpClient(settings, resolver=resolver, ssl_context=ssl_context)
    check = asyncio.create_task(check_targets(
        targets, settings, client=client, titles=True, progress=progress,
        catalog_path=catalog_path, probes=probes))
    metadata = asyncio.create_task(collect_metadata(meta_urls, build_providers(context),
                                                    client))
    try:
        # `wait`, unlike `gather`, leaves both tasks running when this one is cancelled.
        await asyncio.wait([check, metadata])
    except asyncio.CancelledError:
        check.cancel()
        metadata.cancel()
        await asyncio.wait([check, metadata])
        if check.cancelled():  # stopped before it began: nothing to report
            raise
        task = asyncio.current_task()
        if task is not None:
            task.uncancel()  # handled: the report says `interrupted`
        return replace(check.result(), interrupted=True), MetadataBatch()
    return check.result(), metadata.result()


def _merge_cached(report: CheckReport, targets: dict[str, Target],
                  cached: dict[str, LinkResult]) -> CheckReport:
    if not cached:
        return report
    checked = {r.url: r for r in report.results}
    merged = [checked.get(url) or cached[url] for url in targets
              if url in checked or url in cached]
    return replace(report, results=merged, targets=targets)


def _apply_gone(result: LinkResult, meta: LinkMetadata | None) -> LinkResult:
    """A resource the provider's API says is gone is dead, whatever its page answers."""
    if meta is None or not meta.gone or result.status in (Status.DEAD, Status.EXCLUDED):
        return result
    why = meta.detail or "the resource no longer exists"
    return replace(result, status=Status.DEAD, error=f"{meta.provider}: {why}")


def _history_json(history: LinkHistory | None) -> dict[str, object]:
    if history is None:
        return {"first_failure": None, "strikes": 0, "confirmed_dead": False}
    return {"first_failure": history.first_failure, "strikes": history.streak,
            "confirmed_dead": history.confirmed_dead}

