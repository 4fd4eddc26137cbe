"""ShopifyStore: the state of every fake shop and the operations on it, with Shopify's validation.

Pure Python, thread-safe, no Flask: the HTTP layer in `routes/` parses a request, calls one method
here and renders the result. Merchant edits (the harness acting as a shop owner in the admin) and
API calls go through the same methods, so both leave the same traces (timestamps, webhooks, events).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import threading
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from sortedcontainers import SortedDict

from fakes.clock import SimClock
from fakes.outbox import Delivery, Outbox
from fakes.shopify.bulk import BulkOperation, duration
from fakes.shopify.errors import BadParameter, Invalid, MissingScope, NotFound, Unauthorized, missing_root
from fakes.shopify.models import (
    Address,
    Checkout,
    Customer,
    Event,
    Fulfillment,
    LineItem,
    Order,
    Product,
    Refund,
    ShopInfo,
    Variant,
    WebhookSubscription,
)
from fakes.shopify.pagination import Selection
from fakes.shopify.payload import Fields
from fakes.shopify.ratelimit import PLANS, BucketPlan, LeakyBuckets
from fakes.shopify.values import EMAIL_RE, email_key, normalise_phone, remove_white_space, slugify

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


@dataclass
class Shop:
    """One shop's records."""

    info: ShopInfo
    plan: str
    created_at: datetime
    # Id-ordered, so that a page of a listing is found by seeking to its cursor (see `Selection`).
    customers: SortedDict[int, Customer] = field(default_factory=SortedDict)
    products: SortedDict[int, Product] = field(default_factory=SortedDict)
    orders: SortedDict[int, Order] = field(default_factory=SortedDict)
    checkouts: SortedDict[int, Checkout] = field(default_factory=SortedDict)
    webhooks: dict[int, WebhookSubscription] = field(default_factory=dict)
    events: list[Event] = field(default_factory=list)
    next_order_number: int = 1001
    # Uniqueness indexes (email key / E.164 phone -> customer id): a create stays O(1) in big shops.
    emails: dict[str, int] = field(default_factory=dict)
    phones: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for name in ("customers", "products", "orders", "checkouts"):  # a snapshot restores plain dicts
            if not isinstance(getattr(self, name), SortedDict):
                setattr(self, name, SortedDict(getattr(self, name)))

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


