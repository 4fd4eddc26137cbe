"""An initial sync larger than one tick's rate budget: listings go on where a limit cut them, pages are
written as they come, nothing is read twice, created twice or left behind (basic plan, Professional tier)."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

from fakes.world import ApiFault, FaultSchedule, InProcess, World
from reference.engine import SyncEngine
from reference.objects.contacts import Contacts

N = 3000  # 12 pages of customers and 12 of orders: more than the 40-call Shopify burst with the webhook setup


def test_a_cut_initial_sync_resumes_without_rereading_or_duplicating():
    world = World(seed=5, tick=timedelta(seconds=1))
    try:
        world.open_portal(tier="professional")
        world.install_shop("alpha", plan="basic")
        product = world.shopify.create_product("alpha", {"title": "Mug", "variants": [{"price": "8.00"}]})
        for i in range(N):
            customer = world.shopify.create_customer("alpha", {"email": f"buyer{i}@example.com", "first_name": "B"})
            world.shopify.create_order("alpha", {"line_items": [{"variant_id": product.variants[0].id, "quantity": 1}],
                                                 "customer": {"id": customer.id}})
        world.clock.advance(3600)
        world.attach(InProcess(SyncEngine, "reference"))
        before = len(world.audit)
        world.configure(world.settings(enabled=("contacts", "products", "orders")))
        pid = world.portal.portal_id
        for _ in range(300):
            world.advance(timedelta(seconds=1), tick=timedelta(seconds=1))
            if len(world.hubspot.records(pid, "contacts")) >= N and len(world.hubspot.records(pid, "orders")) >= N:
                break
        world.advance(timedelta(minutes=2), tick=timedelta(seconds=1))
        calls = world.audit.since(before)
        deferred_ticks = {e.at for e in calls if e.path.endswith("/customers.json")}
        assert len(deferred_ticks) > 1, "the listing should have needed more than one tick (the test is too small)"
        pages = Counter((e.path, e.query) for e in calls if e.path.endswith(("/customers.json", "/orders.json"))
                        and "ids=" not in e.query and "updated_at_min" not in e.query)
        assert max(pages.values()) == 1, [q for q, n in pages.items() if n > 1][:3]
        orders = Counter(r.properties.get("hs_external_order_id") for r in world.hubspot.records(pid, "orders"))
        contacts = Counter((r.properties.get("email") or "").lower() for r in world.hubspot.records(pid, "contacts"))
        assert len(orders) == N and max(orders.values()) == 1
        assert len(contacts) == N and max(contacts.values()) == 1
        line_items = world.hubspot.records(pid, "line_items")
        assert len(line_items) == N
    finally:
        world.close()


def test_a_pass_cut_while_writing_goes_on_with_its_groups(monkeypatch):
    """The tick after a cut writes the groups still to write; it does not list and match the backlog again
    (which made every tick of a long initial sync cost as much as the whole backlog)."""
    matched: list[int] = []
    original = Contacts._groups

    def counting(self, ctx, mappings, chunk, seeds):
        matched.append(sum(1 for source, _ in chunk if source.shop is not None))
        return original(self, ctx, mappings, chunk, seeds)

    monkeypatch.setattr(Contacts, "_groups", counting)
    faults = FaultSchedule(api=[ApiFault("hubspot", "429", route="/crm/v3/objects/contacts/batch/*", method="write",
                                         probability=0.5, retry_after=1.0)])
    world = World(seed=6, faults=faults)
    try:
        world.open_portal(tier="professional")
        world.install_shop("alpha", plan="basic")
        for i in range(600):
            world.shopify.create_customer("alpha", {"email": f"person{i}@example.com", "first_name": "P"})
        world.attach(InProcess(SyncEngine, "reference"))
        world.configure(world.settings(enabled=("contacts",)))
        pid = world.portal.portal_id
        for _ in range(60):
            world.advance(timedelta(seconds=30))
            if len(world.hubspot.records(pid, "contacts")) >= 600:
                break
        contacts = Counter((r.properties.get("email") or "").lower() for r in world.hubspot.records(pid, "contacts"))
        assert len(contacts) == 600 and max(contacts.values()) == 1
        refused = sum(1 for e in world.audit.since(0) if e.status == 429 and "/contacts/batch/" in e.path)
        assert refused >= 1, "no write was cut: the test proves nothing"
        # Each customer was matched once (until the sync ended: later polls re-read recent ones on purpose).
        assert sum(matched) == 600, matched
    finally:
        world.close()
