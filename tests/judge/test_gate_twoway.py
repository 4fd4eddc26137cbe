"""The judge's reading of overtaken changes and of a product left live after its Shopify delete.

An implementation that syncs nothing stands in for the sync: the tests look at what the latency watches
and the oracle make of a history, not at what a sync did.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from harness import World
from harness.adapters import InProcess
from scenarios.dsl import Sim, SimOptions
from scenarios.judge import end_state
from scenarios.recording import capture
from tests.property.null_impl import NullSync


@pytest.fixture
def sim() -> Iterator[Sim]:
    world = World(seed=5)
    sim = Sim(world, InProcess(NullSync, "null"), SimOptions())
    yield sim
    world.close()


def test_a_change_overtaken_by_a_later_one_on_the_other_side_is_not_counted_late(sim: Sim) -> None:
    # CNT-5: the marketer's later first name wins, so the customer's may never show in HubSpot.
    sim.sync.enable("contacts")
    sim.shopify.create_customer(email="ada@example.com", first_name="Augusta")
    sim.advance(seconds=5)
    sim.hubspot.create("contacts", email="ada@example.com", firstname="Ada")
    sim.advance(minutes=20)
    samples = [(s.direction, s.operation) for s in sim.latency_samples()]
    assert samples == [("to_shopify", "create")], samples


def test_a_change_already_late_when_overtaken_stays_late(sim: Sim) -> None:
    sim.sync.enable("contacts")
    sim.shopify.create_customer(email="ada@example.com", first_name="Augusta")
    sim.advance(minutes=11)
    sim.hubspot.create("contacts", email="ada@example.com", firstname="Ada")
    samples = [(s.direction, s.operation, s.seconds) for s in sim.latency_samples()]
    assert samples == [("to_hubspot", "create", None), ("to_shopify", "create", None)], samples


def test_a_change_is_not_overtaken_by_one_on_its_own_side_or_of_another_person(sim: Sim) -> None:
    sim.sync.enable("contacts")
    ada = sim.shopify.create_customer(email="ada@example.com", first_name="Ada")
    sim.advance(seconds=5)
    sim.shopify.create_customer("alpha", email="grace@example.com", first_name="Grace")
    sim.hubspot.create("contacts", email="edsger@example.com", firstname="Edsger")
    sim.advance(seconds=5)
    sim.shopify.update_customer(ada, last_name="Lovelace")  # its own record: the older change is superseded
    samples = sorted((s.direction, s.operation) for s in sim.latency_samples())
    assert samples == [("to_hubspot", "create"), ("to_hubspot", "update"), ("to_shopify", "create")], samples


def test_a_product_left_live_after_its_shopify_delete_is_told_as_prd_2_only(sim: Sim) -> None:
    sim.sync.enable("products")
    poster = sim.shopify.create_product(title="Faded Poster", price="20.00")
    sim.advance(minutes=11)
    # What a sync made of it, not a marketer's change (no history): the HubSpot product it keeps live.
    sim.world.hubspot.marketer_create(sim.world.portal.portal_id, "products", {"name": "Faded Poster",
                                                                               "price": "20.00"})
    sim.shopify.delete_product(poster)
    sim.advance(minutes=11)
    checks = [e.check for e in end_state(capture(sim, quiet_at=None, faults=False))]
    assert checks == ["PRD-2: HubSpot product 'Faded Poster' not archived after the Shopify delete"], checks
