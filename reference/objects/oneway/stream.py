"""A one-way pass, step by step: events -> polls -> records owed -> deletions -> write -> record."""

from __future__ import annotations

from reference.objects.context import CHUNK, Context
from reference.objects.oneway.lines import Lines
from reference.objects.oneway.lookups import Lookups
from reference.objects.oneway.pull import Pull, Ref, ShopifyPull
from reference.objects.oneway.write import Write
from reference.settings import Mapping
from reference.state import InboxEvent


class OneWay(Pull, Write, Lookups, Lines):
    """The shared machinery of orders and carts."""

    def run(self, ctx: Context) -> None:
        """One pass over changed records; Deferred propagates, finished records are recorded."""
        mappings = ctx.settings.mappings(self.name)
        events = ctx.state.inbox(self.prefixes)
        changed = self._from_events(ctx, events)
        pulled = self._pull_shopify(ctx, events)
        waiting, brought_back = self._bring_back(ctx, changed)
        self._archive(ctx, pulled.deleted)
        self._sync(ctx, mappings, changed, waiting, pulled.existing, brought_back)
        self._sync_listed(ctx, mappings, pulled, changed, waiting)
        if pulled.cut is not None:
            raise pulled.cut  # the listing goes on at the next tick; cursors and events stay
        self._finish(ctx, pulled, events)

    def _sync_listed(self, ctx: Context, mappings: tuple[Mapping, ...], pulled: ShopifyPull,
                     changed: dict[Ref, dict], waiting: dict[str, str]) -> None:
        """The polled records, a staged chunk at a time (the ones already written this pass left out)."""
        for shop, listing in pulled.listings:
            while part := listing.records[listing.written:listing.written + CHUNK]:
                fresh = {(shop, str(r["id"])): r for r in part if (shop, str(r["id"])) not in changed}
                self._sync(ctx, mappings, fresh, waiting, pulled.existing)
                listing.written += len(part)

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
