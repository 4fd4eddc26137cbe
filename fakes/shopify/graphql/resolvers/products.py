"""Products over GraphQL (the 2024-04+ product model): `product`, `products`, `productsCount`,
`productVariant`, and `productCreate` / `productUpdate` / `productDelete` / `productSet` /
`productVariantsBulkCreate|Update|Delete`, on the REST store's records (docs/vendor-behaviour.md §8.C).

As at Shopify, `productCreate` makes the product with one variant (the first value of each option, price
0); prices and SKUs are set through the variant mutations or `productSet`.
"""

from __future__ import annotations

from typing import Any

from graphql import GraphQLError

from fakes.shopify.errors import Invalid, NotFound
from fakes.shopify.graphql.resolvers import attributes, resolves
from fakes.shopify.graphql.resolvers.common import (
    connection,
    context,
    count_resolver,
    gid,
    id_of,
    iso,
    price_text,
    shop_ref,
    unsimulated_inputs,
    user_errors,
)
from fakes.shopify.graphql.resolvers.nodes import finds
from fakes.shopify.graphql.search import Term, Warn, match_exact, match_id, match_time, text_match
from fakes.shopify.models import Product, Variant

_PRODUCT_INPUT = {"title": "title", "descriptionHtml": "body_html", "vendor": "vendor", "productType": "product_type",
                  "tags": "tags", "status": "status", "handle": "handle"}
_SORT = {"ID": "id", "TITLE": "title", "CREATED_AT": "created_at", "UPDATED_AT": "updated_at",
         "PUBLISHED_AT": "published_at", "PRODUCT_TYPE": "product_type", "VENDOR": "vendor", "RELEVANCE": "id",
         "INVENTORY_TOTAL": "inventory_count"}
_FIELDS = {"title": ["title"], "handle": ["handle"], "status": ["status"], "variants": ["variants"],
           "price": ["price"], "sku": ["sku"], "body_html": ["descriptionHtml"]}


# ------------------------------------------------------------------------------------------- reads


def _options(product: Product) -> list[dict[str, Any]]:
    return [{"id": gid("ProductOption", product.id * 10 + position), "name": name, "position": position,
             "values": values,
             "optionValues": [{"id": gid("ProductOptionValue", product.id * 1000 + position * 100 + i), "name": v,
                               "hasVariants": True} for i, v in enumerate(values)]}
            for position, (name, values) in enumerate(product.option_values(), start=1)]


def _variants(product: Product, info: Any, first: int | None = None, after: str | None = None,
              last: int | None = None, before: str | None = None, reverse: bool = False,
              sortKey: str = "POSITION", query: str | None = None) -> dict[str, Any]:
    sort_field = {"POSITION": "position_count", "ID": "id", "SKU": "sku", "TITLE": "title"}.get(sortKey, "id")

    def value(variant: Variant) -> Any:
        return {"position_count": variant.position, "sku": variant.sku or "", "title": variant.title}.get(
            sort_field, variant.id)
    return connection(info, product.variants, sort_value=value, sort_field=sort_field, reverse=reverse,
                      first=first, after=after, last=last, before=before)


resolves("Product", Product)({
    "id": lambda p, _i: gid("Product", p.id),
    "legacyResourceId": lambda p, _i: str(p.id),
    **attributes("title", "handle", "tags", productType="product_type"),
    "vendor": lambda p, _i: p.vendor or "",
    "descriptionHtml": lambda p, _i: p.body_html or "",
    "bodyHtml": lambda p, _i: p.body_html,
    "status": lambda p, _i: p.status.upper(),
    "createdAt": lambda p, _i: iso(p.created_at),
    "updatedAt": lambda p, _i: iso(p.updated_at),
    "publishedAt": lambda p, _i: iso(p.published_at),
    "options": lambda p, _i, first=None: _options(p)[:first],
    "variants": _variants,
    "variantsCount": lambda p, _i: {"count": len(p.variants), "precision": "EXACT"},
    "hasOnlyDefaultVariant": lambda p, _i: len(p.variants) == 1 and p.variants[0].option1 == "Default Title",
    "totalInventory": lambda p, _i: sum(v.inventory_quantity for v in p.variants),
    "isGiftCard": lambda p, _i: False,
})


def _variant_product(variant: Variant, info: Any) -> Product:
    return context(info).shop.products[variant.product_id]


