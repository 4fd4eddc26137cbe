"""Fixtures of the judge's tests: the scenario world with the reference engine attached (tests/scenarios')."""

from tests.scenarios.conftest import sim

__all__ = ["sim"]
