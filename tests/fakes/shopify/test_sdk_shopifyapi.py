"""The unmodified official ShopifyAPI package against the fake over real HTTP (API-FACTS.md 6.1)."""

from __future__ import annotations

import pytest
import shopify

from fakes.serving import serve_in_thread
from fakes.shopify.app import create_app
from fakes.shopify.demo import DEMO_TOKEN

pytestmark = pytest.mark.sdk


@pytest.fixture
def sdk(store):
    server = serve_in_thread(create_app(store))
    # Option A of API-FACTS 6.1: point the resource site straight at the shop's Admin API base.
    shopify.ShopifyResource.site = f"{server.url}/shops/demo/admin/api/2024-10"
    shopify.ShopifyResource.headers["X-Shopify-Access-Token"] = DEMO_TOKEN
    yield store
    shopify.ShopifyResource.clear_session()
    server.stop()


def test_customers_create_find_paginate_update_delete(sdk):
    for i in range(7):
        customer = shopify.Customer({"email": f"sdk{i}@example.com", "first_name": f"Sdk{i}"})
        assert customer.save(), customer.errors.full_messages()
        assert customer.id
    page = shopify.Customer.find(limit=3)
    seen = [c.email for c in page]
    while page.has_next_page():
        page = page.next_page()
        seen.extend(c.email for c in page)
    assert seen == [f"sdk{i}@example.com" for i in range(7)]
    walked = [c.id for c in shopify.PaginatedIterator(shopify.Customer.find(limit=2)) for c in c]
    assert len(walked) == 7

    one = shopify.Customer.find(shopify.Customer.find(limit=1)[0].id)
    one.last_name = "Updated"
    assert one.save()
    assert shopify.Customer.find(one.id).last_name == "Updated"
    assert shopify.Customer.count() == 7
    assert [c.email for c in shopify.Customer.search(query="email:sdk3@example.com")] == ["sdk3@example.com"]

    duplicate = shopify.Customer({"email": "SDK0@example.com"})
    assert not duplicate.save()
    assert duplicate.errors.on("email") == "has already been taken"

    one.destroy()
    from pyactiveresource.connection import ResourceNotFound
    with pytest.raises(ResourceNotFound):
        shopify.Customer.find(one.id)


def test_products_with_variants(sdk):
    product = shopify.Product({"title": "SDK Tee", "options": [{"name": "Size"}],
                               "variants": [{"option1": "S", "price": "10.00"}, {"option1": "L", "price": "12.00"}]})
    assert product.save()
    fetched = shopify.Product.find(product.id)
    assert [v.price for v in fetched.variants] == ["10.00", "12.00"]
    fetched.title = "SDK Tee v2"
    assert fetched.save()
    assert shopify.Product.find(product.id).title == "SDK Tee v2"
    variants = shopify.Variant.find(product_id=product.id)
    assert len(variants) == 2
    for i in range(3):
        assert shopify.Product({"title": f"Extra {i}"}).save()
    page = shopify.Product.find(limit=2)
    total = len(page)
    while page.has_next_page():
        page = page.next_page()
        total += len(page)
    assert total == 4
    fetched.destroy()
    assert shopify.Product.count() == 3


def test_read_orders_checkouts_and_limits(sdk):
    store = sdk
    product = store.create_product("demo", {"title": "Mug", "variants": [{"price": "8.00"}]})
    customer = store.create_customer("demo", {"email": "buyer@example.com"})
    order = store.create_order("demo", {"customer": {"id": customer.id},
                                        "line_items": [{"variant_id": product.variants[0].id, "quantity": 2}]})
    store.create_checkout("demo", {"email": "cart@example.com",
                                   "line_items": [{"variant_id": product.variants[0].id, "quantity": 1}]})
    orders = shopify.Order.find(status="any")
    assert [o.id for o in orders] == [order.id]
    assert orders[0].total_price == "16.00" and orders[0].customer.email == "buyer@example.com"
    assert orders[0].line_items[0].variant_id == product.variants[0].id
    checkouts = shopify.Checkout.find()
    assert [c.email for c in checkouts] == ["cart@example.com"]
    store.shops["demo"].plan = "basic"
    shopify.Shop.current()
    assert shopify.Limits.credit_limit() == 40
    assert shopify.Limits.credit_used() >= 1
    assert shopify.Limits.credit_left() == 40 - shopify.Limits.credit_used()
