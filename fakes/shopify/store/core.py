"""The core of the fake Shopify's store: state, lock, clock, ids, the shared get and list of a shop's records, and the
webhooks (and events) a change sends out.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import uuid
from collections.abc import Callable
from datetime import datetime

from fakes.clock import SimClock
from fakes.outbox import Delivery, Outbox
from fakes.shopify.errors import NotFound
from fakes.shopify.models import Event
from fakes.shopify.pagination import Selection
from fakes.shopify.ratelimit import LeakyBuckets
from fakes.shopify.store.records import AccessToken, App, ListQuery, Shop, found
from fakes.tables import StoreLock


class StoreCore:
    """What every resource's operations share: the shops, the lock, the clock, ids, and webhooks out."""

    FIRST_ID = 7_100_000_001

    def __init__(self, clock: SimClock | None = None, outbox: Outbox | None = None) -> None:
        self.clock = clock or SimClock()
        self.outbox = outbox if outbox is not None else Outbox()
        self.lock = StoreLock()  # settles the record tables when an operation ends (fakes/tables.py)
        self.buckets = LeakyBuckets(self.clock.now)
        self.on_change: list[Callable[[str, str, dict], None]] = []
        self._reset_state()

    def _reset_state(self) -> None:
        self.shops: dict[str, Shop] = {}
        self.apps: dict[str, App] = {}
        self.tokens: dict[str, AccessToken] = {}
        self.oauth_codes: dict[str, tuple[str, str, frozenset[str]]] = {}
        self._next_id = self.FIRST_ID
        self._token_counter = 0
        self._session_tokens = 0  # session tokens the admin issued (their serial makes each jti unique)
        self._cost_buckets: dict[tuple[str, str], object] = {}

    def reset(self) -> None:
        """Forget every shop, app, token and bucket (a fresh world)."""
        with self.lock:
            self._reset_state()
            self.buckets.reset()

    def next_id(self) -> int:
        """A fresh record id; deterministic, shared across record kinds like Shopify's own."""
        with self.lock:
            value = self._next_id
            self._next_id += 1
            return value

    def upcoming_id(self) -> int:
        """The id `next_id` will give next (a bulk load that numbers records before it makes them)."""
        with self.lock:
            return self._next_id

    def now(self) -> datetime:
        """Simulated now."""
        return self.clock.now()

    def shop(self, name: str) -> Shop:
        """The shop called `name`, or 404."""
        shop = self.shops.get(name)
        if shop is None:
            raise NotFound()
        return shop

    def customer_snapshot(self, shop: Shop, customer_id: int | None) -> dict | None:
        """The customer an order or checkout carries: its REST object without the address book."""
        customer = shop.customers.get(customer_id) if customer_id else None
        if customer is None:
            return None
        snapshot = customer.rest(shop.info)
        snapshot.pop("addresses", None)
        return snapshot

    def one(self, shop_name: str, table: str, record_id: int):
        """A shop's record of a table (`customers`, `products`, `orders`, `checkouts`) by id, or Shopify's 404."""
        return found(getattr(self.shop(shop_name), table), record_id)

    def listing(self, shop_name: str, table: str, keep: Callable[[object], bool], query: ListQuery) -> Selection:
        """A shop's records of a table that `keep` admits, in id order, paged from a cursor (see `Selection`);
        a listing with `since_id` starts reading above it."""
        return Selection(getattr(self.shop(shop_name), table), keep, self.lock, floor=query.since_id)


    def _emit(self, shop: Shop, topic: str, payload: dict, *, only_app: str | None = None) -> None:
        """Queue one signed delivery per matching subscription and tell in-process listeners."""
        for listener in self.on_change:
            listener(shop.info.name, topic, payload)
        subscriptions = [w for w in shop.webhooks.values()
                         if w.topic == topic and (only_app is None or w.app == only_app)]
        if not subscriptions:
            return
        now = self.now()
        event_id = str(uuid.UUID(int=self.next_id()))
        for sub in sorted(subscriptions, key=lambda w: w.id):
            app = self.apps.get(sub.app)
            if app is None:
                continue
            body_obj = {k: v for k, v in payload.items() if k in sub.fields} if sub.fields else payload
            body = json.dumps(body_obj, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
            digest = hmac.new(app.client_secret.encode(), body, hashlib.sha256).digest()
            seq = self.outbox.next_seq()
            headers = {
                "Content-Type": "application/json",
                "X-Shopify-Topic": topic,
                "X-Shopify-Hmac-Sha256": base64.b64encode(digest).decode(),
                "X-Shopify-Shop-Domain": shop.info.domain,
                "X-Shopify-API-Version": sub.api_version,
                "X-Shopify-Webhook-Id": str(uuid.UUID(int=(1 << 64) + seq)),
                "X-Shopify-Triggered-At": now.isoformat().replace("+00:00", "Z"),
                "X-Shopify-Event-Id": event_id,
            }
            self.outbox.put(Delivery(seq, "shopify", shop.info.name, topic, event_id, sub.address, now, now,
                                     body, headers))

    def _event(self, shop: Shop, subject_type: str, subject_id: int, verb: str, message: str) -> None:
        shop.events.append(Event(self.next_id(), subject_id, subject_type, verb, self.now(), message))
