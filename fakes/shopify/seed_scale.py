"""A big shop, fast: a million customers and a million orders in about a minute, the same from the same seed.

`seed_shop` goes through the store's validated create path with fresh Faker data for every record, which is
right for a scenario's few dozen and too slow for a Plus merchant's store (6,700 orders a second). Here
names, streets and cities come from pools Faker draws once from the seed, and the records are built as
the create path builds them (ids from the store's counter, the email index, a customer's order count,
total spent and last order) and written into the record tables under one hold of the store's lock, before
any app subscribes to webhooks: no webhook or event is sent for them, as none is sent for a shop's data
imported before an app is installed. The tables are compacted at the end (fakes/tables.py).
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from faker import Faker

from fakes.shopify.models import Address, Customer, LineItem, Order
from fakes.shopify.seed import _ascii
from fakes.shopify.store import ShopifyStore

POOL = 512  # distinct first names, last names, streets and cities drawn from each locale
CATALOGUE = 20  # products the orders draw their line from


@dataclass(frozen=True)
class ScaleSeeded:
    """What a scale seeding made: the counts, and the first and last id of each kind."""

    customers: int
    orders: int
    products: int
    customer_ids: tuple[int, int] | None
    order_ids: tuple[int, int] | None


def seed_at_scale(store: ShopifyStore, shop_name: str, seed: int, *, customers: int, orders: int) -> ScaleSeeded:
    """Add `customers` customers and `orders` orders (one line item each, a customer each when there are
    customers) to `shop_name`, drawn from `seed`."""
    rng = random.Random(seed)
    pools = _pools(seed)
    product_ids, variants = _catalogue(store, shop_name, rng) if orders else ([], [])
    with store.lock:
        shop = store.shop(shop_name)
        now = store.now()
        currency = shop.info.currency
        # Who buys what is drawn first, so that each customer is written once, with its orders counted.
        buyers = [rng.randrange(customers) for _ in range(orders)] if customers else [None] * orders
        lines = [(rng.randrange(len(variants)), rng.randint(1, 3)) for _ in range(orders)]
        first_customer = store.upcoming_id()
        first_order_ids = first_customer + 2 * customers  # a customer takes 2 ids (itself, its address), an order 2
        spent: dict[int, tuple[int, Decimal, int]] = {}
        for i, buyer in enumerate(buyers):
            if buyer is not None:
                count, total, _ = spent.get(buyer, (0, Decimal("0"), 0))
                _, (_, price, _, _) = variants[lines[i][0]]
                spent[buyer] = (count + 1, total + price * lines[i][1], i)
        numbers = shop.next_order_number

        def customer_records() -> Iterator[tuple[int, Customer]]:
            for n in range(customers):
                first, last, street, city, zip_code, country = pools[n % 2][rng.randrange(POOL)]
                cid = store.next_id()
                address = Address(id=store.next_id(), first_name=first, last_name=last, address1=street, city=city,
                                  zip=zip_code, country=country, default=True)
                count, total, last_index = spent.get(n, (0, Decimal("0"), None))
                customer = Customer(
                    id=cid, created_at=now, updated_at=now, email=f"{_ascii(first)}.{_ascii(last)}.{n}@example.com",
                    first_name=first, last_name=last, currency=currency, addresses=[address],
                    tags=[rng.choice(["vip", "wholesale"])] if rng.random() < 0.2 else [],
                    email_marketing_consent={"state": "not_subscribed", "opt_in_level": "single_opt_in",
                                             "consent_updated_at": None},
                    orders_count=count, total_spent=total,
                    last_order_id=None if last_index is None else first_order_ids + 2 * last_index + 1,
                    last_order_name=None if last_index is None else f"#{numbers + last_index}")
                shop.index(customer)
                emails.append(customer.email)
                yield cid, customer

        customer_ids: list[int] = []
        emails: list[str | None] = []  # kept while the orders are made, which carry their customer's email
        shop.customers.load((cid, c) for cid, c in customer_records() if not customer_ids.append(cid))

        def order_records() -> Iterator[tuple[int, Order]]:
            for i, buyer in enumerate(buyers):
                product_id, (title, price, variant_id, sku) = variants[lines[i][0]]
                line = LineItem(id=store.next_id(), title=title, quantity=lines[i][1], price=price,
                                product_id=product_id, variant_id=variant_id, sku=sku, grams=200)
                oid = store.next_id()
                email = None if buyer is None else emails[buyer]
                yield oid, Order(id=oid, number=numbers + i, created_at=now, updated_at=now, line_items=[line],
                                 currency=currency, email=email,
                                 customer_id=None if buyer is None else customer_ids[buyer],
                                 financial_status=rng.choice(("paid", "paid", "paid", "pending", "authorized")),
                                 processed_at=now)

        order_ids: list[int] = []
        shop.orders.load((oid, o) for oid, o in order_records() if not order_ids.append(oid))
        shop.next_order_number += orders
        assert not order_ids or order_ids[0] == first_order_ids + 1, "ids taken out of the expected order"
    return ScaleSeeded(customers, orders, len(product_ids),
                       (customer_ids[0], customer_ids[-1]) if customer_ids else None,
                       (order_ids[0], order_ids[-1]) if order_ids else None)


def _pools(seed: int) -> list[list[tuple[str, str, str, str, str, str]]]:
    pools = []
    for index, (locale, country) in enumerate((("en_US", "United States"), ("fr_FR", "France"))):
        fake = Faker(locale)
        fake.seed_instance(seed * 2 + index)
        pools.append([(fake.first_name(), fake.last_name(), fake.street_address(), fake.city(), fake.postcode(),
                       country) for _ in range(POOL)])
    return pools


def _catalogue(store: ShopifyStore, shop_name: str, rng: random.Random,
               ) -> tuple[list[int], list[tuple[int, tuple[str, Decimal, int, str]]]]:
    """A few products made through the store, as a merchant would, for the orders' lines."""
    product_ids, variants = [], []
    for n in range(CATALOGUE):
        price = f"{rng.randint(5, 300)}.{rng.choice(['00', '50', '99'])}"
        product = store.create_product(shop_name, {"title": f"Catalogue item {n + 1}", "product_type": "Mugs",
                                                   "variants": [{"price": price, "sku": f"CAT-{n + 1}"}]})
        product_ids.append(product.id)
        variant = product.variants[0]
        variants.append((product.id, (product.title, variant.price, variant.id, variant.sku or "")))
    return product_ids, variants
