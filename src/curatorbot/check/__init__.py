"""Link checking: the async pipeline (`pipeline`: a bounded stream, per-host slots), one
URL's redirect walk and HEAD/GET policy (`runner`), the per-URL backlog and whose URL goes
next (`backlog`), response classification (`classify`), what to check (`targets`) and the
host guard of a finished check (`outcome`). Every request goes through `curatorbot.http`
(session, private-address guard, per-host pacing, the retry policy).

Library entry points (the `check` and `update` commands use them):

    run_check(catalog, settings) -> CheckReport            # blocking, whole catalog
    await check_targets(targets, settings) -> CheckReport  # the same, as a coroutine
    async for r in check_urls(urls, settings): ...         # raw verdicts, streamed
"""

from curatorbot.check.pipeline import Checker, check_targets, check_urls, run_check
from curatorbot.check.targets import Place, Target, catalog_targets, collect
from curatorbot.results import CheckReport, HostOutage

__all__ = ["CheckReport", "Checker", "HostOutage", "Place", "Target", "catalog_targets",
           "check_targets", "check_urls", "collect", "run_check"]
