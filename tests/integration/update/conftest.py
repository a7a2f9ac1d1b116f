"""Fixtures for `update`'s integration tests: the loopback world of tests/fakes/world.py."""

from tests.fakes.world import world  # noqa: F401  (the fixture, defined once there)
