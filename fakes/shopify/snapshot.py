"""Snapshot and restore of the fake Shopify: every shop, app, token, bucket and pending webhook.

A restored store is indistinguishable from the one snapshotted: the id counter and token counter
continue, records keep their timestamps, since_id and page_info cursors (which carry only ids and
filters) go on working, the REST and GraphQL buckets keep their fill, and queued webhook deliveries
(already signed with the app's secret) are still carried. The store's attributes are saved wholesale
except its wiring (clock, outbox, lock, listeners) and the parts that hold callables (the buckets and
each shop's company book), which are saved as data and re-wired on restore.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from fakes.shopify.graphql.cost import CostBucket
from fakes.shopify.store import ShopifyStore
from fakes.snapshot import FORMAT, check_format, clock_state, decode, encode, restore_clock

WIRING = frozenset({"clock", "outbox", "lock", "on_change"})
SAVED_APART = frozenset({"shops", "buckets", "_cost_buckets"})


def dump(store: ShopifyStore) -> dict[str, Any]:
    """The whole store (and its outbox and clock instant) as one JSON-ready document."""
    with store.lock:
        store.finish_exports()
        state = {name: encode(value) for name, value in vars(store).items() if name not in WIRING | SAVED_APART}
        shops = {}
        for name, shop in store.shops.items():
            book = shop.companies
            shops[name] = {"shop": encode(dataclasses.replace(shop, companies=None)),
                           "companies": encode(book.dump_state()) if book is not None else None}  # type: ignore[attr-defined]
        return {
            "format": FORMAT, "fake": "shopify", "clock": clock_state(store.clock), "state": state, "shops": shops,
            "buckets": store.buckets.dump_state(),
            "cost_buckets": [[app, shop, bucket.dump_state()]  # type: ignore[attr-defined]
                             for (app, shop), bucket in store._cost_buckets.items()],
            "outbox": store.outbox.dump_state(),
        }


def load(store: ShopifyStore, document: Any) -> None:
    """Replace everything in `store` (in place: apps serving it keep serving it) with a snapshot."""
    doc = check_format(document, "shopify")
    with store.lock:
        store.reset()
        for name, value in doc["state"].items():
            setattr(store, name, decode(value))
        store.shops = {}
        for name, entry in doc["shops"].items():
            store.shops[name] = decode(entry["shop"])
            store.shops[name].__post_init__()  # records of a snapshot from before the id-ordered tables
            if entry.get("companies") is not None:
                store.company_book(name).load_state(decode(entry["companies"]))
        store.buckets.load_state(doc["buckets"])
        store._cost_buckets = {(app, shop): CostBucket.from_state(store.now, state)
                               for app, shop, state in doc["cost_buckets"]}
        store.outbox.load_state(doc["outbox"])
        restore_clock(store.clock, doc["clock"])
