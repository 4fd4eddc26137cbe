"""Webhook subscriptions over REST (docs/vendor-behaviour.md §1.6 "Webhook subscriptions")."""

from __future__ import annotations

from flask import Blueprint, g

from fakes.shopify import api

bp = Blueprint("webhooks", __name__)


def _json(sub):
    return sub.rest(api.shop().info)


@bp.get("/webhooks.json")
@api.scope(None)
def list_webhooks():
    query, limit, cursor, fields = api.list_query(("topic", "address"))
    records = api.store().list_webhooks(api.grant(), query)
    return api.render_page("webhooks", records, _json, limit, cursor, fields, query)


@bp.get("/webhooks/count.json")
@api.scope(None)
def count_webhooks():
    query, _, _, _ = api.list_query(("topic", "address"))
    return api.render_count(len(api.store().list_webhooks(api.grant(), query)))


@bp.get("/webhooks/<int:webhook_id>.json")
@api.scope(None)
def get_webhook(webhook_id: int):
    return api.render_one("webhook", _json(api.store().get_webhook(api.grant(), webhook_id)))


@bp.post("/webhooks.json")
@api.scope(None)
def create_webhook():
    sub = api.store().create_webhook(api.grant(), api.body_root("webhook"), api.served_version(g.version))
    return api.render_one("webhook", _json(sub), 201)


@bp.put("/webhooks/<int:webhook_id>.json")
@api.scope(None)
def update_webhook(webhook_id: int):
    sub = api.store().update_webhook(api.grant(), webhook_id, api.body_root("webhook"))
    return api.render_one("webhook", _json(sub))


@bp.delete("/webhooks/<int:webhook_id>.json")
@api.scope(None)
def delete_webhook(webhook_id: int):
    api.store().delete_webhook(api.grant(), webhook_id)
    return api.json_response({})
