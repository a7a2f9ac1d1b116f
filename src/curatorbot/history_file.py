"""The run history as one text file: what a fresh working copy needs to carry on.

`dump` and `parse` turn a `Snapshot` (what `SQLiteStore.export_snapshot` gives and
`import_snapshot` takes) into JSON lines and back; `merge` joins two snapshots of
concurrent runs. The file, schema 2, sorted so that two runs' files diff line by line:

    {"schema":2,"runs":57,"first_run":"2026-01-05T04:23:11.000000Z","last_run":"...",
     "recent":[[started,finished,healthy,checked,failed,{status:count}], ...]}
    {"url":"https://a.example/x","status":"dead","streak":2,"since":"2026-11-23T04:24:02.000000Z"}
    {"url":"https://c.example/","run":0,"status":"redirect","final":"https://c.example/new",
     "moved":"https://c.example/new"}
    {"etag":"https://api.github.com/repos/o/n","tag":"W/\\"abc\\"","stored":"...",
     "body":"<zlib, then base64>"}

Only URLs that carry something have a line: a failure streak or first failure, a last
status other than "ok" (a redirect target comes with it), or an alive result the max-age
cache can still use (`cache_since`; none when `max_age` is 0, the default). A URL in good
standing (last found ok, no streak) has no line: the strike logic treats "no line" and
"ok, streak 0" alike, and retention only matters for URLs that carry something. That is
most of a healthy catalog, and what schema 2 changed; schema 1 files (a line per URL) read
the same way.

`recent` lists the runs the lines refer to (oldest first) and always the last run, so that
a restored history counts its runs; `run` (when the URL was last checked), `ok` (last found
alive) and `seen` (last in a run's catalog) are indexes into it, or a timestamp when that
run is no longer known. What most lines share is left out: `run` when it is the last run,
`ok` and `seen` when they are `run`, `status` when it is "ok". A line keeps the last
result of an alive URL for the max-age cache (`http`, left out when 200, `final`, `moved`),
but not its page title: the catalog holds the title, and a cached result without one
changes nothing. `streak` and `since` (the first failure) are left out when there is no
failure streak. ETag bodies (GitHub REST answers, a few KB of JSON each) are compressed.

Size, measured by `benchmarks/bench_history.py` for 100,000 links (4% dead, 1.5%
redirected, 2,000 ETag answers): 2.3 MB without a max-age cache (5,500 URL lines, 0.8 MB;
the ETag answers are the rest), restored in 0.08 s; 8.1 MB and 1.04 s when every alive
result is still usable by the cache (a line per URL, the worst case).

Retention is the exporter's: entries of URLs that were in no run's catalog for
`RETENTION_DAYS` are not written (a URL removed and put back within that time keeps its
history). A file that is not this format, or of a newer schema, raises `UnreadableHistory`
with a one-line reason; nothing here guesses.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, NamedTuple

SCHEMA = 2
# Schemas `parse` reads: 1 wrote a line for every URL, which reads the same way.
READABLE = frozenset({1, 2})
RETENTION_DAYS = 30
# Statuses whose last result the file keeps for the max-age cache (state.ALIVE's values).
ALIVE = frozenset({"ok", "redirect"})


class UnreadableHistory(ValueError):
    """The history file cannot be used: `newer` when it is of a later schema."""

    def __init__(self, reason: str, *, newer: bool = False) -> None:
        super().__init__(reason)
        self.newer = newer


@dataclass(frozen=True)
class RunRecord:
    """One run as the history file keeps it."""

    started: str
    finished: str
    healthy: bool
    checked: int
    failed: int
    counts: dict[str, int] = field(default_factory=dict)


class LinkRecord(NamedTuple):
    """Where one URL stands: its streak and its last result (times are ISO-8601, UTC).
    A tuple: 100,000 of them are built in a fraction of what frozen dataclasses cost."""

    url: str
    checked: str | None
    status: str | None
    seen: str | None = None
    streak: int = 0
    first_failure: str | None = None
    last_ok: str | None = None
    http_status: int | None = None
    final_url: str | None = None
    moved_to: str | None = None


@dataclass(frozen=True, slots=True)
class EtagRecord:
    """A cached GitHub REST answer."""

    url: str
    etag: str
    body: str
    stored: str


@dataclass
class Snapshot:
    """The whole run history: run count and dates, known runs, links, ETags."""

    runs: int = 0
    first_run: str | None = None
    last_run: str | None = None
    recent: list[RunRecord] = field(default_factory=list)
    links: dict[str, LinkRecord] = field(default_factory=dict)
    etags: dict[str, EtagRecord] = field(default_factory=dict)


# -- writing -----------------------------------------------------------------------------

def dump(snapshot: Snapshot, *, keep_seen_since: str | None = None,
         cache_since: str | None = "") -> str:
    """The file's text: URLs last seen before `keep_seen_since` (ISO) are left out, and so
    are URLs in good standing, unless they were found alive at or after `cache_since`
    (ISO: the max-age cache can use their result; "" keeps all of them, None none)."""
    links = [link for link in snapshot.links.values()
             if (keep_seen_since is None or (_seen(link) or "") >= keep_seen_since)
             and _carries(link, cache_since)]
    links.sort(key=lambda link: link.url)
    known = {run.finished: run for run in snapshot.recent}
    used = {t for link in links for t in (link.checked, link.last_ok, link.seen) if t in known}
    if snapshot.last_run in known:
        used.add(snapshot.last_run)
    recent = sorted((known[t] for t in used), key=lambda run: run.finished)
    index = {run.finished: number for number, run in enumerate(recent)}
    compact = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    header = {"schema": SCHEMA, "runs": snapshot.runs, "first_run": snapshot.first_run,
              "last_run": snapshot.last_run,
              "recent": [[r.started, r.finished, r.healthy, r.checked, r.failed,
                          dict(sorted(r.counts.items()))] for r in recent]}
    lines = [compact(header)]
    # Assembled by hand, each string through json's C escaper: json.dumps per line costs
    # three times as much, and this is the part that grows with the catalog.
    text, refs = _json_text, {t: str(n) for t, n in index.items()}
    last = snapshot.last_run
    for (url, checked, status, seen, streak, since, last_ok, http_status, final_url,
         moved_to) in links:
        line = f'{{"url":{text(url)}'
        if checked != last or checked is None:
            line += f',"run":{refs.get(checked) or text(checked)}'  # type: ignore[arg-type]
        if last_ok is not None and last_ok != checked:
            line += f',"ok":{refs.get(last_ok) or text(last_ok)}'
        if seen is not None and seen != checked:
            line += f',"seen":{refs.get(seen) or text(seen)}'
        if status != "ok":
            line += f',"status":{text(status)}'
        if status in ALIVE and http_status != 200:
            line += f',"http":{"null" if http_status is None else int(http_status)}'
        if final_url is not None:
            line += f',"final":{text(final_url)}'
        if moved_to is not None:
            line += f',"moved":{text(moved_to)}'
        if streak:
            line += f',"streak":{int(streak)}'
        if since is not None:
            line += f',"since":{text(since)}'
        lines.append(line + "}")
    for etag in sorted(snapshot.etags.values(), key=lambda e: e.url):
        body = base64.b64encode(zlib.compress(etag.body.encode("utf-8"), 6)).decode("ascii")
        lines.append(compact({"etag": etag.url, "tag": etag.etag, "stored": etag.stored,
                              "body": body}))
    return "\n".join(lines) + "\n"


def _json_text(value: str | None) -> str:
    """A JSON string (non-ASCII kept as is), or null."""
    return "null" if value is None else _escape(str(value))


_escape: Any = getattr(json.encoder, "c_encode_basestring", None) \
    or json.encoder.py_encode_basestring


def _seen(link: LinkRecord) -> str | None:
    return link.seen or link.checked


def _carries(link: LinkRecord, cache_since: str | None) -> bool:
    """Whether the next run needs `link`'s line (see the module docstring)."""
    if link.status != "ok" or link.streak or link.first_failure is not None:
        return True
    return cache_since is not None and (link.checked or "") >= cache_since


