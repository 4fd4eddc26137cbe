"""The judge's checks for classes of broken syncs that once escaped it (issue 16): one-way custom mappings
(SET-5), products written while their sync is off (SET-1), order payment and fulfilment status (ORD-5) and
line items kept as the same records (PRD-4).

Each test plays the same few moves with a broken sync and with the reference: the judge alone (the end state or
the history checks, no scenario's own `expect`) must fault the broken one for the rule it breaks, and must
not fault the reference. Before these checks the judge passed every broken sync here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from harness import InProcess, World
from reference.engine import SyncEngine
from scenarios.dsl import Sim, SimOptions
from scenarios.dsl.refs import CustomerRef
from scenarios.judge import end_state
from scenarios.judge.history import check_history
from scenarios.judge.view import RunView
from scenarios.recording import capture
from tests.mutants.zoo_oneway import (
    OneWayMappingsBothWays,
    OrderStatusesNotUpdated,
    OrdersWriteProductsWhileOff,
    RecreatesLineItems,
)


@pytest.fixture
def make_sim() -> Iterator[Callable[[Callable], Sim]]:
    worlds: list[World] = []

    def make(factory: Callable) -> Sim:
        world = World(seed=0)
        worlds.append(world)
        return Sim(world, InProcess(factory, factory.__name__), SimOptions())
    yield make
    for world in worlds:
        world.close()


def _checks(sim: Sim, rule: str) -> list[str]:
    """What the judge (end state and history) says breaks `rule`."""
    record = capture(sim, quiet_at=None, faults=False)
    evidence = end_state(record) + check_history(RunView(record))
    return [e.check for e in evidence if e.check.split(":")[0].split(", ").count(rule)]


def _to_hubspot_mapping_then_hubspot_edit(sim: Sim) -> None:
    customer = sim.shopify.create_customer(email="noted@example.com", first_name="Noted", note="VIP since 2020")
    sim.sync.enable("contacts")
    assert sim.sync.map("contacts", "jobtitle", "note", "to_hubspot").accepted
    sim.settle()
    sim.hubspot.update(sim.hubspot.ref(sim.hubspot.contact_by_email("noted@example.com")), jobtitle="Chief Buyer")
    sim.advance(minutes=10)
    assert sim.shopify.customer(customer) is not None


def test_a_to_hubspot_mapping_written_to_shopify_is_set_5(make_sim):
    broken = make_sim(OneWayMappingsBothWays)
    _to_hubspot_mapping_then_hubspot_edit(broken)
    assert any("jobtitle <-> note (to_hubspot) written to the customer" in c for c in _checks(broken, "SET-5"))
    reference = make_sim(SyncEngine)
    _to_hubspot_mapping_then_hubspot_edit(reference)
    assert _checks(reference, "SET-5") == []


def _to_shopify_mapping_then_shopify_edit(sim: Sim) -> None:
    sim.hubspot.create("contacts", email="titled@example.com", firstname="Titled", jobtitle="Head of Tea")
    sim.sync.enable("contacts")
    assert sim.sync.map("contacts", "jobtitle", "note", "to_shopify").accepted
    sim.settle()
    customer = next(c for c in sim.shopify.customers("alpha") if c["email"] == "titled@example.com")
    sim.shopify.update_customer(CustomerRef("alpha", customer["id"], customer["email"]), note="Prefers green tea")
    sim.advance(minutes=10)


def test_a_to_shopify_mapping_written_to_hubspot_is_set_5(make_sim):
    broken = make_sim(OneWayMappingsBothWays)
    _to_shopify_mapping_then_shopify_edit(broken)
    assert any("jobtitle <-> note (to_shopify) written to the contact" in c for c in _checks(broken, "SET-5"))
    reference = make_sim(SyncEngine)
    _to_shopify_mapping_then_shopify_edit(reference)
    assert _checks(reference, "SET-5") == []


class IgnoresCustomMappings(SyncEngine):
    """Accepts custom mappings and applies none."""

    def configure(self, settings: dict) -> None:
        objects = {name: (dict(entry, mappings=[]) if entry else entry) for name, entry in settings["objects"].items()}
        super().configure({**settings, "objects": objects})


def test_a_mapping_that_carries_nothing_is_set_5(make_sim):
    # Along its direction the value must arrive: a sync that never applies the mapping is faulted too.
    broken = make_sim(IgnoresCustomMappings)
    _to_hubspot_mapping_then_hubspot_edit(broken)
    customer = broken.shopify.customers("alpha")[0]
    broken.shopify.update_customer(CustomerRef("alpha", customer["id"], customer["email"]), note="Gold since 2031")
    broken.settle()
    assert any("does not hold the latest mapped value" in c for c in _checks(broken, "SET-5"))


def _orders_with_products_off(sim: Sim) -> None:
    mug = sim.shopify.create_product(title="Solo Mug", price="9.00")
    sim.shopify.create_order(lines=[(mug, 2)], email="alone@example.com")
    sim.sync.enable("orders", "carts")
    sim.settle()


def test_products_written_while_product_sync_is_off_is_set_1(make_sim):
    broken = make_sim(OrdersWriteProductsWhileOff)
    _orders_with_products_off(broken)
    assert _checks(broken, "SET-1") == ["SET-1: products written while product sync was off"]
    reference = make_sim(SyncEngine)
    _orders_with_products_off(reference)
    assert _checks(reference, "SET-1") == []


def _order_paid_and_shipped(sim: Sim) -> None:
    mug = sim.shopify.create_product(title="Mug", price="8.00")
    order = sim.shopify.create_order(lines=[(mug, 1)], email="pays@example.com", financial_status="pending")
    sim.sync.enable("orders")
    sim.settle()
    sim.shopify.pay(order)
    sim.shopify.fulfil(order)
    sim.settle()


def test_payment_and_fulfilment_status_left_behind_is_ord_5(make_sim):
    broken = make_sim(OrderStatusesNotUpdated)
    _order_paid_and_shipped(broken)
    checks = _checks(broken, "ORD-5")
    assert any(c.endswith("hs_payment_status") for c in checks) and any(c.endswith("hs_fulfillment_status")
                                                                        for c in checks), checks
    reference = make_sim(SyncEngine)
    _order_paid_and_shipped(reference)
    assert _checks(reference, "ORD-5") == []


def _line_removed(sim: Sim) -> None:
    mug = sim.shopify.create_product(title="Mug", price="8.00")
    cap = sim.shopify.create_product(title="Cap", price="5.00")
    order = sim.shopify.create_order(lines=[(mug, 1), (cap, 2)], email="lines@example.com")
    checkout = sim.shopify.create_checkout(lines=[(mug, 1), (cap, 1)], email="cart.lines@example.com")
    sim.sync.enable("orders", "carts")
    sim.settle()
    sim.shopify.remove_order_line(order, 1)
    sim.shopify.remove_checkout_line(checkout, 0)
    sim.settle()


def test_line_items_archived_and_made_again_are_prd_4(make_sim):
    broken = make_sim(RecreatesLineItems)
    _line_removed(broken)
    checks = _checks(broken, "PRD-4")
    assert len(checks) == 2 and all("archived and made again" in c for c in checks), checks
    reference = make_sim(SyncEngine)
    _line_removed(reference)
    assert _checks(reference, "PRD-4") == []
