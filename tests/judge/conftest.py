"""Fixtures of the judge's tests: a scenario world with the reference engine attached."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from harness import InProcess, World
from reference.engine import SyncEngine
from scenarios.dsl import Sim, SimOptions


@pytest.fixture
def sim() -> Iterator[Sim]:
    world = World(seed=0)
    try:
        yield Sim(world, InProcess(SyncEngine, "reference"), SimOptions())
    finally:
        world.close()
