"""A README.md as the catalog: `check` and `update` through the real CLI against loopback
servers. `update` may change only the characters of URLs that moved; every other byte of the
file stays as it was."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from curatorbot.catalog.lint import lint_catalog
from curatorbot.catalog.model import Catalog
from curatorbot.plan import ChangeKind, load_plan
from tests.cli.refusal import invoke, refused, sha256
from tests.fakes.world import FAST_SETTINGS, World

README = """\
# Awesome Loopback [![Awesome]({badge_img})]({badge})

> A list about servers that answer on 127.0.0.1.

## Contents

- [Tools](#tools)
- [Books](#books)

## Tools

Things that move around.

- [Mover](<{moved}>) - Moved *permanently* (see [the docs]({docs})).{hard_break}
- [Repo](<{renamed}>) | [Mirror]({moved}) - The same page twice; both move.
* **[Tracked]({tracked})**: has tracking parameters `MIT`
- [Gone]({dead}) - Dead: reported, never touched.
- Reference: [ref link][ref] - written in a definition, so it cannot be edited.

```
- [Not a link]({moved}) - code stays code
```

**[⬆ back to top](#contents)**

## Books

| Year | Book | About |
|------|------|-------|
| 2017 | [Table Book]({moved2}) | A row of a table |

<details><summary><b><a href="{html_moved}">HTML Entry</a></b> - in a details summary</summary>

- [Docs]({docs})
</details>

[ref]: {ref_moved}
"""


def fill(world: World, target: bool) -> str:
    """The README with each moving URL (or, with `target`, where it moved to)."""
    def pick(old: str, new: str) -> str:
        return new if target else old

    return README.format(
        badge_img=world.url("ok/badge.svg"), badge=world.url("ok/badge"),
        moved=pick(world.url("moved/1"), world.url("ok/1")), docs=world.url("ok/docs"),
        renamed=pick(world.gh("bob/tool"), world.gh("carol/tool-ng")),
        tracked=pick(world.url("ok/7?utm_source=list&id=3"), world.url("ok/7?id=3")),
        dead=world.url("switch/d"), moved2=pick(world.url("moved/2"), world.url("ok/2")),
        html_moved=pick(world.url("moved/3"), world.url("ok/3")),
        ref_moved=world.url("moved/4"), hard_break="   ",
    ).replace("[Not a link](" + world.url("ok/1"), "[Not a link](" + world.url("moved/1"))


def write_readme(world: World, crlf: bool = False) -> Path:
    path = world.tmp / "README.md"
    text = fill(world, target=False)
    path.write_bytes(text.replace("\n", "\r\n" if crlf else "\n").encode("utf-8"))
    # A longer timeout than the other tests': two cores shared by many test runs.
    settings = {**FAST_SETTINGS, "dead_after": 1, "timeout": 15}
    (world.tmp / ".curatorbot.yaml").write_text(
        "".join(f"{key}: {value}\n" for key, value in settings.items()), encoding="utf-8")
    return path


async def test_update_edits_only_the_moved_urls_bytes(world: World) -> None:
    world.farm.switches["d"] = 404
    readme = write_readme(world)
    before = readme.read_bytes()
    plan = world.tmp / "plan.json"
    result = await world.update(str(readme), "--plan-out", str(plan))
    assert result.code == 2, result.output  # the dead link fails the run
    after = readme.read_bytes()
    # Every byte is the same but the moved URLs' own: the whole file compared.
    assert after.decode() == fill(world, target=True), result.output
    assert after != before
    changes = load_plan(plan.read_text(encoding="utf-8"))
    kinds = sorted((c.kind.value, c.url) for c in changes)
    assert (ChangeKind.RENAMED.value, world.gh("bob/tool")) in kinds
    assert (ChangeKind.CLEANUP.value, world.url("ok/7?utm_source=list&id=3")) in kinds
    # A URL held in a reference definition is not written where it is used: held.
    held = [c for c in changes if c.kind == ChangeKind.HELD]
    assert [c.url for c in held] == [world.url("moved/4")]
    assert "not written literally" in held[0].evidence.note
    # Nothing about the dead link, no metadata: a Markdown file has no place for them.
    assert all(c.field == "url" for c in changes)
    assert world.url("switch/d") not in {c.url for c in changes}
    # A second run has nothing left to move.
    again = await world.update(str(readme))
    assert readme.read_bytes() == after, again.output
    # The pull request carries the README and the same table of changes.
    pr = await world.cli("pr", "--catalog", str(readme), "--plan", str(plan),
                         "--path-in-repo", "README.md", "--dry-run")
    assert pr.code == 0, pr.output
    assert "file: README.md" in pr.stdout
    assert world.url("moved/2") in pr.stdout and world.url("ok/2") in pr.stdout


async def test_update_keeps_crlf_and_bom(world: World) -> None:
    readme = write_readme(world, crlf=True)
    readme.write_bytes(b"\xef\xbb\xbf" + readme.read_bytes())
    result = await world.update(str(readme))
    assert result.code == 0, result.output
    expected = fill(world, target=True).replace("\n", "\r\n").encode("utf-8")
    assert readme.read_bytes() == b"\xef\xbb\xbf" + expected


async def test_check_reports_every_link_with_its_line(world: World) -> None:
    world.farm.switches["d"] = 404
    readme = write_readme(world)
    text = readme.read_text(encoding="utf-8")
    out = world.tmp / "report.json"
    result = await world.cli("check", str(readme), "--allow-private", "--resolve",
                             "github.com=127.0.0.4", "--resolve", "*=nxdomain",
                             "--format", "json", "--output", str(out))
    assert result.code == 2, result.output
    rows = {row["url"]: row for row in json.loads(out.read_text())["results"]}
    lines = text.splitlines()

    def line_of(url: str) -> int:
        return next(i for i, line in enumerate(lines, 1) if url in line)

    # Links outside entries (the badge in the heading) are checked too; images are not.
    assert world.url("ok/badge") in rows and world.url("ok/badge.svg") not in rows
    for url in (world.url("moved/1"), world.url("ok/docs"), world.url("switch/d"),
                world.url("moved/2"), world.url("moved/3"), world.url("ok/badge")):
        assert rows[url]["line"] == line_of(url), url
    assert rows[world.url("moved/4")]["line"] == line_of("[ref link][ref]")
    assert rows[world.url("switch/d")]["status"] == "dead"
    assert rows[world.url("moved/1")]["entry"] == "mover"
    assert rows[world.url("moved/3")]["entry"] == "html-entry"
    assert rows[world.url("moved/2")]["entry"] == "table-book"


async def test_side_settings_are_validated_with_their_line(world: World) -> None:
    readme = write_readme(world)
    (world.tmp / ".curatorbot.yaml").write_text("retries: 0\ntimeout: soon\n",
                                                encoding="utf-8")
    result = await world.cli("check", str(readme))
    assert result.code == 3
    assert result.stderr == (f"curatorbot: error: {world.tmp / '.curatorbot.yaml'}:2: setting "
                             "'timeout' must be a whole number or a number, found 'soon'\n")


def test_lint_fix_cleans_urls_of_a_readme_in_place(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from curatorbot.cli import main

    text = ("# List\n\n## Tools\n\n"
            "- [A](https://a.example.invalid/?utm_source=x&id=1) - keep *this* byte\r\n"
            "- [B](https://b.example.invalid/) - and this `one`\r\n"
            "- [A again](https://a.example.invalid/?id=1)\r\n")
    readme = tmp_path / "list.markdown"
    readme.write_bytes(text.encode("utf-8"))
    result = CliRunner().invoke(main, ["lint", str(readme), "--fix"])
    assert result.exit_code == 2, result.output  # the duplicate is left to a person
    assert readme.read_bytes() == text.replace("?utm_source=x&id=1", "?id=1").encode("utf-8")
    assert f"{readme}:5: fixed [tracking-params]" in result.stdout
    assert f"{readme}:7: [duplicate-url] entry 'a-again'" in result.stdout


def test_lint_fix_never_claims_a_url_it_cannot_edit(tmp_path: Path) -> None:
    """A URL not written literally (an entity, a backslash escape) has no span to edit: lint
    does not offer --fix for it, nor says it fixed it; the literal one is fixed."""
    text = ("# List\n\n## Tools\n\n"
            "- [A](https://a.example.invalid/?utm_source=x&amp;id=1) - an entity\n"
            "- [B](https://b.example.invalid/?id=2\\&utm_source=y) - an escape\n"
            "- [C](https://c.example.invalid/?utm_source=z) - literal\n")
    readme = tmp_path / "README.md"
    readme.write_text(text, encoding="utf-8")
    listed = invoke("lint", str(readme)).output.splitlines()
    assert listed[-1] == f"{readme}: 3 problem(s), 1 fixable with --fix"
    assert f"{readme}:5: [tracking-params] entry 'a': " \
        "https://a.example.invalid/?utm_source=x&id=1 carries tracking parameters " \
        "(utm_source); drop them by hand (the URL is not written literally, so --fix " \
        "cannot edit it)" in listed
    result = invoke("lint", "--fix", str(readme))
    assert result.exit_code == 2, result.output
    assert readme.read_text(encoding="utf-8") == text.replace("?utm_source=z", "")
    fixed = [line for line in result.output.splitlines() if "fixed [" in line]
    assert fixed == [f"{readme}:7: fixed [tracking-params] https://c.example.invalid/?utm_source=z "
                     "-> https://c.example.invalid/"]
    assert result.output.splitlines()[-1] == f"{readme}: 2 problem(s), 0 fixable with --fix"


def test_lint_flags_non_canonical_ips_of_a_readme(tmp_path: Path) -> None:
    readme = tmp_path / "README.md"
    readme.write_text("# List\n\n## Hosts\n\n- [Short](http://127.1/a) - an entry\n\n"
                      "See also <http://0x7f.0.0.1/b> and [fine](http://127.0.0.1/c).\n",
                      encoding="utf-8")
    before = sha256(readme)
    result = invoke("lint", str(readme))
    assert result.exit_code == 2, result.output
    flagged = [line for line in result.output.splitlines() if "non-canonical" in line]
    assert flagged == [
        f"{readme}:5: [non-canonical-ip] entry 'short': http://127.1/a: non-canonical IP "
        "address; write it as 127.0.0.1",
        f"{readme}:7: [non-canonical-ip] entry '': http://0x7f.0.0.1/b: non-canonical IP "
        "address; write it as 127.0.0.1"]
    assert sha256(readme) == before


def test_lint_fix_on_a_read_only_readme_is_exit_3_and_writes_nothing(tmp_path: Path) -> None:
    readme = tmp_path / "README.md"
    readme.write_text("# List\n\n## Tools\n\n"
                      "- [A](https://a.example.invalid/?utm_source=x&id=1) - tracked\n",
                      encoding="utf-8")
    readme.chmod(0o444)
    try:
        lines = refused(readme, "lint", "--fix", str(readme))
    finally:
        readme.chmod(0o644)
    assert lines == [f"curatorbot: error: {readme}: the catalog is read-only; make it writable "
                     f"(chmod u+w {readme}), or run without writing it"]


def test_lint_fix_of_a_readme_edited_meanwhile_leaves_the_persons_bytes(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Compare-and-swap: the fix is not written over a README changed after it was read."""
    readme = tmp_path / "README.md"
    readme.write_text("# List\n\n## Tools\n\n"
                      "- [A](https://a.example.invalid/?utm_source=x&id=1) - tracked\n",
                      encoding="utf-8")
    theirs = "# List\n\n## Tools\n\n- [B](https://b.example.invalid/) - a person's edit\n"

    def edit_while_linting(catalog: Catalog) -> object:
        readme.write_text(theirs, encoding="utf-8")  # someone saves the file meanwhile
        return lint_catalog(catalog)

    monkeypatch.setattr("curatorbot.commands.lint.lint_catalog", edit_while_linting)
    result = invoke("lint", "--fix", str(readme))
    assert result.exit_code == 3, result.output
    assert readme.read_text(encoding="utf-8") == theirs


def test_a_readme_nested_too_deep_is_refused_with_its_line(tmp_path: Path) -> None:
    readme = tmp_path / "README.md"
    readme.write_text("# List\n\n## Links\n\n" + "".join(
        f"{'  ' * i}- [Item {i}](https://example.org/{i}) - text\n" for i in range(200)),
        encoding="utf-8")
    problem = (f"{readme}:54: lists or quotes nested too deep (over 100 levels: a list "
               "level counts 2, a quote 1); flatten them")
    assert refused(readme, "check", str(readme)) == [f"curatorbot: error: {problem}"]
    assert refused(readme, "lint", str(readme)) == [
        problem, f"{readme}: invalid catalog: 1 problem(s)"]


def test_side_settings_out_of_range_are_refused_with_their_line(tmp_path: Path) -> None:
    readme = tmp_path / "README.md"
    readme.write_text("# List\n\n## Tools\n\n- [A](https://a.example.invalid/) - a tool\n",
                      encoding="utf-8")
    side = tmp_path / ".curatorbot.yaml"
    side.write_text("retries: 1\ntimeout: .nan\n", encoding="utf-8")
    lines = refused(readme, "check", str(readme))
    assert lines == [f"curatorbot: error: {side}:2: setting 'timeout': nan is not a finite "
                     "number; give seconds, more than 0 and at most 3600"]