# -- reading -----------------------------------------------------------------------------

def parse(text: str) -> Snapshot:
    """The snapshot a file's text holds; UnreadableHistory (one line) when it cannot be used."""
    head, _, body = text.partition("\n")
    try:
        header = json.loads(head)
    except ValueError:
        raise UnreadableHistory("the first line is not JSON") from None
    if not isinstance(header, dict) or not isinstance(header.get("schema"), int):
        raise UnreadableHistory("the first line has no schema number")
    if header["schema"] > SCHEMA:
        raise UnreadableHistory(
            f"schema {header['schema']} is newer than this curatorbot reads ({SCHEMA})",
            newer=True)
    if header["schema"] not in READABLE:
        raise UnreadableHistory(f"schema {header['schema']} is unknown")
    try:
        # One JSON array instead of one json.loads per line: three times faster.
        items = json.loads("[" + ",".join(line for line in body.split("\n") if line) + "]")
        recent = [RunRecord(str(r[0]), str(r[1]), bool(r[2]), int(r[3]), int(r[4]),
                            {str(k): int(v) for k, v in r[5].items()})
                  for r in header.get("recent") or ()]
        snapshot = Snapshot(runs=int(header.get("runs") or 0),
                            first_run=_text(header.get("first_run")),
                            last_run=_text(header.get("last_run")), recent=recent)
        times = [run.finished for run in recent]
        links = snapshot.links
        # A line that is its URL alone (an ok URL of the last run, kept for the max-age
        # cache) is most of a file written with one: built without `_link`, in a third.
        last = snapshot.last_run
        plain, new = (last, "ok", last, 0, None, last, 200, None, None), tuple.__new__
        for item in items:
            if len(item) == 1 and type(item.get("url")) is str:
                links[item["url"]] = new(LinkRecord, (item["url"], *plain))
            elif "url" in item:
                link = _link(item, times, snapshot.last_run)
                links[link.url] = link
            elif "etag" in item:
                body_text = zlib.decompress(base64.b64decode(item["body"])).decode("utf-8")
                snapshot.etags[str(item["etag"])] = EtagRecord(
                    str(item["etag"]), str(item["tag"]), body_text, str(item["stored"]))
            else:
                raise ValueError("a line with neither url nor etag")
    except (ValueError, TypeError, KeyError, IndexError, AttributeError, zlib.error) as exc:
        raise UnreadableHistory(f"malformed content ({type(exc).__name__}: "
                                f"{str(exc)[:100]})") from None
    return snapshot


