"""The JSON files commands hand to each other (a check report, a plan of changes).

`read_json` gives the parsed data, or a one-line UsageError naming the file, what is wrong
and how such a file is written.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from curatorbot.errors import UsageError


def read_json(path: Path, what: str, written_by: str) -> Any:
    """The JSON in `path` (a `what`, as `written_by` writes it)."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UsageError(f"{path}: no such {what}; write it with `{written_by}`") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"{path}: cannot read the {what} ({exc})") from None
    except json.JSONDecodeError as exc:
        raise UsageError(f"{path}:{exc.lineno}: not JSON ({exc.msg})") from None
