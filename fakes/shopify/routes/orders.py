"""Orders, their fulfillments and refunds (docs/vendor-behaviour.md §1.6 "Order")."""

from __future__ import annotations

import json

from flask import Blueprint, request

from fakes.shopify import api

bp = Blueprint("orders", __name__)
ORDER_FILTERS = ("status", "financial_status", "fulfillment_status")


def _json(order):
    return api.store().order_json(api.shop(), order)


@bp.get("/orders.json")
@api.scope("read_orders")
def list_orders():
    query, limit, cursor, fields = api.list_query(ORDER_FILTERS)
    records = api.store().list_orders(api.g.shop, query)
    return api.render_page("orders", records, _json, limit, cursor, fields, query)


@bp.get("/orders/count.json")
@api.scope("read_orders")
def count_orders():
    query, _, _, _ = api.list_query(ORDER_FILTERS)
    return api.render_count(len(api.store().list_orders(api.g.shop, query)))


@bp.get("/orders/<int:order_id>.json")
@api.scope("read_orders")
def get_order(order_id: int):
    return api.render_one("order", _json(api.store().get_order(api.g.shop, order_id)))


@bp.post("/orders.json")
@api.scope("write_orders")
def create_order():
    order = api.store().create_order(api.g.shop, api.body_root("order"))
    return api.render_one("order", _json(order), 201)


@bp.put("/orders/<int:order_id>.json")
@api.scope("write_orders")
def update_order(order_id: int):
    order = api.store().update_order(api.g.shop, order_id, api.body_root("order"))
    return api.render_one("order", _json(order))


@bp.delete("/orders/<int:order_id>.json")
@api.scope("write_orders")
def delete_order(order_id: int):
    api.store().delete_order(api.g.shop, order_id)
    return api.json_response({})


def _optional_body() -> dict:
    raw = request.get_data(cache=True)
    if not raw.strip():
        return {}
    try:
        parsed = json.loads(raw)
    except ValueError:
        parsed = None
    return parsed if isinstance(parsed, dict) else {}


@bp.post("/orders/<int:order_id>/cancel.json")
@api.scope("write_orders")
def cancel_order(order_id: int):
    reason = _optional_body().get("reason")
    order = api.store().cancel_order(api.g.shop, order_id, reason if isinstance(reason, str) else None)
    return api.render_one("order", _json(order))


@bp.post("/orders/<int:order_id>/close.json")
@api.scope("write_orders")
def close_order(order_id: int):
    return api.render_one("order", _json(api.store().close_order(api.g.shop, order_id)))


@bp.post("/orders/<int:order_id>/open.json")
@api.scope("write_orders")
def open_order(order_id: int):
    return api.render_one("order", _json(api.store().reopen_order(api.g.shop, order_id)))


@bp.get("/orders/<int:order_id>/fulfillments.json")
@api.scope("read_orders")
def list_fulfillments(order_id: int):
    return api.json_response({"fulfillments": api.store().list_fulfillments(api.g.shop, order_id)})


@bp.get("/orders/<int:order_id>/fulfillments/count.json")
@api.scope("read_orders")
def count_fulfillments(order_id: int):
    return api.render_count(len(api.store().list_fulfillments(api.g.shop, order_id)))


@bp.get("/orders/<int:order_id>/refunds.json")
@api.scope("read_orders")
def list_refunds(order_id: int):
    return api.json_response({"refunds": api.store().list_refunds(api.g.shop, order_id)})
