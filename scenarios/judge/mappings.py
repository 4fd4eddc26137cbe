"""SET-5: each custom contact mapping carries values in its direction only, matched by email."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from scenarios.judge.indeterminacy import Valued, last_writer
from scenarios.judge.rules import blank, norm_email, read_path, same_text
from scenarios.judge.view import RunView, reporting


def steady_mappings(view: RunView, obj: str) -> list[dict]:
    """The custom mappings of `obj` in force at the end that never changed direction, nor shared their
    property or field with another mapping, in any settings accepted during the scenario: only for those
    does the history alone say what each side must hold."""
    final = view.objects(obj).get("mappings") or []
    every = [m for c in view.history if c.system == "settings" and c.op == "configure"
             for m in ((c.data.get("objects") or {}).get(obj) or {}).get("mappings") or []]
    return [m for m in final if all(other == m for other in every if other["hubspot_property"] ==
                                    m["hubspot_property"] or other["shopify_field"] == m["shopify_field"])]


@reporting
def check_mappings(view: RunView) -> None:
    """Against its direction nothing is ever written: a to-HubSpot mapping's Shopify field holds what merchants
    last gave that customer, a to-Shopify mapping's HubSpot property what marketers last gave that contact
    (nothing, for a record the sync made). Along it the later change wins (CNT-5) among the sources that flow
    to that side. A person whose record was removed or whose email changed is judged on direction alone."""
    live_shops = view.live_shops()
    for mapping in steady_mappings(view, "contacts"):
        prop, path, direction = mapping["hubspot_property"], mapping["shopify_field"], mapping["direction"]
        head = path.split(".")[0]
        merchant: dict[tuple[str, int], Any] = {}  # customer -> what merchants last set in the field
        marketer: dict[str, Any] = {}  # contact id -> what marketers last set in the property
        events: dict[str, list[tuple[datetime, str, Any]]] = {}  # email -> (at, source, value), in order
        key_of: dict[str, str | None] = {}
        unsettled: set[str | None] = set()
        for change in view.history:
            if change.system == "shopify" and change.object == "customer":
                record_key, source, shape = f"{change.shop}/{change.id}", f"shopify:{change.shop}/{change.id}", \
                    head in change.data
                value = read_path(change.record, path) if shape else None
            elif change.system == "hubspot" and change.object == "contacts":
                record_key, source, shape = change.id, "hubspot", prop in change.data
                value = change.data.get(prop)
            else:
                continue
            key = norm_email(change.record.get("email"))
            if change.op in ("delete", "archive") or key_of.get(record_key, key) != key:
                unsettled |= {key_of.get(record_key), key}
            key_of[record_key] = key
            if change.op in ("delete", "archive") or not shape or (change.op == "create" and blank(value)):
                continue
            if source == "hubspot":
                marketer[change.id] = value
            else:
                merchant[(change.shop or "", int(change.id))] = value
            events.setdefault(key or "", []).append((change.at, source, value))
        label = f"{prop} <-> {path} ({direction})"
        contacts = {norm_email(c.properties.get("email")): c for c in view.records("contacts")}
        for shop in live_shops:
            for customer in view.customers(shop):
                key = norm_email(customer.get("email"))
                if key is None:
                    continue
                have = read_path(customer, path)
                if direction == "to_hubspot":
                    want = merchant.get((shop, customer["id"]))
                    if not same_text(have, want):
                        view.fail("SET-5", f"{label} written to the customer {key} in {shop}", want, have,
                                  f"customer {shop}/{customer['id']}")
                    continue
                own = f"shopify:{shop}/{customer['id']}"
                flowing = [e for e in events.get(key, []) if direction == "both" or e[1] in ("hubspot", own)]
                _holds_latest(view, flowing, have, key in unsettled, f"{label}: customer {key} in {shop}",
                              f"customer {shop}/{customer['id']}")
        for key, contact in contacts.items():
            if key is None:
                continue
            have = contact.properties.get(prop)
            if direction == "to_shopify":
                want = marketer.get(contact.id)
                if not same_text(have, want):
                    view.fail("SET-5", f"{label} written to the contact {key}", want, have, f"contact {key}")
                continue
            _holds_latest(view, events.get(key, []), have, key in unsettled, f"{label}: contact {key}",
                          f"contact {key}")


def _holds_latest(view: RunView, events: list[tuple[datetime, str, Any]], have: Any, unsettled: bool, what: str,
                  label: str) -> None:
    """Along a mapping's direction: the side holds the latest value of the sources that flow to it."""
    fields: dict[str, Valued] = {}
    for at, source, value in events:
        last_writer(fields, "value", value, at, source)
    want = fields.get("value")
    if want is None or unsettled:
        return
    if not any(same_text(have, value) for value in (want.value, *want.also)):
        view.fail("SET-5", f"{what} does not hold the latest mapped value", want.value, have, label)
