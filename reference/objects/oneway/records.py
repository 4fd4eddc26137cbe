"""What a one-way pass computes and writes: the HubSpot record a Shopify record must be, and the HubSpot
records an earlier import made (ORD-4)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

from reference.clients.listing import StagedRecords
from reference.clients.shopify_records import instant
from reference.mapping import normalise

LINE_PROPS = ("name", "quantity", "price", "hs_sku", "hs_product_id")


@dataclass
class Desired:
    """What a Shopify record must be in HubSpot: properties, line items, associations."""

    props: dict[str, str | None]
    lines: dict[str, dict[str, str | None]]  # Shopify line id -> line item properties
    contact_email: str | None
    company_id: str | None = None
    waiting: list[str] = field(default_factory=list)  # dependencies not synced yet

    def view(self) -> dict[str, Any]:
        """The comparable form kept in the link."""
        return {"props": {k: normalise(k, v) for k, v in self.props.items()},
                "lines": {k: {p: normalise(p, v) for p, v in line.items()} for k, line in self.lines.items()}}


class Imported:
    """HubSpot records that already name a Shopify record, looked up by (shop, Shopify id) in their staged
    listing: the lowest HubSpot id of that store (or of no store) wins."""

    def __init__(self, records: StagedRecords, external_id: str, domains: dict[str, str]) -> None:
        self.records, self.domains = records, domains

        def keys(record: dict) -> list[str]:
            props = record.get("properties") or {}
            shopify_id = props.get(external_id)
            return [f"{props.get('hs_source_store') or '*'}|{shopify_id}"] if shopify_id else []
        records.index(keys)

    def get(self, ref: tuple[str, str]) -> str | None:
        shop, shopify_id = ref
        found = [int(r["id"]) for key in (f"{self.domains.get(shop)}|{shopify_id}", f"*|{shopify_id}")
                 for r in self.records.by_key(key)]
        return str(min(found)) if found else None


def step(record: dict, desired: Desired) -> str:
    """What a step of a write was made for: this version of the Shopify record, these properties."""
    digest = hashlib.sha256(repr(sorted(desired.props.items())).encode()).hexdigest()[:16]
    moment = instant(record.get("updated_at"))
    return f"{moment.isoformat() if moment else None}:{digest}"


def newer(updated_at: str | None, seen_at: str | None) -> bool:
    """Whether a record's `updated_at` is later than the one last written (GraphQL gives UTC, a webhook the
    shop's offset: instants are compared, not text)."""
    now, then = instant(updated_at), instant(seen_at)
    return then is None or (now is not None and now > then)


def assoc(to_id: str, type_id: int) -> dict:
    return {"to": {"id": str(to_id)}, "types": [{"associationCategory": "HUBSPOT_DEFINED",
                                                 "associationTypeId": type_id}]}


def text(value: Any) -> str | None:
    if value is None or isinstance(value, dict | list):
        return None
    return str(value)


def clean(props: dict[str, str | None]) -> dict[str, str]:
    return {k: v for k, v in props.items() if v is not None}


def blank(props: dict[str, str | None]) -> dict[str, str]:
    return {k: ("" if v is None else v) for k, v in props.items()}


def norm_line(props: dict[str, str | None]) -> dict[str, str | None]:
    return {p: normalise(p, props.get(p)) for p in LINE_PROPS}
