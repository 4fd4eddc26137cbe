"""What the judge reads: a run recorded at its quiet point, as plain data (`RunRecord`).

A record holds the history of the changes people made, both vendors' final state as plain records, the
implementation's calls (the audit log), the webhook deliveries, the latency samples the watches measured
while the run went on, and the failed checks of the scenario itself. It is JSON, so a saved run can be
judged again (`shopsync judge DIR`) without replaying it; the suite judges the very same JSON form.
"""

from __future__ import annotations

import gzip
import json
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from reports.model import Evidence, LatencySample, TimelineEvent

FORMAT = "shopsync-run-record/1"


@dataclass(frozen=True)
class Change:
    """One change made by a person (not by the implementation under test)."""

    at: datetime
    system: str  # "shopify", "hubspot" or "settings"
    object: str  # customer, contact, product, order, checkout, cart, company, settings, shop
    op: str  # create, update, delete, archive, uninstall, configure, ...
    shop: str | None  # Shopify shop, when the change is in Shopify
    id: str  # the record id in its own system ("" for settings)
    data: dict = field(default_factory=dict)  # what the person changed (every field, for a create)
    record: dict = field(default_factory=dict)  # the whole record right after the change (keys, context)


@dataclass(frozen=True)
class LinesSeen:
    """The line items a synced order or cart had in HubSpot just before a merchant or shopper removed a line."""

    object_type: str  # orders or carts
    shop: str
    id: int  # the Shopify order or checkout
    hubspot_id: str
    names: dict[str, str]  # line item id -> name


@dataclass(frozen=True)
class Call:
    """One request a fake answered (an audit-log entry)."""

    seq: int
    at: datetime
    fake: str  # "shopify" or "hubspot"
    tenant: str | None  # shop name or portal id
    method: str
    path: str
    query: str
    status: int
    caller: str | None
    phase: str  # "tick", "webhook", "idle", "app-page" or "harness"
    fault: str | None = None
    read_only: bool = False  # a read sent as a write method (a GraphQL query)
    operation: str | None = None
    cost: int | None = None
    fields: tuple[str, ...] = ()  # a GraphQL call's root fields
    route: str | None = None  # the legacy route that served a date-versioned HubSpot call
    throttled: bool = False

    @property
    def legacy_path(self) -> str:
        return self.route or self.path

    @property
    def refused(self) -> bool:
        """Answered 4xx other than 429: the vendor refused the request and changed nothing."""
        return 400 <= self.status < 500 and self.status != 429

    def as_json(self) -> dict:
        out = asdict(self)
        out["at"] = self.at.isoformat()
        out["fields"] = list(self.fields)
        return out


@dataclass(frozen=True)
class Delivery:
    """One webhook attempt the world carried."""

    at: datetime
    source: str
    topic: str
    status: int | None
    fault: str | None = None
    injected: str | None = None


@dataclass(frozen=True)
class HubRecord:
    """A live HubSpot CRM record."""

    id: str
    properties: dict[str, Any]


@dataclass
class ShopState:
    """One shop's records at the end, in their REST shapes (orders with their customer snapshot)."""

    customers: list[dict] = field(default_factory=list)
    products: list[dict] = field(default_factory=list)
    orders: list[dict] = field(default_factory=list)
    # id, email, completed_at, order_id, line_items [{title, quantity}]
    checkouts: list[dict] = field(default_factory=list)
    companies: list[dict] = field(default_factory=list)  # id, name, domain


@dataclass
class HubState:
    """The portal's live records at the end, with the associations the rules speak of."""

    records: dict[str, list[HubRecord]] = field(default_factory=dict)  # contacts, products, companies, ...
    line_items: dict[str, list[HubRecord]] = field(default_factory=dict)  # "orders/ID" -> its live line items
    associations: dict[str, list[str]] = field(default_factory=dict)  # "orders/ID/contacts" -> live ids
    emails: dict[str, str] = field(default_factory=dict)  # HubSpot's email index: lower-case email -> live contact


