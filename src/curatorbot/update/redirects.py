"""Which permanent redirects may replace a catalog URL.

A permanent redirect usually means "the page moved": the catalog should follow it. Some do
not: a dead page that a site sends to its home page, a page behind a login wall, a consent
or captcha interstitial, a parking or domain-sale service (check.parked; a page the check
found parked is held by the planner too). Those are held for a human (`ChangeKind.HELD`),
never applied.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from curatorbot.check.parked import service_of

_LOGIN_HOSTS = re.compile(
    r"^(accounts\.google\.com|login\.microsoftonline\.com|login\.live\.com|"
    r"consent\.(google|youtube)\.com|auth\.|login\.|signin\.|sso\.|id\.)", re.I)
_LOGIN_PATH = re.compile(
    r"(^|/)(login|log-in|signin|sign-in|sign_in|signon|sso|auth|oauth2?|authorize|session|"
    r"sessions|account/login|users/sign_in|register|signup|sign-up|captcha|challenge|"
    r"consent|validatecaptcha)(/|\.|$)", re.I)
_LOGIN_QUERY = re.compile(r"(^|&)(returnurl|return_to|redirect_uri|continue|next|"
                          r"service)=", re.I)


def held_reason(old: str, new: str) -> str | None:
    """Why the redirect `old` -> `new` must not be applied, or None when it is fine."""
    try:
        before, after = urlsplit(old), urlsplit(new)
    except ValueError:
        return "the target is not a valid URL"
    if after.scheme not in ("http", "https") or not after.hostname:
        return "the target is not an http(s) URL"
    if _LOGIN_HOSTS.match(after.hostname) or _LOGIN_PATH.search(after.path) or (
            _LOGIN_QUERY.search(after.query) and not _LOGIN_QUERY.search(before.query)):
        return "it leads to a login or consent page"
    if service_of(new) is not None and service_of(old, any_path=True) is None:
        return "it leads to a parking or domain-sale service"
    if after.path.strip("/") == "" and before.path.strip("/") != "" and not after.query:
        return "it leads to the site's home page (the page itself may be gone)"
    return None
