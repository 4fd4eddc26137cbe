"""Pull: what changed on either side since the last pass, staged for matching.

Webhooks are hints: a Shopify hint makes the shop's poll due now, a HubSpot hint names a record to read
by id (search lags behind, docs/vendor-behaviour.md §3.5). Polls read from a cursor with an overlap; a
listing is kept across ticks until the pass that uses it ends, since a rate limit may cut it (or the
writes after it) short and starting again would never get further.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from reference.clients.listing import StagedRecords
from reference.mapping import normalise
from reference.objects.context import GO_ON, OVERLAP, Context
from reference.objects.twoway.base import StreamBase, staged
from reference.objects.twoway.records import Source

HINTS_PER_PASS = 20_000


@dataclass
class Hints:
    """What the inbox says of this object type (read a page at a time: a bulk import can leave tens of
    thousands of events, mostly the engine's own echoes)."""

    shops: set[str | None] = field(default_factory=set)  # shops with a change
    deleted: list[tuple[str | None, str]] = field(default_factory=list)  # Shopify (shop, id) deleted
    deleted_at: dict[tuple[str | None, str], str] = field(default_factory=dict)  # when, where the webhook said
    hubspot_changed: set[str] = field(default_factory=set)  # HubSpot ids to read
    hubspot_gone: set[str] = field(default_factory=set)  # HubSpot ids deleted
    through: int = 0  # the last event read


@dataclass
class ShopifyPull:
    """Each polled shop's changed records, where its next poll starts, and deletions polled for."""

    sources: list[Source] = field(default_factory=list)
    cursors: dict[str, str] = field(default_factory=dict)
    deleted: list[tuple[str | None, str]] = field(default_factory=list)


@dataclass
class HubSpotPull:
    """HubSpot's changed records, whether they came from a kept listing, and where the next poll starts."""

    records: StagedRecords
    recheck: bool
    cursor: str | None  # None: no poll this pass (hints alone move no cursor)
    listed_whole: bool  # no cursor yet: HubSpot was listed whole


class Pull(StreamBase):
    """The pull phase of a two-way pass."""

    def _read_hints(self, ctx: Context) -> Hints:
        """At most HINTS_PER_PASS events: an initial sync of a million contacts leaves a million `contact.creation`
        echoes, and reading them in one tick outlasted the contract's 30 s. The rest wait for the next pass,
        a second later."""
        hints = Hints()
        for taken, event in enumerate(ctx.state.inbox_pages(self.prefixes)):
            if taken == HINTS_PER_PASS:
                ctx.wake(ctx.now + GO_ON)
                break
            hints.through = event.seq
            if event.source == "shopify" and event.topic.endswith("/delete"):
                gone = event.body.get("id") or event.body.get("admin_graphql_api_id")
                hints.deleted.append((event.shop, str(gone)))
                if event.at:
                    hints.deleted_at[(event.shop, str(gone))] = event.at
            elif event.source == "shopify":
                hints.shops.add(event.shop)
            elif event.topic.endswith(".deletion"):
                hints.hubspot_gone.add(str(event.body["objectId"]))
            elif not self._echo(ctx, event.body):
                hints.hubspot_changed.add(str(event.body["objectId"]))
        return hints

    def _echo(self, ctx: Context, event: dict) -> bool:
        """Whether a HubSpot event only reports what the engine itself last wrote (no read needed, CNT-6)."""
        synced = ctx.state.record(self.name, str(event["objectId"]))
        if synced is None or synced.archived:
            return False
        if str(event.get("subscriptionType", "")).endswith(".creation"):
            return True  # a record the engine knows already: it made it, or has read it since
        prop = event.get("propertyName")
        return prop is not None and prop in synced.view \
            and synced.view[prop] == normalise(prop, event.get("propertyValue"))

    def _pull_shopify(self, ctx: Context, hints: Hints) -> ShopifyPull:
        pulled = ShopifyPull()
        for shop, client in sorted(ctx.shops.items()):
            key = f"cursor:{self.name}:{shop}"
            cursor = ctx.state.get(key)
            refused = ctx.refusals.due(self.name, shop, ctx.now)  # tried again: a rule may have changed
            if cursor is not None and shop not in hints.shops and not refused \
                    and not ctx.poll_due(f"{self.name}:{shop}"):
                self._wake_for_refused(ctx, shop)
                continue
            since = datetime.fromisoformat(cursor) - OVERLAP if cursor else None
            listing = self.listings.get(f"shopify:{shop}", ctx.now)
            records = staged(listing.records)
            listed = self.shopify_list(client, since, listing)
            if listed is not records:  # a stream that lists its own way (companies, in one GraphQL listing)
                records.clear()
                records.extend(listed)
            if len(records):
                ctx.saw_changes()
            if refused and cursor is not None:
                again = self.shopify_fetch(client, refused)
                records.extend(again)
                ctx.refusals.clear(self.name, shop, set(refused) - {self.shopify_id(r) for r in again})  # deleted
                ctx.refusals.postpone(self.name, shop, refused, ctx.now)
            self._wake_for_refused(ctx, shop)
            pulled.sources.append(Source(shop, records, recheck=listing.attempts > 1, full=cursor is None))
            pulled.deleted += [(shop, gone) for gone in self.shopify_deleted(ctx, client, since)]
            # Shopify's lists are consistent at once: everything changed before the listing began was in it.
            pulled.cursors[key] = listing.started.isoformat()
        return pulled

    def _wake_for_refused(self, ctx: Context, shop: str) -> None:
        when = ctx.refusals.next_try(self.name, shop)
        if when is not None:
            ctx.wake(when)

    def _pull_hubspot(self, ctx: Context, props: list[str], hints: Hints) -> HubSpotPull:
        cursor = ctx.state.get(f"cursor:{self.name}:hubspot")
        polled = cursor is None or ctx.poll_due(f"{self.name}:hubspot")
        changed = staged(self.listings.bag("pass:hubspot", numeric=True))
        recheck = False
        # Only a poll moves the cursor (a webhook hint says nothing of what else changed meanwhile);
        # records changed in the last seconds may not be indexed yet: the overlap reads them next time.
        next_cursor = ctx.now.isoformat()
        if polled:
            listing = self.listings.get("hubspot", ctx.now)
            if cursor is None:
                ctx.hubspot.list_all(self.hubspot_type, props, listing)
            else:
                ctx.hubspot.modified_since(self.hubspot_type, self.modified_property,
                                           datetime.fromisoformat(cursor) - OVERLAP, props, listing)
            changed.copy_from(staged(listing.records))
            if len(listing.records):
                ctx.saw_changes()
            recheck = listing.attempts > 1
            next_cursor = listing.started.isoformat()
        if hints.hubspot_changed:
            fetched, missing = ctx.hubspot.batch_read(self.hubspot_type, sorted(hints.hubspot_changed), props)
            hints.hubspot_gone |= missing
            changed.extend(fetched)
        return HubSpotPull(changed, recheck, next_cursor if polled else None, cursor is None)
