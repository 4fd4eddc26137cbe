"""Pull: the records of a one-way pass. Webhooks are hints (a completed checkout's payload is its record);
polls read from a cursor with an overlap; records the engine still owes a write come back by id; linked
records gone from Shopify are found by listing their ids (their delete webhook may be lost)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from reference.clients.http import Deferred
from reference.clients.listing import Listing
from reference.clients.shopify import Running, ShopClient
from reference.objects.context import OVERLAP, Context
from reference.objects.oneway.base import StreamBase
from reference.objects.oneway.records import Imported
from reference.state import LIVE, InboxEvent

RECONCILE_EVERY = timedelta(minutes=3)  # how often linked records are checked for deletions lost with webhooks

Ref = tuple[str, str]  # (shop, Shopify id)


@dataclass
class ShopifyPull:
    """What the polls of a pass read, where they go on, and what they found deleted."""

    listings: list[tuple[str, Listing]] = field(default_factory=list)  # (shop, listing) kept until written
    cursors: dict[str, str] = field(default_factory=dict)  # cursor keys -> where the next poll starts
    deleted: list[Ref] = field(default_factory=list)
    existing: Imported | None = None  # during an initial sync: the HubSpot records made before it (ORD-4)
    cut: Deferred | None = None  # a listing a rate limit cut: it goes on at the next tick


class Pull(StreamBase):
    """The pull phase of a one-way pass."""

    def _from_events(self, ctx: Context, events: list[InboxEvent]) -> dict[Ref, dict]:
        """Records the webhooks carry themselves (completed checkouts are not listed), and what a payload says
        that GraphQL does not (`heard`)."""
        changed: dict[Ref, dict] = {}
        for event in events:
            if event.shop not in ctx.shops:
                continue
            self.heard(ctx, event.shop, event.body)
            record = self.from_event(ctx, event.shop, event.body)
            if record is not None:
                changed[(event.shop, str(record["id"]))] = record
        return changed

    def _pull_shopify(self, ctx: Context, events: list[InboxEvent]) -> ShopifyPull:
        pulled = ShopifyPull(deleted=[(e.shop, str(e.body.get("id"))) for e in events
                                      if e.topic.endswith("/delete") and e.shop])
        hinted = {e.shop for e in events}
        for shop, client in sorted(ctx.shops.items()):
            key = f"cursor:{self.name}:{shop}"
            cursor = ctx.state.get(key)
            if cursor is None and pulled.existing is None:
                pulled.existing = self._existing(ctx)
            if cursor is None or shop in hinted or ctx.poll_due(f"{self.name}:{shop}"):
                since = datetime.fromisoformat(cursor) - OVERLAP if cursor else None
                # A listing is kept across ticks until the pass that uses it ends: a rate limit may cut it
                # (or the writes after it) short, and starting again would never get further. The pages
                # read before a cut are written at once, so writing HubSpot overlaps reading Shopify; they are
                # staged, and written a chunk at a time.
                listing = self.listings.get(f"shopify:{shop}", ctx.now)
                try:
                    self.shopify_list(client, since, listing)
                    if len(listing.records):
                        ctx.saw_changes()
                    # Shopify lists are consistent: all changed before the listing began was seen.
                    pulled.cursors[key] = listing.started.isoformat()
                except Deferred as deferred:
                    pulled.cut = pulled.cut or deferred
                pulled.listings.append((shop, listing))
            if pulled.cut is None:
                pulled.deleted += self._reconcile(ctx, shop, client)
        return pulled

    def _bring_back(self, ctx: Context, changed: dict[Ref, dict], staged: set[Ref]) -> tuple[dict[str, str], set[Ref]]:
        """Records the engine still owes a write, read again by id (into `changed`) unless a kept listing writes
        them next (`staged`); (the records waiting for their contact or products, every record brought back).

        Records waiting for their contact or products, and records whose create (or line items) had an
        unknown outcome, come back every pass until they are written: no later listing may show them. So do
        records whose write a rate limit cut before it was sent (`retry`): they were taken out of those
        sources when the write began, and nothing else would bring them back; and records HubSpot refused,
        when they are due to be tried again."""
        waiting = ctx.state.get(f"waiting:{self.name}", {})
        retry: dict[str, str] = ctx.state.get(f"retry:{self.name}", {})
        unsure = {*ctx.state.intents(self.name), *ctx.state.intents(f"{self.name}-lines")}
        refused = {(shop, shopify_id) for shop in ctx.shops
                   for shopify_id in ctx.refusals.due(self.name, shop, ctx.now)}
        for shop in ctx.shops:
            ctx.refusals.postpone(self.name, shop, [shopify_id for s, shopify_id in refused if s == shop], ctx.now)
            if (when := ctx.refusals.next_try(self.name, shop)) is not None:
                ctx.wake(when)
        brought_back = {tuple(ref.split("/", 1)) for ref in [*waiting, *retry]} | unsure | refused
        again: dict[str, list[str]] = {}
        for shop, shopify_id in sorted(brought_back):
            if shop in ctx.shops and (shop, shopify_id) not in changed and (shop, shopify_id) not in staged:
                again.setdefault(shop, []).append(shopify_id)
        for shop, shopify_ids in sorted(again.items()):
            # Kept across ticks: read back by id, a few hundred records can cost more points than one tick's
            # bucket holds, and a read that started over each tick would never end. Ids owed since it began
            # wait for the next pass.
            listing = self.checks.get(f"again:{shop}", ctx.now)
            found = {str(r["id"]): r for r in ctx.shops[shop].by_ids(self.kind, shopify_ids, listing)}
            asked = listing.ids
            self.checks.drop(f"again:{shop}")
            for shopify_id in asked:
                if shopify_id in found:
                    changed[(shop, shopify_id)] = found[shopify_id]
                else:  # deleted in Shopify meanwhile: nothing left to wait for or to write
                    waiting.pop(f"{shop}/{shopify_id}", None)
                    retry.pop(f"{shop}/{shopify_id}", None)
        ctx.state.put(f"retry:{self.name}", retry)
        return waiting, brought_back

    def _reconcile(self, ctx: Context, shop: str, client: ShopClient) -> list[Ref]:
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
            try:
                present = client.present(self.kind, ids, listing)
            except Running as running:  # a bulk export of the store's ids: looked at again when it is done
                ctx.wake(running.until)
                return []
            checked = set(listing.ids)
            self.checks.drop(shop)
            flagged = set(ctx.state.link_ids(self.name, shop, flag="missing"))
            for shopify_id in ids:
                if shopify_id not in checked or (shopify_id in present and shopify_id not in flagged):
                    continue  # linked after this check began (the next one looks), or there as expected
                link = ctx.state.link(self.name, shop, shopify_id)
                if link is None or link.status != LIVE:
                    continue
                if shopify_id in present or link.extra.get("completed"):
                    if link.extra.pop("missing", None):
                        ctx.state.save_link(link)
                    continue
                # Missing twice in a row: a checkout that completed leaves the abandoned list too, and the
                # orders stream marks its cart completed in between; only a record still missing is gone.
                if link.extra.get("missing"):
                    gone.append((shop, shopify_id))
                else:
                    link.extra["missing"] = ctx.now.isoformat()
                    ctx.state.save_link(link)
        ctx.state.put(key, (ctx.now + RECONCILE_EVERY).isoformat())
        return gone
