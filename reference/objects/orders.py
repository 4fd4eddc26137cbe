"""Orders -> HubSpot orders, one way (ORD-1..5), with line items, pipeline stage and associations.

Stage from Shopify status (docs/vendor-behaviour.md §5.3): Cancelled > Delivered > Shipped > Processed > Open.
Associations: contact of the customer's email (507; none without email, ORD-3), line items (513),
company (509) when the order is B2B and the company is synced, and the cart of its checkout
(cart -> order 592) when that cart was synced (ORD-2, CRT-4).
"""

from __future__ import annotations

from datetime import datetime

from reference.clients.listing import Listing
from reference.clients.shopify import ShopClient
from reference.mapping import humanize, norm_email
from reference.objects.carts import checkout_of
from reference.objects.context import Context
from reference.objects.oneway import Desired, OneWay
from reference.settings import Mapping
from reference.state import LIVE, Link

ORDER_PIPELINE = "14a2e10e-5471-408a-906e-c51f3b04369e"  # the default order pipeline (docs/vendor-behaviour.md §3.7)
STAGES = {"open": "4b27b500-f031-4927-9811-68a0b525cbae", "processed": "937ea84d-0a4f-4dcf-9028-3f9c2aafbf03",
          "shipped": "aa99e8d0-c1d5-4071-b915-d240bbb1aed9", "delivered": "3725360f-519b-4b18-a593-494d60a29c9f",
          "cancelled": "3c85a297-e9ce-400b-b42e-9f16853d69d6"}


def order_stage(order: dict) -> str:
    """The pipeline stage of a Shopify order (docs/vendor-behaviour.md §5.3, rules in order of precedence)."""
    if order.get("cancelled_at"):
        return "cancelled"
    if order.get("fulfillment_status") == "fulfilled":
        shipments = [f for f in order.get("fulfillments") or [] if f.get("status") != "cancelled"]
        if shipments and all(f.get("shipment_status") == "delivered" for f in shipments):
            return "delivered"
        return "shipped"
    if order.get("financial_status") in ("paid", "partially_refunded", "refunded"):
        return "processed"
    return "open"


class Orders(OneWay):
    """The orders stream."""

    name = "orders"
    hubspot_type = "orders"
    topic_prefix = "orders/"
    kind = "Order"
    external_id = "hs_external_order_id"
    to_line_items = 513
    line_to_parent = 514
    to_contact = 507

    def shopify_list(self, shop: ShopClient, since: datetime | None, listing: Listing | None = None) -> list[dict]:
        return shop.orders(since, listing)  # closed and cancelled orders too (docs/vendor-behaviour.md §1.6)

    def desired(self, ctx: Context, shop: str, record: dict, mappings: tuple[Mapping, ...]) -> Desired:
        domain = next(s.domain for s in ctx.settings.shops if s.shop == shop)
        props = {
            "hs_order_name": record.get("name"), "hs_external_order_id": str(record["id"]),
            "hs_source_store": domain, "hs_currency_code": record.get("currency"),
            "hs_total_price": record.get("current_total_price"),
            "hs_subtotal_price": record.get("current_subtotal_price"), "hs_tax": record.get("current_total_tax"),
            "hs_payment_status": humanize(record.get("financial_status")),
            "hs_fulfillment_status": humanize(record.get("fulfillment_status"), "Unfulfilled"),
            "hs_pipeline": ORDER_PIPELINE, "hs_pipeline_stage": STAGES[order_stage(record)],
            # The shop's order date, not the day the sync wrote it: reports count orders by it (DSH-3).
            "hs_external_created_date": record.get("processed_at") or record.get("created_at"),
            **self.custom(record, mappings),
        }
        waiting: list[str] = []
        lines = {str(item["id"]): self.line(ctx, shop, item, int(item.get("current_quantity", item["quantity"])),
                                            waiting)
                 for item in record.get("line_items") or [] if int(item.get("current_quantity",
                                                                             item.get("quantity", 0))) > 0}
        email = norm_email((record.get("customer") or {}).get("email")) or norm_email(record.get("email"))
        company = (record.get("company") or {}).get("id")
        company_ref = f"{shop}|gid://shopify/Company/{company}" if company else None
        return Desired(props, lines, email, company_ref, waiting)

    def related(self, ctx: Context, shop: str, record: dict, hubspot_id: str, link: Link) -> None:
        """CRT-4: the cart of the checkout this order completed is linked to it and no longer abandoned."""
        checkout = checkout_of(ctx, shop, record)
        cart = ctx.state.link("carts", shop, checkout) if checkout else None
        if cart is None or cart.status != LIVE or not cart.hubspot_id or cart.extra.get("order") == hubspot_id:
            return
        ctx.hubspot.batch_update("carts", {cart.hubspot_id: {"hs_external_status": "completed"}})
        ctx.hubspot.associate("carts", "orders", [(cart.hubspot_id, hubspot_id, 592)])
        cart.extra.update(order=hubspot_id, completed=True)
        cart.view.setdefault("props", {})["hs_external_status"] = "completed"
        ctx.state.save_link(cart)
