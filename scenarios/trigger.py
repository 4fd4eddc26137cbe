"""`shopsync trigger TOPIC --to URL`: one realistic, signed webhook, sent now to a receiver of yours.

Unlike a fixed sample payload, the webhook comes out of a simulated world: a shop and a portal seeded from
`--seed`, a subscription of the sync app to TOPIC at URL, and the merchant's or marketer's action that fires it
(a customer signs up, an order is placed, a contact is edited...). The fake vendor builds the payload from the
record and signs the delivery with the app's secret exactly as for the suite (Shopify's `X-Shopify-Hmac-Sha256`
and its headers; HubSpot's v1 and v3 signatures). `--duplicate` sends it twice (same event id), `--late S` sends
it as it would arrive S simulated seconds after the event.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import httpx

from harness.tenants import SHOPIFY_APP

SHOP = "demo"


@dataclass
class Sent:
    """One delivery as it went out, and the receiver's answer."""

    source: str
    topic: str
    event_id: str
    status: int | None
    error: str | None = None


def _first(items: Any) -> Any:
    return sorted(items, key=lambda r: r.id)[0]


def _shopify_actions() -> dict[str, Callable[[Any], None]]:
    def new_customer(store: Any) -> None:
        store.create_customer(SHOP, {"email": "triggered.buyer@example.com", "first_name": "Trig", "last_name":
                                     "Gered", "addresses": [{"city": "Lyon", "country": "France", "zip": "69001"}]})

    def order(store: Any) -> None:
        shop = store.shop(SHOP)
        product, customer = _first(shop.products.values()), _first(shop.customers.values())
        store.create_order(SHOP, {"customer": {"id": customer.id}, "line_items": [
            {"variant_id": product.variants[0].id, "quantity": 2}]})

    def checkout(store: Any) -> None:
        product = _first(store.shop(SHOP).products.values())
        store.create_checkout(SHOP, {"email": "left.cart@example.com", "line_items": [
            {"variant_id": product.variants[0].id, "quantity": 1}]})

    return {
        "customers/create": new_customer,
        "customers/update": lambda s: s.update_customer(SHOP, _first(s.shop(SHOP).customers.values()).id,
                                                        {"note": "edited by shopsync trigger"}),
        "customers/delete": lambda s: s.delete_customer(SHOP, _first(
            c for c in s.shop(SHOP).customers.values() if not any(o.customer_id == c.id
                                                                   for o in s.shop(SHOP).orders.values())).id),
        "products/create": lambda s: s.create_product(SHOP, {"title": "Triggered mug", "variants": [
            {"price": "12.50", "sku": "TRIG-1"}]}),
        "products/update": lambda s: s.update_product(SHOP, _first(s.shop(SHOP).products.values()).id,
                                                      {"title": "Renamed by shopsync trigger"}),
        "products/delete": lambda s: s.delete_product(SHOP, _first(s.shop(SHOP).products.values()).id),
        "orders/create": order,
        "checkouts/create": checkout,
        "app/uninstalled": lambda s: s.uninstall(SHOP, SHOPIFY_APP),
    }


HUBSPOT_ACTIONS: dict[str, tuple[str, str, str | None]] = {
    # event type -> (object type, action, property a propertyChange subscription names)
    "contact.creation": ("contacts", "create", None),
    "contact.propertyChange": ("contacts", "update", "firstname"),
    "contact.deletion": ("contacts", "archive", None),
    "company.creation": ("companies", "create", None),
    "company.propertyChange": ("companies", "update", "name"),
    "company.deletion": ("companies", "archive", None),
    "product.creation": ("products", "create", None),
    "product.propertyChange": ("products", "update", "name"),
    "product.deletion": ("products", "archive", None),
}
PROPERTIES = {"contacts": {"email": "triggered.contact@example.com", "firstname": "Trig"},
              "companies": {"name": "Triggered Ltd", "domain": "triggered.example"},
              "products": {"name": "Triggered poster", "price": "20"}}


def topics() -> dict[str, list[str]]:
    """Every topic `trigger` knows, by vendor."""
    return {"shopify": sorted(_shopify_actions()), "hubspot": sorted(HUBSPOT_ACTIONS)}


def build(topic: str, to: str, *, seed: int = 0, secret: str | None = None) -> tuple[Any, list[Any], str]:
    """A world in which TOPIC fired towards `to`: (the world, its deliveries to `to`, the signing secret)."""
    from fakes.shopify.seed import SeedPlan, seed_shop
    from harness import World

    world = World(seed=seed)
    portal = world.open_portal()
    world.install_shop(SHOP)
    if topic in HUBSPOT_ACTIONS:
        object_type, action, prop = HUBSPOT_ACTIONS[topic]
        store = world.hubspot
        app = next(a for a in store.apps.values() if a.app_id == portal.app_id)
        if secret:
            app.client_secret = secret
        store.seed(portal.portal_id, seed, contacts=5, companies=3, products=3)
        store.set_webhook_target(app, {"targetUrl": to})
        store.subscribe(app, {"eventType": topic, **({"propertyName": prop} if prop else {})})
        existing = sorted((r for r in store.records(portal.portal_id, object_type) if not r.archived),
                          key=lambda r: int(r.id))
        if action == "create":
            store.marketer_create(portal.portal_id, object_type, PROPERTIES[object_type])
        elif action == "update":
            store.marketer_update(portal.portal_id, object_type, existing[0].id, {prop: "Edited by shopsync"})
        else:
            store.marketer_archive(portal.portal_id, object_type, existing[0].id)
        return world, [d for d in store.outbox.all() if d.address == to], app.client_secret
    actions = _shopify_actions()
    if topic not in actions:
        known = ", ".join(sorted([*actions, *HUBSPOT_ACTIONS]))
        raise ValueError(f"unknown topic {topic!r}; shopsync trigger knows: {known}")
    store = world.shopify
    if secret:
        store.apps[SHOPIFY_APP].client_secret = secret
    seed_shop(store, SHOP, seed, SeedPlan(customers=5, products=3, orders=2, checkouts=1))
    grant = store.tokens[store.issue_token(SHOP, SHOPIFY_APP)]
    store.create_webhook(grant, {"topic": topic, "address": to, "format": "json"}, "2026-10")
    store.outbox.clear()
    actions[topic](store)
    return world, [d for d in store.outbox.all() if d.address == to], store.apps[SHOPIFY_APP].client_secret


def send(world: Any, deliveries: list[Any], *, duplicate: bool = False, late: float = 0.0,
         timeout: float = 30.0) -> list[Sent]:
    """POST each delivery to its address now (twice with `duplicate`), `late` simulated seconds after it was due."""
    if late:
        world.clock.advance(timedelta(seconds=late))
    sent: list[Sent] = []
    with httpx.Client(trust_env=False, timeout=timeout) as client:
        for delivery in deliveries:
            for _ in range(2 if duplicate else 1):
                headers = {"Content-Type": "application/json", **delivery.headers_at(world.now())}
                try:
                    answer = client.post(delivery.address, headers=headers, content=delivery.body)
                    sent.append(Sent(delivery.source, delivery.topic, delivery.event_id, answer.status_code))
                except httpx.HTTPError as error:
                    sent.append(Sent(delivery.source, delivery.topic, delivery.event_id, None, repr(error)))
    return sent


def describe(deliveries: list[Any]) -> str:
    """The deliveries as JSON lines (topic, event id, headers, body) for the user to see what was sent."""
    return "\n".join(json.dumps({"topic": d.topic, "event_id": d.event_id, "address": d.address,
                                 "body": json.loads(d.body)}) for d in deliveries)
