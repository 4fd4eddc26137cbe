"""Malformed settings documents (issue 9): each is refused, and refusing one changes nothing.

docs/design.md#the-process-contract fixes the answer of `PUT /settings`: 200 when the settings are
accepted (and so in force), 422 with `{"error": "..."}` when refused. A document the published schema
(`harness/settings_schema.json`) does not admit cannot be in force as written, so a 200 for it is a
hard failure, and so is a 422 without a message a person can act on. Every malformed document here
would also switch contacts off and orders (or carts) on if it were applied, even in part; after the
refusals a change on each side must still propagate under the previous settings, and nothing the
previous settings kept off may start syncing. That catches an implementation that answers 422 but
applies what it could read.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from scenarios.dsl import Sim, scenario

TAGS = ("hostile",)
GONE = object()  # the key is removed


def _edited(document: dict, path: str, value: Any = GONE) -> dict:
    """A copy of `document` with the member at the dotted `path` replaced by `value` (or removed)."""
    out = copy.deepcopy(document)
    *parents, last = path.split(".")
    node: Any = out
    for part in parents:
        node = node[int(part)] if isinstance(node, list) else node[part]
    if isinstance(node, list):
        node[int(last)] = value
    elif value is GONE:
        node.pop(last, None)
    else:
        node[last] = value
    return out


def _switching(w: Sim, on: str = "orders") -> dict:
    """The settings in force with contacts switched off and `on` switched on: what no refused document may do."""
    objects = copy.deepcopy(w.sync.objects)
    objects["contacts"]["enabled"] = False
    objects[on] = {"enabled": True, "mappings": []}
    return w.sync.document(objects)


def _refused(w: Sim, requirement: str, label: str, document: Any) -> None:
    reply = w.sync.propose(document)
    w.expect(reply.status == 422 and isinstance(reply.error, str) and bool(reply.error.strip()),
             f"{requirement}: {label} is refused with 422 and an error message",
             expected='422 {"error": "<why>"}', found=f"{reply.status} {reply.error!r}")


def _still_in_force(w: Sim, email: str) -> None:
    """Changes on both sides after the refusals propagate under the previous settings (contacts on)."""
    w.shopify.create_customer(email=email, first_name="After")
    w.settle()
    w.expect(w.hubspot.contact_by_email(email) is not None,
             "SET-3: contacts still sync after the refused documents (none of them switched it off)",
             expected="a contact", found=None, record=f"contact {email}")


MALFORMED: list[tuple[str, Callable[[dict], Any]]] = [
    # missing required keys
    ("a document without objects", lambda d: _edited(d, "objects")),
    ("a document without the HubSpot access token", lambda d: _edited(d, "hubspot.access_token")),
    ("a shop entry without admin_url", lambda d: _edited(d, "shops.0.admin_url")),
    ("an object entry without enabled", lambda d: _edited(d, "objects.orders.enabled")),
    # wrong types
    ('enabled as the string "yes"', lambda d: _edited(d, "objects.orders.enabled", "yes")),
    ('portal_id as the string "101"', lambda d: _edited(d, "hubspot.portal_id", str(d["hubspot"]["portal_id"]))),
    ('poll_interval_seconds as the string "60"', lambda d: _edited(d, "limits.poll_interval_seconds", "60")),
    ("shops as an object", lambda d: _edited(d, "shops", {"alpha": d["shops"][0]})),
    ("limits as a list", lambda d: _edited(d, "limits", [])),
    ("webhooks as a string", lambda d: _edited(d, "webhooks", d["webhooks"]["shopify"])),
    ("the HubSpot app as null", lambda d: _edited(d, "hubspot.app", None)),
    # unknown names
    ("an unknown object type", lambda d: _edited(d, "objects.invoices", {"enabled": True, "mappings": []})),
    ("a misspelt shop key", lambda d: _edited(d, "shops.0.acces_token", "shpat_guess")),
    # not an object at all
    ("a list instead of an object", lambda d: [d]),
    ("a string instead of an object", lambda d: "contacts=on&orders=on"),
    ("a number instead of an object", lambda d: 42),
]


@scenario("SET-1", "SET-3", "LAT-1", title="malformed settings documents are refused with 422 and change nothing",
          tags=TAGS)
def malformed_settings_refused(w: Sim) -> None:
    w.shopify.create_customer(email="before@example.com", first_name="Before")
    mug = w.shopify.create_product(title="Settings Mug", price="9.00")
    w.sync.enable("contacts", "products")
    w.settle()
    switching = _switching(w)
    for label, make in MALFORMED:
        _refused(w, "SET-1", label, make(switching))
    _still_in_force(w, "after@example.com")
    w.shopify.update_product(mug, price="9.50")
    order = w.shopify.create_order(lines=[(mug, 1)], email="after@example.com")
    w.settle()
    orders = [r.id for r in w.hubspot.records("orders")]
    w.expect(not orders, "SET-1: orders, off in the settings in force, started syncing", expected="no order",
             found=orders, record=f"order alpha/{order.id}")


@scenario("SET-5", "SET-1", title="mappings against the direction of a one-way object, or with no valid direction, "
          "are refused and the mappings in force stay", tags=TAGS)
def one_way_mapping_directions_refused(w: Sim) -> None:
    customer = w.shopify.create_customer(email="mapped.hostile@example.com", first_name="Mapped", note="Gold")
    w.sync.enable("contacts", "orders")
    reply = w.sync.map("contacts", "jobtitle", "note", "to_hubspot")
    w.expect(reply.accepted, "SET-5: a to-HubSpot contact mapping is accepted", expected=200,
             found=f"{reply.status} {reply.error}")
    w.settle()
    switching = _switching(w, on="carts")

    def mapped(obj: str, mapping: dict) -> dict:
        return _edited(switching, f"objects.{obj}.mappings", [mapping])

    tags = {"hubspot_property": "hs_tags", "shopify_field": "tags"}
    _refused(w, "SET-5", 'an orders mapping with direction "both"', mapped("orders", {**tags, "direction": "both"}))
    _refused(w, "SET-5", 'a carts mapping with direction "to_shopify"',
             mapped("carts", {**tags, "shopify_field": "note", "direction": "to_shopify"}))
    _refused(w, "SET-5", 'a contacts mapping with direction "sideways"',
             mapped("contacts", {"hubspot_property": "jobtitle", "shopify_field": "note", "direction": "sideways"}))
    _refused(w, "SET-5", "a contacts mapping without a direction",
             mapped("contacts", {"hubspot_property": "jobtitle", "shopify_field": "note"}))
    _refused(w, "SET-5", "a mapping to a property name that is not one",
             mapped("contacts", {"hubspot_property": "Job Title", "shopify_field": "note", "direction": "both"}))
    # The mapping in force still applies, orders still sync, carts stay off.
    w.shopify.update_customer(customer, note="Platinum")
    checkout = w.shopify.create_checkout(lines=[(w.shopify.create_product(title="Map Mug", price="5.00"), 1)],
                                         email="mapped.hostile@example.com")
    w.settle()
    contact = w.hubspot.contact_by_email("mapped.hostile@example.com")
    got = contact.properties.get("jobtitle") if contact else None
    w.expect(got == "Platinum", "SET-5: the custom mapping in force before the refusals still applies",
             expected="Platinum", found=got, record=f"customer alpha/{customer.id}")
    carts = [r.id for r in w.hubspot.records("carts")]
    w.expect(not carts, "SET-1: carts, off in the settings in force, started syncing", expected="no cart",
             found=carts, record=f"checkout alpha/{checkout.id}")


@scenario("CON-1", "SET-3", title="a shop entry whose domain is not name.myshopify.com is refused and the shop "
          "connected before keeps syncing", tags=TAGS)
def bad_shop_domain_refused(w: Sim) -> None:
    w.shopify.create_customer(email="domain.before@example.com", first_name="Before")
    w.sync.enable("contacts")
    w.settle()
    switching = _switching(w)
    entry = switching["shops"][0]
    for domain in ("alpha.example.com", "https://alpha.myshopify.com", "alpha.myshopify.com.attacker.example",
                   "alpha myshopify com", ""):
        _refused(w, "CON-1", f"the shop domain {domain!r}", _edited(switching, "shops.0.domain", domain))
    second = {**entry, "shop": "beta", "domain": "beta.myshopify.co", "admin_url": entry["admin_url"]}
    _refused(w, "CON-1", "a second shop with the domain 'beta.myshopify.co'",
             _edited(switching, "shops", [entry, second]))
    _still_in_force(w, "domain.after@example.com")
