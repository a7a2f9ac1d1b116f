"""Run history: what every run found per URL, failure streaks, the max-age cache, ETags.

`StateStore` is the small interface `update` needs; `SQLiteStore` implements it in one
SQLite file (default `.curatorbot/state.sqlite`, created with its folders on first use,
schema versioned with `PRAGMA user_version` and migrated in order), so that a server
database could replace it behind the same methods.

Rules it keeps:
- A link is *confirmed dead* once it was `dead` in `dead_after` consecutive healthy runs;
  `ok` or `redirect` resets the streak (and the first-failure date); blocked, timeout and
  error prove nothing either way and leave the streak as it is.
- A run in which more than `unhealthy_share` of the checked links fail (dead, error,
  timeout), and at least `unhealthy_min_failures` of them, is recorded as unhealthy and adds
  no strike: a broken runner network must not walk the catalog towards "dead".
- A host's soft-404 probe answer (check.truth, stored as JSON) is used for
  `PROBE_MAX_AGE` (a week), then asked again.
- A corrupt, foreign, newer or locked file raises `StateError` naming the file and what to
  do; it is never reset silently. The store never touches the catalog.
"""

from __future__ import annotations

import json
import sqlite3
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import TracebackType
from typing import Any, Protocol

from curatorbot.errors import StateError
from curatorbot.history_file import EtagRecord, LinkRecord, RunRecord, Snapshot
from curatorbot.history_file import iso as _iso
from curatorbot.results import LinkResult, Status
from curatorbot.settings import Settings

DEFAULT_STATE_PATH = ".curatorbot/state.sqlite"
MEMORY = ":memory:"
# Statuses that count as a failure when judging whether a run was healthy.
HEALTH_FAILURES = frozenset({Status.DEAD, Status.ERROR, Status.TIMEOUT})
# Statuses that prove a link alive (reset its streak) and may be served from the cache.
ALIVE = frozenset({Status.OK, Status.REDIRECT})
# How long a host's soft-404 probe answer is used before the host is asked again.
PROBE_MAX_AGE = timedelta(days=7)

# Each migration moves the schema from version i to i + 1; never edit a released one.
MIGRATIONS: tuple[tuple[str, ...], ...] = (
    (  # 1: run history and per-URL streaks
        """CREATE TABLE runs (
             id INTEGER PRIMARY KEY AUTOINCREMENT,
             started TEXT NOT NULL,
             finished TEXT NOT NULL,
             healthy INTEGER NOT NULL,
             checked INTEGER NOT NULL,
             failed INTEGER NOT NULL,
             counts TEXT NOT NULL)""",
        """CREATE TABLE results (
             run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
             url TEXT NOT NULL,
             status TEXT NOT NULL,
             http_status INTEGER,
             final_url TEXT,
             error TEXT,
             title TEXT,
             PRIMARY KEY (run_id, url))""",
        """CREATE TABLE links (
             url TEXT PRIMARY KEY,
             streak INTEGER NOT NULL DEFAULT 0,
             first_failure TEXT,
             last_run INTEGER,
             last_status TEXT,
             last_checked TEXT,
             last_ok TEXT)""",
    ),
    (  # 2: conditional-request cache for the GitHub REST API
        """CREATE TABLE etags (
             url TEXT PRIMARY KEY,
             etag TEXT NOT NULL,
             body TEXT NOT NULL,
             stored TEXT NOT NULL)""",
        "CREATE INDEX results_by_url ON results (url, run_id)",
    ),
    (  # 3: where a permanent redirect moved a URL, so that a cached result still says it
        "ALTER TABLE results ADD COLUMN moved_to TEXT",
    ),
    (  # 4: when a URL was last in a run's catalog (retention), and facts of the history
        "ALTER TABLE links ADD COLUMN seen TEXT",
        "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
        # The earliest run still on file stands for the first one of an older history.
        "INSERT INTO meta (key, value) SELECT 'first_run', min(started) FROM runs"
        " HAVING count(*) > 0",
    ),
    (  # 5: each host's answer for a path that cannot exist (soft-404 probe, check.truth)
        """CREATE TABLE probes (
             host TEXT PRIMARY KEY,
             sample TEXT NOT NULL,
             stored TEXT NOT NULL)""",
    ),
)
SCHEMA_VERSION = len(MIGRATIONS)


