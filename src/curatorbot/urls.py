"""URL hygiene: tracking parameters, redirect wrappers, and the key that finds duplicates.

`clean_url` removes what a catalog should never hold (tracking parameters, redirect
wrappers such as Google's `/url?...&url=`) and leaves every other byte of the URL alone.
`dedupe_key` is only a comparison key: two URLs with the same key are the same resource.
`is_web_url` says which links are checked at all (http(s) with a host).
`ipv4_literal` reads a host written as an IPv4 address in any of the forms URL parsers and
`inet_aton` accept (`2130706433`, `0177.0.0.1`, `127.1`, `0x7f.1`); `noncanonical_ip` is the
one predicate `lint` (a problem) and `check` (excluded) use to refuse every form but the
dotted quad, whose meaning does not depend on which parser or resolver reads it.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from urllib.parse import SplitResult, parse_qsl, unquote, urlsplit, urlunsplit

# Query parameters that only track the reader, on any host.
TRACKING_PARAMS = frozenset({
    "fbclid", "gclid", "gclsrc", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "twclid",
    "igshid", "igsh", "mc_cid", "mc_eid", "_hsenc", "_hsmi", "mkt_tok", "vero_id", "wickedid",
    "oly_anon_id", "oly_enc_id", "_ga", "_gl", "s_cid", "ttclid", "li_fat_id", "srsltid",
})
TRACKING_PREFIXES = ("utm_", "pk_", "mtm_")
# Parameters that track only on some hosts (elsewhere they may carry meaning).
HOST_TRACKING_PARAMS: dict[str, frozenset[str]] = {
    "youtube.com": frozenset({"pp", "si", "feature", "ab_channel"}),
    "youtu.be": frozenset({"si", "feature"}),
    "open.spotify.com": frozenset({"si"}),
    "twitter.com": frozenset({"s", "t", "ref_src"}),
    "x.com": frozenset({"s", "t", "ref_src"}),
    "amazon.com": frozenset({"ref", "ref_", "pd_rd_w", "pd_rd_r", "pf_rd_p", "pf_rd_r",
                             "pd_rd_wg", "psc", "qid", "sr", "crid", "sprefix", "dib", "dib_tag"}),
}


@dataclass(frozen=True)
class _Wrapper:
    host: re.Pattern[str]
    path: re.Pattern[str]
    params: tuple[str, ...]


# Redirect wrappers: (host pattern, path pattern, the parameters that carry the real URL).
WRAPPERS: tuple[_Wrapper, ...] = tuple(
    _Wrapper(re.compile(h), re.compile(p), params) for h, p, params in (
        (r"^(www\.)?google\.[a-z.]+$", r"^/url$", ("url", "q")),
        (r"^(l|lm|m|www)\.facebook\.com$", r"^/l\.php$", ("u",)),
        (r"^l\.instagram\.com$", r"^/$", ("u",)),
        (r"^.*\.safelinks\.protection\.outlook\.com$", r"^/", ("url",)),
        (r"^(www\.)?youtube\.com$", r"^/redirect$", ("q",)),
        (r"^(www\.)?linkedin\.com$", r"^/redir/redirect", ("url",)),
        (r"^(www\.)?duckduckgo\.com$", r"^/l/$", ("uddg",)),
        (r"^slack-redir\.net$", r"^/link$", ("url",)),
        (r"^(www\.)?reddit\.com$", r"^/r/.*/out$|^/out$", ("url",)),
        (r"^steamcommunity\.com$", r"^/linkfilter/", ("url", "u")),
        (r"^(away\.)?vk\.com$", r"^/away\.php$", ("to",)),
    )
)

# Every host some wrapper may be on (one test before trying each wrapper).
_WRAPPER_HOST = re.compile("|".join(f"(?:{w.host.pattern})" for w in WRAPPERS))

DEFAULT_PORTS = {"http": 80, "https": 443}


_IPV4_DIGITS = {10: frozenset("0123456789"), 8: frozenset("01234567"),
                16: frozenset("0123456789abcdef")}


_IPV4_CHARS = frozenset("0123456789abcdefxABCDEFX.")


def _ipv4_part(part: str) -> int | None:
    """One dot-separated part of an IPv4 host: decimal, octal (`0` first) or hex (`0x`)."""
    if part[:2].lower() == "0x":
        digits, base = part[2:].lower(), 16
    elif len(part) > 1 and part.startswith("0"):
        digits, base = part[1:], 8
    else:
        digits, base = part, 10
    if not digits:
        return 0 if base != 10 else None  # "0x" alone is 0, as WHATWG's URL parser reads it
    if not set(digits) <= _IPV4_DIGITS[base] or len(digits.lstrip("0")) > 12:
        return None
    return int(digits, base)


def ipv4_literal(host: str) -> ipaddress.IPv4Address | None:
    """The IPv4 address `host` spells in any form URL parsers or `inet_aton` read as one:
    the dotted quad, fewer parts (`127.1`), one number (`2130706433`), octal (`0177`) or hex
    (`0x7f`) parts, a trailing dot. None for a host name, or numbers out of range."""
    if not _IPV4_CHARS.issuperset(host):
        return None  # a name: it has a letter no number form uses
    parts = host.split(".")
    if len(parts) > 1 and parts[-1] == "":
        parts.pop()
    if not 1 <= len(parts) <= 4:
        return None
    numbers = [_ipv4_part(part) for part in parts]
    if None in numbers:
        return None
    *head, last = [n for n in numbers if n is not None]
    if any(n > 255 for n in head) or last >= 256 ** (5 - len(numbers)):
        return None
    value = last
    for i, number in enumerate(head):
        value += number << (8 * (3 - i))
    return ipaddress.IPv4Address(value)


def is_web_url(url: str) -> bool:
    """Whether `url` is an http(s) URL with a host: the only links `check` asks and `update`
    writes to. A catalog link of another scheme (`mailto:`, `ftp:`, `data:`) loads, `lint`
    flags it and `check` reports it `excluded`."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.hostname)


