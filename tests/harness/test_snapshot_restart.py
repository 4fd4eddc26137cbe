"""The world's snapshot: a fresh world restored from it is the same world, and a restart in place keeps
the fakes' addresses, cuts the old connections and still delivers the webhooks that were waiting."""

from __future__ import annotations

import json

import httpx

from benchmarks.bench_scale import snapshot_here
from harness import InProcess, World
from tests.harness.conftest import make_world
from tests.harness.recorder import Recorder


def _dumps(document: dict) -> str:
    return json.dumps(document, sort_keys=True)


def test_a_fresh_world_restored_from_a_snapshot_is_the_same_world() -> None:
    world, _ = make_world(seed=5)
    try:
        world.shopify.create_customer("alpha", {"email": "snap@example.com", "first_name": "Snap"})
        world.hubspot.marketer_create(world.portal.portal_id, "contacts", {"email": "hub@example.com"})
        world.advance(90)
        document = json.loads(json.dumps(world.snapshot()))
        with World(seed=99) as fresh:
            fresh.restore(document)
            assert _dumps(fresh.snapshot()) == _dumps(world.snapshot())
            assert fresh.now() == world.now() and fresh.seed == 5
            # The tenants come along, so the fresh world writes the same settings (tokens included).
            assert fresh.settings(enabled=("contacts",)) == world.settings(enabled=("contacts",))
            # And it goes on as the original does.
            for w in (world, fresh):
                w.shopify.create_customer("alpha", {"email": "next@example.com"})
            assert _dumps(fresh.snapshot()["shopify"]) == _dumps(world.snapshot()["shopify"])
    finally:
        world.close()


def test_webhooks_waiting_at_a_restart_are_delivered_by_the_restarted_fake(world_and_recorder) -> None:
    world, recorder = world_and_recorder
    world.advance(30)
    old_store = world.shopify
    made = world.shopify.create_customer("alpha", {"email": "waiting@example.com"})
    [waiting] = world.pending_deliveries()
    world.restart_fakes_from_snapshot()
    assert world.shopify is not old_store and [d.event_id for d in world.pending_deliveries()] == [waiting.event_id]
    world.advance(30)
    assert ("shopify", "customers/create", waiting.event_id) in recorder.received
    assert world.pending_deliveries() == []
    # The recorder's token and subscription survived: a customer made after the restart reaches it too.
    after = world.shopify.create_customer("alpha", {"email": "after@example.com"})
    assert after.id > made.id
    world.advance(30)
    assert [t for _, t, _ in recorder.received].count("customers/create") == 2
    assert world.stats.errors == []


def test_process_mode_restart_keeps_the_ports_and_cuts_open_connections(tmp_path) -> None:
    with World(seed=2, mode="process", workdir=tmp_path) as world:
        world.open_portal()
        world.install_shop("alpha")
        world.attach(InProcess(Recorder, "recorder"))
        assert world.configure(world.settings(enabled=("contacts",))).accepted
        urls = (world.shopify_url, world.hubspot_url)
        old_store = world.shopify
        with httpx.Client(base_url=world.shopify_url, trust_env=False, timeout=10) as client:
            assert client.get("/_harness/clock").status_code == 200  # a keep-alive connection to the old server
            world.restart_fakes_from_snapshot()
            assert (world.shopify_url, world.hubspot_url) == urls
            made = client.post("/_harness/shops/alpha/merchant/create_customer",
                               json={"payload": {"email": "new.server@example.com"}})
            assert made.status_code == 200, made.text
        # The request reached the restarted fake, not the old one over the old connection.
        assert world.shopify.shop("alpha").customer_by_email("new.server@example.com") is not None
        assert old_store.shop("alpha").customer_by_email("new.server@example.com") is None
        world.advance(60)
        assert ("shopify", "customers/create") in {(s, t) for s, t, _ in world.implementation.obj.received}
        assert world.stats.errors == []


def test_a_store_past_the_hot_records_round_trips_exactly() -> None:
    """6,000 customers and orders and their HubSpot contacts, orders and line items: past the 5,000 records of
    each kind a table keeps as objects (fakes/tables.py), so most are held compressed. The snapshot through
    JSON text restores to the same snapshot, and both worlds answer the same pages (`make bench` runs this
    at 100,000)."""
    result = snapshot_here(6000, seed=3)
    assert result["exact"] and result["same_pages"], result
