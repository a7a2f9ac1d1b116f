"""GitHub's REST contract subset (tests/contracts/github-rest-subset.json), loaded once.

Both fake GitHubs (github.py for metadata, github_api.py for publishing) answer with the
contract's own examples, and github_api.py validates against the whole description.
`rest_example(name)` is a fresh copy of one example. GitHub's repository example omits
`language`, which its own schema requires (top level, `source`, `parent`); the contract
tests caught it, so the copy fills it in as null.
"""

from __future__ import annotations

import copy
import functools
import json
from pathlib import Path
from typing import Any

CONTRACTS = Path(__file__).resolve().parent.parent / "contracts"
REST_SUBSET_PATH = CONTRACTS / "github-rest-subset.json"
REPOSITORY_EXAMPLE = "full-repository-default-response"


@functools.cache
def rest_spec() -> dict[str, Any]:
    """The OpenAPI description of the contract subset (shared: do not modify)."""
    data: dict[str, Any] = json.loads(REST_SUBSET_PATH.read_text(encoding="utf-8"))
    return data


def rest_example(name: str) -> Any:
    """A deep copy of the value of `components/examples/<name>`, `language` filled in."""
    value = copy.deepcopy(rest_spec()["components"]["examples"][name]["value"])
    if name == REPOSITORY_EXAMPLE:
        for part in (value, value.get("source"), value.get("parent")):
            if isinstance(part, dict):
                part.setdefault("language", None)
    return value
