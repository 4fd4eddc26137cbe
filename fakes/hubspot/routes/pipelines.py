"""Pipelines API (docs/vendor-behaviour.md §3.7): the default order pipeline and the default deal pipeline."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify

from fakes.hubspot.errors import ObjectNotFound
from fakes.hubspot.routes.common import actor, store
from fakes.hubspot.store import iso

bp = Blueprint("hubspot_pipelines", __name__, url_prefix="/crm/v3/pipelines")


def _created() -> str:
    return iso(store().clock.start)


@bp.get("/<object_type>")
def list_pipelines(object_type: str) -> Response:
    """Every pipeline of an object type."""
    return jsonify({"results": [p.as_json(_created()) for p in store().pipelines(actor(), object_type)]})


@bp.get("/<object_type>/<pipeline_id>")
def get_pipeline(object_type: str, pipeline_id: str) -> Response:
    """One pipeline with its stages."""
    return jsonify(store().pipeline(actor(), object_type, pipeline_id).as_json(_created()))


@bp.get("/<object_type>/<pipeline_id>/stages")
def list_stages(object_type: str, pipeline_id: str) -> Response:
    """The stages of a pipeline."""
    pipeline = store().pipeline(actor(), object_type, pipeline_id)
    return jsonify({"results": [s.as_json(_created()) for s in pipeline.stages]})


@bp.get("/<object_type>/<pipeline_id>/stages/<stage_id>")
def get_stage(object_type: str, pipeline_id: str, stage_id: str) -> Response:
    """One stage."""
    stage = store().pipeline(actor(), object_type, pipeline_id).stage(stage_id)
    if stage is None:
        raise ObjectNotFound(f"Unable to find stage {stage_id}")
    return jsonify(stage.as_json(_created()))
