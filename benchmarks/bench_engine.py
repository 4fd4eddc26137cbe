"""The sync engine under the harness: API-call efficiency, rate-limited initial sync, scale, soak speed-up.

Every figure is a ratio: calls used / the minimum at the vendors' page and batch sizes; simulated time
of a rate-limited initial sync / the bound the limits impose; simulated seconds per real second.
"""

from __future__ import annotations

import math
import time
import tracemalloc
from datetime import timedelta

from fakes.world import World
from fakes.world.adapters import load_implementation

SHOPIFY_PAGE, HUBSPOT_BATCH = 250, 100
OBJECT_PATHS = {
    "contacts": ("/customers.json", "/crm/v3/objects/contacts"),
    "products": ("/products.json", "/crm/v3/objects/products"),
    "orders": ("/orders.json", "/crm/v3/objects/orders"),
    "carts": ("/checkouts.json", "/crm/v3/objects/carts"),
}


def _world(seed: int, *, plan: str = "basic", tier: str = "professional", tick: float = 30) -> World:
    world = World(seed=seed, tick=timedelta(seconds=tick))
    world.open_portal(tier=tier)
    world.install_shop("alpha", plan=plan)
    return world


def _fill(world: World, obj: str, n: int) -> int:
    """Create n records of the object's kind in the shop; returns the number of line items made."""
    store = world.shopify
    lines = 0
    if obj in ("orders", "carts"):
        product = store.create_product("alpha", {"title": "Bench Mug", "variants": [{"price": "8.00"}]})
        variant = product.variants[0].id
    for i in range(n):
        if obj == "contacts":
            store.create_customer("alpha", {"email": f"bench{i}@example.com", "first_name": f"B{i}"})
        elif obj == "products":
            store.create_product("alpha", {"title": f"Bench product {i}", "variants": [{"price": "1.00"}]})
        elif obj == "orders":
            store.create_order("alpha", {"line_items": [{"variant_id": variant, "quantity": 1}]})
            lines += 1
        elif obj == "carts":
            store.create_checkout("alpha", {"line_items": [{"variant_id": variant, "quantity": 1}]})
            lines += 1
    return lines


def minimum_calls(obj: str, n: int, lines: int) -> int:
    """The fewest calls an initial sync can make: read pages of 250, write batches of 100 (associations inline)."""
    reads = math.ceil(n / SHOPIFY_PAGE)
    writes = math.ceil(n / HUBSPOT_BATCH)
    if obj in ("orders", "carts"):
        writes += math.ceil(lines / HUBSPOT_BATCH) + 1  # line items; +1: the one product they reference
        reads += 1  # the product page
    return reads + writes


def efficiency(obj: str, n: int, seed: int = 1) -> dict:
    """API calls of the engine's initial sync of n records of one object, over the minimum."""
    world = _world(seed, plan="unlimited", tier="enterprise")
    try:
        lines = _fill(world, obj, n)
        world.attach(load_implementation("reference"))
        enabled = ("products", obj) if obj in ("orders", "carts") else (obj,)
        before = len(world.audit)
        world.configure(world.settings(enabled=enabled))
        hubspot_type = OBJECT_PATHS[obj][1].rsplit("/", 1)[1]
        # Count the calls of the initial sync only: tick until every record is in HubSpot.
        for _ in range(200):
            world.advance(timedelta(seconds=30))
            if len(world.hubspot.records(world.portal.portal_id, hubspot_type)) >= n:
                break
        calls = [e for e in world.audit.since(before) if e.phase in ("tick", "webhook")
                 and not e.path.endswith(("/webhooks.json", "/oauth/access_token"))
                 and "/webhooks/v3/" not in e.path and not e.path.endswith("/shop.json")
                 and "/properties/" not in e.path and "/pipelines/" not in e.path]
        least = minimum_calls(obj, n, lines)
        return {"object": obj, "records": n, "calls": len(calls), "minimum": least,
                "ratio": round(len(calls) / least, 2)}
    finally:
        world.close()


