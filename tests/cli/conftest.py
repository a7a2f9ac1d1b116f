"""Fixtures for the CLI tests: the loopback world of tests/fakes/world.py (for `update`), and
`site`, one link farm on 127.0.0.2 (its base URL) for `check` runs."""

from collections.abc import AsyncIterator

import pytest

from tests.fakes.linkfarm import LinkFarm
from tests.fakes.world import world  # noqa: F401  (the fixture, defined once there)


@pytest.fixture
async def site() -> AsyncIterator[str]:
    farm = LinkFarm()
    ports = await farm.start(["127.0.0.2"])
    yield f"http://127.0.0.2:{ports['127.0.0.2']}"
    await farm.stop()
