"""The records of a fake shop, and how each renders as Shopify's REST JSON (docs/vendor-behaviour.md §1.6)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from fakes.shopify.values import money, shop_time


@dataclass
class ShopInfo:
    """What a record needs to know of its shop to render itself."""

    name: str
    currency: str
    utc_offset: timedelta

    @property
    def domain(self) -> str:
        """`name.myshopify.com`, the shop's permanent domain."""
        return f"{self.name}.myshopify.com"

    def time(self, instant: datetime | None) -> str | None:
        """An instant in the shop's UTC offset."""
        return shop_time(instant, self.utc_offset)


@dataclass
class Address:
    """A customer address (also used for order billing and shipping addresses)."""

    id: int
    first_name: str | None = None
    last_name: str | None = None
    company: str | None = None
    address1: str | None = None
    address2: str | None = None
    city: str | None = None
    province: str | None = None
    province_code: str | None = None
    country: str | None = None
    country_code: str | None = None
    zip: str | None = None
    phone: str | None = None
    default: bool = False

    FIELDS = ("first_name", "last_name", "company", "address1", "address2", "city", "province",
              "province_code", "country", "country_code", "zip", "phone")

    def rest(self, customer_id: int | None = None) -> dict:
        """The REST shape of a customer address."""
        name = " ".join(part for part in (self.first_name, self.last_name) if part)
        out: dict = {"id": self.id}
        if customer_id is not None:
            out["customer_id"] = customer_id
        out.update({f: getattr(self, f) for f in self.FIELDS})
        out["country_name"] = self.country
        out["name"] = name
        out["default"] = self.default
        return out

    def rest_plain(self) -> dict:
        """The REST shape of an order's billing or shipping address (no id, no default flag)."""
        out = {f: getattr(self, f) for f in self.FIELDS}
        out["name"] = " ".join(part for part in (self.first_name, self.last_name) if part)
        return out


@dataclass
class Customer:
    """A Shopify customer."""

    id: int
    created_at: datetime
    updated_at: datetime
    email: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    phone: str | None = None
    tags: list[str] = field(default_factory=list)
    note: str | None = None
    state: str = "disabled"
    verified_email: bool = True
    tax_exempt: bool = False
    currency: str = "USD"
    addresses: list[Address] = field(default_factory=list)
    email_marketing_consent: dict | None = None
    orders_count: int = 0
    total_spent: Decimal = Decimal("0")
    last_order_id: int | None = None
    last_order_name: str | None = None

    @property
    def default_address(self) -> Address | None:
        """The address flagged default, if any."""
        return next((a for a in self.addresses if a.default), None)

    def rest(self, shop: ShopInfo) -> dict:
        """The REST shape of a customer."""
        default = self.default_address
        consent = None
        if self.email_marketing_consent is not None:
            consent = dict(self.email_marketing_consent)
            consent["consent_updated_at"] = shop.time(consent.get("consent_updated_at"))
        return {
            "id": self.id,
            "email": self.email,
            "created_at": shop.time(self.created_at),
            "updated_at": shop.time(self.updated_at),
            "first_name": self.first_name,
            "last_name": self.last_name,
            "orders_count": self.orders_count,
            "state": self.state,
            "total_spent": money(self.total_spent, shop.currency),
            "last_order_id": self.last_order_id,
            "note": self.note,
            "verified_email": self.verified_email,
            "multipass_identifier": None,
            "tax_exempt": self.tax_exempt,
            "tags": ", ".join(self.tags),
            "last_order_name": self.last_order_name,
            "currency": self.currency,
            "phone": self.phone,
            "addresses": [a.rest(self.id) for a in self.addresses],
            "tax_exemptions": [],
            "email_marketing_consent": consent,
            "sms_marketing_consent": None,
            "admin_graphql_api_id": f"gid://shopify/Customer/{self.id}",
            "default_address": default.rest(self.id) if default else None,
        }


