"""One-way streams (orders, carts): Shopify records computed into HubSpot records with line items.

The engine never writes these on Shopify (ORD-1). Each pass pulls what changed (webhook hints,
polls, a retry list), computes the HubSpot record each Shopify record must be (`desired`), and writes
only what differs from what it last wrote, except that any real Shopify change rewrites the whole
record, so an edit made in HubSpot is overwritten by the next Shopify change (ORD-1).

Line items are reconciled per record: one per Shopify line (PRD-4: a removed line archives its line
item, others stay). A create whose outcome is unknown (a 502 after commit, a crash) leaves an intent;
the next pass looks the record up by its external id and reads its actual line items before writing.
"""

from __future__ import annotations

import hashlib
from abc import ABC, abstractmethod
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from reference.clients.http import Deferred
from reference.clients.listing import Listing, Listings, Scratch, StagedRecords
from reference.clients.shopify import ShopClient
from reference.clients.shopify_records import instant
from reference.mapping import hubspot_view, norm_email, normalise, read_path
from reference.objects.context import CHUNK, OVERLAP, Context, log
from reference.settings import Mapping
from reference.state import DELETED, LIVE, HubSpotRecord, Link

DEPENDENCY_WAIT = timedelta(minutes=8)  # how long a record waits for its contact or products to be synced
RECONCILE_EVERY = timedelta(minutes=3)  # how often linked records are checked for deletions lost with webhooks
# How long a write may take to show in search results (docs/vendor-behaviour.md §3.5).
SEARCH_LAG = timedelta(seconds=60)
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
            rid = props.get(external_id)
            return [f"{props.get('hs_source_store') or '*'}|{rid}"] if rid else []
        records.index(keys)

    def get(self, ref: tuple[str, str]) -> str | None:
        shop, rid = ref
        found = [int(r["id"]) for key in (f"{self.domains.get(shop)}|{rid}", f"*|{rid}")
                 for r in self.records.by_key(key)]
        return str(min(found)) if found else None


