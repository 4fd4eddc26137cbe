"""The verbs scenarios are written in: given / when / then over a simulated world.

`Sim` wraps a World and an implementation. Merchants act in Shopify (`w.shopify`), marketers in
HubSpot (`w.hubspot`), the sync is switched and mapped through `w.sync`; time moves with
`w.advance(...)` and `w.settle()`; `w.expect(...)` records a failed check with its evidence. Every
change a person makes is written to the history the oracle judges from, and every propagating
change is watched at each tick so its latency is measured without the scenario asking.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from harness import World
from harness.adapters import SettingsReply
from reports.model import Evidence, LatencySample, TimelineEvent
from scenarios.history import Change, History
from scenarios.refs import CheckoutRef, CompanyRef, CustomerRef, HubSpotRef, OrderRef, ProductRef
from scenarios.webhooks import Webhooks

OBJECTS = ("contacts", "companies", "products", "orders", "carts")
LATENCY_BOUND = timedelta(minutes=10)


class ScenarioFailure(AssertionError):
    """A scenario's checks failed; carries the evidence of each."""

    def __init__(self, evidence: list[Evidence]) -> None:
        super().__init__("; ".join(e.check for e in evidence))
        self.evidence = evidence


class ScenarioSkipped(Exception):
    """The scenario cannot run on this machine (a tool it needs is missing): reported as `skip`, with why."""


class ScenarioError(Exception):
    """The implementation could not be driven (crash, timeout): an `error`, not a `fail`."""


@dataclass
class Watch:
    """A change waiting to become visible in the other system (one latency sample when it does)."""

    object: str
    operation: str
    direction: str
    changed_at: datetime
    record: str  # what it follows, e.g. "customer alpha/71..."; a newer watch on it supersedes this one
    visible: Callable[[], bool]
    visible_at: datetime | None = None
    superseded: bool = False
    key: str | None = None  # the person or product it concerns, e.g. "contact ada@example.com"
    # Changes to one person (or product) by different records at the same instant are equally late
    # (CNT-5): a sync may carry any of them, so the first of them to show answers for all.
    ties: list[Watch] = field(default_factory=list, compare=False, repr=False)

    def sample(self) -> LatencySample:
        seconds = (self.visible_at - self.changed_at).total_seconds() if self.visible_at else None
        return LatencySample(self.object, self.operation, self.direction, _iso(self.changed_at),
                             _iso(self.visible_at) if self.visible_at else None, seconds)


@dataclass(frozen=True)
class LinesSeen:
    """The line items a synced order or cart had in HubSpot just before a merchant or shopper removed a line."""

    object_type: str  # orders or carts
    shop: str
    id: int  # the Shopify order or checkout
    hubspot_id: str
    names: dict[str, str]  # line item id -> name


def _iso(instant: datetime) -> str:
    return instant.isoformat().replace("+00:00", "Z")


def norm_email(email: str | None) -> str | None:
    """Match key of an email: trimmed, lower-case."""
    if email is None:
        return None
    key = email.strip().lower()
    return key or None


def money_equal(a: Any, b: Any) -> bool:
    """Whether two money values are the same amount ("10" == "10.00")."""
    try:
        return Decimal(str(a)) == Decimal(str(b))
    except Exception:
        return a == b


class Sync:
    """The sync's settings as a person edits them in the app: switches, mappings, delete."""

    def __init__(self, sim: Sim) -> None:
        self.sim = sim
        self.objects: dict[str, dict | None] = {name: {"enabled": False, "mappings": []} for name in OBJECTS}
        self.objects["contacts"]["only_with_email"] = True
        self.poll_interval = 60.0
        self.last_reply = None

    def enable(self, *names: str) -> Sync:
        """Switch objects on (an initial sync follows, SET-2)."""
        for name in names or OBJECTS:
            entry = self.objects.get(name) or {"enabled": False, "mappings": []}
            entry["enabled"] = True
            self.objects[name] = entry
        return self.apply()

    def disable(self, *names: str) -> Sync:
        """Switch objects off (SET-3)."""
        for name in names:
            if self.objects.get(name):
                self.objects[name]["enabled"] = False
        return self.apply()

    def delete(self, *names: str) -> Sync:
        """Delete the sync of these objects: their settings go (SET-4)."""
        for name in names:
            self.objects[name] = None
        return self.apply()

    def email_only(self, on: bool) -> Sync:
        """The contact limit "sync only contacts with an email address" (SET-6)."""
        self.objects["contacts"]["only_with_email"] = on
        return self.apply()

    def map(self, obj: str, hubspot_property: str, shopify_field: str, direction: str = "both") -> Any:
        """Add a custom field mapping; returns the settings reply (refused below Ops Hub Starter, CON-4)."""
        proposed = {k: (dict(v, mappings=list(v["mappings"])) if v else None) for k, v in self.objects.items()}
        proposed[obj]["mappings"].append({"hubspot_property": hubspot_property, "shopify_field": shopify_field,
                                          "direction": direction})
        reply = self._push(proposed)
        if reply.accepted:
            self.objects = proposed
        return reply

    def apply(self) -> Sync:
        """Send the current settings; a refusal is a failed check of the scenario."""
        reply = self._push(self.objects)
        if not reply.accepted:
            self.sim.fail("settings refused", expected="200", found=f"{reply.status} {reply.error}")
        return self

    def propose(self, document: Any, *, kind: str = "malformed settings") -> SettingsReply:
        """PUT a settings document exactly as given, valid or not; the reply. Nothing the harness believes
        in force changes: a refusal must leave the last accepted settings in force (and an acceptance of
        a malformed document leaves nobody knowing what is). Counted as a hostile input of `kind`."""
        reply = self.sim.world.configure(document)
        self.last_reply = reply
        self.sim.tried(kind, refused=reply.status == 422)
        self.sim.history.add(Change(self.sim.now(), "settings", "settings", "refused" if reply.status == 422
                                    else f"answered-{reply.status}", None, kind, {"error": reply.error}))
        return reply

    def document(self, objects: dict | None = None) -> dict:
        """The settings document these switches make."""
        w = self.sim.world
        return w.settings(objects=objects if objects is not None else self.objects, poll_interval=self.poll_interval,
                          validate=False)

    def _push(self, objects: dict):
        document = self.document(objects)
        reply = self.sim.world.configure(document)
        self.last_reply = reply
        if reply.accepted:
            self.sim.history.add(Change(self.sim.now(), "settings", "settings", "configure", None, "",
                                        {"objects": _copy(objects)}))
        return reply

    def status(self):
        """What the implementation shows its user (`GET /status`): a SyncStatus, None when it serves none."""
        return self.sim.world.implementation.status() if self.sim.world.implementation else None

    def enabled(self, name: str) -> bool:
        """Whether an object's sync is on right now."""
        entry = self.objects.get(name)
        return bool(entry and entry["enabled"])


