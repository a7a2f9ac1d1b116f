"""Nothing lost (issue 10, items 1 and 2) through the real CLI, against loopback servers:

- `update` writes the catalog compare-and-swap: an entry a person appends while a slow link
  is being checked survives (exit 3, one line, the report still printed, no plan written);
- the catalog keeps its permissions, owner and symbolic link when it is replaced;
- a read-only catalog or folder is exit 3 before any request (`update`, `lint --fix`);
- every `--output` / `-o` and `--plan-out` path is checked before any request or write.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import shutil
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from curatorbot.cli import main
from tests.cli.test_lint import DIRTY
from tests.fakes.world import Result, World

APPENDED = """\
      - id: added-by-hand
        title: Added while update ran
        kind: website
        links:
          - url: 'https://example.org/by-hand'
"""


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def farm_requests(world: World) -> int:
    return sum(s.requests for s in world.farm.stats.values())


def one_error(result: Result) -> str:
    """The single line on stderr, an error line, and no traceback anywhere."""
    assert "Traceback" not in result.output and "unexpected error" not in result.output
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("curatorbot: error: "), line
    return line


@pytest.fixture
def restore_modes(tmp_path: Path) -> Iterator[list[Path]]:
    """Paths whose permissions a test takes away; given back so tmp_path can be removed."""
    paths: list[Path] = []
    yield paths
    for path in paths:
        path.chmod(0o755 if path.is_dir() else 0o644)


@pytest.mark.parametrize("edit", ["append", "delete"])
async def test_a_catalog_edited_while_update_runs_is_left_as_the_person_made_it(
        world: World, edit: str) -> None:
    catalog = world.catalog([world.url("moved/1"), world.url("slow/1?s=1.5")])
    plan = world.tmp / "plan.json"
    run = asyncio.create_task(world.update(str(catalog), "--format", "json", "--quiet",
                                           "--plan-out", str(plan)))
    # A person edits the catalog while the slow link is being checked.
    for _ in range(200):
        if any("/slow/1" in path for s in world.farm.stats.values() for _, _, path in s.log):
            break
        await asyncio.sleep(0.05)
    else:
        pytest.fail("the slow link was never asked")
    if edit == "append":
        with catalog.open("a", encoding="utf-8") as stream:
            stream.write(APPENDED)
        edited: str | None = sha256(catalog)
    else:
        catalog.unlink()
        edited = None
    result = await run

    assert result.code == 3, result.output
    line = one_error(result)
    assert line == (f"curatorbot: error: {catalog}: changed on disk while curatorbot was "
                    "running (edited meanwhile?); nothing was written to it: run the "
                    "command again")
    # The person's bytes, exactly (or still no file at all).
    assert (sha256(catalog) if catalog.exists() else None) == edited
    assert not plan.exists()  # a plan of changes that were not written would mislead `pr`
    report = json.loads(result.stdout)  # the report is still printed
    assert {r["url"]: r["status"] for r in report["results"]}[world.url("moved/1")] == \
        "redirect"
    assert [p.name for p in world.tmp.iterdir() if p.name.startswith(".catalog")] == []


async def test_the_replaced_catalog_keeps_mode_owner_and_symlink(world: World) -> None:
    real = world.catalog([world.url("moved/1")], name="real.yaml")
    real.chmod(0o640)
    if os.geteuid() == 0:
        os.chown(real, 65534, 65534)
    link = world.tmp / "catalog.yaml"
    link.symlink_to(real.name)
    before = sha256(real)
    result = await world.update(str(link), "--quiet")
    assert result.code == 0, result.output
    assert sha256(real) != before and world.url("ok/1") in real.read_text(encoding="utf-8")
    assert link.is_symlink() and link.readlink() == Path(real.name)
    info = real.stat()
    assert stat.S_IMODE(info.st_mode) == 0o640
    if os.geteuid() == 0:
        assert (info.st_uid, info.st_gid) == (65534, 65534)


@pytest.mark.parametrize("locked", ["file", "folder"])
async def test_a_read_only_catalog_or_folder_stops_update_before_any_request(
        world: World, restore_modes: list[Path], locked: str) -> None:
    folder = world.tmp / "ro"
    folder.mkdir()
    catalog = world.catalog([world.url("moved/1")], name="ro/catalog.yaml")
    target, mode = (catalog, 0o444) if locked == "file" else (folder, 0o555)
    target.chmod(mode)
    restore_modes.append(target)
    before = sha256(catalog)
    result = await world.update(str(catalog))
    assert result.code == 3, result.output
    assert one_error(result) == "curatorbot: error: " + {
        "file": f"{catalog}: the catalog is read-only; make it writable (chmod u+w "
                f"{catalog}), or run without writing it",
        "folder": f"{catalog}: its folder {folder} is not writable (the catalog is replaced "
                  "through a temporary file there); make the folder writable"}[locked]
    assert farm_requests(world) == 0 and not world.state.exists()
    assert sha256(catalog) == before and stat.S_IMODE(target.stat().st_mode) == mode
    # A dry run writes nothing, so it may read the catalog.
    dry = await world.update(str(catalog), "--dry-run", "--quiet")
    assert dry.code == 0, dry.output
    assert sha256(catalog) == before


def test_lint_fix_on_a_read_only_catalog_is_exit_3(tmp_path: Path,
                                                    restore_modes: list[Path]) -> None:
    catalog = tmp_path / "catalog.yaml"
    catalog.write_text(DIRTY, encoding="utf-8")
    catalog.chmod(0o444)
    restore_modes.append(catalog)
    before = sha256(catalog)
    result = CliRunner().invoke(main, ["lint", "--fix", str(catalog)])
    assert result.exit_code == 3, result.output
    assert one_error(Result(result.exit_code, result.stdout, result.stderr)).endswith(
        f"{catalog}: the catalog is read-only; make it writable (chmod u+w {catalog}), or "
        "run without writing it")
    assert sha256(catalog) == before


# Every command that takes --output, with the arguments that make it otherwise succeed.
OUTPUT_COMMANDS = ["check", "update", "lint", "render", "import"]


def _command(world: World, name: str, catalog: Path, markdown: Path) -> list[str]:
    network = ["--allow-private", "--state", str(world.state)]
    return {"check": ["check", str(catalog), "--allow-private"],
            "update": ["update", str(catalog), *network],
            "lint": ["lint", str(catalog)],
            "render": ["render", str(catalog)],
            "import": ["import", str(markdown)]}[name]


@pytest.mark.parametrize("command", OUTPUT_COMMANDS)
async def test_output_into_a_missing_folder_is_exit_3_before_any_work(
        world: World, command: str) -> None:
    catalog = world.catalog([world.url("moved/1")])
    markdown = world.tmp / "list.md"
    markdown.write_text(f"# Links\n\n- [One]({world.url('ok/1')})\n", encoding="utf-8")
    before = sha256(catalog)
    target = world.tmp / "missing" / "out.txt"
    args = [*_command(world, command, catalog, markdown), "-o", str(target)]
    result = await world.cli(*args)
    assert result.code == 3, result.output
    assert one_error(result) == (
        f"curatorbot: error: {target}: the folder {target.parent} does not exist; create "
        "it or give --output/-o another path")
    assert not target.parent.exists()
    assert farm_requests(world) == 0 and not world.state.exists()
    assert sha256(catalog) == before


@pytest.mark.parametrize("first", [True, False], ids=["output-first", "output-last"])
@pytest.mark.parametrize("command", OUTPUT_COMMANDS)
async def test_output_onto_the_commands_own_input_is_exit_3_before_any_work(
        world: World, command: str, first: bool) -> None:
    """`render README.md -o README.md`, `import README.md -o README.md`, `update -o
    catalog.yaml`...: the output would replace the file the command reads (a README by a
    page or by YAML, a catalog by a report); refused before any work, in either order."""
    catalog = world.catalog([world.url("moved/1")])
    markdown = world.tmp / "list.md"
    markdown.write_text(f"# Links\n\n- [One]({world.url('ok/1')})\n", encoding="utf-8")
    base = _command(world, command, catalog, markdown)
    source = markdown if command == "import" else catalog
    before = sha256(source)
    same = world.tmp / "." / source.name  # another spelling of the same file
    args = ([base[0], "-o", str(same), *base[1:]] if first else [*base, "-o", str(same)])
    result = await world.cli(*args)
    assert result.code == 3, result.output
    assert one_error(result) == (
        f"curatorbot: error: {same}: is the file this command reads ({source}); give "
        "--output/-o another path")
    assert sha256(source) == before
    assert farm_requests(world) == 0 and not world.state.exists()


async def test_plan_out_onto_the_default_catalog_is_exit_3_before_any_work(
        world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    catalog = world.catalog([world.url("moved/1")])
    monkeypatch.chdir(catalog.parent)
    before = sha256(catalog)
    result = await world.cli("update", "--plan-out", catalog.name, "--allow-private",
                             "--state", str(world.state))
    assert result.code == 3, result.output
    assert one_error(result) == (
        f"curatorbot: error: {catalog.name}: is the file this command reads (catalog.yaml); "
        "give --plan-out another path")
    assert sha256(catalog) == before
    assert farm_requests(world) == 0 and not world.state.exists()


@pytest.mark.parametrize("command", ["check", "render"])
async def test_output_to_a_read_only_file_or_a_folder_is_exit_3(
        world: World, command: str, restore_modes: list[Path]) -> None:
    catalog = world.catalog([world.url("ok/1")])
    locked = world.tmp / "report.txt"
    locked.write_text("an earlier report\n", encoding="utf-8")
    locked.chmod(0o444)
    restore_modes.append(locked)
    base = _command(world, command, catalog, catalog)
    result = await world.cli(*base, "--output", str(locked))
    assert result.code == 3, result.output
    assert one_error(result) == (f"curatorbot: error: {locked}: the file is read-only; "
                                 "make it writable or give --output/-o another path")
    assert locked.read_text(encoding="utf-8") == "an earlier report\n"
    folder = await world.cli(*base, "--output", str(world.tmp))
    assert folder.code == 3, folder.output
    assert one_error(folder) == (f"curatorbot: error: {world.tmp}: is a folder; give "
                                 "--output/-o a file path")
    assert farm_requests(world) == 0


async def test_plan_out_into_a_missing_folder_is_exit_3_before_any_work(world: World) -> None:
    catalog = world.catalog([world.url("moved/1")])
    before = sha256(catalog)
    plan = world.tmp / "missing" / "plan.json"
    result = await world.update(str(catalog), "--plan-out", str(plan))
    assert result.code == 3, result.output
    assert one_error(result) == (
        f"curatorbot: error: {plan}: the folder {plan.parent} does not exist; create it or "
        "give --plan-out another path")
    assert farm_requests(world) == 0 and not world.state.exists()
    assert sha256(catalog) == before


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0,
                    reason="needs root, to act as another user")
def test_a_catalog_of_another_user_keeps_its_owner(tmp_path: Path) -> None:
    """A file another user owns but lets this one write (a shared catalog) cannot be given
    back its owner after a rename: it is written in place, so its owner and mode stay."""
    folder = Path(tempfile.mkdtemp(prefix="curatorbot-shared-"))
    try:
        folder.chmod(0o777)
        catalog = folder / "catalog.yaml"
        catalog.write_text(DIRTY, encoding="utf-8")
        catalog.chmod(0o666)  # root's file, writable by everyone
        runner = CliRunner()
        # Everything lint needs is imported as root (the interpreter's own files may be
        # unreadable to the other user): a first run that reads and writes nothing.
        assert runner.invoke(main, ["lint", str(catalog)]).exit_code == 2
        os.setegid(65534)
        os.seteuid(65534)
        try:
            result = runner.invoke(main, ["lint", "--fix", str(catalog)])
        finally:
            os.seteuid(0)
            os.setegid(0)
        assert result.exit_code == 2, result.output  # one duplicate is left to a person
        assert "Traceback" not in result.output
        assert "fixed [tracking-params]" in result.stdout
        assert "pp=" not in catalog.read_text(encoding="utf-8")
        info = catalog.stat()
        assert (info.st_uid, info.st_gid, stat.S_IMODE(info.st_mode)) == (0, 0, 0o666)
        assert [p.name for p in folder.iterdir()] == ["catalog.yaml"]  # no temporary left
    finally:
        shutil.rmtree(folder)


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
@pytest.mark.parametrize("command", ["check", "render"])
async def test_an_output_that_fails_while_written_is_exit_3(world: World, command: str) -> None:
    catalog = world.catalog([world.url("ok/1")])
    before = sha256(catalog)
    result = await world.cli(*_command(world, command, catalog, catalog), "-o", "/dev/full")
    assert result.code == 3, result.output
    assert one_error(result) == ("curatorbot: error: /dev/full: cannot write (No space left "
                                 "on device); give another path")
    assert sha256(catalog) == before
