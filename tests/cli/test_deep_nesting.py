"""Sections nested 200, 1000 and 5000 deep (issue 10, item 4): the README says sections nest
to any depth, so every command that reads the catalog answers as it would for a flat one,
through the real CLI; `import` refuses Markdown nested deeper than markdown-it reads, with
one file:line line and exit 3, instead of dropping it."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from tests.cli.refusal import invoke, refused, sha256

DEPTHS = [200, 1000, 5000]  # libyaml stops at 1000 levels of nesting: about 500 sections


def deep_catalog(tmp_path: Path, depth: int, url: str, *, block: bool = False) -> Path:
    """A catalog whose one entry sits in a section `depth` levels down (flow style keeps
    the file linear in the depth; block style indents every level)."""
    entry = f"{{id: e1, title: E, kind: website, links: [{{url: '{url}'}}]}}"
    if block:
        lines = ["version: 1", "title: Deep", "sections:"]
        for i in range(depth):
            pad = "  " * i
            lines += [f"{pad}- id: s{i}", f"{pad}  title: S{i}",
                      f"{pad}  {'sections' if i < depth - 1 else 'entries'}:"]
        lines.append("  " * depth + f"- {entry}")
        text = "\n".join(lines) + "\n"
    else:
        opening = "".join(f"{{id: s{i}, title: S{i}, sections: [" for i in range(depth - 1))
        text = (f"version: 1\ntitle: Deep\nsections:\n  - {opening}{{id: s{depth - 1}, "
                f"title: S{depth - 1}, entries: [{entry}]}}" + "]}" * (depth - 1) + "\n")
    path = tmp_path / "catalog.yaml"
    path.write_text(text)
    return path


# Block style indents every level (1000 levels is a 6 MB file): it is read at 200.
@pytest.mark.parametrize(("depth", "block"), [(d, False) for d in DEPTHS] + [(200, True)],
                         ids=[f"{d}-flow" for d in DEPTHS] + ["200-block"])
def test_lint_check_render_read_any_depth(tmp_path: Path, depth: int, block: bool) -> None:
    path = deep_catalog(tmp_path, depth, "http://127.0.0.1:9/x", block=block)
    before = sha256(path)
    lint = invoke("lint", str(path))
    assert (lint.exit_code, lint.output.strip()) == (0, f"{path}: clean")
    # No network: the one link is loopback, excluded while --allow-private is not given.
    check = invoke("check", str(path), "--format", "json")
    assert check.exit_code == 0, check.output
    report = json.loads(check.stdout)
    assert report["summary"]["total"] == report["summary"]["excluded"] == 1
    assert report["results"][0]["entry"] == "e1"
    page = tmp_path / "page.md"
    render = invoke("render", str(path), "-o", str(page))
    assert render.exit_code == 0, render.output
    text = page.read_text()
    assert text.count("\n###### ") == depth - 4  # h2..h5, then h6 for every deeper one
    assert text.endswith(f"###### S{depth - 1}\n\n- [E](http://127.0.0.1:9/x)\n")
    assert sha256(path) == before


@pytest.mark.parametrize("depth", DEPTHS)
async def test_update_dry_run_edits_the_deepest_link(tmp_path: Path, site: str,
                                                     depth: int) -> None:
    path = deep_catalog(tmp_path, depth, f"{site}/moved/1")
    before = sha256(path)
    result = await asyncio.to_thread(invoke, "update", str(path), "--dry-run",
                                     "--allow-private", "--state",
                                     str(tmp_path / "state.sqlite"), "-q")
    assert result.exit_code == 0, result.output
    assert f"-{path.read_text().splitlines()[-1]}" in result.stdout  # the diff of the line
    assert f"url: '{site}/ok/1'" in result.stdout
    assert sha256(path) == before


@pytest.mark.parametrize("depth", DEPTHS)
def test_a_problem_deep_down_names_its_line(tmp_path: Path, depth: int) -> None:
    path = deep_catalog(tmp_path, depth, "example.org/x")
    lines = refused(path, "lint", str(path))
    assert lines[0] == f"{path}:4: 'example.org/x' is not an http(s) URL; use an " \
                       "absolute http:// or https:// address", lines


def nested_list(depth: int) -> str:
    return "# List\n\n## Links\n\n" + "".join(
        f"{'  ' * i}- [Item {i}](https://example.org/{i}) - text\n" for i in range(depth))


def test_import_reads_a_list_nested_40_deep_whole(tmp_path: Path) -> None:
    source = tmp_path / "list.md"
    source.write_text(nested_list(40))
    result = invoke("import", str(source))
    assert result.exit_code == 0, result.output
    assert result.stdout.count("- url: https://example.org/") == 40


# A list indents every level (5000 levels is a 25 MB file): lists at 200, quotes at each.
@pytest.mark.parametrize(("depth", "shape"), [(200, "list")] + [(d, "quote") for d in DEPTHS])
def test_import_refuses_markdown_nested_too_deep(tmp_path: Path, depth: int,
                                                 shape: str) -> None:
    source = tmp_path / "list.md"
    source.write_text(nested_list(depth) if shape == "list" else
                      "# Q\n\n## S\n\n" + ">" * depth + " - [x](https://example.org/q)\n")
    line = 54 if shape == "list" else 5  # the 51st item, or the quote
    lines = refused(source, "import", str(source))
    assert lines == [f"curatorbot: error: {source}:{line}: lists or quotes nested too deep "
                     "for import (over 100 levels: a list level counts 2, a quote 1); "
                     "flatten them"]
