"""Associations v4: single and batch create/read/archive, labels (docs/vendor-behaviour.md §3.6)."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, request

from fakes.hubspot.render import (
    batch_json,
    default_association_json,
    labels_between_json,
    link_json,
    paging,
    spec_json,
)
from fakes.hubspot.routes.common import actor, body, check_association_write, integer, store
from fakes.hubspot.store import BatchResult
from fakes.hubspot.versions import VERSION

bp = Blueprint("hubspot_associations", __name__, url_prefix="/crm/v4")


@bp.put("/objects/<object_type>/<object_id>/associations/default/<to_type>/<to_id>")
def associate_default(object_type: str, object_id: str, to_type: str, to_id: str) -> Response:
    """Create the default (unlabeled) association, both ways: 200 BatchResponsePublicDefaultAssociation."""
    check_association_write()
    s = store()
    started = s.clock.now()
    rows = s.associate_default(actor(), object_type, object_id, to_type, to_id)
    out, _ = batch_json(BatchResult([], [], started, s.clock.now()),
                        [default_association_json(f, t, k) for f, t, k in rows], 200)
    return jsonify(out)


@bp.put("/objects/<object_type>/<object_id>/associations/<to_type>/<to_id>")
def associate(object_type: str, object_id: str, to_type: str, to_id: str) -> tuple[Response, int]:
    """Create labelled/typed associations: 201 LabelsBetweenObjectPair."""
    check_association_write()
    a, source, b, target, labels = store().associate(actor(), object_type, object_id, to_type, to_id, body())
    return jsonify(labels_between_json(a.name, source.id, b.name, target.id, labels)), 201


@bp.get("/objects/<object_type>/<object_id>/associations/<to_type>")
def list_associations(object_type: str, object_id: str, to_type: str) -> Response:
    """List associated records of one type, with their association types."""
    page = store().list_associations(actor(), object_type, object_id, to_type, limit=integer("limit", 500),
                                     after=request.args.get("after"))
    return jsonify({"results": [link_json(link) for link in page.items], **paging(page.next_after)})


@bp.delete("/objects/<object_type>/<object_id>/associations/<to_type>/<to_id>")
def remove_associations(object_type: str, object_id: str, to_type: str, to_id: str) -> tuple[str, int]:
    """Remove every association between two records (204)."""
    store().remove_associations(actor(), object_type, object_id, to_type, to_id)
    return "", 204


@bp.post("/associations/<from_type>/<to_type>/batch/create")
def batch_create(from_type: str, to_type: str) -> tuple[Response, int]:
    """Batch typed associate: 201, or 207 with per-input errors."""
    check_association_write()
    result = store().batch_associate(actor(), from_type, to_type, body(), default=False)
    items = [labels_between_json(a.name, s.id, b.name, t.id, labels) for a, s, b, t, labels in result.results]
    out, status = batch_json(result, items, 201)
    return jsonify(out), status


@bp.post("/associations/<from_type>/<to_type>/batch/associate/default")
def batch_default(from_type: str, to_type: str) -> tuple[Response, int]:
    """Batch default associate: 200, or 207 with per-input errors."""
    check_association_write()
    result = store().batch_associate(actor(), from_type, to_type, body(), default=True)
    items = [default_association_json(f, t, k) for f, t, k in result.results]
    out, status = batch_json(result, items, 200)
    return jsonify(out), status


@bp.post("/associations/<from_type>/<to_type>/batch/read")
def batch_read(from_type: str, to_type: str) -> tuple[Response, int]:
    """Batch read associations: 200, or 207 for unknown from-ids."""
    result = store().batch_read_associations(actor(), from_type, to_type, body())
    items = [{"from": {"id": rid}, "to": [link_json(link) for link in links]} for rid, links in result.results]
    out, status = batch_json(result, items, 200)
    return jsonify(out), status


@bp.post("/associations/<from_type>/<to_type>/batch/archive")
def batch_archive(from_type: str, to_type: str) -> tuple[str | Response, int]:
    """Batch remove associations: 204 in v4; 200 with a BatchResponse from the date versions on
    (docs/vendor-behaviour.md §9.F: `/crm/associations/2026-03/.../batch/archive`)."""
    s = store()
    started = s.clock.now()
    s.batch_archive_associations(actor(), from_type, to_type, body())
    if request.environ.get(VERSION):
        out, _ = batch_json(BatchResult([], [], started, s.clock.now()), [], 200)
        return jsonify(out), 200
    return "", 204


@bp.get("/associations/<from_type>/<to_type>/labels")
def labels(from_type: str, to_type: str) -> Response:
    """Association types (labels) between two object types."""
    return jsonify({"results": [spec_json(k) for k in store().association_labels(actor(), from_type, to_type)]})


@bp.post("/associations/<from_type>/<to_type>/labels")
def create_label(from_type: str, to_type: str) -> Response:
    """Create a USER_DEFINED label (and its inverse)."""
    kinds = store().create_association_label(actor(), from_type, to_type, body())
    return jsonify({"results": [spec_json(k) for k in kinds]})
