"""Figures for catalog loading against libyaml's own pace, and for start-up.

Run: .venv/bin/python benchmarks/bench_load.py [--links 100000] [--repeat 5]

On a generated catalog (one link per entry; entries carry tags and a summary; every 50th
URL has a tracking parameter and every 100th repeats an earlier one, so lint has findings
to report), prints the median wall time of:
  events   libyaml turning the file into YAML events and nothing else (CParser.get_event
           in a loop): the floor any loader built on those events stands on
  load     curatorbot.catalog.load_catalog (every entry, link and line mark)
  lint     load + lint_catalog in this process, and `curatorbot lint` as a user runs it
           (a child process: start-up, reading, loading, linting, printing)
  version  `curatorbot --version` as a child process
and the ratios to the events time, in wall and in CPU seconds. No network is used.
"""

from __future__ import annotations

import argparse
import compileall
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import yaml

from curatorbot.catalog.lint import lint_catalog
from curatorbot.catalog.load import load_catalog

ROOT = Path(__file__).resolve().parent.parent


def write_catalog(links: int, path: Path, per_section: int = 500) -> None:
    """A catalog of `links` entries with one link each, in sections of `per_section`."""
    lines = ["version: 1", "title: Benchmark", "sections:"]
    for i in range(links):
        if i % per_section == 0:
            lines += [f"  - id: s{i // per_section}", f"    title: Section {i // per_section}",
                      "    entries:"]
        n = i - 37 if i % 100 == 99 else i  # every 100th URL repeats an earlier one
        query = "?utm_source=feed" if i % 50 == 0 else ""
        lines += [f"      - id: e{i}", f"        title: Resource number {i}",
                  "        kind: website", "        tags: [python, testing]",
                  f"        summary: What resource {i} is about, in one sentence.",
                  "        links:",
                  f"          - url: https://host{n % 997}.example.org/page/{n}{query}"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def events_only(path: Path) -> None:
    parser = yaml.CSafeLoader(path.read_bytes())
    get_event = parser.get_event
    while get_event() is not None:
        pass
    parser.dispose()


def median_times(func: Callable[[], object], repeat: int) -> tuple[float, float]:
    """Median wall and median CPU seconds (this process's and its children's) of `func`."""
    walls, cpus = [], []
    for _ in range(repeat):
        cpu = _cpu()
        started = time.perf_counter()
        func()
        walls.append(time.perf_counter() - started)
        cpus.append(_cpu() - cpu)
    return statistics.median(walls), statistics.median(cpus)


def _cpu() -> float:
    own, children = (resource.getrusage(who)
                     for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def child(*args: str) -> Callable[[], object]:
    argv = [sys.executable, "-m", "curatorbot", *args]
    return lambda: subprocess.run(argv, cwd=ROOT, stdout=subprocess.DEVNULL,
                                  stderr=subprocess.DEVNULL, check=False)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--links", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5, help="runs per figure (median)")
    args = parser.parse_args()
    if not hasattr(yaml, "CSafeLoader"):
        raise SystemExit("PyYAML was built without libyaml: nothing to compare with")
    # Start-up as an installed package has it: modules compiled beforehand.
    compileall.compile_dir(str(ROOT / "src" / "curatorbot"), quiet=1)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "catalog.yaml"
        write_catalog(args.links, path)
        size = path.stat().st_size
        events = median_times(lambda: events_only(path), args.repeat)
        load = median_times(lambda: load_catalog(path), args.repeat)
        lint = median_times(lambda: lint_catalog(load_catalog(path)), args.repeat)
        lint_cli = median_times(child("lint", str(path)), args.repeat)
        findings = len(lint_catalog(load_catalog(path)))
    version = median_times(child("--version"), max(args.repeat, 9))
    print(f"catalog: {args.links} links, {size / 2**20:.1f} MiB, {findings} lint findings; "
          f"median of {args.repeat} runs (CPU seconds too: the machine may be shared)")
    print(f"  {'':24} {'wall s':>7} {'x events':>8}   {'CPU s':>7} {'x events':>8}")
    for label, (wall, cpu) in (("libyaml events only", events), ("load_catalog", load),
                               ("load + lint_catalog", lint),
                               ("curatorbot lint (CLI)", lint_cli)):
        print(f"  {label:24} {wall:7.2f} {wall / events[0]:8.2f}   {cpu:7.2f} "
              f"{cpu / events[1]:8.2f}")
    print(f"  curatorbot --version     {version[0]:7.3f} s wall, {version[1]:.3f} s CPU")

if __name__ == "__main__":
    main()
