"""`curatorbot lint`: schema, duplicate URLs and URL hygiene, without network; `--fix`
rewrites the catalog compare-and-swap, checked writable before anything else is done."""

from __future__ import annotations

import json
from pathlib import Path
from typing import IO

import click

from curatorbot.catalog.edit import apply_edits, apply_span_edits, read_raw
from curatorbot.catalog.lint import Finding, fix_edits, lint_catalog
from curatorbot.catalog.load import parse_catalog
from curatorbot.commands.common import catalog_argument, format_option, open_output, output_option
from curatorbot.errors import EXIT_FAILURES, EXIT_INVALID, EXIT_OK, CatalogInvalid, Problem


@click.command()
@catalog_argument
@format_option("text", "json")
@output_option
@click.option("--fix", is_flag=True, help="Clean tracking parameters and redirect wrappers "
              "in place (every other byte of the file stays as it was).")
@click.pass_context
def lint(ctx: click.Context, catalog: Path, fmt: str, output: Path | None, fix: bool) -> None:
    """Validate CATALOG without network: schema, duplicate URLs, tracking parameters and
    redirect wrappers. Exit 0 when clean, 2 with problems, 3 when the catalog is invalid
    (or, with --fix, cannot be written), 130 interrupted."""
    name = str(catalog)
    fixed: list[Finding] = []
    try:
        raw = read_raw(catalog, for_writing=fix)
        text = raw.text
        loaded = parse_catalog(text, name)
        findings = lint_catalog(loaded)
        edits = fix_edits(findings) if fix else []
        if edits:
            text = apply_span_edits(text, edits) if loaded.markdown \
                else apply_edits(text, edits, name)
            raw.write(text)
            fixed = [f for f in findings if f.fix is not None]
            findings = lint_catalog(parse_catalog(text, name))
    except CatalogInvalid as exc:
        with open_output(output) as out:
            _write(out, fmt, name, exc.problems, [], [])
        ctx.exit(EXIT_INVALID)
    with open_output(output) as out:
        _write(out, fmt, name, [], findings, fixed)
    ctx.exit(EXIT_FAILURES if findings else EXIT_OK)


def _write(out: IO[str], fmt: str, name: str, problems: list[Problem],
           findings: list[Finding], fixed: list[Finding]) -> None:
    def echo(line: str) -> None:
        click.echo(line, file=out)

    if fmt == "json":
        echo(json.dumps({
            "file": name,
            "valid": not problems,
            "problems": [{"code": p.code, "line": p.line, "message": p.message,
                          "hint": p.hint} for p in problems],
            "findings": [f.to_json() for f in findings],
            "fixed": [f.to_json() for f in fixed],
            "summary": {"problems": len(problems), "findings": len(findings),
                        "fixable": sum(f.fix is not None for f in findings),
                        "fixed": len(fixed)},
        }, indent=2, ensure_ascii=False))
        return
    for p in problems:
        echo(f"{p}")
    for f in fixed:
        echo(f"{name}:{f.line}: fixed [{f.code}] {f.url} -> {f.fix}")
    for f in findings:
        hint = f"; {f.hint}" if f.hint else ""
        echo(f"{name}:{f.line}: [{f.code}] entry '{f.entry}': {f.message}{hint}")
    if problems:
        echo(f"{name}: invalid catalog: {len(problems)} problem(s)")
    elif findings:
        fixable = sum(f.fix is not None for f in findings)
        echo(f"{name}: {len(findings)} problem(s), {fixable} fixable with --fix")
    else:
        echo(f"{name}: clean" + (f" after {len(fixed)} fix(es)" if fixed else ""))