resolves("ProductVariant", Variant)({
    "id": lambda v, _i: gid("ProductVariant", v.id),
    "legacyResourceId": lambda v, _i: str(v.id),
    **attributes("title", "sku", "barcode", "position", "taxable", inventoryQuantity="inventory_quantity"),
    "price": lambda v, info: price_text(v.price, context(info).shop.info.currency),
    "compareAtPrice": lambda v, info: (price_text(v.compare_at_price, context(info).shop.info.currency)
                                       if v.compare_at_price is not None else None),
    "displayName": lambda v, info: f"{_variant_product(v, info).title} - {v.title}",
    "product": _variant_product,
    "createdAt": lambda v, _i: iso(v.created_at),
    "updatedAt": lambda v, _i: iso(v.updated_at),
    "inventoryPolicy": lambda v, _i: v.inventory_policy.upper(),
    "availableForSale": lambda v, _i: True,
    "selectedOptions": lambda v, info: [
        {"name": name, "value": value} for name, value in zip(_variant_product(v, info).option_names,
                                                              v.options_key(), strict=False) if value is not None],
    "inventoryItem": lambda v, _i: {"id": gid("InventoryItem", v.inventory_item_id),
                                    "legacyResourceId": str(v.inventory_item_id), "sku": v.sku,
                                    "tracked": v.inventory_management == "shopify",
                                    "requiresShipping": v.requires_shipping},
})


def _product_field(product: Product, term: Term, warn: Warn) -> bool | None:
    name = term.field
    if name == "id":
        return match_id(product.id, term, warn)
    if name in ("created_at", "updated_at", "published_at"):
        return match_time(getattr(product, name), term, warn)
    if name == "title":
        return text_match(product.title, term.value)
    if name in ("handle", "vendor", "product_type", "status"):
        return match_exact(getattr(product, name), term)
    if name == "sku":
        return any(match_exact(v.sku, term) for v in product.variants)
    if name == "tag":
        return any(t.lower() == term.value.lower() for t in product.tags)
    if name == "tag_not":
        return all(t.lower() != term.value.lower() for t in product.tags)
    return None


def _product_sort(product: Product, sort_field: str) -> Any:
    if sort_field in ("created_at", "updated_at"):
        return getattr(product, sort_field)
    if sort_field == "published_at":
        return product.published_at or product.created_at
    if sort_field in ("title", "product_type", "vendor"):
        return (getattr(product, sort_field) or "").lower()
    if sort_field == "inventory_count":
        return sum(v.inventory_quantity for v in product.variants)
    return product.id


def _products(_root: Any, info: Any, first: int | None = None, after: str | None = None, last: int | None = None,
              before: str | None = None, reverse: bool = False, sortKey: str = "ID", query: str | None = None,
              savedSearchId: str | None = None) -> dict[str, Any]:
    sort_field = _SORT[sortKey]
    return connection(info, context(info).shop.products,
                      sort_value=lambda p: _product_sort(p, sort_field), sort_field=sort_field, reverse=reverse,
                      first=first, after=after, last=last, before=before, query=query,
                      field_match=_product_field, texts=lambda p: [p.title, p.vendor, p.product_type])


def find_product(info: Any, number: int | None) -> Product | None:
    return context(info).shop.products.get(number) if number is not None else None


def find_variant(info: Any, number: int | None) -> Variant | None:
    for product in context(info).shop.products.values():
        for variant in product.variants:
            if variant.id == number:
                return variant
    return None


finds("Product")(find_product)
finds("ProductVariant")(find_variant)


resolves("QueryRoot")({
    "product": lambda _r, info, id: find_product(info, id_of(id, "Product")),
    "products": _products,
    "productsCount": count_resolver(lambda info: context(info).shop.products, _product_field),
    "productVariant": lambda _r, info, id: find_variant(info, id_of(id, "ProductVariant")),
})


# ------------------------------------------------------------------------------------------- writes


def _product_payload(input_name: str, given: dict[str, Any], extra: tuple[str, ...] = ()) -> dict[str, Any]:
    unsimulated_inputs(input_name, given, (*_PRODUCT_INPUT, "id", "productOptions", *extra))
    payload: dict[str, Any] = {}
    for name, value in given.items():
        if name in _PRODUCT_INPUT:
            payload[_PRODUCT_INPUT[name]] = value.lower() if name == "status" and isinstance(value, str) else value
    if payload.get("status") == "unlisted":
        payload["status"] = "active"  # UNLISTED is 2026-era: live but hidden from search; the store keeps it live
    options = given.get("productOptions")
    if options:
        for option in options:
            unsimulated_inputs("OptionCreateInput", option, ("name", "values", "position"))
        payload["options"] = [{"name": o.get("name")} for o in options]
        payload["variants"] = [{f"option{i + 1}": ((o.get("values") or [{}])[0] or {}).get("name")
                                for i, o in enumerate(options[:3])}]
    return payload


