"""Seeded Faker data for a shop: customers, products with variants, orders and abandoned checkouts.

Everything flows from one integer, so the same seed gives the same shop (HAR-1). Half the people
come from the `fr_FR` locale, and some customers and checkouts have no email, as real shops do.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from faker import Faker

from fakes.shopify.store import ShopifyStore


@dataclass(frozen=True)
class SeedPlan:
    """How many records of each kind to make."""

    customers: int = 10
    products: int = 5
    orders: int = 10
    checkouts: int = 3
    no_email_ratio: float = 0.1


def seed_shop(store: ShopifyStore, shop: str, seed: int, plan: SeedPlan | None = None) -> dict[str, list[int]]:
    """Fill `shop` with data drawn from `seed`; returns the ids made, by kind."""
    plan = plan or SeedPlan()
    rng = random.Random(seed)
    fakers = {locale: Faker(locale) for locale in ("en_US", "fr_FR")}
    for index, fake in enumerate(fakers.values()):
        fake.seed_instance(seed * 2 + index)
    made: dict[str, list[int]] = {"customers": [], "products": [], "orders": [], "checkouts": []}
    used_emails: set[str] = set()

    for n in range(plan.customers):
        fake = fakers["fr_FR" if n % 2 else "en_US"]
        first, last = fake.first_name(), fake.last_name()
        payload: dict = {"first_name": first, "last_name": last, "tags": rng.choice(["", "vip", "wholesale"])}
        if rng.random() >= plan.no_email_ratio:
            email = f"{_ascii(first)}.{_ascii(last)}{n}@{fake.free_email_domain()}".lower()
            if email not in used_emails:
                used_emails.add(email)
                payload["email"] = email
        payload["addresses"] = [{
            "address1": fake.street_address(), "city": fake.city(), "zip": fake.postcode(),
            "country": "France" if fake is fakers["fr_FR"] else "United States",
            "company": fake.company() if rng.random() < 0.3 else None,
        }]
        made["customers"].append(store.create_customer(shop, payload).id)

    variant_ids: list[int] = []
    for n in range(plan.products):
        fake = fakers["en_US"]
        title = f"{fake.color_name()} {fake.word().title()} {n + 1}"
        sizes = rng.choice([["Default Title"], ["S", "M", "L"], ["Small", "Large"]])
        price = f"{rng.randint(5, 300)}.{rng.choice(['00', '50', '99'])}"
        variants = [{"option1": size, "price": price, "sku": f"SKU-{n + 1}-{i}"} for i, size in enumerate(sizes)]
        payload = {"title": title, "body_html": f"<p>{fake.sentence()}</p>", "vendor": fake.company(),
                   "product_type": rng.choice(["Shirts", "Mugs", "Posters"]), "variants": variants}
        if sizes != ["Default Title"]:
            payload["options"] = [{"name": "Size"}]
        product = store.create_product(shop, payload)
        made["products"].append(product.id)
        variant_ids.extend(v.id for v in product.variants)

    if variant_ids:
        for _ in range(plan.orders):
            lines = [{"variant_id": rng.choice(variant_ids), "quantity": rng.randint(1, 3)}
                     for _ in range(rng.randint(1, 3))]
            payload = {"line_items": _distinct_lines(lines),
                       "financial_status": rng.choice(["paid", "paid", "pending", "authorized"])}
            if made["customers"]:
                payload["customer"] = {"id": rng.choice(made["customers"])}
            order = store.create_order(shop, payload)
            made["orders"].append(order.id)
            roll = rng.random()
            if roll < 0.2:
                store.fulfil_order(shop, order.id, tracking_number=f"1Z{rng.randint(10**8, 10**9)}")
            elif roll < 0.3:
                store.cancel_order(shop, order.id, "customer")
        for _ in range(plan.checkouts):
            lines = [{"variant_id": rng.choice(variant_ids), "quantity": rng.randint(1, 2)}]
            payload = {"line_items": lines}
            if rng.random() >= plan.no_email_ratio and used_emails:
                payload["email"] = rng.choice(sorted(used_emails))
            made["checkouts"].append(store.create_checkout(shop, payload).id)
    return made


def _distinct_lines(lines: list[dict]) -> list[dict]:
    merged: dict[int, int] = {}
    for line in lines:
        merged[line["variant_id"]] = merged.get(line["variant_id"], 0) + line["quantity"]
    return [{"variant_id": v, "quantity": q} for v, q in merged.items()]


def _ascii(text: str) -> str:
    import unicodedata
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(c for c in folded if c.isalnum()) or "x"
