"""The layering of design.md, read from the source's imports (every `import`, also inside
functions and under TYPE_CHECKING):

    commands -> update -> check, metadata, catalog, state -> http, core values

* aiohttp is imported only under `curatorbot/http/`;
* `http/` and the core values import nothing above them;
* report and publish read results and plans, never the checker;
* the catalog knows no network; nothing below commands knows click (the CLI).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import curatorbot

SRC = Path(curatorbot.__file__).parent
NETWORK = ("aiohttp", "requests", "github", "curatorbot.http", "curatorbot.check",
           "curatorbot.metadata", "curatorbot.publish")
ABOVE_HTTP = ("curatorbot.check", "curatorbot.metadata", "curatorbot.catalog",
              "curatorbot.state", "curatorbot.update", "curatorbot.commands", "curatorbot.cli",
              "curatorbot.report", "curatorbot.publish")


def module_name(path: Path) -> str:
    parts = path.relative_to(SRC.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path) -> set[str]:
    """Every module `path` imports (absolute names; relative imports resolved)."""
    found: set[str] = set()
    package = module_name(path).rsplit(".", 1)[0] if path.name != "__init__.py" \
        else module_name(path)
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return found


MODULES = {module_name(p): imports(p) for p in sorted(SRC.rglob("*.py"))}


def offenders(importers: tuple[str, ...], forbidden: tuple[str, ...],
              allowed: tuple[str, ...] = ()) -> list[str]:
    """`importer imports name` for every importer (a module or package prefix) importing
    something under `forbidden`, unless the importer is under `allowed`."""
    def under(name: str, prefixes: tuple[str, ...]) -> bool:
        return any(name == p or name.startswith(p + ".") for p in prefixes)

    return sorted(f"{module} imports {name}" for module, names in MODULES.items()
                  if under(module, importers) and not under(module, allowed)
                  for name in names if under(name, forbidden))


def test_the_source_was_found() -> None:
    assert "curatorbot.http.client" in MODULES and "curatorbot.check.runner" in MODULES
    assert "aiohttp" in MODULES["curatorbot.http.client"]  # the reader sees imports


def test_only_http_imports_aiohttp() -> None:
    assert offenders(("curatorbot",), ("aiohttp",), allowed=("curatorbot.http",)) == []


@pytest.mark.parametrize(("importers", "forbidden"), [
    # http/ and the core values sit at the bottom.
    (("curatorbot.http", "curatorbot.results", "curatorbot.plan", "curatorbot.settings",
      "curatorbot.errors", "curatorbot.urls", "curatorbot.printable"), ABOVE_HTTP),
    # check, metadata, catalog, state never reach up to update or the commands.
    (("curatorbot.check", "curatorbot.metadata", "curatorbot.catalog", "curatorbot.state"),
     ("curatorbot.update", "curatorbot.commands", "curatorbot.cli")),
    (("curatorbot.update",), ("curatorbot.commands", "curatorbot.cli")),
    # report and publish read results and plans, never the checker.
    (("curatorbot.report", "curatorbot.publish"), ("curatorbot.check",)),
    # the catalog knows no network.
    (("curatorbot.catalog",), NETWORK),
], ids=["bottom", "middle", "update", "report-publish", "catalog"])
def test_layers(importers: tuple[str, ...], forbidden: tuple[str, ...]) -> None:
    assert offenders(importers, forbidden) == []


def test_nothing_below_commands_knows_click() -> None:
    assert offenders(("curatorbot",), ("click",),
                     allowed=("curatorbot.cli", "curatorbot.commands")) == []
