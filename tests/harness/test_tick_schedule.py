"""When the world steps the implementation: at each tick, sooner when it asks, and never killed mid-OAuth.

Both rules were found by seed sweeps of the reference (issue: every seed, every rule): a Retry-After of
2 s cost a whole 30 s tick, so a long 429 storm starved the last streams past the 10-minute bound at
8 seeds of 10; and a kill right after the OAuth code exchange lost the shop for good.
"""

from __future__ import annotations

from datetime import timedelta
from itertools import pairwise

from harness import InProcess, World
from harness.world import MIN_WAKE
from tests.harness.conftest import make_world
from tests.harness.recorder import Recorder


def test_a_wake_up_sooner_than_the_next_tick_is_honoured(world_and_recorder):
    world, recorder = world_and_recorder
    recorder.wake_every = 2.0
    began = world.now()
    world.advance(timedelta(seconds=30))
    offsets = [(t - began).total_seconds() for t in recorder.ticks]
    # The first step is the tick (nothing asked sooner yet); from then on every 2 s, as asked.
    assert offsets == [30.0]
    world.advance(timedelta(seconds=10))
    assert [(t - began).total_seconds() for t in recorder.ticks] == [30.0, 32.0, 34.0, 36.0, 38.0, 40.0]


def test_a_wake_up_later_than_the_next_tick_keeps_the_tick(world_and_recorder):
    world, recorder = world_and_recorder
    recorder.wake_every = 300.0
    began = world.now()
    world.advance(timedelta(minutes=2))
    assert [(t - began).total_seconds() for t in recorder.ticks] == [30.0, 60.0, 90.0, 120.0]


def test_a_wake_up_is_honoured_no_sooner_than_min_wake(world_and_recorder):
    world, recorder = world_and_recorder
    recorder.wake_every = 0.01  # an implementation asking to spin
    began = world.now()
    world.advance(timedelta(seconds=10))
    offsets = [(t - began).total_seconds() for t in recorder.ticks]
    assert all(b - a >= MIN_WAKE.total_seconds() for a, b in pairwise(offsets))
    assert len(offsets) <= 10 / MIN_WAKE.total_seconds() + 1


class ExchangesInTick(Recorder):
    """Exchanges its OAuth code in a tick, as the reference engine does, records the token (`kept`: its state
    directory, which survives restarts) and then reads the shop's customers."""

    kept: dict[str, str] = {}

    def configure(self, settings: dict) -> None:
        self.settings = settings

    def tick(self, now):
        for shop in (self.settings or {}).get("shops", []):
            if shop["shop"] not in ExchangesInTick.kept:
                answer = self.http.post(f"{shop['admin_url']}/oauth/access_token", data={
                    "client_id": self.settings["shopify"]["client_id"],
                    "client_secret": self.settings["shopify"]["client_secret"], "code": shop["authorization_code"]})
                answer.raise_for_status()
                ExchangesInTick.kept[shop["shop"]] = answer.json()["access_token"]
            self.http.get(f"{shop['admin_url']}/api/2024-10/customers.json",
                          headers={"X-Shopify-Access-Token": ExchangesInTick.kept[shop["shop"]]})
        return {"busy": False, "next_wakeup": None}


def test_a_kill_inside_a_tick_never_lands_on_the_oauth_code_exchange():
    ExchangesInTick.kept = {}
    world = World(seed=3)
    try:
        world.open_portal()
        world.install_shop("alpha")
        adapter = InProcess(ExchangesInTick, "recorder")
        world.attach(adapter)
        world.crash_inside_tick(1)  # the first call is the exchange: the kill must wait for the next one
        reply = world.configure(world.settings(enabled=("contacts",)))
        assert reply.accepted, reply.error
        world.advance(timedelta(seconds=30))
        exchanges = [e for e in world.audit.entries() if e.path.endswith("/oauth/access_token")]
        assert [e.status for e in exchanges] == [200]
        assert world.stats.crashes_in_tick == 1  # killed after the next call, the customers listing
        assert set(ExchangesInTick.kept) == {"alpha"}  # so the token it had made its own survives
    finally:
        world.close()


def test_make_world_still_steps_on_ticks_by_default():
    world, recorder = make_world()
    try:
        began = world.now()
        world.advance(timedelta(seconds=90))
        assert [(t - began).total_seconds() for t in recorder.ticks] == [30.0, 60.0, 90.0]
    finally:
        world.close()
