"""The only package that knows aiohttp: every request the bot makes goes through here.

* `guard`: the resolver with the private-address guard and DNS cache, `--resolve`'s table;
* `client`: `HttpClient`, the session and TLS set-up (User-Agent, `--insecure`,
  `--resolve`, timeouts) and one `request` returning a `Reply` or a typed `Failure`;
* `failures`: aiohttp's and the OS's exceptions translated into a `Failure`, once;
* `hosts`: the per-host pacing (slots, spacing, 429 slow-down) and outage tracking;
* `retry`: the one frozen retry policy (tenacity), async and sync;
* `headers`: `Retry-After` (seconds or an HTTP date), parsed in one place;
* `ratelimit`: an API's rate-limit window (`X-RateLimit-*`) and the capped, announced waits.

Nothing else imports aiohttp (tests/test_layering.py enforces it). `Resolver` is the
resolver type callers may pass (tests and `--resolve` map names to loopback).
"""

from aiohttp.abc import AbstractResolver as Resolver

__all__ = ["Resolver"]