@dataclass(frozen=True)
class CachedResponse:
    """A stored API answer: its ETag and body text."""

    etag: str
    body: str


@dataclass(frozen=True)
class LinkHistory:
    """Where one URL stands across runs."""

    url: str
    streak: int
    first_failure: str | None
    last_status: str | None
    last_checked: str | None
    last_ok: str | None
    confirmed_dead: bool


@dataclass(frozen=True)
class RunSummary:
    """One recorded run: when, whether healthy, and its counts per status."""

    run_id: int
    started: str
    finished: str
    healthy: bool
    checked: int
    failed: int
    counts: dict[str, int]


class EtagCache(Protocol):
    """The part of the store the GitHub REST client uses."""

    def get_etag(self, url: str) -> CachedResponse | None:
        """The stored ETag and body for `url`, if any."""
        ...

    def put_etag(self, url: str, etag: str, body: str) -> None:
        """Remember `url`'s ETag and body."""
        ...


class PendingEtags:
    """An `EtagCache` over `store` that keeps new ETags in memory until `commit()`: a run
    that ends broken (interrupted, no network) leaves the stored ones as they were."""

    def __init__(self, store: EtagCache) -> None:
        self._store = store
        self._new: dict[str, CachedResponse] = {}

    def get_etag(self, url: str) -> CachedResponse | None:
        """The ETag and body this run learnt for `url`, else the stored ones."""
        return self._new.get(url) or self._store.get_etag(url)

    def put_etag(self, url: str, etag: str, body: str) -> None:
        """Remember `url`'s ETag and body until `commit()`."""
        self._new[url] = CachedResponse(etag=etag, body=body)

    def commit(self) -> None:
        """Store every ETag this run learnt."""
        for url, cached in self._new.items():
            self._store.put_etag(url, cached.etag, cached.body)
        self._new.clear()


class StateStore(EtagCache, Protocol):
    """What `update` needs from run history; SQLite is one implementation."""

    dead_after: int

    def record_run(self, results: Iterable[LinkResult], *,
                   started: datetime | None = None,
                   seen: Iterable[str] = ()) -> RunSummary:
        """Store one finished run's results and update streaks (all or nothing); `seen`
        are the URLs of the run's catalog (checked or not)."""
        ...

    def history(self, urls: Iterable[str] | None = None) -> dict[str, LinkHistory]:
        """Streak and last result per URL (all known URLs when `urls` is None)."""
        ...

    def fresh_results(self, max_age: float) -> dict[str, LinkResult]:
        """URLs found alive within `max_age` seconds, with their last result (none when
        `max_age` <= 0)."""
        ...

    def runs(self, limit: int = 10) -> list[RunSummary]:
        """The latest runs, newest first."""
        ...

    def get_probe(self, host: str) -> dict[str, Any] | None:
        """`host`'s soft-404 probe answer, stored less than `PROBE_MAX_AGE` ago."""
        ...

    def put_probe(self, host: str, sample: dict[str, Any]) -> None:
        """Remember `host`'s soft-404 probe answer (JSON-able)."""
        ...

    def staged(self) -> AbstractContextManager[None]:
        """Writes inside land together when the block ends, none when it raises."""
        ...

    def close(self) -> None:
        """Release the store."""
        ...