def _copy(value: Any) -> Any:
    import copy
    return copy.deepcopy(value)


class Merchant:
    """A shop owner editing in the Shopify admin (through the fake's store, no API quota)."""

    def __init__(self, sim: Sim) -> None:
        self.sim = sim

    @property
    def store(self):
        """The fake Shopify's store (read each time: a restarted fake has a new one)."""
        return self.sim.world.shopify

    def _record(self, obj: str, op: str, shop: str, rid: int | str, data: dict, record: dict | None = None) -> None:
        self.sim.history.add(Change(self.sim.now(), "shopify", obj, op, shop, str(rid), data,
                                    record if record is not None else data))

    def _customers_made_by(self, shop: str, action):
        """Run a shop action and record any customer it created on the way (an order's or a checkout's new
        buyer)."""
        state = self.store.shop(shop)
        before = set(state.customers)
        result = action()
        for customer_id in sorted(set(state.customers) - before):
            customer = state.customers[customer_id]
            self._record("customer", "create", shop, customer_id, customer.rest(state.info))
        return result

    # customers
    def create_customer(self, shop: str = "alpha", **fields: Any) -> CustomerRef:
        """A customer signs up or is added in the admin."""
        customer = self.store.create_customer(shop, fields)
        data = customer.rest(self.store.shop(shop).info)
        self._record("customer", "create", shop, customer.id, data)
        self.sim.watch_customer(shop, customer.id, "create")
        return CustomerRef(shop, customer.id, customer.email)

    def update_customer(self, ref: CustomerRef, **fields: Any) -> None:
        """The merchant edits a customer."""
        customer = self.store.update_customer(ref.shop, ref.id, fields)
        whole = customer.rest(self.store.shop(ref.shop).info)
        changed = {k: whole.get(k) for k in fields}
        if "addresses" in fields:
            changed["default_address"] = whole.get("default_address")
        self._record("customer", "update", ref.shop, ref.id, changed, whole)
        self.sim.watch_customer(ref.shop, ref.id, "update")

    def delete_customer(self, ref: CustomerRef) -> None:
        """The merchant deletes a customer (CNT-4: the contact stays)."""
        self.store.delete_customer(ref.shop, ref.id)
        self._record("customer", "delete", ref.shop, ref.id, {"email": ref.email})
        self.sim.drop_pending_watches(f"{ref.shop}/{ref.id}")

    def customer(self, ref: CustomerRef) -> dict | None:
        """The customer as Shopify has it now, or None."""
        found = self.store.shop(ref.shop).customers.get(ref.id)
        return found.rest(self.store.shop(ref.shop).info) if found else None

    def customers(self, shop: str = "alpha") -> list[dict]:
        """Every customer of a shop."""
        state = self.store.shop(shop)
        return [c.rest(state.info) for _, c in sorted(state.customers.items())]

    # products
    def create_product(self, shop: str = "alpha", title: str = "Product", price: str = "10.00", sku: str | None = None,
                       variants: list[dict] | None = None, **fields: Any) -> ProductRef:
        """A product is added in the admin (one variant unless `variants` is given)."""
        payload = {"title": title, **fields, "variants": variants or [{"price": price, "sku": sku}]}
        if variants and len(variants) > 1 and "options" not in payload:
            payload["options"] = [{"name": "Size"}]
        product = self.store.create_product(shop, payload)
        self._record("product", "create", shop, product.id, product.rest(self.store.shop(shop).info))
        self.sim.watch_product(shop, product.id, "create")
        return ProductRef(shop, product.id, product.title, tuple(v.id for v in product.variants))

    def update_product(self, ref: ProductRef, **fields: Any) -> None:
        """The merchant edits a product (title, body_html, or `price`/`sku` of its first variant)."""
        first = {k: fields.pop(k) for k in ("price", "sku") if k in fields}
        if first:
            self.store.update_variant(ref.shop, ref.variant_ids[0], first)
        if fields:
            self.store.update_product(ref.shop, ref.id, fields)
        product = self.store.get_product(ref.shop, ref.id)
        whole = product.rest(self.store.shop(ref.shop).info)
        changed = {k: whole.get(k) for k in fields}
        if first:
            changed["variants"] = whole["variants"][:1]
        self._record("product", "update", ref.shop, ref.id, changed, whole)
        self.sim.watch_product(ref.shop, ref.id, "update")

    def delete_product(self, ref: ProductRef) -> None:
        """The merchant deletes a product (PRD-2: its HubSpot product is archived)."""
        product = self.store.get_product(ref.shop, ref.id)
        self.store.delete_product(ref.shop, ref.id)
        self._record("product", "delete", ref.shop, ref.id, {"title": product.title})
        self.sim.watch_product_gone(ref.shop, product.title, ref.id, product.created_at)

    def products(self, shop: str = "alpha") -> list[dict]:
        """Every product of a shop."""
        state = self.store.shop(shop)
        return [p.rest(state.info) for _, p in sorted(state.products.items())]

    # orders
    def create_order(self, shop: str = "alpha", lines: list[tuple[ProductRef, int]] | None = None,
                     customer: CustomerRef | None = None, email: str | None = None, **fields: Any) -> OrderRef:
        """A shopper places an order."""
        payload: dict = {"line_items": [{"variant_id": p.variant_ids[0], "quantity": q} for p, q in lines or []],
                         **fields}
        if customer is not None:
            payload["customer"] = {"id": customer.id}
        if email is not None:
            payload["email"] = email
        order = self._customers_made_by(shop, lambda: self.store.create_order(shop, payload))
        self._order_changed(shop, order.id, "create")
        return OrderRef(shop, order.id, tuple(li.id for li in order.line_items))

    def _order_changed(self, shop: str, order_id: int, op: str) -> None:
        state = self.store.shop(shop)
        data = self.store.order_json(state, self.store.get_order(shop, order_id))
        self._record("order", op, shop, order_id, data)
        self.sim.watch_order(shop, order_id, op)

    def pay(self, ref: OrderRef) -> None:
        """Payment is captured."""
        self.store.mark_order_paid(ref.shop, ref.id)
        self._order_changed(ref.shop, ref.id, "update")

    def fulfil(self, ref: OrderRef, tracking: str = "1Z999", delivered: bool = False) -> None:
        """The order ships (and optionally is delivered)."""
        fulfillment = self.store.fulfil_order(ref.shop, ref.id, tracking_number=tracking)
        if delivered:
            self.store.set_shipment_status(ref.shop, ref.id, fulfillment.id, "delivered")
        self._order_changed(ref.shop, ref.id, "update")

    def cancel(self, ref: OrderRef, reason: str = "customer") -> None:
        """The order is cancelled."""
        self.store.cancel_order(ref.shop, ref.id, reason)
        self._order_changed(ref.shop, ref.id, "update")

    def refund(self, ref: OrderRef, amount: str | None = None) -> None:
        """Money is refunded."""
        self.store.refund_order(ref.shop, ref.id, amount)
        self._order_changed(ref.shop, ref.id, "update")

    def remove_order_line(self, ref: OrderRef, index: int) -> None:
        """An order edit removes one line (PRD-4)."""
        self._line_items_before_removal("orders", ref.shop, ref.id, self.sim.hubspot.order_for(ref))
        self.store.remove_order_line(ref.shop, ref.id, ref.line_ids[index])
        self._order_changed(ref.shop, ref.id, "update")

    def _line_items_before_removal(self, object_type: str, shop: str, rid: int, found: Any) -> None:
        """PRD-4: the HubSpot line items of an order or cart (`found`) in sync with Shopify just before a line is
        removed. The other lines must keep these very records; the oracle compares their ids at the end."""
        if found is None:
            return
        state = self.store.shop(shop)
        if object_type == "orders":
            want = sorted((li.title, li.live_quantity) for li in state.orders[rid].line_items if li.live_quantity > 0)
        else:
            want = sorted((li.title, li.quantity) for li in state.checkouts[rid].line_items if li.quantity > 0)
        items = self.sim.hubspot.line_items(object_type, found.id)
        have = sorted(((li.properties.get("name") or ""), _quantity(li.properties.get("quantity"))) for li in items)
        if want == have:  # in sync: what the sync must keep is known
            self.sim.lines_seen.append(LinesSeen(object_type, shop, rid, found.id,
                                                 {li.id: li.properties.get("name") or "" for li in items}))

    def delete_order(self, ref: OrderRef) -> None:
        """The order is deleted (ORD-5: archived in HubSpot)."""
        self.store.delete_order(ref.shop, ref.id)
        self._record("order", "delete", ref.shop, ref.id, {})
        self.sim.watch_order_gone(ref.shop, ref.id)

    # checkouts
    def create_checkout(self, shop: str = "alpha", lines: list[tuple[ProductRef, int]] | None = None,
                        email: str | None = None) -> CheckoutRef:
        """A shopper starts a checkout and leaves (an abandoned checkout)."""
        payload: dict = {"line_items": [{"variant_id": p.variant_ids[0], "quantity": q} for p, q in lines or []]}
        if email is not None:
            payload["email"] = email
        # An email given at checkout makes a customer profile, as at Shopify (docs/vendor-behaviour.md §1.6).
        checkout = self._customers_made_by(shop, lambda: self.store.create_checkout(shop, payload))
        self._checkout_changed(shop, checkout.id, "create")
        return CheckoutRef(shop, checkout.id, tuple(li.id for li in checkout.line_items))

    def _checkout_changed(self, shop: str, checkout_id: int, op: str) -> None:
        state = self.store.shop(shop)
        data = self.store.checkout_json(state, self.store.get_checkout(shop, checkout_id))
        self._record("checkout", op, shop, checkout_id, data)
        self.sim.watch_cart(shop, checkout_id, op)

    def remove_checkout_line(self, ref: CheckoutRef, index: int) -> None:
        """The shopper removes a product from the checkout (PRD-4)."""
        self._line_items_before_removal("carts", ref.shop, ref.id, self.sim.hubspot.cart_for(ref))
        self.store.update_checkout(ref.shop, ref.id, remove_line_item_id=ref.line_ids[index])
        self._checkout_changed(ref.shop, ref.id, "update")

    def complete_checkout(self, ref: CheckoutRef) -> OrderRef:
        """The shopper pays: the checkout becomes an order (CRT-4)."""
        order = self._customers_made_by(ref.shop, lambda: self.store.complete_checkout(ref.shop, ref.id))
        self._checkout_changed(ref.shop, ref.id, "complete")
        self._order_changed(ref.shop, order.id, "create")
        return OrderRef(ref.shop, order.id, tuple(li.id for li in order.line_items))

    def delete_checkout(self, ref: CheckoutRef) -> None:
        """The checkout expires."""
        self.store.delete_checkout(ref.shop, ref.id)
        self._record("checkout", "delete", ref.shop, ref.id, {})

    # companies
    def create_company(self, shop: str = "alpha", name: str = "Company", website: str | None = None) -> CompanyRef:
        """A B2B company is added in the admin."""
        company = self.store.create_company(shop, name, website=website)
        self._company_changed(shop, company.id, "create")
        return CompanyRef(shop, company.id, company.name)

    def _company_changed(self, shop: str, company_id: int, op: str) -> None:
        book = self.store.company_book(shop)
        company = book.get(company_id)
        data = {"name": company.name, "domain": book.domain_of(company)} if company else {}
        self._record("company", op, shop, company_id, data)
        if company is not None:
            self.sim.watch_company(shop, company_id, op)

    def update_company(self, ref: CompanyRef, **fields: Any) -> None:
        """The merchant edits a company (name, website)."""
        self.store.update_company(ref.shop, ref.id, **fields)
        self._company_changed(ref.shop, ref.id, "update")

    def delete_company(self, ref: CompanyRef) -> None:
        """The merchant deletes a company (CMP-4: HubSpot keeps it)."""
        self.store.delete_company(ref.shop, ref.id)
        self._record("company", "delete", ref.shop, ref.id, {"name": ref.name})

    def companies(self, shop: str = "alpha") -> list[dict]:
        """Every company of a shop with its domain."""
        book = self.store.company_book(shop)
        return [{"id": c.id, "name": c.name, "domain": book.domain_of(c)} for c in book.list()]

    def uninstall(self, shop: str) -> None:
        """The merchant uninstalls the app (CON-3)."""
        from harness.tenants import SHOPIFY_APP
        self.store.uninstall(shop, SHOPIFY_APP)
        self.sim.history.add(Change(self.sim.now(), "shopify", "shop", "uninstall", shop, shop, {}))
        self.sim.uninstalled.add(shop)


