"""The merchant in the Shopify admin (`w.shopify`): customers, products, orders, checkouts, companies, uninstalls;
every change written to the history and watched until it is visible in HubSpot."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from scenarios.dsl.history import Change
from scenarios.dsl.refs import CheckoutRef, CompanyRef, CustomerRef, OrderRef, ProductRef
from scenarios.dsl.rules import quantity
from scenarios.dsl.watches import LinesSeen

if TYPE_CHECKING:
    from scenarios.dsl.simulation import Sim


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
        """The merchant edits a customer. An edit that changes nothing is no change: Shopify keeps the record's
        `updated_at` and sends no webhook, so a sync sees the earlier edit as the last (CNT-5)."""
        info = self.store.shop(ref.shop).info
        before = self.store.get_customer(ref.shop, ref.id).rest(info)
        customer = self.store.update_customer(ref.shop, ref.id, fields)
        whole = customer.rest(info)
        if whole == before:
            return
        changed = {k: whole.get(k) for k in fields}
        if "addresses" in fields:
            changed["default_address"] = whole.get("default_address")
        self._record("customer", "update", ref.shop, ref.id, changed, whole)
        self.sim.watch_customer(ref.shop, ref.id, "update")

    def delete_customer(self, ref: CustomerRef) -> None:
        """The merchant deletes a customer (CNT-4: the contact stays)."""
        held = self.store.shop(ref.shop).customers.get(ref.id)
        self.store.delete_customer(ref.shop, ref.id)
        self._record("customer", "delete", ref.shop, ref.id, {"email": ref.email})
        self.sim.drop_pending_watches(f"{ref.shop}/{ref.id}")
        if held is not None:
            self.sim.drop_pending_contact_watches(held.email)

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
        """The merchant edits a product (title, body_html, or `price`/`sku` of its first variant); one that changes
        nothing is no change, as for a customer."""
        before = self.store.get_product(ref.shop, ref.id).rest(self.store.shop(ref.shop).info)
        first = {k: fields.pop(k) for k in ("price", "sku") if k in fields}
        if first:
            self.store.update_variant(ref.shop, ref.variant_ids[0], first)
        if fields:
            self.store.update_product(ref.shop, ref.id, fields)
        product = self.store.get_product(ref.shop, ref.id)
        whole = product.rest(self.store.shop(ref.shop).info)
        if whole == before:
            return
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
        have = sorted(((li.properties.get("name") or ""), quantity(li.properties.get("quantity"))) for li in items)
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
