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
    kind = "AbandonedCheckout"
    external_id = "hs_external_cart_id"
    to_line_items = 590
    line_to_parent = 591
    to_contact = 586

    def shopify_list(self, shop: ShopClient, since: datetime | None, listing: Listing | None = None) -> list[dict]:
        return shop.checkouts(since, listing)

    def heard(self, ctx: Context, shop: str, body: dict) -> None:
        """A checkout webhook carries what GraphQL does not show: a guest's email (kept for CRT-1), and the
        token orders name their checkout by (CRT-4)."""
        if body.get("id") is None:
            return
        remember(ctx, shop, str(body["id"]), body.get("token"), norm_email(body.get("email")))

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
        remember(ctx, shop, str(record["id"]), record.get("token"), None)
        email = norm_email(record.get("email")) or norm_email((record.get("customer") or {}).get("email")) \
            or ctx.state.get(f"checkout-email:{shop}:{record['id']}")
        return Desired(props, lines, email, None, waiting)

    def related(self, ctx: Context, shop: str, record: dict, hubspot_id: str, link: Link) -> None:
        """CRT-4: a completed checkout's cart is associated with its order when that is synced."""
        order_id = record.get("order_id") or link.extra.get("order_shopify_id")
        if not record.get("completed_at") or link.extra.get("order"):
            return
        order = ctx.state.link("orders", shop, str(order_id)) if order_id else None
        if order is not None and order.status == LIVE and order.hubspot_id:
            ctx.hubspot.associate("carts", "orders", [(hubspot_id, order.hubspot_id, 592)])
            link.extra.update(order=order.hubspot_id, completed=True)
            ctx.state.save_link(link)
        else:
            link.extra["completed"] = True
            ctx.state.save_link(link)


def remember(ctx: Context, shop: str, checkout_id: str, token: str | None, email: str | None) -> None:
    """Keep a checkout's token (orders name their checkout by it) and a guest's email (only webhooks show it)."""
    if token and ctx.state.get(f"checkout-token:{shop}:{token}") != checkout_id:
        ctx.state.put(f"checkout-token:{shop}:{token}", checkout_id)
    if email and ctx.state.get(f"checkout-email:{shop}:{checkout_id}") != email:
        ctx.state.put(f"checkout-email:{shop}:{checkout_id}", email)


def checkout_of(ctx: Context, shop: str, order: dict) -> str | None:
    """The id of the checkout an order completed, when that checkout was seen."""
    if order.get("checkout_id"):
        return str(order["checkout_id"])
    token = order.get("checkout_token")
    return ctx.state.get(f"checkout-token:{shop}:{token}") if token else None
