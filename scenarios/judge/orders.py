"""ORD: orders one way into HubSpot (ORD-2..5), with their line items (PRD-4) and their carts (CRT-4)."""

from __future__ import annotations

from scenarios.judge.contacts import ContactGroup, archived_since, groups_of
from scenarios.judge.record import LinesSeen
from scenarios.judge.rules import (
    ORDER_STAGE_IDS,
    expected_stage,
    money_equal,
    norm_email,
    order_statuses,
    status_word,
    whole_number,
)
from scenarios.judge.view import RunView, reporting


@reporting
def check_orders(view: RunView) -> None:
    groups = groups_of(view)
    edited_in_hubspot = {c.id: c.at for c in view.history if c.system == "hubspot" and c.object == "orders"}
    last_shopify_change = {}
    for change in view.history:
        if change.system == "shopify" and change.object == "order":
            last_shopify_change[(change.shop, int(change.id))] = change.at
    deleted = {(c.shop, int(c.id)) for c in view.history if c.object == "order" and c.op == "delete"}
    live_orders = view.records("orders")
    for shop in view.shops:
        domain = f"{shop}.myshopify.com"
        for (s, oid) in sorted(deleted):
            if s == shop and any(r.properties.get("hs_external_order_id") == str(oid) for r in live_orders):
                view.fail("ORD-5", f"deleted order {shop}/{oid} still live in HubSpot", "archived", oid,
                          f"order {shop}/{oid}")
        if shop in view.record.uninstalled:
            continue
        for data in view.orders(shop):
            order_id = data["id"]
            label = f"order {shop}/{order_id}"
            found = [r for r in live_orders if r.properties.get("hs_external_order_id") == str(order_id)
                     and r.properties.get("hs_source_store") in (domain, None, "")]
            if not found:
                view.fail("ORD-5", f"order {shop}/{order_id} not in HubSpot", {"hs_external_order_id": order_id},
                          None, label)
                continue
            if len(found) > 1:
                view.fail("ORD-4", f"order {shop}/{order_id} duplicated", 1, [r.id for r in found], label)
            record = found[0]
            edited_at = edited_in_hubspot.get(record.id)
            if edited_at is None or last_shopify_change.get((shop, order_id), edited_at) > edited_at:
                _order_fields(view, record, data, label)
            _order_lines(view, record, data, label, shop)
            kept_line_items(view, "orders", shop, order_id, record.id, label,
                            {li["title"] for li in data["line_items"] if li["current_quantity"] > 0})
            _order_associations(view, groups, record, data, label, shop)


def _order_fields(view: RunView, record, data: dict, label: str) -> None:
    props = record.properties
    for name, want in {"hs_order_name": data["name"], "hs_currency_code": data["currency"]}.items():
        if props.get(name) != want:
            view.fail("ORD-5", f"{label} {name}", want, props.get(name), label)
    if not money_equal(props.get("hs_total_price"), data["current_total_price"]):
        view.fail("ORD-5", f"{label} hs_total_price", data["current_total_price"], props.get("hs_total_price"),
                  label)
    stage = ORDER_STAGE_IDS[expected_stage(data)]
    if props.get("hs_pipeline_stage") != stage:
        view.fail("ORD-5", f"{label} pipeline stage", f"{expected_stage(data)} ({stage})",
                  props.get("hs_pipeline_stage"), label)
    for name, want in order_statuses(data).items():
        if status_word(props.get(name)) != status_word(want):
            view.fail("ORD-5", f"{label} {name}", want, props.get(name), label)


def _order_lines(view: RunView, record, data: dict, label: str, shop: str) -> None:
    lines = view.line_items("orders", record.id)
    want = sorted((li["title"], li["current_quantity"]) for li in data["line_items"] if li["current_quantity"] > 0)
    have = sorted(((li.properties.get("name") or ""), whole_number(li.properties.get("quantity"))) for li in lines)
    if want != have:
        removed = any(li["current_quantity"] == 0 for li in data["line_items"])
        view.fail("PRD-4" if removed and len(have) > len(want) else "ORD-2", f"{label} line items", want, have,
                  label)
    products = {p.properties.get("name", "").strip(): p.id for p in view.records("products")}
    # A line of a product deleted since is owed no tie: its HubSpot product was archived (PRD-2), and a later
    # product of the same name is another product (thorough run, --hypothesis-seed=20261204).
    live = {p["id"] for p in view.products(shop)}
    gone = {(li["title"] or "").strip() for li in data["line_items"] if li.get("product_id") not in live}
    if view.enabled("products"):
        for line in lines:
            if (line.properties.get("name") or "").strip() in gone:
                continue
            product_id = products.get((line.properties.get("name") or "").strip())
            if product_id and line.properties.get("hs_product_id") != product_id:
                view.fail("ORD-2", f"{label} line item {line.properties.get('name')!r} not tied to its product",
                          product_id, line.properties.get("hs_product_id"), label)


def kept_line_items(view: RunView, object_type: str, shop: str, rid: int, hubspot_id: str, label: str,
                    kept: set[str]) -> None:
    """PRD-4: "other line items stay": a line that stays keeps the very HubSpot line item it had before another
    line was removed (the run noted their ids then), not one archived and made again."""
    live = view.line_items(object_type, hubspot_id)
    for seen in view.record.lines_seen:
        if not _same_record(seen, object_type, shop, rid, hubspot_id):
            continue
        names = set(seen.names.values())
        again = [li for li in live if li.id not in seen.names and (li.properties.get("name") or "") in kept & names]
        if again:
            view.fail("PRD-4", f"{label}: the line items of the lines that stayed were archived and made again",
                      sorted(lid for lid, name in seen.names.items() if name in kept), sorted(li.id for li in again),
                      label)


def _same_record(seen: LinesSeen, object_type: str, shop: str, rid: int, hubspot_id: str) -> bool:
    return (seen.object_type, seen.shop, int(seen.id), seen.hubspot_id) == (object_type, shop, int(rid), hubspot_id)


def _order_associations(view: RunView, groups: list[ContactGroup], record, data: dict, label: str, shop: str) -> None:
    contacts = view.associated("orders", record.id, "contacts")
    email = norm_email((data.get("customer") or {}).get("email")) or norm_email(data.get("email"))
    if email and view.enabled("contacts"):
        contact = view.contact_by_email(email)
        if (contact is None or contact.id not in contacts) and not archived_since(
                groups, email, view.last_change("order", shop, int(data["id"]))):
            view.fail("ORD-2", f"{label} not associated with the contact {email}", email, contacts, label)
    elif not email and contacts:
        view.fail("ORD-3", f"{label} of a customer without email has a contact", [], contacts, label)
    checkout_id = data.get("checkout_id")
    if checkout_id and view.enabled("carts"):
        carts = [r for r in view.records("carts") if r.properties.get("hs_external_cart_id") == str(checkout_id)]
        if carts:
            linked = view.associated("carts", carts[0].id, "orders")
            if record.id not in linked:
                view.fail("CRT-4", f"cart of checkout {checkout_id} not linked to {label}", record.id, linked, label)