class SQLiteStore:
    """`StateStore` in one SQLite file (or in memory for `--no-state`)."""

    def __init__(self, path: str | Path = DEFAULT_STATE_PATH, *, dead_after: int = 3,
                 unhealthy_share: float = 0.3, unhealthy_min_failures: int = 5,
                 busy_timeout: float = 5.0, keep_runs: int = 200,
                 clock: Callable[[], datetime] | None = None, name: str | None = None) -> None:
        self.path = str(path)
        # How messages name the file (a scratch copy names the file it was copied from).
        self.name = name or self.path
        self.dead_after = dead_after
        self.unhealthy_share = unhealthy_share
        self.unhealthy_min_failures = unhealthy_min_failures
        self.keep_runs = keep_runs
        self._clock = clock or (lambda: datetime.now(UTC))
        if self.path != MEMORY:
            try:
                Path(self.path).parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise StateError(f"{self.name}: cannot create its folder ({exc.strerror}); "
                                 "pass --state with a writable path") from None
        try:
            self._db = sqlite3.connect(self.path, timeout=busy_timeout, isolation_level=None)
        except sqlite3.Error as exc:
            raise StateError(f"{self.name}: cannot open the state database ({exc}); "
                             "pass --state with a writable path") from None
        try:
            with self._guard():
                self._db.execute("PRAGMA foreign_keys = ON")
                # Up to 64 MB of page cache (grown only as used): importing a 100,000-link
                # history takes 40% less time than with the default 2 MB.
                self._db.execute("PRAGMA cache_size = -65536")
                self._check_integrity()
                self._migrate()
        except StateError:
            self._db.close()
            raise

    # -- lifecycle -------------------------------------------------------------------------

    def close(self) -> None:
        """Close the database connection."""
        self._db.close()

    def __enter__(self) -> SQLiteStore:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    @property
    def schema_version(self) -> int:
        """The schema version of the open file."""
        with self._guard():
            return int(self._db.execute("PRAGMA user_version").fetchone()[0])

    # -- runs and streaks ------------------------------------------------------------------

    def record_run(self, results: Iterable[LinkResult], *,
                   started: datetime | None = None,
                   seen: Iterable[str] = ()) -> RunSummary:
        """Store one finished run and update each URL's streak, in one transaction; every
        URL of `seen` (the run's catalog) and of `results` is marked as seen now."""
        results = list({r.url: r for r in results}.values())
        finished = self._now()
        start = _iso(started) if started else finished
        counts = Counter(r.status.value for r in results)
        checked = sum(1 for r in results if r.status is not Status.EXCLUDED)
        failed = sum(1 for r in results if r.status in HEALTH_FAILURES)
        healthy = self._healthy(checked, failed)
        with self._transaction():
            cur = self._db.execute(
                "INSERT INTO runs (started, finished, healthy, checked, failed, counts)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (start, finished, int(healthy), checked, failed,
                 json.dumps(dict(sorted(counts.items())))))
            run_id = int(cur.lastrowid or 0)
            self._db.executemany(
                "INSERT INTO results (run_id, url, status, http_status, final_url, error, title,"
                " moved_to) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [(run_id, r.url, r.status.value, r.http_status, r.final_url, r.error, r.title,
                  r.moved_to) for r in results])
            for result in results:
                self._update_link(run_id, result, finished, healthy)
            self._db.executemany(
                "UPDATE links SET seen = ? WHERE url = ?",
                [(finished, url) for url in dict.fromkeys([*seen, *(r.url for r in results)])])
            self._db.execute("INSERT INTO meta (key, value) VALUES ('first_run', ?)"
                             " ON CONFLICT (key) DO NOTHING", (start,))
            self._prune(run_id)
        return RunSummary(run_id=run_id, started=start, finished=finished, healthy=healthy,
                          checked=checked, failed=failed, counts=dict(counts))

    def history(self, urls: Iterable[str] | None = None) -> dict[str, LinkHistory]:
        """Streak and last result per URL (all known URLs when `urls` is None)."""
        query = ("SELECT url, streak, first_failure, last_status, last_checked, last_ok"
                 " FROM links")
        with self._guard():
            if urls is None:
                rows = self._db.execute(query).fetchall()
            else:
                rows = []
                wanted = list(dict.fromkeys(urls))
                for chunk in _chunks(wanted, 500):
                    marks = ",".join("?" * len(chunk))
                    rows += self._db.execute(f"{query} WHERE url IN ({marks})",
                                             chunk).fetchall()
        return {row[0]: self._history(row) for row in rows}

    def fresh_results(self, max_age: float) -> dict[str, LinkResult]:
        """URLs whose last result was ok/redirect within `max_age` seconds: skip them."""
        if max_age <= 0:
            return {}
        since = _iso(self._clock() - timedelta(seconds=max_age))
        alive = tuple(s.value for s in ALIVE)
        with self._guard():
            rows = self._db.execute(
                "SELECT r.url, r.status, r.http_status, r.final_url, r.title, r.moved_to"
                " FROM links l JOIN results r ON r.run_id = l.last_run AND r.url = l.url"
                f" WHERE l.last_checked >= ? AND r.status IN ({','.join('?' * len(alive))})",
                (since, *alive)).fetchall()
        return {
            url: LinkResult(url=url, status=Status(status), http_status=http_status,
                            final_url=final_url, title=title,
                            permanent=status == Status.REDIRECT.value, moved_to=moved_to,
                            cached=True)
            for url, status, http_status, final_url, title, moved_to in rows
        }

    def runs(self, limit: int = 10) -> list[RunSummary]:
        """The latest runs, newest first."""
        with self._guard():
            rows = self._db.execute(
                "SELECT id, started, finished, healthy, checked, failed, counts FROM runs"
                " ORDER BY id DESC LIMIT ?", (limit,)).fetchall()
        return [RunSummary(run_id=r[0], started=r[1], finished=r[2], healthy=bool(r[3]),
                           checked=r[4], failed=r[5], counts=json.loads(r[6])) for r in rows]

    # -- the history as a whole (history_file.py) ------------------------------------------

    def export_snapshot(self) -> Snapshot:
        """Everything the next run needs, as plain values: run count and dates, the runs
        that links refer to, each link's streak and last result, the ETag cache."""
        with self._guard():
            first, count, last = self._db.execute(
                "SELECT (SELECT value FROM meta WHERE key = 'first_run'), max(id),"
                " (SELECT finished FROM runs ORDER BY id DESC LIMIT 1) FROM runs").fetchone()
            runs = [RunRecord(r[0], r[1], bool(r[2]), r[3], r[4], json.loads(r[5]))
                    for r in self._db.execute(
                        "SELECT started, finished, healthy, checked, failed, counts FROM runs"
                        " WHERE id IN (SELECT DISTINCT last_run FROM links)"
                        " OR id = (SELECT max(id) FROM runs)"
                        " OR finished IN (SELECT DISTINCT last_ok FROM links)"
                        " OR finished IN (SELECT DISTINCT seen FROM links)")]
            rows = self._db.execute(
                "SELECT l.url, l.last_checked, l.last_status, l.seen, l.streak,"
                " l.first_failure, l.last_ok, r.http_status, r.final_url, r.moved_to"
                " FROM links l LEFT JOIN results r ON r.run_id = l.last_run AND r.url = l.url"
                f" AND r.status IN ({','.join('?' * len(ALIVE))})",
                tuple(s.value for s in ALIVE)).fetchall()
            etags = self._db.execute("SELECT url, etag, body, stored FROM etags").fetchall()
        return Snapshot(
            runs=int(count or 0), first_run=first or (runs[0].started if runs else None),
            last_run=last, recent=runs,
            links={row[0]: LinkRecord._make(row) for row in rows},
            etags={row[0]: EtagRecord(*row) for row in etags})

    def import_snapshot(self, snapshot: Snapshot, *, max_age: float | None = None) -> None:
        """Replace the whole history with `snapshot` (one transaction): the runs keep
        their numbers (the latest is `snapshot.runs`), so the next run counts on. Last
        results are kept for the max-age cache only where `fresh_results(max_age)` can use
        them (None: all); with no cache (0) that halves the time of a large import."""
        recent = sorted(snapshot.recent, key=lambda run: run.finished)
        last_id = max(snapshot.runs, len(recent))
        ids = {run.finished: last_id - len(recent) + 1 + n for n, run in enumerate(recent)}
        alive = {s.value for s in ALIVE}
        since = "" if max_age is None else _iso(self._clock() - timedelta(seconds=max_age))
        with self._transaction():
            for table in ("results", "runs", "links", "etags", "meta"):
                self._db.execute(f"DELETE FROM {table}")
            self._db.execute("DELETE FROM sqlite_sequence WHERE name = 'runs'")
            if last_id:
                self._db.execute("INSERT INTO sqlite_sequence (name, seq) VALUES ('runs', ?)",
                                 (last_id,))
            self._db.executemany(
                "INSERT INTO runs (id, started, finished, healthy, checked, failed, counts)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                [(ids[r.finished], r.started, r.finished, int(r.healthy), r.checked, r.failed,
                  json.dumps(dict(sorted(r.counts.items())))) for r in recent])
            links = snapshot.links.values()
            self._db.executemany(
                "INSERT INTO links (url, streak, first_failure, last_run, last_status,"
                " last_checked, last_ok, seen) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [(k.url, k.streak, k.first_failure, ids.get(k.checked or ""), k.status,
                  k.checked, k.last_ok, k.seen) for k in links])
            self._db.executemany(
                "INSERT INTO results (run_id, url, status, http_status, final_url, moved_to)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                [(ids[k.checked], k.url, k.status, k.http_status, k.final_url, k.moved_to)
                 for k in links
                 if k.checked in ids and k.status in alive and k.checked >= since])
            self._db.executemany(
                "INSERT INTO etags (url, etag, body, stored) VALUES (?, ?, ?, ?)",
                [(e.url, e.etag, e.body, e.stored) for e in snapshot.etags.values()])
            if snapshot.first_run:
                self._db.execute("INSERT INTO meta (key, value) VALUES ('first_run', ?)",
                                 (snapshot.first_run,))

    # -- ETag cache ------------------------------------------------------------------------

    def get_etag(self, url: str) -> CachedResponse | None:
        """The stored ETag and body for `url`, if any."""
        with self._guard():
            row = self._db.execute("SELECT etag, body FROM etags WHERE url = ?",
                                   (url,)).fetchone()
        return CachedResponse(etag=row[0], body=row[1]) if row else None

    def put_etag(self, url: str, etag: str, body: str) -> None:
        """Remember `url`'s ETag and body (replacing an older one)."""
        with self._transaction():
            self._db.execute(
                "INSERT INTO etags (url, etag, body, stored) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (url) DO UPDATE SET etag = excluded.etag, body = excluded.body,"
                " stored = excluded.stored", (url, etag, body, self._now()))

    # -- soft-404 probes --------------------------------------------------------------------

    def get_probe(self, host: str) -> dict[str, Any] | None:
        """`host`'s soft-404 probe answer, stored less than `PROBE_MAX_AGE` ago."""
        since = _iso(self._clock() - PROBE_MAX_AGE)
        with self._guard():
            row = self._db.execute("SELECT sample FROM probes WHERE host = ? AND stored >= ?",
                                   (host, since)).fetchone()
        if row is None:
            return None
        try:
            data = json.loads(row[0])
        except ValueError:
            return None  # a damaged cache entry: the host is asked again
        return data if isinstance(data, dict) else None

    def put_probe(self, host: str, sample: dict[str, Any]) -> None:
        """Remember `host`'s soft-404 probe answer (replacing an older one)."""
        with self._transaction():
            self._db.execute(
                "INSERT INTO probes (host, sample, stored) VALUES (?, ?, ?)"
                " ON CONFLICT (host) DO UPDATE SET sample = excluded.sample,"
                " stored = excluded.stored", (host, json.dumps(sample), self._now()))

    # -- internals -------------------------------------------------------------------------

    def _healthy(self, checked: int, failed: int) -> bool:
        if checked == 0 or failed < self.unhealthy_min_failures:
            return True
        return failed / checked <= self.unhealthy_share

    def _update_link(self, run_id: int, result: LinkResult, now: str, healthy: bool) -> None:
        status = result.status
        self._db.execute(
            "INSERT INTO links (url) VALUES (?) ON CONFLICT (url) DO NOTHING", (result.url,))
        if status in ALIVE:
            self._db.execute(
                "UPDATE links SET streak = 0, first_failure = NULL, last_ok = ? WHERE url = ?",
                (now, result.url))
        elif status is Status.DEAD and healthy:
            self._db.execute(
                "UPDATE links SET streak = streak + 1,"
                " first_failure = COALESCE(first_failure, ?) WHERE url = ?",
                (now, result.url))
        self._db.execute(
            "UPDATE links SET last_run = ?, last_status = ?, last_checked = ? WHERE url = ?",
            (run_id, status.value, now, result.url))

    def _prune(self, run_id: int) -> None:
        if self.keep_runs > 0:
            self._db.execute("DELETE FROM runs WHERE id <= ?", (run_id - self.keep_runs,))

    def _history(self, row: tuple[str, int, str | None, str | None, str | None, str | None]
                 ) -> LinkHistory:
        url, streak, first_failure, last_status, last_checked, last_ok = row
        return LinkHistory(url=url, streak=streak, first_failure=first_failure,
                           last_status=last_status, last_checked=last_checked, last_ok=last_ok,
                           confirmed_dead=streak >= self.dead_after)

    def _check_integrity(self) -> None:
        problems = [row[0] for row in self._db.execute("PRAGMA quick_check(3)").fetchall()]
        if problems != ["ok"]:
            raise sqlite3.DatabaseError("database disk image is malformed: " + "; ".join(problems))

    def _migrate(self) -> None:
        version = int(self._db.execute("PRAGMA user_version").fetchone()[0])
        if version > SCHEMA_VERSION:
            raise StateError(
                f"{self.name}: state schema version {version} is newer than this curatorbot "
                f"knows ({SCHEMA_VERSION}); upgrade curatorbot or pass --state with another file")
        if version == 0:
            tables = self._db.execute(
                "SELECT count(*) FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'").fetchone()[0]
            if tables:
                raise StateError(
                    f"{self.name}: an SQLite database that is not curatorbot's run history; "
                    "pass --state with another path, or move this file aside")
        for number in range(version + 1, SCHEMA_VERSION + 1):
            with self._transaction():
                for statement in MIGRATIONS[number - 1]:
                    self._db.execute(statement)
                self._db.execute(f"PRAGMA user_version = {number}")

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        """All or nothing; inside `staged()`, a savepoint of the staged transaction."""
        with self._guard():
            nested = self._db.in_transaction
            self._db.execute("SAVEPOINT step" if nested else "BEGIN IMMEDIATE")
            try:
                yield
            except BaseException:
                if nested:
                    self._db.execute("ROLLBACK TO step")
                    self._db.execute("RELEASE step")
                elif self._db.in_transaction:
                    self._db.execute("ROLLBACK")
                raise
            self._db.execute("RELEASE step" if nested else "COMMIT")

    @contextmanager
    def staged(self) -> Iterator[None]:
        """Everything written inside lands at once when the block ends, and not at all when
        it ends by an exception (Ctrl-C included): a run interrupted after its check was
        recorded leaves the history as it was before the run."""
        with self._transaction():
            yield

    @contextmanager
    def _guard(self) -> Iterator[None]:
        """Translate sqlite3 errors into StateError, once, with what to do."""
        try:
            yield
        except sqlite3.OperationalError as exc:
            text = str(exc)
            if "locked" in text or "busy" in text:
                raise StateError(
                    f"{self.name}: the state database is locked by another process (another "
                    "curatorbot run?); wait for it to finish, or pass --state with another "
                    "file") from None
            raise StateError(f"{self.name}: state database error ({text}); move the file "
                             "aside to start a new history") from None
        except sqlite3.DatabaseError as exc:
            raise StateError(
                f"{self.name}: not a usable curatorbot state database ({exc}); nothing was "
                f"changed: move it aside (e.g. mv {self.name} {self.name}.broken) and run "
                "again to start a new history") from None

    def _now(self) -> str:
        return _iso(self._clock())


def open_store(settings: Settings, *, enabled: bool = True,
               name: str | None = None) -> SQLiteStore:
    """The run-history store of `settings.state` (in memory when `enabled` is False,
    i.e. `--no-state`), with the run's `dead_after` and `unhealthy_share`; error messages
    call the file `name` (default: its path)."""
    return SQLiteStore(settings.state if enabled else MEMORY, dead_after=settings.dead_after,
                       unhealthy_share=settings.unhealthy_share, name=name)


def _chunks(items: Sequence[str], size: int) -> Iterator[Sequence[str]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]
