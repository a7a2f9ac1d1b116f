"""Figures for catalogs whose sections nest deep: load, walk and compose (for edits).

Run: .venv/bin/python benchmarks/bench_deep_sections.py [DEPTH ...]
Prints the wall time of each step per depth (flow style, so the file grows linearly).
Past about 500 levels libyaml refuses the nesting and PyYAML's own parser reads on; its
scanner does work proportional to the depth for every token, so time grows quadratically.
"""

from __future__ import annotations

import sys
import time

from curatorbot.catalog.load import compose, parse_catalog


def deep_catalog(depth: int) -> str:
    entry = "{id: e1, title: E, kind: website, links: [{url: 'https://example.org/x'}]}"
    opening = "".join(f"{{id: s{i}, title: S{i}, sections: [" for i in range(depth - 1))
    return (f"version: 1\ntitle: Deep\nsections:\n  - {opening}{{id: s{depth - 1}, "
            f"title: S{depth - 1}, entries: [{entry}]}}" + "]}" * (depth - 1) + "\n")


def main() -> None:
    depths = [int(a) for a in sys.argv[1:]] or [200, 400, 1000, 2000, 5000]
    print(f"{'depth':>6} {'bytes':>9} {'load s':>8} {'links s':>8} {'compose s':>10}")
    for depth in depths:
        text = deep_catalog(depth)
        started = time.perf_counter()
        catalog = parse_catalog(text, "deep.yaml")
        loaded = time.perf_counter()
        paths = list(catalog.link_paths())
        walked = time.perf_counter()
        compose(text, "deep.yaml")
        composed = time.perf_counter()
        assert len(paths) == 1 and len(paths[0][1]) == 2 * depth + 4
        print(f"{depth:>6} {len(text):>9} {loaded - started:>8.2f} {walked - loaded:>8.3f} "
              f"{composed - walked:>10.2f}")


if __name__ == "__main__":
    main()
