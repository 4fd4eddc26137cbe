"""What a two-way object type is: its names, its keys, and how its Shopify side is read and written.

Each phase of the pass (pull, deletions, match, write) is a mixin over this base; `TwoWay` puts them
together. An object type (contacts, companies, products) fills in the hooks.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from datetime import datetime
from typing import Any

from reference.clients.listing import Listing, Listings, Scratch, StagedRecords
from reference.clients.shopify import ShopClient
from reference.clients.shopify_records import shopify_time
from reference.objects.context import Context
from reference.objects.twoway.records import Group, Pass
from reference.settings import Mapping


class StreamBase(ABC):
    """The names and hooks of a two-way object type."""

    name = ""  # settings name
    hubspot_type = ""
    modified_property = "hs_lastmodifieddate"
    topic_prefix = ""  # Shopify webhook topics, e.g. "customers/"
    hubspot_prefix = ""  # HubSpot subscription prefix, e.g. "contact."
    recreate_after_archive = True  # a changed survivor of an archived HubSpot record makes a new one
    archive_on_shopify_delete = False  # PRD-2

    def __init__(self) -> None:
        self.listings = Listings(Scratch())
        self.pending: Pass | None = None

    @abstractmethod
    def keys(self, view: dict[str, Any]) -> list[str]:
        """Match keys of a record's view (empty: the record has no key)."""

    def eligible(self, ctx: Context, view: dict[str, Any]) -> bool:
        """Whether a record with this view may be synced at all (SET-6, CMP-2)."""
        return bool(self.keys(view))

    @abstractmethod
    def shopify_list(self, shop: ShopClient, since: datetime | None, listing: Listing | None = None) -> list[dict]:
        """Shopify records updated since `since` (all when None; kept in `listing`, where a cut one goes on)."""

    @abstractmethod
    def shopify_fetch(self, shop: ShopClient, ids: list[str]) -> list[dict]:
        """Shopify records by id (missing ones absent)."""

    @abstractmethod
    def shopify_find(self, shop: ShopClient, view: dict[str, Any]) -> dict | None:
        """The Shopify record of this shop matching a view's key, if any."""

    @abstractmethod
    def shopify_write(self, shop: ShopClient, record: dict | None, values: dict[str, Any],
                      mappings: tuple[Mapping, ...]) -> dict:
        """Create (record None) or update a Shopify record with HubSpot-keyed values; the stored record."""

    def shopify_deleted(self, ctx: Context, shop: ShopClient, since: datetime | None) -> list[str]:
        """Ids of records deleted since `since`, when deletions must be polled (products)."""
        return []

    def hubspot_create(self, ctx: Context, creates: dict[str, dict[str, Any]]) -> tuple[dict[str, dict],
                                                                                         dict[str, str]]:
        """Create HubSpot records (trace -> properties); (the created records, HubSpot's refusals) by trace."""
        inputs = {trace: {"properties": props} for trace, props in creates.items()}
        return ctx.hubspot.batch_create(self.hubspot_type, inputs)

    def hubspot_lookup(self, ctx: Context, groups: list[Group], props: list[str]) -> dict[str, dict]:
        """Existing HubSpot records for new groups, by one of their keys (look before creating)."""
        return {}

    @staticmethod
    def shopify_id(record: dict) -> str:
        """A Shopify record's id as text."""
        return str(record["id"])

    @staticmethod
    def shopify_at(record: dict) -> datetime:
        """When a Shopify record last changed (its own clock)."""
        return shopify_time(record["updated_at"])

    @property
    def prefixes(self) -> tuple[str, ...]:
        """The webhook topics (by prefix) this object type acts on."""
        return self.topic_prefix, self.hubspot_prefix


def staged(records: list[dict] | StagedRecords) -> StagedRecords:
    """A two-way stream's listings are staged (it made its `Listings` with a scratch file)."""
    assert isinstance(records, StagedRecords)
    return records
