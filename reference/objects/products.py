"""Products <-> products: matched by name after trimming (PRD-1); price and SKU of the first variant (PRD-5).

A Shopify product deleted archives its HubSpot product (PRD-2, learnt from `products/delete` or the
Events API); a HubSpot product archived leaves the Shopify product alone and does not come back
(PRD-3). Variants are never products.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from reference.clients.listing import Listing
from reference.clients.shopify import ShopClient
from reference.objects.context import Context
from reference.objects.twoway import Group, TwoWay
from reference.settings import Mapping

VARIANT = "variants.0."


class Products(TwoWay):
    """The products stream."""

    name = "products"
    hubspot_type = "products"
    topic_prefix = "products/"
    hubspot_prefix = "product."
    recreate_after_archive = False
    archive_on_shopify_delete = True

    def keys(self, view: dict[str, Any]) -> list[str]:
        name = view.get("name")
        return [name] if name else []

    def shopify_list(self, shop: ShopClient, since: datetime | None, listing: Listing | None = None) -> list[dict]:
        return shop.products(since, listing)

    def shopify_fetch(self, shop: ShopClient, ids: list[str]) -> list[dict]:
        return shop.by_ids("Product", ids)

    def shopify_find(self, shop: ShopClient, view: dict[str, Any]) -> dict | None:
        name = view.get("name")
        if not name:
            return None
        return next((p for p in shop.products_titled(name) if (p.get("title") or "").strip() == name), None)

    def shopify_deleted(self, ctx: Context, shop: ShopClient, since: datetime | None) -> list[str]:
        if since is None:
            return []  # an initial sync has nothing to delete
        return shop.destroyed_products(since)

    def shopify_write(self, shop: ShopClient, record: dict | None, values: dict[str, Any],
                      mappings: tuple[Mapping, ...]) -> dict:
        fields = {m.hubspot_property: m.shopify_field for m in mappings if m.to_shopify}
        product = {fields[k]: v for k, v in values.items() if k in fields and "." not in fields[k]}
        variant = {fields[k].removeprefix(VARIANT): ("" if v is None else v) for k, v in values.items()
                   if k in fields and fields[k].startswith(VARIANT)}
        # A HubSpot-born product becomes a Shopify product with its one default variant.
        return shop.save_product(record, product, variant)

    def hubspot_lookup(self, ctx: Context, groups: list[Group], props: list[str]) -> dict[str, dict]:
        names = sorted({k for g in groups for k in g.key_hint})
        found = ctx.hubspot.find_in("products", "name", names, props)
        out: dict[str, dict] = {}
        for record in sorted(found, key=lambda r: int(r["id"])):
            out.setdefault(((record.get("properties") or {}).get("name") or "").strip(), record)
        return out
