"""Two-way streams (contacts, companies, products): pull -> match -> merge -> write -> record.

A *group* is one HubSpot record and the Shopify records linked to it (one per shop at most). Each
tick a stream pulls what changed on either side (webhook hints, polls with overlapping cursors, full
listings on an initial sync), drops what equals the view it last synced (its own echoes, CNT-6),
gathers the rest into groups, and merges field by field: a field that changed on one side since the
last sync flows to the others; changed on several, the latest change by each side's own update
timestamp wins (CNT-5). Then it writes in batches and records the new views.

What a pass pulls is staged in a scratch SQLite file and handled a chunk at a time, so that memory
does not grow with the stores (an initial sync of 100,000 customers holds one chunk, not the store).

Subclasses say what the object is keyed on and how its Shopify side is read and written.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from itertools import islice
from typing import Any

from reference.clients.http import Unauthorized, VendorError
from reference.clients.hubspot import BATCH, hubspot_time, refusal_message
from reference.clients.listing import LISTING_TTL, Listing, Listings, Scratch, StagedRecords
from reference.clients.shopify import ShopClient, shopify_time
from reference.mapping import hubspot_view, normalise, shopify_view
from reference.objects.context import CHUNK, OVERLAP, Context, log
from reference.settings import Mapping
from reference.state import ARCHIVED, DELETED, LIVE, HubSpotRecord, Link

SHOPIFY_FIRST = 1  # on a tie of update timestamps the Shopify change wins (arbitrary but stable)


@dataclass
class Member:
    """A group's record in one shop: current Shopify record (None: to be created) and its link."""

    shop: str
    record: dict | None
    link: Link | None = None
    # A survivor of an archived HubSpot record joining the record of its key unchanged: its link's view is
    # what it last agreed with, so it takes the group's values rather than offering its own.
    adopted: bool = False


@dataclass
class Group:
    """One HubSpot record (or one to create) and its Shopify records."""

    hid: str | None
    h: dict | None = None
    rec: HubSpotRecord | None = None
    members: dict[str, Member] = field(default_factory=dict)
    hubspot_changed: bool = False
    key_hint: list[str] = field(default_factory=list)
    born: str | None = None  # "sync" once this pass has created its HubSpot record


@dataclass
class Source:
    """One side's changed records in a pass, staged: HubSpot's (`shop` None) or one shop's."""

    shop: str | None
    records: StagedRecords
    recheck: bool = False  # a listing kept from an earlier tick: what the engine wrote since supersedes it
    full: bool = False  # an initial listing (every record of the shop): new groups are matched against it


@dataclass
class Seeds:
    """The changed records of a pass, in the order they are matched (HubSpot's by id, then each shop's),
    read a chunk at a time; `at`/`after` say where the next chunk begins."""

    sources: list[Source]
    at: int = 0
    after: int | str | None = None

    def chunk(self, size: int) -> tuple[list[tuple[Source, dict]], tuple[int, int | str | None]]:
        """The next `size` records and the position after them (not taken until `advance`)."""
        out: list[tuple[Source, dict]] = []
        at, after = self.at, self.after
        while len(out) < size and at < len(self.sources):
            want = size - len(out)
            rows = self.sources[at].records.after(after, want)
            out += [(self.sources[at], record) for _, record in rows]
            at, after = (at + 1, None) if len(rows) < want else (at, rows[-1][0])
        return out, (at, after)

    def advance(self, position: tuple[int, int | str | None]) -> None:
        self.at, self.after = position

    def shop(self, shop: str) -> Source | None:
        return next((s for s in self.sources if s.shop == shop), None)

    def later(self, shop: str) -> list[Source]:
        """The shops whose records come after this shop's."""
        return [s for s in self.sources if s.shop is not None and s.shop > shop]


@dataclass
class Pass:
    """A pass in progress: its changed records (staged), the chunk being written, and what to record after.

    A rate limit may cut a pass anywhere; the next tick goes on from where it stopped instead of listing
    and matching everything again, which, for an initial sync that needs many ticks, made each tick cost
    as much as the whole backlog."""

    started: datetime
    mappings: tuple[Mapping, ...]
    props: list[str]  # HubSpot properties read
    seeds: Seeds
    looked: bool  # HubSpot was listed whole: a new group has no HubSpot record left to look up
    cursors: dict[str, str]  # Shopify cursor keys -> where the next poll starts
    h_cursor: str | None  # the HubSpot cursor, when the pass polled HubSpot
    through: int  # the pass handles the inbox events of its topics up to this one
    groups: dict[str, Group] = field(default_factory=dict)  # of the chunk being written


