"""Incoming webhooks: signature checks (Shopify HMAC, HubSpot v3), and what each delivery says.

A webhook is a hint, never the truth: the engine persists the verified event before answering 200,
and at its next tick re-reads the records it names (polls, reads by id). That makes lost, duplicated,
delayed and reordered deliveries harmless (LAT-3): polling alone meets the bound, webhooks only make
it faster.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

MAX_AGE_SECONDS = 300  # HubSpot v3: reject requests older than five minutes (docs/vendor-behaviour.md §4.2)

# Shopify topics the engine subscribes, by object type (docs/vendor-behaviour.md §1.8). Not orders/paid, cancelled,
# fulfilled or edited: orders/updated fires with each of them (Shopify's answer on
# community.shopify.dev/t/27018, and the fake does the same), so they would bring every such change twice.
SHOPIFY_TOPICS = {
    "contacts": [f"customers/{v}" for v in ("create", "update", "delete")],
    "products": [f"products/{v}" for v in ("create", "update", "delete")],
    "orders": [f"orders/{v}" for v in ("create", "updated", "delete")],
    "carts": [f"checkouts/{v}" for v in ("create", "update", "delete")],
    "companies": [f"companies/{v}" for v in ("create", "update", "delete")],
}
UNINSTALLED = "app/uninstalled"


@dataclass(frozen=True)
class Event:
    """One verified event: where it comes from, its topic, its payload and its dedupe id."""

    source: str
    shop: str | None
    topic: str
    body: Any
    event_id: str
    at: str | None = None  # when it happened, if the vendor says (Shopify's X-Shopify-Triggered-At)


class Rejected(Exception):
    """The delivery is refused with `status` (401 forged or stale, 400 unreadable)."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status


def _headers(headers: dict[str, str]) -> dict[str, str]:
    return {k.lower(): v for k, v in headers.items()}


def shopify_events(headers: dict[str, str], body: bytes, secret: str, shops_by_domain: dict[str, str]) -> list[Event]:
    """Verify `X-Shopify-Hmac-Sha256` (base64 HMAC-SHA256 of the raw body, docs/vendor-behaviour.md §2.1) and
    read the event."""
    h = _headers(headers)
    given = h.get("x-shopify-hmac-sha256") or h.get("shopify-hmac-sha256") or ""
    digest = base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()
    if not given or not hmac.compare_digest(given, digest):
        raise Rejected(401, "bad Shopify HMAC")
    topic = h.get("x-shopify-topic") or h.get("shopify-topic") or ""
    shop = shops_by_domain.get((h.get("x-shopify-shop-domain") or h.get("shopify-shop-domain") or "").lower())
    event_id = h.get("x-shopify-event-id") or h.get("x-shopify-webhook-id") or ""
    try:
        payload = json.loads(body or b"{}")
    except ValueError:
        raise Rejected(400, "unreadable JSON") from None
    return [Event("shopify", shop, topic, payload if isinstance(payload, dict) else {}, f"shopify:{event_id}",
                  h.get("x-shopify-triggered-at") or None)]


def hubspot_events(headers: dict[str, str], body: bytes, secret: str, uri: str, now: datetime | None) -> list[Event]:
    """Verify `X-HubSpot-Signature-v3` (method + uri + body + timestamp, docs/vendor-behaviour.md §4.2) and
    read the events."""
    h = _headers(headers)
    timestamp = h.get("x-hubspot-request-timestamp", "")
    given = h.get("x-hubspot-signature-v3", "")
    if not timestamp.isdigit() or not given:
        raise Rejected(401, "unsigned HubSpot request")
    if now is not None and now.timestamp() - int(timestamp) / 1000 > MAX_AGE_SECONDS:
        raise Rejected(401, "stale HubSpot request")
    source = f"POST{uri}{body.decode('utf-8', 'replace')}{timestamp}"
    digest = base64.b64encode(hmac.new(secret.encode(), source.encode(), hashlib.sha256).digest()).decode()
    if not hmac.compare_digest(given, digest):
        raise Rejected(401, "bad HubSpot signature")
    try:
        payload = json.loads(body or b"[]")
    except ValueError:
        raise Rejected(400, "unreadable JSON") from None
    events = payload if isinstance(payload, list) else [payload]
    return [Event("hubspot", None, str(e.get("subscriptionType", "")), e, f"hubspot:{e.get('eventId')}")
            for e in events if isinstance(e, dict) and e.get("objectId") is not None]