def _variant_spec(product: Product, given: dict[str, Any], input_name: str) -> dict[str, Any]:
    """A ProductVariantsBulkInput / ProductVariantSetInput as the REST variant object the store validates."""
    unsimulated_inputs(input_name, given, ("id", "price", "compareAtPrice", "barcode", "taxable", "sku",
                                           "inventoryItem", "optionValues", "position"))
    spec: dict[str, Any] = {}
    if given.get("id") is not None:
        spec["id"] = id_of(given["id"], "ProductVariant")
    for name, rest in (("price", "price"), ("compareAtPrice", "compare_at_price"), ("barcode", "barcode"),
                       ("taxable", "taxable"), ("sku", "sku")):
        if name in given:
            spec[rest] = given[name]
    item = given.get("inventoryItem")
    if item:
        unsimulated_inputs("InventoryItemInput", item, ("sku", "tracked", "requiresShipping"))
        if "sku" in item:
            spec["sku"] = item["sku"]
        if "tracked" in item:
            spec["inventory_management"] = "shopify" if item["tracked"] else None
        if "requiresShipping" in item:
            spec["requires_shipping"] = item["requiresShipping"]
    for value in given.get("optionValues") or []:
        unsimulated_inputs("VariantOptionValueInput", value, ("optionName", "name"))
        names = [n.lower() for n in product.option_names]
        wanted = (value.get("optionName") or "").lower()
        if wanted in names:
            spec[f"option{names.index(wanted) + 1}"] = value.get("name")
    return spec


def _create(_root: Any, info: Any, product: dict[str, Any] | None = None, input: dict[str, Any] | None = None,
            media: Any = None) -> dict[str, Any]:
    ctx = context(info)
    if (product is None) == (input is None):
        raise GraphQLError("productCreate must include exactly one of the following arguments: input, product.",
                           extensions={"code": "INVALID_FIELD_ARGUMENTS"})
    if media:
        unsimulated_inputs("productCreate", {"media": media}, ())
    given = product if product is not None else input or {}
    try:
        made = ctx.store.create_product(ctx.shop_name, _product_payload("ProductCreateInput", given))
    except Invalid as error:
        return {"product": None, "shop": shop_ref(info), "userErrors": user_errors(error, _FIELDS)}
    return {"product": made, "shop": shop_ref(info), "userErrors": []}


def _update(_root: Any, info: Any, product: dict[str, Any] | None = None, input: dict[str, Any] | None = None,
            identifier: dict[str, Any] | None = None, media: Any = None) -> dict[str, Any]:
    ctx = context(info)
    given = product if product is not None else input or {}
    raw_id = (identifier or {}).get("id") or given.get("id")
    number = id_of(raw_id, "Product") if raw_id is not None else None
    missing = {"product": None, "userErrors": [{"field": ["id"], "message": "Product does not exist"}]}
    if number is None:
        return missing
    try:
        updated = ctx.store.update_product(ctx.shop_name, number, _product_payload("ProductUpdateInput", given))
    except NotFound:
        return missing
    except Invalid as error:
        return {"product": None, "userErrors": user_errors(error, _FIELDS)}
    return {"product": updated, "userErrors": []}


def _delete(_root: Any, info: Any, input: dict[str, Any], synchronous: bool = True) -> dict[str, Any]:
    ctx = context(info)
    number = id_of(input["id"], "Product")
    missing = {"deletedProductId": None, "productDeleteOperation": None, "shop": shop_ref(info),
               "userErrors": [{"field": ["id"], "message": "Product does not exist"}]}
    if number is None:
        return missing
    try:
        ctx.store.delete_product(ctx.shop_name, number)
    except NotFound:
        return missing
    return {"deletedProductId": gid("Product", number), "productDeleteOperation": None, "shop": shop_ref(info),
            "userErrors": []}


def _set(_root: Any, info: Any, input: dict[str, Any], identifier: dict[str, Any] | None = None,
         synchronous: bool = True) -> dict[str, Any]:
    """`productSet`: the whole product as given (its variants replace the old ones; ids keep existing ones)."""
    ctx = context(info)
    raw_id = (identifier or {}).get("id") or input.get("id")
    if identifier:
        unsimulated_inputs("ProductSetIdentifiers", identifier, ("id", "handle"))
    existing = None
    if raw_id is not None:
        existing = find_product(info, id_of(raw_id, "Product"))
        if existing is None:
            return {"product": None, "productSetOperation": None, "userErrors": [
                {"field": ["input", "id"], "code": "PRODUCT_DOES_NOT_EXIST", "message": "Product does not exist"}]}
    elif identifier and identifier.get("handle"):
        existing = next((p for p in ctx.shop.products.values() if p.handle == identifier["handle"]), None)
    payload = _product_payload("ProductSetInput", {k: v for k, v in input.items() if k != "variants"},
                               extra=("variants",))
    options = input.get("productOptions") or []
    if options:
        payload["options"] = [{"name": o.get("name")} for o in options[:3]]
    shape = Product(id=0, title="", handle="", created_at=ctx.now, updated_at=ctx.now,
                    option_names=[o.get("name") for o in options[:3]] or
                    (existing.option_names if existing else ["Title"]))
    if "variants" in input:
        payload["variants"] = [_variant_spec(shape, v, "ProductVariantSetInput") for v in input["variants"] or []]
    else:
        payload.pop("variants", None)
    try:
        if existing is None:
            made = ctx.store.create_product(ctx.shop_name, payload)
        else:
            made = ctx.store.update_product(ctx.shop_name, existing.id, payload)
    except Invalid as error:
        rendered = user_errors(error, {k: ["input", *v] for k, v in _FIELDS.items()})
        for entry in rendered:
            entry["code"] = "INVALID_VARIANT" if entry["field"] is None else "INVALID"
        return {"product": None, "productSetOperation": None, "userErrors": rendered}
    return {"product": made, "productSetOperation": None, "userErrors": []}


