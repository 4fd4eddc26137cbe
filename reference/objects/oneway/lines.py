"""Line items, reconciled per record: one per Shopify line (PRD-4: a removed line archives its line item,
the others stay), batched across the records of a write. After an unsure write the actual line items are
read back and matched by content before anything is made again."""

from __future__ import annotations

from reference.mapping import normalise
from reference.objects.context import Context
from reference.objects.oneway.base import StreamBase
from reference.objects.oneway.records import LINE_PROPS, Desired, assoc, blank, clean, norm_line
from reference.state import Link


class Lines(StreamBase):
    """The line items of a one-way write."""

    def _lines(self, ctx: Context, records: list[tuple[str, str, Link, Desired]]) -> None:
        """Make each record's line items one per desired line (create, update, archive), batched across records."""
        unsure = {link.hubspot_id or "": desired for shop, shopify_id, link, desired in records
                  if ctx.state.intended(f"{self.name}-lines", shop, shopify_id)}
        actual = self._read_lines(ctx, unsure) if unsure else {}
        plans = []
        for shop, shopify_id, link, desired in records:
            current: dict[str, str] = dict(link.extra.get("lines", {}))  # Shopify line id -> line item id
            views: dict[str, dict] = dict(link.extra.get("line_views", {}))
            if (link.hubspot_id or "") in actual:
                current, views = actual[link.hubspot_id or ""]
            plans.append((shop, shopify_id, link, desired, current, views))
        with ctx.state.transaction():
            for shop, shopify_id, *_ in plans:
                ctx.state.intend(f"{self.name}-lines", shop, [shopify_id])
        stale = [line_item for *_, desired, current, _ in plans
                 for line_id, line_item in current.items() if line_id not in desired.lines]
        if stale:
            ctx.hubspot.batch_archive("line_items", stale)  # PRD-4: only the removed lines go
        updates = {current[line_id]: blank(props) for *_, desired, current, views in plans
                   for line_id, props in desired.lines.items()
                   if line_id in current and views.get(line_id) != norm_line(props)}
        if updates:
            ctx.hubspot.batch_update("line_items", updates)
        creates = {f"{shop}/{shopify_id}/{line_id}": {
                       "properties": clean(props), "associations": [assoc(link.hubspot_id or "", self.line_to_parent)]}
                   for shop, shopify_id, link, desired, current, _ in plans
                   for line_id, props in desired.lines.items() if line_id not in current}
        made: dict[str, dict] = {}
        if creates:
            made, _ = ctx.hubspot.batch_create("line_items", creates)
        for shop, shopify_id, link, desired, current, _ in plans:
            lines = {line_id: (current.get(line_id)
                               or str((made.get(f"{shop}/{shopify_id}/{line_id}") or {}).get("id") or ""))
                     for line_id in desired.lines}
            link.extra["lines"] = {line_id: line_item for line_id, line_item in lines.items() if line_item}
            link.extra["line_views"] = {line_id: norm_line(props) for line_id, props in desired.lines.items()
                                        if lines.get(line_id)}
        # The "-lines" intents are settled with the links that record the line items (`_write`), in one commit:
        # settled before, a crash in between would leave neither, and the lines would be made again.

    def _read_lines(self, ctx: Context, records: dict[str, Desired]) -> dict[str, tuple[dict[str, str], dict]]:
        """After unsure writes: each record's actual line items, matched to its desired lines by content
        (read for all the records together: one association read and one batch read per hundred)."""
        owned = ctx.hubspot.associations(self.hubspot_type, "line_items", sorted(records))
        ids = [line_item for hubspot_id in records for line_item in owned.get(hubspot_id, [])]
        found, _ = ctx.hubspot.batch_read("line_items", ids, list(LINE_PROPS)) if ids else ([], set())
        props = {str(r["id"]): {p: normalise(p, (r.get("properties") or {}).get(p)) for p in LINE_PROPS}
                 for r in found}
        out: dict[str, tuple[dict[str, str], dict]] = {}
        extra: list[str] = []
        for hubspot_id, desired in records.items():
            current: dict[str, str] = {}
            views: dict[str, dict] = {}
            free = {line_item: props[line_item] for line_item in owned.get(hubspot_id, []) if line_item in props}
            for exact in (True, False):
                for line_id, line in desired.lines.items():
                    if line_id in current:
                        continue
                    want = norm_line(line)
                    hit = next((line_item for line_item, have in free.items()
                                if (have == want if exact else have.get("name") == want.get("name"))), None)
                    if hit is not None:
                        current[line_id], views[line_id] = hit, free.pop(hit)
            extra += sorted(free)  # line items no Shopify line accounts for (duplicates of an unsure create)
            out[hubspot_id] = (current, views)
        if extra:
            ctx.hubspot.batch_archive("line_items", extra)
        return out
