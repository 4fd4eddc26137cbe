"""Deletions on either side: a Shopify delete unlinks (and archives a product, PRD-2); a HubSpot archive
is never carried to Shopify (CNT-3, CMP-3, PRD-3), its links drop."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from reference.objects.context import Context
from reference.objects.twoway.base import StreamBase
from reference.state import ARCHIVED, DELETED, LIVE


class Deletions(StreamBase):
    """The deletions phase of a two-way pass."""

    def _shopify_deletions(self, ctx: Context, deleted: Iterable[tuple[str | None, str]],
                           deleted_at: Mapping[tuple[str | None, str], str] | None = None) -> None:
        """Shopify records deleted (`deleted_at`: when, where a webhook said so)."""
        archive: list[str] = []
        for shop, shopify_id in deleted:
            link = ctx.state.link(self.name, shop, shopify_id)  # type: ignore[arg-type]
            if link is None or link.status == DELETED:
                continue
            hubspot_id = link.hubspot_id
            link.status = DELETED  # CNT-4/CMP-4: the HubSpot record stays; never re-create it in this shop
            at = (deleted_at or {}).get((shop, shopify_id))
            if at:
                link.extra["deleted_at"] = at
            ctx.state.save_link(link)
            if self.archive_on_shopify_delete and hubspot_id and link.status != ARCHIVED:
                archive.append(hubspot_id)
        if archive:
            ctx.hubspot.batch_archive(self.hubspot_type, archive)  # PRD-2
            for hubspot_id in archive:
                self._forget_hubspot(ctx, hubspot_id)

    def _hubspot_archives(self, ctx: Context, gone: Iterable[str]) -> None:
        for hubspot_id in gone:
            self._forget_hubspot(ctx, hubspot_id)

    def _forget_hubspot(self, ctx: Context, hubspot_id: str) -> None:
        """The HubSpot record is archived: nothing is deleted in Shopify (CNT-3, CMP-3, PRD-3); links drop."""
        synced = ctx.state.record(self.name, hubspot_id)
        if synced is not None:
            synced.archived = True
            synced.at = ctx.now.isoformat()  # a copy listed before this is stale (see `Match._known_archived`)
            ctx.state.save_record(synced)
        for link in ctx.state.links_of(self.name, hubspot_id):
            if link.status != LIVE:
                continue
            if self.recreate_after_archive:
                # The survivor is synced as new on its next change (matched by key first), or joins the
                # record its key gets again (CON-2); the view stays, so that a re-read of an unchanged
                # record is not taken for a change.
                link.hubspot_id = None
                link.extra["keys"] = self.keys(link.view)
                # A survivor the sync made for a HubSpot-born record is no merchant's record of the person.
                link.extra["of_hubspot_born"] = synced is not None and synced.born == "hubspot"
            else:
                link.status = ARCHIVED
            ctx.state.save_link(link)