def _link(item: dict[str, Any], times: list[str], last_run: str | None) -> LinkRecord:
    checked = _time(item["run"], times) if "run" in item else last_run
    status = item.get("status", "ok")
    if not isinstance(item["url"], str) or not (status is None or isinstance(status, str)):
        raise ValueError("url and status must be strings")
    alive = status in ALIVE
    get = item.get
    return LinkRecord(
        item["url"], checked, status,
        _time(item["seen"], times) if "seen" in item else checked,
        int(get("streak") or 0), _text(get("since")),
        _time(item["ok"], times) if "ok" in item else checked if alive else None,
        _int(item["http"]) if "http" in item else 200 if alive else None,
        _text(get("final")), _text(get("moved")))


def _time(ref: Any, times: list[str]) -> str | None:
    if ref is None:
        return None
    if isinstance(ref, bool):
        raise ValueError("a boolean where a run was expected")
    if isinstance(ref, int):
        if ref < 0:
            raise IndexError(f"run {ref}")
        return times[ref]
    return str(ref)


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def _int(value: Any) -> int | None:
    return None if value is None else int(value)


# -- merging -----------------------------------------------------------------------------

def merge(mine: Snapshot, theirs: Snapshot, *, restored_runs: int,
          base: Snapshot | None = None) -> Snapshot:
    """`mine` (a run that started from `base`, a history of `restored_runs` runs) joined
    with `theirs` (what another run saved meanwhile): per URL the entry of the most recent
    check wins (a tie: mine), `seen` is the later of both, ETags the later stored; the run
    count adds the runs `mine` made to `theirs`. A URL that has a line in `base` but none
    in `theirs`, though `theirs` would still keep it (seen within `RETENTION_DAYS`), was
    found ok by their last run: it beats an older check of mine."""
    links = dict(theirs.links)
    cleared = _cleared(base, theirs)
    for url, link in mine.links.items():
        if url in cleared and (link.checked or "") < cleared[url]:
            continue  # in good standing since their run: no line
        other = links.get(url)
        if other is None or (link.checked or "") >= (other.checked or ""):
            chosen, rival = link, other
        else:
            chosen, rival = other, link
        if rival is not None and (_seen(rival) or "") > (_seen(chosen) or ""):
            chosen = chosen._replace(seen=_seen(rival))
        links[url] = chosen
    etags = dict(theirs.etags)
    for url, etag in mine.etags.items():
        if url not in etags or etag.stored >= etags[url].stored:
            etags[url] = etag
    recent = {run.finished: run for run in (*theirs.recent, *mine.recent)}
    return Snapshot(
        runs=theirs.runs + max(mine.runs - restored_runs, 0),
        first_run=_earliest((mine.first_run, theirs.first_run)),
        last_run=max((t for t in (mine.last_run, theirs.last_run) if t), default=None),
        recent=sorted(recent.values(), key=lambda run: run.finished),
        links=links, etags=etags)


def _cleared(base: Snapshot | None, theirs: Snapshot) -> dict[str, str]:
    """URLs whose line `theirs` dropped because their run found them ok: when."""
    if base is None or not theirs.last_run:
        return {}
    last = theirs.last_run
    try:
        keep = _shift(last, -RETENTION_DAYS)
    except ValueError:
        return {}
    return {url: last for url, link in base.links.items()
            if url not in theirs.links and (_seen(link) or "") >= keep}


def _shift(moment: str, days: int) -> str:
    """The time `days` from `moment`, both as `iso` writes them."""
    return iso(dt.datetime.fromisoformat(moment.replace("Z", "+00:00"))
               + dt.timedelta(days=days))


def iso(moment: dt.datetime) -> str:
    """`moment` as the history writes times (UTC, microseconds, sortable as text); a naive
    one is taken as UTC."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _earliest(moments: Iterable[str | None]) -> str | None:
    return min((t for t in moments if t), default=None)
