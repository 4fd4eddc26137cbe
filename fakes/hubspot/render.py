"""JSON shapes of HubSpot responses, built from the store's views (docs/vendor-behaviour.md §3.2, §3.3, §3.6, §3.7)."""

from __future__ import annotations

from typing import Any

from fakes.hubspot.associations import AssociationType
from fakes.hubspot.objects import OBJECT_TYPES
from fakes.hubspot.store import AssociationLink, BatchError, BatchResult, Page, RecordView, iso


def record_json(view: RecordView) -> dict[str, Any]:
    """`SimplePublicObject(WithAssociations)`: id, properties (strings or null), createdAt, updatedAt."""
    out: dict[str, Any] = {"id": view.id, "properties": view.properties, "createdAt": iso(view.created_at),
                           "updatedAt": iso(view.updated_at), "archived": view.archived}
    if view.archived_at is not None:
        out["archivedAt"] = iso(view.archived_at)
    if view.history is not None:
        out["propertiesWithHistory"] = view.history
    if view.associations:
        out["associations"] = {name: {"results": [{"id": rid, "type": kind} for rid, kind in rows]}
                               for name, rows in view.associations.items()}
    if view.new is not None:
        out["new"] = view.new
    if view.object_write_trace_id is not None:
        out["objectWriteTraceId"] = view.object_write_trace_id
    return out


def paging(next_after: str | None, link: str | None = None) -> dict[str, Any]:
    """`paging` block, present only when there is a next page (3.3)."""
    if next_after is None:
        return {}
    nxt: dict[str, Any] = {"after": next_after}
    if link is not None:
        nxt["link"] = link
    return {"paging": {"next": nxt}}


def list_json(page: Page, link: str | None) -> dict[str, Any]:
    """A list page of records."""
    return {"results": [record_json(v) for v in page.items], **paging(page.next_after, link)}


def search_json(page: Page) -> dict[str, Any]:
    """A search page: `total` is required by the SDK model (3.5)."""
    return {"total": page.total or 0, "results": [record_json(v) for v in page.items], **paging(page.next_after)}


def error_item(error: BatchError) -> dict[str, Any]:
    """One 207 error with the six keys the SDK's `StandardError` requires (3.3)."""
    out: dict[str, Any] = {"status": "error", "category": error.category, "message": error.message,
                           "context": error.context, "errors": [], "links": {}}
    if error.sub_category:
        out["subCategory"] = error.sub_category
    return out


def batch_json(result: BatchResult, items: list[Any], ok_status: int) -> tuple[dict[str, Any], int]:
    """A batch response; 207 with `numErrors` and `errors` when some inputs failed."""
    body: dict[str, Any] = {"status": "COMPLETE", "results": items, "requestedAt": iso(result.started_at),
                            "startedAt": iso(result.started_at), "completedAt": iso(result.completed_at),
                            "links": {}}
    if result.errors:
        body["numErrors"] = len(result.errors)
        body["errors"] = [error_item(e) for e in result.errors]
        return body, 207
    return body, ok_status


def spec_json(kind: AssociationType) -> dict[str, Any]:
    """`AssociationSpecWithLabel`."""
    return {"category": kind.category, "typeId": kind.type_id, "label": kind.label}


def link_json(link: AssociationLink) -> dict[str, Any]:
    """`MultiAssociatedObjectWithLabel`: toObjectId and its association types (3.6)."""
    return {"toObjectId": int(link.to_id), "associationTypes": [spec_json(k) for k in link.types]}


def default_association_json(from_id: str, to_id: str, kind: AssociationType) -> dict[str, Any]:
    """`PublicDefaultAssociation`."""
    return {"from": {"id": from_id}, "to": {"id": to_id},
            "associationSpec": {"associationCategory": kind.category, "associationTypeId": kind.type_id}}


def labels_between_json(from_type: str, from_id: str, to_type: str, to_id: str, labels: list[str]) -> dict[str, Any]:
    """`LabelsBetweenObjectPair` (typed associate response, 201)."""
    return {"fromObjectTypeId": OBJECT_TYPES[from_type].type_id, "fromObjectId": int(from_id),
            "toObjectTypeId": OBJECT_TYPES[to_type].type_id, "toObjectId": int(to_id), "labels": labels}
