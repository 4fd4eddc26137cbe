"""Orders: created by merchants or apps, paid, fulfilled, refunded, edited, cancelled, closed."""

from __future__ import annotations

import json
from decimal import Decimal

from fakes.shopify.errors import BadParameter, Invalid, NotFound, missing_root
from fakes.shopify.models import Customer, Fulfillment, LineItem, Order, Refund
from fakes.shopify.pagination import Selection
from fakes.shopify.payload import Fields
from fakes.shopify.store.core import StoreCore
from fakes.shopify.store.records import CANCEL_REASONS, FINANCIAL_STATUSES, SHIPMENT_STATUSES, ListQuery, Shop
from fakes.shopify.values import EMAIL_RE


class Orders(StoreCore):
    """Orders: created by merchants or apps, paid, fulfilled, refunded, edited, cancelled, closed."""

    def order_json(self, shop: Shop, order: Order) -> dict:
        """An order's REST object with its customer snapshot."""
        return order.rest(shop.info, self.customer_snapshot(shop, order.customer_id))

    def list_orders(self, shop_name: str, query: ListQuery) -> Selection[Order]:
        """Orders passing the filters; `status` defaults to open (docs/vendor-behaviour.md §1.6)."""
        status = query.get("status") or "open"
        financial = query.get("financial_status") or "any"
        fulfillment = query.get("fulfillment_status") or "any"

        def keep(order: Order) -> bool:
            return (query.admits(order) and _order_status_matches(order, status)
                    and (financial == "any" or _financial_matches(order, financial))
                    and (fulfillment == "any" or _fulfillment_matches(order, fulfillment)))

        return self.listing(shop_name, "orders", keep, query)

    def get_order(self, shop_name: str, order_id: int) -> Order:
        """One order or 404."""
        return self.one(shop_name, "orders", order_id)

    def create_order(self, shop_name: str, payload: object) -> Order:
        """Create an order (merchant edit, or an app with write_orders) from line items and a customer."""
        if not isinstance(payload, dict):
            raise missing_root("order")
        with self.lock:
            shop = self.shop(shop_name)
            f = Fields("order", payload)
            lines = self._line_items(shop, f, "line_items")
            if not lines:
                f.add("line_items", "must have at least one line item")
            email = f.text("email")
            if email is not None and not EMAIL_RE.match(email.strip()):
                f.add("email", "is invalid")
            financial = f.text("financial_status") or "paid"
            if financial not in FINANCIAL_STATUSES:
                f.add("financial_status", "is not included in the list")
            f.raise_if_any()
            customer = self._order_customer(shop, f.obj("customer"), email)
            now = self.now()
            order = Order(
                id=self.next_id(), number=shop.next_order_number, created_at=now, updated_at=now,
                line_items=lines, currency=shop.info.currency, email=(email or "").strip() or
                (customer.email if customer else None), phone=f.text("phone"),
                customer_id=customer.id if customer else None, financial_status=financial, processed_at=now,
                total_tax=f.amount("total_tax") or Decimal("0"),
                total_shipping=f.amount("total_shipping") or Decimal("0"),
                total_discounts=f.amount("total_discounts") or Decimal("0"),
                discount_codes=[str(c.get("code")) for c in (f.objects("discount_codes") or []) if c.get("code")],
                tags=f.tags() or [], note=f.text("note", max_len=5000),
                buyer_accepts_marketing=f.flag("buyer_accepts_marketing"),
                checkout_id=f.integer("checkout_id"), checkout_token=f.text("checkout_token"),
                cart_token=f.text("cart_token"), company_id=f.integer("company_id"),
                source_name=f.text("source_name") or "web",
            )
            for key in ("shipping_address", "billing_address"):
                spec = f.obj(key)
                if spec is not None:
                    setattr(order, key, self._address(Fields("order", spec), default=False))
            f.raise_if_any()
            shop.next_order_number += 1
            shop.orders[order.id] = order
            if customer is not None:
                customer.orders_count += 1
                customer.total_spent += order.subtotal(current=True) + order.total_tax + order.total_shipping
                customer.last_order_id, customer.last_order_name = order.id, order.name
                customer.updated_at = now
                self._emit(shop, "customers/update", customer.rest(shop.info))
            self._event(shop, "Order", order.id, "placed", f"Order {order.name} was placed.")
            body = self.order_json(shop, order)
            self._emit(shop, "orders/create", body)
            if financial == "paid":
                self._emit(shop, "orders/paid", body)
            return order

    def _order_customer(self, shop: Shop, spec: dict | None, email: str | None) -> Customer | None:
        """The order's customer: by id, else found or created by email, else created from a name/phone."""
        if spec and spec.get("id") is not None:
            try:
                return self.get_customer(shop.info.name, int(spec["id"]))
            except (TypeError, ValueError):
                raise BadParameter("order", "Required parameter missing or invalid") from None
        spec = dict(spec or {})
        wanted = (spec.get("email") or email or "").strip() or None
        if wanted:
            existing = shop.customer_by_email(wanted)
            if existing is not None:
                return existing
            spec["email"] = wanted
        if not any(spec.get(k) for k in ("email", "first_name", "last_name", "phone")):
            return None
        return self.create_customer(shop.info.name, spec)

    def _line_items(self, shop: Shop, f: Fields, key: str) -> list[LineItem]:
        lines: list[LineItem] = []
        for spec in f.objects(key) or []:
            lf = Fields(f.root, spec)
            quantity = lf.integer("quantity", minimum=1) or 1
            variant_id = lf.integer("variant_id")
            product = variant = None
            if variant_id is not None:
                try:
                    variant = self.get_variant(shop.info.name, variant_id)
                except NotFound:
                    f.add("line_items", f"variant {variant_id} does not exist")
                    continue
                product = shop.products[variant.product_id]
            title = lf.text("title") or (product.title if product else None)
            price = lf.amount("price")
            if price is None:
                price = variant.price if variant else None
            if title is None or price is None:
                f.add("line_items", "title and price are required for a custom line item")
                continue
            for name, messages in lf.errors.items():
                for message in messages:
                    f.add(f"line_items.{name}", message)
            variant_title = None
            if variant is not None and variant.title != "Default Title":
                variant_title = variant.title
            lines.append(LineItem(
                id=self.next_id(), title=title, quantity=quantity, price=price,
                product_id=product.id if product else None, variant_id=variant.id if variant else None,
                variant_title=variant_title, sku=(variant.sku if variant else lf.text("sku")),
                vendor=product.vendor if product else lf.text("vendor"),
                grams=variant.grams if variant else 0,
            ))
        return lines

    def update_order(self, shop_name: str, order_id: int, payload: object) -> Order:
        """The editable order fields (note, tags, email, phone, buyer_accepts_marketing, addresses)."""
        if not isinstance(payload, dict):
            raise missing_root("order")
        with self.lock:
            shop = self.shop(shop_name)
            order = self.get_order(shop_name, order_id)
            f = Fields("order", payload)
            changes: dict = {}
            if f.has("note"):
                changes["note"] = f.text("note", max_len=5000)
            if f.has("tags"):
                changes["tags"] = f.tags() or []
            if f.has("email"):
                email = f.text("email")
                if email is not None and not EMAIL_RE.match(email.strip()):
                    f.add("email", "is invalid")
                changes["email"] = email
            if f.has("phone"):
                changes["phone"] = f.text("phone")
            if f.has("buyer_accepts_marketing"):
                changes["buyer_accepts_marketing"] = f.flag("buyer_accepts_marketing")
            for key in ("shipping_address", "billing_address"):
                spec = f.obj(key)
                if spec is not None:
                    changes[key] = self._address(Fields("order", spec), default=False)
            f.raise_if_any()
            self._change_order(shop, order, **changes)
            return order

    def _change_order(self, shop: Shop, order: Order, *extra_topics: str, **changes: object) -> None:
        before = json.dumps(self.order_json(shop, order), sort_keys=True)
        for key, value in changes.items():
            setattr(order, key, value)
        if json.dumps(self.order_json(shop, order), sort_keys=True) == before and not extra_topics:
            return
        order.updated_at = self.now()
        body = self.order_json(shop, order)
        self._emit(shop, "orders/updated", body)
        for topic in extra_topics:
            self._emit(shop, topic, body)

    def cancel_order(self, shop_name: str, order_id: int, reason: str | None = None) -> Order:
        """Cancel an order (it is also closed); 422 when already cancelled."""
        with self.lock:
            shop = self.shop(shop_name)
            order = self.get_order(shop_name, order_id)
            if order.cancelled_at is not None:
                raise Invalid({"base": ["Order has already been cancelled"]})
            reason = reason or "other"
            if reason not in CANCEL_REASONS:
                raise Invalid({"reason": ["is not included in the list"]})
            now = self.now()
            self._event(shop, "Order", order.id, "cancelled", f"Order {order.name} was cancelled.")
            self._change_order(shop, order, "orders/cancelled", cancelled_at=now, cancel_reason=reason,
                               closed_at=order.closed_at or now)
            return order

    def close_order(self, shop_name: str, order_id: int) -> Order:
        """Close (archive) an order."""
        with self.lock:
            shop = self.shop(shop_name)
            order = self.get_order(shop_name, order_id)
            if order.closed_at is None:
                self._change_order(shop, order, closed_at=self.now())
            return order

    def reopen_order(self, shop_name: str, order_id: int) -> Order:
        """Re-open a closed order."""
        with self.lock:
            shop = self.shop(shop_name)
            order = self.get_order(shop_name, order_id)
            if order.cancelled_at is not None:
                raise Invalid({"base": ["Cancelled orders cannot be re-opened"]})
            if order.closed_at is not None:
                self._change_order(shop, order, closed_at=None)
            return order

    def delete_order(self, shop_name: str, order_id: int) -> None:
        """Delete an order (`orders/delete` carries only the id)."""
        with self.lock:
            shop = self.shop(shop_name)
            order = self.get_order(shop_name, order_id)
            del shop.orders[order_id]
            self._event(shop, "Order", order.id, "destroy", f"Order {order.name} was deleted.")
            self._emit(shop, "orders/delete", {"id": order.id})

    def fulfil_order(self, shop_name: str, order_id: int, *, line_item_ids: list[int] | None = None,
                     tracking_number: str | None = None, tracking_company: str | None = None,
                     shipment_status: str | None = None) -> Fulfillment:
        """Ship some or all of the open quantities of an order (merchant action)."""
        with self.lock:
            shop = self.shop(shop_name)
            order = self.get_order(shop_name, order_id)
            if order.cancelled_at is not None:
                raise Invalid({"base": ["Cannot fulfill a cancelled order"]})
            if shipment_status is not None and shipment_status not in SHIPMENT_STATUSES:
                raise Invalid({"shipment_status": ["is not included in the list"]})
            ids = line_item_ids or [line.id for line in order.line_items]
            chosen = [line for line in order.line_items
                      if line.id in ids and line.live_quantity - line.fulfilled_quantity > 0]
            if not chosen:
                raise Invalid({"base": ["Line items are already fulfilled"]})
            now = self.now()
            for line in chosen:
                line.fulfilled_quantity = line.live_quantity
            fulfillment = Fulfillment(self.next_id(), order.id, now, now, [line.id for line in chosen],
                                      shipment_status=shipment_status, tracking_company=tracking_company,
                                      tracking_number=tracking_number)
            order.fulfillments.append(fulfillment)
            status = order.fulfillment_status()
            topic = "orders/fulfilled" if status == "fulfilled" else "orders/partially_fulfilled"
            self._change_order(shop, order, topic)
            return fulfillment

    def set_shipment_status(self, shop_name: str, order_id: int, fulfillment_id: int, status: str) -> Fulfillment:
        """A carrier update on a fulfillment (e.g. `delivered`)."""
        if status not in SHIPMENT_STATUSES:
            raise Invalid({"shipment_status": ["is not included in the list"]})
        with self.lock:
            shop = self.shop(shop_name)
            order = self.get_order(shop_name, order_id)
            fulfillment = next((x for x in order.fulfillments if x.id == fulfillment_id), None)
            if fulfillment is None:
                raise NotFound()
            fulfillment.shipment_status = status
            fulfillment.updated_at = self.now()
            self._change_order(shop, order, "orders/updated")
            return fulfillment

    def refund_order(self, shop_name: str, order_id: int, amount: Decimal | str | None = None,
                     note: str | None = None) -> Refund:
        """Refund part or all of an order; financial status follows."""
        with self.lock:
            shop = self.shop(shop_name)
            order = self.get_order(shop_name, order_id)
            paid = order.subtotal(current=True) + order.total_tax + order.total_shipping
            already = sum((r.amount for r in order.refunds), Decimal("0"))
            value = Decimal(str(amount)) if amount is not None else paid - already
            if value <= 0 or already + value > paid:
                raise Invalid({"amount": ["must be greater than 0 and at most the refundable amount"]})
            refund = Refund(self.next_id(), order.id, self.now(), value, note)
            order.refunds.append(refund)
            status = "refunded" if already + value >= paid else "partially_refunded"
            self._change_order(shop, order, financial_status=status)
            return refund

    def mark_order_paid(self, shop_name: str, order_id: int) -> Order:
        """Capture payment on a pending or authorized order."""
        with self.lock:
            shop = self.shop(shop_name)
            order = self.get_order(shop_name, order_id)
            if order.financial_status not in ("pending", "authorized", "partially_paid"):
                raise Invalid({"financial_status": ["cannot be marked as paid"]})
            self._change_order(shop, order, "orders/paid", financial_status="paid")
            return order

    def remove_order_line(self, shop_name: str, order_id: int, line_item_id: int) -> Order:
        """An order edit removing a line: it stays listed with `current_quantity` 0, as on Shopify."""
        with self.lock:
            shop = self.shop(shop_name)
            order = self.get_order(shop_name, order_id)
            line = next((x for x in order.line_items if x.id == line_item_id), None)
            if line is None:
                raise NotFound()
            if line.live_quantity == 0:
                raise Invalid({"line_item": ["has already been removed"]})
            line.current_quantity = 0
            self._change_order(shop, order, "orders/edited")
            return order

    def list_fulfillments(self, shop_name: str, order_id: int) -> list[dict]:
        """`orders/{id}/fulfillments.json`."""
        shop = self.shop(shop_name)
        order = self.get_order(shop_name, order_id)
        return self.order_json(shop, order)["fulfillments"]

    def list_refunds(self, shop_name: str, order_id: int) -> list[dict]:
        """`orders/{id}/refunds.json`."""
        shop = self.shop(shop_name)
        return [r.rest(shop.info) for r in self.get_order(shop_name, order_id).refunds]


def _order_status_matches(order: Order, status: str) -> bool:
    if status == "any":
        return True
    if status == "cancelled":
        return order.cancelled_at is not None
    if status == "closed":
        return order.closed_at is not None
    return order.closed_at is None and order.cancelled_at is None  # open


def _financial_matches(order: Order, wanted: str) -> bool:
    if wanted == "unpaid":
        return order.financial_status in ("pending", "authorized", "partially_paid")
    return order.financial_status in wanted.split(",")


def _fulfillment_matches(order: Order, wanted: str) -> bool:
    status = order.fulfillment_status()
    if wanted == "shipped":
        return status == "fulfilled"
    if wanted == "partial":
        return status == "partial"
    if wanted == "unshipped":
        return status is None
    if wanted == "unfulfilled":
        return status in (None, "partial")
    return False
