"""Fixtures for the CLI tests: the loopback world of tests/fakes/world.py (for `update`)."""

from tests.fakes.world import world  # noqa: F401  (the fixture, defined once there)
