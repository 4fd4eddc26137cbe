"""Batch reads and writes: up to BATCH_LIMIT inputs, with HubSpot's partial failures (207)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fakes.hubspot.apps import Actor
from fakes.hubspot.errors import HubSpotError, ValidationError
from fakes.hubspot.objects import resolve_type
from fakes.hubspot.store.core import StoreCore
from fakes.hubspot.store.records import BATCH_LIMIT, HISTORY_BATCH_LIMIT, BatchError, BatchResult, RecordView


class Batches(StoreCore):
    """Batch reads and writes: up to BATCH_LIMIT inputs, with HubSpot's partial failures (207)."""

    @staticmethod
    def _inputs(body: Any, limit: int = BATCH_LIMIT) -> list[dict[str, Any]]:
        if not isinstance(body, dict) or not isinstance(body.get("inputs"), list):
            raise ValidationError("Invalid input JSON: expected an object with an `inputs` list")
        inputs = body["inputs"]
        if not all(isinstance(i, dict) for i in inputs):
            raise ValidationError("Invalid input JSON: each input must be an object")
        if len(inputs) > limit:
            raise ValidationError(f"The maximum number of inputs supported in a batch request is {limit}",
                                  context={"inputs": [str(len(inputs))]})
        return inputs

    @staticmethod
    def _unique_ids(inputs: list[dict[str, Any]]) -> list[str]:
        ids = [str(i.get("id", "")) for i in inputs]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValidationError(f"Duplicate IDs found in batch input: [{', '.join(dupes)}]. IDs must be unique")
        return ids

    def batch_read(self, actor: Actor, object_type: str, body: Any, *, archived: bool = False) -> BatchResult:
        """`POST .../batch/read`: 207 with OBJECT_NOT_FOUND for ids that are missing (3.3)."""
        with self._lock:
            portal, otype = self.portal(actor.portal_id), resolve_type(object_type)
            actor.require(otype.read_scopes)
            history = body.get("propertiesWithHistory") if isinstance(body, dict) else None
            history = history if isinstance(history, list) and history else None
            if history is not None and isinstance(body, dict) and isinstance(body.get("inputs"), list) \
                        and len(body["inputs"]) > HISTORY_BATCH_LIMIT:
                raise ValidationError("The maximum number of inputs supported in a batch request for "
                                      f"property histories is {HISTORY_BATCH_LIMIT}")
            inputs = self._inputs(body)
            id_property = body.get("idProperty") if isinstance(body.get("idProperty"), str) else None
            properties = body.get("properties") if isinstance(body.get("properties"), list) else None
            started = self.clock.now()
            results, missing = [], []
            for item in inputs:
                record = self._find(portal, otype, str(item.get("id", "")), id_property, archived=archived)
                if record is None:
                    missing.append(str(item.get("id", "")))
                else:
                    results.append(self._view(portal, otype, record, properties,
                                              history=[str(h) for h in history or []]))
            errors = [BatchError("OBJECT_NOT_FOUND", f"Could not get some {otype.label} objects, they may be "
                                 "deleted or not exist. Check that ids are valid.", {"ids": missing})
                      ] if missing else []
            return BatchResult(results, errors, started, self.clock.now())

    def batch_create(self, actor: Actor, object_type: str, body: Any,
                     precheck: Callable[[dict], None] | None = None) -> BatchResult:
        """`POST .../batch/create`: all-or-nothing, unless every input has a unique objectWriteTraceId (207).

        `precheck` refuses an input by raising a HubSpotError (a portal's 2026-09 write rules): the whole
        batch in all-or-nothing mode, that input alone in per-input mode, like any other invalid input."""
        with self._operation():
            portal, otype = self.portal(actor.portal_id), resolve_type(object_type)
            actor.require(otype.write_scopes)
            inputs = self._inputs(body)
            traces = [i.get("objectWriteTraceId") for i in inputs]
            partial = bool(inputs) and all(isinstance(t, str) and t for t in traces) \
                and len(set(traces)) == len(traces)
            started = self.clock.now()
            results: list[RecordView] = []
            errors: list[BatchError] = []
            if partial:
                pending: dict[str, str] = {}
                for item in inputs:
                    try:
                        if precheck is not None:
                            precheck(item)
                        values, assocs = self._check_create(portal, otype, item)
                    except HubSpotError as exc:
                        errors.append(BatchError(exc.body.get("category", "VALIDATION_ERROR"),
                                                 exc.body.get("message", ""),
                                                 {"objectWriteTraceId": [str(item["objectWriteTraceId"])]}))
                        continue
                    record = self._commit_create(portal, otype, values, assocs, actor)
                    view = self._view(portal, otype, record, None)
                    view.object_write_trace_id = str(item["objectWriteTraceId"])
                    results.append(view)
            else:
                pending = {}
                checked = []
                for item in inputs:
                    if precheck is not None:
                        precheck(item)
                    values, assocs = self._check_create(portal, otype, item, pending_emails=pending)
                    if otype.name == "contacts" and values.get("email"):
                        pending[values["email"] or ""] = ""
                    checked.append((values, assocs))
                for values, assocs in checked:
                    record = self._commit_create(portal, otype, values, assocs, actor)
                    results.append(self._view(portal, otype, record, None))
            return BatchResult(results, errors, started, self.clock.now())

    def batch_update(self, actor: Actor, object_type: str, body: Any) -> BatchResult:
        """`POST .../batch/update`: invalid values fail the whole batch; unknown ids give a 207 (guess)."""
        with self._operation():
            portal, otype = self.portal(actor.portal_id), resolve_type(object_type)
            actor.require(otype.write_scopes)
            inputs = self._inputs(body)
            self._unique_ids(inputs)
            started = self.clock.now()
            planned, missing = [], []
            for item in inputs:
                id_property = item.get("idProperty") if isinstance(item.get("idProperty"), str) else None
                record = self._find(portal, otype, str(item.get("id", "")), id_property)
                values = self._normalise(portal, otype, item.get("properties", {}))
                if record is None:
                    missing.append(str(item.get("id", "")))
                else:
                    planned.append((record, values))
            results = []
            for record, values in planned:
                self._apply(portal, otype, record, values, actor)
                results.append(self._view(portal, otype, record, None))
            errors = [BatchError("OBJECT_NOT_FOUND", f"Could not update some {otype.label} objects, they may be "
                                 "deleted or not exist. Check that ids are valid.", {"ids": missing})
                      ] if missing else []
            return BatchResult(results, errors, started, self.clock.now())

    def batch_upsert(self, actor: Actor, object_type: str, body: Any) -> BatchResult:
        """`POST .../batch/upsert`: update by idProperty when found, else create; each result says `new`."""
        with self._operation():
            portal, otype = self.portal(actor.portal_id), resolve_type(object_type)
            actor.require(otype.write_scopes)
            inputs = self._inputs(body)
            self._unique_ids(inputs)
            started = self.clock.now()
            results, missing = [], []
            for item in inputs:
                id_property = item.get("idProperty") if isinstance(item.get("idProperty"), str) else None
                ident = str(item.get("id", ""))
                values = self._normalise(portal, otype, item.get("properties", {}))
                record = self._find(portal, otype, ident, id_property)
                if record is not None:
                    self._apply(portal, otype, record, values, actor)
                    view = self._view(portal, otype, record, None)
                    view.new = False
                elif id_property in (None, "hs_object_id"):
                    missing.append(ident)
                    continue
                else:
                    values.setdefault(id_property, ident)
                    body_in = {"properties": {k: v for k, v in values.items() if v is not None}}
                    checked = self._check_create(portal, otype, body_in)
                    record = self._commit_create(portal, otype, *checked, actor)
                    view = self._view(portal, otype, record, None)
                    view.new = True
                results.append(view)
            errors = [BatchError("OBJECT_NOT_FOUND", f"Could not upsert some {otype.label} objects by id, they "
                                 "may be deleted or not exist.", {"ids": missing})] if missing else []
            return BatchResult(results, errors, started, self.clock.now())

    def batch_archive(self, actor: Actor, object_type: str, body: Any) -> None:
        """`POST .../batch/archive` (204): unknown ids are ignored."""
        with self._operation():
            portal, otype = self.portal(actor.portal_id), resolve_type(object_type)
            actor.require(otype.write_scopes)
            for item in self._inputs(body):
                record = self._find(portal, otype, str(item.get("id", "")))
                if record is not None:
                    self._archive(record, actor)