def noncanonical_ip(host: str) -> str | None:
    """The dotted quad `host` means when it is an IPv4 address written any other way
    (`127.1` -> "127.0.0.1"), else None (the dotted quad itself, or a name)."""
    ip = ipv4_literal(host)
    if ip is None or str(ip) == host:
        return None
    return str(ip)


def host_key(url: str) -> str:
    """The host a URL is polite to and counted against: its host name (lower case, as
    urlsplit gives it; ports share the host), or "" when there is none or it is invalid."""
    parts = _split(url)
    return (parts.hostname or "") if parts is not None else ""


def _split(url: str) -> SplitResult | None:
    """`urlsplit(url)`, or None when it cannot be split."""
    try:
        return urlsplit(url)
    except ValueError:
        return None


def unwrap(url: str) -> str | None:
    """The URL a redirect wrapper points at, or None when `url` is not a known wrapper."""
    parts = _split(url)
    return _unwrap(parts, (parts.hostname or "").lower()) if parts is not None else None


def _unwrap(parts: SplitResult, host: str) -> str | None:
    """`unwrap` of a split URL whose host (lower case) is `host`."""
    if not _WRAPPER_HOST.match(host):
        return None
    for wrapper in WRAPPERS:
        if wrapper.host.match(host) and wrapper.path.match(parts.path or "/"):
            params = dict(parse_qsl(parts.query, keep_blank_values=True))
            for name in wrapper.params:
                target = params.get(name, "").strip()
                if target.startswith(("http://", "https://")):
                    return target
                if target.startswith(("http%3A", "https%3A", "http%3a", "https%3a")):
                    return unquote(target)
    return None


# Per domain of HOST_TRACKING_PARAMS, every name that tracks there (the global ones too).
_DOMAIN_TRACKING_NAMES = {domain: TRACKING_PARAMS | names
                          for domain, names in HOST_TRACKING_PARAMS.items()}


def _tracking_names(host: str) -> frozenset[str]:
    """The parameter names that track on `host` (lower case): the global ones, plus those of
    every HOST_TRACKING_PARAMS domain that is `host` or a parent domain of it."""
    names = TRACKING_PARAMS
    suffix = host
    while True:
        domain_names = _DOMAIN_TRACKING_NAMES.get(suffix)
        if domain_names is not None:
            names = domain_names if names is TRACKING_PARAMS else names | domain_names
        dot = suffix.find(".")
        if dot < 0:
            return names
        suffix = suffix[dot + 1:]


def _param_name(piece: str) -> str:
    """The decoded, lower-case name of one `name=value` piece of a query."""
    return unquote(piece.split("=", 1)[0]).lower()


def _is_tracking(name: str, names: frozenset[str]) -> bool:
    return name in names or name.startswith(TRACKING_PREFIXES)


def tracking_params(url: str) -> list[str]:
    """Names of the tracking parameters in `url`'s query, in order."""
    parts = _split(url)
    if parts is None or not parts.query:
        return []
    names = _tracking_names((parts.hostname or "").lower())
    found = (_param_name(piece) for piece in parts.query.split("&"))
    return [name for name in found if _is_tracking(name, names)]


def strip_tracking(url: str) -> str:
    """`url` without tracking parameters; everything else byte for byte as it was."""
    parts = _split(url)
    return _strip_tracking(url, parts) if parts is not None else url


def _strip_tracking(url: str, parts: SplitResult) -> str:
    """`strip_tracking` of `url`, split as `parts`."""
    if not parts.query:
        return url
    names = _tracking_names((parts.hostname or "").lower())
    pieces = parts.query.split("&")
    tracking = [_is_tracking(_param_name(piece), names) for piece in pieces]
    if not any(tracking):
        return url
    kept = [piece for piece, drop in zip(pieces, tracking, strict=True) if piece and not drop]
    return urlunsplit(parts._replace(query="&".join(kept)))


def clean_url(url: str) -> str:
    """Surrounding white space, redirect wrappers (nested too) and tracking removed."""
    return _clean(url)[0]


def _clean(url: str) -> tuple[str, SplitResult | None]:
    """`clean_url(url)` and its split (None when it cannot be split)."""
    url = url.strip()
    parts = _split(url)
    for _ in range(5):
        if parts is None:
            return url, None
        inner = _unwrap(parts, (parts.hostname or "").lower())
        if inner is None:
            break
        url = inner.strip()
        parts = _split(url)
    if parts is None:
        return url, None
    clean = _strip_tracking(url, parts)
    return clean, (parts if clean is url else _split(clean))


def dedupe_key(url: str) -> str:
    """A key equal for URLs that name the same resource: scheme http/https, host case,
    default ports, a trailing slash, tracking parameters and wrappers do not count."""
    url, parts = _clean(url)
    try:
        if parts is None:
            return url
        port = parts.port
    except ValueError:
        return url
    host = (parts.hostname or "").lower().rstrip(".")
    if port is not None and port != DEFAULT_PORTS.get(parts.scheme.lower()):
        host = f"{host}:{port}"
    path = parts.path.rstrip("/")
    scheme = "https" if parts.scheme.lower() in ("http", "https") else parts.scheme.lower()
    return urlunsplit((scheme, host, path, parts.query, parts.fragment))