class TwoWay(ABC):
    """The shared machinery of a two-way object type."""

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

    def holding(self, ctx: Context) -> bool:
        """Whether a pass cut short still has groups to write."""
        return self.pending is not None

    # ------------------------------------------------------------------ what subclasses provide

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

    # ------------------------------------------------------------------ the pass

    @property
    def prefixes(self) -> tuple[str, ...]:
        """The webhook topics (by prefix) this object type acts on."""
        return self.topic_prefix, self.hubspot_prefix

    def run(self, ctx: Context) -> None:
        """One pass: pull, match, merge, write, record. Deferred propagates (partial progress is kept)."""
        mappings = ctx.settings.mappings(self.name)
        pending, self.pending = self.pending, None
        if pending is not None and pending.mappings == mappings and ctx.now - pending.started <= LISTING_TTL:
            self._go_on(ctx, pending)
            return
        props = sorted({m.hubspot_property for m in mappings} | {self.modified_property})
        # The webhook hints, read a page at a time: a bulk import can leave tens of thousands, mostly echoes.
        hinted_shops: set[str | None] = set()
        deleted: list[tuple[str | None, str]] = []
        h_fetch: set[str] = set()
        h_gone: set[str] = set()
        through = 0  # the last event this pass handles
        for event in ctx.state.inbox_pages(self.prefixes):
            through = event.seq
            if event.source == "shopify" and event.topic.endswith("/delete"):
                deleted.append((event.shop, str(event.body.get("id") or event.body.get("admin_graphql_api_id"))))
            elif event.source == "shopify":
                hinted_shops.add(event.shop)
            elif event.topic.endswith(".deletion"):
                h_gone.add(str(event.body["objectId"]))
            elif not self._echo(ctx, event.body):
                h_fetch.add(str(event.body["objectId"]))

        # -------- pull: Shopify (a listing is kept across ticks until the pass that uses it ends: a rate limit
        # may cut it, or the writes after it, short, and starting again would never get further)
        sources: list[Source] = []
        cursors: dict[str, str] = {}
        for shop, client in sorted(ctx.shops.items()):
            key = f"cursor:{self.name}:{shop}"
            cursor = ctx.state.get(key)
            refused = ctx.refusals.due(self.name, shop, ctx.now)  # tried again: a rule may have changed
            if cursor is not None and shop not in hinted_shops and not refused \
                    and not ctx.poll_due(f"{self.name}:{shop}"):
                self._wake_for_refused(ctx, shop)
                continue
            since = datetime.fromisoformat(cursor) - OVERLAP if cursor else None
            listing = self.listings.get(f"shopify:{shop}", ctx.now)
            records = _staged(listing.records)
            listed = self.shopify_list(client, since, listing)
            if listed is not records:  # a stream that lists its own way (companies, in one GraphQL listing)
                records.clear()
                records.extend(listed)
            if refused and cursor is not None:
                again = self.shopify_fetch(client, refused)
                records.extend(again)
                ctx.refusals.clear(self.name, shop, set(refused) - {self.shopify_id(r) for r in again})  # deleted
                ctx.refusals.postpone(self.name, shop, refused, ctx.now)
            self._wake_for_refused(ctx, shop)
            sources.append(Source(shop, records, recheck=listing.attempts > 1, full=cursor is None))
            deleted += [(shop, rid) for rid in self.shopify_deleted(ctx, client, since)]
            # Shopify's lists are consistent at once: everything changed before the listing began was in it.
            cursors[key] = listing.started.isoformat()

        # -------- pull: HubSpot (webhook hints are read by id: search lags behind, docs/vendor-behaviour.md §3.5)
        h_key = f"cursor:{self.name}:hubspot"
        h_cursor = ctx.state.get(h_key)
        h_polled = h_cursor is None or ctx.poll_due(f"{self.name}:hubspot")
        changed_h = _staged(self.listings.bag("pass:hubspot", numeric=True))
        recheck = False
        # Only a poll moves the cursor (a webhook hint says nothing of what else changed meanwhile);
        # records changed in the last seconds may not be indexed yet: the overlap reads them next time.
        new_h_cursor = ctx.now.isoformat()
        if h_polled:
            listing = self.listings.get("hubspot", ctx.now)
            if h_cursor is None:
                ctx.hubspot.list_all(self.hubspot_type, props, listing)
            else:
                ctx.hubspot.modified_since(self.hubspot_type, self.modified_property,
                                           datetime.fromisoformat(h_cursor) - OVERLAP, props, listing)
            changed_h.copy_from(_staged(listing.records))
            recheck = listing.attempts > 1
            new_h_cursor = listing.started.isoformat()
        if h_fetch:
            fetched, missing = ctx.hubspot.batch_read(self.hubspot_type, sorted(h_fetch), props)
            h_gone |= missing
            changed_h.extend(fetched)

        # -------- deletions on either side
        self._shopify_deletions(ctx, deleted)
        self._hubspot_archives(ctx, sorted(hid for hid in h_gone if changed_h.get(hid) is None))

        # -------- match into groups, complete them, merge, write: a chunk at a time
        seeds = Seeds([Source(None, changed_h, recheck=recheck), *sources])
        self._go_on(ctx, Pass(ctx.now, mappings, props, seeds, h_cursor is None, cursors,
                              new_h_cursor if h_polled else None, through))

    def _wake_for_refused(self, ctx: Context, shop: str) -> None:
        when = ctx.refusals.next_try(self.name, shop)
        if when is not None:
            ctx.wake(when)

    def _go_on(self, ctx: Context, this_pass: Pass) -> None:
        """Write what a cut left of the current chunk, then match, complete and write the others."""
        self.pending = this_pass  # kept while its writes go on (a rate limit may cut them)
        mappings = this_pass.mappings
        self._merge_and_write(ctx, mappings, this_pass.groups)
        while True:
            chunk, position = this_pass.seeds.chunk(CHUNK)
            if not chunk:
                break
            groups = self._groups(ctx, mappings, chunk, this_pass.seeds)
            self._complete(ctx, mappings, groups, this_pass.seeds, this_pass.props, looked=this_pass.looked)
            # From here the chunk is this pass's: cut while writing, the next tick writes the rest of it.
            this_pass.groups = groups
            this_pass.seeds.advance(position)
            self._merge_and_write(ctx, mappings, groups)
        self.pending = None
        self._finish(ctx, this_pass)

    def _finish(self, ctx: Context, done: Pass) -> None:
        """The pass is written: move the cursors, drop its listings and the events it handled."""
        for key, value in done.cursors.items():
            ctx.state.put(key, value)
            ctx.polled(key.removeprefix("cursor:"))
            self.listings.drop(f"shopify:{key.rsplit(':', 1)[1]}")
        if done.h_cursor is not None:
            ctx.state.put(f"cursor:{self.name}:hubspot", done.h_cursor)
            ctx.polled(f"{self.name}:hubspot")
            self.listings.drop("hubspot")
        done.seeds.sources[0].records.clear()
        ctx.state.done_through(self.prefixes, done.through)
        ctx.refusals.settle(self.name, done.started)

    def _stale_shopify(self, ctx: Context, source: Source, record: dict) -> bool:
        """Whether the engine has written this record since a kept listing read it (its link is newer)."""
        if not source.recheck or source.shop is None:
            return False
        link = ctx.state.link(self.name, source.shop, self.shopify_id(record))
        return link is not None and bool(link.at) and shopify_time(link.at or "") > self.shopify_at(record)

    def _stale_hubspot(self, ctx: Context, source: Source, record: dict) -> bool:
        """Whether the engine has written or read this record since a kept listing read it."""
        if not source.recheck:
            return False
        rec = ctx.state.record(self.name, str(record["id"]))
        seen, listed = hubspot_time(rec.at) if rec else None, hubspot_time(record.get("updatedAt"))
        return seen is not None and listed is not None and seen > listed

    def _known_archived(self, ctx: Context, record: dict, rec: HubSpotRecord | None = None) -> bool:
        """Whether a listed or found HubSpot record is one the engine knows archived, unchanged since: a copy
        read before the archive, or a search hit its index still holds (docs/vendor-behaviour.md §3.5)."""
        rec = rec or ctx.state.record(self.name, str(record["id"]))
        if rec is None or not rec.archived:
            return False
        known, listed = hubspot_time(rec.at), hubspot_time(record.get("updatedAt"))
        return known is not None and listed is not None and listed <= known

    def _echo(self, ctx: Context, event: dict) -> bool:
        """Whether a HubSpot event only reports what the engine itself last wrote (no read needed, CNT-6)."""
        rec = ctx.state.record(self.name, str(event["objectId"]))
        if rec is None or rec.archived:
            return False
        if str(event.get("subscriptionType", "")).endswith(".creation"):
            return True  # a record the engine knows already: it made it, or has read it since
        prop = event.get("propertyName")
        return prop is not None and prop in rec.view and rec.view[prop] == normalise(prop, event.get("propertyValue"))

    # ------------------------------------------------------------------ deletions

    def _shopify_deletions(self, ctx: Context, deleted: Iterable[tuple[str, str]]) -> None:
        archive: list[str] = []
        for shop, sid in deleted:
            link = ctx.state.link(self.name, shop, sid)
            if link is None or link.status == DELETED:
                continue
            hid = link.hubspot_id
            link.status = DELETED  # CNT-4/CMP-4: the HubSpot record stays; never re-create it in this shop
            ctx.state.save_link(link)
            if self.archive_on_shopify_delete and hid and link.status != ARCHIVED:
                archive.append(hid)
        if archive:
            ctx.hubspot.batch_archive(self.hubspot_type, archive)  # PRD-2
            for hid in archive:
                self._forget_hubspot(ctx, hid)

    def _hubspot_archives(self, ctx: Context, gone: Iterable[str]) -> None:
        for hid in gone:
            self._forget_hubspot(ctx, hid)

    def _forget_hubspot(self, ctx: Context, hid: str) -> None:
        """The HubSpot record is archived: nothing is deleted in Shopify (CNT-3, CMP-3, PRD-3); links drop."""
        rec = ctx.state.record(self.name, hid)
        if rec is not None:
            rec.archived = True
            rec.at = ctx.now.isoformat()  # a copy listed before this is stale (see _groups)
            ctx.state.save_record(rec)
        for link in ctx.state.links_of(self.name, hid):
            if link.status != LIVE:
                continue
            if self.recreate_after_archive:
                # The survivor is synced as new on its next change (matched by key first), or joins the
                # record its key gets again (CON-2); the view stays, so that a re-read of an unchanged
                # record is not taken for a change.
                link.hubspot_id = None
                link.extra["keys"] = self.keys(link.view)
            else:
                link.status = ARCHIVED
            ctx.state.save_link(link)

    # ------------------------------------------------------------------ matching

    def _groups(self, ctx: Context, mappings: tuple[Mapping, ...], chunk: list[tuple[Source, dict]],
                seeds: Seeds) -> dict[str, Group]:
        """A chunk of changed records gathered into groups (HubSpot's first, then each shop's in turn).

        Records of earlier chunks are written by now, so a key of theirs is found in the state; a record of
        a later shop with the key of a new one here joins it at once, as it would in one big pass."""
        groups: dict[str, Group] = {}
        by_key: dict[str, str] = {}  # match key -> group id, within this chunk

        def remember(gid: str, view: dict[str, Any]) -> None:
            for k in self.keys(view):
                by_key.setdefault(k, gid)

        for source, record in chunk:
            if source.shop is None:  # a HubSpot record that changed since its last sync
                if self._stale_hubspot(ctx, source, record):
                    continue
                hid = str(record["id"])
                view = hubspot_view(record, mappings)
                rec = ctx.state.record(self.name, hid)
                if rec is not None and rec.view == view and not rec.archived:
                    continue  # our own write, or nothing we map (CNT-6)
                if self._known_archived(ctx, record, rec):
                    continue  # listed before its archive (this very pass may have archived it, PRD-2)
                if not self.eligible(ctx, view):
                    continue
                groups[hid] = Group(hid, record, rec, hubspot_changed=True)
                remember(hid, view)
                continue
            shop, sid = source.shop, self.shopify_id(record)
            if self._stale_shopify(ctx, source, record):
                continue
            view = shopify_view(record, mappings)
            link = ctx.state.link(self.name, shop, sid)
            if link is not None and link.status != LIVE:
                continue  # deleted, or its HubSpot record is archived for good (PRD-3)
            if link is not None and link.view == view:
                continue  # our own write, or nothing we map (or an orphan that has not changed)
            if link is not None and link.hubspot_id:
                group = groups.get(link.hubspot_id) or Group(link.hubspot_id)
                groups[link.hubspot_id] = group
                if shop not in group.members:
                    group.members[shop] = Member(shop, record, link)
                continue
            if not self.eligible(ctx, view):
                continue
            gid = next((by_key[k] for k in self.keys(view) if k in by_key), None)
            if gid is None:
                known = self._known_by_key(ctx, view)
                if known is not None:
                    gid = known.hubspot_id
                    if gid not in groups:
                        groups[gid] = Group(gid, None, known)
            if gid is None:
                gid = f"new:{shop}:{sid}"
                groups[gid] = Group(None)
            elif gid not in groups:
                groups[gid] = Group(gid, None, ctx.state.record(self.name, gid))
            group = groups[gid]
            if shop in group.members or self._linked_in(ctx, group.hid, shop):
                continue  # another record of this shop already holds the key: leave this one alone
            group.members[shop] = Member(shop, record, link)
            group.key_hint = self.keys(view)
            remember(gid, view)
            for later in seeds.later(shop):
                if later.shop in group.members or self._linked_in(ctx, group.hid, later.shop or ""):
                    continue
                sibling = self._sibling(ctx, mappings, later, group.key_hint)
                if sibling is not None:
                    group.members[later.shop or ""] = sibling
                    remember(gid, shopify_view(sibling.record, mappings))
        return groups

    def _sibling(self, ctx: Context, mappings: tuple[Mapping, ...], source: Source, keys: list[str]) -> Member | None:
        """A changed, unlinked record of a later shop with one of these keys: it joins the group now."""
        records = source.records
        records.index(lambda r: self.keys(shopify_view(r, mappings)))
        for record in (r for k in keys for r in records.by_key(k)):
            view = shopify_view(record, mappings)
            link = ctx.state.link(self.name, source.shop or "", self.shopify_id(record))
            unlinked = link is None or (link.status == LIVE and not link.hubspot_id and link.view != view)
            if unlinked and self.eligible(ctx, view) and not self._stale_shopify(ctx, source, record):
                return Member(source.shop or "", record, link)
        return None

    def _known_by_key(self, ctx: Context, view: dict[str, Any]) -> HubSpotRecord | None:
        for k in self.keys(view):
            found = ctx.state.records_by_key(self.name, k)
            if found:
                return found[0]
        return None

    def _linked_in(self, ctx: Context, hid: str | None, shop: str) -> bool:
        if hid is None:
            return False
        return any(link.shop == shop and link.status == LIVE for link in ctx.state.links_of(self.name, hid))

    # ------------------------------------------------------------------ completing groups

    def _complete(self, ctx: Context, mappings: tuple[Mapping, ...], groups: dict[str, Group], seeds: Seeds,
                  props: list[str], looked: bool = False) -> None:
        """Fetch the other side of every group, look up new ones, and add the shops each must reach."""
        # HubSpot records not in hand.
        need = [g.hid for g in groups.values() if g.hid and g.h is None]
        if need:
            found, missing = ctx.hubspot.batch_read(self.hubspot_type, need, props)
            for record in found:
                groups[str(record["id"])].h = record
            for hid in missing:
                self._forget_hubspot(ctx, hid)
                group = groups.pop(hid)
                if self.recreate_after_archive:
                    for member in group.members.values():
                        if member.record is None:
                            continue
                        member.link = ctx.state.link(self.name, member.shop, self.shopify_id(member.record))
                        hint = self.keys(shopify_view(member.record, mappings))
                        groups[f"new:{member.shop}:{self.shopify_id(member.record)}"] = \
                            Group(None, members={member.shop: member}, key_hint=hint)
        for group in groups.values():
            if group.rec is None and group.hid:
                group.rec = ctx.state.record(self.name, group.hid)
        # New groups: look before creating (an earlier create may have landed, or a person made one).
        fresh = [g for g in groups.values() if g.hid is None and g.key_hint]
        if fresh and not looked:  # after a full listing of HubSpot in this pass there is nothing more to find
            existing = self.hubspot_lookup(ctx, fresh, props)
            for group in fresh:
                hit = next((existing[k] for k in group.key_hint if k in existing
                            and not self._known_archived(ctx, existing[k])), None)
                if hit is not None:
                    hid = str(hit["id"])
                    group.hid, group.h = hid, hit
                    group.rec = ctx.state.record(self.name, hid)
        # Linked Shopify records not in hand, and the shops a HubSpot record must reach.
        wanted: dict[str, dict[str, Group]] = {}  # shop -> shopify id -> group
        for group in groups.values():
            # Survivors in other shops of an archived record with this key: one record, linked to all (CON-2).
            for orphan in ctx.state.orphans(self.name, group.key_hint) if self.recreate_after_archive else []:
                if orphan.shop not in group.members and orphan.shop in ctx.shops:
                    group.members[orphan.shop] = Member(orphan.shop, None, orphan, adopted=True)
                    wanted.setdefault(orphan.shop, {})[orphan.shopify_id] = group
            if not group.hid:
                continue
            links = ctx.state.links_of(self.name, group.hid)
            live = [link for link in links if link.status == LIVE and link.shop in ctx.shops]
            for link in live:
                if link.shop not in group.members:
                    group.members[link.shop] = Member(link.shop, None, link)
                    wanted.setdefault(link.shop, {})[link.shopify_id] = group
                elif group.members[link.shop].link is None:
                    group.members[link.shop].link = link
            born_here = group.rec is None or group.rec.born == "hubspot"
            everywhere = (group.hubspot_changed and (born_here or not live)) or (group.rec is None and group.h)
            if everywhere:
                barred = {link.shop for link in links if link.status in (DELETED, ARCHIVED)}
                for shop in ctx.shops:
                    if shop not in group.members and shop not in barred and ctx.settings.enabled(self.name):
                        group.members[shop] = Member(shop, None, None)  # to find or create in this shop
        for shop, by_id in wanted.items():
            client = ctx.shops[shop]
            present = {self.shopify_id(r): r for r in self.shopify_fetch(client, sorted(by_id))}
            for sid, group in by_id.items():
                if sid in present:
                    group.members[shop].record = present[sid]
                else:
                    link = group.members.pop(shop).link
                    if link is not None:
                        link.status = DELETED  # gone in Shopify since: never re-create it there
                        ctx.state.save_link(link)
        # Members to create: match by key in that shop first (in its listing, when the pass listed it whole).
        for group in groups.values():
            hview = hubspot_view(group.h, mappings) if group.h else {}
            for shop, member in list(group.members.items()):
                if member.record is not None or member.link is not None:
                    continue
                if not self.keys(hview):
                    if group.h is not None and not self.eligible(ctx, hview):
                        del group.members[shop]
                    continue
                listed = seeds.shop(shop)
                if listed is not None and listed.full:
                    hit = self._listed(ctx, mappings, listed, self.keys(hview))
                else:
                    hit = self.shopify_find(ctx.shops[shop], hview)
                if hit is not None:
                    taken = ctx.state.link(self.name, shop, self.shopify_id(hit))
                    if taken is not None and taken.status != LIVE and taken.hubspot_id not in (None, group.hid):
                        pass
                    elif taken is not None and taken.status == DELETED:
                        del group.members[shop]
                        continue
                    elif taken is not None and taken.status == LIVE and taken.hubspot_id not in (None, group.hid):
                        del group.members[shop]  # linked to another HubSpot record: leave it
                        continue
                    member.record, member.link = hit, None

    def _listed(self, ctx: Context, mappings: tuple[Mapping, ...], source: Source, keys: list[str]) -> dict | None:
        """The first record of a whole-shop listing with one of these keys (not one written since it was read)."""
        source.records.index(lambda r: self.keys(shopify_view(r, mappings)))
        for k in keys:
            for record in source.records.by_key(k):
                if not self._stale_shopify(ctx, source, record):
                    return record
        return None

    # ------------------------------------------------------------------ merging and writing

    def _merge_and_write(self, ctx: Context, mappings: tuple[Mapping, ...], groups: dict[str, Group]) -> None:
        # In slices of a batch, each recorded and taken out of `groups` before the next: a pass cut short
        # by a rate limit keeps its progress, and goes on with the rest at the next tick (`Pass`).
        while groups:
            part = dict(islice(groups.items(), BATCH))
            self._write_slice(ctx, mappings, part)
            for gid in part:
                del groups[gid]

    def _write_slice(self, ctx: Context, mappings: tuple[Mapping, ...], groups: dict[str, Group]) -> None:
        creates: dict[str, dict[str, Any]] = {}
        updates: dict[str, dict[str, Any]] = {}
        plans: dict[str, tuple[Group, dict, dict[str, dict]]] = {}
        for gid, group in groups.items():
            if not group.members and group.h is None:
                continue
            to_h, to_s = self._merge(group, mappings)
            plans[gid] = (group, to_h, to_s)
            if group.h is None:
                if to_h:
                    creates[gid] = {k: v for k, v in to_h.items() if v is not None}
            elif to_h:
                updates[group.hid or gid] = {k: ("" if v is None else v) for k, v in to_h.items()}
        # HubSpot first: a Shopify record made from a HubSpot one needs nothing from it, but a new
        # HubSpot record must exist before its links are recorded. Each step is noted in the groups at
        # once, so that a slice a rate limit cuts short is written again as updates, never as new records.
        updated: dict[str, dict] = {}
        gone: set[str] = set()
        refused: dict[str, str] = {}  # by group id (a create) or HubSpot id (an update): what HubSpot said
        if updates:
            updated, gone, refused = self._batch_update(ctx, updates)
        made, failed = self.hubspot_create(ctx, creates) if creates else ({}, {})
        refused.update(failed)
        for gid, record in made.items():
            group = plans[gid][0]
            group.hid, group.h, group.born = str(record["id"]), record, "sync"
        for gid, (group, to_h, to_s) in plans.items():
            why = refused.get(gid) if group.h is None else refused.get(group.hid or "")
            if why is not None:
                # Refused (a portal's write rule): nothing is recorded as synced, so the change is still owed;
                # the status shows it and the records are tried again (reference/refusals.py).
                self._refused(ctx, group, why)
                continue
            if group.h is None:
                continue  # not made: the records stay unlinked and come back on their next change
            if group.hid in gone:
                self._forget_hubspot(ctx, group.hid or "")
                continue
            born = group.born or (group.rec.born if group.rec else "hubspot")
            hview = {**hubspot_view(group.h, mappings), **_normalised(to_h)}
            self._write_shops(ctx, mappings, group, hview, to_s)
            record = updated.get(group.hid or "", group.h)
            at = record.get("updatedAt") if record else None
            ctx.state.save_record(HubSpotRecord(self.name, group.hid or "", _key_text(self.keys(hview)), hview,
                                                at, born))
            written = [(shop, self.shopify_id(m.record)) for shop, m in group.members.items() if m.record is not None]
            for shop in {shop for shop, _ in written}:
                ctx.refusals.clear(self.name, shop, [rid for s, rid in written if s == shop])

    def _refused(self, ctx: Context, group: Group, why: str) -> None:
        log.warning("%s: HubSpot refused to write %s: %s", self.name, group.hid or "a new record", why)
        for shop, member in sorted(group.members.items()):
            if member.record is not None:
                ctx.refusals.note(self.name, shop, self.shopify_id(member.record), why, ctx.now, group.hid)

    def _batch_update(self, ctx: Context, updates: dict[str, dict]) -> tuple[dict[str, dict], set[str],
                                                                               dict[str, str]]:
        """(records as updated, ids HubSpot no longer has, refusals by id)."""
        try:
            done, gone = ctx.hubspot.batch_update(self.hubspot_type, updates)
            return {str(r["id"]): r for r in done}, gone, {}
        except VendorError as error:
            # One bad input fails the whole batch (an email taken by another contact, a portal's write rule):
            # one by one.
            if isinstance(error, Unauthorized):
                raise
            log.warning("%s: batch update refused (%s); retrying one by one", self.name, error)
            out: dict[str, dict] = {}
            missing: set[str] = set()
            refused: dict[str, str] = {}
            for hid, props in updates.items():
                try:
                    done, gone = ctx.hubspot.batch_update(self.hubspot_type, {hid: props})
                    out.update({str(r["id"]): r for r in done})
                    missing |= gone
                except VendorError as single:
                    if isinstance(single, Unauthorized):
                        raise
                    refused[hid] = refusal_message(single)
            return out, missing, refused

    def _write_shops(self, ctx: Context, mappings: tuple[Mapping, ...], group: Group, hview: dict[str, Any],
                     to_s: dict[str, dict]) -> None:
        for shop, member in sorted(group.members.items()):
            client = ctx.shops.get(shop)
            if client is None:
                continue
            values = to_s.get(shop, {})
            if member.record is None:
                values = {m.hubspot_property: hview.get(m.hubspot_property) for m in mappings if m.to_shopify}
                if not any(v is not None for v in values.values()):
                    continue
            record = member.record
            if values or record is None:
                try:
                    record = self.shopify_write(client, member.record, values, mappings)
                except VendorError as error:
                    if error.status == 404 and member.link is not None:
                        member.link.status = DELETED
                        ctx.state.save_link(member.link)
                    else:
                        log.warning("%s: Shopify %s refused a write: %s", self.name, shop, error)
                    continue
            view = shopify_view(record, mappings)
            link = Link(self.name, shop, self.shopify_id(record), group.hid, view, record.get("updated_at"), LIVE)
            ctx.state.save_link(link)
            member.record, member.link = record, link  # a slice written again must not create it twice

    def _merge(self, group: Group, mappings: tuple[Mapping, ...]) -> tuple[dict[str, Any], dict[str, dict]]:
        """Field by field: what to write to HubSpot, and to each shop (CNT-5 last writer wins)."""
        h_now = hubspot_view(group.h, mappings) if group.h else {}
        h_last = group.rec.view if group.rec and not group.rec.archived else {}
        h_at = hubspot_time((group.h or {}).get("updatedAt"))
        sides = {shop: (shopify_view(m.record, mappings),
                        m.link.view if m.link and (m.link.hubspot_id or m.adopted) else {},
                        self.shopify_at(m.record))
                 for shop, m in group.members.items() if m.record is not None}
        to_h: dict[str, Any] = {}
        to_s: dict[str, dict] = {shop: {} for shop in sides}
        for m in mappings:
            k = m.hubspot_property
            candidates: list[tuple[datetime, int, str, Any]] = []
            if group.h is not None and h_now.get(k) != h_last.get(k) and h_at is not None:
                candidates.append((h_at, 0, "", h_now.get(k)))
            for shop, (now, last, at) in sides.items():
                if now.get(k) != last.get(k):
                    candidates.append((at, SHOPIFY_FIRST, shop, now.get(k)))
            if not candidates:
                continue
            at, _, source, value = max(candidates, key=lambda c: (c[0], c[1]))
            if source:  # a Shopify change won
                if m.to_hubspot and (group.h is None or h_now.get(k) != value) and \
                        (value is not None or group.h is not None):
                    to_h[k] = value
                flows_on = m.to_hubspot and m.to_shopify
            else:
                flows_on = m.to_shopify
            if flows_on:
                for shop, (now, _, _) in sides.items():
                    if shop != source and now.get(k) != value:
                        to_s[shop][k] = value
        return to_h, to_s


def _staged(records: list[dict] | StagedRecords) -> StagedRecords:
    """A two-way stream's listings are staged (it made its `Listings` with a scratch file)."""
    assert isinstance(records, StagedRecords)
    return records


def _normalised(values: dict[str, Any]) -> dict[str, Any]:
    from reference.mapping import normalise
    return {k: normalise(k, v) for k, v in values.items()}


def _key_text(keys: list[str]) -> str | None:
    return "\n".join(sorted(keys)) if keys else None
