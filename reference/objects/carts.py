"""Abandoned checkouts -> HubSpot carts, one way (CRT-1..4), with line items and the contact.

`hs_external_status` is "open" while the checkout is abandoned and "completed" once it became an
order (CRT-4), when it is also associated with that order (cart -> order 592). Completed checkouts
leave Shopify's abandoned list, so their webhook payload is taken as the record; the orders stream
completes the cart too when only the order is seen (webhooks lost).
"""

from __future__ import annotations

from datetime import datetime

from reference.clients.listing import Listing
from reference.clients.shopify import ShopClient
from reference.mapping import norm_email
from reference.objects.context import Context
from reference.objects.oneway import Desired, OneWay
from reference.settings import Mapping
from reference.state import LIVE, Link


class Carts(OneWay):
    """The carts stream."""

    name = "carts"
    hubspot_type = "carts"
    topic_prefix = "checkouts/"
    resource = "checkouts"
    external_id = "hs_external_cart_id"
    to_line_items = 590
    line_to_parent = 591
    to_contact = 586

    def shopify_list(self, shop: ShopClient, since: datetime | None, listing: Listing | None = None) -> list[dict]:
        params = {"status": "any"}
        return shop.pages("checkouts", {**params, "updated_at_min": since.isoformat()} if since else params, listing)

    def from_event(self, ctx: Context, shop: str, body: dict) -> dict | None:
        return body if body.get("completed_at") and body.get("id") and body.get("updated_at") else None

    def desired(self, ctx: Context, shop: str, record: dict, mappings: tuple[Mapping, ...]) -> Desired:
        domain = next(s.domain for s in ctx.settings.shops if s.shop == shop)
        link = ctx.state.link("carts", shop, str(record["id"]))
        completed = bool(record.get("completed_at")) or bool(link and link.extra.get("completed"))
        props = {
            "hs_external_cart_id": str(record["id"]), "hs_cart_name": record.get("name"),
            "hs_source_store": domain, "hs_currency_code": record.get("currency"),
            "hs_total_price": record.get("total_price"), "hs_subtotal_price": record.get("subtotal_price"),
            "hs_external_status": "completed" if completed else "open",
            "hs_cart_url": record.get("abandoned_checkout_url"),
            "hs_external_created_date": record.get("created_at"),  # reports count carts by it (DSH-3)
            **self.custom(record, mappings),
        }
        waiting: list[str] = []
        lines = {str(item["id"]): self.line(ctx, shop, item, int(item.get("quantity", 0)), waiting)
                 for item in record.get("line_items") or [] if int(item.get("quantity", 0)) > 0}
        email = norm_email(record.get("email")) or norm_email((record.get("customer") or {}).get("email"))
        return Desired(props, lines, email, None, waiting)

    def related(self, ctx: Context, shop: str, record: dict, hid: str, link: Link) -> None:
        """CRT-4: a completed checkout's cart is associated with its order when that is synced."""
        order_id = record.get("order_id") or link.extra.get("order_shopify_id")
        if not record.get("completed_at") or link.extra.get("order"):
            return
        order = ctx.state.link("orders", shop, str(order_id)) if order_id else None
        if order is not None and order.status == LIVE and order.hubspot_id:
            ctx.hubspot.associate("carts", "orders", [(hid, order.hubspot_id, 592)])
            link.extra.update(order=order.hubspot_id, completed=True)
            ctx.state.save_link(link)
        else:
            link.extra["completed"] = True
            ctx.state.save_link(link)
