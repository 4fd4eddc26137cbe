"""CRM v3 objects: CRUD, batch, search, merge, GDPR delete (docs/vendor-behaviour.md §3.3-3.5)."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, request

from fakes.hubspot.render import batch_json, list_json, record_json, search_json
from fakes.hubspot.routes.common import (
    actor,
    body,
    check_write,
    flag,
    integer,
    names,
    next_link,
    store,
    write_rules,
)

bp = Blueprint("hubspot_objects", __name__, url_prefix="/crm/v3/objects")


@bp.get("/<object_type>")
def list_objects(object_type: str) -> Response:
    """List a page of records."""
    page = store().list_page(actor(), object_type, limit=integer("limit", 10), after=request.args.get("after"),
                             properties=names("properties"), history=names("propertiesWithHistory"),
                             associations=names("associations"), archived=flag("archived"))
    return jsonify(list_json(page, next_link(page.next_after) if page.next_after is not None else None))


@bp.post("/<object_type>")
def create_object(object_type: str) -> tuple[Response, int, dict[str, str]]:
    """Create a record: 201 with a Location header (the SDK maps only 201, docs/vendor-behaviour.md §3.2)."""
    payload = body()
    check_write(object_type, payload)
    view = store().create(actor(), object_type, payload)
    return jsonify(record_json(view)), 201, {"Location": f"{request.base_url}/{view.id}"}


@bp.get("/<object_type>/<object_id>")
def get_object(object_type: str, object_id: str) -> Response:
    """Read a record by id or by a unique property (`idProperty`)."""
    view = store().get(actor(), object_type, object_id, properties=names("properties"),
                       history=names("propertiesWithHistory"), associations=names("associations"),
                       archived=flag("archived"), id_property=request.args.get("idProperty") or None)
    return jsonify(record_json(view))


@bp.patch("/<object_type>/<object_id>")
def update_object(object_type: str, object_id: str) -> Response:
    """Update a record's properties."""
    payload = body()
    id_property = request.args.get("idProperty") or None
    if write_rules():
        check_write(object_type, payload, object_id, id_property, creating=False)
    view = store().update(actor(), object_type, object_id, payload, id_property=id_property)
    return jsonify(record_json(view))


@bp.delete("/<object_type>/<object_id>")
def archive_object(object_type: str, object_id: str) -> tuple[str, int]:
    """Archive a record (204)."""
    store().archive(actor(), object_type, object_id)
    return "", 204


@bp.post("/<object_type>/search")
def search_objects(object_type: str) -> Response:
    """Search with filter groups, sorts and paging."""
    return jsonify(search_json(store().search(actor(), object_type, body())))


@bp.post("/<object_type>/merge")
def merge_objects(object_type: str) -> Response:
    """Merge two records into the primary one."""
    return jsonify(record_json(store().merge(actor(), object_type, body())))


@bp.post("/contacts/gdpr-delete")
def gdpr_delete() -> tuple[str, int]:
    """Permanently delete a contact (204)."""
    store().gdpr_delete(actor(), body())
    return "", 204


@bp.post("/<object_type>/batch/read")
def batch_read(object_type: str) -> tuple[Response, int]:
    """Batch read: 200, or 207 listing the ids that were not found."""
    result = store().batch_read(actor(), object_type, body(), archived=flag("archived"))
    out, status = batch_json(result, [record_json(v) for v in result.results], 200)
    return jsonify(out), status


@bp.post("/<object_type>/batch/create")
def batch_create(object_type: str) -> tuple[Response, int]:
    """Batch create: 201, or 207 in per-input (objectWriteTraceId) mode."""
    payload = body()
    rules = write_rules()
    result = store().batch_create(actor(), object_type, payload,
                                  precheck=(lambda item: check_write(object_type, item)) if rules else None)
    out, status = batch_json(result, [record_json(v) for v in result.results], 201)
    return jsonify(out), status


@bp.post("/<object_type>/batch/update")
def batch_update(object_type: str) -> tuple[Response, int]:
    """Batch update: 200, or 207 for unknown ids."""
    payload = body()
    if write_rules():
        for item in _inputs(payload):
            check_write(object_type, item, str(item.get("id")), _text(item.get("idProperty")), creating=False)
    result = store().batch_update(actor(), object_type, payload)
    out, status = batch_json(result, [record_json(v) for v in result.results], 200)
    return jsonify(out), status


@bp.post("/<object_type>/batch/upsert")
def batch_upsert(object_type: str) -> tuple[Response, int]:
    """Batch upsert by idProperty; each result carries `new`."""
    payload = body()
    if write_rules():
        for item in _inputs(payload):
            check_write(object_type, item, str(item.get("id")), _text(item.get("idProperty")),
                        creating=not _exists(object_type, item))
    result = store().batch_upsert(actor(), object_type, payload)
    out, status = batch_json(result, [record_json(v) for v in result.results], 200)
    return jsonify(out), status


@bp.post("/<object_type>/batch/archive")
def batch_archive(object_type: str) -> tuple[str, int]:
    """Batch archive (204)."""
    store().batch_archive(actor(), object_type, body())
    return "", 204


def _inputs(payload: object) -> list[dict]:
    """The well-formed inputs of a batch body (the store answers for malformed ones)."""
    inputs = payload.get("inputs") if isinstance(payload, dict) else None
    return [i for i in inputs if isinstance(i, dict)] if isinstance(inputs, list) else []


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def _exists(object_type: str, item: dict) -> bool:
    from fakes.hubspot.errors import HubSpotError
    try:
        store().get(actor(), object_type, str(item.get("id")), id_property=_text(item.get("idProperty")))
        return True
    except HubSpotError:
        return False
