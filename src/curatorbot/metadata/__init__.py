"""Metadata providers (GitHub, YouTube, ...) and their registry; `registry` is the entry.

The names below are imported from `curatorbot.metadata.registry` on first use, so a module
that only needs `metadata.html` (the link checker's title extraction) does not load every
provider.
"""

from __future__ import annotations

import importlib
from typing import Any

__all__ = [
    "REGISTRY", "GitHubConfig", "LinkMetadata", "MetadataBatch", "Proposal", "ProposalReason",
    "Provider", "ProviderContext", "RepoMetadata", "RepoRef", "YouTubeConfig",
    "build_providers", "collect_metadata", "parse_repo_url",
]


def __getattr__(name: str) -> Any:
    if name in __all__:
        return getattr(importlib.import_module("curatorbot.metadata.registry"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
