"""What the fake HubSpot keeps: portals, CRM records and their versions, pages and batch results, and the
limits its validation reads."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from fakes.hubspot.apps import PortalUser
from fakes.hubspot.associations import AssociationIndex, AssociationType
from fakes.hubspot.marketing import MarketingTools
from fakes.hubspot.objects import ObjectType, PropertyDefinition
from fakes.hubspot.pipelines import Pipeline, default_pipelines
from fakes.hubspot.ratelimit import SEARCH_PER_SECOND
from fakes.tables import RecordTable, micros

BATCH_LIMIT = 100  # inputs per batch request (docs/vendor-behaviour.md §3.3)
HISTORY_BATCH_LIMIT = 50  # batch read with propertiesWithHistory
LIST_MAX, LIST_DEFAULT = 100, 10
ASSOC_LIST_MAX = 500
TIERS = ("free", "starter", "professional", "enterprise")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_PROPERTY_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
_MERGEABLE = {"contacts", "companies", "deals"}
_PARENTS = {"orders", "carts", "deals", "quotes"}  # a line item belongs to exactly one of these (3.6)


def iso(instant: datetime) -> str:
    """HubSpot's timestamp text: ISO-8601 UTC with `Z`, milliseconds only when non-zero (3.2)."""
    instant = instant.astimezone(UTC)
    text = instant.strftime("%Y-%m-%dT%H:%M:%S")
    millis = instant.microsecond // 1000
    return f"{text}.{millis:03d}Z" if millis else f"{text}Z"


@dataclass
class RecordVersion:
    """A record as it was at one instant (what the search index eventually sees)."""

    at: datetime
    properties: dict[str, str]
    archived: bool
    updated_at: datetime


@dataclass
class CrmRecord:
    """One CRM object (contact, order, ...) of a portal; property values are strings."""

    id: str
    object_type: str
    portal_id: int
    properties: dict[str, str]
    created_at: datetime
    updated_at: datetime
    archived: bool = False
    archived_at: datetime | None = None
    history: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    versions: list[RecordVersion] = field(default_factory=list)

    @property
    def key(self) -> tuple[str, str]:
        """(object type, id): the key associations use."""
        return (self.object_type, self.id)


def search_stamp(record: CrmRecord) -> int:
    """The stamp of a record in its table's update index: its update time in microseconds, doubled, plus one when
    it is archived. A write stamps the record's newest search-index version at its update time, with the
    modified date set to that instant, so the stamp alone tells a search by modified date and id whether the
    record's newest version matches (fakes/hubspot/store/modified_window.py)."""
    return search_stamp_at(micros(record.updated_at), record.archived)


def search_stamp_at(updated_micros: int, archived: bool = False) -> int:
    """The stamp of a record updated at `updated_micros` (`search_stamp`)."""
    return updated_micros * 2 + archived


@dataclass
class RecordView:
    """A record as one response shows it: chosen properties, optional history and associations."""

    id: str
    properties: dict[str, str | None]
    created_at: datetime
    updated_at: datetime
    archived: bool
    archived_at: datetime | None = None
    history: dict[str, list[dict[str, Any]]] | None = None
    associations: dict[str, list[tuple[str, str]]] | None = None
    new: bool | None = None
    object_write_trace_id: str | None = None


@dataclass
class BatchError:
    """One entry of a 207 response's `errors` (all six keys the SDK's StandardError needs)."""

    category: str
    message: str
    context: dict[str, list[str]]
    sub_category: str | None = None


@dataclass
class BatchResult:
    """The outcome of a batch call: results and per-input errors (207 when there are errors)."""

    results: list[Any]
    errors: list[BatchError]
    started_at: datetime
    completed_at: datetime


@dataclass
class Page:
    """One page of a listing: items and the `after` cursor of the next page (None on the last)."""

    items: list[Any]
    next_after: str | None
    total: int | None = None


@dataclass
class AssociationLink:
    """A v4 association from one record to another, with its type specs."""

    to_id: str
    types: list[AssociationType]


@dataclass
class Dashboard:
    """An e-commerce dashboard (docs/spec.md DSH-2): a name, a subset of reports, an access level."""

    id: str
    name: str
    reports: list[str]
    access: str  # private | team | everyone
    owner_user_id: int | None
    created_at: datetime


@dataclass
class Portal:
    """One HubSpot account: its tier, users, records, properties, pipelines and associations."""

    portal_id: int
    tier: str = "professional"
    ops_hub: str = "free"
    api_limit_increase: bool = False
    time_zone: str = "UTC"
    currency: str = "USD"
    users: dict[int, PortalUser] = field(default_factory=dict)
    records: dict[str, RecordTable[CrmRecord]] = field(default_factory=dict)
    email_index: dict[str, str] = field(default_factory=dict)  # lower-case email -> contact id
    merged_into: dict[tuple[str, str], str] = field(default_factory=dict)
    custom_properties: dict[str, dict[str, PropertyDefinition]] = field(default_factory=dict)
    archived_properties: dict[str, dict[str, PropertyDefinition]] = field(default_factory=dict)
    pipelines: dict[str, list[Pipeline]] = field(default_factory=default_pipelines)
    associations: AssociationIndex = field(default_factory=AssociationIndex)
    dashboards: dict[str, Dashboard] = field(default_factory=dict)
    search_per_second: int = SEARCH_PER_SECOND
    write_rules: dict | None = None  # admin rules enforced on 2026-09 API writes (fakes/hubspot/write_rules.py)
    marketing: MarketingTools = field(default_factory=MarketingTools)  # forms and chatflows (MKT-1)

    def of_type(self, object_type: str) -> RecordTable[CrmRecord]:
        """The records of one object type, by id."""
        table = self.records.get(object_type)
        if not isinstance(table, RecordTable):  # ordered by numeric id: a list page seeks to `after`, never sorts
            table = self.records[object_type] = RecordTable(table or {}, key=int, stamp=search_stamp)
        return table  # (a snapshot may hold a dict)

    def definition(self, otype: ObjectType, name: str) -> PropertyDefinition | None:
        """A property definition, custom first (custom properties may not shadow defined ones)."""
        return otype.properties.get(name) or self.custom_properties.get(otype.name, {}).get(name)

    def definitions(self, otype: ObjectType) -> list[PropertyDefinition]:
        """Every live property definition of an object type."""
        return [*otype.properties.values(), *self.custom_properties.get(otype.name, {}).values()]

    def as_json(self) -> dict[str, Any]:
        """A harness view of the account settings."""
        return {"portalId": self.portal_id, "tier": self.tier, "opsHub": self.ops_hub,
                "apiLimitIncrease": self.api_limit_increase,
                "users": [u.as_json() for u in self.users.values()]}


