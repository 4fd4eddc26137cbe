"""The marketer in HubSpot (`w.hubspot`): records created, edited and archived in the UI, and what HubSpot shows."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from scenarios.dsl.history import Change
from scenarios.dsl.refs import CheckoutRef, HubSpotRef, OrderRef

if TYPE_CHECKING:
    from scenarios.dsl.simulation import Sim


class Marketer:
    """A marketer editing in the HubSpot UI (through the fake's store)."""

    def __init__(self, sim: Sim) -> None:
        self.sim = sim

    @property
    def store(self):
        """The fake HubSpot's store (read each time: a restarted fake has a new one)."""
        return self.sim.world.hubspot

    @property
    def portal_id(self) -> int:
        return self.sim.world.portal.portal_id

    def _record(self, object_type: str, op: str, rid: str, properties: dict, record: dict | None = None) -> None:
        self.sim.history.add(Change(self.sim.now(), "hubspot", object_type, op, None, rid, dict(properties),
                                    dict(record if record is not None else properties)))

    def create(self, object_type: str, **properties: Any) -> HubSpotRef:
        """Create a record in the UI."""
        values = {k: (None if v is None else str(v)) for k, v in properties.items()}
        record = self.store.marketer_create(self.portal_id, object_type, values)
        self._record(object_type, "create", record.id, record.properties)
        self.sim.watch_hubspot(object_type, record.id, "create")
        return HubSpotRef(object_type, record.id, dict(record.properties))

    def update(self, ref: HubSpotRef, **properties: Any) -> None:
        """Edit a record in the UI. An edit that changes nothing is no change: HubSpot stamps no modified date and
        sends no event (fakes/hubspot/store/writes.py), so a sync sees the edit before it as the last (CNT-5)."""
        values = {k: (None if v is None else str(v)) for k, v in properties.items()}
        found = self.store.record(self.portal_id, ref.object_type, ref.id)
        before = dict(found.properties) if found is not None else None
        record = self.store.marketer_update(self.portal_id, ref.object_type, ref.id, values)
        if record.properties == before:
            return
        self._record(ref.object_type, "update", ref.id, values, record.properties)
        self.sim.watch_hubspot(ref.object_type, ref.id, "update")

    def archive(self, ref: HubSpotRef) -> None:
        """Delete (archive) a record in the UI."""
        record = self.store.record(self.portal_id, ref.object_type, ref.id)
        self.store.marketer_archive(self.portal_id, ref.object_type, ref.id)
        self._record(ref.object_type, "archive", ref.id, dict(record.properties) if record else {})
        self.sim.drop_pending_watches(ref.id)
        if ref.object_type == "contacts" and record is not None:
            self.sim.drop_pending_customer_watches(record.properties.get("email"))

    def ref(self, record) -> HubSpotRef:
        """A handle on a record found in HubSpot (e.g. the contact the sync made)."""
        return HubSpotRef(record.object_type, record.id, dict(record.properties))

    def records(self, object_type: str, archived: bool | None = False) -> list:
        """Records of a type (live by default)."""
        return self.store.records(self.portal_id, object_type, archived=archived)

    def set_write_rules(self, rules: dict | None) -> None:
        """The portal's admin sets (or, with None, clears) the rules HubSpot holds 2026-09 API writes to
        (fakes/hubspot/write_rules.py): required create-form fields, conditional requirements, associations."""
        from fakes.hubspot.write_rules import parse
        self.store.portal(self.portal_id).write_rules = parse(rules) if rules else None

    def contact_by_email(self, email: str):
        """The live contact with this email."""
        return self.store.contact_by_email(self.portal_id, email)

    def record(self, object_type: str, record_id: str):
        """A record by id, archived or not."""
        return self.store.record(self.portal_id, object_type, record_id)

    def associated(self, object_type: str, record_id: str, to_type: str) -> list[str]:
        """Ids of live records of `to_type` associated with a record."""
        return [tid for ttype, tid, _ in self.store.associations_of(self.portal_id, object_type, record_id, to_type)]

    def order_for(self, ref: OrderRef):
        """The live HubSpot order synced from a Shopify order."""
        return self._external("orders", "hs_external_order_id", ref.id, ref.shop)

    def cart_for(self, ref: CheckoutRef):
        """The live HubSpot cart synced from a Shopify checkout."""
        return self._external("carts", "hs_external_cart_id", ref.id, ref.shop)

    def _external(self, object_type: str, prop: str, rid: int, shop: str, archived: bool | None = False):
        domain = f"{shop}.myshopify.com"
        found = [r for r in self.records(object_type, archived) if r.properties.get(prop) == str(rid)
                 and r.properties.get("hs_source_store") in (domain, None, "")]
        return found[0] if found else None

    def line_items(self, object_type: str, record_id: str) -> list:
        """The live line items of an order or cart."""
        ids = self.associated(object_type, record_id, "line_items")
        return [r for r in (self.record("line_items", i) for i in ids) if r is not None and not r.archived]
