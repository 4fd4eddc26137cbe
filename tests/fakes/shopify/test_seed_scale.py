"""Seeding a big shop (fakes/shopify/seed_scale.py): what the create path would make, fast, the same from a seed."""

from __future__ import annotations

from decimal import Decimal

from fakes.clock import SimClock
from fakes.outbox import Outbox
from fakes.shopify.demo import add_demo_shop
from fakes.shopify.seed_scale import seed_at_scale
from fakes.shopify.store import ListQuery, ShopifyStore


def _seeded(seed: int, customers: int = 300, orders: int = 500) -> ShopifyStore:
    store = ShopifyStore(SimClock(), Outbox())
    add_demo_shop(store)
    seed_at_scale(store, "demo", seed, customers=customers, orders=orders)
    return store


def _rest(store: ShopifyStore) -> tuple[list[dict], list[dict]]:
    shop = store.shops["demo"]
    return ([c.rest(shop.info) for c in shop.customers.values()],
            [store.order_json(shop, o) for o in shop.orders.values()])


def test_the_same_seed_makes_the_same_shop_and_another_seed_another() -> None:
    assert _rest(_seeded(4)) == _rest(_seeded(4))
    assert _rest(_seeded(4)) != _rest(_seeded(5))


def test_customers_carry_their_orders_as_the_create_path_counts_them() -> None:
    store = _seeded(2)
    shop = store.shops["demo"]
    customers, orders = _rest(store)
    assert len(customers) == 300 and len(orders) == 500
    by_customer: dict[int, list[dict]] = {}
    for order in orders:
        by_customer.setdefault(order["customer"]["id"], []).append(order)
        assert order["email"] == order["customer"]["email"] and len(order["line_items"]) == 1
    for customer in customers:
        mine = by_customer.get(customer["id"], [])
        assert customer["orders_count"] == len(mine)
        assert Decimal(customer["total_spent"]) == sum((Decimal(o["total_price"]) for o in mine), Decimal("0"))
        assert customer["last_order_id"] == (max(o["id"] for o in mine) if mine else None)
        assert shop.customer_by_email(customer["email"]).id == customer["id"]
    assert [o["order_number"] for o in orders] == list(range(1001, 1501))


def test_a_seeded_shop_takes_writes_and_lists_like_any_other() -> None:
    store = _seeded(3, customers=50, orders=20)
    first = store.shops["demo"].customers.peek(min(store.shops["demo"].customers))
    store.update_customer("demo", first.id, {"note": "called"})
    again = store.create_customer("demo", {"email": "new@example.com"})
    assert store.get_customer("demo", first.id).note == "called"
    ids = [c.id for c in store.list_customers("demo", ListQuery())]
    assert len(ids) == 51 and ids == sorted(ids) and ids[-1] == again.id
    order = store.create_order("demo", {"line_items": [{"variant_id": store.shops["demo"].orders.peek(
        min(store.shops["demo"].orders)).line_items[0].variant_id, "quantity": 1}]})
    assert order.number == 1021