class OneWay(ABC):
    """The shared machinery of orders and carts."""

    name = ""
    hubspot_type = ""
    topic_prefix = ""
    hubspot_prefix = ""
    kind = ""  # Shopify GraphQL type
    external_id = ""  # HubSpot property holding the Shopify id
    to_line_items = 0  # association type id record -> line item
    line_to_parent = 0  # line item -> record
    to_contact = 0  # record -> contact

    def __init__(self) -> None:
        self.listings = Listings(Scratch())  # staged: an initial sync of 100,000 orders holds a chunk at a time
        # Reconciliation listings hold ids alone, and are read whole every few minutes: kept in memory.
        self.checks = Listings()
        self.imported: Imported | None = None  # during an initial sync: records made before it (ORD-4)

    @property
    def prefixes(self) -> tuple[str, ...]:
        """The webhook topics (by prefix) this object type acts on."""
        return (self.topic_prefix,)

    def holding(self, ctx: Context) -> bool:
        """Whether records wait for their contact or products: work the engine still has, though idle now."""
        return any(ref.split("/", 1)[0] in ctx.shops for ref in [*ctx.state.get(f"waiting:{self.name}", {}),
                                                                   *ctx.state.get(f"retry:{self.name}", {})])

    # ------------------------------------------------------------------ what subclasses provide

    @abstractmethod
    def shopify_list(self, shop: ShopClient, since: datetime | None, listing: Listing | None = None) -> list[dict]:
        """Shopify records updated since `since` (all when None; kept in `listing`, where a cut one goes on)."""

    @abstractmethod
    def desired(self, ctx: Context, shop: str, record: dict, mappings: tuple[Mapping, ...]) -> Desired:
        """The HubSpot record a Shopify record must be."""

    def related(self, ctx: Context, shop: str, record: dict, hid: str, link: Link) -> None:  # noqa: B027
        """Associations to records of other streams (cart <-> order); called after each write (default: none)."""

    def from_event(self, ctx: Context, shop: str, body: dict) -> dict | None:
        """A record to process straight from a webhook payload (completed checkouts are not listed)."""
        return None

    def heard(self, ctx: Context, shop: str, body: dict) -> None:  # noqa: B027
        """What a webhook payload says that the GraphQL record does not (default: nothing)."""

    # ------------------------------------------------------------------ lines shared by orders and carts

    def line(self, ctx: Context, shop: str, item: dict, quantity: int, waiting: list[str]) -> dict[str, str | None]:
        """A line item's properties; its product is the synced HubSpot product of the Shopify product."""
        product_id = None
        if item.get("product_id"):
            link = ctx.state.link("products", shop, item["product_id"])
            if link is not None and link.status == LIVE and link.hubspot_id:
                product_id = link.hubspot_id
            elif ctx.settings.enabled("products") and (link is None or link.status == LIVE):
                waiting.append(f"product {item['product_id']}")
        return {"name": item.get("title"), "quantity": str(quantity), "price": item.get("price"),
                "hs_sku": item.get("sku") or None, "hs_product_id": product_id}

    @staticmethod
    def custom(record: dict, mappings: tuple[Mapping, ...]) -> dict[str, str | None]:
        """Custom to_hubspot mappings (SET-5)."""
        return {m.hubspot_property: _text(read_path(record, m.shopify_field)) for m in mappings}

    # ------------------------------------------------------------------ the pass

    def run(self, ctx: Context) -> None:
        """One pass over changed records; Deferred propagates, finished records are recorded."""
        mappings = ctx.settings.mappings(self.name)
        events = ctx.state.inbox(self.prefixes)
        hinted = {e.shop for e in events}
        deleted = [(e.shop, str(e.body.get("id"))) for e in events if e.topic.endswith("/delete") and e.shop]
        changed: dict[tuple[str, str], dict] = {}
        for e in events:
            if e.shop in ctx.shops:
                self.heard(ctx, e.shop, e.body)
            record = self.from_event(ctx, e.shop, e.body) if e.shop in ctx.shops else None
            if record is not None:
                changed[(e.shop, str(record["id"]))] = record
        cursors: dict[str, str] = {}
        existing: Imported | None = None
        kept: list[tuple[str, Listing]] = []
        cut: Deferred | None = None
        for shop, client in sorted(ctx.shops.items()):
            key = f"cursor:{self.name}:{shop}"
            cursor = ctx.state.get(key)
            if cursor is None and existing is None:
                existing = self._existing(ctx)
            if cursor is None or shop in hinted or ctx.poll_due(f"{self.name}:{shop}"):
                since = datetime.fromisoformat(cursor) - OVERLAP if cursor else None
                # A listing is kept across ticks until the pass that uses it ends: a rate limit may cut it
                # (or the writes after it) short, and starting again would never get further. The pages
                # read before a cut are written at once, so writing HubSpot overlaps reading Shopify; they are
                # staged, and written a chunk at a time.
                listing = self.listings.get(f"shopify:{shop}", ctx.now)
                try:
                    self.shopify_list(client, since, listing)
                    # Shopify lists are consistent: all changed before the listing began was seen.
                    cursors[key] = listing.started.isoformat()
                except Deferred as deferred:
                    cut = cut or deferred
                kept.append((shop, listing))
            if cut is None:
                deleted += self._reconcile(ctx, shop, client)
        # Records waiting for their contact or products, and records whose create (or line items) had an
        # unknown outcome, come back every pass until they are written: no later listing may show them.
        # So do records whose write a rate limit cut before it was sent (`retry`): they were taken out of
        # those sources when the write began, and nothing else would bring them back.
        waiting = ctx.state.get(f"waiting:{self.name}", {})
        retry: dict[str, str] = ctx.state.get(f"retry:{self.name}", {})
        again: dict[str, list[str]] = {}
        unsure = {*ctx.state.intents(self.name), *ctx.state.intents(f"{self.name}-lines")}
        refused = {(shop, rid) for shop in ctx.shops for rid in ctx.refusals.due(self.name, shop, ctx.now)}
        for shop in ctx.shops:
            ctx.refusals.postpone(self.name, shop, [rid for s, rid in refused if s == shop], ctx.now)
            if (when := ctx.refusals.next_try(self.name, shop)) is not None:
                ctx.wake(when)
        brought_back = {tuple(ref.split("/", 1)) for ref in [*waiting, *retry]} | unsure | refused
        for shop, rid in sorted(brought_back):
            if shop in ctx.shops and (shop, rid) not in changed:
                again.setdefault(shop, []).append(rid)
        for shop, rids in sorted(again.items()):
            found = {str(r["id"]): r for r in ctx.shops[shop].by_ids(self.kind, rids)}
            for rid in rids:
                if rid in found:
                    changed[(shop, rid)] = found[rid]
                else:  # deleted in Shopify meanwhile: nothing left to wait for or to write
                    waiting.pop(f"{shop}/{rid}", None)
                    retry.pop(f"{shop}/{rid}", None)
        ctx.state.put(f"retry:{self.name}", retry)
        self._archive(ctx, deleted)
        self._sync(ctx, mappings, changed, waiting, existing, brought_back)
        for shop, listing in kept:
            while part := listing.records[listing.written:listing.written + CHUNK]:
                fresh = {(shop, str(r["id"])): r for r in part if (shop, str(r["id"])) not in changed}
                self._sync(ctx, mappings, fresh, waiting, existing)
                listing.written += len(part)
        if cut is not None:
            raise cut  # the listing goes on at the next tick; cursors and events stay
        for key, value in cursors.items():
            ctx.state.put(key, value)
            ctx.polled(key.removeprefix("cursor:"))
            self.listings.drop(f"shopify:{key.rsplit(':', 1)[1]}")
        self.listings.drop("hubspot")
        self.imported = None
        ctx.state.done([e.seq for e in events])
        ctx.refusals.settle(self.name, ctx.now)

    def _reconcile(self, ctx: Context, shop: str, client: ShopClient) -> list[tuple[str, str]]:
        """Linked records gone from Shopify (their delete webhook may be lost): found by listing their ids."""
        key = f"reconcile:{self.name}:{shop}"
        due = ctx.state.get(key)
        if due is None:  # the initial listing has just seen every record: the first check is due later
            ctx.state.put(key, (ctx.now + RECONCILE_EVERY).isoformat())
            ctx.wake(ctx.now + RECONCILE_EVERY)
            return []
        if datetime.fromisoformat(due) > ctx.now:
            ctx.wake(datetime.fromisoformat(due))
            return []
        # Ids only: the links themselves carry every record's line items, and a store holds 100,000 orders.
        ids = ctx.state.link_ids(self.name, shop)
        gone: list[tuple[str, str]] = []
        if ids:
            # Kept across ticks like any listing: thousands of links take more calls than one tick may spend.
            listing = self.checks.get(shop, ctx.now)
            present = {str(r["id"]) for r in client.by_ids(self.kind, ids, listing, ids_only=True)}
            checked = set(listing.ids)
            self.checks.drop(shop)
            flagged = set(ctx.state.link_ids(self.name, shop, flag="missing"))
            for sid in ids:
                if sid not in checked or (sid in present and sid not in flagged):
                    continue  # linked after this check began (the next one looks), or there as expected
                link = ctx.state.link(self.name, shop, sid)
                if link is None or link.status != LIVE:
                    continue
                if sid in present or link.extra.get("completed"):
                    if link.extra.pop("missing", None):
                        ctx.state.save_link(link)
                    continue
                # Missing twice in a row: a checkout that completed leaves the abandoned list too, and the
                # orders stream marks its cart completed in between; only a record still missing is gone.
                if link.extra.get("missing"):
                    gone.append((shop, sid))
                else:
                    link.extra["missing"] = ctx.now.isoformat()
                    ctx.state.save_link(link)
        ctx.state.put(key, (ctx.now + RECONCILE_EVERY).isoformat())
        return gone

    def _archive(self, ctx: Context, deleted: Iterable[tuple[str, str]]) -> None:
        """A Shopify record deleted: its HubSpot record is archived (ORD-5, carts likewise)."""
        links = [link for shop, rid in deleted if (link := ctx.state.link(self.name, shop, rid)) is not None
                 and link.status == LIVE and link.hubspot_id]
        if not links:
            return
        ctx.hubspot.batch_archive(self.hubspot_type, [link.hubspot_id or "" for link in links])
        for link in links:
            link.status = DELETED
            ctx.state.save_link(link)

    def _sync(self, ctx: Context, mappings: tuple[Mapping, ...], changed: dict[tuple[str, str], dict],
              waiting: dict[str, str], existing: Imported | None,
              brought_back: set[tuple[str, str]] = frozenset()) -> None:
        plans: list[tuple[str, dict, Desired, Link | None]] = []
        for (shop, rid), record in sorted(changed.items()):
            link = ctx.state.link(self.name, shop, rid)
            if link is not None and link.status != LIVE:
                continue
            desired = self.desired(ctx, shop, record, mappings)
            ref = f"{shop}/{rid}"
            if desired.waiting:
                since = datetime.fromisoformat(waiting.setdefault(ref, ctx.now.isoformat()))
                if ctx.now - since < DEPENDENCY_WAIT:
                    continue  # its contact or products are on their way: write it complete, a little later
            waiting.pop(ref, None)
            real_change = link is None or _newer(record.get("updated_at"), link.at)
            if link is not None and link.view == desired.view() and not real_change \
                    and not ctx.state.intended(f"{self.name}-lines", shop, rid):
                continue  # nothing new (our own write seen again, or an overlap re-read)
            plans.append((shop, record, desired, link))
        ctx.state.put(f"waiting:{self.name}", waiting)
        if waiting:
            ctx.wake(ctx.now + timedelta(seconds=30))
        # In slices of a batch, so that a pass cut short by a rate limit still makes progress.
        for start in range(0, len(plans), 100):
            try:
                self._write(ctx, plans[start:start + 100], existing)
            except Deferred:
                self._retry_later(ctx, [ref for shop, record, _, _ in plans[start:]
                                        if (ref := (shop, str(record["id"]))) in brought_back])
                raise

    def _retry_later(self, ctx: Context, refs: list[tuple[str, str]]) -> None:
        """Records a cut write leaves unwritten that no listing or event will show again: kept until written."""
        if refs:
            retry: dict[str, str] = ctx.state.get(f"retry:{self.name}", {})
            retry.update({f"{shop}/{rid}": ctx.now.isoformat() for shop, rid in refs})
            ctx.state.put(f"retry:{self.name}", retry)

    def _write(self, ctx: Context, plans: list[tuple[str, dict, Desired, Link | None]],
               existing: Imported | None) -> None:
        contacts = self._contacts(ctx, {d.contact_email for _, _, d, _ in plans if d.contact_email})
        # Look before creating: a record imported beforehand (ORD-4, from the one listing made when the
        # shop's sync starts) or an earlier create whose answer was lost (searched for) is adopted.
        new = [(shop, str(r["id"])) for shop, r, _, link in plans if link is None]
        adopted = {ref: hid for ref in new if existing is not None and (hid := existing.get(ref)) is not None}
        unsure = [ref for ref in new if ref not in adopted and ctx.state.intended(self.name, *ref)]
        ripe, unripe = self._ripe(ctx, unsure)
        if ripe:
            adopted |= self._lookup(ctx, ripe)
            self._looked_up(ctx, ripe)
        plans = [p for p in plans if (p[0], str(p[1]["id"])) not in unripe]
        creates: dict[str, dict] = {}
        for shop, record, desired, link in plans:
            rid = str(record["id"])
            if link is None and (shop, rid) not in adopted:
                creates[f"{shop}/{rid}"] = {"properties": _clean(desired.props),
                                            "associations": self._associations(ctx, desired, contacts)}
        made: dict[str, dict] = {}
        if creates:
            with ctx.state.transaction():  # committed before the call: its outcome may be lost
                for ref in creates:
                    shop, rid = ref.split("/", 1)
                    ctx.state.intend(self.name, shop, [rid])
            try:
                made, failed = ctx.hubspot.batch_create(self.hubspot_type, creates)
            except Deferred as cut:
                if not cut.maybe_applied:  # refused or never sent: nothing to look for later
                    for ref in creates:
                        shop, rid = ref.split("/", 1)
                        ctx.state.settle_intents(self.name, shop, [rid])
                raise
            for ref, message in failed.items():
                # Refused (a portal's write rule): definitely not made; shown in the status, tried again later.
                log.warning("%s: HubSpot refused %s: %s", self.name, ref, message)
                shop, rid = ref.split("/", 1)
                ctx.state.settle_intents(self.name, shop, [rid])
                ctx.refusals.note(self.name, shop, rid, message, ctx.now)
            # Linked at once, before the line items: a pass cut short after this point must not look
            # for (or, while search still lags, re-create) records it knows it made.
            with ctx.state.transaction():  # one commit for the slice, made before the next call
                for shop, record, _, link in plans:
                    rid = str(record["id"])
                    if link is None and (hid := (made.get(f"{shop}/{rid}") or {}).get("id")):
                        ctx.state.save_link(Link(self.name, shop, rid, str(hid), {}, None, LIVE, {"lines": {}}))
                        ctx.state.settle_intents(self.name, shop, [rid])
                        ctx.refusals.clear(self.name, shop, [rid])
        # Updates of linked and adopted records go in one batch, as do their contact associations: a slice
        # costs a handful of calls however many records it adopts (a rate limit must not cut it every time).
        # A step that went through for this version of a record is not made again when a later step of the
        # same write was cut: under a storm a write made of five calls that always starts over may never end.
        updates = {link.hubspot_id: _blank(desired.props) for shop, record, desired, link in plans
                   if link is not None and link.hubspot_id and link.extra.get("written") != _step(record, desired)}
        updates |= {adopted[(shop, str(record["id"]))]: _blank(desired.props) for shop, record, desired, link in plans
                    if link is None and (shop, str(record["id"])) in adopted}
        gone: set[str] = set()
        if updates:
            _, gone = ctx.hubspot.batch_update(self.hubspot_type, updates)
            with ctx.state.transaction():
                for _, record, desired, link in plans:
                    if link is not None and link.hubspot_id in updates and link.hubspot_id not in gone:
                        link.extra["written"] = _step(record, desired)
                        ctx.state.save_link(link)
        ready: list[tuple[str, dict, Desired, Link]] = []
        associate: list[tuple[str, str, int]] = []
        for shop, record, desired, link in plans:
            rid = str(record["id"])
            contact = contacts.get(desired.contact_email or "")
            if link is None:
                hid = adopted.get((shop, rid)) or (made.get(f"{shop}/{rid}") or {}).get("id")
                if hid is None or str(hid) in gone:
                    continue
                link = Link(self.name, shop, rid, str(hid), {}, None, LIVE, {"lines": {}})
                if (shop, rid) in adopted:
                    ctx.state.intend(f"{self.name}-lines", shop, [rid])  # its line items must be read back
                    if contact:
                        associate.append((str(hid), contact, self.to_contact))
            else:
                if link.hubspot_id in gone:
                    continue  # archived in HubSpot by a person: left archived (deleting is theirs to do)
                if desired.contact_email != link.extra.get("contact_email") and contact:
                    associate.append((link.hubspot_id or "", contact, self.to_contact))
            ready.append((shop, record, desired, link))
        if associate:
            ctx.hubspot.associate(self.hubspot_type, "contacts", associate)
            associated = {pair[0] for pair in associate}
            with ctx.state.transaction():
                for shop, record, desired, link in ready:
                    if link.hubspot_id in associated and ctx.state.link(self.name, shop, str(record["id"])):
                        link.extra["contact_email"] = desired.contact_email  # saved links only: linked before
                        ctx.state.save_link(link)
        # Line items of every record in the slice go together, in batches of 100 (not a call per record).
        self._lines(ctx, [(shop, str(record["id"]), link, desired) for shop, record, desired, link in ready])
        retry: dict[str, str] = ctx.state.get(f"retry:{self.name}", {})
        written = {f"{shop}/{record['id']}" for shop, record, _, _ in plans}
        with ctx.state.transaction():
            if written & retry.keys():
                ctx.state.put(f"retry:{self.name}", {ref: at for ref, at in retry.items() if ref not in written})
            for shop, record, desired, link in ready:
                rid = str(record["id"])
                link.view, link.at = desired.view(), record["updated_at"]
                link.extra["contact_email"] = desired.contact_email
                ctx.state.save_link(link)
                ctx.state.settle_intents(self.name, shop, [rid])
                ctx.state.settle_intents(f"{self.name}-lines", shop, [rid])
        for shop, record, _, link in ready:  # after the commit: `related` calls HubSpot
            self.related(ctx, shop, record, link.hubspot_id or "", link)

    # ------------------------------------------------------------------ helpers

    def _contacts(self, ctx: Context, emails: set[str]) -> dict[str, str]:
        """HubSpot contact ids by email: the contacts stream's records first, then a batch read."""
        out: dict[str, str] = {}
        unknown = []
        for email in sorted(emails):
            known = ctx.state.records_by_key("contacts", email)
            if known:
                out[email] = known[0].hubspot_id
            else:
                unknown.append(email)
        if unknown:
            found, _ = ctx.hubspot.batch_read("contacts", unknown, ["email"], id_property="email")
            for record in found:
                out[norm_email((record.get("properties") or {}).get("email")) or ""] = str(record["id"])
        missing = [e for e in unknown if e not in out]
        if missing and ctx.settings.enabled("contacts"):
            # The buyer's contact (ORD-2, CRT-1): made by email, never twice (CNT-1), and remembered as
            # the sync's own so that it is not taken for a HubSpot-born contact to send to every shop.
            mappings = ctx.settings.mappings("contacts")
            # A contact a portal's rule refuses is left out: the contacts stream shows it and tries it again.
            made, _ = ctx.hubspot.upsert_contacts({e: {} for e in missing})
            for email, record in made.items():
                out[email] = str(record["id"])
                ctx.state.save_record(HubSpotRecord("contacts", str(record["id"]), email,
                                                    hubspot_view(record, mappings), record.get("updatedAt"), "sync"))
        return out

    def _associations(self, ctx: Context, desired: Desired, contacts: dict[str, str]) -> list[dict]:
        out = []
        contact = contacts.get(desired.contact_email or "")
        if contact:
            out.append(_assoc(contact, self.to_contact))
        if desired.company_id:
            link = ctx.state.link("companies", desired.company_id.split("|")[0], desired.company_id.split("|")[1])
            if link is not None and link.status == LIVE and link.hubspot_id:
                out.append(_assoc(link.hubspot_id, 509))
        return out

    def _ripe(self, ctx: Context, refs: list[tuple[str, str]]) -> tuple[list[tuple[str, str]], set[tuple[str, str]]]:
        """Unsure creates old enough to be found by search (it lags behind writes, docs/vendor-behaviour.md §3.5),
        and the rest."""
        key = f"unsure:{self.name}"
        seen: dict[str, str] = ctx.state.get(key, {})
        ripe: list[tuple[str, str]] = []
        unripe: set[tuple[str, str]] = set()
        for shop, rid in refs:
            since = datetime.fromisoformat(seen.setdefault(f"{shop}/{rid}", ctx.now.isoformat()))
            if ctx.now - since >= SEARCH_LAG:
                ripe.append((shop, rid))  # stays noted until the search has answered (`_looked_up`)
            else:
                unripe.add((shop, rid))
                ctx.wake(since + SEARCH_LAG)
        ctx.state.put(key, seen)
        return ripe, unripe

    def _looked_up(self, ctx: Context, refs: list[tuple[str, str]]) -> None:
        """Unsure creates the search has answered for: found ones are adopted, the rest are created."""
        key = f"unsure:{self.name}"
        seen: dict[str, str] = ctx.state.get(key, {})
        for shop, rid in refs:
            seen.pop(f"{shop}/{rid}", None)
        ctx.state.put(key, seen)

    def _existing(self, ctx: Context) -> Imported:
        """HubSpot records of this type that already name a Shopify record (ORD-4): listed once per initial
        sync (one call for an empty portal instead of a search per batch of new records), staged, and kept
        until the initial sync ends (records the sync makes itself are known by their links)."""
        if self.imported is None:
            listing = self.listings.get("hubspot", ctx.now)
            ctx.hubspot.list_all(self.hubspot_type, [self.external_id, "hs_source_store"], listing)
            domains = {s.shop: s.domain for s in ctx.settings.shops}
            assert isinstance(listing.records, StagedRecords)
            self.imported = Imported(listing.records, self.external_id, domains)
        return self.imported

    def _lookup(self, ctx: Context, refs: list[tuple[str, str]]) -> dict[tuple[str, str], str]:
        """HubSpot records already made for these Shopify records (an unsure create that landed)."""
        domains = {s.shop: s.domain for s in ctx.settings.shops}
        found = ctx.hubspot.find_in(self.hubspot_type, self.external_id, [rid for _, rid in refs],
                                    [self.external_id, "hs_source_store"])
        out: dict[tuple[str, str], str] = {}
        for record in sorted(found, key=lambda r: int(r["id"])):
            props = record.get("properties") or {}
            for shop, rid in refs:
                if props.get(self.external_id) == rid and props.get("hs_source_store") in (domains.get(shop), None):
                    out.setdefault((shop, rid), str(record["id"]))
        return out

    def _lines(self, ctx: Context, records: list[tuple[str, str, Link, Desired]]) -> None:
        """Make each record's line items one per desired line (create, update, archive), batched across records."""
        unsure = {link.hubspot_id or "": desired for shop, rid, link, desired in records
                  if ctx.state.intended(f"{self.name}-lines", shop, rid)}
        actual = self._read_lines(ctx, unsure) if unsure else {}
        plans = []
        for shop, rid, link, desired in records:
            current: dict[str, str] = dict(link.extra.get("lines", {}))  # Shopify line id -> line item id
            views: dict[str, dict] = dict(link.extra.get("line_views", {}))
            if (link.hubspot_id or "") in actual:
                current, views = actual[link.hubspot_id or ""]
            plans.append((shop, rid, link, desired, current, views))
        with ctx.state.transaction():
            for shop, rid, *_ in plans:
                ctx.state.intend(f"{self.name}-lines", shop, [rid])
        stale = [lid for *_, desired, current, _ in plans for sid, lid in current.items() if sid not in desired.lines]
        if stale:
            ctx.hubspot.batch_archive("line_items", stale)  # PRD-4: only the removed lines go
        updates = {current[sid]: _blank(props) for *_, desired, current, views in plans
                   for sid, props in desired.lines.items() if sid in current and views.get(sid) != _norm_line(props)}
        if updates:
            ctx.hubspot.batch_update("line_items", updates)
        creates = {f"{shop}/{rid}/{sid}": {"properties": _clean(props),
                                           "associations": [_assoc(link.hubspot_id or "", self.line_to_parent)]}
                   for shop, rid, link, desired, current, _ in plans
                   for sid, props in desired.lines.items() if sid not in current}
        made: dict[str, dict] = {}
        if creates:
            made, _ = ctx.hubspot.batch_create("line_items", creates)
        for shop, rid, link, desired, current, _ in plans:
            lines = {sid: (current.get(sid) or str((made.get(f"{shop}/{rid}/{sid}") or {}).get("id") or ""))
                     for sid in desired.lines}
            link.extra["lines"] = {sid: lid for sid, lid in lines.items() if lid}
            link.extra["line_views"] = {sid: _norm_line(props) for sid, props in desired.lines.items()
                                        if lines.get(sid)}
        # The "-lines" intents are settled with the links that record the line items (`_write`), in one commit:
        # settled before, a crash in between would leave neither, and the lines would be made again.

    def _read_lines(self, ctx: Context, records: dict[str, Desired]) -> dict[str, tuple[dict[str, str], dict]]:
        """After unsure writes: each record's actual line items, matched to its desired lines by content
        (read for all the records together: one association read and one batch read per hundred)."""
        owned = ctx.hubspot.associations(self.hubspot_type, "line_items", sorted(records))
        ids = [lid for hid in records for lid in owned.get(hid, [])]
        found, _ = ctx.hubspot.batch_read("line_items", ids, list(LINE_PROPS)) if ids else ([], set())
        props = {str(r["id"]): {p: normalise(p, (r.get("properties") or {}).get(p)) for p in LINE_PROPS}
                 for r in found}
        out: dict[str, tuple[dict[str, str], dict]] = {}
        extra: list[str] = []
        for hid, desired in records.items():
            current: dict[str, str] = {}
            views: dict[str, dict] = {}
            free = {lid: props[lid] for lid in owned.get(hid, []) if lid in props}
            for exact in (True, False):
                for sid, line in desired.lines.items():
                    if sid in current:
                        continue
                    want = _norm_line(line)
                    hit = next((lid for lid, have in free.items()
                                if (have == want if exact else have.get("name") == want.get("name"))), None)
                    if hit is not None:
                        current[sid], views[sid] = hit, free.pop(hit)
            extra += sorted(free)  # line items no Shopify line accounts for (duplicates of an unsure create)
            out[hid] = (current, views)
        if extra:
            ctx.hubspot.batch_archive("line_items", extra)
        return out


