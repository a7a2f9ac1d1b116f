"""Link checking: the async pipeline (`runner`), per-host politeness (`hosts`), the retry
policy (`retry`), response classification (`classify`), the private-address guard and DNS
cache (`netguard`), what to check (`targets`) and the finished report (`outcome`).

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
