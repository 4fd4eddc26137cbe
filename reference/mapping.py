"""Field values across the two vendors: reading a mapped field, normalising it, and matching keys.

A record's *view* is the dict HubSpot property -> normalised value that a set of mappings reads from
one side. Comparing views (rather than raw payloads) is what makes the engine blind to cosmetic
differences ("19.50" vs "19.5", upper-case emails) and to its own echoes (CNT-6).
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import urlsplit

from reference.settings import Mapping

MONEY_PROPERTIES = frozenset({"price", "amount", "quantity", "hs_total_price", "hs_subtotal_price", "hs_tax",
                              "hs_cart_discount", "hs_order_discount", "hs_shipping_cost"})


def norm_email(value: Any) -> str | None:
    """Match key of contacts (CNT-1): trimmed, lower case; None when empty."""
    text = str(value).strip().lower() if value is not None else ""
    return text or None


def norm_domain(value: Any) -> str | None:
    """Match key of companies (CMP-1): no scheme, no `www.`, no path, lower case."""
    text = str(value or "").strip().lower()
    if not text:
        return None
    host = urlsplit(text if "://" in text else f"http://{text}").hostname or ""
    host = host.removeprefix("www.")
    return host or None


def norm_name(value: Any) -> str | None:
    """Match key of products (PRD-1): exact after trimming white space."""
    text = str(value or "").strip()
    return text or None


def norm_money(value: Any) -> str | None:
    """A decimal as a canonical string ("19.50" and "19.5" are the same price)."""
    if value is None or str(value).strip() == "":
        return None
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        return str(value).strip()
    text = format(number.normalize(), "f")
    return "0" if text in ("-0", "") else text


def normalise(prop: str, value: Any) -> str | None:
    """The comparable form of a value of HubSpot property `prop`."""
    if prop == "email":
        return norm_email(value)
    if prop == "domain":
        return norm_domain(value)
    if prop in MONEY_PROPERTIES:
        return norm_money(value)
    if value is None or isinstance(value, dict | list):
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    text = str(value).strip()
    return text or None


def read_path(record: dict | None, path: str) -> Any:
    """The value at a dotted path of a vendor record (`default_address.city`, `variants.0.price`)."""
    current: Any = record
    for part in path.split("."):
        if isinstance(current, list):
            try:
                current = current[int(part)]
            except (ValueError, IndexError):
                return None
        elif isinstance(current, dict):
            current = current.get(part)
        else:
            return None
    return current


def shopify_view(record: dict | None, mappings: Iterable[Mapping]) -> dict[str, str | None]:
    """What the mappings read from a Shopify record, keyed by HubSpot property."""
    return {m.hubspot_property: normalise(m.hubspot_property, read_path(record, m.shopify_field)) for m in mappings}


def hubspot_view(record: dict | None, mappings: Iterable[Mapping]) -> dict[str, str | None]:
    """What the mappings read from a HubSpot record (`{"properties": ...}`)."""
    props = (record or {}).get("properties") or {}
    return {m.hubspot_property: normalise(m.hubspot_property, props.get(m.hubspot_property)) for m in mappings}


def humanize(value: str | None, default: str | None = None) -> str | None:
    """Shopify status words as HubSpot shows them (`partially_paid` -> `Partially paid`,
    docs/vendor-behaviour.md §5.3)."""
    if not value:
        return default
    text = str(value).replace("_", " ")
    return text[:1].upper() + text[1:]
