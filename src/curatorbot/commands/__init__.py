"""One module per CLI command; `COMMANDS` maps each name to where it lives.

`curatorbot.cli` imports a command's module only when that command runs (or for --help),
so `curatorbot check` never pays for PyGithub and `curatorbot lint` never for aiohttp.
Shared pieces of the commands (the CATALOG argument, --format, --output, state options)
live in `curatorbot.commands.common`.
"""

from __future__ import annotations

import importlib

import click

# command name -> (module, attribute), in the order `--help` lists them.
COMMANDS: dict[str, tuple[str, str]] = {
    "lint": ("curatorbot.commands.lint", "lint"),
    "check": ("curatorbot.commands.check", "check"),
    "update": ("curatorbot.commands.update", "update"),
    "render": ("curatorbot.commands.render", "render"),
    "import": ("curatorbot.commands.importer", "import_"),
    "pr": ("curatorbot.commands.publish", "pr"),
    "issue": ("curatorbot.commands.publish", "issue"),
}


def load_command(name: str) -> click.Command | None:
    """The click command called `name`, imported on first use; None when unknown."""
    where = COMMANDS.get(name)
    if where is None:
        return None
    command = getattr(importlib.import_module(where[0]), where[1])
    assert isinstance(command, click.Command)
    return command
