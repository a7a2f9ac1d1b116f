"""Figures for `curatorbot import` and `curatorbot render` on a large synthetic list.

Run: .venv/bin/python benchmarks/bench_render_import.py [ENTRIES]
Prints wall time and peak Python memory (tracemalloc) of each step; no network is used.
"""

from __future__ import annotations

import sys
import time
import tracemalloc
from collections.abc import Callable
from typing import TypeVar

from curatorbot.catalog import parse_catalog
from curatorbot.catalog.importer import import_markdown
from curatorbot.catalog.render import render_markdown

T = TypeVar("T")


def synthetic_list(entries: int, per_section: int = 100) -> str:
    """An awesome-list-like document: sections of list items and bold-title entries."""
    lines = ["# Awesome Synthetic", ""]
    for i in range(entries):
        if i % per_section == 0:
            lines += ["", f"## Section {i // per_section}", ""]
        if i % 2:
            lines.append(f"- [Tool {i}](https://tool{i}.example.invalid/x?id={i}) - does "
                         f"things, see [docs](https://docs{i}.example.invalid/).")
        else:
            lines += ["", f"**Book {i}** - Ann Author & Bob Writer - "
                          f"[Book](https://book{i}.example.invalid/) | "
                          f"[Code](https://github.com/owner/repo{i})",
                      f"> A description with [a talk](https://talk{i}.example.invalid/v).", ""]
    return "\n".join(lines) + "\n"


def measure(label: str, func: Callable[[], T]) -> T:
    """Time one untraced run, then the peak memory of a second, traced run."""
    start = time.perf_counter()
    result = func()
    elapsed = time.perf_counter() - start
    tracemalloc.start()
    func()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"{label:<28} {elapsed * 1000:9.1f} ms   peak {peak / 2**20:7.1f} MiB")
    return result


def main() -> None:
    entries = int(sys.argv[1]) if len(sys.argv) > 1 else 5000
    text = synthetic_list(entries)
    print(f"synthetic list: {entries} entries, {len(text) / 1024:.0f} KiB of Markdown")
    imported = measure("import (Markdown -> YAML)", lambda: import_markdown(text, "bench.md"))
    print(f"  -> {imported.entries} entries, {imported.links} links, "
          f"{len(imported.text) / 1024:.0f} KiB of YAML")
    catalog = measure("load (parse_catalog)", lambda: parse_catalog(imported.text, "bench"))
    page = measure("render (catalog -> Markdown)", lambda: render_markdown(catalog))
    print(f"  -> {len(page) / 1024:.0f} KiB of Markdown")


if __name__ == "__main__":
    main()
