"""A pass handled a chunk at a time merges exactly as one big pass: the same person in two shops, in
different chunks, is one contact with the latest value of each field (CON-2, CNT-1, CNT-5)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from harness import InProcess, World
from reference.engine import SyncEngine

PEOPLE = 12


def _sync_two_shops(monkeypatch: pytest.MonkeyPatch, chunk: int) -> tuple[dict, dict]:
    monkeypatch.setattr("reference.objects.twoway.stream.CHUNK", chunk)
    world = World(seed=8)
    try:
        world.open_portal(tier="professional")
        for shop in ("alpha", "beta"):
            world.install_shop(shop, plan="unlimited")
        store = world.shopify
        for i in range(PEOPLE):  # beta's customers come later, and half of them are renamed later still
            store.create_customer("alpha", {"email": f"p{i}@example.com", "first_name": "Alpha", "last_name": f"A{i}"})
        world.clock.advance(60)
        betas = [store.create_customer("beta", {"email": f"P{i}@Example.com", "first_name": "Beta"})
                 for i in range(PEOPLE)]
        world.clock.advance(60)
        for i in range(0, PEOPLE, 2):
            store.update_customer("alpha", next(c.id for c in store.shop("alpha").customers.values()
                                                if c.email == f"p{i}@example.com"), {"first_name": "Later"})
        world.clock.advance(3600)
        world.attach(InProcess(SyncEngine, "reference"))
        world.configure(world.settings(enabled=("contacts",)))
        world.advance(timedelta(minutes=5))
        pid = world.portal.portal_id
        contacts = {(r.properties.get("email") or "").lower(): (r.properties.get("firstname"),
                                                                 r.properties.get("lastname"))
                    for r in world.hubspot.records(pid, "contacts")}
        shops = {shop: {(c.email or "").lower(): c.first_name for c in store.shop(shop).customers.values()}
                 for shop in ("alpha", "beta")}
        assert len(betas) == PEOPLE
        return contacts, shops
    finally:
        world.close()


def test_a_person_in_two_shops_merges_the_same_whatever_the_chunk_size(monkeypatch: pytest.MonkeyPatch) -> None:
    one_pass = _sync_two_shops(monkeypatch, 500)
    chunked = _sync_two_shops(monkeypatch, 5)  # alpha's records and beta's land in different chunks
    assert chunked == one_pass
    contacts, shops = chunked
    assert len(contacts) == PEOPLE  # one contact per person, never a second one by case (CNT-1)
    for i in range(PEOPLE):
        want = "Later" if i % 2 == 0 else "Beta"  # the latest change of each field wins (CNT-5)
        assert contacts[f"p{i}@example.com"] == (want, f"A{i}")
        assert shops["alpha"][f"p{i}@example.com"] == shops["beta"][f"p{i}@example.com"] == want
