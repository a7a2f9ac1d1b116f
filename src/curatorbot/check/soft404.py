"""Soft 404s by probe: a page that answers 2xx but looks like what the host says for a path
that cannot exist.

The runner asks, once per host and run, for `probe_url(page_url)`: a random segment in the
page's directory (`/docs/a.html` -> `/docs/<random>.html`, `/docs/guide/` ->
`/docs/<random>/`), never the site root; a site root (`/`, `/index.html`, no query) is never
probed and never judged. Each answer becomes a `Sample` (`sample(...)`: the URL asked, final
URL, status, title, visible text reduced to a sketch); `judge(page, probe)` gives the
`Verdict`:

    page is a site root ........................... trusted ("site-root")
    probe 404 / 410 ............................... trusted ("honest-host")
    probe not 2xx (403, 5xx, ...) ................. trusted ("probe-inconclusive")
    page not 2xx .................................. not judged ("not-2xx")
    probe 2xx, text similarity >= NEAR_SAME ....... soft 404 ("similar")
    probe 2xx, similarity >= SIMILAR, same title .. soft 404 ("similar")
    either text shorter than MIN_WORDS words ...... soft 404 only when also the same final
                                                    URL or the page says "not found"
    otherwise ..................................... trusted ("different")

Similarity is the Jaccard index of word 3-shingles, estimated from bottom-k sketches
(`SKETCH` smallest 64-bit blake2b hashes; exact for pages of fewer shingles). Chosen over a
fuzzy hash (ssdeep, TLSH): no dependency, exact on the short texts error templates are, stable
across processes, so a probe's `Sample` can be cached in the run history as JSON
(`to_json`/`from_json`) and compared next week. Before hashing, each side drops the echoes of
its own URL's path (whole, or its last segment, separators read as spaces: templates echo
the path asked) and words holding digits (dates, request ids, counters), so a template that
echoes the path still compares as the same page.
A host whose random paths show its home page cannot make its home page a soft 404: the root
is never judged, and other pages differ from the home page.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote, urlsplit, urlunsplit

SHINGLE = 3
SKETCH = 128
NEAR_SAME = 0.85
SIMILAR = 0.6
MIN_WORDS = 12
HONEST_CODES = frozenset({404, 410})

_ROOT_PAGES = re.compile(r"/(?:index|default)\.(?:html?|php|aspx?|jsp|cgi)?$", re.IGNORECASE)
_WORD = re.compile(r"\w+")
_SEPARATORS = re.compile(r"[-_.+~]+")
_NOT_FOUND = re.compile(
    r"\b(?:404\b|not\s+found|page\s+(?:does\s+not|doesn.t|cannot\s+be|could\s+not\s+be)"
    r"|no\s+longer\s+(?:exists|available)|nicht\s+gefunden|introuvable|no\s+encontrad)",
    re.IGNORECASE)


def is_site_root(url: str) -> bool:
    """Whether `url` is its site's home page: path `/` (or an index file) and no query."""
    parts = urlsplit(url)
    return not parts.query and (parts.path in ("", "/") or bool(_ROOT_PAGES.fullmatch(parts.path)))


def probe_url(url: str, token: str | None = None) -> str | None:
    """A URL in `url`'s directory that cannot exist, or None for a site root (never probed).

    The last segment is replaced by `token` (default: 16 random hex digits), keeping its
    extension or trailing slash so the server routes the probe as it routes the page."""
    if is_site_root(url):
        return None
    parts = urlsplit(url)
    token = token or secrets.token_hex(8)
    path = parts.path or "/"
    if path.endswith("/"):
        parent = path.rstrip("/").rsplit("/", 1)[0]
        new_path = f"{parent}/{token}/"
    else:
        parent, last = path.rsplit("/", 1)
        dot = last.rfind(".")
        suffix = last[dot:] if 0 < dot < len(last) - 1 and len(last) - dot <= 6 else ""
        new_path = f"{parent}/{token}{suffix}"
    return urlunsplit((parts.scheme, parts.netloc, new_path, "", ""))


