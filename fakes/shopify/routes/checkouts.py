"""Abandoned checkouts, read-only (docs/vendor-behaviour.md §1.6 "Abandoned checkouts")."""

from __future__ import annotations

from flask import Blueprint

from fakes.shopify import api

bp = Blueprint("checkouts", __name__)


def _json(checkout):
    return api.store().checkout_json(api.shop(), checkout)


@bp.get("/checkouts.json")
@api.scope("read_orders")
def list_checkouts():
    query, limit, cursor, fields = api.list_query(("status",))
    records = api.store().list_checkouts(api.g.shop, query)
    return api.render_page("checkouts", records, _json, limit, cursor, fields, query)


@bp.get("/checkouts/count.json")
@api.scope("read_orders")
def count_checkouts():
    query, _, _, _ = api.list_query(("status",))
    return api.render_count(len(api.store().list_checkouts(api.g.shop, query)))
