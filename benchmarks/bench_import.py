"""Figures for `curatorbot import` on a generated awesome list of 3,000 links (or N).

Run: .venv/bin/python benchmarks/bench_import.py [LINKS]
Prints the wall time and the peak Python memory (tracemalloc) of reading
the list and writing its catalog YAML, of the reading alone, of loading the same file as a
Markdown catalog, and the share of the list's lines that `render(import(list))` writes back
byte for byte. No network is used.
"""

from __future__ import annotations

import re
import sys
import tempfile
from pathlib import Path

from bench_render_import import measure  # one untraced run timed, then one traced

from curatorbot.catalog import load_catalog, parse_catalog
from curatorbot.catalog.importer import import_markdown
from curatorbot.catalog.markdown import read_markdown
from curatorbot.catalog.render import render_markdown


def generated_list(links: int, per_section: int = 60) -> str:
    """An awesome list: a badge, a table of contents, sections of `- [T](u) - text` items
    (some with a second link or a tag), a table and a details block now and then."""
    lines = ["# Awesome Generated [![Awesome](https://awesome.re/badge.svg)]"
             "(https://awesome.re)", "", "> Things, generated for a benchmark.", "",
             "## Contents", ""]
    sections = (links + per_section - 1) // per_section
    lines += [f"- [Section {k}](#section-{k})" for k in range(sections)]
    made = 0
    for k in range(sections):
        lines += ["", f"## Section {k}", "", f"Tools of kind {k}.", ""]
        for i in range(per_section):
            if made >= links:
                break
            n = made
            if i % 10 == 9:
                lines.append(f"- [Tool {n}](https://github.com/owner{n}/tool-{n}) | "
                             f"[Docs](https://docs{n}.example.org/) - Does *thing* {n}, "
                             f"well. `MIT`")
                made += 2
            else:
                lines.append(f"- [Tool {n}](https://tool{n}.example.org/path_(x)?id={n}) - "
                             f"A tool that does thing {n} with [a link](https://x{n}.example.org/).")
                made += 2
        lines += ["", "**[⬆ back to top](#contents)**"]
    return "\n".join(lines) + "\n"


def same_lines(text: str) -> tuple[int, int]:
    """How many list-item lines with a link `render(import(text))` writes byte for byte."""
    catalog = parse_catalog(import_markdown(text, "list.md").text, "list.yaml")
    page = {line.strip() for line in render_markdown(catalog).splitlines()}
    items = [line.strip() for line in text.splitlines()
             if re.match(r"\s*[-*+] .*\]\(https?://", line)]
    return sum(1 for line in items if line in page), len(items)


def main() -> None:
    links = int(sys.argv[1]) if len(sys.argv) > 1 else 3000
    text = generated_list(links)
    print(f"generated list: {links} links, {len(text) / 1024:.0f} KiB of Markdown")
    result = measure("import (Markdown -> YAML)", lambda: import_markdown(text, "list.md"))
    print(f"  -> {result.entries} entries, {result.links} links, "
          f"{len(result.text) / 1024:.0f} KiB of YAML")
    measure("read_markdown (the reader alone)", lambda: read_markdown(text, "list.md"))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "README.md"
        path.write_text(text, encoding="utf-8")
        catalog = measure("load as a Markdown catalog", lambda: load_catalog(path))
        print(f"  -> {sum(1 for _ in catalog.links())} links checked")
    same, total = same_lines(text)
    print(f"render(import(list)): {same} of {total} list lines byte for byte "
          f"({100 * same / total:.1f}%)")


if __name__ == "__main__":
    main()
