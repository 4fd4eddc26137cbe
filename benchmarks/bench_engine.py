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

from fakes.audit import AuditEntry
from fakes.shopify.bulk import duration as bulk_duration
from fakes.shopify.store import ListQuery
from harness import Process, World
from harness.adapters import load_implementation
from reference.clients import shopify_records as records
from reference.clients.shopify import PAGE
from reference.clients.shopify import VERSION as SHOPIFY_VERSION
from reports.model import Efficiency

HUBSPOT_BATCH = 100
HUBSPOT_TYPE = {"contacts": "contacts", "products": "products", "orders": "orders", "carts": "carts"}
# What the engine reads of each object over GraphQL: the root connection, the node type, its selection.
SHOPIFY_READ = {"contacts": ("customers", "Customer", records.CUSTOMER, None),
                "products": ("products", "Product", records.PRODUCT, None),
                "orders": ("orders", "Order", records.ORDER, "status:any"),
                "carts": ("abandonedCheckouts", "AbandonedCheckout", records.CHECKOUT, None)}


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


def _graphql(world: World, query: str, variables: dict) -> dict:
    """One GraphQL call as the harness (not counted as the implementation's), with a token of its own app."""
    token = _bench_token(world)
    previous, world.audit.phase = world.audit.phase, "harness"
    try:
        response = world.client("shopify").post(f"/shops/alpha/admin/api/{SHOPIFY_VERSION}/graphql.json",
                                                json={"query": query, "variables": variables},
                                                headers={"X-Shopify-Access-Token": token})
    finally:
        world.audit.phase = previous
    return response.json()


def _bench_token(world: World) -> str:
    """A token of a second app in the shop: its own cost bucket, so measuring takes nothing from the sync's."""
    if "bench-reader" not in world.shopify.apps:
        world.shopify.add_app("bench-reader", "bench-reader-secret", "bench reader")
    return world.shopify.issue_token("alpha", "bench-reader")


def least_shopify(world: World, obj: str) -> tuple[int, int]:
    """(calls, points) of the cheapest whole read of the store as a sync needs it: every record once, with
    the engine's own selection, in the largest pages the 1,000-point query maximum allows."""
    root, kind, fields, query = SHOPIFY_READ[obj]
    document = (f"query($after: String, $q: String) {{ {root}(first: {PAGE[kind]}, after: $after, query: $q) "
                f"{{ nodes {{ {fields} }} {records.PAGE_INFO} }} }}")
    calls = points = 0
    after = None
    while True:
        body = _graphql(world, document, {"after": after, "q": query})
        cost = body["extensions"]["cost"]
        if cost["actualQueryCost"] is None:  # THROTTLED: measured before the sync starts, so time may pass
            status = cost["throttleStatus"]
            world.clock.advance((cost["requestedQueryCost"] - status["currentlyAvailable"]) / status["restoreRate"])
            continue
        calls += 1
        points += int(cost["actualQueryCost"])
        page = body["data"][root]["pageInfo"]
        if not page["hasNextPage"]:
            return calls, points
        after = page["endCursor"]


def least_hubspot(obj: str, n: int, lines: int) -> int:
    """The fewest HubSpot calls of an initial sync: batches of 100 (associations inline)."""
    writes = math.ceil(n / HUBSPOT_BATCH)
    if obj in ("orders", "carts"):
        writes += math.ceil(lines / HUBSPOT_BATCH) + 1  # line items; +1: the one product they reference
    return writes


def _setup(entry: AuditEntry) -> bool:
    """Calls made once per install whatever the store holds: OAuth, webhook subscriptions, HubSpot settings."""
    return entry.path.endswith("/oauth/access_token") or "/webhooks/v3/" in entry.path \
        or "/properties/" in entry.path or "/pipelines/" in entry.path \
        or bool(set(entry.fields) & {"webhookSubscriptions", "webhookSubscriptionCreate"})


