"""Products and their variants (docs/vendor-behaviour.md §1.6 "Product")."""

from __future__ import annotations

from flask import Blueprint

from fakes.shopify import api
from fakes.shopify.errors import NotFound

bp = Blueprint("products", __name__)
PRODUCT_FILTERS = ("title", "vendor", "handle", "product_type", "status")


def _json(product):
    return product.rest(api.shop().info)


def _variant_json(variant):
    return variant.rest(api.shop().info)


@bp.get("/products.json")
@api.scope("read_products")
def list_products():
    query, limit, cursor, fields = api.list_query(PRODUCT_FILTERS)
    records = api.store().list_products(api.g.shop, query)
    return api.render_page("products", records, _json, limit, cursor, fields, query)


@bp.get("/products/count.json")
@api.scope("read_products")
def count_products():
    query, _, _, _ = api.list_query(PRODUCT_FILTERS)
    return api.render_count(len(api.store().list_products(api.g.shop, query)))


@bp.get("/products/<int:product_id>.json")
@api.scope("read_products")
def get_product(product_id: int):
    return api.render_one("product", _json(api.store().get_product(api.g.shop, product_id)))


@bp.post("/products.json")
@api.scope("write_products")
def create_product():
    product = api.store().create_product(api.g.shop, api.body_root("product"))
    return api.render_one("product", _json(product), 201)


@bp.put("/products/<int:product_id>.json")
@api.scope("write_products")
def update_product(product_id: int):
    product = api.store().update_product(api.g.shop, product_id, api.body_root("product"))
    return api.render_one("product", _json(product))


@bp.delete("/products/<int:product_id>.json")
@api.scope("write_products")
def delete_product(product_id: int):
    api.store().delete_product(api.g.shop, product_id)
    return api.json_response({})


@bp.get("/products/<int:product_id>/variants.json")
@api.scope("read_products")
def list_variants(product_id: int):
    product = api.store().get_product(api.g.shop, product_id)
    query, limit, cursor, fields = api.list_query()
    variants = [v for v in product.variants if query.admits(v)]
    return api.render_page("variants", variants, _variant_json, limit, cursor, fields, query)


@bp.get("/products/<int:product_id>/variants/count.json")
@api.scope("read_products")
def count_variants(product_id: int):
    return api.render_count(len(api.store().get_product(api.g.shop, product_id).variants))


@bp.post("/products/<int:product_id>/variants.json")
@api.scope("write_products")
def create_variant(product_id: int):
    variant = api.store().create_variant(api.g.shop, product_id, api.body_root("variant"))
    return api.render_one("variant", _variant_json(variant), 201)


@bp.get("/variants/<int:variant_id>.json")
@api.scope("read_products")
def get_variant(variant_id: int):
    return api.render_one("variant", _variant_json(api.store().get_variant(api.g.shop, variant_id)))


@bp.put("/variants/<int:variant_id>.json")
@api.scope("write_products")
def update_variant(variant_id: int):
    variant = api.store().update_variant(api.g.shop, variant_id, api.body_root("variant"))
    return api.render_one("variant", _variant_json(variant))


def _variant_of(product_id: int, variant_id: int):
    """A variant addressed under its product: 404 when either is unknown or they do not belong together."""
    store = api.store()
    store.get_product(api.g.shop, product_id)
    variant = store.get_variant(api.g.shop, variant_id)
    if variant.product_id != product_id:
        raise NotFound()
    return variant


# ShopifyAPI's Variant reads and saves under its product (`products/{product_id}/variants/{id}.json`) whenever
# it knows the product id, which it always does after a find (docs/vendor-behaviour.md §1.6 "Product"; SPY variant.py).
@bp.get("/products/<int:product_id>/variants/<int:variant_id>.json")
@api.scope("read_products")
def get_product_variant(product_id: int, variant_id: int):
    return api.render_one("variant", _variant_json(_variant_of(product_id, variant_id)))


@bp.put("/products/<int:product_id>/variants/<int:variant_id>.json")
@api.scope("write_products")
def update_product_variant(product_id: int, variant_id: int):
    _variant_of(product_id, variant_id)
    variant = api.store().update_variant(api.g.shop, variant_id, api.body_root("variant"))
    return api.render_one("variant", _variant_json(variant))


@bp.delete("/products/<int:product_id>/variants/<int:variant_id>.json")
@api.scope("write_products")
def delete_variant(product_id: int, variant_id: int):
    api.store().delete_variant(api.g.shop, product_id, variant_id)
    return api.json_response({})


@bp.get("/products/<int:product_id>/events.json")
@api.scope("read_products")
def product_events(product_id: int):
    query, _, _, _ = api.list_query(("filter", "verb"))
    events = api.store().list_events(api.g.shop, query, ("Product", product_id))
    return api.json_response({"events": [e.rest(api.shop().info) for e in events]})
