"""Abandoned checkouts -> carts end to end (CRT-1, CRT-3, CRT-4, PRD-4)."""

from __future__ import annotations

from harness import FaultSchedule, WebhookFault


def _checkout(s, lines, email=None):
    body = {"line_items": [{"variant_id": p.variants[0].id, "quantity": q} for p, q in lines]}
    if email:
        body["email"] = email
    return s.w.shopify.create_checkout("alpha", body)


def test_checkouts_become_carts_with_contact_and_lines(sim) -> None:  # CRT-1, CRT-3
    s = sim()
    mug = s.product("alpha", "Mug", "8.00")
    early = [_checkout(s, [(mug, 1)], f"early{i}@example.com") for i in range(3)]
    anonymous = _checkout(s, [(mug, 1)])
    s.enable("contacts", "products")
    s.settle()
    s.enable("contacts", "products", "carts")
    s.w.advance(600)
    for checkout in [*early, anonymous]:
        [cart] = s.external("carts", "hs_external_cart_id", checkout.id)
        assert cart.properties["hs_external_status"] == "open"
        assert s.line_items("carts", cart.id) == [("Mug", 1)]
    [cart] = s.external("carts", "hs_external_cart_id", early[0].id)
    assert s.associated("carts", cart.id, "contacts") == [s.contact("early0@example.com").id]
    [cart] = s.external("carts", "hs_external_cart_id", anonymous.id)
    assert s.associated("carts", cart.id, "contacts") == []


def test_a_removed_checkout_line_removes_its_cart_line(sim) -> None:  # PRD-4
    s = sim()
    mug, cap = s.product("alpha", "Mug", "8.00"), s.product("alpha", "Cap", "5.00")
    checkout = _checkout(s, [(mug, 1), (cap, 1)], "cart.lines@example.com")
    s.enable("contacts", "products", "carts")
    s.settle()
    s.w.shopify.update_checkout("alpha", checkout.id, remove_line_item_id=checkout.line_items[0].id)
    s.w.advance(600)
    [cart] = s.external("carts", "hs_external_cart_id", checkout.id)
    assert s.line_items("carts", cart.id) == [("Cap", 1)]


def test_completed_checkout_is_linked_to_its_order(sim) -> None:  # CRT-4
    s = sim()
    mug = s.product("alpha", "Mug", "8.00")
    checkout = _checkout(s, [(mug, 1)], "converts@example.com")
    s.enable("contacts", "products", "orders", "carts")
    s.settle()
    order = s.w.shopify.complete_checkout("alpha", checkout.id)
    s.w.advance(600)
    [cart] = s.external("carts", "hs_external_cart_id", checkout.id)
    [found] = s.external("orders", "hs_external_order_id", order.id)
    assert s.associated("carts", cart.id, "orders") == [found.id]
    assert cart.properties["hs_external_status"] == "completed"


def test_completion_is_seen_through_the_order_when_webhooks_are_lost(sim) -> None:  # CRT-4, LAT-3
    s = sim(faults=FaultSchedule(webhooks=[WebhookFault("drop")]))
    mug = s.product("alpha", "Mug", "8.00")
    checkout = _checkout(s, [(mug, 1)], "quiet@example.com")
    s.enable("contacts", "products", "orders", "carts")
    s.settle()
    order = s.w.shopify.complete_checkout("alpha", checkout.id)
    s.w.advance(600)
    [cart] = s.external("carts", "hs_external_cart_id", checkout.id)
    [found] = s.external("orders", "hs_external_order_id", order.id)
    assert s.associated("carts", cart.id, "orders") == [found.id]
    assert cart.properties["hs_external_status"] == "completed"