@dataclass
class Variant:
    """A product variant; every product has at least one."""

    id: int
    product_id: int
    created_at: datetime
    updated_at: datetime
    title: str = "Default Title"
    price: Decimal = Decimal("0")
    compare_at_price: Decimal | None = None
    sku: str | None = None
    barcode: str | None = None
    position: int = 1
    option1: str | None = "Default Title"
    option2: str | None = None
    option3: str | None = None
    grams: int = 0
    weight: float = 0.0
    weight_unit: str = "kg"
    inventory_item_id: int = 0
    inventory_quantity: int = 0
    inventory_management: str | None = None
    inventory_policy: str = "deny"
    requires_shipping: bool = True
    taxable: bool = True

    def options_key(self) -> tuple[str | None, str | None, str | None]:
        """The option values that make a variant unique within its product."""
        return (self.option1, self.option2, self.option3)

    def rest(self, shop: ShopInfo) -> dict:
        """The REST shape of a variant."""
        return {
            "id": self.id,
            "product_id": self.product_id,
            "title": self.title,
            "price": money(self.price, shop.currency),
            "sku": self.sku if self.sku is not None else "",
            "position": self.position,
            "inventory_policy": self.inventory_policy,
            "compare_at_price": money(self.compare_at_price, shop.currency),
            "fulfillment_service": "manual",
            "inventory_management": self.inventory_management,
            "option1": self.option1,
            "option2": self.option2,
            "option3": self.option3,
            "created_at": shop.time(self.created_at),
            "updated_at": shop.time(self.updated_at),
            "taxable": self.taxable,
            "barcode": self.barcode,
            "grams": self.grams,
            "weight": self.weight,
            "weight_unit": self.weight_unit,
            "inventory_item_id": self.inventory_item_id,
            "inventory_quantity": self.inventory_quantity,
            "old_inventory_quantity": self.inventory_quantity,
            "requires_shipping": self.requires_shipping,
            "admin_graphql_api_id": f"gid://shopify/ProductVariant/{self.id}",
            "image_id": None,
        }


@dataclass
class Product:
    """A Shopify product with its variants."""

    id: int
    title: str
    handle: str
    created_at: datetime
    updated_at: datetime
    body_html: str | None = None
    vendor: str | None = None
    product_type: str = ""
    status: str = "active"
    tags: list[str] = field(default_factory=list)
    option_names: list[str] = field(default_factory=lambda: ["Title"])
    variants: list[Variant] = field(default_factory=list)
    published_at: datetime | None = None

    def option_values(self) -> list[tuple[str, list[str]]]:
        """Each option's name and the values its variants take, in variant order."""
        options = []
        for position, name in enumerate(self.option_names, start=1):
            values: list[str] = []
            for variant in self.variants:
                value = variant.options_key()[position - 1]
                if value is not None and value not in values:
                    values.append(value)
            options.append((name, values))
        return options

    def rest(self, shop: ShopInfo) -> dict:
        """The REST shape of a product."""
        options = [{"id": self.id * 10 + position, "product_id": self.id, "name": name, "position": position,
                    "values": values} for position, (name, values) in enumerate(self.option_values(), start=1)]
        return {
            "id": self.id,
            "title": self.title,
            "body_html": self.body_html,
            "vendor": self.vendor,
            "product_type": self.product_type,
            "created_at": shop.time(self.created_at),
            "handle": self.handle,
            "updated_at": shop.time(self.updated_at),
            "published_at": shop.time(self.published_at),
            "template_suffix": None,
            "published_scope": "global",
            "tags": ", ".join(self.tags),
            "status": self.status,
            "admin_graphql_api_id": f"gid://shopify/Product/{self.id}",
            "variants": [v.rest(shop) for v in self.variants],
            "options": options,
            "images": [],
            "image": None,
        }


