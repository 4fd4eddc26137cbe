"""Snapshot and restore of the fake HubSpot: portals, records, associations, properties, pipelines,
search-index versions, apps and tokens, rate-limit windows, webhook subscriptions and pending deliveries.

A restored fake is indistinguishable from the one snapshotted: record, app, subscription and event
counters continue, `after` cursors (plain ids) keep working, every record keeps its versions (so
search shows what it showed, and catches up when it would have), and correlation ids continue. The
store's attributes are saved wholesale except its wiring (clock, outbox, lock, the events of an
operation in progress, which is never between requests).

A queued delivery is re-signed at each attempt (HubSpot v3 signs the send time); the function that
does it is rebuilt from the app whose secret signed the delivery, found through its v1 signature.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from fakes.hubspot.app import HubSpotFake
from fakes.hubspot.store import HubSpotStore
from fakes.hubspot.webhooks import resigner, sign_v1
from fakes.outbox import Delivery
from fakes.snapshot import FORMAT, SnapshotError, check_format, clock_state, decode, encode, restore_clock

WIRING = frozenset({"clock", "outbox", "_lock", "_events", "_now_iso"})


def dump(fake: HubSpotFake) -> dict[str, Any]:
    """The whole fake (store, outbox, clock instant, correlation counter) as one JSON-ready document."""
    store = fake.store
    with store._lock:
        if store._events is not None:
            raise SnapshotError("a HubSpot operation is in progress; snapshot between requests")
        state = {name: encode(value) for name, value in vars(store).items() if name not in WIRING}
        return {"format": FORMAT, "fake": "hubspot", "clock": clock_state(fake.clock), "state": state,
                "outbox": fake.outbox.dump_state(), "correlation": fake._correlation}


def load(fake: HubSpotFake, document: Any) -> None:
    """Replace everything in the fake (in place: the app serving it keeps serving it) with a snapshot."""
    doc = check_format(document, "hubspot")
    store = fake.store
    with store._lock:
        store.reset()
        for name, value in doc["state"].items():
            setattr(store, name, decode(value))
        fake.outbox.load_state(doc["outbox"], _resigner_from(store))
        with fake._lock:
            fake._correlation = int(doc.get("correlation", 0))
        restore_clock(fake.clock, doc["clock"])


def _resigner_from(store: HubSpotStore) -> Callable[[Delivery], Callable[[datetime], dict[str, str]] | None]:
    def rebuild(delivery: Delivery) -> Callable[[datetime], dict[str, str]] | None:
        signature = delivery.headers.get("X-HubSpot-Signature")
        for app in store.apps.values():
            if signature == sign_v1(app.client_secret, delivery.body):
                return resigner(delivery.headers, app.client_secret, delivery.address, delivery.body)
        return None
    return rebuild
