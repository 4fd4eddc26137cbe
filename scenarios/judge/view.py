"""A recorded run as the checkers ask about it: live records by type and shop, associations, settings at the end,
and the evidence they collect (with a timeline of the record it concerns)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import datetime
from typing import Any

from reports.model import Evidence, TimelineEvent
from scenarios.judge.record import Change, HubRecord, RunRecord
from scenarios.judge.rules import iso, norm_email

TIMELINES = 8  # a timeline costs a pass over the calls: only the first few failures get one

Checker = Callable[["RunView"], list[Evidence]]  # a rule's judgement of a run: the evidence of each breach


class RunView:
    """Read-only questions about one RunRecord, and the evidence list the checkers append to."""

    def __init__(self, record: RunRecord) -> None:
        self.record = record
        self.shops = list(record.shops)
        self.history: list[Change] = record.history
        self.evidence: list[Evidence] = []
        self._memo: dict[str, Any] = {}

    def memo(self, key: str, make: Callable[[], Any]) -> Any:
        """A value derived from the record once per view (a replay of the history that two checkers read)."""
        if key not in self._memo:
            self._memo[key] = make()
        return self._memo[key]

    # ------------------------------------------------------------------ evidence

    def fail(self, requirement: str, what: str, expected: Any, found: Any, record: str | None = None,
             calls: list[dict] | None = None) -> None:
        timeline = self.timeline(record) if len(self.evidence) < TIMELINES else []
        self.evidence.append(Evidence(f"{requirement}: {what}", expected, found, calls or [], timeline, record))

    def timeline(self, record: str | None) -> list[TimelineEvent]:
        """The two-lane story of a record: people's changes, the implementation's calls about it, faults."""
        events: list[TimelineEvent] = []
        token = record.split("/")[-1] if record else None
        for change in self.history:
            if token is None or change.id == token or token in str(change.data.get("email", "")):
                lane = change.system if change.system in ("shopify", "hubspot") else "harness"
                events.append(TimelineEvent(iso(change.at), lane, "change",
                                            f"{change.op} {change.object} {change.shop or ''}/{change.id}".strip()))
        for call in self.record.calls:
            if call.method == "GET" and call.fault is None:
                continue
            if token is None or token in call.path or call.fault:
                kind = "fault" if call.fault else "api"
                events.append(TimelineEvent(iso(call.at), call.fake, kind, f"{call.method} {call.path} -> "
                                            f"{call.status}" + (f" [{call.fault}]" if call.fault else "")))
        for delivery in self.record.deliveries[-200:]:
            marks = "".join(f" [{m}]" for m in (delivery.fault, delivery.injected) if m)
            events.append(TimelineEvent(iso(delivery.at), "harness", "webhook",
                                        f"{delivery.source} {delivery.topic} -> {delivery.status}{marks}"))
        return sorted(events, key=lambda e: e.at)[-120:]

    # ------------------------------------------------------------------ settings and shops

    def objects(self, name: str) -> dict:
        """An object's sync settings at the end ({} when its sync was deleted)."""
        return (self.record.settings.get("objects") or {}).get(name) or {}

    def enabled(self, name: str) -> bool:
        return bool(self.objects(name).get("enabled"))

    def live_shops(self) -> list[str]:
        return [s for s in self.shops if s not in self.record.uninstalled]

    def changes(self, system: str | None = None, obj: str | None = None) -> list[Change]:
        return [c for c in self.history if (system is None or c.system == system) and (obj is None or c.object == obj)]

    def last_change(self, obj: str, shop: str, record_id: int) -> datetime | None:
        """When a merchant or shopper last changed a Shopify record."""
        return max((c.at for c in self.history if c.system == "shopify" and c.object == obj and c.shop == shop
                    and c.id == str(record_id)), default=None)

    # ------------------------------------------------------------------ Shopify

    def customers(self, shop: str) -> list[dict]:
        return self.record.shopify[shop].customers

    def products(self, shop: str) -> list[dict]:
        return self.record.shopify[shop].products

    def orders(self, shop: str) -> list[dict]:
        return self.record.shopify[shop].orders

    def checkouts(self, shop: str) -> list[dict]:
        return self.record.shopify[shop].checkouts

    def companies(self, shop: str) -> list[dict]:
        return self.record.shopify[shop].companies

    # ------------------------------------------------------------------ HubSpot

    def records(self, object_type: str) -> list[HubRecord]:
        """Live records of a type."""
        return self.record.hubspot.records.get(object_type, [])

    def line_items(self, object_type: str, record_id: str) -> list[HubRecord]:
        return self.record.hubspot.line_items.get(f"{object_type}/{record_id}", [])

    def associated(self, object_type: str, record_id: str, to_type: str) -> list[str]:
        return self.record.hubspot.associations.get(f"{object_type}/{record_id}/{to_type}", [])

    def contact_by_email(self, email: str) -> HubRecord | None:
        """The live contact HubSpot finds by this email (its index: case-insensitive, merged emails too)."""
        cid = self.record.hubspot.emails.get(norm_email(email) or "")
        return next((c for c in self.records("contacts") if c.id == cid), None) if cid else None


def reporting(check: Callable[[RunView], None]) -> Checker:
    """A checker written with `view.fail`: its evidence is what it added (the view keeps the run's running list,
    which the timeline budget counts)."""
    @functools.wraps(check)
    def checker(view: RunView) -> list[Evidence]:
        start = len(view.evidence)
        check(view)
        return view.evidence[start:]
    return checker
