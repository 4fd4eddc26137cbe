"""The webhook outbox: signed deliveries a fake wants to make, waiting for the world to carry them."""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass
class Delivery:
    """One webhook request, ready to send: the exact bytes and headers the vendor would send."""

    seq: int
    source: str  # "shopify" or "hubspot"
    tenant: str  # shop name or portal id
    topic: str  # Shopify topic or HubSpot subscription type(s)
    event_id: str  # the same across duplicate deliveries of one event
    address: str  # target URL as subscribed
    created_at: datetime  # when the event happened (simulated)
    due_at: datetime  # when the vendor would first try to deliver it
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)
    attempts: int = 0
    delivered_at: datetime | None = None
    # Senders that sign the send time (HubSpot v3) re-sign each attempt: `resign(now)` gives the
    # headers for an attempt at `now`. None when the headers never change (Shopify).
    resign: Callable[[datetime], dict[str, str]] | None = field(default=None, repr=False, compare=False)

    def headers_at(self, now: datetime) -> dict[str, str]:
        """The headers of an attempt made at simulated time `now`."""
        return dict(self.resign(now)) if self.resign is not None else dict(self.headers)

    def as_json(self) -> dict:
        """A JSON-ready view (body as text)."""
        return {
            "seq": self.seq, "source": self.source, "tenant": self.tenant, "topic": self.topic,
            "event_id": self.event_id, "address": self.address, "created_at": self.created_at.isoformat(),
            "due_at": self.due_at.isoformat(), "body": self.body.decode("utf-8"), "headers": dict(self.headers),
            "attempts": self.attempts,
            "delivered_at": self.delivered_at.isoformat() if self.delivered_at else None,
        }


class Outbox:
    """Thread-safe queue of Delivery objects; the fake appends, the world takes the due ones."""

    def __init__(self) -> None:
        self._items: list[Delivery] = []
        self._lock = threading.Lock()
        self._seq = 0

    def next_seq(self) -> int:
        """A fresh sequence number for a new delivery."""
        with self._lock:
            self._seq += 1
            return self._seq

    def put(self, delivery: Delivery) -> None:
        """Queue a delivery."""
        with self._lock:
            self._items.append(delivery)

    def pending(self, now: datetime | None = None) -> list[Delivery]:
        """Undelivered deliveries, optionally only those due at `now`, oldest first."""
        with self._lock:
            items = [d for d in self._items if d.delivered_at is None]
        if now is not None:
            items = [d for d in items if d.due_at <= now]
        return sorted(items, key=lambda d: (d.due_at, d.seq))

    def all(self) -> list[Delivery]:
        """Every delivery ever queued, in order."""
        with self._lock:
            return list(self._items)

    def mark_delivered(self, delivery: Delivery, at: datetime) -> None:
        """Record that the receiver accepted the delivery (or that the world dropped it for good)."""
        with self._lock:
            delivery.delivered_at = at
            delivery.attempts += 1

    def reschedule(self, delivery: Delivery, due_at: datetime) -> None:
        """Record a failed attempt and when the vendor will try again."""
        with self._lock:
            delivery.attempts += 1
            delivery.due_at = due_at

    def clear(self) -> None:
        """Forget everything (world reset)."""
        with self._lock:
            self._items.clear()
            self._seq = 0

    def dump_state(self) -> dict[str, Any]:
        """Every delivery (carried or pending) and the sequence counter, as snapshot data."""
        from fakes.snapshot import encode, encode_fields

        with self._lock:
            items = []
            for delivery in self._items:
                # Marks the world leaves on a delivery (e.g. that it was delayed once) are state too.
                marks = {k: v for k, v in vars(delivery).items() if k not in _DELIVERY_FIELDS}
                items.append({"fields": encode_fields(delivery, exclude=frozenset({"resign"})),
                              "marks": encode(marks)})
            return {"seq": self._seq, "items": items}

    def load_state(self, state: dict[str, Any],
                   resigner: Callable[[Delivery], Callable[[datetime], dict[str, str]] | None] | None = None) -> None:
        """Replace the queue with a dumped one; `resigner` gives back each delivery's re-signing function."""
        from fakes.snapshot import decode

        items = []
        for entry in state["items"]:
            delivery = Delivery(**{k: decode(v) for k, v in entry["fields"].items()})
            for name, value in decode(entry.get("marks") or {}).items():
                setattr(delivery, name, value)
            if resigner is not None:
                delivery.resign = resigner(delivery)
            items.append(delivery)
        with self._lock:
            self._items = items
            self._seq = int(state["seq"])


_DELIVERY_FIELDS = frozenset(f.name for f in dataclasses.fields(Delivery))