@dataclass
class RunRecord:
    """A scenario's run as the judge sees it."""

    shops: list[str]
    uninstalled: list[str]
    settings: dict  # the sync's settings in force at the end: {"objects": {name: {enabled, mappings, ...} | None}}
    history: list[Change]
    shopify: dict[str, ShopState]
    hubspot: HubState
    calls: list[Call]
    deliveries: list[Delivery]
    lines_seen: list[LinesSeen] = field(default_factory=list)
    latencies: list[LatencySample] = field(default_factory=list)
    failures: list[Evidence] = field(default_factory=list)  # the scenario's own failed checks
    quiet_at: datetime | None = None  # when the world went quiet (None: a check failed first, no wait)
    # Spans a scenario let pass with nothing changing after the world went quiet (`Sim.idle`): (start, end].
    quiet_spans: list[tuple[datetime, datetime]] = field(default_factory=list)
    faults: bool = False  # the scenario injected faults (LAT-3 rather than LAT-1)

    # ------------------------------------------------------------------ JSON

    def to_json(self) -> dict:
        return {
            "format": FORMAT,
            "shops": self.shops, "uninstalled": self.uninstalled, "settings": self.settings,
            "history": [_change_json(c) for c in self.history],
            "shopify": {shop: asdict(state) for shop, state in self.shopify.items()},
            "hubspot": {"records": {t: [asdict(r) for r in rs] for t, rs in self.hubspot.records.items()},
                        "line_items": {k: [asdict(r) for r in rs] for k, rs in self.hubspot.line_items.items()},
                        "associations": self.hubspot.associations, "emails": self.hubspot.emails},
            "calls": [c.as_json() for c in self.calls],
            "deliveries": [{**asdict(d), "at": d.at.isoformat()} for d in self.deliveries],
            "lines_seen": [asdict(s) for s in self.lines_seen],
            "latencies": [asdict(s) for s in self.latencies],
            "failures": [asdict(e) for e in self.failures],
            "quiet_at": self.quiet_at.isoformat() if self.quiet_at else None,
            "quiet_spans": [[start.isoformat(), end.isoformat()] for start, end in self.quiet_spans],
            "faults": self.faults,
        }

    @classmethod
    def from_json(cls, data: dict) -> RunRecord:
        if data.get("format") != FORMAT:
            raise ValueError(f"not a run record of this judge ({data.get('format')!r}, expected {FORMAT})")
        hub = data["hubspot"]
        return cls(
            shops=list(data["shops"]), uninstalled=list(data["uninstalled"]), settings=data["settings"],
            history=[Change(**{**c, "at": datetime.fromisoformat(c["at"])}) for c in data["history"]],
            shopify={shop: ShopState(**state) for shop, state in data["shopify"].items()},
            hubspot=HubState({t: [HubRecord(**r) for r in rs] for t, rs in hub["records"].items()},
                             {k: [HubRecord(**r) for r in rs] for k, rs in hub["line_items"].items()},
                             hub["associations"], hub["emails"]),
            calls=[Call(**{**c, "at": datetime.fromisoformat(c["at"]), "fields": tuple(c["fields"])})
                   for c in data["calls"]],
            deliveries=[Delivery(**{**d, "at": datetime.fromisoformat(d["at"])}) for d in data["deliveries"]],
            lines_seen=[LinesSeen(**s) for s in data["lines_seen"]],
            latencies=[LatencySample(**s) for s in data["latencies"]],
            failures=[_evidence(e) for e in data["failures"]],
            quiet_at=datetime.fromisoformat(data["quiet_at"]) if data["quiet_at"] else None,
            quiet_spans=[(datetime.fromisoformat(start), datetime.fromisoformat(end))
                         for start, end in data.get("quiet_spans", [])],
            faults=bool(data["faults"]),
        )

    def save(self, path: Path, data: dict | None = None) -> Path:
        """Write the record (or its already made JSON form) as gzipped JSON."""
        path.parent.mkdir(parents=True, exist_ok=True)
        text = json.dumps(data if data is not None else self.to_json(), default=str, separators=(",", ":"))
        # No name, mtime 0: the same run gives the same bytes, whatever the file is called.
        with open(path, "wb") as raw, gzip.GzipFile(filename="", fileobj=raw, mode="wb", mtime=0) as out:
            out.write(text.encode("utf-8"))
        return path

    @classmethod
    def load(cls, path: Path) -> RunRecord:
        with gzip.open(path, "rt", encoding="utf-8") as source:
            return cls.from_json(json.load(source))


def _change_json(change: Change) -> dict:
    out = asdict(change)
    out["at"] = change.at.isoformat()
    return out


def _evidence(data: dict) -> Evidence:
    timeline = [TimelineEvent(**t) for t in data.get("timeline") or []]
    return Evidence(**{**data, "timeline": timeline})


def plain(value: Any) -> Any:
    """A value as JSON gives it back (dates and decimals as text, tuples as lists): the judge sees in a run
    exactly what it sees in a saved record."""
    return json.loads(json.dumps(value, default=str))