def _step(record: dict, desired: Desired) -> str:
    """What a step of a write was made for: this version of the Shopify record, these properties."""
    digest = hashlib.sha256(repr(sorted(desired.props.items())).encode()).hexdigest()[:16]
    moment = instant(record.get("updated_at"))
    return f"{moment.isoformat() if moment else None}:{digest}"


def _newer(updated_at: str | None, seen_at: str | None) -> bool:
    """Whether a record's `updated_at` is later than the one last written (GraphQL gives UTC, a webhook the
    shop's offset: instants are compared, not text)."""
    now, then = instant(updated_at), instant(seen_at)
    return then is None or (now is not None and now > then)


def _assoc(to_id: str, type_id: int) -> dict:
    return {"to": {"id": str(to_id)}, "types": [{"associationCategory": "HUBSPOT_DEFINED",
                                                 "associationTypeId": type_id}]}


def _text(value: Any) -> str | None:
    if value is None or isinstance(value, dict | list):
        return None
    return str(value)


def _clean(props: dict[str, str | None]) -> dict[str, str]:
    return {k: v for k, v in props.items() if v is not None}


def _blank(props: dict[str, str | None]) -> dict[str, str]:
    return {k: ("" if v is None else v) for k, v in props.items()}


def _norm_line(props: dict[str, str | None]) -> dict[str, str | None]:
    return {p: normalise(p, props.get(p)) for p in LINE_PROPS}
