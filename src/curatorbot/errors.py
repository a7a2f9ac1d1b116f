"""The exceptions curatorbot raises, and the exit code each one maps to.

Library exceptions (yaml, aiohttp, sqlite3, PyGithub) are translated into this tree once,
at the module that talks to the library; the CLI turns any of them into a one-line message
and the exit code below, never a traceback.

    CuratorError                    base; exit 1
    ├── UsageError                  bad flags or settings; exit 3
    ├── CatalogError                a catalog that cannot be used; exit 3
    │   └── CatalogInvalid          one or more `Problem`s, each with file:line
    ├── StateError                  the run-history database is corrupt or locked; exit 3
    ├── FileWriteError              a file to write cannot be, or changed during the run; exit 3
    ├── NoNetworkError              nothing could be verified (offline); exit 5
    └── GitHubError                 the GitHub API failed after retries; exit 4

Exit codes (the CLI contract in README.md): 0 success, 1 unexpected error, 2 failing links or
lint problems, 3 invalid input, 4 GitHub API failure, 5 no network, 130 interrupted (Ctrl-C).
"""

from __future__ import annotations

from dataclasses import dataclass

EXIT_OK = 0
EXIT_UNEXPECTED = 1
EXIT_FAILURES = 2
EXIT_INVALID = 3
EXIT_GITHUB = 4
EXIT_NO_NETWORK = 5
EXIT_INTERRUPTED = 130


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a catalog, pinned to a place in the file."""

    file: str
    line: int
    message: str
    hint: str = ""
    code: str = "invalid"

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        text = f"{where}: {self.message}"
        return f"{text}; {self.hint}" if self.hint else text


class CuratorError(Exception):
    """Base of every error curatorbot reports to its user."""

    exit_code = EXIT_UNEXPECTED


class UsageError(CuratorError):
    """Bad command-line arguments or settings."""

    exit_code = EXIT_INVALID


class CatalogError(CuratorError):
    """A catalog file that cannot be read at all (missing, unreadable)."""

    exit_code = EXIT_INVALID


class CatalogInvalid(CatalogError):
    """A catalog with problems; `problems` holds every one found, in file order."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems, key=lambda p: (p.file, p.line))
        super().__init__("\n".join(str(p) for p in self.problems))


class StateError(CuratorError):
    """The run-history store is corrupt, locked or of an unknown schema version."""

    exit_code = EXIT_INVALID


class FileWriteError(CuratorError):
    """A file curatorbot must write cannot be (read-only, no such folder), or it changed on
    disk while the run went on; nothing was written to it."""

    exit_code = EXIT_INVALID


class NoNetworkError(CuratorError):
    """No host could be reached: the run verified nothing and classifies nothing as dead."""

    exit_code = EXIT_NO_NETWORK


class GitHubError(CuratorError):
    """A GitHub API call failed after retries (never carries the token)."""

    exit_code = EXIT_GITHUB
