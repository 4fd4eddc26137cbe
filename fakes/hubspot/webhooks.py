"""Webhook events and deliveries: which subscriptions an event matches, payloads, v3 signatures.

docs/vendor-behaviour.md §4.2: a delivery is a JSON array of events (at most 100), POSTed to the app's target URL
with `X-HubSpot-Signature-v3` = base64(HMAC-SHA256(client secret, method + uri + body + timestamp)) and
`X-HubSpot-Request-Timestamp` in epoch milliseconds; the legacy v1 header (hex SHA-256 of secret + body)
is sent too. The events of one store operation are batched together; the delivery is stamped with the
simulated time it falls due, which is also the signature timestamp.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from fakes.hubspot.apps import App, WebhookSubscription
from fakes.outbox import Delivery, Outbox

MAX_EVENTS_PER_DELIVERY = 100
# Object types with their own legacy subscription prefix; every type also matches `object.*`.
LEGACY_PREFIXES = {"contacts": "contact", "companies": "company", "deals": "deal", "products": "product",
                   "line_items": "line_item"}
ACTIONS = ("creation", "deletion", "propertyChange", "merge", "restore", "associationChange")


@dataclass
class CrmEvent:
    """One change in a portal, before it is matched to subscriptions."""

    action: str  # one of ACTIONS
    object_type: str  # plural name
    object_type_id: str
    object_id: str
    portal_id: int
    occurred_at: datetime
    change_source: str
    source_id: str | None
    property_name: str | None = None
    property_value: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def valid_event_type(event_type: str) -> bool:
    """Whether a subscription event type is one the fake can deliver."""
    prefix, _, action = event_type.partition(".")
    return action in ACTIONS and (prefix == "object" or prefix in LEGACY_PREFIXES.values())


def matches(sub: WebhookSubscription, event: CrmEvent) -> bool:
    """Whether an active subscription wants this event."""
    if not sub.active:
        return False
    prefix, _, action = sub.event_type.partition(".")
    if action != event.action:
        return False
    if prefix == "object":
        if sub.object_type_id and sub.object_type_id != event.object_type_id:
            return False
    elif LEGACY_PREFIXES.get(event.object_type) != prefix:
        return False
    return not (action == "propertyChange" and sub.property_name and sub.property_name != event.property_name)


def event_json(sub: WebhookSubscription, app: App, event: CrmEvent, event_id: int) -> dict[str, Any]:
    """The payload entry HubSpot sends for one matched event (docs/vendor-behaviour.md §4.2)."""
    out: dict[str, Any] = {
        "eventId": event_id, "subscriptionId": sub.id, "portalId": event.portal_id, "appId": app.app_id,
        "occurredAt": round(event.occurred_at.timestamp() * 1000), "subscriptionType": sub.event_type,
        "attemptNumber": 0, "objectId": int(event.object_id), "changeSource": event.change_source,
    }
    if event.source_id:
        out["sourceId"] = event.source_id
    if sub.event_type.startswith("object."):
        out["objectTypeId"] = event.object_type_id
    if event.action == "creation":
        out["changeFlag"] = "NEW"
    elif event.action == "deletion":
        out["changeFlag"] = "DELETED"
    elif event.action == "restore":
        out["changeFlag"] = "RESTORED"
    elif event.action == "propertyChange":
        out["propertyName"] = event.property_name
        out["propertyValue"] = event.property_value if event.property_value is not None else ""
    out.update(event.extra)
    return out


def sign_v3(client_secret: str, method: str, uri: str, body: bytes, timestamp_ms: int) -> str:
    """`X-HubSpot-Signature-v3` for a request (same algorithm as hubspot.utils.signature.Signature)."""
    source = f"{method}{uri}{body.decode('utf-8')}{timestamp_ms}"
    digest = hmac.new(client_secret.encode("utf-8"), source.encode("utf-8"), hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def sign_v1(client_secret: str, body: bytes) -> str:
    """Legacy `X-HubSpot-Signature` (v1): hex SHA-256 of secret + body."""
    return hashlib.sha256(client_secret.encode("utf-8") + body).hexdigest()


def make_deliveries(outbox: Outbox, app: App, portal_id: int, entries: list[dict[str, Any]],
                    created_at: datetime, delay: timedelta) -> list[Delivery]:
    """Split matched events into deliveries of at most 100, sign them and put them in the outbox."""
    out: list[Delivery] = []
    if not app.target_url:
        return out
    due = created_at + delay
    ts = round(due.timestamp() * 1000)
    for start in range(0, len(entries), MAX_EVENTS_PER_DELIVERY):
        chunk = entries[start:start + MAX_EVENTS_PER_DELIVERY]
        body = json.dumps(chunk, separators=(",", ":")).encode("utf-8")
        headers = {
            "Content-Type": "application/json",
            "User-Agent": "HubSpot Connect 2.0 (http://dev.hubspot.com/) (namespace: webhooks-nio)",
            "X-HubSpot-Signature-v3": sign_v3(app.client_secret, "POST", app.target_url, body, ts),
            "X-HubSpot-Request-Timestamp": str(ts),
            "X-HubSpot-Signature": sign_v1(app.client_secret, body),
            "X-HubSpot-Signature-Version": "v1",
        }
        topics = sorted({e["subscriptionType"] for e in chunk})
        delivery = Delivery(seq=outbox.next_seq(), source="hubspot", tenant=str(portal_id),
                            topic=",".join(topics), event_id=",".join(str(e["eventId"]) for e in chunk),
                            address=app.target_url, created_at=created_at, due_at=due, body=body,
                            headers=headers, resign=resigner(headers, app.client_secret, app.target_url, body))
        outbox.put(delivery)
        out.append(delivery)
    return out


def resigner(headers: dict[str, str], secret: str, url: str, body: bytes):
    """HubSpot signs each attempt at send time (the timestamp is part of the v3 signature), so a
    delivery the world delays or retries carries a fresh timestamp and signature."""
    def at(now: datetime) -> dict[str, str]:
        ts = round(now.timestamp() * 1000)
        return {**headers, "X-HubSpot-Request-Timestamp": str(ts),
                "X-HubSpot-Signature-v3": sign_v3(secret, "POST", url, body, ts)}
    return at
