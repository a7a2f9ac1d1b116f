"""One frozen `Settings` for a run: the catalog's `settings:` block, then flags, then env.

`SETTING_TYPES` is the schema of the catalog's `settings:` block; the loader validates
against it so that a typo in a setting is an error with its line, not a silent default.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from pathlib import PurePosixPath, PureWindowsPath
from typing import Any

from curatorbot import PROJECT_URL, __version__
from curatorbot.errors import UsageError

DEFAULT_USER_AGENT = f"curatorbot/{__version__} (+{PROJECT_URL})"


def parse_accept(spec: str) -> frozenset[int]:
    """`"200..299,403"` -> the set of accepted HTTP status codes."""
    codes: set[int] = set()
    for part in spec.split(","):
        part = part.strip()
        if not part:
            continue
        match = re.fullmatch(r"(\d{3})(?:\s*\.\.=?\s*(\d{3}))?", part)
        if not match:
            raise UsageError(
                f"accept: {part!r} is not a status code or range; write e.g. 200..299,403"
            )
        low = int(match.group(1))
        high = int(match.group(2) or low)
        if high < low:
            raise UsageError(f"accept: range {part!r} runs backwards; write LOW..HIGH")
        codes.update(range(low, high + 1))
    return frozenset(codes)


@dataclass(frozen=True)
class Settings:
    """Everything a run may be tuned by. Defaults are what a polite, careful bot does."""

    concurrency: int = 64
    per_host: int = 4
    min_interval: float = 0.0
    timeout: float = 20.0
    connect_timeout: float = 10.0
    retries: int = 2
    retry_after_cap: float = 60.0
    retry_backoff: float = 0.5
    outage_after: int = 3
    exclude: tuple[str, ...] = ()
    include: tuple[str, ...] = ()
    accept: frozenset[int] = frozenset(range(200, 300))
    user_agent: str = DEFAULT_USER_AGENT
    allow_private: bool = False
    insecure: bool = False
    dead_after: int = 3
    max_age: float = 0.0
    unhealthy_share: float = 0.3
    stars_change_pct: float = 5.0
    stars_change_abs: int = 50
    state: str = ".curatorbot/state.sqlite"
    branch: str = "curatorbot/update"
    history_branch: str = ""  # empty: the run history lives only in `state`
    labels: tuple[str, ...] = ("curatorbot",)
    # A README that `pr` re-renders between its markers and commits with the catalog
    # (a path relative to the catalog's directory); "" for none.
    readme: str = ""

    def merged(self, values: Mapping[str, Any]) -> Settings:
        """A copy with `values` applied (None values are skipped), each one checked."""
        known = {f.name for f in fields(self)}
        changes: dict[str, Any] = {}
        for key, value in values.items():
            if value is None:
                continue
            if key not in known:
                raise UsageError(f"unknown setting {key!r}")
            changes[key] = _coerce(key, value)
        settings = replace(self, **changes)
        settings.validate()
        return settings

    def validate(self) -> None:
        """Raise UsageError for values no run could use."""
        if self.concurrency < 1 or self.per_host < 1:
            raise UsageError("concurrency and per_host must be at least 1")
        if self.timeout <= 0 or self.connect_timeout <= 0:
            raise UsageError("timeout must be a positive number of seconds")
        if self.retries < 0 or self.dead_after < 1:
            raise UsageError("retries must be >= 0 and dead_after >= 1")
        if self.min_interval < 0 or self.retry_backoff < 0 or self.retry_after_cap < 0:
            raise UsageError("min_interval, retry_backoff and retry_after_cap must be >= 0")
        if self.outage_after < 2:
            raise UsageError("outage_after must be at least 2 (URLs of one host)")
        if not 0 < self.unhealthy_share <= 1:
            raise UsageError("unhealthy_share must be a fraction in (0, 1]")
        if self.readme and (PurePosixPath(self.readme).is_absolute() or "\\" in self.readme
                            or PureWindowsPath(self.readme).drive or self.readme.endswith("/")):
            raise UsageError(f"readme: {self.readme!r} must be a file's path relative to the "
                             "catalog, with forward slashes, e.g. README.md")
        for pattern in (*self.exclude, *self.include):
            try:
                re.compile(pattern)
            except re.error as exc:
                raise UsageError(f"bad regular expression {pattern!r}: {exc}") from None


# The catalog's `settings:` block: key -> the YAML types it accepts.
SETTING_TYPES: Mapping[str, tuple[type, ...]] = {
    "concurrency": (int,),
    "per_host": (int,),
    "min_interval": (int, float),
    "timeout": (int, float),
    "connect_timeout": (int, float),
    "retries": (int,),
    "retry_after_cap": (int, float),
    "retry_backoff": (int, float),
    "outage_after": (int,),
    "exclude": (list,),
    "include": (list,),
    "accept": (str, int),
    "user_agent": (str,),
    "allow_private": (bool,),
    "dead_after": (int,),
    "max_age": (int, float),
    "unhealthy_share": (int, float),
    "stars_change_pct": (int, float),
    "stars_change_abs": (int,),
    "branch": (str,),
    "history_branch": (str,),
    "labels": (list,),
    "readme": (str,),
}


def _coerce(key: str, value: Any) -> Any:
    if key == "accept":
        return value if isinstance(value, frozenset) else parse_accept(str(value))
    if key in ("exclude", "include", "labels"):
        return tuple(str(v) for v in value)
    default = getattr(Settings, key)
    if isinstance(default, bool):
        return bool(value)
    if isinstance(default, int):
        return int(value)
    if isinstance(default, float):
        return float(value)
    return value
