"""The Shopify Admin API as the engine uses it: OAuth code exchange, then GraphQL only.

One `ShopClient` per connected shop, at `{admin_url}/api/{VERSION}/graphql.json` (docs/vendor-behaviour.md
§8.A.1), its only credential the token obtained through OAuth (CON-1). Its budget is the shop's cost
bucket as each answer's `extensions.cost.throttleStatus` describes it (§8.B): a query is sent only when
the points it asked for last time are there, so a normal run is never THROTTLED. Records come back in
the shape of a webhook payload (reference/clients/shopify_records.py).
"""

from __future__ import annotations

import logging
import random
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from reference.clients import shopify_records as records
from reference.clients.bulk_file import BulkFile
from reference.clients.http import Api, Budget, Deferred, VendorError
from reference.clients.listing import Listing
from reference.settings import ShopSettings

log = logging.getLogger("reference")

# The Admin API version the engine's documents are written against (the GA version of late 2026,
# docs/vendor-behaviour.md §8.A.2); the settings' `api_version` names the legacy REST version.
VERSION = "2026-10"
MAX_COST = 1000.0  # the most a single query may ask for (docs/vendor-behaviour.md §8.B)
RESERVE = 50.0  # points kept back for the next tick's urgent work
WEBSITE = ("custom", "website")  # where a B2B company keeps its website (fakes/shopify/companies.py)

# Records per page (and per `nodes` call), so that a page asks for well under MAX_COST points.
PAGE = {"Customer": 150, "Product": 150, "Order": 12, "AbandonedCheckout": 12, "Company": 100}
IDS_ONLY_PAGE = 250  # `nodes(ids:)` with `id` alone costs one point per id
# Points a record costs to read by pages (actual cost, measured: `make bench` initial-sync rows). A whole store
# whose pages would cost more than the shop's bucket holds is read by one bulk operation instead: paging it
# would wait on the bucket's restore rate (100 points a second on Standard), while an export costs 10 points
# and runs in time proportional to its rows.
POINTS_PER_RECORD = {"Customer": 4, "Product": 4, "Order": 16, "AbandonedCheckout": 14}
BULK_POLL = 5.0  # seconds between looks at a running bulk operation
ORDERS_BY_ID = ", sortKey: ID"  # orders sort by processing date unless told
LINES_MORE = 100  # line items per page when an order or checkout has more than it brought


class Running(Deferred):
    """A bulk operation Shopify is still running: look again at `until` (nothing is wrong, nothing blocked)."""


def exchange_code(shop: ShopSettings, client_id: str, client_secret: str,
                  transport: httpx.BaseTransport | None) -> str:
    """Trade the one-time OAuth code for the shop's offline token (docs/vendor-behaviour.md §2.2 step 3)."""
    with httpx.Client(transport=transport, timeout=30.0, trust_env=False) as http:
        response = http.post(f"{shop.admin_url.rstrip('/')}/oauth/access_token",
                             data={"client_id": client_id, "client_secret": client_secret,
                                   "code": shop.authorization_code or ""})
    if response.status_code != 200:
        raise VendorError(response.status_code, response.text, f"OAuth token exchange for {shop.shop}")
    return str(response.json()["access_token"])


