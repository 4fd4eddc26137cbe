"""Mutants of the twoway classes of broken syncs that once escaped the suite (see catalogue.py).

Each is the reference engine with one two-way rule broken by a subclass of one of its streams, as in
`zoo.py`; `reference/` is never edited. `scenarios/suites/suite_gate_twoway.py` catches them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import Any

from reference.clients.hubspot import hubspot_time
from reference.engine import SyncEngine
from reference.objects.companies import Companies
from reference.objects.contacts import Contacts
from reference.objects.context import OVERLAP, Context
from reference.objects.products import Products
from reference.objects.twoway import Group, Member, Seeds
from reference.settings import Mapping
from reference.state import DELETED, Link
from tests.mutants.zoo import _HubSpotProxy, _swap

# ---------------------------------------------------------------------- CNT-5: conflicts

_MIRROR = datetime(2000, 1, 1, tzinfo=UTC)


def _mirrored(at: datetime) -> datetime:
    """An instant reflected about a fixed one: later becomes earlier, so a "latest wins" picks the earliest."""
    return _MIRROR - (at - _MIRROR)


class _ContactsEarlierWins(Contacts):
    """Merges with both sides' update times reflected: of two changes to one field, the earlier wins."""

    _merging = False

    def shopify_at(self, record: dict) -> datetime:  # type: ignore[override]
        at = super().shopify_at(record)
        return _mirrored(at) if self._merging else at

    def _merge(self, group: Group, mappings: tuple[Mapping, ...]) -> tuple[dict[str, Any], dict[str, dict]]:
        real = group.hubspot
        at = hubspot_time((real or {}).get("updatedAt"))
        if real is not None and at is not None:
            group.hubspot = {**real, "updatedAt": _mirrored(at).isoformat()}
        self._merging = True
        try:
            return super()._merge(group, mappings)
        finally:
            group.hubspot, self._merging = real, False


class EarlierChangeWins(SyncEngine):
    """When both sides changed a contact's field since the last sync, the earlier change wins (breaks CNT-5)."""

    def __init__(self, transport=None, state_dir=None) -> None:
        super().__init__(transport, state_dir)
        _swap(self, {Contacts: _ContactsEarlierWins})


# ---------------------------------------------------------------------- LAT-3: polling HubSpot without overlap


def _polling_without_overlap(stream_run: Callable[[Any, Context], None]) -> Callable[[Any, Context], None]:
    """A two-way pass whose HubSpot poll starts exactly at its cursor: the reference reads back OVERLAP before it,
    since what changed just before a poll may not be in HubSpot's search index yet (docs/vendor-behaviour.md §3.5)."""

    def run(self: Any, ctx: Context) -> None:
        real = ctx.hubspot

        def modified_since(object_type: str, modified_property: str, since: datetime, properties: list[str],
                           listing: Any = None) -> list[dict]:
            return real.modified_since(object_type, modified_property, since + OVERLAP, properties, listing)

        ctx.hubspot = _HubSpotProxy(real, modified_since=modified_since)  # type: ignore[assignment]
        try:
            stream_run(self, ctx)
        finally:
            ctx.hubspot = real
    return run


class _ContactsPollingWithoutOverlap(Contacts):
    run = _polling_without_overlap(Contacts.run)


class _CompaniesPollingWithoutOverlap(Companies):
    run = _polling_without_overlap(Companies.run)


class _ProductsPollingWithoutOverlap(Products):
    run = _polling_without_overlap(Products.run)


class HubSpotPollWithoutOverlap(SyncEngine):
    """Polls HubSpot for changes from its last poll exactly, with no overlap: edits still outside the lagging
    search index at a poll are never read (breaks LAT-3 when webhooks are lost)."""

    def __init__(self, transport=None, state_dir=None) -> None:
        super().__init__(transport, state_dir)
        _swap(self, {Contacts: _ContactsPollingWithoutOverlap, Companies: _CompaniesPollingWithoutOverlap,
                     Products: _ProductsPollingWithoutOverlap})


# ---------------------------------------------------------------------- PRD: products


class _ProductsKeptFromHubSpotEdits(Products):
    """Writes a HubSpot-born product to Shopify once, but never a HubSpot edit to a product Shopify has."""

    def shopify_write(self, shop: Any, record: dict | None, values: dict[str, Any],
                      mappings: tuple[Mapping, ...]) -> dict:
        return record if record is not None else super().shopify_write(shop, record, values, mappings)


class HubSpotProductEditsStayInHubSpot(SyncEngine):
    """Products flow one way once synced (Shopify -> HubSpot): a marketer's price or description edit never
    reaches the Shopify product (breaks PRD-5: price from and to the first variant; SET-5: the default product
    mappings are both ways). HubSpot-born products still reach Shopify, so the older suite let it through."""

    def __init__(self, transport=None, state_dir=None) -> None:
        super().__init__(transport, state_dir)
        _swap(self, {Products: _ProductsKeptFromHubSpotEdits})


