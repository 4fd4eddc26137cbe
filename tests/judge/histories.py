"""Hand-written runs for the judge's tests: a few people's changes and what both fakes hold at the end."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from scenarios.judge.record import Change, HubRecord, HubState, RunRecord, ShopState

T0 = datetime(2026, 1, 1, 9, tzinfo=UTC)


def at(minute: float) -> datetime:
    return T0 + timedelta(minutes=minute)


def customer(op: str, minute: float, shop: str, cid: int, **fields) -> Change:
    """A merchant's change to a customer (`fields`: what changed; for a delete, the record's email)."""
    data = {} if op == "delete" else dict(fields)
    return Change(at(minute), "shopify", "customer", op, shop, str(cid), data, {"id": cid, **fields})


def contact(op: str, minute: float, cid: str, **props) -> Change:
    """A marketer's change to a contact."""
    data = {} if op == "archive" else dict(props)
    return Change(at(minute), "hubspot", "contacts", op, None, cid, data, dict(props))


def product(op: str, minute: float, shop: str, pid: int, title: str, price: str = "10.00") -> Change:
    data = {} if op == "delete" else {"title": title, "variants": [{"price": price}]}
    return Change(at(minute), "shopify", "product", op, shop, str(pid), data, {"id": pid, "title": title})


def order(minute: float, shop: str, oid: int, email: str) -> Change:
    return Change(at(minute), "shopify", "order", "create", shop, str(oid), {"email": email},
                  {"id": oid, "email": email})


def run(history: list[Change], *, shops: tuple[str, ...] = ("alpha",), customers: dict | None = None,
        contacts: list[dict] | None = None, products: dict | None = None, hub_products: list[dict] | None = None,
        enabled: tuple[str, ...] = ("contacts",)) -> RunRecord:
    """A run record: `customers`/`products` by shop as REST-like dicts, `contacts`/`hub_products` as properties
    (ids are made up in order)."""
    contact_records = [HubRecord(str(100 + i), dict(c)) for i, c in enumerate(contacts or [])]
    hub = HubState(records={"contacts": contact_records,
                            "products": [HubRecord(str(500 + i), dict(p)) for i, p in enumerate(hub_products or [])],
                            "companies": [], "orders": [], "carts": []},
                   emails={c.properties["email"].lower(): c.id for c in contact_records if c.properties.get("email")})
    objects = {name: {"enabled": name in enabled, "mappings": []}
               for name in ("contacts", "companies", "products", "orders", "carts")}
    objects["contacts"]["only_with_email"] = True
    return RunRecord(shops=list(shops), uninstalled=[], settings={"objects": objects}, history=history,
                     shopify={shop: ShopState(customers=(customers or {}).get(shop, []),
                                              products=(products or {}).get(shop, [])) for shop in shops},
                     hubspot=hub, calls=[], deliveries=[], quiet_at=at(60))