class Marketer:
    """A marketer editing in the HubSpot UI (through the fake's store)."""

    def __init__(self, sim: Sim) -> None:
        self.sim = sim

    @property
    def store(self):
        """The fake HubSpot's store (read each time: a restarted fake has a new one)."""
        return self.sim.world.hubspot

    @property
    def portal_id(self) -> int:
        return self.sim.world.portal.portal_id

    def _record(self, object_type: str, op: str, rid: str, properties: dict, record: dict | None = None) -> None:
        self.sim.history.add(Change(self.sim.now(), "hubspot", object_type, op, None, rid, dict(properties),
                                    dict(record if record is not None else properties)))

    def create(self, object_type: str, **properties: Any) -> HubSpotRef:
        """Create a record in the UI."""
        values = {k: (None if v is None else str(v)) for k, v in properties.items()}
        record = self.store.marketer_create(self.portal_id, object_type, values)
        self._record(object_type, "create", record.id, record.properties)
        self.sim.watch_hubspot(object_type, record.id, "create")
        return HubSpotRef(object_type, record.id, dict(record.properties))

    def update(self, ref: HubSpotRef, **properties: Any) -> None:
        """Edit a record in the UI."""
        values = {k: (None if v is None else str(v)) for k, v in properties.items()}
        record = self.store.marketer_update(self.portal_id, ref.object_type, ref.id, values)
        self._record(ref.object_type, "update", ref.id, values, record.properties)
        self.sim.watch_hubspot(ref.object_type, ref.id, "update")

    def archive(self, ref: HubSpotRef) -> None:
        """Delete (archive) a record in the UI."""
        record = self.store.record(self.portal_id, ref.object_type, ref.id)
        self.store.marketer_archive(self.portal_id, ref.object_type, ref.id)
        self._record(ref.object_type, "archive", ref.id, dict(record.properties) if record else {})
        self.sim.drop_pending_watches(ref.id)

    def ref(self, record) -> HubSpotRef:
        """A handle on a record found in HubSpot (e.g. the contact the sync made)."""
        return HubSpotRef(record.object_type, record.id, dict(record.properties))

    def records(self, object_type: str, archived: bool | None = False) -> list:
        """Records of a type (live by default)."""
        return self.store.records(self.portal_id, object_type, archived=archived)

    def set_write_rules(self, rules: dict | None) -> None:
        """The portal's admin sets (or, with None, clears) the rules HubSpot holds 2026-09 API writes to
        (fakes/hubspot/write_rules.py): required create-form fields, conditional requirements, associations."""
        from fakes.hubspot.write_rules import parse
        self.store.portal(self.portal_id).write_rules = parse(rules) if rules else None

    def contact_by_email(self, email: str):
        """The live contact with this email."""
        return self.store.contact_by_email(self.portal_id, email)

    def record(self, object_type: str, record_id: str):
        """A record by id, archived or not."""
        return self.store.record(self.portal_id, object_type, record_id)

    def associated(self, object_type: str, record_id: str, to_type: str) -> list[str]:
        """Ids of live records of `to_type` associated with a record."""
        return [tid for ttype, tid, _ in self.store.associations_of(self.portal_id, object_type, record_id, to_type)]

    def order_for(self, ref: OrderRef):
        """The live HubSpot order synced from a Shopify order."""
        return self._external("orders", "hs_external_order_id", ref.id, ref.shop)

    def cart_for(self, ref: CheckoutRef):
        """The live HubSpot cart synced from a Shopify checkout."""
        return self._external("carts", "hs_external_cart_id", ref.id, ref.shop)

    def _external(self, object_type: str, prop: str, rid: int, shop: str, archived: bool | None = False):
        domain = f"{shop}.myshopify.com"
        found = [r for r in self.records(object_type, archived) if r.properties.get(prop) == str(rid)
                 and r.properties.get("hs_source_store") in (domain, None, "")]
        return found[0] if found else None

    def line_items(self, object_type: str, record_id: str) -> list:
        """The live line items of an order or cart."""
        ids = self.associated(object_type, record_id, "line_items")
        return [r for r in (self.record("line_items", i) for i in ids) if r is not None and not r.archived]


