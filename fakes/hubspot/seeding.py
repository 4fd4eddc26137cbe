"""Seeded Faker data for a portal: contacts, companies, products, and optionally orders and carts.

The same seed always gives the same records, property values and ids (the store's id counter is
deterministic too). Names and addresses mix the `en_US` and `fr_FR` locales (docs/design.md#the-simulated-world, Seed).
"""

from __future__ import annotations

import random
import unicodedata
from decimal import Decimal
from typing import TYPE_CHECKING

from faker import Faker

from fakes.hubspot.apps import Actor
from fakes.hubspot.pipelines import ORDER_STAGES

if TYPE_CHECKING:
    from fakes.hubspot.store import HubSpotStore


def _ascii(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return "".join(c for c in folded.lower() if c.isalnum())


def seed_portal(store: HubSpotStore, portal_id: int, seed: int, *, contacts: int, companies: int, products: int,
                orders: int, carts: int) -> dict[str, list[str]]:
    """Create the records; returns the new ids per object type."""
    fake = Faker(["en_US", "fr_FR"])
    fake.seed_instance(seed)
    rng = random.Random(seed)
    actor = Actor(portal_id, None, "seed", "IMPORT", None)
    made: dict[str, list[str]] = {"contacts": [], "companies": [], "products": [], "orders": [], "carts": [],
                                  "line_items": []}

    def create(object_type: str, props: dict[str, str], associations: list[dict] | None = None) -> str:
        view = store.create(actor, object_type, {"properties": props, "associations": associations or []})
        made[object_type].append(view.id)
        return view.id

    for i in range(companies):
        name = fake.company()
        create("companies", {"name": name, "domain": f"{_ascii(name)[:20] or 'company'}{i}.example",
                             "city": fake.city(), "country": fake.country()})
    for i in range(contacts):
        first, last = fake.first_name(), fake.last_name()
        props = {"firstname": first, "lastname": last, "email": f"{_ascii(first)}.{_ascii(last)}{i}@example.com",
                 "phone": fake.phone_number(), "city": fake.city(), "country": fake.country()}
        assoc = []
        if made["companies"] and rng.random() < 0.5:
            company = rng.choice(made["companies"])
            assoc = [{"to": {"id": company}, "types": [{"associationCategory": "HUBSPOT_DEFINED",
                                                         "associationTypeId": 279}]}]
        create("contacts", props, assoc)
    catalogue: list[tuple[str, str, Decimal]] = []
    for i in range(products):
        name = f"{fake.color_name()} {fake.word().capitalize()} {i + 1}"
        price = Decimal(rng.randrange(500, 20000)) / 100
        pid = create("products", {"name": name, "price": str(price), "hs_sku": f"SKU-{seed}-{i + 1:04d}",
                                  "description": fake.sentence()})
        catalogue.append((pid, name, price))
    stages = list(ORDER_STAGES.values())
    for kind, count in (("orders", orders), ("carts", carts)):
        for n in range(count):
            lines = []
            for _ in range(rng.randint(1, 3)) if catalogue else []:
                pid, name, price = rng.choice(catalogue)
                qty = rng.randint(1, 3)
                lines.append((pid, name, price, qty))
            total = sum((price * qty for _, _, price, qty in lines), Decimal("0"))
            props = {"hs_currency_code": "USD", "hs_total_price": str(total), "hs_subtotal_price": str(total),
                     "hs_source_store": "seed.myshopify.com"}
            assoc = []
            if made["contacts"] and rng.random() < 0.8:
                type_id = 507 if kind == "orders" else 586
                assoc.append({"to": {"id": rng.choice(made["contacts"])},
                              "types": [{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": type_id}]})
            if kind == "orders":
                props |= {"hs_order_name": f"#{1001 + n}", "hs_external_order_id": str(5000 + n),
                          "hs_pipeline_stage": rng.choice(stages[:4])}
            else:
                props |= {"hs_cart_name": f"Cart {n + 1}", "hs_external_cart_id": str(9000 + n),
                          "hs_external_status": "abandoned"}
            parent = create(kind, props, assoc)
            for pid, name, price, qty in lines:
                type_id = 514 if kind == "orders" else 591
                create("line_items", {"name": name, "price": str(price), "quantity": str(qty),
                                      "amount": str(price * qty), "hs_product_id": pid},
                       [{"to": {"id": parent}, "types": [{"associationCategory": "HUBSPOT_DEFINED",
                                                          "associationTypeId": type_id}]}])
    return made
