"""Checkouts: started by shoppers, abandoned or completed into orders."""

from __future__ import annotations

import hashlib
from decimal import Decimal

from fakes.shopify.errors import Invalid, NotFound, missing_root
from fakes.shopify.models import Checkout, Order
from fakes.shopify.pagination import Selection
from fakes.shopify.payload import Fields
from fakes.shopify.store.core import StoreCore
from fakes.shopify.store.records import ListQuery, Shop
from fakes.shopify.values import EMAIL_RE


class Checkouts(StoreCore):
    """Checkouts: started by shoppers, abandoned or completed into orders."""

    def checkout_json(self, shop: Shop, checkout: Checkout) -> dict:
        """A checkout's REST object."""
        return checkout.rest(shop.info, self.customer_snapshot(shop, checkout.customer_id))

    def list_checkouts(self, shop_name: str, query: ListQuery) -> Selection[Checkout]:
        """Abandoned checkouts: never completed; `status` open (default) or closed."""
        status = query.get("status") or "open"
        return self.listing(shop_name, "checkouts", lambda c: c.completed_at is None and query.admits(c)
                         and (status == "any" or (c.closed_at is None) == (status == "open")), query)

    def create_checkout(self, shop_name: str, payload: object) -> Checkout:
        """A shopper starts a checkout (merchant-side simulation; the REST API is read-only)."""
        if not isinstance(payload, dict):
            raise missing_root("checkout")
        with self.lock:
            shop = self.shop(shop_name)
            f = Fields("checkout", payload)
            lines = self._line_items(shop, f, "line_items")
            if not lines:
                f.add("line_items", "must have at least one line item")
            email = f.text("email")
            if email is not None and not EMAIL_RE.match(email.strip()):
                f.add("email", "is invalid")
            f.raise_if_any()
            # Shopify keeps a customer profile for everyone who gives an email at checkout, even if they
            # never pay (docs/vendor-behaviour.md §1.6): found by that email, else made now.
            customer = self._order_customer(shop, None, email) if email else None
            now = self.now()
            cid = self.next_id()
            checkout = Checkout(
                id=cid, token=hashlib.sha256(f"checkout:{cid}".encode()).hexdigest()[:32],
                cart_token=hashlib.sha256(f"cart:{cid}".encode()).hexdigest()[:32], created_at=now, updated_at=now,
                line_items=lines, currency=shop.info.currency, email=email.strip() if email else None,
                phone=f.text("phone"), customer_id=customer.id if customer else None,
                total_tax=f.amount("total_tax") or Decimal("0"),
                total_shipping=f.amount("total_shipping") or Decimal("0"),
                total_discounts=f.amount("total_discounts") or Decimal("0"),
                buyer_accepts_marketing=f.flag("buyer_accepts_marketing"),
            )
            f.raise_if_any()
            shop.checkouts[checkout.id] = checkout
            self._emit(shop, "checkouts/create", self.checkout_json(shop, checkout))
            return checkout

    def get_checkout(self, shop_name: str, checkout_id: int) -> Checkout:
        """One checkout (abandoned or not) or 404."""
        return self.one(shop_name, "checkouts", checkout_id)

    def update_checkout(self, shop_name: str, checkout_id: int, *, email: str | None = None,
                        remove_line_item_id: int | None = None, add_line_items: list[dict] | None = None) -> Checkout:
        """The shopper edits an open checkout: changes the email, removes or adds a line."""
        with self.lock:
            shop = self.shop(shop_name)
            checkout = self.get_checkout(shop_name, checkout_id)
            if checkout.completed_at is not None:
                raise Invalid({"base": ["Checkout is already completed"]})
            if email is not None:
                if not EMAIL_RE.match(email.strip()):
                    raise Invalid({"email": ["is invalid"]})
                checkout.email = email.strip()
                customer = self._order_customer(shop, None, email)
                checkout.customer_id = customer.id if customer else None
            if remove_line_item_id is not None:
                if not any(line.id == remove_line_item_id for line in checkout.line_items):
                    raise NotFound()
                checkout.line_items = [x for x in checkout.line_items if x.id != remove_line_item_id]
            if add_line_items:
                f = Fields("checkout", {"line_items": add_line_items})
                new_lines = self._line_items(shop, f, "line_items")
                f.raise_if_any()
                checkout.line_items.extend(new_lines)
            checkout.updated_at = self.now()
            self._emit(shop, "checkouts/update", self.checkout_json(shop, checkout))
            return checkout

    def complete_checkout(self, shop_name: str, checkout_id: int) -> Order:
        """The shopper pays: the checkout becomes an order and leaves the abandoned list."""
        with self.lock:
            shop = self.shop(shop_name)
            checkout = self.get_checkout(shop_name, checkout_id)
            if checkout.completed_at is not None:
                raise Invalid({"base": ["Checkout is already completed"]})
            if not checkout.line_items:
                raise Invalid({"line_items": ["must have at least one line item"]})
            payload = {
                "email": checkout.email, "phone": checkout.phone,
                "line_items": [{"variant_id": line.variant_id, "quantity": line.quantity}
                               if line.variant_id else {"title": line.title, "price": str(line.price),
                                                        "quantity": line.quantity}
                               for line in checkout.line_items],
                "total_tax": str(checkout.total_tax), "total_shipping": str(checkout.total_shipping),
                "total_discounts": str(checkout.total_discounts), "checkout_id": checkout.id,
                "checkout_token": checkout.token, "cart_token": checkout.cart_token,
                "buyer_accepts_marketing": checkout.buyer_accepts_marketing,
            }
            if checkout.customer_id:
                payload["customer"] = {"id": checkout.customer_id}
            order = self.create_order(shop_name, payload)
            checkout.completed_at = self.now()
            checkout.updated_at = checkout.completed_at
            checkout.order_id = order.id
            self._emit(shop, "checkouts/update", self.checkout_json(shop, checkout))
            return order

    def delete_checkout(self, shop_name: str, checkout_id: int) -> None:
        """The checkout expires or is purged."""
        with self.lock:
            shop = self.shop(shop_name)
            checkout = self.get_checkout(shop_name, checkout_id)
            del shop.checkouts[checkout.id]
            self._emit(shop, "checkouts/delete", {"id": checkout.id, "token": checkout.token})