@dataclass
class SimOptions:
    """How a scenario's world is set up."""

    shops: tuple[str, ...] = ("alpha",)
    tier: str = "professional"
    ops_hub: str = "starter"
    seed: int = 0
    currency: str = "USD"  # every shop's currency (KWD, BHD...: money with three decimals)


class Sim:
    """The world of one scenario, with the verbs to act in it and the checks to judge it."""

    def __init__(self, world: World, implementation, options: SimOptions) -> None:
        self.world = world
        self.options = options
        self.history = History()
        self.failures: list[Evidence] = []
        self.watches: list[Watch] = []
        # Shopify products whose name's HubSpot product a namesake's delete archived (PRD-2): their changes are
        # not owed to HubSpot any more (PRD-1 matches them to an archived product).
        self.orphaned_products: set[tuple[str, int]] = set()
        self.uninstalled: set[str] = set()
        self.crashes = 0
        self.fake_restarts = 0
        self.notes: list[str] = []
        self.attachments: list[dict] = []  # evidence files for the report (a screenshot), see attach()
        self.hostile: dict[str, int] = {}  # odd and hostile inputs tried, by kind (the report's reliability)
        self.refused = 0  # of those, how many the implementation refused
        self.lines_seen: list[LinesSeen] = []  # line items of orders and carts just before a line was removed
        world.open_portal(tier=options.tier, ops_hub=options.ops_hub)
        for shop in options.shops:
            world.install_shop(shop, currency=options.currency)
        self.health = world.attach(implementation)
        self.shopify = Merchant(self)
        self.hubspot = Marketer(self)
        self.sync = Sync(self)
        self.webhooks = Webhooks(self)
        world.on_tick.append(self._check_watches)

    # ------------------------------------------------------------------ time

    def now(self) -> datetime:
        """Simulated now."""
        return self.world.now()

    def advance(self, *, minutes: float = 0, seconds: float = 0, hours: float = 0) -> None:
        """Let simulated time pass, tick by tick."""
        self.world.advance(timedelta(hours=hours, minutes=minutes, seconds=seconds))

    def settle(self) -> timedelta:
        """Advance until neither the fakes nor the implementation have work left."""
        return self.world.advance_until_quiet()

    def crash_and_restart(self) -> None:
        """Kill the implementation and start it on the same state (it must lose and duplicate nothing)."""
        self.world.crash_and_restart()
        self.crashes += 1

    def crash_inside_tick(self, after_calls: int, *, writes_only: bool = False) -> None:
        """Kill the implementation just after its `after_calls`-th vendor call (or write) from now, inside a
        tick or a webhook handler, possibly in the middle of a batch, then start it again on the same state."""
        self.world.crash_inside_tick(after_calls, writes_only=writes_only)
        self.sync.apply()

    def restart_fakes_from_snapshot(self) -> None:
        """Stop both vendors and start them again from a snapshot of their state, behind the same
        addresses (see `World.restore`); the implementation is not told, and must lose and duplicate nothing."""
        self.world.restart_fakes_from_snapshot()
        self.fake_restarts += 1

    # ------------------------------------------------------------------ checks

    def fail(self, check: str, *, expected: Any, found: Any, calls: list[dict] | None = None,
             record: str | None = None) -> None:
        """Record a failed check (the scenario goes on; it fails at the end)."""
        self.failures.append(Evidence(check, expected, found, calls or [], self.timeline(record), record))

    def expect(self, condition: bool, check: str, *, expected: Any = True, found: Any = False,
               calls: list[dict] | None = None, record: str | None = None) -> bool:
        """Check a condition; on failure record it with its evidence."""
        if not condition:
            self.fail(check, expected=expected, found=found, calls=calls, record=record)
        return condition

    def note(self, text: str) -> None:
        """Record an observation for a MAY requirement (the report shows what the implementation did)."""
        self.notes.append(text)

    def attach(self, kind: str, title: str, media_type: str, content: bytes) -> None:
        """Keep a file as evidence for the report (base64 in conformance.json, inline in the HTML report)."""
        self.attachments.append({"kind": kind, "title": title, "media_type": media_type,
                                 "data": base64.b64encode(content).decode("ascii")})

    def tried(self, kind: str, *, refused: bool = False) -> None:
        """Count one odd or hostile input of `kind` for the reliability section, and whether it was refused."""
        self.hostile[kind] = self.hostile.get(kind, 0) + 1
        self.refused += refused

    def timeline(self, record: str | None) -> list[TimelineEvent]:
        """The two-lane story of a record: people's changes, the implementation's calls about it, faults."""
        events: list[TimelineEvent] = []
        token = record.split("/")[-1] if record else None
        for change in self.history.changes:
            if token is None or change.id == token or token in str(change.data.get("email", "")):
                lane = change.system if change.system in ("shopify", "hubspot") else "harness"
                events.append(TimelineEvent(_iso(change.at), lane, "change",
                                            f"{change.op} {change.object} {change.shop or ''}/{change.id}".strip()))
        for entry in self.world.audit.entries():
            if entry.method == "GET" and entry.fault is None:
                continue
            if token is None or token in entry.path or entry.fault:
                kind = "fault" if entry.fault else "api"
                events.append(TimelineEvent(_iso(entry.at), entry.fake, kind,
                                            f"{entry.method} {entry.path} -> {entry.status}"
                                            + (f" [{entry.fault}]" if entry.fault else "")))
        for delivery in self.world.stats.deliveries[-200:]:
            marks = "".join(f" [{m}]" for m in (delivery.fault, delivery.injected) if m)
            events.append(TimelineEvent(_iso(delivery.at), "harness", "webhook",
                                        f"{delivery.source} {delivery.topic} -> {delivery.status}{marks}"))
        return sorted(events, key=lambda e: e.at)[-120:]

    def calls(self, where: Callable) -> list[dict]:
        """Audit-log entries matching `where`, as JSON (at most 20, the proof of a violation)."""
        return [e.as_json() for e in self.world.audit.entries(where)][:20]

    # ------------------------------------------------------------------ latency watches

    def _watch(self, obj: str, op: str, direction: str, record: str, visible: Callable[[], bool],
               key: str | None = None) -> None:
        self._supersede(record)
        made = Watch(obj, op, direction, self.now(), record, visible, key=key)
        if key is not None:
            self._overtake(key, direction)
            tied = [w for w in self.watches if w.key == key and w.changed_at == made.changed_at and w.record != record
                    and not w.superseded and w.visible_at is None]
            for other in tied:
                other.ties.append(made)
                made.ties.append(other)
        self.watches.append(made)

    def _supersede(self, record: str) -> None:
        """A record's changes not yet visible are overtaken by a newer one."""
        for watch in self.watches:
            if watch.record == record and watch.visible_at is None:
                watch.superseded = True

    def _overtake(self, key: str, direction: str) -> None:
        """A later change to the same person (or product) on the other side wins over the changes not yet visible
        there (CNT-5: the later change wins), so their values may never show. One already past the bound when
        overtaken was late all the same and stays."""
        now = self.now()
        for watch in self.watches:
            if watch.key == key and watch.direction != direction and watch.visible_at is None \
                    and watch.changed_at < now and now - watch.changed_at < LATENCY_BOUND:
                watch.superseded = True

    def drop_pending_watches(self, record_id: str) -> None:
        """A record deleted or archived: its changes not yet visible, and still within the bound, need not arrive
        (`record_id`: a HubSpot id, or "shop/id" of a Shopify record)."""
        for watch in self.watches:
            if watch.visible_at is None and watch.record.endswith(f" {record_id}") \
                    and self.now() - watch.changed_at < LATENCY_BOUND:
                watch.superseded = True

    def excuse(self, record: str) -> None:
        """A record's changes not yet visible are not owed within the bound (e.g. "customer alpha/7": a rule of
        the portal refuses its write); a later watch on it starts the clock again."""
        for watch in self.watches:
            if watch.record == record and watch.visible_at is None:
                watch.superseded = True

    def _check_watches(self, now: datetime) -> None:
        for watch in self.watches:
            if watch.visible_at is None and not watch.superseded:
                try:
                    seen = watch.visible()
                except Exception:
                    seen = False
                if seen:
                    watch.visible_at = now
                    for other in watch.ties:
                        if other.visible_at is None:
                            other.visible_at = now

    def latency_samples(self) -> list[LatencySample]:
        """One sample per watched change that was not superseded."""
        return [w.sample() for w in self.watches if not w.superseded]

    def _live(self, obj: str, shop: str | None = None) -> bool:
        return self.sync.enabled(obj) and (shop is None or shop not in self.uninstalled)

    def watch_customer(self, shop: str, customer_id: int, op: str) -> None:
        customer = self.world.shopify.shop(shop).customers.get(customer_id)
        if customer is None or not self._live("contacts", shop):
            return
        key = norm_email(customer.email)
        if key is None:
            return
        first, last = customer.first_name, customer.last_name

        def visible() -> bool:
            contact = self.hubspot.contact_by_email(key)
            return contact is not None and _same(contact.properties.get("firstname"), first) and \
                _same(contact.properties.get("lastname"), last)
        self._watch("contacts", op, "to_hubspot", f"customer {shop}/{customer_id}", visible, key=f"contact {key}")

    def watch_product(self, shop: str, product_id: int, op: str) -> None:
        product = self.world.shopify.shop(shop).products.get(product_id)
        if product is None or not self._live("products", shop) or (shop, product_id) in self.orphaned_products:
            return
        title, price = product.title.strip(), product.variants[0].price

        def visible() -> bool:
            return any(r.properties.get("name", "").strip() == title and money_equal(r.properties.get("price"), price)
                       for r in self.hubspot.records("products"))
        self._watch("products", op, "to_hubspot", f"product {shop}/{product_id}", visible, key=f"product {title}")

    def watch_product_gone(self, shop: str, title: str, product_id: int, made: datetime) -> None:
        if not self._live("products", shop):
            return
        # The HubSpot products of that name now are the ones to see archived: the name itself may be taken
        # again at once by a new product (and its HubSpot product then lives on under it).
        name = title.strip()
        shown = {r.id for r in self.hubspot.records("products") if r.properties.get("name", "").strip() == name}
        self._orphan_namesakes(name)
        if not shown:  # deleted before the sync showed it in HubSpot: there is nothing to see go
            self._supersede(f"product {shop}/{product_id}")
            return
        if self.now() - made < LATENCY_BOUND and self._name_kept(name, shown):
            # Made and deleted within the bound while another product keeps its name: a sync may never have
            # seen it, so its delete need not show (the oracle takes either outcome).
            self._supersede(f"product {shop}/{product_id}")
            return

        def visible() -> bool:
            return not any(r.id in shown for r in self.hubspot.records("products"))
        self._watch("products", "delete", "to_hubspot", f"product {shop}/{product_id}", visible)

    def _orphan_namesakes(self, name: str) -> None:
        """A delete archives the HubSpot product its namesakes in other shops share (PRD-2): their changes not yet
        visible need not arrive, and none after is owed. Where the oracle takes either outcome (the deleted product
        made within the bound, or a namesake that may have been seen only after the archive and then has a HubSpot
        product of its own), it judges the value at the end."""
        for shop in self.options.shops:
            for product in self.world.shopify.shop(shop).products.values():
                if product.title.strip() == name:
                    self.orphaned_products.add((shop, product.id))
                    self.drop_pending_watches(f"{shop}/{product.id}")

    def _had_customers(self, key: str) -> bool:
        """Whether a merchant ever made or changed a customer with this email."""
        return any(c.system == "shopify" and c.object == "customer" and norm_email(c.record.get("email")) == key
                   for c in self.history.changes)

    def _name_kept(self, name: str, shown: set[str]) -> bool:
        """Whether a product name lives on: in a shop's product, or in a HubSpot product a marketer made."""
        return any(p.title.strip() == name for shop in self.options.shops if shop not in self.uninstalled
                   for p in self.world.shopify.shop(shop).products.values()) or \
            any(c.system == "hubspot" and c.object == "products" and c.op == "create" and c.id in shown
                for c in self.history.changes)

    def watch_order(self, shop: str, order_id: int, op: str) -> None:
        if not self._live("orders", shop):
            return
        order = self.world.shopify.get_order(shop, order_id)
        total = self.world.shopify.order_json(self.world.shopify.shop(shop), order)["current_total_price"]
        live_lines = sum(1 for li in order.line_items if li.live_quantity > 0)
        ref = OrderRef(shop, order_id, ())

        def visible() -> bool:
            found = self.hubspot.order_for(ref)
            return found is not None and money_equal(found.properties.get("hs_total_price"), total) and \
                len(self.hubspot.line_items("orders", found.id)) == live_lines
        self._watch("orders", op, "to_hubspot", f"order {shop}/{order_id}", visible)

    def watch_order_gone(self, shop: str, order_id: int) -> None:
        if not self._live("orders", shop):
            return
        ref = OrderRef(shop, order_id, ())
        self._watch("orders", "delete", "to_hubspot", f"order {shop}/{order_id}",
                    lambda: self.hubspot.order_for(ref) is None)

    def watch_cart(self, shop: str, checkout_id: int, op: str) -> None:
        if not self._live("carts", shop):
            return
        checkout = self.world.shopify.get_checkout(shop, checkout_id)
        lines = len(checkout.line_items)
        ref = CheckoutRef(shop, checkout_id, ())

        def visible() -> bool:
            found = self.hubspot.cart_for(ref)
            return found is not None and len(self.hubspot.line_items("carts", found.id)) == lines
        self._watch("carts", op, "to_hubspot", f"checkout {shop}/{checkout_id}", visible)

    def watch_company(self, shop: str, company_id: int, op: str) -> None:
        if not self._live("companies", shop):
            return
        company = self.world.shopify.company_book(shop).get(company_id)
        name = company.name.strip().lower()

        def visible() -> bool:
            return any((r.properties.get("name") or "").strip().lower() == name
                       for r in self.hubspot.records("companies"))
        self._watch("companies", op, "to_hubspot", f"company {shop}/{company_id}", visible)

    def watch_hubspot(self, object_type: str, record_id: str, op: str) -> None:
        record = self.hubspot.record(object_type, record_id)
        if record is None:
            return
        props = record.properties
        shops = [s for s in self.options.shops if s not in self.uninstalled]
        if object_type == "contacts" and self._live("contacts"):
            key = norm_email(props.get("email"))
            if key is None:
                return
            first = props.get("firstname")
            if op == "update":
                # An update reaches the customers the person has; only a person with none yet (HubSpot-born,
                # not synced) is owed every shop. One whose customers were all deleted has none to reach.
                holders = [s for s in shops if any(norm_email(c.email) == key
                                                   for c in self.world.shopify.shop(s).customers.values())]
                if holders:
                    shops = holders
                elif self._had_customers(key):
                    self._supersede(f"contact {record_id}")
                    return

            def visible() -> bool:
                return all(any(norm_email(c.email) == key and _same(c.first_name, first)
                               for c in self.world.shopify.shop(s).customers.values()) for s in shops)
            self._watch("contacts", op, "to_shopify", f"contact {record_id}", visible, key=f"contact {key}")
        elif object_type == "products" and self._live("products"):
            name = (props.get("name") or "").strip()

            def visible() -> bool:
                return all(any(p.title.strip() == name for p in self.world.shopify.shop(s).products.values())
                           for s in shops)
            self._watch("products", op, "to_shopify", f"hubspot product {record_id}", visible, key=f"product {name}")
        elif object_type == "companies" and self._live("companies") and props.get("name"):
            name = props["name"].strip().lower()

            def visible() -> bool:
                return all(any(c.name.strip().lower() == name for c in self.world.shopify.company_book(s).list())
                           for s in shops)
            self._watch("companies", op, "to_shopify", f"hubspot company {record_id}", visible)


