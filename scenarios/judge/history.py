"""History checks on the audit log: the rules no end state can show.

ORD-1 (no write to Shopify orders), CON-1 (the OAuth token is the only credential), CON-2 (no write
to another store), CON-3 (no traffic after uninstall), CNT-6 (no writes after quiescence), deletes
only where allowed (CNT-3, PRD-3, CMP-3), LAT-3 (no request repeated before a 429's Retry-After
elapsed), no product written while product sync is off (SET-1), and calls made between ticks
(HAR-1). Each violation names its requirement and carries the few calls that prove it.
"""

from __future__ import annotations

import re
from datetime import datetime

from reports.model import Evidence
from scenarios.judge.record import Call
from scenarios.judge.view import RunView

WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})
SHOPIFY_ORDER_WRITE = re.compile(r"/admin/api/[^/]+/orders(\.json|/\d+(\.json|/.*))$")
SHOPIFY_DELETE = re.compile(r"/admin/api/[^/]+/(customers|products)/\d+\.json$")
HUBSPOT_ARCHIVE = re.compile(r"^/crm/v3/objects/(contacts|companies|0-1|0-2)(/\d+|/batch/archive)$")
SHOPIFY_PRODUCT_WRITE = re.compile(r"/admin/api/[^/]+/(products|variants)(\.json|/\d+(\.json|/.*))$")
HUBSPOT_PRODUCT_WRITE = re.compile(r"^/crm/v3/objects/(products|0-7)(/.*)?$")


# GraphQL mutations a sync may never send (their root fields): the same rules as the REST writes above.
GRAPHQL_CUSTOMER_DELETE = ("customerDelete",)
GRAPHQL_PRODUCT_DELETE = ("productDelete",)
GRAPHQL_ORDER_WRITE = ("order", "refund", "fulfillment", "returnCreate", "returnRequest")
GRAPHQL_PRODUCT_WRITE = ("product",)


def _mutations(entries: list[Call], prefixes: tuple[str, ...]) -> list[Call]:
    """The implementation's GraphQL mutations to Shopify with a root field starting with one of `prefixes`."""
    return [e for e in entries if e.fake == "shopify" and e.path.endswith("/graphql.json") and not e.read_only
            and any(f.startswith(prefixes) for f in e.fields)]


def _calls(entries: list[Call]) -> list[dict]:
    return [e.as_json() for e in entries[:10]]


def _impl(entry: Call) -> bool:
    """Requests of the implementation under test (the harness edits through the stores, not over HTTP); in
    `app-page` it serves the page a merchant's browser opened (MKT-1)."""
    return entry.phase in ("tick", "webhook", "idle", "app-page")


