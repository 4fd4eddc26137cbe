"""What the fake Shopify keeps: shops, apps and tokens, the filters of REST lists, and the scopes and enums its
validation reads.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from fakes.shopify.bulk import BulkOperation
from fakes.shopify.errors import NotFound
from fakes.shopify.models import Checkout, Customer, Event, Order, Product, ShopInfo, WebhookSubscription
from fakes.shopify.ratelimit import PLANS, BucketPlan
from fakes.shopify.values import email_key
from fakes.tables import RecordTable, micros

ALL_SCOPES = frozenset({
    "read_customers", "write_customers", "read_products", "write_products", "read_orders", "write_orders",
    "read_all_orders", "read_checkouts", "write_checkouts",
})

# Which read scope a webhook topic needs (docs/vendor-behaviour.md §1.6 "Webhook subscriptions").
TOPIC_SCOPES: dict[str, str | None] = {
    **{f"customers/{v}": "read_customers" for v in ("create", "update", "delete", "enable", "disable")},
    **{f"products/{v}": "read_products" for v in ("create", "update", "delete")},
    **{f"orders/{v}": "read_orders" for v in ("create", "updated", "delete", "paid", "cancelled", "fulfilled",
                                               "partially_fulfilled", "edited")},
    **{f"checkouts/{v}": "read_orders" for v in ("create", "update", "delete")},
    **{f"companies/{v}": "read_customers" for v in ("create", "update", "delete")},
    "app/uninstalled": None,
    "bulk_operations/finish": None,
}

WEBHOOK_API_VERSION = "2024-10"
FINANCIAL_STATUSES = ("pending", "authorized", "partially_paid", "paid", "partially_refunded", "refunded", "voided")
CANCEL_REASONS = ("customer", "fraud", "inventory", "declined", "other")
SHIPMENT_STATUSES = ("label_printed", "label_purchased", "attempted_delivery", "ready_for_pickup", "confirmed",
                     "in_transit", "out_for_delivery", "delivered", "failure")
CONSENT_STATES = ("subscribed", "not_subscribed", "pending", "unsubscribed", "redacted", "invalid")
OPT_IN_LEVELS = ("single_opt_in", "confirmed_opt_in", "unknown")



def has_scope(granted: frozenset[str], needed: str) -> bool:
    """Whether `granted` covers `needed`; a write scope implies its read scope, as on Shopify."""
    if needed in granted:
        return True
    return needed.startswith("read_") and "write_" + needed[len("read_"):] in granted


@dataclass
class App:
    """An app that can be installed in shops: client id and secret (webhook and OAuth signing key)."""

    client_id: str
    client_secret: str
    name: str
    # Where the admin embeds the app (shopify.app.toml's `application_url`); None: the app has no page.
    application_url: str | None = None


@dataclass(frozen=True)
class AccessToken:
    """An offline Admin API token of one app in one shop."""

    token: str
    shop: str
    app: str  # client id
    scopes: frozenset[str]


def updated_micros(record: object) -> int:
    """A record's `updated_at` in microseconds since the epoch (the stamp of the tables' update index)."""
    return micros(record.updated_at)  # type: ignore[attr-defined]


def _table(items: dict | None = None) -> RecordTable:
    return RecordTable(items, stamp=updated_micros)


@dataclass
class Shop:
    """One shop's records."""

    info: ShopInfo
    plan: str
    created_at: datetime
    # Id-ordered, so that a page of a listing is found by seeking to its cursor (see `Selection`); compact
    # past a few thousand records, and indexed by update time (fakes/tables.py).
    customers: RecordTable[Customer] = field(default_factory=lambda: _table())
    products: RecordTable[Product] = field(default_factory=lambda: _table())
    orders: RecordTable[Order] = field(default_factory=lambda: _table())
    checkouts: RecordTable[Checkout] = field(default_factory=lambda: _table())
    webhooks: dict[int, WebhookSubscription] = field(default_factory=dict)
    events: list[Event] = field(default_factory=list)
    next_order_number: int = 1001
    # Uniqueness indexes (email key / E.164 phone -> customer id): a create stays O(1) in big shops.
    emails: dict[str, int] = field(default_factory=dict)
    phones: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._restored()

    def _restored(self) -> None:
        for name in ("customers", "products", "orders", "checkouts"):  # a snapshot may restore plain dicts
            if not isinstance(getattr(self, name), RecordTable):
                setattr(self, name, _table(getattr(self, name)))

    def index(self, customer: Customer) -> None:
        """Record a customer's email and phone in the uniqueness indexes."""
        if email_key(customer.email):
            self.emails[email_key(customer.email) or ""] = customer.id
        if customer.phone:
            self.phones[customer.phone] = customer.id

    def unindex(self, customer: Customer) -> None:
        """Drop a customer's entries from the uniqueness indexes."""
        key = email_key(customer.email)
        if key and self.emails.get(key) == customer.id:
            del self.emails[key]
        if customer.phone and self.phones.get(customer.phone) == customer.id:
            del self.phones[customer.phone]

    def customer_by_email(self, email: str | None) -> Customer | None:
        """The customer with this email (case-insensitive, trimmed), if any."""
        found = self.emails.get(email_key(email) or "")
        return self.customers.get(found) if found is not None else None
    companies: object | None = None  # CompanyBook, made on first use
    bulk_operations: dict[int, BulkOperation] = field(default_factory=dict)

    @property
    def bucket_plan(self) -> BucketPlan:
        """The REST bucket of this shop's plan."""
        return PLANS.get(self.plan, PLANS["basic"])


@dataclass(frozen=True)
class ListQuery:
    """The filters every REST list endpoint shares (docs/vendor-behaviour.md §1.4, §1.7)."""

    ids: frozenset[int] | None = None
    since_id: int | None = None
    created_at_min: datetime | None = None
    created_at_max: datetime | None = None
    updated_at_min: datetime | None = None
    updated_at_max: datetime | None = None
    extra: tuple[tuple[str, str], ...] = ()

    def get(self, name: str) -> str | None:
        """An endpoint-specific filter value (status, title, ...)."""
        return dict(self.extra).get(name)

    def admits(self, record: object) -> bool:
        """Whether a record with `id`, `created_at`, `updated_at` passes the shared filters."""
        rid = record.id  # type: ignore[attr-defined]
        created = record.created_at  # type: ignore[attr-defined]
        updated = record.updated_at  # type: ignore[attr-defined]
        return not (
            (self.ids is not None and rid not in self.ids)
            or (self.since_id is not None and rid <= self.since_id)
            or (self.created_at_min and created < self.created_at_min)
            or (self.created_at_max and created > self.created_at_max)
            or (self.updated_at_min and updated < self.updated_at_min)
            or (self.updated_at_max and updated > self.updated_at_max)
        )


@dataclass
class EventView:
    """An event seen through ListQuery (events have no updated_at; created_at stands in)."""

    event: Event

    @property
    def id(self) -> int:
        return self.event.id

    @property
    def created_at(self) -> datetime:
        return self.event.created_at

    @property
    def updated_at(self) -> datetime:
        return self.event.created_at


def found(table: dict, record_id: int):
    """The record with this id, or Shopify's 404."""
    record = table.get(record_id)
    if record is None:
        raise NotFound()
    return record
