"""Webhook subscriptions and signed deliveries in the outbox (docs/vendor-behaviour.md §1.6, §1.8, §2.1)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json

from fakes.shopify.demo import DEMO_APP_SECRET

HOOK = "https://sync.example/webhooks/shopify"


def subscribe(admin, topic: str, address: str = HOOK, **extra):
    return admin.post("/webhooks.json", {"webhook": {"topic": topic, "address": address, "format": "json", **extra}})


def test_subscribe_list_update_delete(admin):
    created = subscribe(admin, "customers/create")
    assert created.status_code == 201
    hook = created.json["webhook"]
    assert (hook["topic"], hook["address"], hook["api_version"]) == ("customers/create", HOOK, "2024-10")
    assert admin.get("/webhooks.json").json["webhooks"][0]["id"] == hook["id"]
    assert admin.get("/webhooks/count.json", query_string={"topic": "customers/create"}).json == {"count": 1}
    moved = admin.put(f"/webhooks/{hook['id']}.json", {"webhook": {"address": HOOK + "/v2"}})
    assert moved.json["webhook"]["address"] == HOOK + "/v2"
    assert admin.delete(f"/webhooks/{hook['id']}.json").status_code == 200
    assert admin.get("/webhooks.json").json == {"webhooks": []}


def test_subscription_validation(admin, store, app):
    bad_topic = subscribe(admin, "customers/updated")
    assert bad_topic.status_code == 422
    assert bad_topic.json["errors"]["topic"][0].startswith("Invalid topic specified. Topics allowed: ")
    assert subscribe(admin, "orders/create", address="http://evil.example/hook").status_code == 422
    assert subscribe(admin, "orders/create").status_code == 201
    duplicate = subscribe(admin, "orders/create")
    assert duplicate.status_code == 422
    assert duplicate.json == {"errors": {"address": ["for this topic has already been taken"]}}
    # Loopback over plain HTTP is allowed so an implementation under test can receive webhooks.
    assert subscribe(admin, "orders/create", address="http://127.0.0.1:9999/hook").status_code == 201


def test_topics_follow_scopes(app, store):
    from tests.fakes.shopify.conftest import AdminClient
    token = store.issue_token("demo", "shopsync-demo-app", ["read_products"])
    client = AdminClient(app.test_client(), token=token)
    assert subscribe(client, "products/update").status_code == 201
    refused = subscribe(client, "orders/create")
    assert refused.status_code == 422 and "orders/create" not in refused.json["errors"]["topic"][0]


def test_delivery_is_signed_and_carries_every_header(admin, store, outbox, clock):
    subscribe(admin, "customers/create")
    customer = store.create_customer("demo", {"email": "hook@example.com"})
    [delivery] = outbox.pending(clock.now())
    assert delivery.address == HOOK and delivery.topic == "customers/create"
    expected = base64.b64encode(hmac.new(DEMO_APP_SECRET.encode(), delivery.body, hashlib.sha256).digest()).decode()
    headers = delivery.headers
    assert headers["X-Shopify-Hmac-Sha256"] == expected
    assert headers["X-Shopify-Topic"] == "customers/create"
    assert headers["X-Shopify-Shop-Domain"] == "demo.myshopify.com"
    assert headers["X-Shopify-API-Version"] == "2024-10"
    assert headers["X-Shopify-Event-Id"] == delivery.event_id
    assert headers["X-Shopify-Triggered-At"] == "2031-01-06T09:00:00Z"
    assert headers["X-Shopify-Webhook-Id"]
    # The body is the resource without its root key (docs/vendor-behaviour.md §1.8).
    payload = json.loads(delivery.body)
    assert payload["id"] == customer.id and payload["email"] == "hook@example.com"


def test_delete_payload_has_only_the_id_and_field_filter(admin, store, outbox):
    subscribe(admin, "products/delete")
    subscribe(admin, "products/create", fields=["id", "title"])
    product = store.create_product("demo", {"title": "Brief"})
    store.delete_product("demo", product.id)
    created, deleted = outbox.all()
    assert json.loads(created.body) == {"id": product.id, "title": "Brief"}
    assert json.loads(deleted.body) == {"id": product.id}


def test_order_topics(admin, store, outbox):
    for topic in ("orders/create", "orders/updated", "orders/paid", "orders/cancelled", "orders/fulfilled"):
        subscribe(admin, topic)
    product = store.create_product("demo", {"title": "T", "variants": [{"price": "1.00"}]})
    order = store.create_order("demo", {"line_items": [{"variant_id": product.variants[0].id, "quantity": 1}]})
    store.fulfil_order("demo", order.id)
    topics = [d.topic for d in outbox.all()]
    assert topics == ["orders/create", "orders/paid", "orders/updated", "orders/fulfilled"]


def test_each_subscriber_app_signs_with_its_own_secret(admin, store, outbox, app):
    from tests.fakes.shopify.conftest import AdminClient
    store.add_app("other-app", "other-secret")
    other = AdminClient(app.test_client(), token=store.issue_token("demo", "other-app"))
    subscribe(admin, "customers/create")
    subscribe(other, "customers/create", address=HOOK + "/other")
    store.create_customer("demo", {"email": "two@example.com"})
    first, second = outbox.all()
    assert first.event_id == second.event_id  # one event, two deliveries
    sig = base64.b64encode(hmac.new(b"other-secret", second.body, hashlib.sha256).digest()).decode()
    assert second.headers["X-Shopify-Hmac-Sha256"] == sig
    # Apps see only their own subscriptions.
    assert len(other.get("/webhooks.json").json["webhooks"]) == 1


def test_uninstall_sends_app_uninstalled_then_revokes(admin, store, outbox):
    subscribe(admin, "app/uninstalled")
    subscribe(admin, "customers/create")
    assert admin.http.delete(admin.base + "/api_permissions/current.json", headers=admin.headers).status_code == 200
    [delivery] = outbox.all()
    assert delivery.topic == "app/uninstalled"
    assert json.loads(delivery.body)["myshopify_domain"] == "demo.myshopify.com"
    assert admin.get("/shop.json").status_code == 401
    store.create_customer("demo", {"email": "after@example.com"})
    assert len(outbox.all()) == 1