def rate_limited_initial_sync(n: int, seed: int = 2) -> dict:
    """Simulated time of an initial sync of n customers and n orders under the real limits, over the bound."""
    world = _world(seed, plan="basic", tier="professional", tick=1)
    try:
        _fill(world, "contacts", n)
        lines = _fill(world, "orders", n)
        world.attach(load_implementation("reference"))
        start = world.now()
        world.configure(world.settings(enabled=("contacts", "products", "orders")))
        total = n * 2
        while world.now() - start < timedelta(hours=6):
            world.advance(timedelta(seconds=1), tick=timedelta(seconds=1))
            done = len(world.hubspot.records(world.portal.portal_id, "contacts")) >= n and \
                len(world.hubspot.records(world.portal.portal_id, "orders")) >= n
            if done:
                break
        took = (world.now() - start).total_seconds()
        # Standard plan: 40-call burst, then 2 calls/s; HubSpot Professional: 190 calls per 10 s.
        shopify_calls = math.ceil(n / SHOPIFY_PAGE) * 2 + 1
        hubspot_calls = minimum_calls("contacts", n, 0) + minimum_calls("orders", n, lines)
        bound = max(max(0, shopify_calls - 40) / 2.0, hubspot_calls / 19.0)
        return {"customers": n, "orders": n, "records": total, "simulated_seconds": took,
                "bound_seconds": round(bound, 1), "ratio": round(took / bound, 2) if bound else None}
    finally:
        world.close()


def scale(n: int, seed: int = 3) -> dict:
    """Wall time and peak traced memory of an initial sync of n customers, in-process."""
    world = _world(seed, plan="unlimited", tier="enterprise")
    try:
        _fill(world, "contacts", n)
        world.attach(load_implementation("reference"))
        tracemalloc.start()
        began = time.perf_counter()
        world.configure(world.settings(enabled=("contacts",)))
        for _ in range(2880):  # tick until every customer is a contact (at most a simulated day)
            world.advance(timedelta(seconds=30))
            if len(world.hubspot.records(world.portal.portal_id, "contacts")) >= n:
                break
        wall = time.perf_counter() - began
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        synced = len(world.hubspot.records(world.portal.portal_id, "contacts"))
        return {"customers": n, "synced": synced, "wall_seconds": round(wall, 2),
                "peak_mib": round(peak / 2**20, 1), "per_record_ms": round(1000 * wall / n, 3)}
    finally:
        world.close()


def soak(hours: int = 24, changes_per_hour: int = 200, seed: int = 4) -> dict:
    """A busy store for `hours` simulated hours: simulated seconds per real second."""
    import random

    rng = random.Random(seed)
    world = _world(seed, plan="basic", tier="professional")
    try:
        product = world.shopify.create_product("alpha", {"title": "Soak Mug", "variants": [{"price": "8.00"}]})
        variant = product.variants[0].id
        world.attach(load_implementation("reference"))
        world.configure(world.settings())
        people: list[int] = []
        began = time.perf_counter()
        for hour in range(hours):
            for n in range(changes_per_hour):
                roll = rng.random()
                if roll < 0.3 or not people:
                    people.append(world.shopify.create_customer(
                        "alpha", {"email": f"soak{hour}-{n}@example.com", "first_name": "Soak"}).id)
                elif roll < 0.6:
                    world.shopify.update_customer("alpha", rng.choice(people), {"first_name": f"S{hour}-{n}"})
                elif roll < 0.85:
                    world.shopify.create_order("alpha", {"line_items": [{"variant_id": variant, "quantity": 1}],
                                                         "customer": {"id": rng.choice(people)}})
                else:
                    world.shopify.create_checkout("alpha", {"line_items": [{"variant_id": variant, "quantity": 1}]})
                if n % 20 == 19:
                    world.advance(timedelta(seconds=3600 / (changes_per_hour / 20)))
        wall = time.perf_counter() - began
        simulated = world.elapsed()
        return {"hours": hours, "changes": hours * changes_per_hour, "simulated_seconds": simulated,
                "wall_seconds": round(wall, 1), "speedup": round(simulated / wall) if wall else None}
    finally:
        world.close()
