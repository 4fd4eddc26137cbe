"""Properties API (docs/vendor-behaviour.md §3.7): list, read, create (201), update, archive, batch."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify

from fakes.hubspot.render import batch_json
from fakes.hubspot.routes.common import actor, body, flag, store
from fakes.hubspot.store import iso

bp = Blueprint("hubspot_properties", __name__, url_prefix="/crm/v3/properties")


@bp.get("/<object_type>")
def list_properties(object_type: str) -> Response:
    """Every property of an object type (archived ones with archived=true)."""
    found = store().list_properties(actor(), object_type, archived=flag("archived"))
    return jsonify({"results": [p.as_json(iso) for p in found]})


@bp.post("/<object_type>")
def create_property(object_type: str) -> tuple[Response, int]:
    """Create a custom property (201)."""
    return jsonify(store().create_property(actor(), object_type, body()).as_json(iso)), 201


@bp.get("/<object_type>/<name>")
def get_property(object_type: str, name: str) -> Response:
    """One property."""
    return jsonify(store().get_property(actor(), object_type, name).as_json(iso))


@bp.patch("/<object_type>/<name>")
def update_property(object_type: str, name: str) -> Response:
    """Update a custom property's label, description, group or options."""
    return jsonify(store().update_property(actor(), object_type, name, body()).as_json(iso))


@bp.delete("/<object_type>/<name>")
def archive_property(object_type: str, name: str) -> tuple[str, int]:
    """Archive a custom property (204)."""
    store().archive_property(actor(), object_type, name)
    return "", 204


@bp.post("/<object_type>/batch/<any(read, create, archive):op>")
def batch_properties(object_type: str, op: str) -> tuple[Response | str, int]:
    """Batch read / create / archive of properties."""
    result = store().batch_properties(actor(), object_type, op, body())
    if op == "archive":
        return "", 204
    out, status = batch_json(result, [p.as_json(iso) for p in result.results], 201 if op == "create" else 200)
    return jsonify(out), status
