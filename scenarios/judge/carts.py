"""CRT: abandoned carts one way into HubSpot (CRT-1), completed ones linked to their order (CRT-4)."""

from __future__ import annotations

from datetime import datetime

from scenarios.judge.contacts import archived_since, groups_of
from scenarios.judge.indeterminacy import possibly_unseen
from scenarios.judge.orders import kept_line_items
from scenarios.judge.rules import norm_email, whole_number
from scenarios.judge.view import RunView, reporting


@reporting
def check_carts(view: RunView) -> None:
    groups = groups_of(view)
    live_carts = view.records("carts")
    for shop in view.live_shops():
        for checkout in view.checkouts(shop):
            checkout_id = checkout["id"]
            label = f"checkout {shop}/{checkout_id}"
            completed = checkout.get("completed_at") is not None
            found = [r for r in live_carts if r.properties.get("hs_external_cart_id") == str(checkout_id)]
            if not found:
                view.fail("CRT-4" if completed else "CRT-1", f"checkout {shop}/{checkout_id} has no cart",
                          {"hs_external_cart_id": checkout_id}, None, label)
                continue
            cart = found[0]
            lines = view.line_items("carts", cart.id)
            want = sorted((li["title"], li["quantity"]) for li in checkout["line_items"])
            have = sorted(((li.properties.get("name") or ""), whole_number(li.properties.get("quantity")))
                          for li in lines)
            if not completed and want != have:
                view.fail("PRD-4" if len(have) > len(want) else "CRT-1", f"{label} line items", want, have, label)
            kept_line_items(view, "carts", shop, checkout_id, cart.id, label,
                            {li["title"] for li in checkout["line_items"] if li["quantity"] > 0})
            contacts = view.associated("carts", cart.id, "contacts")
            email = norm_email(checkout.get("email"))
            if email and view.enabled("contacts"):
                contact = view.contact_by_email(email)
                changed = view.last_change("checkout", shop, checkout_id)
                if (contact is None or contact.id not in contacts) and not archived_since(groups, email, changed) \
                        and not _email_maybe_unseen(view, shop, checkout_id, changed):
                    view.fail("CRT-1", f"{label} not associated with contact {email}", email, contacts, label)
            status = (cart.properties.get("hs_external_status") or "").lower()
            if completed:
                if status in ("open", "abandoned"):
                    view.fail("CRT-4", f"{label} completed but still reported as abandoned", "completed", status,
                              label)
                if view.enabled("orders") and checkout.get("order_id"):
                    orders = [r for r in view.records("orders")
                              if r.properties.get("hs_external_order_id") == str(checkout["order_id"])]
                    linked = view.associated("carts", cart.id, "orders")
                    if orders and orders[0].id not in linked:
                        view.fail("CRT-4", f"{label} not linked to its order", orders[0].id, linked, label)


def _email_maybe_unseen(view: RunView, shop: str, checkout_id: int, changed: datetime | None) -> bool:
    """Whether a sync may never have read the checkout's email: Shopify's GraphQL shows it only through the
    checkout's customer (an AbandonedCheckout has no email field), so a customer deleted within the bound of the
    checkout's last change may have gone before a sync listed it, the checkouts webhook being its only other
    source (sent before a sync subscribed, or lost)."""
    made = [c for c in view.history if c.system == "shopify" and c.object == "checkout" and c.shop == shop
            and c.id == str(checkout_id)]
    customer_ids = {str((c.record.get("customer") or {}).get("id")) for c in made} - {"None"}
    return any(c.system == "shopify" and c.object == "customer" and c.op == "delete" and c.shop == shop
               and c.id in customer_ids and possibly_unseen(changed, c.at) for c in view.history)
