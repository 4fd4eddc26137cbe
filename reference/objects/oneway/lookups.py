"""Lookups a one-way write needs: the buyer's contact, the company, and HubSpot records made before
(an earlier import, ORD-4; a create whose answer was lost)."""

from __future__ import annotations

from datetime import datetime, timedelta

from reference.clients.listing import StagedRecords
from reference.mapping import hubspot_view, norm_email
from reference.objects.context import Context
from reference.objects.oneway.base import StreamBase
from reference.objects.oneway.records import Desired, Imported, assoc
from reference.state import LIVE, HubSpotRecord

# How long a write may take to show in search results (docs/vendor-behaviour.md §3.5).
SEARCH_LAG = timedelta(seconds=60)


class Lookups(StreamBase):
    """What a one-way write looks up."""

    def _contacts(self, ctx: Context, bought: dict[str, datetime | None]) -> dict[str, str]:
        """HubSpot contact ids by email, for records last changed at `bought[email]`: the contacts stream's
        records first, then a batch read, then a contact made for the buyer."""
        out: dict[str, str] = {}
        unknown = []
        for email in sorted(bought):
            known = ctx.state.records_by_key("contacts", email)
            if known:
                out[email] = known[0].hubspot_id
            else:
                unknown.append(email)
        if unknown:
            found, _ = ctx.hubspot.batch_read("contacts", unknown, ["email"], id_property="email")
            for record in found:
                out[norm_email((record.get("properties") or {}).get("email")) or ""] = str(record["id"])
        missing = [e for e in unknown if e not in out and not self._archived_since(ctx, e, bought[e])]
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

    def _archived_since(self, ctx: Context, email: str, bought: datetime | None) -> bool:
        """Whether the buyer's contact was archived by a person after the purchase last changed (CNT-3): a sync
        that meets the purchase only then must not bring the contact back for it; a later purchase does."""
        archived = [r.hubspot_id for r in ctx.state.records_by_key("contacts", email, archived=True)]
        if not archived or bought is None:
            return False
        archived_at = ctx.hubspot.last_archived_at("contacts", archived)
        return archived_at is not None and bought < archived_at

    def _associations(self, ctx: Context, desired: Desired, contacts: dict[str, str]) -> list[dict]:
        out = []
        contact = contacts.get(desired.contact_email or "")
        if contact:
            out.append(assoc(contact, self.to_contact))
        if desired.company_id:
            link = ctx.state.link("companies", desired.company_id.split("|")[0], desired.company_id.split("|")[1])
            if link is not None and link.status == LIVE and link.hubspot_id:
                out.append(assoc(link.hubspot_id, 509))
        return out

    def _ripe(self, ctx: Context, refs: list[tuple[str, str]]) -> tuple[list[tuple[str, str]], set[tuple[str, str]]]:
        """Unsure creates old enough to be found by search (it lags behind writes, docs/vendor-behaviour.md §3.5),
        and the rest."""
        key = f"unsure:{self.name}"
        seen: dict[str, str] = ctx.state.get(key, {})
        ripe: list[tuple[str, str]] = []
        unripe: set[tuple[str, str]] = set()
        for shop, shopify_id in refs:
            since = datetime.fromisoformat(seen.setdefault(f"{shop}/{shopify_id}", ctx.now.isoformat()))
            if ctx.now - since >= SEARCH_LAG:
                ripe.append((shop, shopify_id))  # stays noted until the search has answered (`_looked_up`)
            else:
                unripe.add((shop, shopify_id))
                ctx.wake(since + SEARCH_LAG)
        ctx.state.put(key, seen)
        return ripe, unripe

    def _looked_up(self, ctx: Context, refs: list[tuple[str, str]]) -> None:
        """Unsure creates the search has answered for: found ones are adopted, the rest are created."""
        key = f"unsure:{self.name}"
        seen: dict[str, str] = ctx.state.get(key, {})
        for shop, shopify_id in refs:
            seen.pop(f"{shop}/{shopify_id}", None)
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
        found = ctx.hubspot.find_in(self.hubspot_type, self.external_id, [shopify_id for _, shopify_id in refs],
                                    [self.external_id, "hs_source_store"])
        out: dict[tuple[str, str], str] = {}
        for record in sorted(found, key=lambda r: int(r["id"])):
            props = record.get("properties") or {}
            for shop, shopify_id in refs:
                if props.get(self.external_id) == shopify_id \
                        and props.get("hs_source_store") in (domains.get(shop), None):
                    out.setdefault((shop, shopify_id), str(record["id"]))
        return out
