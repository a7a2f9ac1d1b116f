"""`pr` and `issue` pay for PyGithub only when they talk to GitHub (commands/__init__.py's rule).

A dry run, `--help` or a bad argument never needs PyGithub (~170 ms to import) nor the
checker's aiohttp; each is imported in a fresh interpreter to see what loading costs.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

SRC = Path(__file__).resolve().parents[3] / "src"
HEAVY = ("github", "requests", "tenacity", "aiohttp")


def loaded_after_import(module: str) -> list[str]:
    code = (f"import sys, {module}; "
            f"print(' '.join(m for m in {HEAVY!r} if m in sys.modules))")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        [str(SRC), *filter(None, [os.environ.get("PYTHONPATH")])])}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env=env, check=True, timeout=60)
    return done.stdout.split()


def test_the_publish_commands_load_without_pygithub_or_aiohttp() -> None:
    assert loaded_after_import("curatorbot.commands.publish") == []
    assert "github" in loaded_after_import("curatorbot.publish.github")  # the check works
