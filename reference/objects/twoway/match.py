"""Match: changed records gathered into groups, then completed with what each group needs to be merged.

A changed record joins the group of its link, else of the first record with one of its keys (in this
chunk, or synced before), else starts a new group. Completing a group reads the other side (its HubSpot
record, its linked Shopify records), looks new groups up by key before anything is created, and adds the
shops a HubSpot record must reach.
"""

from __future__ import annotations

from typing import Any

from reference.clients.hubspot import hubspot_time
from reference.clients.shopify_records import shopify_time
from reference.mapping import hubspot_view, shopify_view
from reference.objects.context import Context
from reference.objects.twoway.base import StreamBase
from reference.objects.twoway.records import Group, Member, Seeds, Source
from reference.settings import Mapping
from reference.state import ARCHIVED, DELETED, LIVE, HubSpotRecord, Link


class Match(StreamBase):
    """The match phase of a two-way pass."""

    def _groups(self, ctx: Context, mappings: tuple[Mapping, ...], chunk: list[tuple[Source, dict]],
                seeds: Seeds) -> dict[str, Group]:
        """A chunk of changed records gathered into groups (HubSpot's first, then each shop's in turn).

        Records of earlier chunks are written by now, so a key of theirs is found in the state; a record of
        a later shop with the key of a new one here joins it at once, as it would in one big pass."""
        groups: dict[str, Group] = {}
        by_key: dict[str, str] = {}  # match key -> group id, within this chunk

        def remember(group_id: str, view: dict[str, Any]) -> None:
            for key in self.keys(view):
                by_key.setdefault(key, group_id)

        for source, record in chunk:
            if source.shop is None:  # a HubSpot record that changed since its last sync
                if self._stale_hubspot(ctx, source, record):
                    continue
                hubspot_id = str(record["id"])
                view = hubspot_view(record, mappings)
                synced = ctx.state.record(self.name, hubspot_id)
                if synced is not None and synced.view == view and not synced.archived:
                    continue  # our own write, or nothing we map (CNT-6)
                if self._known_archived(ctx, record, synced):
                    continue  # listed before its archive (this very pass may have archived it, PRD-2)
                if not self.eligible(ctx, view):
                    continue
                # Met for the first time, its key finds the person's customers left from an archived record (CNT-1).
                groups[hubspot_id] = Group(hubspot_id, record, synced, hubspot_changed=True,
                                           key_hint=self.keys(view) if synced is None else [])
                remember(hubspot_id, view)
                continue
            shop, shopify_id = source.shop, self.shopify_id(record)
            if self._stale_shopify(ctx, source, record):
                continue
            view = shopify_view(record, mappings)
            link = ctx.state.link(self.name, shop, shopify_id)
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
            group_id = next((by_key[key] for key in self.keys(view) if key in by_key), None)
            if group_id is None:
                known = self._known_by_key(ctx, view)
                if known is not None:
                    group_id = known.hubspot_id
                    if group_id not in groups:
                        groups[group_id] = Group(group_id, None, known)
            if group_id is None and self._came_before_archive(ctx, shop, record, view, link):
                continue
            if group_id is None:
                group_id = f"new:{shop}:{shopify_id}"
                groups[group_id] = Group(None)
            elif group_id not in groups:
                groups[group_id] = Group(group_id, None, ctx.state.record(self.name, group_id))
            group = groups[group_id]
            if shop in group.members or self._linked_in(ctx, group.hubspot_id, shop):
                continue  # another record of this shop already holds the key: leave this one alone
            group.members[shop] = Member(shop, record, link)
            group.key_hint = self.keys(view)
            remember(group_id, view)
            for later in seeds.later(shop):
                if later.shop in group.members or self._linked_in(ctx, group.hubspot_id, later.shop or ""):
                    continue
                sibling = self._sibling(ctx, mappings, later, group.key_hint)
                if sibling is not None:
                    group.members[later.shop or ""] = sibling
                    remember(group_id, shopify_view(sibling.record, mappings))
        return groups

    def _sibling(self, ctx: Context, mappings: tuple[Mapping, ...], source: Source, keys: list[str]) -> Member | None:
        """A changed, unlinked record of a later shop with one of these keys: it joins the group now."""
        records = source.records
        records.index(lambda r: self.keys(shopify_view(r, mappings)))
        for record in (r for key in keys for r in records.by_key(key)):
            view = shopify_view(record, mappings)
            link = ctx.state.link(self.name, source.shop or "", self.shopify_id(record))
            unlinked = link is None or (link.status == LIVE and not link.hubspot_id and link.view != view)
            if unlinked and self.eligible(ctx, view) and not self._stale_shopify(ctx, source, record):
                return Member(source.shop or "", record, link)
        return None

    def _came_before_archive(self, ctx: Context, shop: str, record: dict, view: dict[str, Any],
                             link: Link | None) -> bool:
        """Whether a Shopify record with no live HubSpot record (met for the first time, or a survivor of an archived
        one) last changed before a person archived the HubSpot record its key names: the archive came later and
        stands (CNT-3), though the sync meets the change only after it. The record is kept as a survivor of that
        record, with this change as seen, and synced as new on its next change."""
        if not self.recreate_after_archive:
            return False
        archived = [r.hubspot_id for key in self.keys(view)
                    for r in ctx.state.records_by_key(self.name, key, archived=True)]
        if not archived:
            return False
        archived_at = ctx.hubspot.last_archived_at(self.hubspot_type, archived)
        if archived_at is None or self.shopify_at(record) >= archived_at:
            return False
        if link is None:
            link = Link(self.name, shop, self.shopify_id(record), None, extra={"of_hubspot_born": False})
        link.view, link.at = view, record.get("updated_at")
        link.extra["keys"] = self.keys(view)
        ctx.state.save_link(link)
        return True

    def _known_by_key(self, ctx: Context, view: dict[str, Any]) -> HubSpotRecord | None:
        for key in self.keys(view):
            found = ctx.state.records_by_key(self.name, key)
            if found:
                return found[0]
        return None

    def _linked_in(self, ctx: Context, hubspot_id: str | None, shop: str) -> bool:
        if hubspot_id is None:
            return False
        return any(link.shop == shop and link.status == LIVE for link in ctx.state.links_of(self.name, hubspot_id))

    # ------------------------------------------------------------------ what a kept listing read may be stale

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
        synced = ctx.state.record(self.name, str(record["id"]))
        seen, listed = hubspot_time(synced.at) if synced else None, hubspot_time(record.get("updatedAt"))
        return seen is not None and listed is not None and seen > listed

    def _known_archived(self, ctx: Context, record: dict, synced: HubSpotRecord | None = None) -> bool:
        """Whether a listed or found HubSpot record is one the engine knows archived, unchanged since: a copy
        read before the archive, or a search hit its index still holds (docs/vendor-behaviour.md §3.5)."""
        synced = synced or ctx.state.record(self.name, str(record["id"]))
        if synced is None or not synced.archived:
            return False
        known, listed = hubspot_time(synced.at), hubspot_time(record.get("updatedAt"))
        return known is not None and listed is not None and listed <= known

    # ------------------------------------------------------------------ completing groups

    def _complete(self, ctx: Context, mappings: tuple[Mapping, ...], groups: dict[str, Group], seeds: Seeds,
                  props: list[str], looked: bool = False) -> None:
        """Fetch the other side of every group, look up new ones, and add the shops each must reach."""
        self._read_hubspot_side(ctx, mappings, groups, props)
        if not looked:  # after a full listing of HubSpot in this pass there is nothing more to find
            self._look_up_new(ctx, groups, props)
        wanted = self._shops_to_reach(ctx, groups)
        self._read_shopify_side(ctx, groups, wanted)
        for group in groups.values():
            if group.first_met and not any(map(_merchants_survivor, group.members.values())):
                # The survivors it would have joined are gone: the person has no customer, the record is HubSpot's.
                group.born = "hubspot"
                self._to_every_shop(ctx, group)
        self._find_before_creating(ctx, mappings, groups, seeds)

    def _read_hubspot_side(self, ctx: Context, mappings: tuple[Mapping, ...], groups: dict[str, Group],
                           props: list[str]) -> None:
        """HubSpot records not in hand; a group whose record is gone is forgotten (its members start anew)."""
        need = [g.hubspot_id for g in groups.values() if g.hubspot_id and g.hubspot is None]
        if need:
            found, missing = ctx.hubspot.batch_read(self.hubspot_type, need, props)
            for record in found:
                groups[str(record["id"])].hubspot = record
            for hubspot_id in missing:
                self._forget_hubspot(ctx, hubspot_id)
                group = groups.pop(hubspot_id)
                if self.recreate_after_archive:
                    for member in group.members.values():
                        if member.record is None:
                            continue
                        member.link = ctx.state.link(self.name, member.shop, self.shopify_id(member.record))
                        view = shopify_view(member.record, mappings)
                        if self._came_before_archive(ctx, member.shop, member.record, view, member.link):
                            continue
                        hint = self.keys(view)
                        groups[f"new:{member.shop}:{self.shopify_id(member.record)}"] = \
                            Group(None, members={member.shop: member}, key_hint=hint)
        for group in groups.values():
            if group.synced is None and group.hubspot_id:
                group.synced = ctx.state.record(self.name, group.hubspot_id)

    def _look_up_new(self, ctx: Context, groups: dict[str, Group], props: list[str]) -> None:
        """New groups: look before creating (an earlier create may have landed, or a person made one)."""
        fresh = [g for g in groups.values() if g.hubspot_id is None and g.key_hint]
        if not fresh:
            return
        existing = self.hubspot_lookup(ctx, fresh, props)
        for group in fresh:
            hit = next((existing[key] for key in group.key_hint if key in existing
                        and not self._known_archived(ctx, existing[key])), None)
            if hit is not None:
                hubspot_id = str(hit["id"])
                group.hubspot_id, group.hubspot = hubspot_id, hit
                group.synced = ctx.state.record(self.name, hubspot_id)

    def _shops_to_reach(self, ctx: Context, groups: dict[str, Group]) -> dict[str, dict[str, Group]]:
        """Add each group's linked shops and the shops its HubSpot record must reach; the linked Shopify
        records not in hand, to read (shop -> Shopify id -> group)."""
        wanted: dict[str, dict[str, Group]] = {}
        for group in groups.values():
            # Survivors in other shops of an archived record with this key: one record, linked to all (CON-2).
            for orphan in ctx.state.orphans(self.name, group.key_hint) if self.recreate_after_archive else []:
                if orphan.shop not in group.members and orphan.shop in ctx.shops:
                    group.members[orphan.shop] = Member(orphan.shop, None, orphan, adopted=True)
                    wanted.setdefault(orphan.shop, {})[orphan.shopify_id] = group
            if not group.hubspot_id:
                continue
            links = ctx.state.links_of(self.name, group.hubspot_id)
            live = [link for link in links if link.status == LIVE and link.shop in ctx.shops]
            for link in live:
                if link.shop not in group.members:
                    group.members[link.shop] = Member(link.shop, None, link)
                    wanted.setdefault(link.shop, {})[link.shopify_id] = group
                elif group.members[link.shop].link is None:
                    group.members[link.shop].link = link
            if group.synced is None:  # first seen in this pass: HubSpot-born unless a Shopify record came first
                everywhere = group.hubspot is not None and self._made_in_hubspot_first(group)
                if everywhere and any(map(_merchants_survivor, group.members.values())):
                    # A merchant's customer of the person survives an archived record: there first, so the record
                    # is its (CNT-1), unless reading it finds it gone (then decided in `_complete`).
                    everywhere, group.first_met = False, True
                group.born = group.born or ("hubspot" if everywhere else "sync")
            else:
                born_here = group.synced.born == "hubspot"
                orphaned = not live and _changed_since_deleted(group, links)
                everywhere = group.hubspot_changed and (born_here or orphaned)
            if everywhere:
                self._to_every_shop(ctx, group)
        return wanted

    def _to_every_shop(self, ctx: Context, group: Group) -> None:
        """A HubSpot-born record goes to every shop but those whose record of it was deleted (CNT-4)."""
        links = ctx.state.links_of(self.name, group.hubspot_id or "")
        barred = {link.shop for link in links if link.status in (DELETED, ARCHIVED)}
        for shop in ctx.shops:
            if shop not in group.members and shop not in barred and ctx.settings.enabled(self.name):
                group.members[shop] = Member(shop, None, None)  # to find or create in this shop

    @staticmethod
    def _made_in_hubspot_first(group: Group) -> bool:
        """Whether a HubSpot record the engine meets for the first time was made before every Shopify record of
        its group (at the same instant either may count as first). A person a marketer adds in HubSpot after a
        merchant made them in a shop is that shop's customer, matched by key, not a record for every shop."""
        made = hubspot_time(group.hubspot.get("createdAt")) if group.hubspot else None
        if made is None:
            return True
        firsts = [shopify_time(m.record["created_at"]) for m in group.members.values()
                  if m.record is not None and m.record.get("created_at")]
        return all(made <= first for first in firsts)

    def _read_shopify_side(self, ctx: Context, groups: dict[str, Group], wanted: dict[str, dict[str, Group]]) -> None:
        """Linked Shopify records not in hand; one gone since is unlinked for good (never re-created there)."""
        for shop, by_id in wanted.items():
            client = ctx.shops[shop]
            present = {self.shopify_id(r): r for r in self.shopify_fetch(client, sorted(by_id))}
            for shopify_id, group in by_id.items():
                if shopify_id in present:
                    group.members[shop].record = present[shopify_id]
                else:
                    link = group.members.pop(shop).link
                    if link is not None:
                        link.status = DELETED
                        ctx.state.save_link(link)

    def _find_before_creating(self, ctx: Context, mappings: tuple[Mapping, ...], groups: dict[str, Group],
                              seeds: Seeds) -> None:
        """Members to create: match by key in that shop first (in its listing, when the pass listed it whole)."""
        for group in groups.values():
            hubspot_values = hubspot_view(group.hubspot, mappings) if group.hubspot else {}
            for shop, member in list(group.members.items()):
                if member.record is not None or member.link is not None:
                    continue
                if not self.keys(hubspot_values):
                    if group.hubspot is not None and not self.eligible(ctx, hubspot_values):
                        del group.members[shop]
                    continue
                listed = seeds.shop(shop)
                if listed is not None and listed.full:
                    hit = self._listed(ctx, mappings, listed, self.keys(hubspot_values))
                else:
                    hit = self.shopify_find(ctx.shops[shop], hubspot_values)
                if hit is not None:
                    taken = ctx.state.link(self.name, shop, self.shopify_id(hit))
                    if taken is not None and taken.status != LIVE and taken.hubspot_id not in (None, group.hubspot_id):
                        pass
                    elif taken is not None and taken.status == DELETED:
                        del group.members[shop]
                        continue
                    elif taken is not None and taken.status == LIVE and \
                            taken.hubspot_id not in (None, group.hubspot_id):
                        del group.members[shop]  # linked to another HubSpot record: leave it
                        continue
                    member.record, member.link = hit, None

    def _listed(self, ctx: Context, mappings: tuple[Mapping, ...], source: Source, keys: list[str]) -> dict | None:
        """The first record of a whole-shop listing with one of these keys (not one written since it was read)."""
        source.records.index(lambda r: self.keys(shopify_view(r, mappings)))
        for key in keys:
            for record in source.records.by_key(key):
                if not self._stale_shopify(ctx, source, record):
                    return record
        return None


def _changed_since_deleted(group: Group, links: list[Link]) -> bool:
    """Whether a record whose Shopify records were all deleted changed after the last delete: then the change is
    HubSpot's own, owed to every shop (CON-2). A change made before it, which the sync meets only after, was the
    deleted records' and goes nowhere. Without the delete's time (its webhook lost), the change is taken as later."""
    deleted = [shopify_time(link.extra["deleted_at"]) for link in links
               if link.status == DELETED and link.extra.get("deleted_at")]
    changed = hubspot_time((group.hubspot or {}).get("updatedAt"))
    return not deleted or changed is None or changed >= max(deleted)


def _merchants_survivor(member: Member) -> bool:
    """Whether a member is a record of the person that outlived its archived HubSpot record and was not made by the
    sync for a HubSpot-born one (`Deletions._forget_hubspot`)."""
    return member.adopted and not (member.link is not None and member.link.extra.get("of_hubspot_born"))
