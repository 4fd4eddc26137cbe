"""The HubSpot CRM API as the engine uses it: objects (list, search, batches of 100) and associations in the
date-versioned API 2026-09 (the current GA version; its shapes are 2026-03's, which are v3's and v4's,
docs/vendor-behaviour.md §9.F), and the app's webhook settings (`/webhooks/v3`, which has no date-versioned form).
2026-09 is the version that holds API writes to the portal's admin rules (§9.F.4): the engine opts in, because a
sync written today must meet them, and shows what they refuse in its status (reference/refusals.py).

Budgets follow `X-HubSpot-RateLimit-*` (docs/vendor-behaviour.md §3.10): the ten-second window for most calls, a
per-second allowance for search (exempt from the window), so the engine never spends a call it
knows will be refused.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

import httpx

from reference.clients.http import Api, Budget, Unauthorized, VendorError
from reference.clients.listing import Listing

BATCH = 100  # inputs per batch request (docs/vendor-behaviour.md §3.3)
SEARCH_PAGE = 200
SEARCH_REACH = 10_000  # results reachable by paging one search (docs/vendor-behaviour.md §3.5)
DEFINED = "HUBSPOT_DEFINED"
VERSION = "2026-09"
OBJECTS = f"/crm/objects/{VERSION}"  # was /crm/v3/objects
ASSOCIATIONS = f"/crm/associations/{VERSION}"  # was /crm/v4/associations


def chunks(items: list, size: int = BATCH) -> Iterable[list]:
    """`items` in consecutive slices of at most `size`."""
    for start in range(0, len(items), size):
        yield items[start:start + size]


def refusal_message(error: VendorError) -> str:
    """What HubSpot said of a refused write, for the sync's status."""
    body = error.body
    return str(body.get("message") or body) if isinstance(body, dict) else str(body)


def hubspot_time(value: str | None) -> datetime | None:
    """A HubSpot timestamp (ISO with Z, or epoch milliseconds) as an aware datetime."""
    if not value:
        return None
    text = str(value)
    if text.isdigit():
        from datetime import UTC
        return datetime.fromtimestamp(int(text) / 1000, UTC)
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


