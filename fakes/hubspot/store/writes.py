"""CRM records written: create, update, upsert, archive, merge, each a version search sees later."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from fakes.hubspot.apps import Actor
from fakes.hubspot.associations import HUBSPOT_DEFINED, USER_DEFINED, AssociationType
from fakes.hubspot.errors import ContactExists, InvalidAssociation, ObjectNotFound, ValidationError
from fakes.hubspot.objects import OBJECT_TYPES, ObjectType, resolve_type
from fakes.hubspot.store.core import StoreCore
from fakes.hubspot.store.records import _MERGEABLE, _PARENTS, CrmRecord, Portal, RecordVersion, RecordView, iso
from fakes.hubspot.webhooks import CrmEvent, event_json, make_deliveries, matches


class RecordWrites(StoreCore):
    """CRM records written: create, update, upsert, archive, merge, each a version search sees later."""

    @contextmanager
    def _operation(self) -> Iterator[None]:
        """Collect the webhook events of one operation and deliver them together (batched)."""
        with self._lock:
            outer = self._events is None
            if outer:
                self._events = []
            try:
                yield
            finally:
                if outer:
                    events, self._events = self._events, None
                    if events:
                        self._dispatch(events)

    def _emit(self, action: str, record: CrmRecord, actor: Actor, **kw: Any) -> None:
        if self._events is None:
            return
        otype = OBJECT_TYPES[record.object_type]
        self._events.append(CrmEvent(action, otype.name, otype.type_id, record.id, record.portal_id,
                                     self.clock.now(), actor.change_source, actor.source_id, **kw))

    def _dispatch(self, events: list[CrmEvent]) -> None:
        by_app: dict[tuple[int, int], list[dict[str, Any]]] = {}
        for event in events:
            for app in self.apps.values():
                if event.portal_id not in app.installs or not app.target_url:
                    continue
                for sub in app.subscriptions.values():
                    if matches(sub, event):
                        entry = event_json(sub, app, event, self._next_event)
                        self._next_event += 1
                        by_app.setdefault((app.app_id, event.portal_id), []).append(entry)
        for (app_id, portal_id), entries in by_app.items():
            make_deliveries(self.outbox, self.apps[app_id], portal_id, entries, self.clock.now(),
                            self.webhook_delay)

    def _stamp_version(self, record: CrmRecord) -> None:
        now = self.clock.now()
        record.versions.append(RecordVersion(now, dict(record.properties), record.archived, record.updated_at))
        # Keep only what search can still see: the newest version old enough, and everything after it.
        horizon = now - self.search_index_delay
        while len(record.versions) > 1 and record.versions[1].at <= horizon:
            record.versions.pop(0)

    def _now_text(self, now: datetime | None = None) -> str:
        """`iso(now)`, made once per instant: a write records it for every property it sets (and one string
        object shared by a record's history entries is stored once in its compressed form)."""
        now = now or self.clock.now()
        if self._now_iso[0] != now:
            self._now_iso = (now, iso(now))
        return self._now_iso[1]

    def _record_history(self, record: CrmRecord, name: str, value: str | None, actor: Actor,
                        stamp: str | None = None) -> None:
        entry = {"value": value if value is not None else "", "timestamp": stamp or self._now_text(),
                 "sourceType": actor.change_source}
        if actor.source_id:
            entry["sourceId"] = actor.source_id
        record.history.setdefault(name, []).insert(0, entry)

    def _find(self, portal: Portal, otype: ObjectType, ident: str, id_property: str | None = None,
              *, archived: bool | None = False, reading: bool = False) -> CrmRecord | None:
        """A record by id or unique property; `archived`: False live only, True archived only, None both.
        `reading`: the caller only reads it (in a big table, a copy: nothing to compress again afterwards)."""
        records = portal.of_type(otype.name)
        get = records.peek if reading else records.get
        record: CrmRecord | None = None
        prop = id_property or "hs_object_id"
        if prop == "hs_object_id":
            ident = str(ident)
            record = get(ident)
            if record is None and (otype.name, ident) in portal.merged_into:
                record = get(portal.merged_into[(otype.name, ident)])
        elif otype.name == "contacts" and prop == "email":
            cid = portal.email_index.get(str(ident).strip().lower())
            record = get(cid) if cid else None
        else:
            definition = portal.definition(otype, prop)
            if definition is None or not definition.has_unique_value:
                raise ValidationError(f"{prop} is not a unique property and cannot be used as idProperty")
            found = next((r for r in records.values() if r.properties.get(prop) == str(ident)), None)
            record = get(found.id) if found is not None else None  # the live record: the caller may change it
        if record is None or (archived is not None and record.archived != archived):
            return None
        return record

    def _require(self, portal: Portal, otype: ObjectType, ident: str, id_property: str | None = None,
                 archived: bool = False) -> CrmRecord:
        record = self._find(portal, otype, ident, id_property, archived=archived)
        if record is None:
            raise ObjectNotFound()
        return record

    def _prepare_associations(self, portal: Portal, otype: ObjectType, raw: Any,
                              ) -> list[tuple[AssociationType, CrmRecord]]:
        """Resolve a v3 create body's `associations` list; InvalidAssociation on a bad type or target."""
        if raw is None:
            return []
        if not isinstance(raw, list):
            raise ValidationError("Invalid input JSON: associations must be a list")
        out = []
        for item in raw:
            to = item.get("to") if isinstance(item, dict) else None
            types = item.get("types") if isinstance(item, dict) else None
            if not isinstance(to, dict) or "id" not in to or not isinstance(types, list) or not types:
                raise ValidationError("Each association needs `to.id` and a non-empty `types` list")
            for spec in types:
                kind = self._spec_type(portal, spec)
                if kind.from_type != otype.name:
                    raise InvalidAssociation(f"{kind.type_id} is not a valid association type from "
                                             f"{otype.label}")
                target = self._find(portal, OBJECT_TYPES[kind.to_type], str(to["id"]), reading=True)
                if target is None:
                    raise InvalidAssociation(f"One or more associations are invalid: "
                                             f"{OBJECT_TYPES[kind.to_type].label} {to['id']} was not found.")
                out.append((kind, target))
        return out

    def _spec_type(self, portal: Portal, spec: Any) -> AssociationType:
        if not isinstance(spec, dict):
            raise ValidationError("Each association type needs associationCategory and associationTypeId")
        category = spec.get("associationCategory")
        type_id = spec.get("associationTypeId")
        if category not in (HUBSPOT_DEFINED, USER_DEFINED, "INTEGRATOR_DEFINED") or isinstance(type_id, bool) \
                or not isinstance(type_id, int):
            raise ValidationError("Each association type needs associationCategory and associationTypeId")
        kind = portal.associations.type_for(type_id)
        if kind is None or kind.category != category:
            raise InvalidAssociation(f"{category} association type {type_id} does not exist")
        return kind

    def _link(self, portal: Portal, source: CrmRecord, kind: AssociationType, target: CrmRecord,
              actor: Actor) -> None:
        if kind.to_type == "line_items" or kind.from_type == "line_items":
            item, parent = (target, source) if kind.to_type == "line_items" else (source, target)
            if parent.object_type in _PARENTS:
                others = [k for k in portal.associations.of(item.key)
                          if k[0] in _PARENTS and k != parent.key
                          and not portal.of_type(k[0]).peek(k[1], parent).archived]
                if others:
                    # A line item belongs to exactly one parent object (docs/vendor-behaviour.md §3.6,
                    # line-items guide).
                    raise InvalidAssociation(f"Line item {item.id} is already associated with "
                                             f"{OBJECT_TYPES[others[0][0]].label} {others[0][1]}; a line item "
                                             "can belong to one parent object only.")
        if portal.associations.add(source.key, target.key, kind):
            self._emit_association(source, target, kind, actor, removed=False)

    def _emit_association(self, source: CrmRecord, target: CrmRecord, kind: AssociationType, actor: Actor,
                          *, removed: bool) -> None:
        name = f"{OBJECT_TYPES[kind.from_type].label}_TO_{OBJECT_TYPES[kind.to_type].label}"
        for a, b in ((source, target), (target, source)):
            self._emit("associationChange", a, actor, extra={
                "associationType": name, "fromObjectId": int(a.id), "toObjectId": int(b.id),
                "associationRemoved": removed, "isPrimaryAssociation": kind.label == "Primary"})

    def _defaults_for_create(self, portal: Portal, otype: ObjectType, values: dict[str, str | None]) -> None:
        # Orders (and deals) land in their default pipeline's first stage when none is given.
        if otype.has_pipelines and otype.pipeline_property and not values.get(otype.pipeline_property):
            pipes = portal.pipelines.get(otype.name) or []
            if pipes:
                values[otype.pipeline_property] = pipes[0].id
                if otype.name == "orders" and not values.get(otype.stage_property or ""):
                    values[otype.stage_property or ""] = pipes[0].stages[0].id

    def _check_create(self, portal: Portal, otype: ObjectType, body: Any, *, marketer: bool = False,
                      pending_emails: dict[str, str] | None = None,
                      ) -> tuple[dict[str, str | None], list[tuple[AssociationType, CrmRecord]]]:
        """Validate a create input; returns its values and associations."""
        if not isinstance(body, dict):
            raise ValidationError("Invalid input JSON: expected an object with `properties`")
        values = self._normalise(portal, otype, body.get("properties", {}), marketer=marketer)
        assocs = self._prepare_associations(portal, otype, body.get("associations"))
        if otype.name == "contacts" and values.get("email"):
            email = values["email"] or ""
            if pending_emails is not None and email in pending_emails:
                raise ValidationError(f"Duplicate email {email} in batch input")
            # Only a live contact holds its email: the email of one in the recycle bin makes a new contact,
            # and the archived one stays archived. docs/vendor-behaviour.md §3.4 has the recycle bin; HubSpot's
            # knowledge base ("Restore deleted records", 2025-11-10) has the rest: an active contact with a deleted
            # contact's email is possible, and it blocks that contact's restore.
            existing = self._find(portal, otype, email, "email")
            if existing is not None:
                raise ContactExists(existing.id)
        return values, assocs

    def _commit_create(self, portal: Portal, otype: ObjectType, values: dict[str, str | None],
                       assocs: list[tuple[AssociationType, CrmRecord]], actor: Actor) -> CrmRecord:
        now = self.clock.now()
        self._defaults_for_create(portal, otype, values)
        rid = self._id()
        stamp = self._now_text(now)
        props = {k: v for k, v in values.items() if v is not None}
        props["hs_object_id"] = rid
        for name in {otype.created_property, "createdate", "hs_createdate"}:
            if portal.definition(otype, name) is not None:
                props[name] = stamp
        for name in {otype.modified_property, "hs_lastmodifieddate"}:
            if portal.definition(otype, name) is not None:
                props[name] = stamp
        record = CrmRecord(rid, otype.name, portal.portal_id, props, now, now)
        for name, value in props.items():
            self._record_history(record, name, value, actor, stamp)
        portal.of_type(otype.name)[rid] = record
        if otype.name == "contacts" and props.get("email"):
            portal.email_index[props["email"]] = rid
        self._stamp_version(record)
        self._emit("creation", record, actor)
        for kind, target in assocs:
            self._link(portal, record, kind, target, actor)
        return record

    def _apply(self, portal: Portal, otype: ObjectType, record: CrmRecord, values: dict[str, str | None],
               actor: Actor, *, emit: bool = True) -> list[str]:
        """Write changed values, stamp the modified date, record history and events; the changed names."""
        changed = [k for k, v in values.items() if record.properties.get(k) != v
                   and not (v is None and k not in record.properties)]
        if not changed:
            return []
        if otype.name == "contacts" and "email" in changed:
            old, new = record.properties.get("email"), values["email"]
            if new:
                owner = portal.email_index.get(new)
                # A contact in the recycle bin does not hold its email (see _check_create).
                if owner is not None and owner != record.id and not portal.of_type("contacts")[owner].archived:
                    raise ContactExists(owner)
            if old and portal.email_index.get(old) == record.id:
                del portal.email_index[old]
            if new:
                portal.email_index[new] = record.id
        now = self.clock.now()
        stamp = self._now_text(now)
        for name in changed:
            value = values[name]
            if value is None:
                record.properties.pop(name, None)
            else:
                record.properties[name] = value
            self._record_history(record, name, value, actor, stamp)
        for name in {otype.modified_property, "hs_lastmodifieddate"}:
            if portal.definition(otype, name) is not None:
                record.properties[name] = stamp
        record.updated_at = now
        self._stamp_version(record)
        if emit:
            for name in changed:
                self._emit("propertyChange", record, actor, property_name=name, property_value=values[name])
        return changed

    def create(self, actor: Actor, object_type: str, body: Any) -> RecordView:
        """`POST /crm/v3/objects/{t}` (201): validate, enforce contact email uniqueness (409), create."""
        with self._operation():
            portal, otype = self.portal(actor.portal_id), resolve_type(object_type)
            actor.require(otype.write_scopes)
            values, assocs = self._check_create(portal, otype, body,
                                                marketer=actor.change_source in ("CRM_UI", "IMPORT"))
            record = self._commit_create(portal, otype, values, assocs, actor)
            return self._view(portal, otype, record, None)

    def update(self, actor: Actor, object_type: str, ident: str, body: Any, *,
               id_property: str | None = None) -> RecordView:
        """`PATCH /crm/v3/objects/{t}/{id}`: changes only what differs; stamps the modified date."""
        with self._operation():
            portal, otype = self.portal(actor.portal_id), resolve_type(object_type)
            actor.require(otype.write_scopes)
            if not isinstance(body, dict):
                raise ValidationError("Invalid input JSON: expected an object with `properties`")
            record = self._require(portal, otype, ident, id_property)
            values = self._normalise(portal, otype, body.get("properties", {}),
                                     marketer=actor.change_source == "CRM_UI")
            self._apply(portal, otype, record, values, actor)
            return self._view(portal, otype, record, None)

    def archive(self, actor: Actor, object_type: str, ident: str) -> None:
        """`DELETE /crm/v3/objects/{t}/{id}` (204): move to the recycle bin (3.4); unknown ids are fine."""
        with self._operation():
            portal, otype = self.portal(actor.portal_id), resolve_type(object_type)
            actor.require(otype.write_scopes)
            record = self._find(portal, otype, ident)
            if record is not None:
                self._archive(record, actor)

    def _archive(self, record: CrmRecord, actor: Actor) -> None:
        now = self.clock.now()
        record.archived, record.archived_at, record.updated_at = True, now, now
        self._stamp_version(record)
        self._emit("deletion", record, actor)

    def merge(self, actor: Actor, object_type: str, body: Any) -> RecordView:
        """`POST /crm/v3/objects/{t}/merge`: the primary keeps its id; the other id then resolves to it."""
        with self._operation():
            portal, otype = self.portal(actor.portal_id), resolve_type(object_type)
            actor.require(otype.write_scopes)
            if otype.name not in _MERGEABLE:
                raise ValidationError(f"Merging is not supported for {otype.name}")
            if not isinstance(body, dict) or "primaryObjectId" not in body or "objectIdToMerge" not in body:
                raise ValidationError("primaryObjectId and objectIdToMerge are required")
            primary = self._require(portal, otype, str(body["primaryObjectId"]))
            other = self._require(portal, otype, str(body["objectIdToMerge"]))
            if primary.id == other.id:
                raise ValidationError("Cannot merge an object with itself")
            # The primary's values win; the other record only fills the primary's blanks.
            values: dict[str, str | None] = {}
            for name, value in other.properties.items():
                definition = portal.definition(otype, name)
                if name not in primary.properties and definition is not None and not definition.read_only:
                    values[name] = value
            merged_ids = [x for x in (primary.properties.get("hs_merged_object_ids") or "").split(";") if x]
            values["hs_merged_object_ids"] = ";".join([*merged_ids, other.id])
            if otype.name == "contacts" and other.properties.get("email"):
                extra = [x for x in (primary.properties.get("hs_additional_emails") or "").split(";") if x]
                values["hs_additional_emails"] = ";".join([*extra, other.properties["email"]])
                values.pop("email", None)
                portal.email_index[other.properties["email"]] = primary.id
            self._apply(portal, otype, primary, values, actor)
            portal.associations.move(other.key, primary.key)
            del portal.of_type(otype.name)[other.id]
            portal.merged_into[(otype.name, other.id)] = primary.id
            for key, target in list(portal.merged_into.items()):
                if key[0] == otype.name and target == other.id:
                    portal.merged_into[key] = primary.id
            self._emit("merge", primary, actor, extra={"primaryObjectId": int(primary.id),
                                                       "mergedObjectIds": [int(other.id)]})
            return self._view(portal, otype, primary, None)

    def gdpr_delete(self, actor: Actor, body: Any) -> None:
        """`POST /crm/v3/objects/contacts/gdpr-delete` (204): permanent removal."""
        with self._operation():
            portal, otype = self.portal(actor.portal_id), OBJECT_TYPES["contacts"]
            actor.require(otype.write_scopes)
            if not isinstance(body, dict) or "objectId" not in body:
                raise ValidationError("objectId is required")
            id_property = body.get("idProperty")
            record = self._find(portal, otype, str(body["objectId"]),
                                id_property if isinstance(id_property, str) else None, archived=None)
            if record is None:
                raise ObjectNotFound()
            self._emit("deletion", record, actor)
            portal.associations.drop_record(record.key)
            del portal.of_type("contacts")[record.id]
            email = record.properties.get("email")
            if email and portal.email_index.get(email) == record.id:  # a new contact may hold it now
                del portal.email_index[email]
