"""A one-way pass, step by step: events -> polls -> records owed -> deletions -> write -> record."""

from __future__ import annotations

from datetime import timedelta

from reference.clients.http import Deferred
from reference.objects.context import CHUNK, CHUNKS_PER_TICK, GO_ON, Context
from reference.objects.oneway.lines import Lines
from reference.objects.oneway.lookups import Lookups
from reference.objects.oneway.pull import Pull, Ref, ShopifyPull
from reference.objects.oneway.write import Write
from reference.settings import Mapping
from reference.state import InboxEvent

POINTS_AT = ("contacts", "products")  # the streams whose records a one-way record is associated with
HELD_LOOK = timedelta(seconds=30)  # how often a held first listing looks whether it may go on
HELD_AT_MOST = timedelta(hours=1)


class OneWay(Pull, Write, Lookups, Lines):
    """The shared machinery of orders and carts."""

    def run(self, ctx: Context) -> None:
        """One pass over changed records; Deferred propagates, finished records are recorded."""
        mappings = ctx.settings.mappings(self.name)
        events = ctx.state.inbox(self.prefixes)
        changed = self._from_events(ctx, events)
        pulled = self._pull_shopify(ctx, events)
        waiting, brought_back = self._bring_back(ctx, changed, self._staged(pulled))
        self._archive(ctx, pulled.deleted)
        self._sync(ctx, mappings, changed, waiting, pulled.existing, brought_back)
        held = self._held(ctx, pulled)
        self._sync_listed(ctx, mappings, pulled, changed, waiting, held)
        if held and pulled.cut is None:
            pulled.cut = Deferred(ctx.now + HELD_LOOK, f"first listing of {', '.join(sorted(held))} waits for "
                                 "the first pass of " + ", ".join(self._dependencies(ctx)))
        if pulled.cut is not None:
            raise pulled.cut  # the listing goes on at the next tick; cursors and events stay
        self._finish(ctx, pulled, events)

    @staticmethod
    def _staged(pulled: ShopifyPull) -> set[Ref]:
        """The records of the chunk each kept listing writes next. A write a rate limit cut is tried again from
        there, so they need not be read again by id: at 16 points an order, that read cost 1,600 points a pass
        for as long as the limit cut the batch."""
        return {(shop, str(record["id"])) for shop, listing in pulled.listings
                for record in listing.records[listing.written:listing.written + CHUNK]}

    def _dependencies(self, ctx: Context) -> list[str]:
        return [name for name in POINTS_AT if ctx.settings.enabled(name)]

    def _held(self, ctx: Context, pulled: ShopifyPull) -> set[str]:
        """Shops whose first listing waits for the first pass of what its records point at (contacts, products).

        A record whose contact is not synced yet waits for it and is read again by id (`waiting`): right for
        the odd new order, ruinous for an initial sync of a million orders listed while a million contacts
        are still being written. The listing is kept meanwhile (held on purpose, not left standing), at most
        `HELD_AT_MOST`: a contacts sync that never finishes must not keep orders out of HubSpot."""
        held: set[str] = set()
        for shop, listing in pulled.listings:
            if ctx.state.get(f"cursor:{self.name}:{shop}") is not None or ctx.now - listing.started > HELD_AT_MOST:
                continue
            if any(ctx.state.get(f"cursor:{name}:{shop}") is None for name in self._dependencies(ctx)):
                held.add(shop)
                listing.moved(ctx.now)
        return held

    def _sync_listed(self, ctx: Context, mappings: tuple[Mapping, ...], pulled: ShopifyPull,
                     changed: dict[Ref, dict], waiting: dict[str, str], held: set[str]) -> None:
        """The polled records, a staged chunk at a time (the ones already written this pass left out)."""
        taken = 0
        for shop, listing in pulled.listings:
            if shop in held:
                continue
            while part := listing.records[listing.written:listing.written + CHUNK]:
                if taken == CHUNKS_PER_TICK:
                    pulled.cut = pulled.cut or Deferred(ctx.now + GO_ON, f"{self.name}: {taken} chunks this tick, "
                                                       "the listing goes on")
                    return
                taken += 1
                fresh = {(shop, str(r["id"])): r for r in part if (shop, str(r["id"])) not in changed}
                self._sync(ctx, mappings, fresh, waiting, pulled.existing)
                listing.written += len(part)
                listing.moved(ctx.now)

    def _finish(self, ctx: Context, pulled: ShopifyPull, events: list[InboxEvent]) -> None:
        """The pass is written: move the cursors, drop its listings and the events it handled."""
        for key, value in pulled.cursors.items():
            ctx.state.put(key, value)
            ctx.polled(key.removeprefix("cursor:"))
            self.listings.drop(f"shopify:{key.rsplit(':', 1)[1]}")
        self.listings.drop("hubspot")
        self.imported = None
        ctx.state.done([e.seq for e in events])
        ctx.refusals.settle(self.name, ctx.now)
