"""Orders -> HubSpot orders end to end (ORD-1..5, PRD-4)."""

from __future__ import annotations

from decimal import Decimal

from reference.objects.orders import STAGES


def _goods(s):
    return s.product("alpha", "Mug", "8.00", "MUG"), s.product("alpha", "Poster", "20.00", "POS")


def _order(s, lines, **payload):
    body = {"line_items": [{"variant_id": p.variants[0].id, "quantity": q} for p, q in lines], **payload}
    return s.w.shopify.create_order("alpha", body)


def test_order_with_contact_lines_products_and_stage(sim) -> None:  # ORD-2, ORD-5
    s = sim()
    mug, poster = _goods(s)
    buyer = s.w.shopify.create_customer("alpha", {"email": "buyer@example.com", "first_name": "Buyer"})
    order = _order(s, [(mug, 2), (poster, 1)], customer={"id": buyer.id}, financial_status="paid")
    s.enable("contacts", "products", "orders")
    s.settle()
    [found] = s.external("orders", "hs_external_order_id", order.id)
    props = found.properties
    assert props["hs_order_name"] == "#1001" and Decimal(props["hs_total_price"]) == Decimal("36")
    assert props["hs_source_store"] == "alpha.myshopify.com" and props["hs_payment_status"] == "Paid"
    assert props["hs_fulfillment_status"] == "Unfulfilled" and props["hs_pipeline_stage"] == STAGES["processed"]
    assert s.associated("orders", found.id, "contacts") == [s.contact("buyer@example.com").id]
    assert s.line_items("orders", found.id) == [("Mug", 2), ("Poster", 1)]
    products = {r.properties["name"]: r.id for r in s.records("products")}
    for item_id in s.associated("orders", found.id, "line_items"):
        item = s.w.hubspot.record(s.pid, "line_items", item_id)
        assert item.properties["hs_product_id"] == products[item.properties["name"]]


def test_contactless_order(sim) -> None:  # ORD-3
    s = sim()
    mug, _ = _goods(s)
    walk_in = s.w.shopify.create_customer("alpha", {"first_name": "Walk", "last_name": "In"})
    order = _order(s, [(mug, 1)], customer={"id": walk_in.id})
    s.enable("contacts", "products", "orders")
    s.settle()
    [found] = s.external("orders", "hs_external_order_id", order.id)
    assert s.associated("orders", found.id, "contacts") == []


def test_lifecycle_stages_line_removal_and_deletion(sim) -> None:  # ORD-5, PRD-4
    s = sim()
    mug, poster = _goods(s)
    pending = _order(s, [(mug, 1)], email="life@example.com", financial_status="pending")
    shipped = _order(s, [(poster, 1)], email="life@example.com")
    doomed = _order(s, [(mug, 3)], email="life@example.com")
    edited = _order(s, [(mug, 1), (poster, 2)], email="life@example.com")
    s.enable("contacts", "products", "orders")
    s.settle()
    s.w.shopify.mark_order_paid("alpha", pending.id)
    fulfillment = s.w.shopify.fulfil_order("alpha", shipped.id, tracking_number="1Z")
    s.w.shopify.set_shipment_status("alpha", shipped.id, fulfillment.id, "delivered")
    s.w.shopify.cancel_order("alpha", doomed.id, "customer")
    s.w.shopify.remove_order_line("alpha", edited.id, edited.line_items[1].id)
    s.w.advance(600)
    stage = {o.id: s.external("orders", "hs_external_order_id", o.id)[0].properties["hs_pipeline_stage"]
             for o in (pending, shipped, doomed)}
    assert stage == {pending.id: STAGES["processed"], shipped.id: STAGES["delivered"], doomed.id: STAGES["cancelled"]}
    [edited_found] = s.external("orders", "hs_external_order_id", edited.id)
    assert s.line_items("orders", edited_found.id) == [("Mug", 1)]  # PRD-4: only the removed line went
    s.w.shopify.delete_order("alpha", doomed.id)
    s.w.advance(600)
    assert s.external("orders", "hs_external_order_id", doomed.id) == []  # ORD-5: archived


def test_orders_flow_one_way_and_hubspot_edits_are_overwritten(sim) -> None:  # ORD-1
    s = sim()
    mug, _ = _goods(s)
    order = _order(s, [(mug, 1)], email="oneway@example.com", financial_status="pending")
    s.enable("contacts", "products", "orders")
    s.settle()
    [found] = s.external("orders", "hs_external_order_id", order.id)
    s.marketer_update("orders", found.id, hs_order_name="Edited in HubSpot", hs_pipeline_stage=STAGES["shipped"])
    s.w.advance(900)
    s.w.shopify.mark_order_paid("alpha", order.id)
    s.settle()
    props = s.external("orders", "hs_external_order_id", order.id)[0].properties
    assert props["hs_order_name"] == "#1001" and props["hs_pipeline_stage"] == STAGES["processed"]
    assert not [e for e in s.w.writes("shopify") if "/orders" in e.path]


def test_orders_imported_beforehand_are_adopted_not_duplicated(sim) -> None:  # ORD-4 (MAY)
    s = sim()
    mug, _ = _goods(s)
    order = _order(s, [(mug, 1)], email="imported@example.com")
    s.marketer_create("orders", hs_order_name="#1001", hs_external_order_id=str(order.id),
                      hs_source_store="alpha.myshopify.com", hs_currency_code="USD", hs_total_price="8.00")
    s.enable("contacts", "products", "orders")
    s.settle()
    [found] = s.external("orders", "hs_external_order_id", order.id)
    assert s.line_items("orders", found.id) == [("Mug", 1)]
    assert s.associated("orders", found.id, "contacts") == [s.contact("imported@example.com").id]
