"""A Plus merchant's store in the fakes: memory, seeding rate, list pages at a million vs a thousand, and the
reference's initial sync of a million customers and a million orders in process mode.

Each measurement runs in a fresh interpreter (`python -m benchmarks.bench_scale KIND N`), so that its peak RSS
is its own. Figures are ratios against a baseline measured in the same run where one exists (a page at 1k
records; the empty world's RSS), as the rest of `make bench`.
"""

from __future__ import annotations

import json
import math
import re
import statistics
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from benchmarks.bench_engine import _graphql, _peak_rss_mib, _process_status, _rss_mib, _setup
from fakes.shopify.seed_scale import seed_at_scale
from fakes.shopify.store import ListQuery
from harness import Process, World
from reference.clients.shopify import VERSION as SHOPIFY_VERSION

HUBSPOT_BATCH = 100
SHOP = "alpha"


def _world(seed: int, *, mode: str = "inprocess", plan: str = "plus") -> World:
    world = World(seed=seed, mode=mode)
    world.open_portal(tier="enterprise")
    world.install_shop(SHOP, plan=plan)
    return world


def _fresh(kind: str, n: int, seed: int = 11) -> dict:
    out = subprocess.run([sys.executable, "-m", "benchmarks.bench_scale", kind, str(n), str(seed)],
                         capture_output=True, text=True, check=True, cwd=Path(__file__).resolve().parent.parent)
    return json.loads(out.stdout.strip().splitlines()[-1])


# ------------------------------------------------------------------------------------------------ memory


def store_memory(n: int) -> dict:
    """The fakes alone holding n customers and n orders (one line item each) and their HubSpot counterparts
    (contacts, orders associated with their contact, line items associated with their order, written in
    batches of 100 as a sync writes them): peak RSS over the empty world's, and the seeding rate."""
    return _fresh("memory", n)


def _memory_here(n: int, seed: int) -> dict:
    world = _world(seed)
    try:
        empty = _rss_mib()
        began = time.perf_counter()
        seed_at_scale(world.shopify, SHOP, seed, customers=n, orders=n)
        seeding = time.perf_counter() - began
        shopify_mib = _rss_mib() - empty
        world.clock.advance(3600)
        began = time.perf_counter()
        _counterparts(world)
        filling = time.perf_counter() - began
        world.clock.advance(60)
        return {"records": n, "empty_world_mib": round(empty, 1), "seed_seconds": round(seeding, 1),
                "seed_records_per_second": round(2 * n / seeding), "shopify_mib": round(shopify_mib, 1),
                "hubspot_fill_seconds": round(filling, 1),
                "hubspot_records_per_second": round(3 * n / filling),
                "fakes_peak_mib": round(_peak_rss_mib() - empty, 1), "fakes_end_mib": round(_rss_mib() - empty, 1)}
    finally:
        world.close()