def check_history(view: RunView) -> list[Evidence]:
    """Every history rule broken in this run's audit log."""
    entries = [c for c in view.record.calls if _impl(c)]
    quiet_since = view.record.quiet_at
    found: list[Evidence] = []

    order_writes = [e for e in entries if e.fake == "shopify" and e.method in WRITES
                    and SHOPIFY_ORDER_WRITE.search(e.path)] + _mutations(entries, GRAPHQL_ORDER_WRITE)
    if order_writes:
        found.append(Evidence("ORD-1: the implementation wrote to Shopify orders", "no write to orders",
                              f"{len(order_writes)} write(s)", _calls(order_writes)))

    deletes = [e for e in entries if e.fake == "shopify" and e.method == "DELETE" and SHOPIFY_DELETE.search(e.path)]
    customer_deletes = [e for e in deletes if "/customers/" in e.path] + _mutations(entries, GRAPHQL_CUSTOMER_DELETE)
    product_deletes = [e for e in deletes if "/products/" in e.path] + _mutations(entries, GRAPHQL_PRODUCT_DELETE)
    if customer_deletes:
        found.append(Evidence("CNT-3: the implementation deleted Shopify customers", "no customer deleted",
                              f"{len(customer_deletes)} delete(s)", _calls(customer_deletes)))
    if product_deletes:
        found.append(Evidence("PRD-3: the implementation deleted Shopify products", "no product deleted",
                              f"{len(product_deletes)} delete(s)", _calls(product_deletes)))
    found.extend(companies_deleted_by_implementation(view))

    # A date-versioned call (/crm/objects/2026-03/...) is judged by the legacy route that serves it.
    archives = [e for e in entries if e.fake == "hubspot" and e.method in ("DELETE", "POST")
                and HUBSPOT_ARCHIVE.search(e.legacy_path) and e.status < 300]
    contact_archives = [e for e in archives if "/contacts" in e.legacy_path or "/0-1" in e.legacy_path]
    company_archives = [e for e in archives if "/companies" in e.legacy_path or "/0-2" in e.legacy_path]
    if contact_archives:
        found.append(Evidence("CNT-4: the implementation archived HubSpot contacts", "no contact archived",
                              f"{len(contact_archives)} archive call(s)", _calls(contact_archives)))
    if company_archives:
        found.append(Evidence("CMP-4: the implementation archived HubSpot companies", "no company archived",
                              f"{len(company_archives)} archive call(s)", _calls(company_archives)))

    for shop in view.record.uninstalled:
        at = next(c.at for c in view.history if c.object == "shop" and c.op == "uninstall" and c.shop == shop)
        after = [e for e in entries if e.fake == "shopify" and e.tenant == shop and e.at > at]
        if after:
            found.append(Evidence(f"CON-3: traffic to {shop} after it uninstalled the app", "no request",
                                  f"{len(after)} request(s)", _calls(after)))

    found.extend(_oauth_checks(view, entries))
    found.extend(products_written_while_off(view, entries))

    hammered = retried_before_retry_after(entries)
    if hammered:
        found.append(Evidence("LAT-3: requests repeated before the Retry-After of their 429 (or THROTTLED) elapsed",
                              "wait for Retry-After", f"{len(hammered)} request(s)", _calls(hammered)))

    between = [e for e in entries if e.phase == "idle"]
    if between:
        found.append(Evidence("LAT-1: vendor calls made between ticks (the world stood still; HAR-1)",
                              "calls only inside /tick and /webhooks", f"{len(between)} call(s)", _calls(between)))

    quiet: list[tuple[datetime, datetime | None]] = [(quiet_since, None)] if quiet_since is not None else []
    quiet += view.record.quiet_spans
    late = [e for e in entries if any(start < e.at and (end is None or e.at <= end) for start, end in quiet)
            and e.method in WRITES and not e.read_only and not e.refused
            and not e.path.endswith(("/search", "/batch/read"))]
    if late:
        found.append(Evidence("CNT-6: writes after quiescence (the implementation echoes its own writes)",
                              "no write", f"{len(late)} write(s)", _calls(late)))
    return found


def _oauth_checks(view: RunView, entries: list[Call]) -> list[Evidence]:
    found: list[Evidence] = []
    for shop in view.shops:
        # At the fake's path form, or at the shop's own host (`{shop}.myshopify.com/admin/oauth/...`, what an
        # implementation that hard-codes the real hosts calls through `--intercept-hosts`).
        exchanges = [e for e in entries if e.fake == "shopify" and (
            e.path == f"/shops/{shop}/admin/oauth/access_token"
            or (e.path == "/admin/oauth/access_token" and e.tenant == shop))]
        api_calls = [e for e in entries if e.fake == "shopify" and e.tenant == shop and "/admin/api/" in e.path]
        if api_calls and not any(e.status == 200 for e in exchanges):
            found.append(Evidence(f"CON-1: {shop} was called without exchanging its OAuth code",
                                  "POST /admin/oauth/access_token first", "no exchange", _calls(api_calls)))
        elif api_calls and exchanges and api_calls[0].at < exchanges[0].at:
            found.append(Evidence(f"CON-1: {shop} was called before its OAuth exchange", "exchange first",
                                  "call first", _calls([api_calls[0], exchanges[0]])))
        unauthorised = [e for e in api_calls if e.status == 401 and shop not in view.record.uninstalled]
        if unauthorised:
            found.append(Evidence(f"CON-1: {shop} answered 401: a credential other than the installed token",
                                  "every call authorised", f"{len(unauthorised)} x 401", _calls(unauthorised)))
    return found


