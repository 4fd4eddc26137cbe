"""Write: each group merged, then written to HubSpot (in batches) and to its shops, and recorded.

HubSpot first: a Shopify record made from a HubSpot one needs nothing from it, but a new HubSpot record
must exist before its links are recorded. Each step is noted in the groups at once, so that a slice a
rate limit cuts short is written again as updates, never as new records.
"""

from __future__ import annotations

from itertools import islice
from typing import Any

from reference.clients.http import Unauthorized, VendorError
from reference.clients.hubspot import BATCH, refusal_message
from reference.mapping import hubspot_view, normalise, shopify_view
from reference.objects.context import Context, log
from reference.objects.twoway.base import StreamBase
from reference.objects.twoway.merge import merge_fields
from reference.objects.twoway.records import Group
from reference.settings import Mapping
from reference.state import DELETED, LIVE, HubSpotRecord, Link


class Write(StreamBase):
    """The merge and write phases of a two-way pass."""

    def _merge(self, group: Group, mappings: tuple[Mapping, ...]) -> tuple[dict[str, Any], dict[str, dict]]:
        """Field by field: what to write to HubSpot, and to each shop (CNT-5 last writer wins)."""
        return merge_fields(group, mappings, self.shopify_at)

    def _merge_and_write(self, ctx: Context, mappings: tuple[Mapping, ...], groups: dict[str, Group]) -> None:
        # In slices of a batch, each recorded and taken out of `groups` before the next: a pass cut short
        # by a rate limit keeps its progress, and goes on with the rest at the next tick (`Pass`).
        while groups:
            part = dict(islice(groups.items(), BATCH))
            self._write_slice(ctx, mappings, part)
            for group_id in part:
                del groups[group_id]

    def _write_slice(self, ctx: Context, mappings: tuple[Mapping, ...], groups: dict[str, Group]) -> None:
        creates: dict[str, dict[str, Any]] = {}
        updates: dict[str, dict[str, Any]] = {}
        plans: dict[str, tuple[Group, dict, dict[str, dict]]] = {}
        for group_id, group in groups.items():
            if not group.members and group.hubspot is None:
                continue
            to_hubspot, to_shops = self._merge(group, mappings)
            plans[group_id] = (group, to_hubspot, to_shops)
            if group.hubspot is None:
                if to_hubspot:
                    creates[group_id] = {k: v for k, v in to_hubspot.items() if v is not None}
            elif to_hubspot:
                updates[group.hubspot_id or group_id] = {k: ("" if v is None else v) for k, v in to_hubspot.items()}
        updated: dict[str, dict] = {}
        gone: set[str] = set()
        refused: dict[str, str] = {}  # by group id (a create) or HubSpot id (an update): what HubSpot said
        if updates:
            updated, gone, refused = self._batch_update(ctx, updates)
        made, failed = self.hubspot_create(ctx, creates) if creates else ({}, {})
        refused.update(failed)
        for group_id, record in made.items():
            group = plans[group_id][0]
            group.hubspot_id, group.hubspot, group.born = str(record["id"]), record, "sync"
        for group_id, (group, to_hubspot, to_shops) in plans.items():
            why = refused.get(group_id) if group.hubspot is None else refused.get(group.hubspot_id or "")
            if why is not None:
                # Refused (a portal's write rule): nothing is recorded as synced, so the change is still owed;
                # the status shows it and the records are tried again (reference/refusals.py).
                self._refused(ctx, group, why)
                continue
            if group.hubspot is None:
                continue  # not made: the records stay unlinked and come back on their next change
            if group.hubspot_id in gone:
                self._forget_hubspot(ctx, group.hubspot_id or "")
                continue
            self._record(ctx, mappings, group, to_hubspot, to_shops, updated)

    def _record(self, ctx: Context, mappings: tuple[Mapping, ...], group: Group, to_hubspot: dict[str, Any],
                to_shops: dict[str, dict], updated: dict[str, dict]) -> None:
        """A group written to HubSpot: write its shops, then record what both sides now agree on."""
        born = group.born or (group.synced.born if group.synced else "hubspot")
        hubspot_values = {**hubspot_view(group.hubspot, mappings),
                          **{k: normalise(k, v) for k, v in to_hubspot.items()}}
        self._write_shops(ctx, mappings, group, hubspot_values, to_shops)
        record = updated.get(group.hubspot_id or "", group.hubspot)
        at = record.get("updatedAt") if record else None
        keys = self.keys(hubspot_values)
        ctx.state.save_record(HubSpotRecord(self.name, group.hubspot_id or "", "\n".join(sorted(keys)) or None,
                                            hubspot_values, at, born))
        written = [(shop, self.shopify_id(m.record)) for shop, m in group.members.items() if m.record is not None]
        for shop in {shop for shop, _ in written}:
            ctx.refusals.clear(self.name, shop, [shopify_id for s, shopify_id in written if s == shop])

    def _refused(self, ctx: Context, group: Group, why: str) -> None:
        log.warning("%s: HubSpot refused to write %s: %s", self.name, group.hubspot_id or "a new record", why)
        for shop, member in sorted(group.members.items()):
            if member.record is not None:
                ctx.refusals.note(self.name, shop, self.shopify_id(member.record), why, ctx.now, group.hubspot_id)

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
            for hubspot_id, props in updates.items():
                try:
                    done, gone = ctx.hubspot.batch_update(self.hubspot_type, {hubspot_id: props})
                    out.update({str(r["id"]): r for r in done})
                    missing |= gone
                except VendorError as single:
                    if isinstance(single, Unauthorized):
                        raise
                    refused[hubspot_id] = refusal_message(single)
            return out, missing, refused

    def _write_shops(self, ctx: Context, mappings: tuple[Mapping, ...], group: Group, hubspot_values: dict[str, Any],
                     to_shops: dict[str, dict]) -> None:
        for shop, member in sorted(group.members.items()):
            client = ctx.shops.get(shop)
            if client is None:
                continue
            values = to_shops.get(shop, {})
            if member.record is None:
                values = {m.hubspot_property: hubspot_values.get(m.hubspot_property) for m in mappings if m.to_shopify}
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
            link = Link(self.name, shop, self.shopify_id(record), group.hubspot_id, view, record.get("updated_at"),
                        LIVE)
            ctx.state.save_link(link)
            member.record, member.link = record, link  # a slice written again must not create it twice
