"""CRM records read: by id or unique property, listed by cursor, searched (eventually consistent)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from itertools import islice
from typing import Any

from fakes.hubspot import search as search_rules
from fakes.hubspot.apps import Actor
from fakes.hubspot.errors import HubSpotError, ValidationError
from fakes.hubspot.objects import ObjectType, resolve_type
from fakes.hubspot.store import modified_window
from fakes.hubspot.store.core import StoreCore
from fakes.hubspot.store.records import (
    HISTORY_BATCH_LIMIT,
    LIST_DEFAULT,
    LIST_MAX,
    CrmRecord,
    Page,
    Portal,
    RecordVersion,
    RecordView,
    search_stamp_at,
)
from fakes.tables import RecordTable


class RecordReads(StoreCore):
    """CRM records read: by id or unique property, listed by cursor, searched (eventually consistent)."""

    def _property_names(self, portal: Portal, otype: ObjectType, wanted: list[str] | None) -> list[str]:
        if not wanted:
            return list(otype.default_properties)
        # Requested names that exist are returned (null when unset); unknown names are ignored (3.2).
        base = ["hs_object_id", otype.created_property, otype.modified_property]
        return list(dict.fromkeys([*base, *(n for n in wanted if portal.definition(otype, n) is not None)]))

    def _view(self, portal: Portal, otype: ObjectType, record: CrmRecord, wanted: list[str] | None, *,
              history: list[str] | None = None, associations: list[str] | None = None,
              props: dict[str, str] | None = None) -> RecordView:
        source = props if props is not None else record.properties
        names = self._property_names(portal, otype, wanted)
        view = RecordView(record.id, {n: source.get(n) for n in names}, record.created_at, record.updated_at,
                          record.archived, record.archived_at)
        if history:
            view.history = {n: list(record.history.get(n, [])) for n in history
                            if portal.definition(otype, n) is not None}
        if associations:
            view.associations = {}
            for name in associations:
                try:
                    to_type = resolve_type(name)
                except HubSpotError:
                    continue  # unknown association types are ignored, like unknown properties
                found: list[tuple[str, str]] = []
                for (t, tid), kinds in sorted(portal.associations.of(record.key, to_type.name).items(),
                                              key=lambda kv: int(kv[0][1])):
                    target = portal.of_type(t).get(tid)
                    if target is None or target.archived:
                        continue
                    for type_id in sorted(kinds):
                        kind = portal.associations.type_for(type_id)
                        if kind is not None:
                            found.append((tid, kind.v3_name))
                if found:
                    # v3 names line items "line items" in this block (I-3p); others by plural name.
                    view.associations["line items" if to_type.name == "line_items" else to_type.name] = found
        return view

    def get(self, actor: Actor, object_type: str, ident: str, *, properties: list[str] | None = None,
            history: list[str] | None = None, associations: list[str] | None = None, archived: bool = False,
            id_property: str | None = None) -> RecordView:
        """`GET /crm/v3/objects/{t}/{id}`: 404 for unknown ids and, without archived=true, archived ones."""
        with self._lock:
            portal, otype = self.portal(actor.portal_id), resolve_type(object_type)
            actor.require(otype.read_scopes)
            record = self._require(portal, otype, ident, id_property, archived=archived)
            return self._view(portal, otype, record, properties, history=history, associations=associations)

    def list_page(self, actor: Actor, object_type: str, *, limit: int = LIST_DEFAULT, after: str | None = None,
                  properties: list[str] | None = None, history: list[str] | None = None,
                  associations: list[str] | None = None, archived: bool = False) -> Page:
        """`GET /crm/v3/objects/{t}`: by id, `after` = the next id, default 10, at most 100 per page."""
        with self._lock:
            portal, otype = self.portal(actor.portal_id), resolve_type(object_type)
            actor.require(otype.read_scopes)
            cap = HISTORY_BATCH_LIMIT if history else LIST_MAX
            if limit < 1 or limit > cap:
                raise ValidationError(f"limit must be between 1 and {cap}")
            start, table = self._after(after), portal.of_type(otype.name)
            rows = table.values_from(table.irange_key(min_key=start))
            found = list(islice((r for r in rows if r.archived == archived), limit + 1))
            page, rest = found[:limit], found[limit:]
            items = [self._view(portal, otype, r, properties, history=history, associations=associations)
                     for r in page]
            return Page(items, str(int(rest[0].id)) if rest else None)

    @staticmethod
    def _after(after: str | None) -> int:
        if after in (None, ""):
            return 0
        try:
            value = int(str(after))
        except ValueError:
            raise ValidationError(f"Invalid value for after: {after}") from None
        if value < 0:
            raise ValidationError(f"Invalid value for after: {after}")
        return value


    @staticmethod
    def _search_candidates(table: RecordTable[CrmRecord], request: search_rules.SearchRequest,
                           otype: ObjectType) -> Iterable[CrmRecord]:
        """The records a search must look at: all of them, or in a big table whose every filter group bounds the
        modified date from below, those the table's update index says changed since (a record's modified date
        is its update time, and the version search sees is never newer than the record)."""
        if not table.stamped() or not request.groups:
            return table.values()
        bounds = []
        for group in request.groups:
            found = [search_rules.to_millis(f.value or "") for f in group
                     if f.property_name == otype.modified_property and f.operator in ("GT", "GTE")]
            found = [b for b in found if b is not None]
            if not found:
                return table.values()
            bounds.append(max(found))
        return table.values_from(table.changed_since(search_stamp_at(min(bounds) * 1000)))

    def _search_all(self, table: RecordTable[CrmRecord], request: search_rules.SearchRequest, otype: ObjectType,
                    horizon: datetime, kind_of: Callable[[str], str]) -> tuple[list[tuple[str, RecordVersion]], int]:
        """A search's page and total, judging each candidate record by the version search sees."""
        hits: list[tuple[str, dict[str, str]]] = []
        versions: dict[str, RecordVersion] = {}
        for record in self._search_candidates(table, request, otype):
            indexed = modified_window.indexed_version(record, horizon)
            if indexed is None or indexed.archived:
                continue
            if search_rules.matches(request, indexed.properties, kind_of, otype.search_properties):
                hits.append((record.id, indexed.properties))
                versions[record.id] = indexed
        ranked = search_rules.order(hits, request, kind_of)
        return [(rid, versions[rid]) for rid, _ in ranked[request.after:request.after + request.limit]], len(ranked)

    def search(self, actor: Actor, object_type: str, body: Any) -> Page:
        """`POST /crm/v3/objects/{t}/search` over the lagging index (docs/vendor-behaviour.md §3.5)."""
        with self._lock:
            portal, otype = self.portal(actor.portal_id), resolve_type(object_type)
            actor.require(otype.read_scopes)
            request = search_rules.parse_request(body, lambda n: portal.definition(otype, n) is not None)
            horizon = self.clock.now() - self.search_index_delay

            def kind_of(name: str) -> str:
                return self._prop_kind(portal, otype, name)

            table = portal.of_type(otype.name)
            window = modified_window.shape_of(request, otype, portal) if table.stamped() else None
            found = None
            if window is not None:
                found = modified_window.answer(table, request, window, horizon, lambda props: search_rules.matches(
                    request, props, kind_of, otype.search_properties))
            page, total = found if found is not None else self._search_all(table, request, otype, horizon, kind_of)
            items = []
            for rid, version in page:
                view = self._view(portal, otype, table[rid], request.properties, props=version.properties)
                view.updated_at, view.archived, view.archived_at = version.updated_at, False, None
                items.append(view)
            end = request.after + request.limit
            next_after = str(end) if end < total and end < search_rules.MAX_RESULTS else None
            return Page(items, next_after, total=total)