def products_written_while_off(view: RunView, entries: list[Call]) -> list[Evidence]:
    """SET-1: product sync is switched on on its own; orders or carts on while it is off write no product,
    in HubSpot or in Shopify (SET-3, SET-4 likewise once it was switched off or deleted).

    A write is allowed when the settings in force just before it, or set at its very instant (a tick and a
    settings change at one simulated instant may fall either way), had product sync on."""
    settings = [(c.at, bool(((c.data.get("objects") or {}).get("products") or {}).get("enabled")))
                for c in view.history if c.system == "settings" and c.op == "configure"]

    def on_at(at: datetime) -> bool:
        before = [on for when, on in settings if when < at]
        return (bool(before) and before[-1]) or any(on for when, on in settings if when == at)

    writes = [e for e in entries if e.method in WRITES and not e.read_only
              and not e.legacy_path.endswith(("/search", "/batch/read"))
              and ((e.fake == "hubspot" and HUBSPOT_PRODUCT_WRITE.search(e.legacy_path))
                   or (e.fake == "shopify" and SHOPIFY_PRODUCT_WRITE.search(e.path)))]
    writes += _mutations(entries, GRAPHQL_PRODUCT_WRITE)
    writes.sort(key=lambda e: e.seq)
    off = [e for e in writes if not on_at(e.at)]
    if not off:
        return []
    was_on = any(on and when < off[0].at for when, on in settings)
    rule = "SET-3" if was_on else "SET-1"
    return [Evidence(f"{rule}: products written while product sync was off", "no product write",
                     f"{len(off)} write(s)", _calls(off))]


def retried_before_retry_after(entries: list[Call]) -> list[Call]:
    """Requests sent again at the same simulated instant as the 429 they follow (same vendor, tenant,
    method and path): whatever its Retry-After (never below 0.1 s), it had not elapsed. Shopify's GraphQL
    API throttles with a 200 and THROTTLED instead of a 429 (docs/vendor-behaviour.md §8.B): the same
    operation sent again at that instant found the cost bucket just as short.

    Simulated time stands still within a tick, so this is the only way an implementation can call
    before Retry-After; a retry at a later tick is the implementation's own judgement and not flagged.
    """
    throttled: dict[tuple, datetime] = {}
    found = []
    for entry in entries:
        key = (entry.fake, entry.tenant, entry.method, entry.path)
        if entry.path.endswith("/graphql.json"):
            key += (entry.operation,)  # a cheaper operation may find the points a costlier one lacked
        if throttled.get(key) == entry.at:
            found.append(entry)
        if entry.status == 429 or entry.throttled:
            throttled[key] = entry.at
    return found


def companies_deleted_by_implementation(view: RunView) -> list[Evidence]:
    """CMP-3: Shopify companies that disappeared although no merchant deleted them.

    The audit log keeps no GraphQL bodies, so a `companyDelete` shows as a company gone from the shop
    with no merchant delete in the history.
    """
    found = []
    for shop in view.shops:
        made = {int(c.id) for c in view.history if c.object == "company" and c.op == "create" and c.shop == shop}
        gone = {int(c.id) for c in view.history if c.object == "company" and c.op == "delete" and c.shop == shop}
        present = {c["id"] for c in view.companies(shop)}
        vanished = sorted(made - gone - present)
        if vanished:
            found.append(Evidence(f"CMP-3: Shopify companies of {shop} deleted by the implementation", "present",
                                  vanished))
    return found
