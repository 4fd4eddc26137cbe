"""The Shopify Admin API as the engine uses it: OAuth code exchange, REST pages of 250, GraphQL companies.

One `ShopClient` per connected shop; its base URL is `{admin_url}/api/{version}` (docs/vendor-behaviour.md §1.1), its
only credential the token obtained through OAuth (CON-1), its budget the shop's leaky bucket read
from `X-Shopify-Shop-Api-Call-Limit` (docs/vendor-behaviour.md §1.5).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import httpx

from reference.clients.http import Api, Budget, Deferred, VendorError
from reference.clients.listing import Listing
from reference.settings import ShopSettings

PAGE = 250  # the largest REST page (docs/vendor-behaviour.md §1.4)
WEBSITE = ("custom", "website")  # where a B2B company keeps its website (fakes/shopify/companies.py)
COMPANY_FIELDS = "id name updatedAt website: metafield(namespace: \"custom\", key: \"website\") { value }"


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


def shopify_time(value: str) -> datetime:
    """A Shopify timestamp (with the shop's UTC offset) as an aware datetime."""
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


class ShopClient(Api):
    """Admin API calls for one shop."""

    def __init__(self, shop: ShopSettings, token: str, transport: httpx.BaseTransport | None,
                 clock: Callable[[], datetime], rng: random.Random) -> None:
        super().__init__(shop.api_base, {"X-Shopify-Access-Token": token}, transport, clock, rng,
                         Budget(f"shopify:{shop.shop}"))
        self.shop = shop
        self.graphql_budget = Budget(f"shopify-graphql:{shop.shop}", leak_per_second=100.0, capacity=1000.0,
                                     reserve=0.0)

    def observe(self, response: httpx.Response, budget: Budget) -> None:
        header = response.headers.get("X-Shopify-Shop-Api-Call-Limit")
        if header and budget is self.budget:
            used, _, bucket = header.partition("/")
            try:
                capacity = float(bucket)
                # Standard plans leak 2/s from a bucket of 40, Plus 20/s from 400 (docs/vendor-behaviour.md §1.5).
                budget.leak_per_second = capacity / 20.0
                budget.observe(self.clock(), float(used), capacity)
            except ValueError:
                pass

    # ------------------------------------------------------------------ REST

    def pages(self, resource: str, params: dict[str, Any], listing: Listing | None = None) -> list[dict]:
        """Every record of a list endpoint, following `Link: rel="next"` (filters go on the first page only).

        With a `listing`, pages already read are kept there and a cut listing goes on from its next page."""
        root = resource.split("/")[-1]
        listing = listing if listing is not None else Listing(self.clock())
        if listing.done:
            return listing.records
        if listing.next is None:
            response = self.request("GET", f"{resource}.json", params={**params, "limit": PAGE})
        else:
            response = self.request("GET", listing.next)
        while True:
            listing.records.extend(response.json()[root])
            listing.next = _next_link(response.headers.get("Link"))
            if listing.next is None:
                listing.done = True
                return listing.records
            response = self.request("GET", listing.next)

    def by_ids(self, resource: str, ids: list[int | str], params: dict[str, Any] | None = None,
               listing: Listing | None = None) -> list[dict]:
        """Records by id, 250 per call (missing ids are simply absent).

        With a `listing`, the ids are those it began with and a cut listing goes on from its next chunk."""
        listing = listing if listing is not None else Listing(self.clock())
        if not listing.ids:
            listing.ids = [str(i) for i in ids]
        for start in range(int(listing.next or 0), len(listing.ids), PAGE):
            chunk = ",".join(listing.ids[start:start + PAGE])
            listing.records.extend(self.pages(resource, {**(params or {}), "ids": chunk}))
            listing.next = str(start + PAGE)
        listing.done = True
        return listing.records

    def create(self, resource: str, root: str, body: dict) -> dict:
        """POST a new record; the record as Shopify stored it."""
        return self.request("POST", f"{resource}.json", json={root: body}).json()[root]

    def update(self, resource: str, root: str, record_id: int | str, body: dict) -> dict:
        """PUT changed fields of a record; the record as Shopify stored it."""
        return self.request("PUT", f"{resource}/{record_id}.json", json={root: body}).json()[root]

    def customer_by_email(self, email: str) -> dict | None:
        """The customer with this email (case-insensitive), via customers/search."""
        found = self.request("GET", "customers/search.json", params={"query": f"email:{email}", "limit": 10}).json()
        wanted = email.strip().lower()
        return next((c for c in found["customers"] if (c.get("email") or "").strip().lower() == wanted), None)

    def products_titled(self, title: str) -> list[dict]:
        """Products whose title is exactly `title` (the `title` list filter)."""
        return self.pages("products", {"title": title})

    def destroyed_products(self, since: datetime) -> list[dict]:
        """`destroy` events of products since `since` (how a poller learns of deletions,
        docs/vendor-behaviour.md §1.8)."""
        return self.pages("events", {"filter": "Product", "verb": "destroy", "created_at_min": since.isoformat()})

    def subscribe_webhooks(self, address: str, topics: list[str]) -> int:
        """Make sure each topic is delivered to `address`; returns how many subscriptions were made."""
        existing = {(w["topic"], w["address"]) for w in self.pages("webhooks", {})}
        made = 0
        for topic in topics:
            if (topic, address) in existing:
                continue
            try:
                self.create("webhooks", "webhook", {"topic": topic, "address": address, "format": "json"})
                made += 1
            except VendorError as error:
                if error.status != 422:  # 422: taken already, or a topic the granted scopes do not allow
                    raise
        return made

    # ------------------------------------------------------------------ GraphQL (B2B companies live only there)

    def graphql(self, query: str, variables: dict[str, Any] | None = None) -> dict:
        """Run a GraphQL document; Deferred when throttled, VendorError on other errors."""
        body = self.request("POST", "graphql.json", json={"query": query, "variables": variables or {}},
                            budget=self.graphql_budget).json()
        errors = body.get("errors") or []
        if any((e.get("extensions") or {}).get("code") == "THROTTLED" for e in errors):
            status = ((body.get("extensions") or {}).get("cost") or {}).get("throttleStatus") or {}
            rate = float(status.get("restoreRate") or 50.0)
            wait = max(1.0, float(((body.get("extensions") or {}).get("cost") or {}).get("requestedQueryCost")
                                  or 100) / rate)
            until = self.clock() + timedelta(seconds=wait)
            self.graphql_budget.block(until)
            raise Deferred(until, "Shopify GraphQL throttled")
        if errors:
            raise VendorError(200, errors, "Shopify GraphQL")
        return body["data"]

    def companies(self, updated_since: datetime | None) -> list[dict]:
        """Every company (updated since `updated_since`), as flat records {id, name, website, updated_at}."""
        query = ("query($after: String, $q: String) { companies(first: 100, after: $after, query: $q) { "
                 f"nodes {{ {COMPANY_FIELDS} }} pageInfo {{ hasNextPage endCursor }} }} }}")
        search = f"updated_at:>='{updated_since.astimezone().isoformat()}'" if updated_since else None
        out, after = [], None
        while True:
            page = self.graphql(query, {"after": after, "q": search})["companies"]
            out.extend(_company(n) for n in page["nodes"])
            if not page["pageInfo"]["hasNextPage"]:
                return out
            after = page["pageInfo"]["endCursor"]

    def companies_named(self, name: str) -> list[dict]:
        """Companies whose name matches (the search is loose; callers compare exactly)."""
        query = f"query($q: String) {{ companies(first: 50, query: $q) {{ nodes {{ {COMPANY_FIELDS} }} }} }}"
        escaped = name.replace("\\", "\\\\").replace('"', '\\"')
        return [_company(n) for n in self.graphql(query, {"q": f'name:"{escaped}"'})["companies"]["nodes"]]

    def save_company(self, company_id: str | None, name: str | None, website: str | None,
                     set_website: bool) -> dict:
        """Create (company_id None) or update a company, then its website metafield when asked."""
        if company_id is None:
            mutation = ("mutation($input: CompanyCreateInput!) { companyCreate(input: $input) { "
                        f"company {{ {COMPANY_FIELDS} }} userErrors {{ field message }} }} }}")
            payload = self.graphql(mutation, {"input": {"company": {"name": name}}})["companyCreate"]
        else:
            mutation = ("mutation($id: ID!, $input: CompanyInput!) { companyUpdate(companyId: $id, input: $input) "
                        f"{{ company {{ {COMPANY_FIELDS} }} userErrors {{ field message }} }} }}")
            payload = self.graphql(mutation, {"id": company_id, "input": {"name": name}})["companyUpdate"]
        if payload.get("userErrors"):
            raise VendorError(422, payload["userErrors"], "Shopify company save")
        company = _company(payload["company"])
        if set_website and website:
            mutation = ("mutation($m: [MetafieldsSetInput!]!) { metafieldsSet(metafields: $m) { "
                        "metafields { value } userErrors { field message } } }")
            result = self.graphql(mutation, {"m": [{"ownerId": company["id"], "namespace": WEBSITE[0],
                                                    "key": WEBSITE[1], "type": "url", "value": website}]})
            if result["metafieldsSet"].get("userErrors"):
                raise VendorError(422, result["metafieldsSet"]["userErrors"], "Shopify company website")
            company["website"] = website
        return company


def _company(node: dict) -> dict:
    website = node.get("website") or {}
    return {"id": node["id"], "name": node.get("name"), "website": website.get("value"),
            "updated_at": node.get("updatedAt")}


def _next_link(header: str | None) -> str | None:
    """The `rel="next"` URL of a Link header (docs/vendor-behaviour.md §1.4:
    `<url>; rel="next", <url>; rel="previous"`)."""
    for part in (header or "").split(", "):
        url, _, rel = part.partition("; ")
        if rel.strip() == 'rel="next"':
            return url.strip()[1:-1]
    return None
