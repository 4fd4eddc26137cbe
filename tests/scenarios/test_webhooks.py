"""The harness's own webhooks (scenarios/dsl/webhooks.py): signed as the vendors sign, carried like theirs.

The hostile scenarios only prove something if the deliveries they call genuine really are: a
correctly signed one must be accepted by the reference engine, so that the forged and stale ones
are refused for being forged or stale and not for a mistake of the harness.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from harness import World
from harness.adapters import load_implementation
from scenarios.dsl import Sim, SimOptions
from scenarios.dsl.webhooks import FORGER_SECRET, stale


@pytest.fixture
def sim() -> Iterator[Sim]:
    world = World(seed=3)
    sim = Sim(world, load_implementation("reference"), SimOptions())
    sim.shopify.create_customer(email="hook@example.com", first_name="Hook")
    sim.sync.enable("contacts")
    sim.settle()
    yield sim
    world.close()


def test_shopify_deliveries_are_accepted_when_signed_with_the_app_secret_only(sim: Sim) -> None:
    payload = {"id": 1, "email": "hook@example.com"}
    assert sim.webhooks.shopify("alpha", "customers/update", payload, kind="genuine") == 200
    assert sim.webhooks.shopify("alpha", "customers/update", payload, secret=FORGER_SECRET) == 401
    assert sim.webhooks.shopify("alpha", "customers/update", payload, signed=False) == 401


def test_hubspot_deliveries_are_accepted_when_signed_now_with_the_app_secret_only(sim: Sim) -> None:
    contact = sim.hubspot.contact_by_email("hook@example.com")
    event = sim.webhooks.hubspot_event("contact.propertyChange", contact.id, propertyName="firstname",
                                       propertyValue="Hook")
    assert sim.webhooks.hubspot([event], kind="genuine") == 200
    assert sim.webhooks.hubspot([event], secret=FORGER_SECRET) == 401
    assert sim.webhooks.hubspot([event], sent_at=stale(sim.now()), kind="stale") == 401


def test_each_injection_is_carried_recorded_and_counted(sim: Sim) -> None:
    sim.webhooks.shopify("alpha", "customers/delete", {"id": 1}, secret=FORGER_SECRET)
    delivery = sim.world.stats.deliveries[-1]
    assert (delivery.source, delivery.topic, delivery.status, delivery.injected) == \
        ("shopify", "customers/delete", 401, "forged")
    change = sim.history.changes[-1]
    assert (change.system, change.op, change.data["status"]) == ("harness", "forged", 401)
    assert sim.hostile == {"forged webhook": 1} and sim.refused == 1
    assert any("[forged]" in event.text for event in sim.timeline(None))


def test_a_withheld_delivery_reaches_the_receiver_only_when_replayed(sim: Sim) -> None:
    customer = sim.shopify.customers()[0]
    sim.world.shopify.update_customer("alpha", customer["id"], {"first_name": "Later"})
    held = sim.webhooks.withhold("shopify", lambda d: d.topic == "customers/update")
    assert len(held) == 1 and not sim.world.pending_deliveries()
    assert sim.webhooks.replay(held[0]) == 200
    assert sim.webhooks.sent[-1].kind == "replayed" and sim.hostile == {"replayed webhook": 1}