@dataclass(frozen=True, slots=True)
class Sample:
    """One answer reduced to what the comparison needs (JSON-able for the run history)."""

    url: str
    final_url: str
    status: int
    title: str | None
    sketch: tuple[int, ...]
    words: int
    says_not_found: bool

    def to_json(self) -> dict[str, Any]:
        return {"url": self.url, "final_url": self.final_url, "status": self.status,
                "title": self.title, "sketch": list(self.sketch), "words": self.words,
                "says_not_found": self.says_not_found}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Sample:
        return cls(url=str(data["url"]), final_url=str(data["final_url"]),
                   status=int(data["status"]),
                   title=None if data.get("title") is None else str(data["title"]),
                   sketch=tuple(int(h) for h in data["sketch"]), words=int(data["words"]),
                   says_not_found=bool(data["says_not_found"]))


def sample(url: str, final_url: str, status: int, title: str | None, text: str) -> Sample:
    """The `Sample` of an answer: `text` is the page's visible text (check.visible_text)."""
    words = _words(_strip_echo(text, url))
    return Sample(url=url, final_url=final_url, status=status,
                  title=" ".join(_words(_strip_echo(title or "", url))) or None,
                  sketch=_sketch(words), words=len(words),
                  says_not_found=bool(_NOT_FOUND.search(f"{title or ''} {text}")))


@dataclass(frozen=True, slots=True)
class Verdict:
    """The judgement on one page; `similarity` is the evidence when texts were compared."""

    soft404: bool
    reason: str
    similarity: float | None = None
    probe_url: str | None = None

    @property
    def evidence(self) -> str:
        """One line a reviewer can follow."""
        if self.similarity is None:
            return self.reason
        return (f"{self.reason}: visible text {self.similarity:.2f} similar to the answer "
                f"for a random path ({self.probe_url})")


def judge(page: Sample, probe: Sample) -> Verdict:
    """Whether `page` is a soft 404, given the host's answer `probe` for a random path."""
    if is_site_root(page.url):
        return Verdict(False, "site-root")
    if probe.status in HONEST_CODES:
        return Verdict(False, "honest-host")
    if not 200 <= probe.status < 300:
        return Verdict(False, "probe-inconclusive")
    if not 200 <= page.status < 300:
        return Verdict(False, "not-2xx")
    score = round(similarity(page.sketch, probe.sketch), 3)
    same_title = page.title == probe.title
    similar = score >= NEAR_SAME or (score >= SIMILAR and same_title)
    if similar and min(page.words, probe.words) < MIN_WORDS:
        same_place = _bare(page.final_url) == _bare(probe.final_url)
        similar = same_place or page.says_not_found
    return Verdict(similar, "similar" if similar else "different", score, probe.url)


def similarity(a: tuple[int, ...], b: tuple[int, ...]) -> float:
    """The Jaccard index of two shingle sets, estimated from their bottom-k sketches."""
    if not a and not b:
        return 1.0
    set_a, set_b = set(a), set(b)
    union = sorted(set_a | set_b)[:SKETCH]
    return sum(1 for h in union if h in set_a and h in set_b) / len(union)


def _words(text: str) -> list[str]:
    return [w for w in _WORD.findall(text.lower()) if not any(c.isdigit() for c in w)]


def _strip_echo(text: str, url: str) -> str:
    """`text` without the echoes of `url`'s path: whole, decoded, its last segment as
    written and with its separators read as spaces (longest first)."""
    path = urlsplit(url).path
    last = path.rstrip("/").rsplit("/", 1)[-1]
    echoes = {path, unquote(path), last, unquote(last), _SEPARATORS.sub(" ", unquote(last))}
    for echo in sorted((e for e in echoes if len(e) > 1), key=len, reverse=True):
        text = re.sub(re.escape(echo), " ", text, flags=re.IGNORECASE)
    return text


def _sketch(words: list[str]) -> tuple[int, ...]:
    if not words:
        return ()
    count = max(1, len(words) - SHINGLE + 1)
    hashes = {int.from_bytes(hashlib.blake2b(" ".join(words[i:i + SHINGLE]).encode(),
                                             digest_size=8).digest(), "big")
              for i in range(count)}
    return tuple(sorted(hashes)[:SKETCH])


def _bare(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc.lower(), parts.path or "/", parts.query, ""))