@dataclass
class LineItem:
    """A line of an order or a checkout."""

    id: int
    title: str
    quantity: int
    price: Decimal
    product_id: int | None = None
    variant_id: int | None = None
    variant_title: str | None = None
    sku: str | None = None
    vendor: str | None = None
    total_discount: Decimal = Decimal("0")
    requires_shipping: bool = True
    taxable: bool = True
    grams: int = 0
    # An order edit that removes a line keeps the line and sets its current quantity to 0.
    current_quantity: int | None = None
    fulfilled_quantity: int = 0

    @property
    def live_quantity(self) -> int:
        """The quantity after order edits."""
        return self.quantity if self.current_quantity is None else self.current_quantity

    def rest(self, shop: ShopInfo, *, in_order: bool) -> dict:
        """The REST shape of a line item (orders carry a few more fields than checkouts)."""
        name = f"{self.title} - {self.variant_title}" if self.variant_title else self.title
        out = {
            "id": self.id,
            "variant_id": self.variant_id,
            "title": self.title,
            "quantity": self.quantity,
            "sku": self.sku,
            "variant_title": self.variant_title,
            "vendor": self.vendor,
            "product_id": self.product_id,
            "requires_shipping": self.requires_shipping,
            "taxable": self.taxable,
            "name": name,
            "price": money(self.price, shop.currency),
            "grams": self.grams,
            "properties": [],
        }
        if in_order:
            out.update({
                "admin_graphql_api_id": f"gid://shopify/LineItem/{self.id}",
                "current_quantity": self.live_quantity,
                "fulfillable_quantity": max(self.live_quantity - self.fulfilled_quantity, 0),
                "fulfillment_service": "manual",
                "fulfillment_status": self._fulfillment_status(),
                "total_discount": money(self.total_discount, shop.currency),
                "discount_allocations": [],
                "tax_lines": [],
                "gift_card": False,
            })
        else:
            out["line_price"] = money(self.price * self.quantity, shop.currency)
            out["key"] = str(self.id)
        return out

    def _fulfillment_status(self) -> str | None:
        if self.fulfilled_quantity <= 0:
            return None
        return "fulfilled" if self.fulfilled_quantity >= self.live_quantity else "partial"


@dataclass
class Fulfillment:
    """A shipment of some or all of an order's lines."""

    id: int
    order_id: int
    created_at: datetime
    updated_at: datetime
    line_item_ids: list[int]
    status: str = "success"
    shipment_status: str | None = None
    tracking_company: str | None = None
    tracking_number: str | None = None

    def rest(self, shop: ShopInfo, lines: list[dict]) -> dict:
        """The REST shape of a fulfillment."""
        numbers = [self.tracking_number] if self.tracking_number else []
        urls = [f"https://track.example/{n}" for n in numbers]
        return {
            "id": self.id,
            "order_id": self.order_id,
            "status": self.status,
            "created_at": shop.time(self.created_at),
            "updated_at": shop.time(self.updated_at),
            "service": "manual",
            "shipment_status": self.shipment_status,
            "tracking_company": self.tracking_company,
            "tracking_number": self.tracking_number,
            "tracking_numbers": numbers,
            "tracking_url": urls[0] if urls else None,
            "tracking_urls": urls,
            "name": f"#{self.order_id}.{self.id % 100}",
            "line_items": lines,
            "admin_graphql_api_id": f"gid://shopify/Fulfillment/{self.id}",
        }


@dataclass
class Refund:
    """Money given back on an order."""

    id: int
    order_id: int
    created_at: datetime
    amount: Decimal
    note: str | None = None

    def rest(self, shop: ShopInfo) -> dict:
        """The REST shape of a refund with its one transaction."""
        return {
            "id": self.id,
            "order_id": self.order_id,
            "created_at": shop.time(self.created_at),
            "processed_at": shop.time(self.created_at),
            "note": self.note,
            "restock": False,
            "refund_line_items": [],
            "transactions": [{
                "id": self.id + 1, "order_id": self.order_id, "kind": "refund", "status": "success",
                "amount": money(self.amount, shop.currency), "currency": shop.currency,
                "gateway": "manual", "created_at": shop.time(self.created_at),
            }],
            "admin_graphql_api_id": f"gid://shopify/Refund/{self.id}",
        }


