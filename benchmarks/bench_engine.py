"""The sync engine under the harness: API-call efficiency, rate-limited initial sync, scale, soak speed-up.

Every figure is a ratio: calls used / the minimum at the vendors' page and batch sizes; simulated time
of a rate-limited initial sync / the bound the limits impose; simulated seconds per real second.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from fakes.shopify.store import ListQuery
from fakes.world import Process, World
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


def _hubspot_bound(calls: int) -> float:
    """Seconds the 10-second window needs for `calls` (Professional: 190 per window, docs/vendor-behaviour.md §3.10)."""
    return max(0, calls - 190) / 19.0


def _shopify_bound(calls: int) -> float:
    """Seconds the leaky bucket needs for `calls` (standard plan: 40 at once, then 2 per second,
    docs/vendor-behaviour.md §1.5)."""
    return max(0, calls - 40) / 2.0


def rate_limited_initial_sync(n: int, seed: int = 2) -> dict:
    """Simulated time of an initial sync of n customers and n orders under the real limits, over the bound.

    The store's records exist an hour before the sync is switched on, as they would in a real store. Two
    bounds: the data alone (pages of 250 to read, batches of 100 to write), and the data plus the calls
    the implementation made to subscribe to webhooks (they draw on the same Shopify bucket)."""
    world = _world(seed, plan="basic", tier="professional", tick=1)
    try:
        _fill(world, "contacts", n)
        lines = _fill(world, "orders", n)
        world.clock.advance(3600)
        world.attach(load_implementation("reference"))
        start = world.now()
        before = len(world.audit)
        world.configure(world.settings(enabled=("contacts", "products", "orders")))
        while world.now() - start < timedelta(hours=6):
            world.advance(timedelta(seconds=1), tick=timedelta(seconds=1))
            done = len(world.hubspot.records(world.portal.portal_id, "contacts")) >= n and \
                len(world.hubspot.records(world.portal.portal_id, "orders")) >= n
            if done:
                break
        took = (world.now() - start).total_seconds()
        calls = [e for e in world.audit.since(before) if e.phase in ("tick", "webhook")]
        shopify_setup = sum(1 for e in calls if "/shops/" in e.path and e.path.endswith("/webhooks.json"))
        shopify_data = math.ceil(n / SHOPIFY_PAGE) * 2 + 1  # customers, orders, the one product
        hubspot_data = minimum_calls("contacts", n, 0) + minimum_calls("orders", n, lines) - shopify_data
        bound = max(_shopify_bound(shopify_data), _hubspot_bound(hubspot_data))
        bound_setup = max(_shopify_bound(shopify_data + shopify_setup), _hubspot_bound(hubspot_data))
        return {"customers": n, "orders": n, "records": 2 * n, "simulated_seconds": took,
                "shopify_calls": sum(1 for e in calls if "/shops/" in e.path),
                "hubspot_calls": sum(1 for e in calls if "/shops/" not in e.path),
                "bound_seconds": round(bound, 1), "ratio": round(took / bound, 2) if bound else None,
                "bound_with_subscriptions": round(bound_setup, 1),
                "ratio_with_subscriptions": round(took / bound_setup, 2) if bound_setup else None}
    finally:
        world.close()


def scale(n: int, obj: str = "contacts", seed: int = 3) -> dict:
    """Wall time and memory of an initial sync of n customers (or orders), in-process, measured in a fresh
    interpreter (so that each size's peak is its own, and no tracer slows the run down).

    The memory baseline, in another fresh interpreter, is the fakes alone ending in the same state (the
    same Shopify records, the same HubSpot records written straight into the fake HubSpot): what the sync's
    peak holds beyond it is the engine's."""
    row = _fresh("scale", n, seed, obj)
    baseline = _fresh("scale-fakes", n, seed, obj)
    row["fakes_growth_mib"] = baseline["fakes_growth_mib"]
    row["engine_peak_mib"] = round(max(0.0, row["sync_peak_mib"] - baseline["fakes_growth_mib"]), 1)
    # The engine alone: the same sync with the engine in its own process (the process contract), whose
    # peak RSS is then its own, with no allocator sharing (or fragmentation) with the fakes.
    row.update(_fresh("scale-process", n, seed, obj))
    return row


def _fresh(kind: str, n: int, seed: int, obj: str) -> dict:
    out = subprocess.run([sys.executable, "-m", "benchmarks.bench_engine", kind, str(n), str(seed), obj],
                         capture_output=True, text=True, check=True, cwd=Path(__file__).resolve().parent.parent)
    return json.loads(out.stdout.strip().splitlines()[-1])


def _rss_mib() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def _peak_rss_mib() -> float:
    """This process's high-water mark (VmHWM starts again at exec, unlike ru_maxrss, which the child of a
    big benchmark process would inherit)."""
    with open("/proc/self/status") as status:
        line = next(line for line in status if line.startswith("VmHWM:"))
    return int(line.split()[1]) / 1024


# What a scale run syncs, by object: the settings switched on, and the HubSpot object it ends in.
SCALED = {"contacts": (("contacts",), "contacts"), "orders": (("products", "orders"), "orders")}


def _scale_here(n: int, seed: int, obj: str) -> dict:
    enabled, hubspot_type = SCALED[obj]
    world = _world(seed, plan="unlimited", tier="enterprise")
    try:
        _fill(world, obj, n)
        world.clock.advance(3600)
        world.attach(load_implementation("reference"))
        before = _rss_mib()
        began = time.perf_counter()
        world.configure(world.settings(enabled=enabled))
        for _ in range(2880):  # tick until every record is in HubSpot (at most a simulated day)
            world.advance(timedelta(seconds=30))
            if len(world.hubspot.records(world.portal.portal_id, hubspot_type)) >= n:
                break
        wall = time.perf_counter() - began
        peak = _peak_rss_mib()
        synced = len(world.hubspot.records(world.portal.portal_id, hubspot_type))
        return {"object": obj, "records": n, "synced": synced, "wall_seconds": round(wall, 2),
                "per_record_ms": round(1000 * wall / n, 3), "rss_before_mib": round(before, 1),
                "peak_mib": round(peak, 1), "sync_peak_mib": round(peak - before, 1)}
    finally:
        world.close()


def _process_status(pid: int, field: str) -> float:
    """A field of /proc/PID/status in MiB (VmRSS, VmHWM)."""
    with open(f"/proc/{pid}/status") as status:
        line = next(line for line in status if line.startswith(f"{field}:"))
    return int(line.split()[1]) / 1024


def _engine_process_here(n: int, seed: int, obj: str) -> dict:
    """The scale run with the engine in its own process: its RSS when ready, and its peak during the sync."""
    enabled, hubspot_type = SCALED[obj]
    world = World(seed=seed, mode="process")
    try:
        world.open_portal(tier="enterprise")
        world.install_shop("alpha", plan="unlimited")
        _fill(world, obj, n)
        world.clock.advance(3600)
        engine = Process(f"{sys.executable} -m scenarios.cli serve-impl reference", name="reference")
        world.attach(engine)
        assert engine.proc is not None
        ready = _process_status(engine.proc.pid, "VmRSS")
        world.configure(world.settings(enabled=enabled))
        for _ in range(2880):
            world.advance(timedelta(seconds=30))
            if len(world.hubspot.records(world.portal.portal_id, hubspot_type)) >= n:
                break
        peak = _process_status(engine.proc.pid, "VmHWM")
        return {"engine_process_ready_mib": round(ready, 1), "engine_process_peak_mib": round(peak, 1),
                "engine_process_growth_mib": round(peak - ready, 1)}
    finally:
        world.close()


def _fakes_only_here(n: int, seed: int, obj: str) -> dict:
    """The fakes' own growth for the scale run: the HubSpot records the sync makes, written straight into
    the fake HubSpot (orders with the sync's properties, each with its line item associated)."""
    world = _world(seed, plan="unlimited", tier="enterprise")
    try:
        _fill(world, obj, n)
        world.clock.advance(3600)
        before = _rss_mib()
        pid = world.portal.portal_id
        store = world.hubspot
        if obj == "contacts":
            for customer in world.shopify.list_customers("alpha", ListQuery()):
                store.marketer_create(pid, "contacts", {"email": customer.email, "firstname": customer.first_name})
        else:
            product = store.marketer_create(pid, "products", {"name": "Bench Mug", "price": "8.00"})
            for order in world.shopify.list_orders("alpha", ListQuery(extra=(("status", "any"),))):
                made = store.marketer_create(pid, "orders", {
                    "hs_order_name": order.name, "hs_external_order_id": str(order.id),
                    "hs_source_store": "alpha.myshopify.com", "hs_currency_code": "USD", "hs_total_price": "8.00",
                    "hs_subtotal_price": "8.00", "hs_tax": "0.00", "hs_payment_status": "Paid",
                    "hs_fulfillment_status": "Unfulfilled", "hs_pipeline": "14a2e10e-5471-408a-906e-c51f3b04369e",
                    "hs_pipeline_stage": "3725360f-519b-4b18-a593-494d60a29c9f"})
                line = {"to": {"id": made.id}, "types": [{"associationCategory": "HUBSPOT_DEFINED",
                                                          "associationTypeId": 514}]}
                store.marketer_create(pid, "line_items", {"name": "Bench Mug", "quantity": "1", "price": "8.00",
                                                          "hs_product_id": product.id}, associations=[line])
        return {"records": n, "fakes_growth_mib": round(_peak_rss_mib() - before, 1)}
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


def suite_speedup(workers: int = 2) -> dict:
    """The whole conformance suite as `make conform` runs it: simulated seconds of all scenarios over wall time."""
    with tempfile.TemporaryDirectory(prefix="shopsync-bench-suite-") as out:
        began = time.perf_counter()
        subprocess.run([sys.executable, "-m", "scenarios.cli", "conform", "--impl", "reference", "--seed", "0",
                        "--report-dir", out, "-n", str(workers)], capture_output=True, text=True,
                       cwd=Path(__file__).resolve().parent.parent)
        wall = time.perf_counter() - began
        report = json.loads((Path(out) / "conformance.json").read_text())
    simulated = sum(s.get("sim_seconds") or 0 for s in report["scenarios"])
    return {"scenarios": len(report["scenarios"]), "workers": workers, "wall_seconds": round(wall, 1),
            "simulated_seconds": simulated, "speedup": round(simulated / wall) if wall else None,
            "exit_code": report["exit_code"]}


# One scale point in a fresh interpreter: python -m benchmarks.bench_engine scale|scale-fakes N SEED OBJECT
if __name__ == "__main__":
    if sys.argv[1:2] == ["scale"]:
        print(json.dumps(_scale_here(int(sys.argv[2]), int(sys.argv[3]), sys.argv[4])))
    elif sys.argv[1:2] == ["scale-process"]:
        print(json.dumps(_engine_process_here(int(sys.argv[2]), int(sys.argv[3]), sys.argv[4])))
    elif sys.argv[1:2] == ["scale-fakes"]:
        print(json.dumps(_fakes_only_here(int(sys.argv[2]), int(sys.argv[3]), sys.argv[4])))
