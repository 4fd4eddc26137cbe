"""The shop itself, app self-uninstall, and the GraphQL endpoint (B2B companies live only there)."""

from __future__ import annotations

from flask import Blueprint

from fakes.shopify import api

bp = Blueprint("shop", __name__)


@bp.get("/shop.json")
@api.scope(None)
def get_shop():
    return api.render_one("shop", api.store().shop_json(api.g.shop))


@bp.delete("/api_permissions/current.json")
@api.scope(None)
def uninstall_self():
    # An app may uninstall itself; Shopify then sends it app/uninstalled like a merchant uninstall.
    api.store().uninstall(api.g.shop, api.grant().app)
    return api.json_response({})
