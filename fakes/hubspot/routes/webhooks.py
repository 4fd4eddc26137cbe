"""Webhooks API v3: an app's target URL and its event subscriptions (docs/vendor-behaviour.md §4.2).

Public apps authenticate with their developer API key (`hapikey`), as in the real API; a private app
may manage its own webhooks with its bearer token (real private apps do this in the UI).
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, g, jsonify, request

from fakes.hubspot.apps import App, WebhookSubscription
from fakes.hubspot.errors import ObjectNotFound
from fakes.hubspot.routes.common import body, store
from fakes.hubspot.store import iso

bp = Blueprint("hubspot_webhooks", __name__, url_prefix="/webhooks/v3")


def _app(app_id: str) -> App:
    header = request.headers.get("Authorization", "")
    bearer = header[7:].strip() if header.lower().startswith("bearer ") else None
    app = store().webhook_app(app_id, bearer=bearer, hapikey=request.args.get("hapikey"))
    g.caller = app.label
    return app


def _sub_json(sub: WebhookSubscription) -> dict[str, Any]:
    out: dict[str, Any] = {"id": str(sub.id), "eventType": sub.event_type, "active": sub.active,
                           "createdAt": iso(sub.created_at), "updatedAt": iso(sub.updated_at)}
    if sub.property_name:
        out["propertyName"] = sub.property_name
    if sub.object_type_id:
        out["objectTypeId"] = sub.object_type_id
    return out


def _settings_json(app: App) -> dict[str, Any]:
    at = iso(app.settings_at or store().clock.now())
    return {"targetUrl": app.target_url, "throttling": app.throttling, "createdAt": at, "updatedAt": at}


@bp.get("/<app_id>/settings")
def get_settings(app_id: str) -> Response:
    """The app's target URL and throttling (404 when none is set)."""
    app = _app(app_id)
    if not app.target_url:
        raise ObjectNotFound("No webhook settings for this app")
    return jsonify(_settings_json(app))


@bp.put("/<app_id>/settings")
def put_settings(app_id: str) -> Response:
    """Set the target URL."""
    return jsonify(_settings_json(store().set_webhook_target(_app(app_id), body())))


@bp.delete("/<app_id>/settings")
def delete_settings(app_id: str) -> tuple[str, int]:
    """Remove the target URL (204)."""
    store().clear_webhook_target(_app(app_id))
    return "", 204


@bp.get("/<app_id>/subscriptions")
def list_subscriptions(app_id: str) -> Response:
    """Every subscription of the app."""
    app = _app(app_id)
    return jsonify({"results": [_sub_json(s) for s in app.subscriptions.values()]})


@bp.post("/<app_id>/subscriptions")
def create_subscription(app_id: str) -> tuple[Response, int]:
    """Subscribe to an event type (201)."""
    return jsonify(_sub_json(store().subscribe(_app(app_id), body()))), 201


@bp.get("/<app_id>/subscriptions/<sub_id>")
def get_subscription(app_id: str, sub_id: str) -> Response:
    """One subscription."""
    return jsonify(_sub_json(store().subscription(_app(app_id), sub_id)))


@bp.patch("/<app_id>/subscriptions/<sub_id>")
def update_subscription(app_id: str, sub_id: str) -> Response:
    """Switch a subscription on or off."""
    return jsonify(_sub_json(store().update_subscription(_app(app_id), sub_id, body())))


@bp.delete("/<app_id>/subscriptions/<sub_id>")
def delete_subscription(app_id: str, sub_id: str) -> tuple[str, int]:
    """Delete a subscription (204)."""
    store().unsubscribe(_app(app_id), sub_id)
    return "", 204
