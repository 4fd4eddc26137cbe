"""Associations between records: labels, v3 and v4 calls, and the limits on them."""

from __future__ import annotations

from typing import Any

from fakes.hubspot.apps import Actor
from fakes.hubspot.associations import DEFINED_TYPES, USER_DEFINED, AssociationType, default_type
from fakes.hubspot.errors import HubSpotError, InvalidAssociation, ObjectNotFound, ValidationError
from fakes.hubspot.objects import ObjectType, resolve_type
from fakes.hubspot.store.core import StoreCore
from fakes.hubspot.store.records import (
    ASSOC_LIST_MAX,
    BATCH_LIMIT,
    AssociationLink,
    BatchError,
    BatchResult,
    CrmRecord,
    Page,
    Portal,
)


class Associations(StoreCore):
    """Associations between records: labels, v3 and v4 calls, and the limits on them."""

    def _pair(self, actor: Actor, from_type: str, to_type: str, *, write: bool) -> tuple[Portal, ObjectType,
                                                                                       ObjectType]:
        portal, a, b = self.portal(actor.portal_id), resolve_type(from_type), resolve_type(to_type)
        actor.require(a.write_scopes if write else a.read_scopes)
        actor.require(b.write_scopes if write else b.read_scopes)
        return portal, a, b

    def _assoc_target(self, portal: Portal, otype: ObjectType, ident: Any) -> CrmRecord:
        record = self._find(portal, otype, str(ident))
        if record is None:
            raise InvalidAssociation(f"One or more associations are invalid: {otype.label} {ident} was not found.")
        return record

    def associate_default(self, actor: Actor, from_type: str, from_id: str, to_type: str, to_id: str,
                          ) -> list[tuple[str, str, AssociationType]]:
        """`PUT /crm/v4/objects/{t}/{id}/associations/default/{toT}/{toId}`: both directions created."""
        with self._operation():
            portal, a, b = self._pair(actor, from_type, to_type, write=True)
            source, target = self._assoc_target(portal, a, from_id), self._assoc_target(portal, b, to_id)
            kind = default_type(a.name, b.name)
            if kind is None:
                raise InvalidAssociation(f"{a.label} and {b.label} objects cannot be associated "
                                         "(products take part in no association; use hs_product_id).")
            self._link(portal, source, kind, target, actor)
            return [(source.id, target.id, kind), (target.id, source.id, DEFINED_TYPES[kind.reverse_id])]

    def associate(self, actor: Actor, from_type: str, from_id: str, to_type: str, to_id: str, specs: Any,
                  ) -> tuple[ObjectType, CrmRecord, ObjectType, CrmRecord, list[str]]:
        """`PUT /crm/v4/objects/{t}/{id}/associations/{toT}/{toId}` with type specs (201)."""
        with self._operation():
            portal, a, b = self._pair(actor, from_type, to_type, write=True)
            if not isinstance(specs, list) or not specs:
                raise ValidationError("Invalid input JSON: expected a non-empty list of association types")
            kinds = [self._spec_type(portal, s) for s in specs]
            for kind in kinds:
                if (kind.from_type, kind.to_type) != (a.name, b.name):
                    raise InvalidAssociation(f"{kind.category} association type {kind.type_id} is not valid "
                                             f"between {a.label} and {b.label}")
            source, target = self._assoc_target(portal, a, from_id), self._assoc_target(portal, b, to_id)
            for kind in kinds:
                self._link(portal, source, kind, target, actor)
            return a, source, b, target, [k.label for k in kinds if k.label]

    def list_associations(self, actor: Actor, from_type: str, from_id: str, to_type: str, *,
                          limit: int = 500, after: str | None = None) -> Page:
        """`GET /crm/v4/objects/{t}/{id}/associations/{toT}`: at most 500 per page."""
        with self._lock:
            portal, a, b = self._pair(actor, from_type, to_type, write=False)
            if limit < 1 or limit > ASSOC_LIST_MAX:
                raise ValidationError(f"limit must be between 1 and {ASSOC_LIST_MAX}")
            source = self._find(portal, a, from_id)
            if source is None:
                raise ObjectNotFound()
            links = self._links(portal, source, b)
            start = self._after(after)
            rows = [link for link in links if int(link.to_id) >= start]
            page, rest = rows[:limit], rows[limit:]
            return Page(page, rest[0].to_id if rest else None)

    def _links(self, portal: Portal, source: CrmRecord, to_type: ObjectType) -> list[AssociationLink]:
        out = []
        for (t, tid), kinds in sorted(portal.associations.of(source.key, to_type.name).items(),
                                      key=lambda kv: int(kv[0][1])):
            target = portal.of_type(t).get(tid)
            if target is None or target.archived:
                continue
            types = [k for k in (portal.associations.type_for(i) for i in sorted(kinds)) if k is not None]
            out.append(AssociationLink(tid, types))
        return out

    def remove_associations(self, actor: Actor, from_type: str, from_id: str, to_type: str, to_id: str) -> None:
        """`DELETE /crm/v4/objects/{t}/{id}/associations/{toT}/{toId}` (204): every type, both ways."""
        with self._operation():
            portal, a, b = self._pair(actor, from_type, to_type, write=True)
            source, target = self._find(portal, a, from_id), self._find(portal, b, to_id)
            if source is None or target is None:
                return
            kinds = [portal.associations.type_for(i)
                     for i in portal.associations.of(source.key).get(target.key, set())]
            if portal.associations.remove_pair(source.key, target.key):
                for kind in kinds:
                    if kind is not None:
                        self._emit_association(source, target, kind, actor, removed=True)

    def batch_associate(self, actor: Actor, from_type: str, to_type: str, body: Any, *, default: bool,
                        ) -> BatchResult:
        """`POST /crm/v4/associations/{f}/{t}/batch/create` or `.../batch/associate/default`."""
        with self._operation():
            _portal, a, b = self._pair(actor, from_type, to_type, write=True)
            inputs = self._inputs(body, limit=2000 if default else BATCH_LIMIT)
            started = self.clock.now()
            results: list[Any] = []
            errors: list[BatchError] = []
            for item in inputs:
                src = item.get("from", {}).get("id") if isinstance(item.get("from"), dict) else None
                dst = item.get("to", {}).get("id") if isinstance(item.get("to"), dict) else None
                try:
                    if src is None or dst is None:
                        raise ValidationError("Each input needs from.id and to.id")
                    if default:
                        results.extend(self.associate_default(actor, a.name, str(src), b.name, str(dst)))
                    else:
                        results.append(self.associate(actor, a.name, str(src), b.name, str(dst), item.get("types")))
                except HubSpotError as exc:
                    errors.append(BatchError(exc.body.get("category", "VALIDATION_ERROR"),
                                             exc.body.get("message", ""),
                                             {"fromObjectId": [str(src)], "toObjectId": [str(dst)]}))
            return BatchResult(results, errors, started, self.clock.now())

    def batch_read_associations(self, actor: Actor, from_type: str, to_type: str, body: Any) -> BatchResult:
        """`POST /crm/v4/associations/{f}/{t}/batch/read`: 207 for from-ids that do not exist."""
        with self._lock:
            portal, a, b = self._pair(actor, from_type, to_type, write=False)
            inputs = self._inputs(body, limit=1000)
            started = self.clock.now()
            results, missing = [], []
            for item in inputs:
                source = self._find(portal, a, str(item.get("id", "")))
                if source is None:
                    missing.append(str(item.get("id", "")))
                else:
                    results.append((source.id, self._links(portal, source, b)))
            errors = [BatchError("OBJECT_NOT_FOUND", f"No {a.label} found for the given ids", {"ids": missing})
                      ] if missing else []
            return BatchResult(results, errors, started, self.clock.now())

    def batch_archive_associations(self, actor: Actor, from_type: str, to_type: str, body: Any) -> None:
        """`POST /crm/v4/associations/{f}/{t}/batch/archive` (204)."""
        with self._operation():
            _portal, a, b = self._pair(actor, from_type, to_type, write=True)
            for item in self._inputs(body, limit=2000):
                src = item.get("from", {}).get("id") if isinstance(item.get("from"), dict) else None
                targets = item.get("to") if isinstance(item.get("to"), list) else []
                for target in targets:
                    if src is not None and isinstance(target, dict) and "id" in target:
                        self.remove_associations(actor, a.name, str(src), b.name, str(target["id"]))

    def association_labels(self, actor: Actor, from_type: str, to_type: str) -> list[AssociationType]:
        """`GET /crm/v4/associations/{f}/{t}/labels`: every defined and custom type for the pair."""
        with self._lock:
            portal, a, b = self._pair(actor, from_type, to_type, write=False)
            return portal.associations.types_between(a.name, b.name)

    def create_association_label(self, actor: Actor, from_type: str, to_type: str, body: Any,
                                 ) -> list[AssociationType]:
        """`POST /crm/v4/associations/{f}/{t}/labels`: a USER_DEFINED type pair (label, optional inverse)."""
        with self._lock:
            portal, a, b = self._pair(actor, from_type, to_type, write=True)
            if not isinstance(body, dict) or not isinstance(body.get("label"), str) or not body["label"]:
                raise ValidationError("label is required")
            if default_type(a.name, b.name) is None:
                raise InvalidAssociation(f"{a.label} and {b.label} objects cannot be associated")
            inverse = body.get("inverseLabel") if isinstance(body.get("inverseLabel"), str) else body["label"]
            fwd_id, rev_id = self._next_label, self._next_label + 1
            self._next_label += 2
            forward = AssociationType(fwd_id, a.name, b.name, rev_id, body["label"], USER_DEFINED)
            reverse = AssociationType(rev_id, b.name, a.name, fwd_id, inverse, USER_DEFINED)
            portal.associations.user_types[fwd_id] = forward
            portal.associations.user_types[rev_id] = reverse
            return [forward, reverse]