@dataclass
class Order:
    """A Shopify order. The sync only ever reads these (ORD-1)."""

    id: int
    number: int
    created_at: datetime
    updated_at: datetime
    line_items: list[LineItem]
    currency: str
    email: str | None = None
    phone: str | None = None
    customer_id: int | None = None
    financial_status: str = "paid"
    cancelled_at: datetime | None = None
    cancel_reason: str | None = None
    closed_at: datetime | None = None
    processed_at: datetime | None = None
    total_tax: Decimal = Decimal("0")
    total_shipping: Decimal = Decimal("0")
    total_discounts: Decimal = Decimal("0")
    discount_codes: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    note: str | None = None
    shipping_address: Address | None = None
    billing_address: Address | None = None
    fulfillments: list[Fulfillment] = field(default_factory=list)
    refunds: list[Refund] = field(default_factory=list)
    checkout_id: int | None = None
    checkout_token: str | None = None
    cart_token: str | None = None
    buyer_accepts_marketing: bool = False
    source_name: str = "web"
    company_id: int | None = None

    @property
    def name(self) -> str:
        """`#1001`-style order name."""
        return f"#{self.number}"

    def fulfillment_status(self) -> str | None:
        """`fulfilled`, `partial` or None (unfulfilled), from the lines' fulfilled quantities."""
        live = [line for line in self.line_items if line.live_quantity > 0]
        if not live or all(line.fulfilled_quantity <= 0 for line in live):
            return None
        if all(line.fulfilled_quantity >= line.live_quantity for line in live):
            return "fulfilled"
        return "partial"

    def subtotal(self, *, current: bool) -> Decimal:
        """Sum of line prices (current quantities after edits when `current`) less discounts."""
        lines = sum((line.price * (line.live_quantity if current else line.quantity) for line in self.line_items),
                    Decimal("0"))
        return lines - self.total_discounts

    def rest(self, shop: ShopInfo, customer: dict | None) -> dict:
        """The REST shape of an order (with a snapshot of its customer)."""
        c = shop.currency
        subtotal = self.subtotal(current=False)
        current_subtotal = self.subtotal(current=True)
        refunded = sum((r.amount for r in self.refunds), Decimal("0"))
        total = subtotal + self.total_tax + self.total_shipping
        current_total = current_subtotal + self.total_tax + self.total_shipping - refunded
        lines_total = sum((line.price * line.quantity for line in self.line_items), Decimal("0"))
        items_by_id = {line.id: line.rest(shop, in_order=True) for line in self.line_items}
        shipping_set = {"shop_money": {"amount": money(self.total_shipping, c), "currency_code": c},
                        "presentment_money": {"amount": money(self.total_shipping, c), "currency_code": c}}
        return {
            "id": self.id,
            "admin_graphql_api_id": f"gid://shopify/Order/{self.id}",
            "buyer_accepts_marketing": self.buyer_accepts_marketing,
            "cancel_reason": self.cancel_reason,
            "cancelled_at": shop.time(self.cancelled_at),
            "cart_token": self.cart_token,
            "checkout_id": self.checkout_id,
            "checkout_token": self.checkout_token,
            "closed_at": shop.time(self.closed_at),
            "company": {"id": self.company_id, "location_id": self.company_id + 1} if self.company_id else None,
            "created_at": shop.time(self.created_at),
            "currency": c,
            "presentment_currency": c,
            "current_subtotal_price": money(current_subtotal, c),
            "current_total_discounts": money(self.total_discounts, c),
            "current_total_price": money(current_total, c),
            "current_total_tax": money(self.total_tax, c),
            "discount_codes": [{"code": code, "amount": money(self.total_discounts, c), "type": "fixed_amount"}
                               for code in self.discount_codes],
            "email": self.email or "",
            "financial_status": self.financial_status,
            "fulfillment_status": self.fulfillment_status(),
            "landing_site": None,
            "name": self.name,
            "note": self.note,
            "note_attributes": [],
            "number": self.number - 1000,
            "order_number": self.number,
            "order_status_url": f"https://{shop.domain}/{self.id}/orders/{self.checkout_token or self.id}/authenticate",
            "phone": self.phone,
            "processed_at": shop.time(self.processed_at or self.created_at),
            "referring_site": None,
            "source_name": self.source_name,
            "subtotal_price": money(subtotal, c),
            "tags": ", ".join(self.tags),
            "tax_lines": [],
            "taxes_included": False,
            "test": False,
            "token": f"{self.id:x}",
            "total_discounts": money(self.total_discounts, c),
            "total_line_items_price": money(lines_total, c),
            "total_price": money(total, c),
            "total_shipping_price_set": shipping_set,
            "total_tax": money(self.total_tax, c),
            "total_weight": sum(line.grams * line.quantity for line in self.line_items),
            "updated_at": shop.time(self.updated_at),
            "billing_address": self.billing_address.rest_plain() if self.billing_address else None,
            "customer": customer,
            "fulfillments": [f.rest(shop, [items_by_id[i] for i in f.line_item_ids if i in items_by_id])
                             for f in self.fulfillments],
            "line_items": list(items_by_id.values()),
            "refunds": [r.rest(shop) for r in self.refunds],
            "shipping_address": self.shipping_address.rest_plain() if self.shipping_address else None,
            "shipping_lines": ([{"id": self.id + 7, "title": "Standard", "code": "Standard",
                                 "price": money(self.total_shipping, c), "source": "shopify"}]
                               if self.total_shipping else []),
        }


