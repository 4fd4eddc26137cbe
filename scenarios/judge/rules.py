"""The spec's small rules, once: how emails, domains, money and statuses compare, the order stages, the default
contact mapping and the latency bound (docs/spec.md, docs/vendor-behaviour.md §5.3). The checkers and the DSL's
verbs read them from here; the reference engine has its own (it shares no code with the judge)."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

LATENCY_BOUND = timedelta(minutes=10)  # LAT-1: a change shows in the other system within ten minutes

ORDER_STAGE_IDS = {
    "open": "4b27b500-f031-4927-9811-68a0b525cbae",
    "processed": "937ea84d-0a4f-4dcf-9028-3f9c2aafbf03",
    "shipped": "aa99e8d0-c1d5-4071-b915-d240bbb1aed9",
    "delivered": "3725360f-519b-4b18-a593-494d60a29c9f",
    "cancelled": "3c85a297-e9ce-400b-b42e-9f16853d69d6",
}
# Default contact mapping (docs/design.md#field-mappings / docs/vendor-behaviour.md §5.3): both ways, and to
# HubSpot only.
CONTACT_BOTH = {"first_name": "firstname", "last_name": "lastname"}
CONTACT_TO_HUBSPOT_ADDRESS = {"city": "city", "zip": "zip", "country": "country"}


def iso(instant: datetime) -> str:
    return instant.isoformat().replace("+00:00", "Z")


def norm_email(email: str | None) -> str | None:
    """Match key of an email: trimmed, lower-case."""
    if email is None:
        return None
    key = email.strip().lower()
    return key or None


def norm_domain(value: str | None) -> str | None:
    """Match key of a company domain (CMP-1): no scheme, no path, no `www.`, lower-case."""
    if not value:
        return None
    text = value.strip().lower()
    for prefix in ("https://", "http://"):
        if text.startswith(prefix):
            text = text[len(prefix):]
    text = text.split("/")[0]
    if text.startswith("www."):
        text = text[4:]
    return text or None


def money_equal(a: Any, b: Any) -> bool:
    """Whether two money values are the same amount ("10" == "10.00")."""
    try:
        return Decimal(str(a)) == Decimal(str(b))
    except Exception:
        return a == b


def blank(value: Any) -> bool:
    return value is None or str(value).strip() == ""


def same_text(have: Any, want: Any) -> bool:
    """Whether two field values are the same text (trimmed; empty is none)."""
    return (None if blank(have) else str(have).strip()) == (None if blank(want) else str(want).strip())


def whole_number(value: Any) -> int:
    """A quantity as HubSpot may spell it ("2", "2.0"); -1 when it is not a number."""
    try:
        return int(Decimal(str(value)))
    except Exception:
        return -1


def read_path(record: dict | None, path: str) -> Any:
    """The value at a dotted path of a Shopify record (`note`, `default_address.city`)."""
    current: Any = record
    for part in path.split("."):
        if isinstance(current, list):
            current = current[int(part)] if part.isdigit() and int(part) < len(current) else None
        elif isinstance(current, dict):
            current = current.get(part)
        else:
            return None
    return current


def expected_stage(order: dict) -> str:
    """The order pipeline stage a Shopify order must be in (docs/vendor-behaviour.md §5.3, in order of precedence)."""
    if order.get("cancelled_at"):
        return "cancelled"
    fulfillments = [f for f in order.get("fulfillments", []) if f.get("status") != "cancelled"]
    if order.get("fulfillment_status") == "fulfilled":
        if fulfillments and all(f.get("shipment_status") == "delivered" for f in fulfillments):
            return "delivered"
        return "shipped"
    if order.get("financial_status") in ("paid", "partially_refunded", "refunded"):
        return "processed"
    return "open"


def order_statuses(order: dict) -> dict[str, str | None]:
    """The payment and fulfilment status a Shopify order shows in HubSpot: Shopify's words humanized
    (docs/vendor-behaviour.md §5.3: `partially_refunded` -> "Partially refunded", no fulfilment -> "Unfulfilled")."""
    def humanized(word: str | None) -> str | None:
        return word.replace("_", " ").capitalize() if word else None
    return {"hs_payment_status": humanized(order.get("financial_status")),
            "hs_fulfillment_status": humanized(order.get("fulfillment_status")) or "Unfulfilled"}


def status_word(value: str | None) -> str | None:
    """A status compared as a word: case and `_` versus space do not matter ("Partially refunded")."""
    if value is None:
        return None
    return " ".join(str(value).replace("_", " ").lower().split()) or None