class HubSpotClient(Api):
    """CRM calls for one portal, with a private-app token."""

    def __init__(self, base_url: str, token: str, transport: httpx.BaseTransport | None,
                 clock: Callable[[], datetime], rng: random.Random) -> None:
        super().__init__(base_url, {"Authorization": f"Bearer {token}"}, transport, clock, rng,
                         Budget("hubspot", leak_per_second=10.0, capacity=100.0, reserve=5.0))
        self.search_budget = Budget("hubspot-search", leak_per_second=4.0, capacity=4.0, reserve=0.0)

    def observe(self, response: httpx.Response, budget: Budget) -> None:
        headers, now = response.headers, self.clock()
        try:
            if budget is self.search_budget and "X-HubSpot-RateLimit-Secondly" in headers:
                limit = float(headers["X-HubSpot-RateLimit-Secondly"])
                left = float(headers.get("X-HubSpot-RateLimit-Secondly-Remaining", limit))
                budget.leak_per_second = limit
                budget.observe(now, limit - left + 1, limit)  # the header counts before this call
            elif "X-HubSpot-RateLimit-Max" in headers:
                limit = float(headers["X-HubSpot-RateLimit-Max"])
                left = float(headers.get("X-HubSpot-RateLimit-Remaining", limit))
                window = float(headers.get("X-HubSpot-RateLimit-Interval-Milliseconds", 10000)) / 1000
                budget.leak_per_second = limit / window
                budget.observe(now, limit - left, limit)
        except ValueError:
            pass

    # ------------------------------------------------------------------ reading

    def list_all(self, object_type: str, properties: list[str], listing: Listing | None = None) -> list[dict]:
        """Every live record of a type, 100 per page (kept in `listing`, which a cut listing goes on from)."""
        listing = listing if listing is not None else Listing(self.clock())
        while not listing.done:
            params: dict[str, Any] = {"limit": 100, "properties": ",".join(properties)}
            if listing.next:
                params["after"] = listing.next
            page = self.request("GET", f"{OBJECTS}/{object_type}", params=params).json()
            listing.records.extend(page.get("results", []))
            listing.moved(self.clock())
            listing.next = ((page.get("paging") or {}).get("next") or {}).get("after")
            listing.done = not listing.next
        return listing.records

    def search(self, object_type: str, filters: list[dict], properties: list[str],
               listing: Listing | None = None) -> list[dict]:
        """Every record matching all `filters`, in ascending ids, kept in `listing` (docs/vendor-behaviour.md §3.5).

        Pages of 200 reach 10,000 results; more are read in further windows above the last id read,
        since many records can share one filter value (an initial sync writes thousands in one instant).
        A search cut short by the rate limit goes on from where it stopped (`listing.next` is
        "last id/after")."""
        listing = listing if listing is not None else Listing(self.clock())
        last, after = (int(part) for part in (listing.next or "0/0").split("/"))
        while not listing.done:
            window = [*filters, {"propertyName": "hs_object_id", "operator": "GT", "value": str(last)}]
            body: dict[str, Any] = {"filterGroups": [{"filters": window}], "properties": properties,
                                    "limit": SEARCH_PAGE, "after": str(after),
                                    "sorts": [{"propertyName": "hs_object_id", "direction": "ASCENDING"}]}
            page = self.request("POST", f"{OBJECTS}/{object_type}/search", json=body,
                                budget=self.search_budget).json()
            results = page.get("results", [])
            listing.records.extend(results)
            listing.moved(self.clock())
            nxt = ((page.get("paging") or {}).get("next") or {}).get("after")
            if nxt and int(nxt) + SEARCH_PAGE <= SEARCH_REACH:
                after = int(nxt)
            elif nxt and results:
                last, after = max(int(r["id"]) for r in results), 0  # the reachable end: a new window
            else:
                listing.done = True
            listing.next = f"{last}/{after}"
        return listing.records

    def modified_since(self, object_type: str, modified_property: str, since: datetime,
                       properties: list[str], listing: Listing | None = None) -> list[dict]:
        """Records modified at or after `since` (the polling reconciliation, docs/vendor-behaviour.md §3.5), kept
        in `listing`."""
        millis = str(int(since.timestamp() * 1000))
        return self.search(object_type, [{"propertyName": modified_property, "operator": "GTE", "value": millis}],
                           properties, listing)

    def find_in(self, object_type: str, prop: str, values: list[str], properties: list[str]) -> list[dict]:
        """Records whose `prop` is one of `values` (one IN filter per 100 values)."""
        out: list[dict] = []
        for part in chunks(sorted(set(values))):
            out.extend(self.search(object_type, [{"propertyName": prop, "operator": "IN", "values": part}],
                                   properties))
        return out

    def batch_read(self, object_type: str, ids: list[str], properties: list[str],
                   id_property: str | None = None, *, archived: bool = False) -> tuple[list[dict], set[str]]:
        """Records by id (or by a unique property); also the ids that were not found (archived or never; with
        `archived`, the archived records instead, each with its `archivedAt`)."""
        found: list[dict] = []
        missing: set[str] = set()
        for part in chunks(list(dict.fromkeys(ids))):
            body: dict[str, Any] = {"properties": properties, "inputs": [{"id": i} for i in part]}
            if id_property:
                body["idProperty"] = id_property
            response = self.request("POST", f"{OBJECTS}/{object_type}/batch/read", json=body,
                                    params={"archived": "true"} if archived else None).json()
            found.extend(response.get("results", []))
            for error in response.get("errors", []):
                missing.update(str(i) for i in (error.get("context") or {}).get("ids", []))
        return found, missing

    def last_archived_at(self, object_type: str, ids: list[str]) -> datetime | None:
        """When the latest of these archived records was archived (`archivedAt`, read with `archived=true`)."""
        found, _ = self.batch_read(object_type, ids, [], archived=True)
        return max((t for r in found if (t := hubspot_time(r.get("archivedAt"))) is not None), default=None)

    def associations(self, from_type: str, to_type: str, ids: list[str]) -> dict[str, list[str]]:
        """The ids of `to_type` records associated with each record (v4 batch read)."""
        out: dict[str, list[str]] = {}
        for part in chunks(list(dict.fromkeys(ids)), 1000):
            response = self.request("POST", f"{ASSOCIATIONS}/{from_type}/{to_type}/batch/read",
                                    json={"inputs": [{"id": i} for i in part]}).json()
            for row in response.get("results", []):
                out[str(row["from"]["id"])] = [str(t["toObjectId"]) for t in row.get("to", [])]
        return out

    # ------------------------------------------------------------------ writing

    def batch_create(self, object_type: str, inputs: dict[str, dict]) -> tuple[dict[str, dict], dict[str, str]]:
        """Create records keyed by a trace id (objectWriteTraceId); (created by trace, errors by trace)."""
        created: dict[str, dict] = {}
        failed: dict[str, str] = {}
        items = list(inputs.items())
        for part in chunks(items):
            body = {"inputs": [{**spec, "objectWriteTraceId": trace} for trace, spec in part]}
            response = self.request("POST", f"{OBJECTS}/{object_type}/batch/create", json=body).json()
            for record in response.get("results", []):
                created[str(record.get("objectWriteTraceId"))] = record
            for error in response.get("errors", []):
                for trace in (error.get("context") or {}).get("objectWriteTraceId", []):
                    failed[str(trace)] = str(error.get("message"))
        return created, failed

    def batch_update(self, object_type: str, updates: dict[str, dict[str, Any]]) -> tuple[list[dict], set[str]]:
        """Update properties by id; (records as updated, ids not found)."""
        done: list[dict] = []
        missing: set[str] = set()
        for part in chunks(list(updates.items())):
            body = {"inputs": [{"id": rid, "properties": props} for rid, props in part]}
            response = self.request("POST", f"{OBJECTS}/{object_type}/batch/update", json=body).json()
            done.extend(response.get("results", []))
            for error in response.get("errors", []):
                missing.update(str(i) for i in (error.get("context") or {}).get("ids", []))
        return done, missing

    def upsert_contacts(self, by_email: dict[str, dict[str, Any]]) -> tuple[dict[str, dict], dict[str, str]]:
        """Create or update contacts keyed by email (CNT-1: never a second contact for an email); (the contacts
        by email, HubSpot's refusals by email). One refused input fails a whole batch (a portal's write rule,
        docs/vendor-behaviour.md §9.F.4): that batch is sent again one contact at a time."""
        out: dict[str, dict] = {}
        refused: dict[str, str] = {}
        for part in chunks(list(by_email.items())):
            try:
                out.update(self._upsert(part))
            except VendorError as error:
                if isinstance(error, Unauthorized):
                    raise
                if len(part) == 1:
                    refused[part[0][0]] = refusal_message(error)
                    continue
                for one in part:
                    try:
                        out.update(self._upsert([one]))
                    except VendorError as single:
                        if isinstance(single, Unauthorized):
                            raise
                        refused[one[0]] = refusal_message(single)
        return out, refused

    def _upsert(self, part: list[tuple[str, dict[str, Any]]]) -> dict[str, dict]:
        body = {"inputs": [{"id": email, "idProperty": "email", "properties": {**props, "email": email}}
                           for email, props in part]}
        response = self.request("POST", f"{OBJECTS}/contacts/batch/upsert", json=body).json()
        return {str((record.get("properties") or {}).get("email") or "").lower(): record
                for record in response.get("results", [])}

    def batch_archive(self, object_type: str, ids: list[str]) -> None:
        """Archive records (unknown ids are ignored by HubSpot)."""
        for part in chunks(list(dict.fromkeys(ids))):
            self.request("POST", f"{OBJECTS}/{object_type}/batch/archive", json={"inputs": [{"id": i}
                                                                                                 for i in part]})

    def associate(self, from_type: str, to_type: str, pairs: list[tuple[str, str, int]]) -> None:
        """Create typed associations (v4 batch create); already-present ones are fine."""
        for part in chunks(list(dict.fromkeys(pairs))):
            body = {"inputs": [{"from": {"id": a}, "to": {"id": b},
                                "types": [{"associationCategory": DEFINED, "associationTypeId": t}]}
                               for a, b, t in part]}
            self.request("POST", f"{ASSOCIATIONS}/{from_type}/{to_type}/batch/create", json=body)

    def dissociate(self, from_type: str, to_type: str, pairs: list[tuple[str, str]]) -> None:
        """Remove every association between each pair (v4 batch archive)."""
        for part in chunks(list(dict.fromkeys(pairs))):
            body = {"inputs": [{"from": {"id": a}, "to": [{"id": b}]} for a, b in part]}
            self.request("POST", f"{ASSOCIATIONS}/{from_type}/{to_type}/batch/archive", json=body)

    # ------------------------------------------------------------------ the app's webhooks

    def ensure_webhooks(self, app_id: int, developer_key: str, target: str,
                        wanted: list[tuple[str, str | None]]) -> int:
        """Point the app's webhooks at `target` and subscribe each (eventType, propertyName); returns writes."""
        params = {"hapikey": developer_key}
        base = f"/webhooks/v3/{app_id}"
        writes = 0
        try:
            current = self.request("GET", f"{base}/settings", params=params).json().get("targetUrl")
        except VendorError as error:
            if error.status != 404:  # 404: no settings yet
                raise
            current = None
        if current != target:
            self.request("PUT", f"{base}/settings", params=params, json={"targetUrl": target})
            writes += 1
        have = {(s["eventType"], s.get("propertyName")) for s in
                self.request("GET", f"{base}/subscriptions", params=params).json().get("results", [])}
        for event_type, prop in wanted:
            if (event_type, prop) in have:
                continue
            body: dict[str, Any] = {"eventType": event_type, "active": True}
            if prop:
                body["propertyName"] = prop
            self.request("POST", f"{base}/subscriptions", params=params, json=body)
            writes += 1
        return writes
