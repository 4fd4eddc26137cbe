"""The Events API: how a poller learns of deleted products (`filter=Product&verb=destroy`)."""

from __future__ import annotations

from flask import Blueprint

from fakes.shopify import api
from fakes.shopify.errors import NotFound

bp = Blueprint("events", __name__)
EVENT_FILTERS = ("filter", "verb")


def _json(event):
    return event.rest(api.shop().info)


@bp.get("/events.json")
@api.scope("read_products")
def list_events():
    query, limit, cursor, fields = api.list_query(EVENT_FILTERS)
    records = api.store().list_events(api.g.shop, query)
    return api.render_page("events", records, _json, limit, cursor, fields, query)


@bp.get("/events/count.json")
@api.scope("read_products")
def count_events():
    query, _, _, _ = api.list_query(EVENT_FILTERS)
    return api.render_count(len(api.store().list_events(api.g.shop, query)))


@bp.get("/events/<int:event_id>.json")
@api.scope("read_products")
def get_event(event_id: int):
    query = api.build_query({"ids": str(event_id)}, ())
    found = api.store().list_events(api.g.shop, query)
    if not found:
        raise NotFound()
    return api.render_one("event", _json(found[0]))
