"""One module per CLI command; `COMMANDS` lists what `curatorbot.cli` registers.

Shared pieces of the commands (the CATALOG argument, --format, --output) live in
`curatorbot.commands.common`.
"""

from __future__ import annotations

import click

from curatorbot.commands.check import check
from curatorbot.commands.importer import import_
from curatorbot.commands.lint import lint
from curatorbot.commands.publish import issue, pr
from curatorbot.commands.render import render
from curatorbot.commands.update import update

COMMANDS: list[click.Command] = [lint, check, update, render, import_, pr, issue]
