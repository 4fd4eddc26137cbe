"""A fake Shopify restarted from a snapshot is indistinguishable from the one that was snapshotted.

Two apps: the original, filled through the API and as a merchant, and a fresh one restored from the
original's `GET /_harness/snapshot` through `PUT /_harness/snapshot`. Every public read answers the
same bytes on both; the same writes then get the same ids, timestamps and webhooks on both.
"""

from __future__ import annotations

import json

import pytest

from fakes.audit import AuditLog
from fakes.clock import SimClock
from fakes.outbox import Outbox
from fakes.shopify.app import create_app
from fakes.shopify.companies import MetafieldsSetInput
from fakes.shopify.demo import add_demo_shop
from fakes.shopify.seed import SeedPlan, seed_shop
from fakes.shopify.snapshot import dump
from fakes.shopify.store import ShopifyStore
from tests.fakes.shopify.conftest import AdminClient

HOOK = "https://sync.example/webhooks/shopify"
COMPANIES = """query($after: String) { companies(first: 2, after: $after) {
  edges { cursor node { id name note externalId createdAt updatedAt } } pageInfo { hasNextPage endCursor } } }"""
# Headers a client can see that come from the store's state (the request id counts the audit log,
# which is the harness's, not the vendor's).
STATEFUL_HEADERS = ("Link", "X-Shopify-Shop-Api-Call-Limit", "X-Shopify-API-Version")


def _fresh() -> tuple[ShopifyStore, object]:
    store = ShopifyStore(SimClock(), Outbox())
    return store, create_app(store, audit=AuditLog())


def _original() -> tuple[ShopifyStore, object]:
    store, app = _fresh()
    add_demo_shop(store)
    store.shops["demo"].plan = "plus"  # a bucket with room: the reads below must not be throttled
    admin = AdminClient(app.test_client())
    for topic in ("customers/create", "customers/update", "orders/create", "products/update"):
        assert admin.post("/webhooks.json", {"webhook": {"topic": topic, "address": HOOK}}).status_code == 201
    seed_shop(store, "demo", 7, SeedPlan(customers=8, products=4, orders=6, checkouts=3))
    orders = sorted(store.shops["demo"].orders)
    store.fulfil_order("demo", orders[0])
    store.refund_order("demo", orders[1])
    store.cancel_order("demo", orders[2])
    store.delete_product("demo", sorted(store.shops["demo"].products)[0])
    for name in ("Acme", "Globex", "Initech"):
        store.create_company("demo", name, website=f"https://{name.lower()}.example")
    loyal = f"gid://shopify/Customer/{sorted(store.shops['demo'].customers)[1]}"
    store.company_book("demo").metafields_set([MetafieldsSetInput(loyal, "tier", "gold", "custom",
                                                                  "single_line_text_field")])
    store.clock.advance(90)
    admin.put(f"/customers/{sorted(store.shops['demo'].customers)[0]}.json", {"customer": {"note": "VIP"}})
    admin.post("/graphql.json", {"query": COMPANIES})  # spends from the GraphQL cost bucket
    store.add_shop("other", plan="basic")  # a second shop, untouched
    return store, app


@pytest.fixture
def twins():
    original, original_app = _original()
    document = original_app.test_client().get("/_harness/snapshot")
    assert document.status_code == 200
    restored, restored_app = _fresh()
    put = restored_app.test_client().put("/_harness/snapshot", data=document.get_data(),
                                         content_type="application/json")
    assert put.status_code == 200, put.get_data(as_text=True)
    return (original, AdminClient(original_app.test_client())), (restored, AdminClient(restored_app.test_client()))


def _reads(store: ShopifyStore) -> list[str]:
    shop = store.shops["demo"]
    customer, product, order = sorted(shop.customers)[0], sorted(shop.products)[0], sorted(shop.orders)[0]
    variant = shop.products[product].variants[0].id
    event = shop.events[0].id
    webhook = sorted(shop.webhooks)[0]
    return [
        "/shop.json", "/customers.json?limit=3", "/customers/count.json", f"/customers/{customer}.json",
        f"/customers/{customer}/orders.json?status=any", f"/customers.json?since_id={customer}",
        "/customers/search.json?query=example", "/customers.json?updated_at_min=2031-01-06T09:01:00Z",
        "/products.json?limit=2", "/products/count.json", f"/products/{product}.json",
        f"/products/{product}/variants.json", f"/variants/{variant}.json", f"/products/{product}/events.json",
        "/orders.json?status=any&limit=2", "/orders/count.json?status=any", f"/orders/{order}.json",
        f"/orders/{order}/fulfillments.json", f"/orders/{sorted(shop.orders)[1]}/refunds.json",
        "/checkouts.json", "/checkouts/count.json", "/events.json?limit=5", f"/events/{event}.json",
        "/webhooks.json", f"/webhooks/{webhook}.json", "/webhooks/count.json",
    ]


