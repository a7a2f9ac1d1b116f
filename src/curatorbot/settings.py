"""One frozen `Settings` for a run: the catalog's `settings:` block, then flags, then env.

`SETTING_TYPES` is the schema of the catalog's `settings:` block; the loader validates
against it so that a typo in a setting is an error with its line, not a silent default.
`LIMITS` is the range of every numeric setting, and `limit_problem` the one check of it:
the loader asks it for each value of the `settings:` block (a problem with its line), and
`Settings.merged` for every value from anywhere else (flags, environment, code), so `nan`,
`inf` and absurd values are refused the same way whichever way they come in.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields, replace
from pathlib import PurePosixPath, PureWindowsPath
from typing import Any

from curatorbot import PROJECT_URL, __version__
from curatorbot.errors import UsageError

DEFAULT_USER_AGENT = f"curatorbot/{__version__} (+{PROJECT_URL})"
# The Wayback Machine, asked for archived copies of dead links (setting `archive_api`).
DEFAULT_ARCHIVE_API = "https://web.archive.org"


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
class Limit:
    """The finite range a numeric setting must lie in: `low` (excluded when `low_open`)
    to `high`, in `unit`."""

    low: float
    high: float
    unit: str
    low_open: bool = False
    whole: bool = False

    def problem(self, value: object) -> tuple[str, str] | None:
        """Why `value` is outside this range (what is wrong, what to write), or None.
        Works on the value as given, before any conversion, so a huge integer is refused
        rather than overflowing a float."""
        hint = f"give {self.describe()}"
        if isinstance(value, bool) or not isinstance(value, int | float):
            return f"{value!r} is not a number", hint
        if isinstance(value, float) and not math.isfinite(value):
            return f"{value} is not a finite number", hint
        if self.whole and not float(value).is_integer():
            return f"{value} is not a whole number", hint
        if value < self.low or (self.low_open and value == self.low):
            return f"{value} is too small", hint
        if value > self.high:
            return f"{value} is too large", hint
        return None

    def describe(self) -> str:
        """The range in words, e.g. "seconds, more than 0 and at most 3600"."""
        low = f"more than {_number(self.low)}" if self.low_open else \
            f"at least {_number(self.low)}"
        return f"{'a whole number of ' if self.whole else ''}{self.unit}, {low} and at most " \
               f"{_number(self.high)}"


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


HOUR = 3600.0
# The range of every numeric setting. The upper bounds are far above any sensible value and
# low enough that no run hangs or overflows: an hour for any one wait, a year of cache.
LIMITS: Mapping[str, Limit] = {
    "concurrency": Limit(1, 1000, "requests", whole=True),
    "per_host": Limit(1, 100, "requests", whole=True),
    "min_interval": Limit(0, HOUR, "seconds"),
    "timeout": Limit(0, HOUR, "seconds", low_open=True),
    "connect_timeout": Limit(0, HOUR, "seconds", low_open=True),
    "retries": Limit(0, 10, "retries", whole=True),
    "retry_after_cap": Limit(0, HOUR, "seconds"),
    "retry_backoff": Limit(0, 60, "seconds"),
    "max_redirects": Limit(0, 100, "redirects", whole=True),
    "outage_after": Limit(2, 1_000_000, "URLs", whole=True),
    "dead_after": Limit(1, 1000, "runs", whole=True),
    "max_age": Limit(0, 366 * 24 * HOUR, "seconds"),
    "unhealthy_share": Limit(0, 1, "a fraction", low_open=True),
    "stars_change_pct": Limit(0, 1_000_000, "percent"),
    "stars_change_abs": Limit(0, 1_000_000_000, "stars", whole=True),
}


def limit_problem(key: str, value: object) -> tuple[str, str] | None:
    """Why `value` cannot be setting `key` (what is wrong, what to write), or None when it
    can (or when `key` has no numeric limit)."""
    limit = LIMITS.get(key)
    return None if limit is None else limit.problem(value)


def _setting_name(key: str) -> str:
    return f"setting '{key}'"


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
    max_redirects: int = 10  # hops followed at most (browsers allow 20)
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
    # Soft 404s by probe (check.truth): on by default, off for these hosts (and subdomains).
    soft404: bool = True
    soft404_hosts_off: tuple[str, ...] = ()
    # Check that a link's #fragment names an element of its HTML page (check.truth).
    fragments: bool = False
    # Archived copies of confirmed-dead links (update.rescue): asked of this CDX API root.
    archive: bool = True
    archive_api: str = DEFAULT_ARCHIVE_API

    def merged(self, values: Mapping[str, Any], *,
               name: Callable[[str], str] = _setting_name) -> Settings:
        """A copy with `values` applied (None values are skipped), each one checked;
        `name(key)` is how a message names the value (a setting, or the flag that gave it)."""
        known = {f.name for f in fields(self)}
        changes: dict[str, Any] = {}
        for key, value in values.items():
            if value is None:
                continue
            if key not in known:
                raise UsageError(f"unknown setting {key!r}")
            problem = limit_problem(key, value)
            if problem is not None:
                raise UsageError(f"{name(key)}: {problem[0]}; {problem[1]}")
            changes[key] = _coerce(key, value)
        settings = replace(self, **changes)
        settings.validate()
        return settings

    def validate(self) -> None:
        """Raise UsageError for values no run could use (numbers out of `LIMITS`, bad
        regular expressions)."""
        for key in LIMITS:
            problem = limit_problem(key, getattr(self, key))
            if problem is not None:
                raise UsageError(f"{_setting_name(key)}: {problem[0]}; {problem[1]}")
        if self.readme and (PurePosixPath(self.readme).is_absolute() or "\\" in self.readme
                            or PureWindowsPath(self.readme).drive or self.readme.endswith("/")):
            raise UsageError(f"readme: {self.readme!r} must be a file's path relative to the "
                             "catalog, with forward slashes, e.g. README.md")
        if not re.fullmatch(r"https?://[^\s/?#]+(/[^\s?#]*)?", self.archive_api):
            raise UsageError(f"archive_api: {self.archive_api!r} is not an http(s) URL; "
                             "write the archive's root, e.g. https://web.archive.org")
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
    "max_redirects": (int,),
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
    "soft404": (bool,),
    "soft404_hosts_off": (list,),
    "fragments": (bool,),
    "archive": (bool,),
    "archive_api": (str,),
}


def _coerce(key: str, value: Any) -> Any:
    if key == "accept":
        return value if isinstance(value, frozenset) else parse_accept(str(value))
    if key == "soft404_hosts_off":
        return tuple(str(v).lower().rstrip(".") for v in value)
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
