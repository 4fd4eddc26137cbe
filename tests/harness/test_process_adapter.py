"""A process-mode implementation: started, configured, ticked, killed and restarted; time limits."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from harness import ImplementationError, Process, World

TINY = Path(__file__).with_name("tiny_impl.py")


@pytest.fixture
def process_world(tmp_path):
    world = World(seed=2, mode="process", workdir=tmp_path)
    world.open_portal()
    world.install_shop("alpha")
    impl = Process(f"{sys.executable} {TINY}", name="tiny")
    yield world, impl
    world.close()


def test_start_configure_tick_kill_restart(process_world):
    world, impl = process_world
    health = world.attach(impl)
    assert (health.contract, health.implementation, health.capabilities) == ("1", "tiny", ("contacts",))
    assert world.configure(world.settings(enabled=("contacts",))).accepted
    world.advance(90)
    ticks_file = world.state_dir() / "ticks.json"
    assert len(json.loads(ticks_file.read_text())) == 3
    world.crash_and_restart()
    world.advance(30)
    ticks = json.loads(ticks_file.read_text())
    assert len(ticks) == 4 and ticks[-1] == "2031-01-06T09:02:00Z"
    # Every call of the implementation reached the fake inside a tick, over real HTTP.
    calls = world.audit.entries(lambda e: e.path.endswith("/shop.json"))
    assert len(calls) == 4 and {e.phase for e in calls} == {"tick"}
    assert "tiny implementation ready" in impl.output()


def test_refused_settings_are_a_422_with_the_reason(process_world):
    world, impl = process_world
    world.attach(impl)
    settings = world.settings(enabled=("contacts",))
    settings["hubspot"]["ops_hub"] = "free"
    reply = world.configure(settings)
    assert (reply.status, reply.error) == (422, "custom mappings need Operations Hub Starter")


def test_a_call_past_its_time_limit_is_an_implementation_error(process_world):
    world, impl = process_world
    world.attach(impl)
    impl.env.call_timeout = 1.0
    assert world.configure(world.settings(enabled=("contacts",), poll_interval=599)).accepted
    with pytest.raises(ImplementationError, match="longer than 1 s"):
        world.advance(30)
    assert world.stats.errors and "tick" in world.stats.errors[0]


def test_a_command_that_never_becomes_healthy_is_reported(tmp_path):
    world = World(seed=2, mode="process", workdir=tmp_path)
    try:
        impl = Process(f"{sys.executable} -c 'import sys; sys.exit(3)'", name="broken")
        with pytest.raises(ImplementationError, match="exited with 3"):
            world.attach(impl)
    finally:
        world.close()


def test_a_control_port_taken_before_the_first_start_is_given_up_for_another(process_world, monkeypatch):
    # Free when the harness chose it, bound by another process before the implementation could (parallel runs
    # on one machine): the implementation exits with "address already in use", and the first start tries again.
    import socket

    import harness.adapters as adapters

    world, impl = process_world
    squatter = socket.socket()
    squatter.bind(("127.0.0.1", 0))
    squatter.listen()
    taken = squatter.getsockname()[1]
    ports = iter([taken])
    monkeypatch.setattr(adapters, "free_port", lambda: next(ports, None) or _free())
    try:
        health = world.attach(impl)
    finally:
        squatter.close()
    assert health.implementation == "tiny" and impl.port not in (None, taken)
    assert world.configure(world.settings(enabled=("contacts",))).accepted
    assert "address already in use" in impl.output().lower()  # the first try's log is kept


def _free() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
