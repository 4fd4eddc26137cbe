"""Gates for one-way objects, settings and the dashboard: classes of broken syncs that once escaped the suite.

Each scenario here passes on a sync that keeps the rule and fails on one broken that way (issue 16; the
broken syncs are in `tests/mutants/zoo_oneway.py`): one-way custom mappings applied both ways (SET-5),
products written while their sync is off (SET-1), order deletions and checkout completions learnt only
from webhooks (ORD-5, CRT-4), order payment and fulfilment status left behind (ORD-5), orders dated by
the sync instead of the shop (DSH-3), line items archived and re-created instead of kept (PRD-4), and an
initial sync that reads one page only (SET-2).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from fakes.hubspot import reports
from scenarios.dsl import Sim, norm_email, scenario
from scenarios.dsl.refs import CustomerRef, OrderRef
from scenarios.judge.rules import order_statuses

LOSE_ALL_WEBHOOKS = {"webhooks": [{"kind": "drop"}]}


def _customer_of(w: Sim, email: str, shop: str = "alpha") -> CustomerRef | None:
    """A handle on the customer of `email` in `shop` (e.g. one the sync made), or None."""
    found = [c for c in w.shopify.customers(shop) if (c.get("email") or "").lower() == email]
    return CustomerRef(shop, found[0]["id"], email) if found else None


# ---------------------------------------------------------------------- SET-5: custom mappings keep their direction


@scenario("SET-5", "CNT-5", title="a to-HubSpot custom mapping carries Shopify's value and never writes Shopify")
def to_hubspot_mapping_stays_one_way(w: Sim) -> None:
    customer = w.shopify.create_customer(email="noted@example.com", first_name="Noted", note="VIP since 2020")
    w.sync.enable("contacts")
    reply = w.sync.map("contacts", "jobtitle", "note", "to_hubspot")
    w.expect(reply.accepted, "SET-5: a to-HubSpot contact mapping is accepted", expected=200,
             found=f"{reply.status} {reply.error}")
    w.settle()
    contact = w.hubspot.contact_by_email("noted@example.com")
    title = contact.properties.get("jobtitle") if contact else None
    if not w.expect(title == "VIP since 2020", "SET-5: the to-HubSpot mapping carries the note to the contact",
                    expected="VIP since 2020", found=title, record=f"customer alpha/{customer.id}") or contact is None:
        return
    w.hubspot.update(w.hubspot.ref(contact), jobtitle="Chief Buyer")
    w.advance(minutes=10)
    note = (w.shopify.customer(customer) or {}).get("note")
    w.expect(note == "VIP since 2020", "SET-5: a HubSpot edit of a to-HubSpot mapping leaves the customer alone",
             expected="VIP since 2020", found=note, record=f"customer alpha/{customer.id}")
    w.shopify.update_customer(customer, note="Gold since 2031")
    w.advance(minutes=10)
    contact = w.hubspot.contact_by_email("noted@example.com")
    title = contact.properties.get("jobtitle") if contact else None
    w.expect(title == "Gold since 2031", "SET-5: the next Shopify change reaches HubSpot", expected="Gold since 2031",
             found=title, record=f"customer alpha/{customer.id}")


@scenario("SET-5", "CNT-5", title="a to-Shopify custom mapping carries HubSpot's value and never writes HubSpot")
def to_shopify_mapping_stays_one_way(w: Sim) -> None:
    made = w.hubspot.create("contacts", email="titled@example.com", firstname="Titled", jobtitle="Head of Tea")
    w.sync.enable("contacts")
    reply = w.sync.map("contacts", "jobtitle", "note", "to_shopify")
    w.expect(reply.accepted, "SET-5: a to-Shopify contact mapping is accepted", expected=200,
             found=f"{reply.status} {reply.error}")
    w.settle()
    customer = _customer_of(w, "titled@example.com")
    note = (w.shopify.customer(customer) or {}).get("note") if customer else None
    if not w.expect(note == "Head of Tea", "SET-5: the to-Shopify mapping carries the job title to the customer",
                    expected="Head of Tea", found=note, record=f"contact {made.id}") or customer is None:
        return
    w.shopify.update_customer(customer, note="Prefers green tea")
    w.advance(minutes=10)
    contact = w.hubspot.record("contacts", made.id)
    title = contact.properties.get("jobtitle") if contact else None
    w.expect(title == "Head of Tea", "SET-5: a Shopify edit of a to-Shopify mapping leaves the contact alone",
             expected="Head of Tea", found=title, record=f"contact {made.id}")
    w.hubspot.update(made, jobtitle="Head of Coffee")
    w.advance(minutes=10)
    note = (w.shopify.customer(customer) or {}).get("note")
    w.expect(note == "Head of Coffee", "SET-5: the next HubSpot change reaches Shopify", expected="Head of Coffee",
             found=note, record=f"contact {made.id}")


# ---------------------------------------------------------------------- SET-1: one-way objects without products


@scenario("SET-1", "ORD-2", "CRT-1", title="orders and carts on, products off: no product is written anywhere")
def orders_and_carts_without_products(w: Sim) -> None:
    mug = w.shopify.create_product(title="Solo Mug", price="9.00", sku="SOLO")
    buyer = w.shopify.create_customer(email="alone@example.com", first_name="Alone")
    order = w.shopify.create_order(lines=[(mug, 2)], customer=buyer)
    checkout = w.shopify.create_checkout(lines=[(mug, 1)], email="alone@example.com")
    w.sync.enable("contacts", "orders", "carts")
    w.settle()
    w.shopify.update_product(mug, price="9.50", title="Solo Mug XL")
    w.shopify.create_order(lines=[(mug, 1)], customer=buyer)
    w.advance(minutes=10)
    found, cart = w.hubspot.order_for(order), w.hubspot.cart_for(checkout)
    w.expect(found is not None and cart is not None, "ORD-5, CRT-1: the order and the cart are synced",
             record=f"order alpha/{order.id}")
    products = [{"id": r.id, "name": r.properties.get("name")} for r in w.hubspot.records("products")]
    w.expect(not products, "SET-1: no HubSpot product while product sync is off", expected=[], found=products)


# ---------------------------------------------------------------------- ORD-5, CRT-4: ends learnt without webhooks


@scenario("ORD-5", "LAT-3", title="with every webhook lost, a deleted order is archived in HubSpot within 10 minutes",
          faults=LOSE_ALL_WEBHOOKS)
def order_deleted_without_webhooks(w: Sim) -> None:
    mug = w.shopify.create_product(title="Mug", price="8.00")
    kept = w.shopify.create_order(lines=[(mug, 1)], email="kept@example.com")
    doomed = w.shopify.create_order(lines=[(mug, 2)], email="doomed@example.com")
    w.sync.enable("orders")
    w.settle()
    if not w.expect(w.hubspot.order_for(doomed) is not None, "ORD-5: the order is in HubSpot",
                    record=f"order alpha/{doomed.id}"):
        return
    w.shopify.delete_order(doomed)
    w.advance(minutes=10)
    w.expect(w.hubspot.order_for(doomed) is None, "ORD-5: the deleted order is archived within 10 minutes",
             expected="archived", found="live", record=f"order alpha/{doomed.id}")
    w.expect(w.hubspot.order_for(kept) is not None, "ORD-5: the other order stays", record=f"order alpha/{kept.id}")


@scenario("CRT-4", "ORD-2", "LAT-3", title="with every webhook lost, a completed checkout's cart is completed and "
          "linked to its order within 10 minutes", faults=LOSE_ALL_WEBHOOKS)
def checkout_completed_without_webhooks(w: Sim) -> None:
    mug = w.shopify.create_product(title="Mug", price="8.00")
    checkout = w.shopify.create_checkout(lines=[(mug, 1)], email="quiet.buyer@example.com")
    w.shopify.create_checkout(lines=[(mug, 3)], email="still.browsing@example.com")
    w.sync.enable("orders", "carts")
    w.settle()
    if not w.expect(w.hubspot.cart_for(checkout) is not None, "CRT-1: the checkout is a cart",
                    record=f"checkout alpha/{checkout.id}"):
        return
    order = w.shopify.complete_checkout(checkout)
    w.advance(minutes=10)
    cart, found = w.hubspot.cart_for(checkout), w.hubspot.order_for(order)
    if not w.expect(cart is not None and found is not None, "CRT-4: both the cart and the order are in HubSpot "
                    "within 10 minutes", record=f"checkout alpha/{checkout.id}"):
        return
    linked = w.hubspot.associated("carts", cart.id, "orders")
    w.expect(found.id in linked, "CRT-4, ORD-2: the cart is linked to its order within 10 minutes", expected=found.id,
             found=linked, record=f"checkout alpha/{checkout.id}")
    status = (cart.properties.get("hs_external_status") or "").lower()
    w.expect(status not in ("", "open", "abandoned"), "CRT-4: the cart is no longer abandoned within 10 minutes",
             expected="completed", found=status, record=f"checkout alpha/{checkout.id}")


# -------------------------------------------------------------- CNT-3 within ORD-2, CRT-1: archived after a purchase


@scenario("CNT-3", "CRT-1", "ORD-2", title="a checkout and an order placed seconds before their buyer's contact is "
          "archived leave it archived; a checkout after the archive makes the contact again")
def purchase_just_before_archive_leaves_contact_archived(w: Sim) -> None:
    mug = w.shopify.create_product(title="Mug", price="8.00")
    w.sync.enable("contacts", "orders", "carts")
    contact = w.hubspot.create("contacts", email="leaving@example.com", firstname="Leaving")
    w.settle()
    # Bought, then the marketer archives the person two seconds later, before the sync's next tick: the
    # sync meets the purchases with the contact already archived, yet they came first and ask for nothing.
    checkout = w.shopify.create_checkout(lines=[(mug, 1)], email="leaving@example.com")
    order = w.shopify.create_order(lines=[(mug, 2)], email="leaving@example.com")
    w.moment(2)
    w.hubspot.archive(contact)
    w.advance(minutes=10)
    back = w.hubspot.contact_by_email("leaving@example.com")
    w.expect(back is None, "CNT-3: a purchase made before the archive does not bring the contact back",
             expected="archived", found=back and {"id": back.id}, record=f"contact {contact.id}")
    w.expect(w.hubspot.cart_for(checkout) is not None, "CRT-1: the checkout is a cart all the same",
             record=f"checkout alpha/{checkout.id}")
    w.expect(w.hubspot.order_for(order) is not None, "ORD-2: the order is in HubSpot all the same",
             record=f"order alpha/{order.id}")
    later = w.shopify.create_checkout(lines=[(mug, 3)], email="leaving@example.com")
    w.advance(minutes=10)
    again, cart = w.hubspot.contact_by_email("leaving@example.com"), w.hubspot.cart_for(later)
    linked = w.hubspot.associated("carts", cart.id, "contacts") if cart is not None else []
    w.expect(again is not None and again.id in linked, "CRT-1: a checkout after the archive has a contact again",
             expected="a new contact", found={"contact": again and again.id, "cart contacts": linked},
             record=f"checkout alpha/{later.id}")


# ---------------------------------------------------------------------- ORD-5: payment and fulfilment status


def _statuses(w: Sim, ref: OrderRef) -> tuple[dict, dict]:
    """(what Shopify's order says its statuses are in HubSpot, what its HubSpot order holds)."""
    state = w.world.shopify.shop(ref.shop)
    want = order_statuses(w.world.shopify.order_json(state, w.world.shopify.get_order(ref.shop, ref.id)))
    found = w.hubspot.order_for(ref)
    return want, {name: found.properties.get(name) if found else None for name in want}


def _statuses_follow(w: Sim, refs: list[OrderRef], when: str) -> None:
    for ref in refs:
        want, have = _statuses(w, ref)
        w.expect({k: (v or "").lower() for k, v in want.items()} == {k: (v or "").lower() for k, v in have.items()},
                 f"ORD-5: payment and fulfilment status {when}", expected=want, found=have,
                 record=f"order alpha/{ref.id}")


@scenario("ORD-5", "LAT-1", title="an order's payment and fulfilment status follow Shopify in HubSpot")
def order_payment_and_fulfilment_status(w: Sim) -> None:
    mug = w.shopify.create_product(title="Mug", price="8.00")
    poster = w.shopify.create_product(title="Poster", price="20.00")
    pending = w.shopify.create_order(lines=[(mug, 1), (poster, 1)], email="pays.later@example.com",
                                     financial_status="pending")
    paid = w.shopify.create_order(lines=[(poster, 2)], email="paid.first@example.com")
    w.sync.enable("orders")
    w.settle()
    _statuses_follow(w, [pending, paid], "of the new orders")
    w.shopify.pay(pending)
    w.shopify.fulfil(pending)
    w.shopify.refund(paid, "15.00")
    w.advance(minutes=10)
    _statuses_follow(w, [pending, paid], "within 10 minutes of the payment, shipment and refund")


# ---------------------------------------------------------------------- DSH-3: report periods, refunds, top products


def _when(record: dict) -> datetime:
    """A Shopify order's or checkout's date: when the shop took it (`processed_at`), else when it was made."""
    return datetime.fromisoformat((record.get("processed_at") or record["created_at"]).replace("Z", "+00:00"))


def _shopify_figures(w: Sim, start: datetime, end: datetime) -> dict:
    """The dashboard's figures for [start, end), computed from Shopify's own records (definitions in
    fakes/hubspot/reports.py): orders dated by the shop, refunds taken off, cancelled orders left out."""
    store = w.world.shopify
    state = store.shop("alpha")
    orders = [store.order_json(state, o) for o in state.orders.values()]
    live = [o for o in orders if not o.get("cancelled_at")]
    counted = [o for o in live if start <= _when(o) < end]
    revenue = sum((Decimal(o["current_total_price"]) for o in counted), Decimal(0))
    first: dict[str, datetime] = {}
    for order in live:
        email = norm_email((order.get("customer") or {}).get("email")) or norm_email(order.get("email"))
        if email:
            first[email] = min(first.get(email, _when(order)), _when(order))
    buyers = {e for o in counted if (e := norm_email((o.get("customer") or {}).get("email")) or
                                     norm_email(o.get("email")))}
    new = sum(1 for e in buyers if start <= first[e] < end)
    products: dict[str, list[Decimal]] = {}
    for order in counted:
        for line in order["line_items"]:
            quantity = Decimal(line["current_quantity"])
            if quantity > 0:
                row = products.setdefault(line["title"], [Decimal(0), Decimal(0)])
                row[0] += quantity
                row[1] += Decimal(line["price"]) * quantity - Decimal(line.get("total_discount") or 0)
    top = sorted(products.items(), key=lambda item: (-item[1][1], item[0]))[:5]
    abandoned = [store.checkout_json(state, c) for c in state.checkouts.values() if c.completed_at is None]
    abandoned = [c for c in abandoned if start <= _when(c) < end]
    return {"revenue": _cents(revenue), "order_count": len(counted),
            "average_order_value": _cents(revenue / len(counted) if counted else Decimal(0)),
            "new_vs_returning_customers": {"new": new, "returning": len(buyers) - new},
            "abandoned_carts": {"count": len(abandoned),
                                "value": _cents(sum((Decimal(c["total_price"]) for c in abandoned), Decimal(0)))},
            "top_products": [(name, str(qty.normalize()), _cents(money)) for name, (qty, money) in top]}


def _dashboard_figures(w: Sim, start: datetime, end: datetime) -> dict:
    """The same figures as the HubSpot dashboard shows them for [start, end)."""
    shown = reports.compute(w.world.hubspot, w.world.portal.portal_id, start, end).as_json()["reports"]
    return {"revenue": shown["revenue"]["value"], "order_count": shown["order_count"]["value"],
            "average_order_value": shown["average_order_value"]["value"],
            "new_vs_returning_customers": shown["new_vs_returning_customers"],
            "abandoned_carts": shown["abandoned_carts"],
            "top_products": [(p["name"], p["quantity"], p["revenue"]) for p in shown["top_products"]["results"]]}


def _cents(value: Decimal) -> str:
    return str(value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


@scenario("DSH-3", "DSH-1", title="per report period, after a refund, the dashboard's figures equal Shopify's, "
          "orders dated by the shop's order date")
def dashboard_per_period(w: Sim) -> None:
    mug = w.shopify.create_product(title="Mug", price="8.00")
    poster = w.shopify.create_product(title="Poster", price="20.00")
    tote = w.shopify.create_product(title="Tote", price="12.50")
    ada = w.shopify.create_customer(email="ada.period@example.com", first_name="Ada")
    bob = w.shopify.create_customer(email="bob.period@example.com", first_name="Bob")
    began = w.now()
    refunded = w.shopify.create_order(lines=[(mug, 2), (poster, 1)], customer=ada)
    w.shopify.create_order(lines=[(tote, 1)], customer=bob)
    w.shopify.create_checkout(lines=[(poster, 2)], email="browser.period@example.com")
    w.advance(hours=1)
    w.shopify.create_order(lines=[(tote, 3), (mug, 1)], customer=ada)
    w.shopify.cancel(w.shopify.create_order(lines=[(poster, 4)], customer=bob))
    w.shopify.create_order(lines=[(poster, 1)], email="walk.in.period@example.com")
    w.advance(hours=1)
    w.sync.enable("contacts", "products", "orders", "carts")
    w.settle()
    w.shopify.refund(refunded, "10.00")
    w.shopify.create_order(lines=[(mug, 5)], customer=bob)
    w.advance(minutes=10)
    hour = timedelta(hours=1)
    periods = {"the first hour": (began, began + hour), "the second hour": (began + hour, began + 2 * hour),
               "the time since the switch-on": (began + 2 * hour, w.now() + hour),
               "the whole history": (began, w.now() + hour)}
    for name, (start, end) in periods.items():
        want, found = _shopify_figures(w, start, end), _dashboard_figures(w, start, end)
        w.expect(found == want, f"DSH-3: the dashboard's figures for {name} equal Shopify's", expected=want,
                 found=found)


# ---------------------------------------------------------------------- PRD-4: kept line items stay the same records


def _line_item_ids(w: Sim, object_type: str, record) -> dict[str, str]:
    """Line item name -> HubSpot id of a synced order or cart."""
    return {li.properties.get("name") or "": li.id for li in w.hubspot.line_items(object_type, record.id)} \
        if record is not None else {}


@scenario("PRD-4", "ORD-5", "CRT-1", title="a line removed from an order or a checkout leaves the other line items "
          "the very same HubSpot records")
def kept_line_items_are_the_same_records(w: Sim) -> None:
    mug = w.shopify.create_product(title="Mug", price="8.00")
    cap = w.shopify.create_product(title="Cap", price="5.00")
    tote = w.shopify.create_product(title="Tote", price="12.50")
    order = w.shopify.create_order(lines=[(mug, 1), (cap, 2), (tote, 1)], email="keeps.lines@example.com")
    checkout = w.shopify.create_checkout(lines=[(mug, 2), (cap, 1), (tote, 3)], email="keeps.cart@example.com")
    w.sync.enable("orders", "carts")
    w.settle()
    before = {"orders": _line_item_ids(w, "orders", w.hubspot.order_for(order)),
              "carts": _line_item_ids(w, "carts", w.hubspot.cart_for(checkout))}
    w.shopify.remove_order_line(order, 1)
    w.shopify.remove_checkout_line(checkout, 0)
    w.advance(minutes=10)
    after = {"orders": _line_item_ids(w, "orders", w.hubspot.order_for(order)),
             "carts": _line_item_ids(w, "carts", w.hubspot.cart_for(checkout))}
    kept = {"orders": ("Mug", "Tote"), "carts": ("Cap", "Tote")}
    for object_type, names in kept.items():
        want = {name: before[object_type].get(name) for name in names}
        w.expect(after[object_type] == want, f"PRD-4: the {object_type}' other line items stay the same records",
                 expected=want, found=after[object_type],
                 record=f"order alpha/{order.id}" if object_type == "orders" else f"checkout alpha/{checkout.id}")


# ---------------------------------------------------------------------- SET-2: an initial sync of several pages


@scenario("SET-2", "CNT-1", "ORD-5", title="an initial sync of several full Shopify pages (250 records each): 510 "
          "customers and 260 orders made long before the switch-on all arrive")
def initial_sync_of_several_pages(w: Sim) -> None:
    mug = w.shopify.create_product(title="Mug", price="8.00")
    # Three pages of customers and two of orders at Shopify's largest page: a sync that stops after the first
    # page (or the second) leaves some out.
    customers = [w.shopify.create_customer(email=f"page{i}@example.com", first_name=f"Page{i}") for i in range(510)]
    orders = [w.shopify.create_order(lines=[(mug, 1 + i % 3)], customer=customers[i * 3 % 510]) for i in range(260)]
    w.advance(hours=1)  # long before the switch-on: a look-back of a few minutes does not find them
    w.sync.enable("contacts", "products", "orders")
    w.advance(minutes=10)
    names = {norm_email(c.properties.get("email")): c.properties.get("firstname")
             for c in w.hubspot.records("contacts")}
    missing = [c.email for i, c in enumerate(customers) if names.get(norm_email(c.email)) != f"Page{i}"]
    w.expect(not missing, "SET-2, CNT-1: every one of the 510 customers is a contact within 10 minutes",
             expected=0, found={"missing": len(missing), "first": missing[:5]})
    synced = {r.properties.get("hs_external_order_id") for r in w.hubspot.records("orders")}
    absent = [o.id for o in orders if str(o.id) not in synced]
    w.expect(not absent, "SET-2, ORD-5: every one of the 260 orders is in HubSpot within 10 minutes", expected=0,
             found={"missing": len(absent), "first": absent[:5]})
