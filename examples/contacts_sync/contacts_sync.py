"""A small sync of one's own: Shopify customers to HubSpot contacts, one way, by polling.

It is the kind of code shopsync's pytest fixtures are for: its Shopify and HubSpot clients are tested against
the fakes (`shopify`, `hubspot`), and the whole sync is judged by the conformance suite's oracle in a scenario
written in the suite's DSL (`shopsync_sim`, `shopsync_judge`). See tests/test_contacts_sync.py.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import httpx

SHOPIFY_VERSION = "2026-10"
OVERLAP = timedelta(minutes=2)  # re-read a little before the cursor: Shopify's timestamps are per second


class ShopifyCustomers:
    """Customers of one shop, from the Admin REST API (paged by its Link header)."""

    def __init__(self, admin_api: str, token: str, transport: httpx.BaseTransport | None = None) -> None:
        self.http = httpx.Client(headers={"X-Shopify-Access-Token": token}, transport=transport, trust_env=False)
        self.admin_api = admin_api

    def changed_since(self, since: datetime | None) -> list[dict[str, Any]]:
        """Every customer updated at or after `since` (all of them without one)."""
        params: dict[str, Any] | None = {"limit": 250}
        if since is not None:
            params["updated_at_min"] = since.isoformat()
        url: str | None = f"{self.admin_api}/customers.json"
        found: list[dict[str, Any]] = []
        while url:
            response = self.http.get(url, params=params)
            response.raise_for_status()
            found += response.json()["customers"]
            url = response.links.get("next", {}).get("url")
            params = None  # the next link carries its own query (httpx would replace it with an empty one)
        return found


class HubSpotContacts:
    """Contacts of one portal, written by email (never a second contact for one email)."""

    def __init__(self, base_url: str, token: str, transport: httpx.BaseTransport | None = None) -> None:
        self.http = httpx.Client(base_url=base_url, headers={"Authorization": f"Bearer {token}"},
                                 transport=transport, trust_env=False)

    def upsert(self, by_email: dict[str, dict[str, str]]) -> None:
        """Create or update a contact per email, 100 at a time."""
        items = list(by_email.items())
        for start in range(0, len(items), 100):
            inputs = [{"id": email, "idProperty": "email", "properties": {**props, "email": email}}
                      for email, props in items[start:start + 100]]
            self.http.post("/crm/v3/objects/contacts/batch/upsert", json={"inputs": inputs}).raise_for_status()


def contact_properties(customer: dict[str, Any]) -> dict[str, str]:
    """What a customer says of its contact (the default mappings, to HubSpot)."""
    address = customer.get("default_address") or {}
    fields = {"firstname": customer.get("first_name"), "lastname": customer.get("last_name"),
              "phone": customer.get("phone"), "address": address.get("address1"), "city": address.get("city"),
              "state": address.get("province"), "zip": address.get("zip"), "country": address.get("country"),
              "company": address.get("company")}
    return {name: str(value) for name, value in fields.items() if value not in (None, "")}


class ContactsSync:
    """The process contract in process: `configure(settings)`, `tick(now)`, `handle_webhook(...)`."""

    def __init__(self, transport: httpx.BaseTransport | None = None) -> None:
        self.transport = transport
        self.settings: dict[str, Any] = {}
        self.tokens: dict[str, str] = {}
        self.cursors: dict[str, datetime] = {}
        self.written: dict[str, dict[str, str]] = {}  # what each contact was last sent (no echo, CNT-6)

    def configure(self, settings: dict[str, Any]) -> None:
        self.settings = settings

    def handle_webhook(self, source: str, headers: dict[str, str], body: bytes) -> int:
        return 200  # polling is enough at a minute's interval; a real sync would act on webhooks too

    def tick(self, now: datetime) -> dict[str, Any]:
        contacts = (self.settings.get("objects") or {}).get("contacts") or {}
        if not contacts.get("enabled"):
            return {"busy": False, "next_wakeup": None}
        hubspot = self.settings["hubspot"]
        writer = HubSpotContacts(hubspot["base_url"], hubspot["access_token"], self.transport)
        for shop in self.settings["shops"]:
            token = self._token(shop)
            reader = ShopifyCustomers(f"{shop['admin_url']}/api/{SHOPIFY_VERSION}", token, self.transport)
            since = self.cursors.get(shop["shop"])
            changed = reader.changed_since(since - OVERLAP if since else None)
            due: dict[str, dict[str, str]] = {}
            for customer in changed:
                email = (customer.get("email") or "").strip().lower()
                if not email:
                    continue  # CNT-2: no email, no contact
                props = contact_properties(customer)
                if self.written.get(email) != props:
                    due[email] = props
            writer.upsert(due)
            self.written.update(due)
            self.cursors[shop["shop"]] = now
        return {"busy": False, "next_wakeup": None}

    def _token(self, shop: dict[str, Any]) -> str:
        """CON-1: the OAuth code is exchanged once for the shop's token."""
        if shop.get("access_token"):
            return shop["access_token"]
        if shop["shop"] not in self.tokens:
            with httpx.Client(transport=self.transport, trust_env=False) as client:
                answer = client.post(f"{shop['admin_url']}/oauth/access_token", json={
                    "client_id": self.settings["shopify"]["client_id"],
                    "client_secret": self.settings["shopify"]["client_secret"], "code": shop["authorization_code"]})
                answer.raise_for_status()
                self.tokens[shop["shop"]] = answer.json()["access_token"]
        return self.tokens[shop["shop"]]