def search_time(moment: datetime) -> str:
    """An instant as Shopify's search syntax takes it (`updated_at:>='2026-01-01T00:00:00Z'`)."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def topic_enum(topic: str) -> str:
    """`customers/create` -> `CUSTOMERS_CREATE` (WebhookSubscriptionTopic)."""
    return topic.replace("/", "_").upper()


class ShopClient(Api):
    """GraphQL Admin API calls for one shop."""

    def __init__(self, shop: ShopSettings, token: str, transport: httpx.BaseTransport | None,
                 clock: Callable[[], datetime], rng: random.Random) -> None:
        super().__init__(f"{shop.admin_url.rstrip('/')}/api/{VERSION}", {"X-Shopify-Access-Token": token},
                         transport, clock, rng,
                         Budget(f"shopify:{shop.shop}", leak_per_second=100.0, capacity=2000.0, reserve=RESERVE))
        self.shop = shop
        # What each document asked for last time (Shopify says it), by the number of ids it names: a read by
        # id asks a point or more an id, and a short last chunk must not make the next full one look cheap.
        self.requested: dict[tuple[str, int], float] = {}

    # ------------------------------------------------------------------ transport

    def observe(self, response: httpx.Response, budget: Budget) -> None:
        try:
            cost = ((response.json() or {}).get("extensions") or {}).get("cost") or {}
        except ValueError:
            return
        status = cost.get("throttleStatus") or {}
        try:
            capacity, available = float(status["maximumAvailable"]), float(status["currentlyAvailable"])
            budget.leak_per_second = float(status["restoreRate"])
        except (KeyError, TypeError, ValueError):
            return
        budget.observe(self.clock(), capacity - available, capacity, exact=True)

    def graphql(self, document: str, variables: dict[str, Any] | None = None) -> dict:
        """Run a document; Deferred when it must wait (throttled, 5xx), VendorError on other errors."""
        key = (document, len((variables or {}).get("ids") or ()))
        asked = self.requested.get(key, MAX_COST)
        body = self.request("POST", "graphql.json", json={"query": document, "variables": variables or {}},
                            cost=asked).json()
        cost = (body.get("extensions") or {}).get("cost") or {}
        if cost.get("requestedQueryCost") is not None:
            self.requested[key] = float(cost["requestedQueryCost"])
        errors = body.get("errors") or []
        codes = {(e.get("extensions") or {}).get("code") for e in errors if isinstance(e, dict)}
        now = self.clock()
        if "THROTTLED" in codes:
            status = cost.get("throttleStatus") or {}
            rate = float(status.get("restoreRate") or 100.0)
            missing = float(cost.get("requestedQueryCost") or asked) - float(status.get("currentlyAvailable") or 0)
            until = now + timedelta(seconds=max(1.0, missing / rate))
            self.budget.block(until)
            raise Deferred(until, "Shopify GraphQL throttled")
        if "INTERNAL_SERVER_ERROR" in codes:
            raise Deferred(self.budget.failed(now, self.rng), "Shopify GraphQL internal error", maybe_applied=True)
        if errors:
            raise VendorError(200, errors, "Shopify GraphQL")
        return body["data"]

    def mutate(self, document: str, variables: dict[str, Any], root: str, what: str) -> dict:
        """Run a mutation; its payload, or VendorError(422) carrying Shopify's userErrors."""
        payload = self.graphql(document, variables)[root] or {}
        if payload.get("userErrors"):
            raise VendorError(422, payload["userErrors"], what)
        return payload

    # ------------------------------------------------------------------ reading

    def listing(self, root: str, kind: str, fields: str, query: str | None, listing: Listing | None,
                extra: str = "") -> list[dict]:
        """Every node of a root connection matching `query`, by id, as records; with a `listing`, the
        pages already read are kept there and a cut listing goes on from its cursor. A whole store that would
        cost more than the cost bucket holds is read by one bulk operation instead (see `_bulk`)."""
        listing = listing if listing is not None else Listing(self.clock())
        if listing.done:
            return listing.records
        whole = not (query or "").replace("status:any", "").strip()
        if whole and kind in records.BULK and listing.next is None and listing.bulk != "failed":
            if listing.bulk is None and self._count(root, query) * POINTS_PER_RECORD[kind] > self.budget.capacity:
                listing.bulk = self._start_bulk(kind)
            if listing.bulk not in (None, "failed"):
                return self._bulk(kind, listing)
        document = (f"query($after: String, $q: String) {{ {root}(first: {PAGE[kind]}, after: $after, query: $q"
                    f"{extra}) {{ nodes {{ {fields} }} {records.PAGE_INFO} }} }}")
        while True:
            page = self.graphql(document, {"after": listing.next, "q": query})[root]
            listing.records.extend(self._record(kind, node) for node in page["nodes"])
            listing.moved(self.clock())
            if not page["pageInfo"]["hasNextPage"]:
                listing.next, listing.done = None, True
                return listing.records
            listing.next = page["pageInfo"]["endCursor"]

    def _count(self, root: str, query: str | None) -> int:
        """How many records a root connection holds (`customersCount`, ...; exact up to 10,000)."""
        document = f"query($q: String) {{ {root}Count(query: $q) {{ count }} }}"
        return int((self.graphql(document, {"q": query})[f"{root}Count"] or {}).get("count") or 0)

    def _start_bulk(self, kind: str, ids_only: bool = False) -> str:
        """Start the bulk query of a whole store; its id, or "failed" when Shopify will not run one now
        (another app's operations fill the shop's slots): the listing is paged instead."""
        document = ("mutation($q: String!) { bulkOperationRunQuery(query: $q) { bulkOperation { id } "
                    "userErrors { field message code } } }")
        query = records.BULK_IDS[kind] if ids_only else records.BULK[kind]
        payload = self.graphql(document, {"q": query})["bulkOperationRunQuery"]
        if payload.get("userErrors") or not payload.get("bulkOperation"):
            log.warning("shop %s: bulk query of %s refused (%s): paging instead", self.shop.shop, kind,
                        payload.get("userErrors"))
            return "failed"
        return str(payload["bulkOperation"]["id"])

    def _bulk(self, kind: str, listing: Listing, ids_only: bool = False) -> list[dict]:
        """Go on with a whole-store listing read by a bulk operation: Deferred while Shopify runs it (the
        stream is woken when it should be done); when it completed, its JSONL file read into the listing.

        A bulk query costs 10 points whatever its size, where paging 100,000 orders costs about 1.6 million
        (16 points an order with its line item, at 100 points a second): the difference between minutes and
        hours of an initial sync. Its rows are those of the moment it started, which is after the listing
        began: the poll that follows the initial sync covers every change made since (`Listing.started`)."""
        if listing.file is None:
            listing.moved(self.clock())  # an export Shopify runs is a listing under way
            url = self._bulk_result(kind, listing)
            if url is None:
                if listing.bulk == "failed":
                    if ids_only:
                        return self.by_ids(kind, listing.ids, listing, ids_only=True)
                    root, _kind, fields, query, extra = _LISTED[kind]
                    return self.listing(root, kind, fields, query, listing, extra)
                listing.done = True  # nothing matched: Shopify gives no file
                return listing.records
            try:  # a signed storage URL: no token, no cost
                listing.file = BulkFile.download(self.http, url)
            except httpx.HTTPStatusError as error:
                if error.response.status_code >= 500:
                    raise Deferred(self.budget.failed(self.clock(), self.rng),
                                   f"bulk results of {kind}: {error.response.status_code}") from None
                raise
        lines = listing.file.part()
        listing.moved(self.clock())
        if ids_only:
            listing.records.extend({"id": records.number(line["id"])} for line in lines if "__parentId" not in line)
        else:
            listing.records.extend(self._record(kind, node) for node in records.from_bulk(kind, lines))
        if not listing.file.done:  # the rest at the next tick: a tick must answer within 30 s
            raise Running(self.clock() + timedelta(seconds=1),
                          f"bulk results of {kind}: {listing.file.lines_read} lines read")
        listing.done = True
        return listing.records

    def _bulk_result(self, kind: str, listing: Listing) -> str | None:
        """The result URL of the listing's completed bulk operation; Running while Shopify runs it; None when it
        completed with no file, or ended otherwise (then the listing is marked "failed", to be paged)."""
        document = ("query($id: ID!) { node(id: $id) { ... on BulkOperation { status errorCode objectCount url } } }")
        operation = self.graphql(document, {"id": listing.bulk})["node"] or {}
        status = operation.get("status")
        if status in ("CREATED", "RUNNING"):
            rows = int(operation.get("objectCount") or 0)
            raise Running(self.clock() + timedelta(seconds=BULK_POLL), f"bulk query of {kind}: {status}, {rows} rows")
        if status != "COMPLETED":
            log.warning("shop %s: bulk query of %s ended %s (%s): paging instead", self.shop.shop, kind, status,
                        operation.get("errorCode"))
            listing.bulk = "failed"
            return None
        return operation.get("url") or None

    def present(self, kind: str, ids: list[str], listing: Listing) -> set[str]:
        """Which of these ids Shopify still has (how a poller finds deletions whose webhooks were lost).

        `nodes(ids:)` costs a point an id; past what a quarter of the bucket pays, the ids of the whole store
        come from a bulk export instead (10 points). Kept in `listing` across ticks: Running while the
        export runs."""
        if not listing.ids:
            listing.ids = [str(i) for i in ids]
        if not listing.done and listing.bulk is None and listing.next is None \
                and len(listing.ids) > self.budget.capacity / 4 and kind in records.BULK_IDS:
            listing.bulk = self._start_bulk(kind, ids_only=True)
        if listing.bulk not in (None, "failed") and not listing.done:
            self._bulk(kind, listing, ids_only=True)
        elif not listing.done:
            self.by_ids(kind, listing.ids, listing, ids_only=True)
        return {str(r["id"]) for r in listing.records}

    def by_ids(self, kind: str, ids: list[str], listing: Listing | None = None, ids_only: bool = False) -> list[dict]:
        """Records by REST id through `nodes(ids:)` (ids gone from Shopify are simply absent). With a
        `listing`, the ids are those it began with and a cut listing goes on from its next chunk."""
        listing = listing if listing is not None else Listing(self.clock())
        if not listing.ids:
            listing.ids = [str(i) for i in ids]
        size = IDS_ONLY_PAGE if ids_only else PAGE[kind]
        fields = "id" if ids_only else _FIELDS[kind]
        document = f"query($ids: [ID!]!) {{ nodes(ids: $ids) {{ ... on {kind} {{ {fields} }} }} }}"
        for start in range(int(listing.next or 0), len(listing.ids), size):
            gids = [i if i.startswith("gid://") else f"gid://shopify/{kind}/{i}"
                    for i in listing.ids[start:start + size]]
            nodes = [n for n in self.graphql(document, {"ids": gids})["nodes"] if n]
            listing.records.extend({"id": records.number(n["id"])} if ids_only else self._record(kind, n)
                                   for n in nodes)
            listing.next = str(start + size)
            listing.moved(self.clock())
        listing.done = True
        return listing.records

    def _record(self, kind: str, node: dict) -> dict:
        if kind == "Customer":
            return records.customer(node)
        if kind == "Product":
            return records.product(node)
        if kind == "Company":
            return records.company(node)
        return (records.order if kind == "Order" else records.checkout)(node, self._lines(kind, node))

    def _lines(self, kind: str, node: dict) -> list[dict]:
        """Every line item node of an order or checkout: those it came with, then the rest page by page."""
        connection = node.get("lineItems") or {}
        lines = list(connection.get("nodes") or [])
        info = connection.get("pageInfo") or {}
        line_fields = records.ORDER_LINE if kind == "Order" else records.CHECKOUT_LINE
        document = (f"query($id: ID!, $after: String) {{ node(id: $id) {{ ... on {kind} {{ lineItems(first: "
                    f"{LINES_MORE}, after: $after) {{ nodes {{ {line_fields} }} {records.PAGE_INFO} }} }} }} }}")
        while info.get("hasNextPage"):
            owner = self.graphql(document, {"id": node["id"], "after": info.get("endCursor")})["node"]
            if owner is None:
                break
            lines += owner["lineItems"]["nodes"]
            info = owner["lineItems"]["pageInfo"]
        return lines

    def customers(self, since: datetime | None, listing: Listing | None = None) -> list[dict]:
        """Customers updated since `since` (all when None)."""
        return self.listing("customers", "Customer", records.CUSTOMER, _since(since), listing)

    def customer_by_email(self, email: str) -> dict | None:
        """The customer with this email (case-insensitive)."""
        escaped = email.strip().replace("\\", "\\\\").replace('"', '\\"')
        found = self.listing("customers", "Customer", records.CUSTOMER, f'email:"{escaped}"', None)
        wanted = email.strip().lower()
        return next((c for c in found if (c.get("email") or "").strip().lower() == wanted), None)

    def products(self, since: datetime | None, listing: Listing | None = None) -> list[dict]:
        """Products updated since `since` (all when None)."""
        return self.listing("products", "Product", records.PRODUCT, _since(since), listing)

    def products_titled(self, title: str) -> list[dict]:
        """Products whose title matches (the search is loose; callers compare exactly)."""
        escaped = title.replace("\\", "\\\\").replace('"', '\\"')
        return self.listing("products", "Product", records.PRODUCT, f'title:"{escaped}"', None)

    def orders(self, since: datetime | None, listing: Listing | None = None) -> list[dict]:
        """Orders updated since `since` (all when None), of any status."""
        return self.listing("orders", "Order", records.ORDER, _joined("status:any", _since(since)), listing,
                            extra=ORDERS_BY_ID)

    def checkouts(self, since: datetime | None, listing: Listing | None = None) -> list[dict]:
        """Abandoned checkouts updated since `since` (all when None)."""
        return self.listing("abandonedCheckouts", "AbandonedCheckout", records.CHECKOUT, _since(since), listing)

    def companies(self, since: datetime | None) -> list[dict]:
        """Every B2B company (updated since `since`)."""
        return self.listing("companies", "Company", records.COMPANY, _since(since), None)

    def destroyed_products(self, since: datetime) -> list[str]:
        """Ids of products deleted since `since` (how a poller learns of deletions, §8.C: `deletionEvents`)."""
        document = ("query($after: String, $q: String) { deletionEvents(first: 250, after: $after, query: $q, "
                    f"subjectTypes: [PRODUCT]) {{ nodes {{ subjectId }} {records.PAGE_INFO} }} }}")
        out: list[str] = []
        after = None
        while True:
            page = self.graphql(document, {"after": after, "q": f"occurred_at:>='{search_time(since)}'"})
            events = page["deletionEvents"]
            out += [str(records.number(n["subjectId"])) for n in events["nodes"]]
            if not events["pageInfo"]["hasNextPage"]:
                return out
            after = events["pageInfo"]["endCursor"]

    # ------------------------------------------------------------------ writing

    def save_customer(self, customer_id: str | None, body: dict[str, Any]) -> dict:
        """Create (customer_id None) or update a customer from REST-named fields; the record as stored."""
        given = records.inputs(body, records.CUSTOMER_INPUT)
        if customer_id is None:
            document = (f"mutation($input: CustomerInput!) {{ customerCreate(input: $input) {{ customer {{ "
                        f"{records.CUSTOMER} }} userErrors {{ field message }} }} }}")
            payload = self.mutate(document, {"input": given}, "customerCreate", "Shopify customer create")
        else:
            document = (f"mutation($input: CustomerInput!) {{ customerUpdate(input: $input) {{ customer {{ "
                        f"{records.CUSTOMER} }} userErrors {{ field message }} }} }}")
            given["id"] = f"gid://shopify/Customer/{customer_id}"
            payload = self.mutate(document, {"input": given}, "customerUpdate", "Shopify customer update")
        return records.customer(payload["customer"])

    def save_product(self, product: dict | None, fields: dict[str, Any], variant: dict[str, Any]) -> dict:
        """Create (product None: with its one variant) or update a product and its first variant from
        REST-named fields; the record as stored."""
        given = records.inputs(fields, records.PRODUCT_INPUT)
        if product is None:
            document = (f"mutation($product: ProductCreateInput!) {{ productCreate(product: $product) {{ "
                        f"product {{ {records.PRODUCT} }} userErrors {{ field message }} }} }}")
            saved = self.mutate(document, {"product": given}, "productCreate", "Shopify product create")["product"]
        elif given:
            given["id"] = product["admin_graphql_api_id"]
            document = (f"mutation($product: ProductUpdateInput!) {{ productUpdate(product: $product) {{ "
                        f"product {{ {records.PRODUCT} }} userErrors {{ field message }} }} }}")
            saved = self.mutate(document, {"product": given}, "productUpdate", "Shopify product update")["product"]
        else:
            saved = None
        record = records.product(saved) if saved is not None else product
        assert record is not None
        first = (record.get("variants") or [None])[0]
        change = records.inputs(variant, records.VARIANT_INPUT)
        if "sku" in variant:
            change["inventoryItem"] = {"sku": variant["sku"] or ""}
        if change and first is not None:
            document = ("mutation($id: ID!, $variants: [ProductVariantsBulkInput!]!) { productVariantsBulkUpdate("
                        f"productId: $id, variants: $variants) {{ product {{ {records.PRODUCT} }} "
                        "userErrors { field message } } }")
            saved = self.mutate(document, {"id": record["admin_graphql_api_id"],
                                           "variants": [{"id": first["admin_graphql_api_id"], **change}]},
                                "productVariantsBulkUpdate", "Shopify variant update")["product"]
            record = records.product(saved)
        return record

    def save_company(self, company_id: str | None, name: str | None, website: str | None,
                     set_website: bool) -> dict:
        """Create (company_id None) or update a company, then its website metafield when asked."""
        if company_id is None:
            document = ("mutation($input: CompanyCreateInput!) { companyCreate(input: $input) { "
                        f"company {{ {records.COMPANY} }} userErrors {{ field message }} }} }}")
            payload = self.mutate(document, {"input": {"company": {"name": name}}}, "companyCreate",
                                  "Shopify company save")
        else:
            document = ("mutation($id: ID!, $input: CompanyInput!) { companyUpdate(companyId: $id, input: $input) "
                        f"{{ company {{ {records.COMPANY} }} userErrors {{ field message }} }} }}")
            payload = self.mutate(document, {"id": company_id, "input": {"name": name}}, "companyUpdate",
                                  "Shopify company save")
        company = records.company(payload["company"])
        if set_website and website:
            document = ("mutation($m: [MetafieldsSetInput!]!) { metafieldsSet(metafields: $m) { "
                        "metafields { value } userErrors { field message } } }")
            self.mutate(document, {"m": [{"ownerId": company["id"], "namespace": WEBSITE[0], "key": WEBSITE[1],
                                          "type": "url", "value": website}]}, "metafieldsSet",
                        "Shopify company website")
            company["website"] = website
        return company

    def subscribe_webhooks(self, address: str, topics: list[str]) -> int:
        """Make sure each topic is delivered to `address`; returns how many subscriptions were made."""
        document = ("query($after: String) { webhookSubscriptions(first: 100, after: $after) { "
                    f"nodes {{ topic uri }} {records.PAGE_INFO} }} }}")
        existing: set[tuple[str, str]] = set()
        after = None
        while True:
            page = self.graphql(document, {"after": after})["webhookSubscriptions"]
            existing |= {(n["topic"], n["uri"]) for n in page["nodes"]}
            if not page["pageInfo"]["hasNextPage"]:
                break
            after = page["pageInfo"]["endCursor"]
        create = ("mutation($topic: WebhookSubscriptionTopic!, $hook: WebhookSubscriptionInput!) { "
                  "webhookSubscriptionCreate(topic: $topic, webhookSubscription: $hook) { "
                  "webhookSubscription { id } userErrors { field message } } }")
        made = 0
        for topic in topics:
            if (topic_enum(topic), address) in existing:
                continue
            payload = self.graphql(create, {"topic": topic_enum(topic), "hook": {"uri": address, "format": "JSON"}})
            # userErrors: taken already (an earlier create landed), or a topic the granted scopes do not allow.
            if not payload["webhookSubscriptionCreate"].get("userErrors"):
                made += 1
        return made


# kind -> how `listing` pages a whole store of it (root, kind, fields, query): where a failed bulk query falls back.
_LISTED = {"Customer": ("customers", "Customer", records.CUSTOMER, None, ""),
           "Product": ("products", "Product", records.PRODUCT, None, ""),
           "Order": ("orders", "Order", records.ORDER, "status:any", ORDERS_BY_ID),
           "AbandonedCheckout": ("abandonedCheckouts", "AbandonedCheckout", records.CHECKOUT, None, "")}

_FIELDS = {"Customer": records.CUSTOMER, "Product": records.PRODUCT, "Order": records.ORDER,
           "AbandonedCheckout": records.CHECKOUT, "Company": records.COMPANY}


def _since(since: datetime | None) -> str | None:
    return f"updated_at:>='{search_time(since)}'" if since else None


def _joined(*terms: str | None) -> str:
    return " ".join(t for t in terms if t)