def efficiency(obj: str, n: int, seed: int = 1) -> dict:
    """Shopify cost points and calls, and HubSpot calls, of the engine's initial sync of n records of one
    object, over the minimum (one read of each record; HubSpot batches of 100)."""
    world = _world(seed, plan="unlimited", tier="enterprise")
    try:
        lines = _fill(world, obj, n)
        least_calls, least_points = least_shopify(world, obj)
        if obj in ("orders", "carts"):  # and the one product their lines reference
            product_calls, product_points = least_shopify(world, "products")
            least_calls, least_points = least_calls + product_calls, least_points + product_points
        world.attach(load_implementation("reference"))
        enabled = ("products", obj) if obj in ("orders", "carts") else (obj,)
        before = len(world.audit)
        world.configure(world.settings(enabled=enabled))
        # Count the calls of the initial sync only: tick until every record is in HubSpot.
        for _ in range(200):
            world.advance(timedelta(seconds=30))
            if len(world.hubspot.records(world.portal.portal_id, HUBSPOT_TYPE[obj])) >= n:
                break
        calls = [e for e in world.audit.since(before) if e.phase in ("tick", "webhook") and not _setup(e)]
        shopify = [e for e in calls if e.fake == "shopify"]
        points = sum(e.cost or 0 for e in shopify)
        hubspot = len(calls) - len(shopify)
        least_hub = least_hubspot(obj, n, lines)
        return {"object": obj, "records": n, "shopify_calls": len(shopify), "shopify_points": points,
                "least_shopify_calls": least_calls, "least_shopify_points": least_points,
                "points_ratio": round(points / least_points, 2) if least_points else None,
                "hubspot_calls": hubspot, "least_hubspot_calls": least_hub,
                "calls": len(calls), "minimum": least_calls + least_hub,
                "ratio": round(len(calls) / (least_calls + least_hub), 2)}
    finally:
        world.close()


def _hubspot_bound(calls: int) -> float:
    """Seconds the 10-second window needs for `calls` (Professional: 190 per window, docs/vendor-behaviour.md §3.10)."""
    return max(0, calls - 190) / 19.0


def _cost_bound(points: int, capacity: float = 2000.0, restore: float = 100.0) -> float:
    """Seconds Shopify's cost bucket needs to pay `points` (Standard: 2,000 at once, then 100 a second,
    docs/vendor-behaviour.md §8.B)."""
    return max(0.0, points - capacity) / restore


def _bulk_bound(rows: int) -> float:
    """Seconds a bulk export of `rows` rows runs on the fake, from its start (fakes/shopify/bulk.py)."""
    return bulk_duration(rows).total_seconds()


def rate_limited_initial_sync(n: int, seed: int = 2) -> dict:
    """Simulated time of an initial sync of n customers and n orders under the real limits, over two bounds.

    The store's records exist an hour before the sync is switched on, as they would in a real store.
    - The bound the cost bucket imposes: reading each record once by pages, paid for at the bucket's restore
      rate (Standard: 2,000 points at once, then 100 a second), HubSpot's writes overlapping the reads.
    - The bound of bulk exports, which cost 10 points each but run in time proportional to their rows (the
      customers' and the orders' side by side), and deliver every row at once: HubSpot's writes follow.
    HubSpot's side in both: batches of 100 in its 10-second window (Professional)."""
    world = _world(seed, plan="basic", tier="professional", tick=1)
    try:
        _fill(world, "contacts", n)
        lines = _fill(world, "orders", n)
        world.clock.advance(3600)
        paged_points = sum(least_shopify(world, obj)[1] for obj in ("contacts", "orders", "products"))
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
        shopify = [e for e in calls if e.fake == "shopify"]
        hubspot = _hubspot_bound(least_hubspot("contacts", n, 0) + least_hubspot("orders", n, lines))
        cost_bound = max(_cost_bound(paged_points), hubspot)
        bulk_bound = _bulk_bound(n + lines) + hubspot
        return {"customers": n, "orders": n, "records": 2 * n, "simulated_seconds": took,
                "shopify_calls": len(shopify), "shopify_points": sum(e.cost or 0 for e in shopify),
                "bulk_operations": sum(1 for e in shopify if "bulkOperationRunQuery" in e.fields),
                "throttled": sum(1 for e in shopify if e.throttled),
                "hubspot_calls": len(calls) - len(shopify), "paged_points": paged_points,
                "bound_seconds": round(cost_bound, 1), "ratio": round(took / cost_bound, 2) if cost_bound else None,
                "bulk_bound_seconds": round(bulk_bound, 1),
                "bulk_ratio": round(took / bulk_bound, 2) if bulk_bound else None}
    finally:
        world.close()