class ShopifyStore:
    """Every shop of one fake Shopify: records, apps and tokens, webhooks, rate-limit buckets."""

    FIRST_ID = 7_100_000_001

    def __init__(self, clock: SimClock | None = None, outbox: Outbox | None = None) -> None:
        self.clock = clock or SimClock()
        self.outbox = outbox if outbox is not None else Outbox()
        self.lock = threading.RLock()
        self.buckets = LeakyBuckets(self.clock.now)
        self.on_change: list[Callable[[str, str, dict], None]] = []
        self._reset_state()

    # ----------------------------------------------------------------- lifecycle and tenants

    def _reset_state(self) -> None:
        self.shops: dict[str, Shop] = {}
        self.apps: dict[str, App] = {}
        self.tokens: dict[str, AccessToken] = {}
        self.oauth_codes: dict[str, tuple[str, str, frozenset[str]]] = {}
        self._next_id = self.FIRST_ID
        self._token_counter = 0
        self._session_tokens = 0  # session tokens the admin issued (their serial makes each jti unique)
        self._cost_buckets: dict[tuple[str, str], object] = {}

    def reset(self) -> None:
        """Forget every shop, app, token and bucket (a fresh world)."""
        with self.lock:
            self._reset_state()
            self.buckets.reset()

    def next_id(self) -> int:
        """A fresh record id; deterministic, shared across record kinds like Shopify's own."""
        with self.lock:
            value = self._next_id
            self._next_id += 1
            return value

    def now(self) -> datetime:
        """Simulated now."""
        return self.clock.now()

    def add_app(self, client_id: str, client_secret: str, name: str | None = None) -> App:
        """Register an app (its client secret signs its webhooks and OAuth callbacks)."""
        with self.lock:
            app = App(client_id, client_secret, name or client_id)
            self.apps[client_id] = app
            return app

    def set_application_url(self, client_id: str, url: str | None) -> App:
        """The URL the admin loads the app from, in an iframe (the app's configuration, not an API)."""
        with self.lock:
            app = self.apps.get(client_id)
            if app is None:
                raise ValueError(f"unknown app {client_id!r}")
            app.application_url = url
            return app

    def owner_id(self, shop: str) -> int:
        """The staff id of the shop's owner: the user the admin's session tokens name (`sub`)."""
        return 86_000_000 + self.shop_id(shop)

    def session_token(self, shop: str, client_id: str) -> str:
        """A fresh session token for the shop owner in `client_id`'s embedded page (fakes/shopify/session_tokens.py)."""
        from fakes.shopify.session_tokens import claims, sign

        with self.lock:
            self.shop(shop)
            app = self.apps[client_id]
            self._session_tokens += 1
            payload = claims(shop=shop, client_id=client_id, user_id=self.owner_id(shop), now=self.now(),
                             serial=self._session_tokens)
            return sign(payload, app.client_secret)

    def installed(self, shop: str, client_id: str) -> bool:
        """Whether the merchant installed the app in `shop` (approved its scopes, whether or not the app has
        exchanged its code yet) and has not uninstalled it since."""
        with self.lock:
            return any(t.shop == shop and t.app == client_id for t in self.tokens.values()) or any(
                code_shop == shop and app == client_id for code_shop, app, _ in self.oauth_codes.values())

    def add_shop(self, name: str, *, plan: str = "basic", currency: str = "USD", utc_offset_hours: float = -5) -> Shop:
        """Create an empty shop `name` (reachable as `name.myshopify.com`)."""
        if not name or not all(c.isalnum() or c == "-" for c in name):
            raise ValueError(f"invalid shop name {name!r}")
        with self.lock:
            shop = Shop(ShopInfo(name, currency.upper(), timedelta(hours=utc_offset_hours)), plan, self.now())
            self.shops[name] = shop
            return shop

    def shop(self, name: str) -> Shop:
        """The shop called `name`, or 404."""
        shop = self.shops.get(name)
        if shop is None:
            raise NotFound()
        return shop

    def issue_token(self, shop: str, app: str, scopes: Iterable[str] | None = None, token: str | None = None) -> str:
        """Install `app` in `shop` with `scopes` (all when None) and return its access token."""
        with self.lock:
            self.shop(shop)
            if app not in self.apps:
                raise ValueError(f"unknown app {app!r}")
            if token is None:
                self._token_counter += 1
                digest = hashlib.sha256(f"{shop}:{app}:{self._token_counter}".encode()).hexdigest()
                token = f"shpat_{digest[:32]}"
            granted = frozenset(ALL_SCOPES if scopes is None else scopes)
            self.tokens[token] = AccessToken(token, shop, app, granted)
            return token

    def authenticate(self, shop: str, token: str | None, scope: str | None) -> AccessToken:
        """The token's grant for `shop`; 401 when unknown or for another shop, 403 without `scope`."""
        grant = self.tokens.get(token or "")
        if grant is None or grant.shop != shop:
            raise Unauthorized()
        if scope is not None and not has_scope(grant.scopes, scope):
            raise MissingScope(scope)
        return grant

    def company_book(self, shop_name: str):
        """The shop's B2B companies (GraphQL only); made on first use, wired to webhooks."""
        from fakes.shopify.companies import CompanyBook

        with self.lock:
            shop = self.shop(shop_name)
            if shop.companies is None:
                def changed(topic: str, company, shop: Shop = shop) -> None:
                    book = shop.companies
                    with self.lock:
                        self._emit(shop, topic, book.rest_json(company, utc_offset=shop.info.utc_offset))

                shop.companies = CompanyBook(self.now, self.next_id, changed, lock=self.lock)
                shop.companies.owner_exists = lambda gid, shop=shop: _has_owner(shop, gid)
            return shop.companies

    def create_company(self, shop_name: str, name: str | None, **fields: object):
        """A merchant creates a B2B company in the admin (`website=` sets its website metafield)."""
        return self.company_book(shop_name).create(name, **fields)

    def update_company(self, shop_name: str, company_id: int, **fields: object):
        """A merchant edits a company (name, note, external_id, website)."""
        return self.company_book(shop_name).update(company_id, **fields)

    def delete_company(self, shop_name: str, company_id: int) -> None:
        """A merchant deletes a company."""
        self.company_book(shop_name).delete(company_id)

    def cost_bucket(self, grant: AccessToken):
        """The app's GraphQL cost bucket in its shop (docs/vendor-behaviour.md §1.5: cost-based, apart from REST)."""
        from fakes.shopify.graphql.cost import CostBucket

        with self.lock:
            key = (grant.app, grant.shop)
            bucket = self._cost_buckets.get(key)
            if bucket is None:
                plan = self.shop(grant.shop).plan
                bucket = CostBucket.for_plan(self.now, plan if plan in ("advanced", "plus") else "standard")
                if plan == "unlimited":
                    bucket = CostBucket(self.now, capacity=10.0**9, restore_rate=10.0**9, max_query_cost=10**9)
                self._cost_buckets[key] = bucket
            return bucket

    def count_call(self, grant: AccessToken) -> str:
        """Spend one REST call from the app's bucket in this shop; the call-limit header value."""
        return self.buckets.take(grant.app, grant.shop, self.shop(grant.shop).bucket_plan)

    def uninstall(self, shop_name: str, app: str) -> None:
        """The merchant uninstalls `app`: `app/uninstalled` fires, then its tokens and webhooks go."""
        with self.lock:
            shop = self.shop(shop_name)
            self._emit(shop, "app/uninstalled", self.shop_json(shop_name), only_app=app)
            for token in [t for t, g in self.tokens.items() if g.shop == shop_name and g.app == app]:
                del self.tokens[token]
            for wid in [w.id for w in shop.webhooks.values() if w.app == app]:
                del shop.webhooks[wid]

    def shop_id(self, shop_name: str) -> int:
        """The shop's numeric id (REST `shop.id`, the number in its `gid://shopify/Shop/...`)."""
        return 48_000_000 + sorted(self.shops).index(shop_name)

    def shop_json(self, shop_name: str) -> dict:
        """`GET shop.json`'s object."""
        shop = self.shop(shop_name)
        info = shop.info
        hours = info.utc_offset.total_seconds() / 3600
        return {
            "id": self.shop_id(shop_name), "name": info.name.replace("-", " ").title(),
            "email": f"owner@{info.name}.example", "domain": info.domain, "myshopify_domain": info.domain,
            "province": None, "country": "US", "country_code": "US", "currency": info.currency,
            "customer_email": f"support@{info.name}.example", "timezone": f"(GMT{hours:+03.0f}:00) Shop time",
            "iana_timezone": "America/New_York" if hours == -5 else "Etc/UTC", "plan_name": shop.plan,
            "plan_display_name": shop.plan.title(), "money_format": "${{amount}}", "weight_unit": "kg",
            "created_at": info.time(shop.created_at), "updated_at": info.time(shop.created_at),
            "primary_locale": "en", "enabled_presentment_currencies": [info.currency],
        }

    # ----------------------------------------------------------------- bulk operations (GraphQL)

    def start_bulk_query(self, grant: AccessToken, version: str, query: str, lines: list[str],
                         roots: int, limit: int) -> BulkOperation:
        """Record an export whose JSONL `lines` the GraphQL layer computed; ValueError naming the operation in
        progress when the app already runs `limit` of them in this shop."""
        with self.lock:
            self.settle_bulk()
            shop = self.shop(grant.shop)
            running = [op for op in shop.bulk_operations.values() if op.app == grant.app and op.running()]
            if len(running) >= limit:
                raise ValueError(running[-1].gid)
            now = self.now()
            operation = BulkOperation(self.next_id(), grant.app, query, version, now, now + duration(len(lines)),
                                      lines, roots)
            shop.bulk_operations[operation.id] = operation
            return operation

    def bulk_operation(self, grant: AccessToken, operation_id: int | None) -> BulkOperation | None:
        """One of the app's operations in its shop, brought up to the clock."""
        with self.lock:
            self.settle_bulk()
            found = self.shop(grant.shop).bulk_operations.get(operation_id or -1)
            return found if found is not None and found.app == grant.app else None

    def bulk_operations_of(self, grant: AccessToken) -> list[BulkOperation]:
        """The app's operations in its shop, oldest first."""
        with self.lock:
            self.settle_bulk()
            return [op for op in self.shop(grant.shop).bulk_operations.values() if op.app == grant.app]

    def cancel_bulk_operation(self, grant: AccessToken, operation_id: int) -> BulkOperation:
        """Ask a running operation to stop (CANCELING, then CANCELED); ValueError when it has ended."""
        with self.lock:
            operation = self.bulk_operation(grant, operation_id)
            if operation is None:
                raise NotFound()
            if not operation.running():
                raise ValueError(operation.status)
            if operation.status != "CANCELING":
                operation.cancel(self.now())
            return operation

    def fail_bulk_operation(self, shop_name: str, operation_id: int, error_code: str = "INTERNAL_SERVER_ERROR") -> None:
        """Harness: a running operation fails now (FAILED with `error_code`; its finish webhook follows)."""
        with self.lock:
            self.settle_bulk()
            operation = self.shop(shop_name).bulk_operations.get(operation_id)
            if operation is None:
                raise NotFound()
            if operation.running():
                operation.fail(self.now(), error_code)
            self._finish_bulk(self.shop(shop_name), operation)

    def settle_bulk(self) -> None:
        """Bring every bulk operation up to the clock, firing `bulk_operations/finish` for those that ended."""
        now = self.now()
        with self.lock:
            for shop in self.shops.values():
                for operation in list(shop.bulk_operations.values()):
                    operation.settle(now)
                    self._finish_bulk(shop, operation)

    def _finish_bulk(self, shop: Shop, operation: BulkOperation) -> None:
        if operation.finish_sent or operation.running():
            return
        operation.finish_sent = True
        self._emit(shop, "bulk_operations/finish", operation.finish_payload(), only_app=operation.app)

    # ----------------------------------------------------------------- webhooks out

    def _emit(self, shop: Shop, topic: str, payload: dict, *, only_app: str | None = None) -> None:
        """Queue one signed delivery per matching subscription and tell in-process listeners."""
        for listener in self.on_change:
            listener(shop.info.name, topic, payload)
        subscriptions = [w for w in shop.webhooks.values()
                         if w.topic == topic and (only_app is None or w.app == only_app)]
        if not subscriptions:
            return
        now = self.now()
        event_id = str(uuid.UUID(int=self.next_id()))
        for sub in sorted(subscriptions, key=lambda w: w.id):
            app = self.apps.get(sub.app)
            if app is None:
                continue
            body_obj = {k: v for k, v in payload.items() if k in sub.fields} if sub.fields else payload
            body = json.dumps(body_obj, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
            digest = hmac.new(app.client_secret.encode(), body, hashlib.sha256).digest()
            seq = self.outbox.next_seq()
            headers = {
                "Content-Type": "application/json",
                "X-Shopify-Topic": topic,
                "X-Shopify-Hmac-Sha256": base64.b64encode(digest).decode(),
                "X-Shopify-Shop-Domain": shop.info.domain,
                "X-Shopify-API-Version": sub.api_version,
                "X-Shopify-Webhook-Id": str(uuid.UUID(int=(1 << 64) + seq)),
                "X-Shopify-Triggered-At": now.isoformat().replace("+00:00", "Z"),
                "X-Shopify-Event-Id": event_id,
            }
            self.outbox.put(Delivery(seq, "shopify", shop.info.name, topic, event_id, sub.address, now, now,
                                     body, headers))

    def _event(self, shop: Shop, subject_type: str, subject_id: int, verb: str, message: str) -> None:
        shop.events.append(Event(self.next_id(), subject_id, subject_type, verb, self.now(), message))

    # ----------------------------------------------------------------- customers

    def customer_json(self, shop: Shop, customer: Customer) -> dict:
        """A customer's REST object."""
        return customer.rest(shop.info)

    def list_customers(self, shop_name: str, query: ListQuery) -> Selection[Customer]:
        """Customers passing the filters, by id."""
        return Selection(self.shop(shop_name).customers, query.admits, self.lock)

    def get_customer(self, shop_name: str, customer_id: int) -> Customer:
        """One customer or 404."""
        return _found(self.shop(shop_name).customers, customer_id)

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

    # ----------------------------------------------------------------- products and variants

    def list_products(self, shop_name: str, query: ListQuery) -> Selection[Product]:
        """Products passing the filters (shared ones plus title, vendor, handle, product_type, status)."""
        wanted = {k: v for k, v in query.extra if k in ("title", "vendor", "handle", "product_type", "status")}

        def keep(product: Product) -> bool:
            if not query.admits(product):
                return False
            if "status" in wanted and product.status not in wanted["status"].split(","):
                return False
            if "handle" in wanted and product.handle not in wanted["handle"].split(","):
                return False
            return not any(str(getattr(product, k) or "") != v for k, v in wanted.items()
                           if k not in ("status", "handle"))

        return Selection(self.shop(shop_name).products, keep, self.lock)

    def get_product(self, shop_name: str, product_id: int) -> Product:
        """One product or 404."""
        return _found(self.shop(shop_name).products, product_id)

    def create_product(self, shop_name: str, payload: object) -> Product:
        """Create a product; with no variants given it gets the one "Default Title" variant."""
        if not isinstance(payload, dict):
            raise missing_root("product")
        with self.lock:
            shop = self.shop(shop_name)
            f = Fields("product", payload)
            now = self.now()
            title = f.text("title")
            if title is None:
                f.add("title", "can't be blank")
            product = Product(id=self.next_id(), title=title or "", handle="", created_at=now, updated_at=now)
            self._apply_product(shop, product, f)
            variants = f.objects("variants") or [{}]
            options = f.objects("options")
            if options:
                product.option_names = [str(o.get("name") or f"Option{i + 1}") for i, o in enumerate(options[:3])]
            product.variants = []
            for position, spec in enumerate(variants, start=1):
                product.variants.append(self._new_variant(product, spec, position, f))
            self._check_variants(product, f)
            f.raise_if_any()
            handle = f.text("handle") or slugify(product.title)
            product.handle = self._unique_handle(shop, handle)
            if product.status == "active":
                product.published_at = now
            shop.products[product.id] = product
            self._event(shop, "Product", product.id, "create", f"{product.title} was created.")
            self._emit(shop, "products/create", product.rest(shop.info))
            return product

    def update_product(self, shop_name: str, product_id: int, payload: object) -> Product:
        """Update product fields; a `variants` list replaces the variants (ids keep existing ones)."""
        if not isinstance(payload, dict):
            raise missing_root("product")
        with self.lock:
            shop = self.shop(shop_name)
            product = self.get_product(shop_name, product_id)
            f = Fields("product", payload)
            before = json.dumps(product.rest(shop.info), sort_keys=True)
            draft = Product(**{**product.__dict__, "variants": [Variant(**v.__dict__) for v in product.variants],
                               "tags": list(product.tags), "option_names": list(product.option_names)})
            if f.has("title"):
                title = f.text("title")
                if title is None:
                    f.add("title", "can't be blank")
                else:
                    draft.title = title
            self._apply_product(shop, draft, f)
            specs = f.objects("variants")
            if specs is not None:
                if not specs:
                    f.add("variants", "must have at least one variant")
                existing = {v.id: v for v in draft.variants}
                new_variants = []
                for position, spec in enumerate(specs, start=1):
                    vid = spec.get("id")
                    if vid is not None and vid in existing:
                        variant = existing[vid]
                        self._apply_variant(variant, Fields("variant", spec), f)
                        variant.position = position
                        new_variants.append(variant)
                    else:
                        new_variants.append(self._new_variant(draft, spec, position, f))
                draft.variants = new_variants
            self._check_variants(draft, f)
            f.raise_if_any()
            if f.has("handle") and f.text("handle"):
                draft.handle = self._unique_handle(shop, f.text("handle") or draft.handle, exclude=product.id)
            if draft.status == "active" and draft.published_at is None:
                draft.published_at = self.now()
            product.__dict__.update(draft.__dict__)
            if json.dumps(product.rest(shop.info), sort_keys=True) != before:
                product.updated_at = self.now()
                for variant in product.variants:
                    variant.product_id = product.id
                self._event(shop, "Product", product.id, "update", f"{product.title} was updated.")
                self._emit(shop, "products/update", product.rest(shop.info))
            return product

    def delete_product(self, shop_name: str, product_id: int) -> None:
        """Delete a product (a `destroy` event and `products/delete` webhook follow)."""
        with self.lock:
            shop = self.shop(shop_name)
            product = self.get_product(shop_name, product_id)
            del shop.products[product_id]
            self._event(shop, "Product", product.id, "destroy", f"{product.title} was deleted.")
            self._emit(shop, "products/delete", {"id": product.id})

    def create_variant(self, shop_name: str, product_id: int, payload: object) -> Variant:
        """Add a variant to a product."""
        if not isinstance(payload, dict):
            raise missing_root("variant")
        with self.lock:
            shop = self.shop(shop_name)
            product = self.get_product(shop_name, product_id)
            f = Fields("variant", payload)
            variant = self._new_variant(product, payload, len(product.variants) + 1, f)
            trial = Product(**{**product.__dict__, "variants": [*product.variants, variant]})
            self._check_variants(trial, f)
            f.raise_if_any()
            product.variants.append(variant)
            self._touch_product(shop, product)
            return variant

    def get_variant(self, shop_name: str, variant_id: int) -> Variant:
        """One variant by id, or 404."""
        for product in self.shop(shop_name).products.values():
            for variant in product.variants:
                if variant.id == variant_id:
                    return variant
        raise NotFound()

    def update_variant(self, shop_name: str, variant_id: int, payload: object) -> Variant:
        """Update a variant (price, sku, options...)."""
        if not isinstance(payload, dict):
            raise missing_root("variant")
        with self.lock:
            shop = self.shop(shop_name)
            variant = self.get_variant(shop_name, variant_id)
            product = self.get_product(shop_name, variant.product_id)
            f = Fields("variant", payload)
            draft = Variant(**variant.__dict__)
            self._apply_variant(draft, f, f)
            trial = Product(**{**product.__dict__,
                               "variants": [draft if v.id == variant_id else v for v in product.variants]})
            self._check_variants(trial, f)
            f.raise_if_any()
            if draft != variant:
                draft.updated_at = self.now()
                variant.__dict__.update(draft.__dict__)
                self._touch_product(shop, product)
            return variant

    def delete_variant(self, shop_name: str, product_id: int, variant_id: int) -> None:
        """Delete a variant; the last one of a product cannot go."""
        with self.lock:
            shop = self.shop(shop_name)
            product = self.get_product(shop_name, product_id)
            if not any(v.id == variant_id for v in product.variants):
                raise NotFound()
            if len(product.variants) == 1:
                raise Invalid({"base": ["Cannot delete the last variant of a product"]})
            product.variants = [v for v in product.variants if v.id != variant_id]
            for position, variant in enumerate(product.variants, start=1):
                variant.position = position
            self._touch_product(shop, product)

    def _touch_product(self, shop: Shop, product: Product) -> None:
        product.updated_at = self.now()
        self._event(shop, "Product", product.id, "update", f"{product.title} was updated.")
        self._emit(shop, "products/update", product.rest(shop.info))

    def _apply_product(self, shop: Shop, product: Product, f: Fields) -> None:
        if f.has("body_html"):
            product.body_html = f.text("body_html", max_len=512_000, blank_is_none=False)
        if f.has("vendor"):
            product.vendor = f.text("vendor")
        if f.has("product_type"):
            product.product_type = f.text("product_type") or ""
        if f.has("tags"):
            product.tags = f.tags() or []
        if f.has("status"):
            status = f.text("status")
            if status not in ("active", "archived", "draft"):
                f.add("status", "is not included in the list")
            else:
                product.status = status
        elif not product.vendor:
            product.vendor = shop.info.name

    def _new_variant(self, product: Product, spec: dict, position: int, errors: Fields) -> Variant:
        now = self.now()
        variant = Variant(id=self.next_id(), product_id=product.id, created_at=now, updated_at=now,
                          position=position, inventory_item_id=self.next_id())
        self._apply_variant(variant, Fields("variant", spec), errors)
        if variant.option1 is None:
            variant.option1 = "Default Title"
        variant.title = " / ".join(o for o in variant.options_key() if o)
        return variant

    def _apply_variant(self, variant: Variant, f: Fields, errors: Fields) -> None:
        for name in ("option1", "option2", "option3", "sku", "barcode"):
            if f.has(name):
                setattr(variant, name, f.text(name))
        if f.has("price"):
            price = f.amount("price")
            if price is not None:
                variant.price = price
        if f.has("compare_at_price"):
            variant.compare_at_price = f.amount("compare_at_price")
        if f.has("grams"):
            variant.grams = f.integer("grams", minimum=0) or 0
        if f.has("inventory_management"):
            variant.inventory_management = f.text("inventory_management")
        if f.has("taxable"):
            variant.taxable = f.flag("taxable", True)
        if f.has("requires_shipping"):
            variant.requires_shipping = f.flag("requires_shipping", True)
        variant.title = " / ".join(o for o in variant.options_key() if o) or "Default Title"
        for name, messages in f.errors.items():
            for message in messages:
                errors.add(name, message)
        f.errors.clear()

    def _check_variants(self, product: Product, f: Fields) -> None:
        if len(product.variants) > 100:
            f.add("variants", "Variants have reached maximum of 100")
        seen: set[tuple] = set()
        for variant in product.variants:
            key = variant.options_key()
            if key in seen:
                f.add("base", f"The variant '{variant.title}' already exists.")
            seen.add(key)

    def _unique_handle(self, shop: Shop, handle: str, exclude: int | None = None) -> str:
        taken = {p.handle for p in shop.products.values() if p.id != exclude}
        candidate, n = slugify(handle), 1
        base = candidate
        while candidate in taken:
            candidate = f"{base}-{n}"
            n += 1
        return candidate

    # ----------------------------------------------------------------- orders

    def order_json(self, shop: Shop, order: Order) -> dict:
        """An order's REST object with its customer snapshot."""
        customer = shop.customers.get(order.customer_id) if order.customer_id else None
        snapshot = None
        if customer is not None:
            snapshot = customer.rest(shop.info)
            snapshot.pop("addresses", None)
        return order.rest(shop.info, snapshot)

    def list_orders(self, shop_name: str, query: ListQuery) -> Selection[Order]:
        """Orders passing the filters; `status` defaults to open (docs/vendor-behaviour.md §1.6)."""
        status = query.get("status") or "open"
        financial = query.get("financial_status") or "any"
        fulfillment = query.get("fulfillment_status") or "any"

        def keep(order: Order) -> bool:
            return (query.admits(order) and _order_status_matches(order, status)
                    and (financial == "any" or _financial_matches(order, financial))
                    and (fulfillment == "any" or _fulfillment_matches(order, fulfillment)))

        return Selection(self.shop(shop_name).orders, keep, self.lock)

    def get_order(self, shop_name: str, order_id: int) -> Order:
        """One order or 404."""
        return _found(self.shop(shop_name).orders, order_id)

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

    # ----------------------------------------------------------------- checkouts

    def checkout_json(self, shop: Shop, checkout: Checkout) -> dict:
        """A checkout's REST object."""
        customer = shop.customers.get(checkout.customer_id) if checkout.customer_id else None
        snapshot = None
        if customer is not None:
            snapshot = customer.rest(shop.info)
            snapshot.pop("addresses", None)
        return checkout.rest(shop.info, snapshot)

    def list_checkouts(self, shop_name: str, query: ListQuery) -> Selection[Checkout]:
        """Abandoned checkouts: never completed; `status` open (default) or closed."""
        status = query.get("status") or "open"
        return Selection(self.shop(shop_name).checkouts,
                         lambda c: c.completed_at is None and query.admits(c)
                         and (status == "any" or (c.closed_at is None) == (status == "open")), self.lock)

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
        return _found(self.shop(shop_name).checkouts, checkout_id)

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

    # ----------------------------------------------------------------- webhook subscriptions

    def create_webhook(self, grant: AccessToken, payload: object, api_version: str) -> WebhookSubscription:
        """Subscribe the calling app to a topic (422 on a bad topic, address or duplicate)."""
        if not isinstance(payload, dict):
            raise missing_root("webhook")
        with self.lock:
            shop = self.shop(grant.shop)
            f = Fields("webhook", payload)
            topic = f.text("topic")
            address = f.text("address", max_len=2048)
            fmt = f.text("format") or "json"
            allowed = sorted(t for t, s in TOPIC_SCOPES.items() if s is None or has_scope(grant.scopes, s))
            if topic not in allowed:
                f.add("topic", "Invalid topic specified. Topics allowed: " + ", ".join(allowed))
            if address is None:
                f.add("address", "can't be blank")
            elif not _valid_webhook_address(address):
                f.add("address", "is invalid")
            elif any(w.app == grant.app and w.topic == topic and w.address == address for w in shop.webhooks.values()):
                f.add("address", "for this topic has already been taken")
            if fmt not in ("json", "xml"):
                f.add("format", "is not included in the list")
            fields_list = payload.get("fields") or []
            if not isinstance(fields_list, list) or not all(isinstance(x, str) for x in fields_list):
                raise BadParameter("webhook", "Required parameter missing or invalid")
            f.raise_if_any()
            now = self.now()
            sub = WebhookSubscription(self.next_id(), grant.app, topic or "", address or "", now, now, fmt,
                                      list(fields_list), api_version)
            shop.webhooks[sub.id] = sub
            return sub

    def list_webhooks(self, grant: AccessToken, query: ListQuery) -> list[WebhookSubscription]:
        """The calling app's subscriptions in this shop (apps never see each other's)."""
        shop = self.shop(grant.shop)
        topic, address = query.get("topic"), query.get("address")
        with self.lock:
            return [w for _, w in sorted(shop.webhooks.items())
                    if w.app == grant.app and query.admits(w)
                    and (topic is None or w.topic == topic) and (address is None or w.address == address)]

    def get_webhook(self, grant: AccessToken, webhook_id: int) -> WebhookSubscription:
        """One of the calling app's subscriptions, or 404."""
        sub = self.shop(grant.shop).webhooks.get(webhook_id)
        if sub is None or sub.app != grant.app:
            raise NotFound()
        return sub

    def update_webhook(self, grant: AccessToken, webhook_id: int, payload: object) -> WebhookSubscription:
        """Change a subscription's address or fields."""
        if not isinstance(payload, dict):
            raise missing_root("webhook")
        with self.lock:
            sub = self.get_webhook(grant, webhook_id)
            f = Fields("webhook", payload)
            if f.has("address"):
                address = f.text("address", max_len=2048)
                if address is None or not _valid_webhook_address(address):
                    f.add("address", "is invalid")
                else:
                    sub.address = address
            if f.has("topic") and f.text("topic") != sub.topic:
                f.add("topic", "cannot be changed")
            f.raise_if_any()
            sub.updated_at = self.now()
            return sub

    def delete_webhook(self, grant: AccessToken, webhook_id: int) -> None:
        """Unsubscribe."""
        with self.lock:
            sub = self.get_webhook(grant, webhook_id)
            del self.shop(grant.shop).webhooks[sub.id]

    # ----------------------------------------------------------------- events

    def list_events(self, shop_name: str, query: ListQuery, subject: tuple[str, int] | None = None) -> list[Event]:
        """Events API: `filter` (subject types) and `verb`, plus the shared filters."""
        shop = self.shop(shop_name)
        types = {t.strip().lower() for t in (query.get("filter") or "").split(",") if t.strip()}
        verb = query.get("verb")
        with self.lock:
            events = list(shop.events)
        return [e for e in events
                if query.admits(_EventView(e))
                and (not types or e.subject_type.lower() in types)
                and (verb is None or e.verb == verb)
                and (subject is None or (e.subject_type, e.subject_id) == subject)]


@dataclass
class _EventView:
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


def _found(table: dict, record_id: int):
    """The record with this id, or Shopify's 404."""
    record = table.get(record_id)
    if record is None:
        raise NotFound()
    return record


def _valid_webhook_address(address: str) -> bool:
    # Shopify requires HTTPS (or pubsub:// / an EventBridge ARN); plain HTTP is allowed only to loopback
    # so that an implementation under test can receive webhooks on 127.0.0.1.
    if address.startswith(("https://", "pubsub://", "arn:aws:events:")):
        return len(address) > len("https://")
    return address.startswith(("http://127.0.0.1", "http://localhost", "http://[::1]"))


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


_OWNER_GID = re.compile(r"^gid://shopify/(Customer|Product|Order)/(\d+)$")


def _has_owner(shop: Shop, gid: str) -> bool:
    """Whether a customer, product or order of this GID is in the shop (an owner of metafields)."""
    found = _OWNER_GID.match(gid or "")
    if found is None:
        return False
    records = {"Customer": shop.customers, "Product": shop.products, "Order": shop.orders}[found.group(1)]
    return int(found.group(2)) in records
