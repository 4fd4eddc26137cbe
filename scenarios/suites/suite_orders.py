"""ORD: orders, Shopify -> HubSpot only."""

from __future__ import annotations

from scenarios.dsl import Sim, money_equal, scenario
from scenarios.judge.rules import ORDER_STAGE_IDS


def _shop_with_goods(w: Sim):
    mug = w.shopify.create_product(title="Mug", price="8.00", sku="MUG")
    poster = w.shopify.create_product(title="Poster", price="20.00", sku="POS")
    return mug, poster


@scenario("ORD-2", "ORD-5", title="an order arrives with its contact, one line item per line tied to its product")
def order_with_associations(w: Sim) -> None:
    mug, poster = _shop_with_goods(w)
    buyer = w.shopify.create_customer(email="buyer@example.com", first_name="Buyer")
    order = w.shopify.create_order(lines=[(mug, 2), (poster, 1)], customer=buyer, financial_status="paid")
    w.sync.enable()
    w.settle()
    found = w.hubspot.order_for(order)
    if not w.expect(found is not None, "ORD-5: the order is in HubSpot", record=f"order alpha/{order.id}"):
        return
    props = found.properties
    w.expect(props.get("hs_order_name") == "#1001" and money_equal(props.get("hs_total_price"), "36.00"),
             "ORD-5: name and total", expected={"hs_order_name": "#1001", "hs_total_price": "36.00"},
             found={k: props.get(k) for k in ("hs_order_name", "hs_total_price")})
    w.expect(props.get("hs_pipeline_stage") == ORDER_STAGE_IDS["processed"], "ORD-5: a paid order is Processed",
             expected=ORDER_STAGE_IDS["processed"], found=props.get("hs_pipeline_stage"))
    contact = w.hubspot.contact_by_email("buyer@example.com")
    w.expect(contact is not None and contact.id in w.hubspot.associated("orders", found.id, "contacts"),
             "ORD-2: the order is associated with its customer's contact")
    lines = w.hubspot.line_items("orders", found.id)
    products = {r.properties.get("name"): r.id for r in w.hubspot.records("products")}
    tied = sorted((li.properties.get("name"), li.properties.get("hs_product_id") == products.get(
        li.properties.get("name"))) for li in lines)
    w.expect(tied == [("Mug", True), ("Poster", True)], "ORD-2: one line item per line, each tied to its product",
             expected=[("Mug", True), ("Poster", True)], found=tied)


@scenario("ORD-3", title="an order whose customer has no email is synced with no contact")
def contactless_order(w: Sim) -> None:
    mug, _ = _shop_with_goods(w)
    walk_in = w.shopify.create_customer(first_name="Walk", last_name="In")
    order = w.shopify.create_order(lines=[(mug, 1)], customer=walk_in)
    w.sync.enable()
    w.settle()
    found = w.hubspot.order_for(order)
    w.expect(found is not None, "ORD-3: the contactless order is synced", record=f"order alpha/{order.id}")
    if found is not None:
        contacts = w.hubspot.associated("orders", found.id, "contacts")
        w.expect(contacts == [], "ORD-3: no contact on it", expected=[], found=contacts)


@scenario("ORD-5", "LAT-1", title="status changes, cancellation and deletion reach HubSpot")
def order_lifecycle(w: Sim) -> None:
    mug, poster = _shop_with_goods(w)
    pending = w.shopify.create_order(lines=[(mug, 1)], email="life@example.com", financial_status="pending")
    shipped = w.shopify.create_order(lines=[(poster, 1)], email="life@example.com")
    doomed = w.shopify.create_order(lines=[(mug, 3)], email="life@example.com")
    w.sync.enable()
    w.settle()
    w.shopify.pay(pending)
    w.shopify.fulfil(shipped, delivered=True)
    w.shopify.cancel(doomed)
    w.advance(minutes=10)
    stages = {name: (w.hubspot.order_for(ref).properties.get("hs_pipeline_stage") if w.hubspot.order_for(ref) else None)
              for name, ref in (("paid", pending), ("delivered", shipped), ("cancelled", doomed))}
    want = {"paid": ORDER_STAGE_IDS["processed"], "delivered": ORDER_STAGE_IDS["delivered"],
            "cancelled": ORDER_STAGE_IDS["cancelled"]}
    w.expect(stages == want, "ORD-5: stages follow Shopify within 10 minutes", expected=want, found=stages)
    w.shopify.delete_order(doomed)
    w.advance(minutes=10)
    w.expect(w.hubspot.order_for(doomed) is None, "ORD-5: the deleted order is archived",
             record=f"order alpha/{doomed.id}")


@scenario("ORD-1", title="orders flow one way: HubSpot edits never reach Shopify and are overwritten")
def one_way_orders(w: Sim) -> None:
    mug, _ = _shop_with_goods(w)
    order = w.shopify.create_order(lines=[(mug, 1)], email="oneway@example.com", financial_status="pending")
    w.sync.enable()
    w.settle()
    found = w.hubspot.order_for(order)
    if not w.expect(found is not None, "ORD-5: the order is in HubSpot"):
        return
    w.hubspot.update(w.hubspot.ref(found), hs_order_name="Edited in HubSpot",
                     hs_pipeline_stage=ORDER_STAGE_IDS["shipped"])
    w.advance(minutes=15)
    w.shopify.pay(order)
    w.settle()
    props = w.hubspot.order_for(order).properties if w.hubspot.order_for(order) else {}
    w.expect(props.get("hs_order_name") == "#1001" and props.get("hs_pipeline_stage") == ORDER_STAGE_IDS["processed"],
             "ORD-1: the next Shopify change overwrote the HubSpot edit",
             expected={"hs_order_name": "#1001", "stage": "processed"},
             found={"hs_order_name": props.get("hs_order_name"), "stage": props.get("hs_pipeline_stage")})
    shop_order = w.world.shopify.get_order("alpha", order.id)
    w.expect(shop_order.name == "#1001", "ORD-1: the Shopify order is unchanged")


@scenario("ORD-4", title="orders imported into HubSpot beforehand: the report says whether they were duplicated")
def pre_imported_orders(w: Sim) -> None:
    mug, _ = _shop_with_goods(w)
    order = w.shopify.create_order(lines=[(mug, 1)], email="imported@example.com")
    w.hubspot.create("orders", hs_order_name="#1001", hs_external_order_id=str(order.id),
                     hs_source_store="alpha.myshopify.com", hs_currency_code="USD", hs_total_price="8.00")
    w.sync.enable()
    w.settle()
    copies = [r for r in w.hubspot.records("orders") if r.properties.get("hs_external_order_id") == str(order.id)]
    w.note(f"ORD-4: {len(copies)} HubSpot order(s) for the pre-imported order "
           f"({'duplicated' if len(copies) > 1 else 'not duplicated'})")