def _read_all(admin: AdminClient, path: str) -> list[tuple[int, bytes, dict]]:
    """A GET and every page its Link header leads to."""
    pages = []
    response = admin.get(path)
    while True:
        pages.append((response.status_code, response.get_data(),
                       {h: response.headers.get(h) for h in STATEFUL_HEADERS}))
        link = response.headers.get("Link") or ""
        following = [part.split(";")[0].strip()[1:-1] for part in link.split(",") if 'rel="next"' in part]
        if not following or len(pages) > 20:
            return pages
        response = admin.follow(following[0])


def _companies(admin: AdminClient) -> list[bytes]:
    pages, after = [], None
    while True:
        response = admin.post("/graphql.json", {"query": COMPANIES, "variables": {"after": after}})
        pages.append(response.get_data())
        info = response.json["data"]["companies"]["pageInfo"]
        if not info["hasNextPage"]:
            return pages
        after = info["endCursor"]


def _pending(store: ShopifyStore) -> list[tuple]:
    now = store.now()
    return [(d.seq, d.topic, d.event_id, d.due_at, d.body, d.headers_at(now)) for d in store.outbox.pending()]


def test_the_snapshot_is_plain_json_and_restores_to_the_same_snapshot(twins) -> None:
    (original, _), (restored, _) = twins
    text = json.dumps(dump(original), sort_keys=True)
    assert json.loads(text) == json.loads(json.dumps(dump(original)))
    assert json.dumps(dump(restored), sort_keys=True) == text


def test_every_public_read_answers_the_same_bytes(twins) -> None:
    (original, a), (restored, b) = twins
    assert restored.now() == original.now()
    for path in _reads(original):
        pages = _read_all(a, path)
        assert all(status == 200 for status, _, _ in pages), path
        assert _read_all(b, path) == pages, path
    assert _companies(b) == _companies(a)
    assert _pending(restored) == _pending(original)
    assert len(_pending(original)) > 5, "the original should have webhooks waiting"


def test_the_same_writes_get_the_same_ids_timestamps_and_webhooks(twins) -> None:
    (original, a), (restored, b) = twins
    for store in (original, restored):
        store.clock.advance(45)

    def writes(admin: AdminClient, store: ShopifyStore) -> list[bytes]:
        shop = store.shops["demo"]
        out = [admin.post("/customers.json", {"customer": {"email": "new@example.com", "first_name": "New"}}),
               admin.post("/products.json", {"product": {"title": "Lamp", "variants": [{"price": "12.00"}]}}),
               admin.put(f"/products/{sorted(shop.products)[-1]}.json", {"product": {"title": "Lamp 2"}}),
               admin.post("/webhooks.json", {"webhook": {"topic": "checkouts/create", "address": HOOK}}),
               admin.delete(f"/customers/{sorted(shop.customers)[-2]}.json")]
        bodies = [r.get_data() for r in out]
        order = store.create_order("demo", {"email": "new@example.com", "line_items": [
            {"variant_id": shop.products[sorted(shop.products)[-1]].variants[0].id, "quantity": 2}]})
        company = store.create_company("demo", "Hooli")
        token = store.issue_token("other", "shopsync-demo-app")
        return [*bodies, json.dumps(store.order_json(shop, order)).encode(), str(company.id).encode(), token.encode()]

    assert writes(b, restored) == writes(a, original)
    for path in _reads(original):
        assert _read_all(b, path) == _read_all(a, path), path
    assert _companies(b) == _companies(a)
    assert _pending(restored) == _pending(original)


def test_metafields_of_customers_products_and_orders_are_restored(twins) -> None:
    (original, _), (restored, _) = twins
    loyal = f"gid://shopify/Customer/{sorted(original.shops['demo'].customers)[1]}"
    kept = original.company_book("demo").metafields_of(loyal)
    assert [m.value for m in kept.values()] == ["gold"]
    assert restored.company_book("demo").metafields_of(loyal) == kept


def test_a_restore_refuses_what_is_not_a_snapshot_of_shopify() -> None:
    _, app = _fresh()
    client = app.test_client()
    assert client.put("/_harness/snapshot", json={"format": "nope"}).status_code == 400
    hubspot_like = {"format": "shopsync-fake-snapshot/1", "fake": "hubspot"}
    assert client.put("/_harness/snapshot", json=hubspot_like).status_code == 400
    forged = dump(_original()[0])
    forged["state"]["apps"] = {"$obj": {"type": "subprocess:Popen", "fields": {}}}
    assert client.put("/_harness/snapshot", json=forged).status_code == 400
    assert "/_harness/snapshot" not in client.get("/openapi.json").get_data(as_text=True)
