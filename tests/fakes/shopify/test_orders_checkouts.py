"""Orders and abandoned checkouts (docs/vendor-behaviour.md §1.6 "Order", "Abandoned checkouts")."""

from __future__ import annotations

import pytest


@pytest.fixture
def variant(store):
    product = store.create_product("demo", {"title": "Mug", "variants": [{"price": "8.00", "sku": "MUG"}]})
    return product.variants[0]


def order(store, variant, **extra):
    payload = {"line_items": [{"variant_id": variant.id, "quantity": 2}], **extra}
    return store.create_order("demo", payload)


def test_order_shape_references_product_and_variant(admin, store, variant):
    made = order(store, variant, email="ann@example.com", total_shipping="5", total_tax="1.60")
    body = admin.get(f"/orders/{made.id}.json").json["order"]
    line = body["line_items"][0]
    assert (line["product_id"], line["variant_id"], line["sku"], line["price"]) == (variant.product_id, variant.id,
                                                                                 "MUG", "8.00")
    assert body["name"] == "#1001" and body["order_number"] == 1001
    assert body["subtotal_price"] == "16.00" and body["total_price"] == "22.60"
    assert body["total_shipping_price_set"]["shop_money"]["amount"] == "5.00"
    assert body["financial_status"] == "paid" and body["fulfillment_status"] is None
    assert body["customer"]["email"] == "ann@example.com"


def test_order_without_customer_email(admin, store, variant):
    made = order(store, variant, customer={"first_name": "Walk", "last_name": "In"})
    body = admin.get(f"/orders/{made.id}.json").json["order"]
    assert body["customer"]["email"] is None and body["email"] == ""
    anonymous = order(store, variant)
    assert admin.get(f"/orders/{anonymous.id}.json").json["order"]["customer"] is None


def test_status_filter_defaults_to_open(admin, store, variant):
    open_order, closed, cancelled = order(store, variant), order(store, variant), order(store, variant)
    store.close_order("demo", closed.id)
    store.cancel_order("demo", cancelled.id, "customer")

    def ids(**q):
        return [o["id"] for o in admin.get("/orders.json", query_string=q).json["orders"]]

    assert ids() == [open_order.id]
    assert ids(status="closed") == [closed.id, cancelled.id]
    assert ids(status="cancelled") == [cancelled.id]
    assert ids(status="any") == [open_order.id, closed.id, cancelled.id]
    assert admin.get("/orders/count.json", query_string={"status": "any"}).json == {"count": 3}


def test_cancel_close_open_over_the_api(admin, store, variant):
    made = order(store, variant)
    closed = admin.post(f"/orders/{made.id}/close.json")
    assert closed.status_code == 200 and closed.json["order"]["closed_at"] is not None
    reopened = admin.post(f"/orders/{made.id}/open.json")
    assert reopened.json["order"]["closed_at"] is None
    cancelled = admin.post(f"/orders/{made.id}/cancel.json", {"reason": "fraud"})
    assert cancelled.json["order"]["cancel_reason"] == "fraud" and cancelled.json["order"]["cancelled_at"]
    assert admin.post(f"/orders/{made.id}/cancel.json").status_code == 422


def test_fulfilment_shipment_status_and_refund(admin, store, variant):
    made = order(store, variant, financial_status="paid")
    fulfillment = store.fulfil_order("demo", made.id, tracking_number="1Z999")
    body = admin.get(f"/orders/{made.id}.json").json["order"]
    assert body["fulfillment_status"] == "fulfilled"
    assert body["fulfillments"][0]["tracking_numbers"] == ["1Z999"]
    store.set_shipment_status("demo", made.id, fulfillment.id, "delivered")
    shipped = admin.get(f"/orders/{made.id}/fulfillments.json").json["fulfillments"]
    assert shipped[0]["shipment_status"] == "delivered"
    store.refund_order("demo", made.id, "4.00")
    refunded = admin.get(f"/orders/{made.id}.json").json["order"]
    assert refunded["financial_status"] == "partially_refunded"
    assert refunded["current_total_price"] == "12.00"
    assert admin.get(f"/orders/{made.id}/refunds.json").json["refunds"][0]["transactions"][0]["amount"] == "4.00"