def _quantity(value: Any) -> int | None:
    try:
        return int(Decimal(str(value)))
    except Exception:
        return None


def _same(a: Any, b: Any) -> bool:
    return (a or None) == (b or None)


@dataclass
class ScenarioSpec:
    """A registered scenario: the requirements it covers and how to run it."""

    id: str
    title: str
    requirements: tuple[str, ...]
    run: Callable[[Sim], None]
    options: SimOptions = field(default_factory=SimOptions)
    tags: tuple[str, ...] = ()
    faults: dict | None = None  # a FaultSchedule as JSON, without its seed
    # "reliability": behaviour docs/spec.md does not require; its outcome is reported and decides no requirement
    # (its requirements are those it exercises).
    kind: str = "conformance"


REGISTRY: dict[str, ScenarioSpec] = {}


def scenario(*requirements: str, title: str, shops: tuple[str, ...] = ("alpha",), tier: str = "professional",
             ops_hub: str = "starter", tags: tuple[str, ...] = (), faults: dict | None = None, currency: str = "USD",
             reliability: bool = False):
    """Register a scenario covering `requirements`; its id is `FIRST-REQ/function-name`. A `reliability` one
    exercises them in a situation docs/spec.md does not speak of: its outcome is reported, not a verdict."""
    def register(run: Callable[[Sim], None]) -> Callable[[Sim], None]:
        sid = f"{requirements[0]}/{run.__name__.replace('_', '-')}"
        if sid in REGISTRY:
            raise ValueError(f"duplicate scenario id {sid}")
        REGISTRY[sid] = ScenarioSpec(sid, title, tuple(requirements), run,
                                     SimOptions(shops, tier, ops_hub, currency=currency), tags, faults,
                                     "reliability" if reliability else "conformance")
        run.scenario_id = sid  # type: ignore[attr-defined]
        return run
    return register