@dataclass
class Checkout:
    """A checkout; listed as abandoned until it completes (then it is an order)."""

    id: int
    token: str
    cart_token: str
    created_at: datetime
    updated_at: datetime
    line_items: list[LineItem]
    currency: str
    email: str | None = None
    phone: str | None = None
    customer_id: int | None = None
    completed_at: datetime | None = None
    closed_at: datetime | None = None
    total_tax: Decimal = Decimal("0")
    total_shipping: Decimal = Decimal("0")
    total_discounts: Decimal = Decimal("0")
    buyer_accepts_marketing: bool = False
    order_id: int | None = None

    def rest(self, shop: ShopInfo, customer: dict | None) -> dict:
        """The REST shape of an abandoned checkout."""
        c = shop.currency
        lines_total = sum((line.price * line.quantity for line in self.line_items), Decimal("0"))
        subtotal = lines_total - self.total_discounts
        return {
            "id": self.id,
            "token": self.token,
            "cart_token": self.cart_token,
            "email": self.email,
            "phone": self.phone,
            "gateway": None,
            "buyer_accepts_marketing": self.buyer_accepts_marketing,
            "created_at": shop.time(self.created_at),
            "updated_at": shop.time(self.updated_at),
            "landing_site": None,
            "note": None,
            "note_attributes": [],
            "referring_site": None,
            "shipping_lines": ([{"title": "Standard", "price": money(self.total_shipping, c), "code": "Standard"}]
                               if self.total_shipping else []),
            "taxes_included": False,
            "total_weight": sum(line.grams * line.quantity for line in self.line_items),
            "currency": c,
            "presentment_currency": c,
            "completed_at": shop.time(self.completed_at),
            "closed_at": shop.time(self.closed_at),
            "name": f"#{self.id}",
            "source_name": "web",
            "total_discounts": money(self.total_discounts, c),
            "total_line_items_price": money(lines_total, c),
            "total_price": money(subtotal + self.total_tax + self.total_shipping, c),
            "total_tax": money(self.total_tax, c),
            "subtotal_price": money(subtotal, c),
            "discount_codes": [],
            "tax_lines": [],
            "line_items": [line.rest(shop, in_order=False) for line in self.line_items],
            "abandoned_checkout_url": f"https://{shop.domain}/{self.id}/checkouts/{self.token}/recover?key=k{self.id:x}",
            "billing_address": None,
            "shipping_address": None,
            "customer": customer,
        }


@dataclass
class WebhookSubscription:
    """A webhook subscription made by one app in one shop."""

    id: int
    app: str  # client id of the app that subscribed
    topic: str
    address: str
    created_at: datetime
    updated_at: datetime
    format: str = "json"
    fields: list[str] = field(default_factory=list)
    api_version: str = "2024-10"

    def rest(self, shop: ShopInfo) -> dict:
        """The REST shape of a webhook subscription."""
        return {
            "id": self.id, "address": self.address, "topic": self.topic,
            "created_at": shop.time(self.created_at), "updated_at": shop.time(self.updated_at),
            "format": self.format, "fields": list(self.fields), "metafield_namespaces": [],
            "api_version": self.api_version, "private_metafield_namespaces": [],
        }


@dataclass
class Event:
    """An entry of the Events API (how a poller learns that a product was destroyed)."""

    id: int
    subject_id: int
    subject_type: str
    verb: str
    created_at: datetime
    message: str
    arguments: list = field(default_factory=list)

    def rest(self, shop: ShopInfo) -> dict:
        """The REST shape of an event."""
        path = f"/admin/{self.subject_type.lower()}s/{self.subject_id}"
        return {"id": self.id, "subject_id": self.subject_id, "created_at": shop.time(self.created_at),
                "subject_type": self.subject_type, "verb": self.verb, "arguments": list(self.arguments),
                "body": None, "message": self.message, "author": "Shopify", "description": self.message,
                "path": path}