class _ProductsWithoutDeletionPolling(Products):
    def shopify_deleted(self, ctx: Context, shop: Any, since: datetime | None) -> list[str]:
        return []  # only a `products/delete` webhook tells it


class ProductDeletionsFromWebhooksOnly(SyncEngine):
    """Learns of Shopify product deletions from webhooks alone: with the webhook lost, the HubSpot product stays
    live (breaks PRD-2)."""

    def __init__(self, transport=None, state_dir=None) -> None:
        super().__init__(transport, state_dir)
        _swap(self, {Products: _ProductsWithoutDeletionPolling})


class _ProductsTombstonedByName(Products):
    """Keeps the name of each product a merchant deleted, per shop, and writes nothing more to that shop's products
    of the name (a tombstone by name where PRD-2 and CNT-4 ask for one by record)."""

    def __init__(self) -> None:
        super().__init__()
        self.tombstones: set[tuple[str | None, str]] = set()

    def _shopify_deletions(self, ctx: Context, deleted: Iterable[tuple[str | None, str]],
                           deleted_at: dict[tuple[str | None, str], str] | None = None) -> None:
        deleted = list(deleted)
        for shop, shopify_id in deleted:
            link = ctx.state.link(self.name, shop, shopify_id)  # type: ignore[arg-type]
            if link is not None:
                self.tombstones.add((shop, (link.view.get("name") or "").strip()))
        super()._shopify_deletions(ctx, deleted, deleted_at)

    def shopify_write(self, shop: Any, record: dict | None, values: dict[str, Any],
                      mappings: tuple[Mapping, ...]) -> dict:
        if record is not None and (shop.shop.shop, (record.get("title") or "").strip()) in self.tombstones:
            return record
        return super().shopify_write(shop, record, values, mappings)


class TombstonesDeletedProductNames(SyncEngine):
    """Writes nothing more to a shop's products of a name a merchant deleted there: a product made again under that
    name never gets the marketer's edits (breaks PRD-5). Deleted within the bound of being made, the old judge left
    that shop's product of the name unjudged."""

    def __init__(self, transport=None, state_dir=None) -> None:
        super().__init__(transport, state_dir)
        _swap(self, {Products: _ProductsTombstonedByName})


# ---------------------------------------------------------------------- CON-2 and CNT-4: contacts in stores


class _ContactsFollowedByOneStore(Contacts):
    """Writes a HubSpot contact's change to the first of its linked stores only."""

    def _merge(self, group: Group, mappings: tuple[Mapping, ...]) -> tuple[dict[str, Any], dict[str, dict]]:
        to_hubspot, to_shops = super()._merge(group, mappings)
        if group.hubspot_changed:
            linked = sorted(shop for shop, member in group.members.items() if member.link is not None)
            for shop in linked[1:]:
                to_shops[shop] = {}
        return to_hubspot, to_shops


class HubSpotEditReachesOneStore(SyncEngine):
    """A HubSpot edit of a contact linked to customers in two stores reaches the first store only (breaks
    CON-2: one contact linked to both customers; and CNT-5: updates flow both ways)."""

    def __init__(self, transport=None, state_dir=None) -> None:
        super().__init__(transport, state_dir)
        _swap(self, {Contacts: _ContactsFollowedByOneStore})


class _ContactsRecreatingCustomers(Contacts):
    """Forgets that a customer was deleted when its contact changes: the contact is written to that shop again."""

    def _complete(self, ctx: Context, mappings: tuple[Mapping, ...], groups: dict[str, Group], seeds: Seeds,
                  props: list[str], looked: bool = False) -> None:
        super()._complete(ctx, mappings, groups, seeds, props, looked=looked)
        for group in groups.values():
            if not group.hubspot_changed or not group.hubspot_id:
                continue
            for link in ctx.state.links_of(self.name, group.hubspot_id):
                if link.status == DELETED and link.shop in ctx.shops and link.shop not in group.members:
                    group.members[link.shop] = Member(link.shop, None, None)


class RecreatesDeletedCustomer(SyncEngine):
    """Re-creates a customer the merchant deleted when its contact is edited in HubSpot (breaks CNT-4)."""

    def __init__(self, transport=None, state_dir=None) -> None:
        super().__init__(transport, state_dir)
        _swap(self, {Contacts: _ContactsRecreatingCustomers})


class _ContactsForgettingWhenCustomersWentAway(Contacts):
    def _shopify_deletions(self, ctx: Context, deleted: Iterable[tuple[str | None, str]],
                           deleted_at: dict[tuple[str | None, str], str] | None = None) -> None:
        super()._shopify_deletions(ctx, deleted)  # the webhook's X-Shopify-Triggered-At goes unread


class SendsEarlierContactEditsToEveryStore(SyncEngine):
    """Takes every contact edit it meets after the contact's last customer was deleted for an orphaned contact's,
    owed to every store, even one made seconds before the delete, while the contact was that customer's (breaks
    CON-2: a record of store A written to store B)."""

    def __init__(self, transport=None, state_dir=None) -> None:
        super().__init__(transport, state_dir)
        _swap(self, {Contacts: _ContactsForgettingWhenCustomersWentAway})


