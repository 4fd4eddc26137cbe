"""A world with one shop, the portal and a Recorder attached."""

from __future__ import annotations

import pytest

from harness import FaultSchedule, InProcess, World
from tests.harness.recorder import Recorder


def make_world(seed: int = 1, faults: FaultSchedule | None = None) -> tuple[World, Recorder]:
    world = World(seed=seed, faults=faults)
    world.open_portal()
    world.install_shop("alpha")
    adapter = InProcess(Recorder, "recorder")
    world.attach(adapter)
    reply = world.configure(world.settings(enabled=("contacts",)))
    assert reply.accepted, reply.error
    return world, adapter.obj


@pytest.fixture
def world_and_recorder():
    world, recorder = make_world()
    yield world, recorder
    world.close()
