"""GraphQL nodes in the shape of a webhook payload (reference/clients/shopify_records.py), read from the fake
Shopify through the engine's own client: every field the engine or a mapping reads, and the ones GraphQL
does not show."""

from __future__ import annotations

import random
from datetime import UTC, datetime

import pytest

from harness import World
from reference.clients import shopify_records as records
from reference.clients.shopify import ShopClient, exchange_code
from reference.settings import ShopSettings


@pytest.fixture
def shop():
    world = World(seed=3)
    try:
        world.open_portal(tier="professional")
        tenant = world.install_shop("alpha", currency="KWD")
        entry = tenant.settings_entry()
        settings = ShopSettings(entry["shop"], entry["domain"], entry["admin_url"], entry["api_version"],
                                entry["authorization_code"], None)
        app = world.settings()["shopify"]
        token = exchange_code(settings, app["client_id"], app["client_secret"], world.transport)
        yield world, ShopClient(settings, token, world.transport, world.clock.now, random.Random(3))
    finally:
        world.close()


def test_a_customer_reads_as_its_webhook_payload(shop):
    world, client = shop
    made = world.shopify.create_customer("alpha", {
        "email": "Ada@Example.com", "first_name": "Ada", "last_name": "Lovelace", "phone": "+14155550100",
        "note": "VIP", "tags": "b, a", "addresses": [{"address1": "1 Loop", "city": "Paris", "zip": "75001",
                                                       "country": "France", "company": "Analytical"}]})
    [customer] = client.customers(None)
    assert customer["id"] == str(made.id) and customer["admin_graphql_api_id"] == f"gid://shopify/Customer/{made.id}"
    assert (customer["email"], customer["first_name"], customer["last_name"], customer["phone"]) == \
        ("Ada@Example.com", "Ada", "Lovelace", "+14155550100")
    assert customer["note"] == "VIP" and customer["tags"] == "a, b"
    assert {k: customer["default_address"][k] for k in ("address1", "city", "zip", "country", "company")} == \
        {"address1": "1 Loop", "city": "Paris", "zip": "75001", "country": "France", "company": "Analytical"}
    assert client.customer_by_email("ada@example.com")["id"] == customer["id"]


def test_a_product_reads_its_first_variant_in_the_shop_currency(shop):
    world, client = shop
    world.shopify.create_product("alpha", {"title": "Dates Box", "body_html": "<p>Sweet</p>",
                                           "variants": [{"price": "12.345", "sku": "DB-1"}, {"price": "20.000",
                                                                                            "option1": "Big"}]})
    [product] = client.products(None)
    assert (product["title"], product["body_html"]) == ("Dates Box", "<p>Sweet</p>")
    assert len(product["variants"]) == 1, "only the first variant is synced (PRD-5)"
    assert (product["variants"][0]["price"], product["variants"][0]["sku"]) == ("12.345", "DB-1")


def test_an_order_reads_its_totals_statuses_buyer_and_every_line(shop):
    world, client = shop
    product = world.shopify.create_product("alpha", {"title": "Mug", "variants": [{"price": "8.500"}]})
    buyer = world.shopify.create_customer("alpha", {"email": "bob@example.com"})
    lines = [{"variant_id": product.variants[0].id, "quantity": 1}] + \
        [{"title": f"Extra {i}", "price": "1.000", "quantity": 2} for i in range(records.LINES_PAGE + 3)]
    made = world.shopify.create_order("alpha", {"line_items": lines, "customer": {"id": buyer.id}})
    [order] = client.orders(None)
    assert order["id"] == str(made.id) and order["name"] == made.name
    assert order["currency"] == "KWD" and order["financial_status"] == "paid" and order["fulfillment_status"] is None
    assert records.instant(order["updated_at"]) == made.updated_at.astimezone(UTC)
    assert order["customer"] == {"id": str(buyer.id), "email": "bob@example.com"}
    assert len(order["line_items"]) == records.LINES_PAGE + 4, "the lines past the first page are read too"
    first = order["line_items"][0]
    assert (first["product_id"], first["price"], first["quantity"], first["current_quantity"]) == \
        (str(product.id), "8.5", 1, 1)


def test_a_guest_checkout_reads_its_buyer_and_token(shop):
    world, client = shop
    product = world.shopify.create_product("alpha", {"title": "Mug", "variants": [{"price": "8.000"}]})
    made = world.shopify.create_checkout("alpha", {"email": "guest@example.com",
                                                   "line_items": [{"variant_id": product.variants[0].id,
                                                                   "quantity": 2}]})
    [checkout] = client.checkouts(None)
    assert checkout["id"] == str(made.id) and checkout["token"] == made.token
    # GraphQL shows no email on a checkout; Shopify made a customer profile for the email given at checkout.
    assert checkout["customer"]["email"] == "guest@example.com"
    assert checkout["total_price"] == "16.0" and checkout["currency"] == "KWD"
    assert [line["quantity"] for line in checkout["line_items"]] == [2]


def test_checkout_tokens_come_from_recovery_urls():
    assert records.checkout_token("https://s.myshopify.com/7/checkouts/abc123/recover?key=k") == "abc123"
    assert records.checkout_token("https://s.myshopify.com/7/checkouts/abc123/recover/") == "abc123"
    assert records.checkout_token("https://s.myshopify.com/7/orders/abc123") is None
    assert records.checkout_token(None) is None


def test_instants_compare_across_graphql_and_webhook_offsets():
    graphql, webhook = "2031-01-06T09:00:00Z", "2031-01-06T10:00:00+01:00"
    assert records.instant(graphql) == records.instant(webhook) == datetime(2031, 1, 6, 9, tzinfo=UTC)
    assert records.instant("2031-01-06T09:00:01Z") > records.instant(webhook)
    assert records.instant(None) is None


def test_rest_named_values_become_graphql_inputs():
    assert records.inputs({"first_name": "Ada", "tags": "b,  a ,", "id": 5}, records.CUSTOMER_INPUT) == \
        {"firstName": "Ada", "tags": ["b", "a"]}
    assert records.inputs({"body_html": "<p/>", "title": "Mug"}, records.PRODUCT_INPUT) == \
        {"descriptionHtml": "<p/>", "title": "Mug"}
