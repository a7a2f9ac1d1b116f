"""Benchmark: the cost of making a server's text printable (`check.classify.network_text`).

    .venv/bin/python benchmarks/bench_printable.py

Prints the time per call for a short failure message, a 300-character reason phrase with
escape sequences, and the 400 KB message aiohttp makes of a HEAD answered with a body
(only a prefix of `SCAN_FACTOR` times the limit is cleaned, so the last costs what a
300-character text does). No network.
"""

from __future__ import annotations

import timeit

from curatorbot.check.classify import network_text

CASES = {
    "short (18 chars)": "connection refused",
    "reason with escapes (300 chars)": "Bad \x1b[31mRED\x1b[0m \x07" + "R" * 290,
    "HEAD with a body (400 KB)": "malformed answer: Data after `Connection: close`:\n\n  b'"
                                 + "x" * 400_000 + "'",
}


def main() -> None:
    for name, text in CASES.items():
        runs = 200
        best = min(timeit.repeat(lambda text=text: network_text(text), number=runs, repeat=5))
        print(f"{name:34} {best / runs * 1e6:9.1f} µs per call")


if __name__ == "__main__":
    main()