def _counterparts(world: World) -> None:
    """What a sync writes into HubSpot for the shop's customers and orders, through the store's batch calls."""
    store, portal = world.hubspot, world.portal.portal_id
    actor = store.marketer(portal)
    shop = world.shopify.shop(SHOP)
    contact_of: dict[int, str] = {}
    pending: list[tuple[int, dict]] = []

    def contacts() -> None:
        made = store.batch_create(actor, "contacts", {"inputs": [{"properties": p} for _, p in pending]})
        contact_of.update((cid, view.id) for (cid, _), view in zip(pending, made.results, strict=True))
        pending.clear()

    for customer in shop.customers.values():
        pending.append((customer.id, {"email": customer.email, "firstname": customer.first_name,
                                      "lastname": customer.last_name, "city": customer.addresses[0].city}))
        if len(pending) == HUBSPOT_BATCH:
            contacts()
    if pending:
        contacts()
    product = store.marketer_create(portal, "products", {"name": "Catalogue item", "price": "8.00"})
    orders: list[tuple[dict, dict]] = []

    def order_batch() -> None:
        made = store.batch_create(actor, "orders", {"inputs": [o for o, _ in orders]})
        store.batch_create(actor, "line_items", {"inputs": [
            {"properties": line, "associations": [{"to": {"id": view.id}, "types": [
                {"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 514}]}]}
            for (_, line), view in zip(orders, made.results, strict=True)]})
        orders.clear()

    for order in shop.orders.values():
        line = order.line_items[0]
        amount = str(line.price * line.quantity)
        properties = {"hs_order_name": order.name, "hs_external_order_id": str(order.id),
                      "hs_source_store": f"{SHOP}.myshopify.com", "hs_currency_code": order.currency,
                      "hs_total_price": amount, "hs_subtotal_price": amount, "hs_tax": "0.00",
                      "hs_payment_status": order.financial_status.capitalize(), "hs_fulfillment_status": "Unfulfilled"}
        contact = contact_of.get(order.customer_id or 0)
        associations = [{"to": {"id": contact}, "types": [{"associationCategory": "HUBSPOT_DEFINED",
                                                            "associationTypeId": 507}]}] if contact else []
        orders.append(({"properties": properties, "associations": associations},
                       {"name": line.title, "quantity": str(line.quantity), "price": str(line.price),
                        "amount": amount, "hs_product_id": product.id}))
        if len(orders) == HUBSPOT_BATCH:
            order_batch()
    if orders:
        order_batch()


# ------------------------------------------------------------------------------------------------ list pages


def list_latency(n: int, baseline: int = 1000) -> dict:
    """Median time of one list page at n records and at `baseline` records, per kind of page, and their ratio."""
    big, small = _fresh("pages", n), _fresh("pages", baseline)
    return {"records": n, "baseline_records": baseline, "pages": [
        {"page": name, "ms": big[name], "baseline_ms": small[name],
         "ratio": round(big[name] / small[name], 2) if small[name] else None} for name in big if name != "records"]}


def _pages_here(n: int, seed: int) -> dict:
    world = _world(seed, plan="unlimited")
    try:
        seed_at_scale(world.shopify, SHOP, seed, customers=n, orders=n)
        world.clock.advance(3600)
        _counterparts(world) if n <= 1000 else _counterparts_sample(world, 1000)
        shop = world.shopify.shop(SHOP)
        middle_customer, middle_order = min(shop.customers) + n, min(shop.orders) + n  # ids go in steps of 2
        world.clock.advance(600)
        store = world.shopify
        touched = [c.id for c in list(shop.customers.values())[:: max(1, n // 20)]][:20]
        for cid in touched:  # a few changes since the poll's instant, as a busy store has
            store.update_customer(SHOP, cid, {"note": "called"})
        since = (world.now() - timedelta(seconds=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
        world.clock.advance(60)
        customers = ("query($after: String, $q: String) { customers(first: 250, after: $after, query: $q, "
                     "sortKey: ID) { nodes { id email updatedAt } pageInfo { hasNextPage endCursor } } }")
        cursor = _graphql(world, "query($q: String) { customers(first: 1, query: $q, sortKey: ID) "
                                 "{ pageInfo { endCursor } } }",
                          {"q": f"id:>={middle_customer - 1}"})["data"]["customers"]["pageInfo"]["endCursor"]
        hub, portal = world.hubspot, world.portal.portal_id
        actor = hub.marketer(portal)
        middle_contact = str(int(min(hub.portal(portal).of_type("contacts"))) + 500)
        modified = str(int((world.now() - timedelta(seconds=90)).timestamp() * 1000))
        timed: dict[str, Callable[[], object]] = {
            "shopify_graphql_page": lambda: _graphql(world, customers, {"after": cursor, "q": None}),
            "shopify_graphql_poll": lambda: _graphql(world, customers, {"after": None,
                                                                          "q": f"updated_at:>='{since}'"}),
            "shopify_rest_page": lambda: store.list_orders(SHOP, ListQuery(
                since_id=middle_order, extra=(("status", "any"),))).page(250, None, {}),
            "hubspot_list_page": lambda: hub.list_page(actor, "contacts", after=middle_contact, limit=100),
            "hubspot_search_modified": lambda: hub.search(actor, "contacts", {"filterGroups": [{"filters": [
                {"propertyName": "lastmodifieddate", "operator": "GTE", "value": modified}]}], "limit": 100}),
        }
        out: dict = {"records": n}
        for name, call in timed.items():
            call()
            samples = []
            for _ in range(15):
                began = time.perf_counter()
                call()
                samples.append(time.perf_counter() - began)
            out[name] = round(1000 * statistics.median(samples), 3)
        return out
    finally:
        world.close()


def _counterparts_sample(world: World, count: int) -> None:
    """HubSpot contacts for `count` customers only (the page timings need a portal of some size, not a full sync)."""
    store, portal = world.hubspot, world.portal.portal_id
    actor = store.marketer(portal)
    people = [c for _, c in zip(range(count), world.shopify.shop(SHOP).customers.values(), strict=False)]
    for start in range(0, len(people), HUBSPOT_BATCH):
        store.batch_create(actor, "contacts", {"inputs": [{"properties": {"email": c.email}}
                                                          for c in people[start:start + HUBSPOT_BATCH]]})


def search_window(n: int, baseline: int = 1000) -> dict:
    """A poller's search after an initial sync: every one of n contacts modified since its bound, a page of 200
    in ascending ids at the far end of a window above the first quarter. Median time at n and at `baseline`
    contacts, and at n the same page with every record judged by its search-index version, as the fake did
    before the update index answered it (fakes/hubspot/store/modified_window.py)."""
    big, small = _fresh("search", n), _fresh("search", baseline)
    return {**big, "baseline_records": baseline, "baseline_ms": small["window_ms"],
            "ratio": round(big["window_ms"] / small["window_ms"], 2) if small["window_ms"] else None}


def _search_here(n: int, seed: int) -> dict:
    from fakes.hubspot.store import modified_window

    world = _world(seed, plan="unlimited")
    try:
        hub, portal = world.hubspot, world.portal.portal_id
        actor = hub.marketer(portal)
        since = str(int(world.now().timestamp() * 1000))
        for start in range(0, n, HUBSPOT_BATCH):
            hub.batch_create(actor, "contacts", {"inputs": [{"properties": {"email": f"c{i}@example.com"}}
                                                            for i in range(start, min(n, start + HUBSPOT_BATCH))]})
        world.clock.advance(60)
        ids = hub.portal(portal).of_type("contacts")
        middle = next(ids.irange_key(int(next(iter(ids))) + n // 4))
        body = {"filterGroups": [{"filters": [
                    {"propertyName": "lastmodifieddate", "operator": "GTE", "value": since},
                    {"propertyName": "hs_object_id", "operator": "GT", "value": middle}]}],
                "sorts": [{"propertyName": "hs_object_id", "direction": "ASCENDING"}], "properties": ["email"],
                "limit": 200, "after": str(min(9800, max(0, n // 2 - 200)))}

        def timed(repeat: int) -> float:
            page = hub.search(actor, "contacts", body)
            assert len(page.items) == 200, "a full page"
            samples = []
            for _ in range(repeat):
                began = time.perf_counter()
                hub.search(actor, "contacts", body)
                samples.append(time.perf_counter() - began)
            return round(1000 * statistics.median(samples), 3)

        out: dict = {"records": n, "window_ms": timed(15)}
        if n > 1000:
            answer = modified_window.answer
            modified_window.answer = lambda *args: None  # type: ignore[assignment]
            try:
                out["records_read_ms"] = timed(3)
            finally:
                modified_window.answer = answer
            out["speedup"] = round(out["records_read_ms"] / out["window_ms"], 1)
        return out
    finally:
        world.close()


# ------------------------------------------------------------------------------------------------ snapshots


def snapshot_round_trip(n: int) -> dict:
    """Both fakes holding n customers and n orders and their HubSpot counterparts, snapshotted through JSON
    text and restored into a fresh world: whether the restored world's snapshot is the same text, whether it
    answers the same pages, and what it costs."""
    return _fresh("snapshot", n)


def snapshot_here(n: int, seed: int) -> dict:
    world = _world(seed)
    try:
        seed_at_scale(world.shopify, SHOP, seed, customers=n, orders=n)
        world.clock.advance(3600)
        _counterparts(world)
        world.clock.advance(60)
        began = time.perf_counter()
        text = json.dumps(world.snapshot(), sort_keys=True)
        dumped = time.perf_counter() - began
        with World(seed=seed + 1) as fresh:
            began = time.perf_counter()
            fresh.restore(json.loads(text))
            restored = time.perf_counter() - began
            again = json.dumps(fresh.snapshot(), sort_keys=True)
            pages = ("query { customers(first: 250, reverse: true) { nodes { id email updatedAt numberOfOrders } } "
                     "orders(first: 50, query: \"status:any\") { nodes { id name lineItems(first: 5) "
                     "{ nodes { title quantity } } } } }")
            portal = world.portal.portal_id

            def hubspot_pages(w: World) -> list:
                return [w.hubspot.list_page(w.hubspot.marketer(portal), kind, after=None, limit=100)
                        for kind in ("contacts", "orders", "line_items")]

            same_pages = _graphql(world, pages, {}) == _graphql(fresh, pages, {}) \
                and hubspot_pages(world) == hubspot_pages(fresh)
        return {"records": n, "exact": again == text, "same_pages": same_pages,
                "snapshot_mib": round(len(text) / 2**20, 1), "dump_seconds": round(dumped, 1),
                "restore_seconds": round(restored, 1)}
    finally:
        world.close()


# ------------------------------------------------------------------------------------------------ the sync


def initial_sync(n: int) -> dict:
    """The reference engine in its own process (the process contract) syncing n customers and n orders of a Plus
    shop into an Enterprise portal: wall and simulated time, the engine process's memory growth, the fakes'
    process peak, Shopify cost points and calls, HubSpot calls against the fewest batches of 100 could do."""
    return _fresh("sync", n)


def _points_by_root(shopify: list) -> dict[str, int]:
    """Where the Shopify points went: by the query's root fields (a read by id is `nodes`)."""
    spent: Counter[str] = Counter()
    for entry in shopify:
        spent[" ".join(sorted(entry.fields or ())) or entry.path] += entry.cost or 0
    return dict(spent.most_common())


def _calls_by_route(hubspot: list) -> dict[str, int]:
    """HubSpot calls by method, path (ids as `{id}`) and status."""
    return dict(Counter(f"{e.method} {re.sub(r'/[0-9]+(?=/|$)', '/{id}', e.path)} {e.status}"
                        for e in hubspot).most_common())


def _sync_here(n: int, seed: int) -> dict:
    world = _world(seed, mode="process")
    try:
        empty = _rss_mib()
        seed_at_scale(world.shopify, SHOP, seed, customers=n, orders=n)
        world.clock.advance(3600)
        engine = Process(f"{sys.executable} -m scenarios.cli serve-impl reference", name="reference")
        world.attach(engine)
        assert engine.proc is not None
        ready = _process_status(engine.proc.pid, "VmRSS")
        start, before = world.now(), len(world.audit)
        began = time.perf_counter()
        world.configure(world.settings(enabled=("contacts", "products", "orders")))
        tables = world.hubspot.portal(world.portal.portal_id)
        for tick in range(5760):  # at most two simulated days
            world.advance(timedelta(seconds=30))
            if tick % 4 == 0:  # on standard error, for whoever watches an hour-long run
                print(f"{time.perf_counter() - began:.0f} s: " + ", ".join(
                    f"{len(tables.of_type(t)):,} {t}" for t in ("contacts", "orders", "line_items"))
                    + f"; engine {_process_status(engine.proc.pid, 'VmRSS'):,.0f} MiB", file=sys.stderr, flush=True)
            if len(tables.of_type("contacts")) >= n and len(tables.of_type("orders")) >= n \
                    and len(tables.of_type("line_items")) >= n:
                break
        wall = time.perf_counter() - began
        peak = _process_status(engine.proc.pid, "VmHWM")
        calls = [e for e in world.audit.since(before) if e.phase in ("tick", "webhook") and not _setup(e)]
        shopify = [e for e in calls if e.fake == "shopify"]
        least_hubspot = 3 * math.ceil(n / HUBSPOT_BATCH) + 1  # contacts, orders, line items; the one product
        return {"customers": n, "orders": n, "synced": {t: len(tables.of_type(t)) for t in
                                                        ("contacts", "orders", "line_items", "products")},
                "wall_seconds": round(wall, 1), "simulated_seconds": (world.now() - start).total_seconds(),
                "engine_process_ready_mib": round(ready, 1), "engine_process_growth_mib": round(peak - ready, 1),
                "fakes_process_peak_mib": round(_peak_rss_mib() - empty, 1),
                "shopify_points": sum(e.cost or 0 for e in shopify), "shopify_calls": len(shopify),
                "shopify_points_by_root": _points_by_root(shopify),
                "bulk_operations": sum(1 for e in shopify if "bulkOperationRunQuery" in e.fields),
                "hubspot_calls": len(calls) - len(shopify), "hubspot_calls_by_route": _calls_by_route(
                    [e for e in calls if e.fake == "hubspot"]),
                "least_hubspot_calls": least_hubspot,
                "hubspot_ratio": round((len(calls) - len(shopify)) / least_hubspot, 2),
                "shopify_version": SHOPIFY_VERSION}
    finally:
        world.close()


if __name__ == "__main__":
    kind, count, seed_arg = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    here = {"memory": _memory_here, "pages": _pages_here, "sync": _sync_here, "snapshot": snapshot_here,
            "search": _search_here}[kind]
    print(json.dumps(here(count, seed_arg)))
