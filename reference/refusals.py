"""Records HubSpot refused to take: shown in the sync's status, and tried again until they go through.

A 4xx on a write is not a fault that passes by itself: since HubSpot's 2026-09 API a portal's admin can require
fields on create, or make one required when another has a value (docs/vendor-behaviour.md §9.F.4), and a record
that does not meet the rule is refused for as long as both stay as they are. The engine does not drop such a
record, nor hammer HubSpot with it every tick: it notes the refusal (the user sees it in `GET /status`), and the
record's stream reads it from Shopify again and writes it every `RETRY_REFUSED`, so it syncs once the merchant
fills the field in or the admin changes the rule. A write that goes through clears the refusal.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta

from reference.state import State

# A refused record is tried again this often: a fixed rule costs a call per record every few minutes, and a
# record syncs within the 10-minute bound of the rule's change.
RETRY_REFUSED = timedelta(minutes=3)
PREFIX = "refused:"


@dataclass
class Refusal:
    """One Shopify record whose HubSpot write was refused, and what HubSpot said."""

    kind: str  # the stream: contacts, companies, products, orders, carts
    shop: str
    shopify_id: str
    message: str
    since: str  # when it was first refused (ISO)
    retry_at: str  # when the stream tries it again (ISO)
    hubspot_id: str | None = None  # the HubSpot record an update was refused on
    tried_at: str | None = None  # the pass trying it again; refused again, the entry is written anew without it

    def as_status(self) -> dict:
        """The entry of `GET /status` (docs/design.md, the process contract)."""
        entry = {"object": self.kind, "shop": self.shop, "shopify_id": self.shopify_id, "message": self.message,
                 "since": self.since.replace("+00:00", "Z")}
        if self.hubspot_id:
            entry["hubspot_id"] = self.hubspot_id
        return entry


class Refusals:
    """The refusals of every stream, kept in the engine's state (one entry per stream and shop)."""

    def __init__(self, state: State) -> None:
        self.state = state

    def _load(self, kind: str, shop: str) -> dict[str, dict]:
        return self.state.get(f"{PREFIX}{kind}:{shop}", {})

    def note(self, kind: str, shop: str, shopify_id: str, message: str, now: datetime,
             hubspot_id: str | None = None) -> None:
        """A write of this record was refused: listed (since its first refusal) and tried again later."""
        key = f"{PREFIX}{kind}:{shop}"
        held = self.state.get(key, {})
        since = (held.get(shopify_id) or {}).get("since", now.isoformat())
        held[shopify_id] = asdict(Refusal(kind, shop, shopify_id, message[:500], since,
                                          (now + RETRY_REFUSED).isoformat(), hubspot_id))
        self.state.put(key, held)

    def clear(self, kind: str, shop: str, shopify_ids: Iterable[str]) -> None:
        """These records were written (or are gone): no longer refused."""
        key = f"{PREFIX}{kind}:{shop}"
        held = self.state.get(key)
        if not held:
            return
        gone = set(shopify_ids)
        left = {rid: entry for rid, entry in held.items() if rid not in gone}
        if len(left) != len(held):
            self.state.put(key, left or None)

    def due(self, kind: str, shop: str, now: datetime) -> list[str]:
        """The refused records of a shop whose next try is due; the rest ask the engine to wake for theirs."""
        held = self._load(kind, shop)
        return sorted(rid for rid, entry in held.items() if datetime.fromisoformat(entry["retry_at"]) <= now)

    def next_try(self, kind: str, shop: str) -> datetime | None:
        """When the earliest refused record of a shop is tried again."""
        held = self._load(kind, shop)
        return min((datetime.fromisoformat(e["retry_at"]) for e in held.values()), default=None)

    def postpone(self, kind: str, shop: str, shopify_ids: Iterable[str], now: datetime) -> None:
        """These are tried again by the pass that began at `now`: should it be cut, the next try is a retry
        interval away; should it end without HubSpot refusing them again, they are settled (`settle`)."""
        ids = list(shopify_ids)
        if not ids:
            return
        key = f"{PREFIX}{kind}:{shop}"
        held = self._load(kind, shop)
        for rid in ids:
            if rid in held:
                held[rid]["retry_at"] = (now + RETRY_REFUSED).isoformat()
                held[rid]["tried_at"] = now.isoformat()
        self.state.put(key, held or None)

    def settle(self, kind: str, started: datetime) -> None:
        """The pass that began at `started` is done: what it tried again and HubSpot did not refuse again was
        written, or no longer needs writing (the record left the sync's filters, or changed back)."""
        for key, held in self.state.items(f"{PREFIX}{kind}:"):
            left = {rid: e for rid, e in held.items() if e.get("tried_at") != started.isoformat()}
            if len(left) != len(held):
                self.state.put(key, left or None)

    def all(self, kinds: Iterable[str] | None = None) -> list[Refusal]:
        """Every refusal held, of the given streams (all when None), oldest first."""
        wanted = set(kinds) if kinds is not None else None
        out = [Refusal(**entry) for key, held in self.state.items(PREFIX) for entry in held.values()
               if wanted is None or key.removeprefix(PREFIX).split(":", 1)[0] in wanted]
        return sorted(out, key=lambda r: (r.since, r.kind, r.shop, r.shopify_id))