def bulk_initial_sync(n: int, seed: int = 5) -> dict:
    """An initial sync of n customers on a Standard shop, which the engine reads by one bulk operation (paging
    them would cost 4 points a customer at 100 a second): simulated and wall time, Shopify points and calls,
    HubSpot calls over the minimum (Enterprise: its rate limit out of the way)."""
    world = _world(seed, plan="basic", tier="enterprise", tick=5)
    try:
        _fill(world, "contacts", n)
        world.clock.advance(3600)
        paged_points = least_shopify(world, "contacts")[1]
        world.attach(load_implementation("reference"))
        start, before = world.now(), len(world.audit)
        began = time.perf_counter()
        world.configure(world.settings(enabled=("contacts",)))
        while world.now() - start < timedelta(hours=2):
            world.advance(timedelta(seconds=5), tick=timedelta(seconds=5))
            if len(world.hubspot.records(world.portal.portal_id, "contacts")) >= n:
                break
        wall = time.perf_counter() - began
        calls = [e for e in world.audit.since(before) if e.phase in ("tick", "webhook") and not _setup(e)]
        shopify = [e for e in calls if e.fake == "shopify"]
        return {"customers": n, "simulated_seconds": (world.now() - start).total_seconds(),
                "wall_seconds": round(wall, 1), "shopify_points": sum(e.cost or 0 for e in shopify),
                "shopify_calls": len(shopify),
                "bulk_operations": sum(1 for e in shopify if "bulkOperationRunQuery" in e.fields),
                "paged_points": paged_points, "paged_bound_seconds": round(_cost_bound(paged_points), 1),
                "hubspot_calls": len(calls) - len(shopify), "least_hubspot_calls": least_hubspot("contacts", n, 0)}
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
        shopify = [e for e in world.audit.entries() if e.fake == "shopify" and e.phase in ("tick", "webhook")]
        return {"object": obj, "records": n, "synced": synced, "wall_seconds": round(wall, 2),
                "simulated_seconds": world.elapsed(), "shopify_points": sum(e.cost or 0 for e in shopify),
                "shopify_calls": len(shopify),
                "bulk_operations": sum(1 for e in shopify if "bulkOperationRunQuery" in e.fields),
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


def idle_cost(hours: float = 2, seed: int = 5) -> dict:
    """The reference's API cost while nothing changes (two shops and a portal, every object on, a few records),
    against the same engine polling at the configured interval throughout (its polls before they backed off
    when idle, the baseline): calls and Shopify cost points per shop-hour, HubSpot calls per hour."""
    from reference.objects import context

    def measure() -> dict:
        world = _world(seed)
        try:
            world.install_shop("beta")
            world.attach(load_implementation("reference"))
            world.configure(world.settings())
            world.shopify.create_customer("alpha", {"email": "idle@example.com", "first_name": "Idle"})
            world.advance_until_quiet()
            first = len(world.audit.entries())
            world.advance(timedelta(hours=hours))
            calls = [e for e in world.audit.entries()[first:] if e.phase in ("tick", "webhook", "idle")]
            quiet = Efficiency(idle_hours=hours, idle_shop_hours=hours * 2,
                               idle_shopify_calls=sum(e.fake == "shopify" for e in calls),
                               idle_shopify_cost_points=sum(e.cost or 0 for e in calls if e.fake == "shopify"),
                               idle_hubspot_calls=sum(e.fake == "hubspot" for e in calls))
            return quiet.idle_cost or {}
        finally:
            world.close()

    saved = context.IDLE_FACTOR
    try:
        context.IDLE_FACTOR = 1
        always = measure()
    finally:
        context.IDLE_FACTOR = saved
    adaptive = measure()
    return {"hours": hours, "reference": adaptive, "polling_every_interval": always,
            "ratio": {k: round(adaptive[k] / always[k], 2) if always[k] else None for k in adaptive}}