class _ContactsFirstMetAsHubSpotBorn(Contacts):
    """Takes every contact it meets for the first time for HubSpot-born, however recently a merchant made the
    person in a shop."""

    @staticmethod
    def _made_in_hubspot_first(group: Group) -> bool:
        return True


class SendsLaterContactsToEveryStore(SyncEngine):
    """Writes a contact a marketer adds just after the person's customer to every store (breaks CON-2)."""

    def __init__(self, transport=None, state_dir=None) -> None:
        super().__init__(transport, state_dir)
        _swap(self, {Contacts: _ContactsFirstMetAsHubSpotBorn})


class _ContactsRemakingForEarlierCustomers(Contacts):
    def _came_before_archive(self, ctx: Context, shop: str, record: dict, view: dict[str, Any],
                             link: Link | None) -> bool:
        return False


class RemakesArchivedContactForEarlierCustomer(SyncEngine):
    """Makes a contact again for every customer it meets for the first time whose contact is archived, even one the
    merchant made before the archive (breaks CNT-3: the archived contact comes back)."""

    def __init__(self, transport=None, state_dir=None) -> None:
        super().__init__(transport, state_dir)
        _swap(self, {Contacts: _ContactsRemakingForEarlierCustomers})


class _ContactsRemakingForEarlierChanges(Contacts):
    def _came_before_archive(self, ctx: Context, shop: str, record: dict, view: dict[str, Any],
                             link: Link | None) -> bool:
        return link is None and super()._came_before_archive(ctx, shop, record, view, link)


class RemakesArchivedContactForEarlierChange(SyncEngine):
    """Makes a contact again for a linked customer's change it meets after the contact's archive, even a change the
    merchant made before the archive (breaks CNT-3: the archived contact comes back). Customers met for the first
    time are judged by their last change, as they should be."""

    def __init__(self, transport=None, state_dir=None) -> None:
        super().__init__(transport, state_dir)
        _swap(self, {Contacts: _ContactsRemakingForEarlierChanges})


# ---------------------------------------------------------------------- the catalogue

_Z = "tests.mutants.zoo_twoway:"

# import name -> the requirements it breaks (each must be named failing by the suite).
MUTANTS: dict[str, tuple[str, ...]] = {
    _Z + "EarlierChangeWins": ("CNT-5",),
    _Z + "HubSpotPollWithoutOverlap": ("LAT-3",),
    _Z + "HubSpotProductEditsStayInHubSpot": ("PRD-5", "SET-5"),
    _Z + "ProductDeletionsFromWebhooksOnly": ("PRD-2",),
    _Z + "TombstonesDeletedProductNames": ("PRD-5",),
    _Z + "HubSpotEditReachesOneStore": ("CON-2", "CNT-5"),
    _Z + "RecreatesDeletedCustomer": ("CNT-4",),
    _Z + "SendsLaterContactsToEveryStore": ("CON-2",),
    _Z + "SendsEarlierContactEditsToEveryStore": ("CON-2",),
    _Z + "RemakesArchivedContactForEarlierCustomer": ("CNT-3",),
    _Z + "RemakesArchivedContactForEarlierChange": ("CNT-3",),
}

# import name -> the `--only` selection that must catch it (ids, sections or scenario ids).
SELECTIONS: dict[str, str] = {
    _Z + "EarlierChangeWins": "CNT-5/same-field-edited-on-both-sides-between-polls",
    _Z + "HubSpotPollWithoutOverlap": "LAT-3/hubspot-edits-inside-the-search-lag-arrive",
    _Z + "HubSpotProductEditsStayInHubSpot": "PRD-5/hubspot-product-edit-reaches-shopify",
    _Z + "ProductDeletionsFromWebhooksOnly": "PRD-2/product-deleted-with-webhooks-lost",
    _Z + "TombstonesDeletedProductNames": "PRD-5/product-made-again-under-a-deleted-name-follows-hubspot",
    _Z + "HubSpotEditReachesOneStore": "CON-2/hubspot-edit-reaches-both-stores",
    _Z + "RecreatesDeletedCustomer": "CNT-4/contact-edited-after-customer-deleted,"
                                     "CNT-4/contact-edited-after-customer-deleted-in-one-store",
    _Z + "SendsLaterContactsToEveryStore": "CON-2/contact-added-just-after-its-customer-stays-in-its-store",
    _Z + "SendsEarlierContactEditsToEveryStore": "CON-2/contact-edited-just-before-its-customer-is-deleted-stays-in-"
                                                 "its-store",
    _Z + "RemakesArchivedContactForEarlierCustomer": "CNT-3/customer-made-just-before-archive-leaves-contact-archived",
    _Z + "RemakesArchivedContactForEarlierChange": "CNT-3/customer-changed-just-before-archive-leaves-contact-archived",
}
