"""Customers: list, search, get, create, update, delete, with Shopify's validation."""

from __future__ import annotations

from fakes.shopify.errors import Invalid, missing_root
from fakes.shopify.models import Address, Customer
from fakes.shopify.pagination import Selection
from fakes.shopify.payload import Fields
from fakes.shopify.store.core import StoreCore
from fakes.shopify.store.records import CONSENT_STATES, OPT_IN_LEVELS, ListQuery, Shop
from fakes.shopify.values import EMAIL_RE, email_key, normalise_phone, remove_white_space


class Customers(StoreCore):
    """Customers: list, search, get, create, update, delete, with Shopify's validation."""

    def customer_json(self, shop: Shop, customer: Customer) -> dict:
        """A customer's REST object."""
        return customer.rest(shop.info)

    def list_customers(self, shop_name: str, query: ListQuery) -> Selection[Customer]:
        """Customers passing the filters, by id."""
        return self.listing(shop_name, "customers", query.admits, query)

    def get_customer(self, shop_name: str, customer_id: int) -> Customer:
        """One customer or 404."""
        return self.one(shop_name, "customers", customer_id)

    def search_customers(self, shop_name: str, query: str) -> list[Customer]:
        """`customers/search.json`: `field:value` terms (email, first_name, last_name, phone, id) or free text."""
        shop = self.shop(shop_name)
        terms = [t for t in query.split() if t]
        with self.lock:
            found = [c for c in shop.customers.values() if all(_customer_matches(c, t) for t in terms)]
        # Shopify orders by last_order_date DESC by default; id DESC is the stable stand-in for records
        # without orders.
        return sorted(found, key=lambda c: (c.last_order_id or 0, c.id), reverse=True)

    def create_customer(self, shop_name: str, payload: object) -> Customer:
        """Create a customer (201); 422 on invalid or duplicate email/phone."""
        if not isinstance(payload, dict):
            raise missing_root("customer")
        with self.lock:
            shop = self.shop(shop_name)
            now = self.now()
            customer = Customer(id=self.next_id(), created_at=now, updated_at=now, currency=shop.info.currency)
            self._apply_customer(shop, customer, Fields("customer", payload), creating=True)
            shop.customers[customer.id] = customer
            shop.index(customer)
            self._emit(shop, "customers/create", customer.rest(shop.info))
            return customer

    def update_customer(self, shop_name: str, customer_id: int, payload: object) -> Customer:
        """Update the fields present in `payload`."""
        if not isinstance(payload, dict):
            raise missing_root("customer")
        with self.lock:
            shop = self.shop(shop_name)
            customer = self.get_customer(shop_name, customer_id)
            draft = Customer(**{**customer.__dict__, "addresses": [Address(**a.__dict__) for a in customer.addresses]})
            self._apply_customer(shop, draft, Fields("customer", payload), creating=False)
            if draft != customer:
                draft.updated_at = self.now()
                shop.unindex(customer)
                customer.__dict__.update(draft.__dict__)
                shop.index(customer)
                self._emit(shop, "customers/update", customer.rest(shop.info))
            return customer

    def delete_customer(self, shop_name: str, customer_id: int) -> None:
        """Delete a customer; 422 when the customer has orders (docs/vendor-behaviour.md §1.3)."""
        with self.lock:
            shop = self.shop(shop_name)
            customer = self.get_customer(shop_name, customer_id)
            if any(o.customer_id == customer_id for o in shop.orders.values()):
                raise Invalid({"base": ["Error deleting customer: Customer can't be deleted because they have "
                                        "associated orders"]})
            del shop.customers[customer_id]
            shop.unindex(customer)
            self._emit(shop, "customers/delete", {"id": customer.id, "phone": None, "addresses": [],
                                                   "tax_exemptions": [], "email_marketing_consent": None,
                                                   "admin_graphql_api_id": f"gid://shopify/Customer/{customer.id}"})

    def _apply_customer(self, shop: Shop, customer: Customer, f: Fields, *, creating: bool) -> None:
        for name in ("first_name", "last_name"):
            if f.has(name):
                setattr(customer, name, f.text(name))
        if f.has("note"):
            customer.note = f.text("note", max_len=5000)
        if f.has("tags"):
            customer.tags = f.tags() or []
        if f.has("tax_exempt"):
            customer.tax_exempt = f.flag("tax_exempt")
        if f.has("verified_email"):
            customer.verified_email = f.flag("verified_email", True)
        if f.has("email"):
            email = f.text("email")
            if email is not None:
                # Shopify deletes every white-space character of a customer's email, inside it too, and
                # takes the rest without an error (a capture of customerCreate/customerUpdate, 2025-01:
                # docs/vendor-behaviour.md, customer emails).
                email = remove_white_space(email)
                if not EMAIL_RE.match(email):
                    f.add("email", "is invalid")
                elif shop.emails.get(email_key(email) or "", customer.id) != customer.id:
                    f.add("email", "has already been taken")
            customer.email = email
        if f.has("phone"):
            raw = f.text("phone")
            phone = None
            if raw is not None:
                phone = normalise_phone(raw)
                if phone is None:
                    f.add("phone", "is invalid")
                elif shop.phones.get(phone, customer.id) != customer.id:
                    f.add("phone", "has already been taken")
            customer.phone = phone
        consent = f.obj("email_marketing_consent")
        if consent is not None:
            state = consent.get("state")
            level = consent.get("opt_in_level") or "single_opt_in"
            if state not in CONSENT_STATES:
                f.add("email_marketing_consent", "state is invalid")
            elif level not in OPT_IN_LEVELS:
                f.add("email_marketing_consent", "opt_in_level is invalid")
            else:
                customer.email_marketing_consent = {"state": state, "opt_in_level": level,
                                                    "consent_updated_at": self.now()}
        elif f.has("accepts_marketing"):
            state = "subscribed" if f.flag("accepts_marketing") else "not_subscribed"
            customer.email_marketing_consent = {"state": state, "opt_in_level": "single_opt_in",
                                                "consent_updated_at": self.now()}
        elif creating and customer.email:
            customer.email_marketing_consent = {"state": "not_subscribed", "opt_in_level": "single_opt_in",
                                                "consent_updated_at": None}
        addresses = f.objects("addresses")
        if addresses is not None:
            customer.addresses = [self._address(Fields("customer", a), default=i == 0)
                                  for i, a in enumerate(addresses)]
        f.raise_if_any()
        if not (customer.email or customer.phone or customer.first_name or customer.last_name):
            raise Invalid({"base": ["Customer must have a name, phone number or email address"]})

    def _address(self, f: Fields, *, default: bool) -> Address:
        address = Address(id=self.next_id(), default=bool(f.payload.get("default", default)))
        for name in Address.FIELDS:
            if f.has(name):
                setattr(address, name, f.text(name))
        if address.country and not address.country_code:
            address.country_code = address.country[:2].upper()
        f.raise_if_any()
        return address


def _customer_matches(customer: Customer, term: str) -> bool:
    name, sep, value = term.partition(":")
    if not sep:
        needle = term.lower()
        haystack = " ".join(filter(None, [customer.email, customer.first_name, customer.last_name, customer.phone]))
        return needle in haystack.lower()
    value = value.strip('"').lower()
    if name == "email":
        return (customer.email or "").lower() == value
    if name == "id":
        return str(customer.id) == value
    if name == "phone":
        return (customer.phone or "").lower().endswith(value.lstrip("+"))
    if name in ("first_name", "last_name"):
        return (getattr(customer, name) or "").lower() == value
    if name == "tag":
        return value in (t.lower() for t in customer.tags)
    return False
