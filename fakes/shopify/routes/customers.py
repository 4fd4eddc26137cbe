"""Customers (docs/vendor-behaviour.md §1.6 "Customer")."""

from __future__ import annotations

from flask import Blueprint, request

from fakes.shopify import api
from fakes.shopify.pagination import parse_limit

bp = Blueprint("customers", __name__)


def _json(customer):
    return api.store().customer_json(api.shop(), customer)


@bp.get("/customers.json")
@api.scope("read_customers")
def list_customers():
    query, limit, cursor, fields = api.list_query()
    records = api.store().list_customers(api.g.shop, query)
    return api.render_page("customers", records, _json, limit, cursor, fields, query)


@bp.get("/customers/count.json")
@api.scope("read_customers")
def count_customers():
    query, _, _, _ = api.list_query()
    return api.render_count(len(api.store().list_customers(api.g.shop, query)))


@bp.get("/customers/search.json")
@api.scope("read_customers")
def search_customers():
    limit = parse_limit(request.args.get("limit"))
    found = api.store().search_customers(api.g.shop, request.args.get("query", ""))
    fields = request.args.get("fields")
    return api.json_response({"customers": [api._only_fields(_json(c), fields) for c in found[:limit]]})


@bp.get("/customers/<int:customer_id>.json")
@api.scope("read_customers")
def get_customer(customer_id: int):
    return api.render_one("customer", _json(api.store().get_customer(api.g.shop, customer_id)))


@bp.post("/customers.json")
@api.scope("write_customers")
def create_customer():
    customer = api.store().create_customer(api.g.shop, api.body_root("customer"))
    return api.render_one("customer", _json(customer), 201)


@bp.put("/customers/<int:customer_id>.json")
@api.scope("write_customers")
def update_customer(customer_id: int):
    customer = api.store().update_customer(api.g.shop, customer_id, api.body_root("customer"))
    return api.render_one("customer", _json(customer))


@bp.delete("/customers/<int:customer_id>.json")
@api.scope("write_customers")
def delete_customer(customer_id: int):
    api.store().delete_customer(api.g.shop, customer_id)
    return api.json_response({})


@bp.get("/customers/<int:customer_id>/orders.json")
@api.scope("read_orders")
def customer_orders(customer_id: int):
    store = api.store()
    store.get_customer(api.g.shop, customer_id)
    status = request.args.get("status", "open")
    query = api.build_query({"status": status}, ("status",))
    orders = [o for o in store.list_orders(api.g.shop, query) if o.customer_id == customer_id]
    return api.json_response({"orders": [store.order_json(api.shop(), o) for o in orders]})
