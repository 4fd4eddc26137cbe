"""A two-way pass, step by step: pull -> deletions -> match -> complete -> merge -> write -> record."""

from __future__ import annotations

import itertools

from reference.clients.http import Deferred
from reference.objects.context import CHUNK, CHUNKS_PER_TICK, GO_ON, Context
from reference.objects.twoway.deletions import Deletions
from reference.objects.twoway.match import Match
from reference.objects.twoway.pull import Pull
from reference.objects.twoway.records import Pass, Seeds, Source
from reference.objects.twoway.write import Write


class TwoWay(Pull, Deletions, Match, Write):
    """The shared machinery of a two-way object type."""

    def holding(self, ctx: Context) -> bool:
        """Whether a pass cut short still has groups to write."""
        return self.pending is not None

    def run(self, ctx: Context) -> None:
        """One pass. Deferred propagates; what was written is kept, and the next tick goes on from there."""
        mappings = ctx.settings.mappings(self.name)
        cut, self.pending = self.pending, None
        if cut is not None and cut.mappings == mappings and cut.fresh(ctx.now):
            self._go_on(ctx, cut)
            return
        props = sorted({m.hubspot_property for m in mappings} | {self.modified_property})
        hints = self._read_hints(ctx)
        shopify = self._pull_shopify(ctx, hints)
        hubspot = self._pull_hubspot(ctx, props, hints)
        self._shopify_deletions(ctx, [*hints.deleted, *shopify.deleted], hints.deleted_at)
        self._hubspot_archives(ctx, sorted(i for i in hints.hubspot_gone if hubspot.records.get(i) is None))
        seeds = Seeds([Source(None, hubspot.records, recheck=hubspot.recheck), *shopify.sources])
        self._go_on(ctx, Pass(ctx.now, mappings, props, seeds, hubspot.listed_whole, shopify.cursors,
                              hubspot.cursor, hints.through))

    def _go_on(self, ctx: Context, this_pass: Pass) -> None:
        """Write what a cut left of the current chunk, then match, complete and write the others."""
        self.pending = this_pass  # kept while its writes go on (a rate limit may cut them)
        mappings = this_pass.mappings
        self._merge_and_write(ctx, mappings, this_pass.groups)
        for taken in itertools.count():
            chunk, position = this_pass.seeds.chunk(CHUNK)
            if not chunk:
                break
            if taken == CHUNKS_PER_TICK:  # taken at the next tick (`chunk` takes nothing until `advance`)
                raise Deferred(ctx.now + GO_ON, f"{self.name}: {taken} chunks this tick, the pass goes on")
            groups = self._groups(ctx, mappings, chunk, this_pass.seeds)
            self._complete(ctx, mappings, groups, this_pass.seeds, this_pass.props, looked=this_pass.looked)
            # From here the chunk is this pass's: cut while writing, the next tick writes the rest of it.
            this_pass.groups = groups
            this_pass.seeds.advance(position)
            this_pass.progressed = ctx.now
            self._merge_and_write(ctx, mappings, groups)
        self.pending = None
        self._finish(ctx, this_pass)

    def _finish(self, ctx: Context, done: Pass) -> None:
        """The pass is written: move the cursors, drop its listings and the events it handled."""
        for key, value in done.cursors.items():
            ctx.state.put(key, value)
            ctx.polled(key.removeprefix("cursor:"))
            self.listings.drop(f"shopify:{key.rsplit(':', 1)[1]}")
        if done.hubspot_cursor is not None:
            ctx.state.put(f"cursor:{self.name}:hubspot", done.hubspot_cursor)
            ctx.polled(f"{self.name}:hubspot")
            self.listings.drop("hubspot")
        done.seeds.sources[0].records.clear()
        ctx.state.done_through(self.prefixes, done.through)
        ctx.refusals.settle(self.name, done.started)