def test_removing_a_line_keeps_it_with_current_quantity_zero(admin, store, variant):
    other = store.create_product("demo", {"title": "Cap", "variants": [{"price": "3.00"}]}).variants[0]
    made = store.create_order("demo", {"line_items": [{"variant_id": variant.id, "quantity": 1},
                                                      {"variant_id": other.id, "quantity": 1}]})
    removed = made.line_items[1].id
    store.remove_order_line("demo", made.id, removed)
    body = admin.get(f"/orders/{made.id}.json").json["order"]
    assert [(li["id"], li["current_quantity"]) for li in body["line_items"]] == [(made.line_items[0].id, 1),
                                                                                 (removed, 0)]
    assert body["current_subtotal_price"] == "8.00" and body["subtotal_price"] == "11.00"


def test_order_validation(admin, variant):
    empty = admin.post("/orders.json", {"order": {"line_items": []}})
    assert empty.status_code == 422 and empty.json == {"errors": {"line_items": ["must have at least one line item"]}}
    unknown = admin.post("/orders.json", {"order": {"line_items": [{"variant_id": 1, "quantity": 1}]}})
    assert unknown.status_code == 422


def test_update_and_delete_order(admin, store, variant):
    made = order(store, variant)
    changed = admin.put(f"/orders/{made.id}.json", {"order": {"note": "gift", "tags": ["a", "b"]}})
    assert changed.json["order"]["note"] == "gift" and changed.json["order"]["tags"] == "a, b"
    assert admin.delete(f"/orders/{made.id}.json").status_code == 200
    assert admin.get(f"/orders/{made.id}.json").status_code == 404


def test_abandoned_checkouts_list_and_completion(admin, store, variant):
    with_email = store.create_checkout("demo", {"email": "cart@example.com",
                                                "line_items": [{"variant_id": variant.id, "quantity": 1}]})
    without = store.create_checkout("demo", {"line_items": [{"title": "Custom", "price": "2.00", "quantity": 3}]})
    listed = admin.get("/checkouts.json").json["checkouts"]
    assert [c["id"] for c in listed] == [with_email.id, without.id]
    assert listed[1]["email"] is None and listed[1]["total_price"] == "6.00"
    assert admin.get("/checkouts/count.json").json == {"count": 2}
    made = store.complete_checkout("demo", with_email.id)
    assert [c["id"] for c in admin.get("/checkouts.json").json["checkouts"]] == [without.id]
    body = admin.get(f"/orders/{made.id}.json").json["order"]
    assert body["checkout_id"] == with_email.id and body["cart_token"] == with_email.cart_token


def test_removing_a_line_from_an_open_checkout(admin, store, variant):
    checkout = store.create_checkout("demo", {"line_items": [{"variant_id": variant.id, "quantity": 1},
                                                             {"title": "Extra", "price": "1.00", "quantity": 1}]})
    store.update_checkout("demo", checkout.id, remove_line_item_id=checkout.line_items[1].id)
    listed = admin.get("/checkouts.json").json["checkouts"][0]
    assert [li["title"] for li in listed["line_items"]] == ["Mug"]


def test_checkouts_are_read_only(admin):
    assert admin.post("/checkouts.json", {"checkout": {}}).status_code == 405


def test_an_email_given_at_checkout_makes_a_customer_profile(admin, store, variant, outbox):
    # Shopify keeps a customer for every email given at checkout, paid or not (docs/vendor-behaviour.md §1.6
    # "Abandoned checkouts"); an existing customer with that email is reused. GraphQL's AbandonedCheckout
    # shows no email: `customer` is how a GraphQL sync reaches the buyer.
    known = store.create_customer("demo", {"email": "known@example.com"})
    guest = store.create_checkout("demo", {"email": "Guest@Example.com",
                                           "line_items": [{"variant_id": variant.id, "quantity": 1}]})
    returning = store.create_checkout("demo", {"email": "KNOWN@example.com",
                                               "line_items": [{"variant_id": variant.id, "quantity": 1}]})
    anonymous = store.create_checkout("demo", {"line_items": [{"variant_id": variant.id, "quantity": 1}]})
    made = store.shops["demo"].customer_by_email("guest@example.com")
    assert made is not None and guest.customer_id == made.id
    assert returning.customer_id == known.id and anonymous.customer_id is None
    assert len(store.shops["demo"].customers) == 2
    listed = {c["id"]: c for c in admin.get("/checkouts.json").json["checkouts"]}
    assert listed[guest.id]["customer"]["id"] == made.id
    store.update_checkout("demo", anonymous.id, email="late@example.com")
    assert anonymous.customer_id == store.shops["demo"].customer_by_email("late@example.com").id
