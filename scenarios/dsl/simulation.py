"""The simulation of one scenario and its clock: given / when / then over a simulated world.

`Sim` wraps a World and an implementation. Merchants act in Shopify (`w.shopify`), marketers in
HubSpot (`w.hubspot`), the sync is switched and mapped through `w.sync`; time moves with
`w.advance(...)` and `w.settle()`; `w.expect(...)` records a failed check with its evidence. Every
change a person makes is written to the history the oracle judges from, and every propagating
change is watched at each tick so its latency is measured without the scenario asking.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from harness import World
from reports.model import Evidence, LatencySample, TimelineEvent
from scenarios.dsl.history import History
from scenarios.dsl.marketer import Marketer
from scenarios.dsl.merchant import Merchant
from scenarios.dsl.refs import CheckoutRef, OrderRef
from scenarios.dsl.rules import LATENCY_BOUND, iso, money_equal, norm_email, same
from scenarios.dsl.sync import Sync
from scenarios.dsl.watches import LinesSeen, Watch
from scenarios.dsl.webhooks import Webhooks


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
        # Quiet spans measured by `idle` (start, end, audit-log positions): the implementation's idle cost.
        self.idle_windows: list[tuple[datetime, datetime, int, int]] = []
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

    def moment(self, seconds: float) -> None:
        """Let a few seconds pass without a tick: the next move's change is strictly newer than the last, and
        the implementation meets both at its next tick, as it would two changes made between two of its polls."""
        self.world.clock.advance(seconds)

    def settle(self) -> timedelta:
        """Advance until neither the fakes nor the implementation have work left."""
        return self.world.advance_until_quiet()

    def idle(self, *, hours: float = 1) -> None:
        """Let the world go quiet, then let `hours` pass with nothing changing anywhere: what the implementation
        calls meanwhile is its idle cost (the report's efficiency section)."""
        self.settle()
        began, first = self.now(), len(self.world.audit.entries())
        self.advance(hours=hours)
        self.idle_windows.append((began, self.now(), first, len(self.world.audit.entries())))

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
                events.append(TimelineEvent(iso(change.at), lane, "change",
                                            f"{change.op} {change.object} {change.shop or ''}/{change.id}".strip()))
        for entry in self.world.audit.entries():
            if entry.method == "GET" and entry.fault is None:
                continue
            if token is None or token in entry.path or entry.fault:
                kind = "fault" if entry.fault else "api"
                events.append(TimelineEvent(iso(entry.at), entry.fake, kind,
                                            f"{entry.method} {entry.path} -> {entry.status}"
                                            + (f" [{entry.fault}]" if entry.fault else "")))
        for delivery in self.world.stats.deliveries[-200:]:
            marks = "".join(f" [{m}]" for m in (delivery.fault, delivery.injected) if m)
            events.append(TimelineEvent(iso(delivery.at), "harness", "webhook",
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
            self._overtake(key, record)
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

    def _overtake(self, key: str, record: str) -> None:
        """A later change to the same person (or product) through another record wins over the changes not yet
        visible (CNT-5: the later change wins), so their values may never show: a change on the other side, or
        one to the same person's customer (the same title's product) in another shop. One already past the
        bound when overtaken was late all the same and stays."""
        now = self.now()
        for watch in self.watches:
            if watch.key == key and watch.record != record and watch.visible_at is None \
                    and watch.changed_at < now and now - watch.changed_at < LATENCY_BOUND:
                watch.superseded = True

    def drop_pending_watches(self, record_id: str) -> None:
        """A record deleted or archived: its changes not yet visible, and still within the bound, need not arrive
        (`record_id`: a HubSpot id, or "shop/id" of a Shopify record)."""
        self._drop_pending(lambda watch: watch.record.endswith(f" {record_id}"))

    def drop_pending_contact_watches(self, email: str | None) -> None:
        """A person's customer deleted: a contact change not yet visible in the shops, and still within the bound,
        need not arrive; the customer it was to reach is gone, and it is owed to no shop that did not hold the person
        (CNT-4), or a sync met it alone, as HubSpot-born, and may yet be carrying it to every shop."""
        key = f"contact {norm_email(email)}"
        self._drop_pending(lambda watch: watch.key == key and watch.direction == "to_shopify")

    def drop_pending_customer_watches(self, email: str | None) -> None:
        """A person's contact archived: a customer change of the person not yet visible in HubSpot, and still within
        the bound, need not arrive; it came before the archive, which stands (CNT-3)."""
        key = f"contact {norm_email(email)}"
        self._drop_pending(lambda watch: watch.key == key and watch.direction == "to_hubspot")

    def _drop_pending(self, matches: Callable[[Watch], bool]) -> None:
        for watch in self.watches:
            if watch.visible_at is None and matches(watch) and self.now() - watch.changed_at < LATENCY_BOUND:
                watch.superseded = True

    def _customer_stamped(self, shop: str, customer_id: int) -> None:
        """An order stamps its customer's `updated_at`: a change to the person through another record, not yet
        visible, may lose to the customer's values if no sync had to have read them before it (the judge's
        `restamped`), so its value may never show."""
        customer = self.world.shopify.shop(shop).customers.get(customer_id)
        record = f"customer {shop}/{customer_id}"
        touched = max((c.at for c in self.history.changes if c.system == "shopify" and c.object == "customer"
                       and c.shop == shop and str(c.id) == str(customer_id)), default=None)
        if customer is None or touched is None:
            return
        key = f"contact {norm_email(customer.email)}"
        self._drop_pending(lambda watch: watch.key == key and watch.record != record
                           and watch.changed_at - touched < LATENCY_BOUND)

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
            return contact is not None and same(contact.properties.get("firstname"), first) and \
                same(contact.properties.get("lastname"), last)
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
        orphaned = (shop, product_id) in self.orphaned_products
        self._orphan_namesakes(name)
        if orphaned:
            # Its HubSpot product went with a namesake's delete before: the products of the name now are newer
            # ones, a live namesake's, and what becomes of them the oracle judges at the end.
            self._supersede(f"product {shop}/{product_id}")
            return
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
        order = self.world.shopify.get_order(shop, order_id)
        if op == "create" and order.customer_id is not None:
            self._customer_stamped(shop, order.customer_id)
        if not self._live("orders", shop):
            return
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
            # A change reaches the customers the person has: a contact made when a merchant had made the person
            # already is theirs, matched by email, not HubSpot-born (CNT-1). Only a person with none yet is owed
            # every shop; one whose customers were all deleted has none for an update to reach.
            holders = [s for s in shops if any(norm_email(c.email) == key
                                               for c in self.world.shopify.shop(s).customers.values())]
            if holders:
                shops = holders
            elif op == "update" and self._had_customers(key):
                self._supersede(f"contact {record_id}")
                return

            def visible() -> bool:
                return all(any(norm_email(c.email) == key and same(c.first_name, first)
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
