"""One module per CLI command; `COMMANDS` lists what `curatorbot.cli` registers.

Shared pieces of the commands (the CATALOG argument, --format, --output) live in
`curatorbot.commands.common`.
"""

from __future__ import annotations

import click

from curatorbot.commands.check import check
from curatorbot.commands.lint import lint

COMMANDS: list[click.Command] = [lint, check]
