"""What the harness does in a portal: marketers' edits (no app, no rate limit), the judge's reads, seeding."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from fakes.hubspot.objects import OBJECT_TYPES, resolve_type
from fakes.hubspot.store.core import StoreCore
from fakes.hubspot.store.records import CrmRecord


class HarnessEdits(StoreCore):
    """What the harness does in a portal: marketers' edits (no app, no rate limit), the judge's reads, seeding."""

    def marketer_create(self, portal_id: int, object_type: str, properties: dict[str, Any], *,
                        associations: list[dict[str, Any]] | None = None, user_id: int | None = None) -> CrmRecord:
        """Create a record as a user in the HubSpot UI would (no auth, no rate limit; events say CRM_UI)."""
        view = self.create(self.marketer(portal_id, user_id), object_type,
                           {"properties": properties, "associations": associations or []})
        return self.record(portal_id, object_type, view.id)  # type: ignore[return-value]

    def marketer_update(self, portal_id: int, object_type: str, record_id: str, properties: dict[str, Any], *,
                        user_id: int | None = None) -> CrmRecord:
        """Edit a record in the HubSpot UI."""
        view = self.update(self.marketer(portal_id, user_id), object_type, record_id, {"properties": properties})
        return self.record(portal_id, object_type, view.id)  # type: ignore[return-value]

    def marketer_archive(self, portal_id: int, object_type: str, record_id: str, *,
                         user_id: int | None = None) -> None:
        """Delete (archive) a record in the HubSpot UI."""
        self.archive(self.marketer(portal_id, user_id), object_type, record_id)

    def marketer_associate(self, portal_id: int, from_type: str, from_id: str, to_type: str, to_id: str) -> None:
        """Associate two records (default type) in the HubSpot UI."""
        self.associate_default(self.marketer(portal_id), from_type, from_id, to_type, to_id)

    def record(self, portal_id: int, object_type: str, record_id: str) -> CrmRecord | None:
        """A record by id, archived ones included (for the judge); None when it never existed."""
        with self._lock:
            portal = self.portals.get(int(portal_id))
            if portal is None:
                return None
            return portal.of_type(resolve_type(object_type).name).get(str(record_id))

    def records(self, portal_id: int, object_type: str, *, archived: bool | None = False) -> list[CrmRecord]:
        """Every record of a type, by id; `archived`: False live, True archived, None both."""
        with self._lock:
            portal = self.portal(portal_id)
            rows = portal.of_type(resolve_type(object_type).name).values()
            return [r for r in rows if archived is None or r.archived == archived]

    def contact_by_email(self, portal_id: int, email: str) -> CrmRecord | None:
        """The live contact with this email (case-insensitive), for the judge."""
        with self._lock:
            portal = self.portal(portal_id)
            return self._find(portal, OBJECT_TYPES["contacts"], email.strip().lower(), "email")

    def associations_of(self, portal_id: int, object_type: str, record_id: str, to_type: str | None = None,
                        ) -> list[tuple[str, str, list[int]]]:
        """(to type, to id, association type ids) for a record, live targets only, for the judge."""
        with self._lock:
            portal = self.portal(portal_id)
            key = (resolve_type(object_type).name, str(record_id))
            wanted = resolve_type(to_type).name if to_type else None
            out = []
            for (t, tid), kinds in portal.associations.of(key, wanted).items():
                target = portal.of_type(t).get(tid)
                if target is not None and not target.archived:
                    out.append((t, tid, sorted(kinds)))
            return sorted(out, key=lambda x: (x[0], int(x[1])))

    def set_search_delay(self, seconds: float) -> None:
        """Change the search indexing delay (simulated seconds)."""
        with self._lock:
            self.search_index_delay = timedelta(seconds=max(0.0, float(seconds)))


    def seed(self, portal_id: int, seed: int, *, contacts: int = 20, companies: int = 5, products: int = 10,
             orders: int = 0, carts: int = 0) -> dict[str, list[str]]:
        """Fill a portal with Faker data (en_US and fr_FR, seeded: same seed, same records and ids)."""
        from fakes.hubspot.seeding import seed_portal

        with self._operation():
            return seed_portal(self, portal_id, seed, contacts=contacts, companies=companies, products=products,
                               orders=orders, carts=carts)
