"""Webhooks the harness sends itself: forged, stale and replayed deliveries (`w.webhooks` in a scenario).

The fakes sign and queue every genuine delivery (`fakes/outbox.py`); this module builds the others
a receiver meets on the open internet: a body signed with the wrong secret or not at all, a genuine
HubSpot signature over a timestamp older than five minutes, a genuine delivery sent again after a
newer change. They go through `World.inject_webhook`, the delivery path of the vendors' webhooks,
and each one is written to the history (the report's timeline shows it) and counted as a hostile
input of its kind for the reliability section.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from fakes.hubspot.webhooks import sign_v1, sign_v3
from fakes.outbox import Delivery
from harness.tenants import SHOPIFY_APP
from harness.world import DeliveryRecord
from scenarios.dsl.history import Change

if TYPE_CHECKING:
    from scenarios.dsl.simulation import Sim

# What a forger signs with: not the app's client secret, which only Shopify, HubSpot and the app know.
FORGER_SECRET = "not-the-app-client-secret"
INJECTED_IDS = 9_000_000  # event ids of harness-made HubSpot events, far from the fake's own


@dataclass(frozen=True)
class Sent:
    """One delivery the harness injected, and how the receiver answered."""

    kind: str  # "forged", "stale", "replayed"
    source: str
    topic: str
    at: datetime
    status: int

    @property
    def refused(self) -> bool:
        """A 4xx: the receiver said no (a 5xx or a crash is not a refusal, it asks for a retry)."""
        return 400 <= self.status < 500


class Webhooks:
    """Builds and sends webhooks that no vendor sent (or sent long ago)."""

    def __init__(self, sim: Sim) -> None:
        self.sim = sim
        self.sent: list[Sent] = []
        self._serial = 0

    # ------------------------------------------------------------------ what the vendors would sign with

    @property
    def shopify_secret(self) -> str:
        """The sync app's client secret in Shopify (signs `X-Shopify-Hmac-Sha256`)."""
        return self.sim.world.shopify.apps[SHOPIFY_APP].client_secret

    @property
    def hubspot_secret(self) -> str:
        """The sync app's client secret in HubSpot (signs `X-HubSpot-Signature-v3`)."""
        return self.sim.world.portal.client_secret

    def hubspot_target(self) -> str:
        """The URL HubSpot signs: the target the implementation subscribed, else the contract's address."""
        app = self.sim.world.hubspot.apps.get(self.sim.world.portal.app_id)
        return (app.target_url if app is not None else None) or self.sim.world.webhook_address("hubspot")

    def _next(self) -> int:
        self._serial += 1
        return self._serial

    # ------------------------------------------------------------------ building and sending

    def shopify(self, shop: str, topic: str, payload: dict, *, secret: str | None = None, signed: bool = True,
                kind: str = "forged") -> int:
        """POST a Shopify delivery of `payload` under `topic`, HMAC-signed with `secret` (the app's own when
        None; `signed=False` leaves the header out); the receiver's status."""
        body = json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
        serial = self._next()
        event_id = f"00000000-0000-4000-8000-{INJECTED_IDS + serial:012d}"
        headers = {
            "Content-Type": "application/json", "X-Shopify-Topic": topic,
            "X-Shopify-Shop-Domain": f"{shop}.myshopify.com", "X-Shopify-API-Version": "2024-10",
            "X-Shopify-Webhook-Id": event_id, "X-Shopify-Event-Id": event_id,
            "X-Shopify-Triggered-At": self.sim.now().isoformat().replace("+00:00", "Z"),
        }
        if signed:
            digest = hmac.new((secret or self.shopify_secret).encode(), body, hashlib.sha256).digest()
            headers["X-Shopify-Hmac-Sha256"] = base64.b64encode(digest).decode()
        return self._send(kind, "shopify", topic, shop, event_id, headers, body)

    def hubspot_event(self, subscription_type: str, object_id: str | int, **extra: Any) -> dict:
        """One event of a HubSpot delivery (docs/vendor-behaviour.md §4.2), e.g. `contact.propertyChange` with
        `propertyName` and `propertyValue`."""
        portal = self.sim.world.portal
        event = {"eventId": INJECTED_IDS + self._next(), "subscriptionId": INJECTED_IDS, "portalId": portal.portal_id,
                 "appId": portal.app_id, "occurredAt": _millis(self.sim.now()), "subscriptionType": subscription_type,
                 "attemptNumber": 0, "objectId": int(object_id), "changeSource": "CRM"}
        if subscription_type.endswith(".creation"):
            event["changeFlag"] = "NEW"
        elif subscription_type.endswith(".deletion"):
            event["changeFlag"] = "DELETED"
        event.update(extra)
        return event

    def hubspot(self, events: list[dict], *, secret: str | None = None, sent_at: datetime | None = None,
                kind: str = "forged") -> int:
        """POST a HubSpot delivery of `events`, v3-signed with `secret` (the app's own when None) over the
        timestamp `sent_at` (now when None); the receiver's status."""
        body = json.dumps(events, separators=(",", ":")).encode("utf-8")
        key = secret or self.hubspot_secret
        stamp = _millis(sent_at or self.sim.now())
        headers = {
            "Content-Type": "application/json",
            "User-Agent": "HubSpot Connect 2.0 (http://dev.hubspot.com/) (namespace: webhooks-nio)",
            "X-HubSpot-Signature-v3": sign_v3(key, "POST", self.hubspot_target(), body, stamp),
            "X-HubSpot-Request-Timestamp": str(stamp),
            "X-HubSpot-Signature": sign_v1(key, body), "X-HubSpot-Signature-Version": "v1",
        }
        topic = ",".join(sorted({str(e.get("subscriptionType")) for e in events}))
        event_id = ",".join(str(e.get("eventId")) for e in events)
        return self._send(kind, "hubspot", topic, None, event_id, headers, body)

    def genuine(self, source: str, where: Callable[[Delivery], bool] = lambda d: True) -> list[Delivery]:
        """Deliveries a fake made (and signed) so far, oldest first: what a replay sends again."""
        outbox = self.sim.world.shopify.outbox if source == "shopify" else self.sim.world.hubspot.outbox
        return [d for d in outbox.all() if where(d)]

    def withhold(self, source: str, where: Callable[[Delivery], bool]) -> list[Delivery]:
        """Take genuine deliveries not yet carried out of the vendor's queue, to `replay` them later: an
        event that arrives after newer ones (delivery is at-least-once and unordered, docs/vendor-behaviour.md §2.1)."""
        outbox = self.sim.world.shopify.outbox if source == "shopify" else self.sim.world.hubspot.outbox
        held = [d for d in outbox.pending() if where(d)]
        for delivery in held:
            outbox.mark_delivered(delivery, self.sim.now())
            self.sim.world.stats.deliveries.append(DeliveryRecord(self.sim.now(), source, delivery.topic,
                                                                  delivery.event_id, None, injected="withheld"))
        return held

    def replay(self, delivery: Delivery, *, kind: str = "replayed") -> int:
        """Send a genuine delivery (again) now, byte for byte (HubSpot re-signs each attempt with its send
        time, as its retries do); the receiver's status."""
        headers = delivery.headers_at(self.sim.now())
        return self._send(kind, delivery.source, delivery.topic, delivery.tenant if delivery.source == "shopify"
                          else None, delivery.event_id, headers, delivery.body)

    def _send(self, kind: str, source: str, topic: str, shop: str | None, event_id: str, headers: dict[str, str],
              body: bytes) -> int:
        status = self.sim.world.inject_webhook(source, headers, body, topic=topic, event_id=event_id, kind=kind)
        sent = Sent(kind, source, topic, self.sim.now(), status)
        self.sent.append(sent)
        self.sim.history.add(Change(self.sim.now(), "harness", f"{source} webhook", kind, shop, event_id,
                                    {"topic": topic, "status": status}))
        self.sim.tried(f"{kind} webhook", refused=sent.refused and kind != "replayed")
        return status


def _millis(instant: datetime) -> int:
    return round(instant.timestamp() * 1000)


def stale(now: datetime, minutes: float = 6) -> datetime:
    """An instant `minutes` before `now` (HubSpot: a request older than five minutes must be rejected)."""
    return now - timedelta(minutes=minutes)