class _Refused(Exception):
    """A bulk variant change refused before the store sees it, with its userErrors."""

    def __init__(self, errors: list[dict[str, Any]]) -> None:
        super().__init__(errors)
        self.errors = errors


def _bulk(info: Any, productId: str, change: Any) -> dict[str, Any]:
    ctx = context(info)
    product = find_product(info, id_of(productId, "Product"))
    if product is None:
        return {"product": None, "productVariants": None, "userErrors": [
            {"field": ["productId"], "code": "PRODUCT_DOES_NOT_EXIST", "message": "Product does not exist"}]}
    try:
        specs, wanted = change(product)
    except _Refused as refused:
        return {"product": None, "productVariants": None, "userErrors": refused.errors}
    try:
        updated = ctx.store.update_product(ctx.shop_name, product.id, {"variants": specs})
    except Invalid as error:
        rendered = user_errors(error, {"price": ["variants", "0", "price"]})
        for entry in rendered:
            entry["code"] = "INVALID"
        return {"product": None, "productVariants": None, "userErrors": rendered}
    chosen = [v for v in updated.variants if wanted(v)]
    return {"product": updated, "productVariants": chosen, "userErrors": []}


def _bulk_create(_root: Any, info: Any, productId: str, variants: list[dict[str, Any]], strategy: str = "DEFAULT",
                 media: Any = None) -> dict[str, Any]:
    def change(product: Product) -> tuple[list[dict[str, Any]], Any]:
        before = {v.id for v in product.variants}
        kept = [{"id": v.id} for v in product.variants]
        standalone = len(product.variants) == 1 and product.variants[0].option1 == "Default Title"
        if strategy == "REMOVE_STANDALONE_VARIANT" or (strategy == "DEFAULT" and standalone and variants):
            kept = [] if standalone else kept
        new = [_variant_spec(product, v, "ProductVariantsBulkInput") for v in variants]
        return kept + new, lambda v: v.id not in before
    return _bulk(info, productId, change)


def _bulk_update(_root: Any, info: Any, productId: str, variants: list[dict[str, Any]],
                 allowPartialUpdates: bool = False, media: Any = None) -> dict[str, Any]:
    def change(product: Product) -> tuple[list[dict[str, Any]], Any]:
        by_id = {v.id: v for v in product.variants}
        given = {}
        for index, variant in enumerate(variants):
            number = id_of(variant.get("id"), "ProductVariant") if variant.get("id") is not None else None
            if number not in by_id:
                raise _Refused([{"field": ["variants", str(index), "id"], "code": "PRODUCT_VARIANT_DOES_NOT_EXIST",
                                 "message": "Product variant does not exist"}])
            given[number] = _variant_spec(product, variant, "ProductVariantsBulkInput")
        specs = [given.get(v.id, {"id": v.id}) for v in product.variants]
        return specs, lambda v: v.id in given
    return _bulk(info, productId, change)


def _bulk_delete(_root: Any, info: Any, productId: str, variantsIds: list[str]) -> dict[str, Any]:
    gone = {id_of(v, "ProductVariant") for v in variantsIds}

    def change(product: Product) -> tuple[list[dict[str, Any]], Any]:
        return [{"id": v.id} for v in product.variants if v.id not in gone], lambda _v: False
    outcome = _bulk(info, productId, change)
    outcome.pop("productVariants", None)
    return outcome


resolves("Mutation")({"productCreate": _create, "productUpdate": _update, "productDelete": _delete,
                       "productSet": _set, "productVariantsBulkCreate": _bulk_create,
                       "productVariantsBulkUpdate": _bulk_update, "productVariantsBulkDelete": _bulk_delete})
