"""Write: the HubSpot record each changed Shopify record must be, written where it differs from what was
last written (any real Shopify change rewrites it whole, ORD-1), with its contact association and line
items; a record deleted in Shopify archives its HubSpot record.

A create whose outcome is unknown (a 502 after commit, a crash) leaves an intent; the next pass looks the
record up by its external id (once search can see it) before creating anything.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from reference.clients.http import Deferred
from reference.clients.shopify_records import instant
from reference.objects.context import Context, log
from reference.objects.oneway.base import StreamBase
from reference.objects.oneway.records import Desired, Imported, blank, clean, newer, step
from reference.settings import Mapping
from reference.state import DELETED, LIVE, Link

DEPENDENCY_WAIT = timedelta(minutes=8)  # how long a record waits for its contact or products to be synced


class Write(StreamBase):
    """The write phase of a one-way pass."""

    def _archive(self, ctx: Context, deleted: Iterable[tuple[str, str]]) -> None:
        """A Shopify record deleted: its HubSpot record is archived (ORD-5, carts likewise)."""
        links = [link for shop, shopify_id in deleted
                 if (link := ctx.state.link(self.name, shop, shopify_id)) is not None
                 and link.status == LIVE and link.hubspot_id]
        if not links:
            return
        ctx.hubspot.batch_archive(self.hubspot_type, [link.hubspot_id or "" for link in links])
        for link in links:
            link.status = DELETED
            ctx.state.save_link(link)

    def _sync(self, ctx: Context, mappings: tuple[Mapping, ...], changed: dict[tuple[str, str], dict],
              waiting: dict[str, str], existing: Imported | None,
              brought_back: set[tuple[str, str]] = frozenset()) -> None:
        plans: list[tuple[str, dict, Desired, Link | None]] = []
        for (shop, shopify_id), record in sorted(changed.items()):
            link = ctx.state.link(self.name, shop, shopify_id)
            if link is not None and link.status != LIVE:
                continue
            desired = self.desired(ctx, shop, record, mappings)
            ref = f"{shop}/{shopify_id}"
            if desired.waiting:
                since = datetime.fromisoformat(waiting.setdefault(ref, ctx.now.isoformat()))
                if ctx.now - since < DEPENDENCY_WAIT:
                    continue  # its contact or products are on their way: write it complete, a little later
            waiting.pop(ref, None)
            real_change = link is None or newer(record.get("updated_at"), link.at)
            if link is not None and link.view == desired.view() and not real_change \
                    and not ctx.state.intended(f"{self.name}-lines", shop, shopify_id):
                continue  # nothing new (our own write seen again, or an overlap re-read)
            plans.append((shop, record, desired, link))
        ctx.state.put(f"waiting:{self.name}", waiting)
        if waiting:
            ctx.wake(ctx.now + timedelta(seconds=30))
        # In slices of a batch, so that a pass cut short by a rate limit still makes progress.
        for start in range(0, len(plans), 100):
            try:
                self._write(ctx, plans[start:start + 100], existing)
            except Deferred:
                self._retry_later(ctx, [ref for shop, record, _, _ in plans[start:]
                                        if (ref := (shop, str(record["id"]))) in brought_back])
                raise

    def _retry_later(self, ctx: Context, refs: list[tuple[str, str]]) -> None:
        """Records a cut write leaves unwritten that no listing or event will show again: kept until written."""
        if refs:
            retry: dict[str, str] = ctx.state.get(f"retry:{self.name}", {})
            retry.update({f"{shop}/{shopify_id}": ctx.now.isoformat() for shop, shopify_id in refs})
            ctx.state.put(f"retry:{self.name}", retry)

    def _write(self, ctx: Context, plans: list[tuple[str, dict, Desired, Link | None]],
               existing: Imported | None) -> None:
        bought: dict[str, datetime | None] = {}  # each buyer's email: when the latest of its records changed
        for _, record, desired, _ in plans:
            if desired.contact_email:
                moments = [m for m in (bought.get(desired.contact_email), instant(record.get("updated_at"))) if m]
                bought[desired.contact_email] = max(moments, default=None)
        contacts = self._contacts(ctx, bought)
        # Look before creating: a record imported beforehand (ORD-4, from the one listing made when the
        # shop's sync starts) or an earlier create whose answer was lost (searched for) is adopted.
        new = [(shop, str(r["id"])) for shop, r, _, link in plans if link is None]
        adopted = {ref: hubspot_id for ref in new
                   if existing is not None and (hubspot_id := existing.get(ref)) is not None}
        unsure = [ref for ref in new if ref not in adopted and ctx.state.intended(self.name, *ref)]
        ripe, unripe = self._ripe(ctx, unsure)
        if ripe:
            adopted |= self._lookup(ctx, ripe)
            self._looked_up(ctx, ripe)
        plans = [p for p in plans if (p[0], str(p[1]["id"])) not in unripe]
        creates: dict[str, dict] = {}
        for shop, record, desired, link in plans:
            shopify_id = str(record["id"])
            if link is None and (shop, shopify_id) not in adopted:
                creates[f"{shop}/{shopify_id}"] = {"properties": clean(desired.props),
                                            "associations": self._associations(ctx, desired, contacts)}
        made: dict[str, dict] = {}
        if creates:
            with ctx.state.transaction():  # committed before the call: its outcome may be lost
                for ref in creates:
                    shop, shopify_id = ref.split("/", 1)
                    ctx.state.intend(self.name, shop, [shopify_id])
            try:
                made, failed = ctx.hubspot.batch_create(self.hubspot_type, creates)
            except Deferred as cut:
                if not cut.maybe_applied:  # refused or never sent: nothing to look for later
                    for ref in creates:
                        shop, shopify_id = ref.split("/", 1)
                        ctx.state.settle_intents(self.name, shop, [shopify_id])
                raise
            for ref, message in failed.items():
                # Refused (a portal's write rule): definitely not made; shown in the status, tried again later.
                log.warning("%s: HubSpot refused %s: %s", self.name, ref, message)
                shop, shopify_id = ref.split("/", 1)
                ctx.state.settle_intents(self.name, shop, [shopify_id])
                ctx.refusals.note(self.name, shop, shopify_id, message, ctx.now)
            # Linked at once, before the line items: a pass cut short after this point must not look
            # for (or, while search still lags, re-create) records it knows it made.
            with ctx.state.transaction():  # one commit for the slice, made before the next call
                for shop, record, _, link in plans:
                    shopify_id = str(record["id"])
                    if link is None and (hubspot_id := (made.get(f"{shop}/{shopify_id}") or {}).get("id")):
                        ctx.state.save_link(Link(self.name, shop, shopify_id, str(hubspot_id), {}, None, LIVE,
                                                 {"lines": {}}))
                        ctx.state.settle_intents(self.name, shop, [shopify_id])
                        ctx.refusals.clear(self.name, shop, [shopify_id])
        # Updates of linked and adopted records go in one batch, as do their contact associations: a slice
        # costs a handful of calls however many records it adopts (a rate limit must not cut it every time).
        # A step that went through for this version of a record is not made again when a later step of the
        # same write was cut: under a storm a write made of five calls that always starts over may never end.
        updates = {link.hubspot_id: blank(desired.props) for shop, record, desired, link in plans
                   if link is not None and link.hubspot_id and link.extra.get("written") != step(record, desired)}
        updates |= {adopted[(shop, str(record["id"]))]: blank(desired.props) for shop, record, desired, link in plans
                    if link is None and (shop, str(record["id"])) in adopted}
        gone: set[str] = set()
        if updates:
            _, gone = ctx.hubspot.batch_update(self.hubspot_type, updates)
            with ctx.state.transaction():
                for _, record, desired, link in plans:
                    if link is not None and link.hubspot_id in updates and link.hubspot_id not in gone:
                        link.extra["written"] = step(record, desired)
                        ctx.state.save_link(link)
        ready: list[tuple[str, dict, Desired, Link]] = []
        associate: list[tuple[str, str, int]] = []
        for shop, record, desired, link in plans:
            shopify_id = str(record["id"])
            contact = contacts.get(desired.contact_email or "")
            if link is None:
                hubspot_id = adopted.get((shop, shopify_id)) or (made.get(f"{shop}/{shopify_id}") or {}).get("id")
                if hubspot_id is None or str(hubspot_id) in gone:
                    continue
                link = Link(self.name, shop, shopify_id, str(hubspot_id), {}, None, LIVE, {"lines": {}})
                if (shop, shopify_id) in adopted:
                    ctx.state.intend(f"{self.name}-lines", shop, [shopify_id])  # its line items must be read back
                    if contact:
                        associate.append((str(hubspot_id), contact, self.to_contact))
            else:
                if link.hubspot_id in gone:
                    continue  # archived in HubSpot by a person: left archived (deleting is theirs to do)
                if desired.contact_email != link.extra.get("contact_email") and contact:
                    associate.append((link.hubspot_id or "", contact, self.to_contact))
            ready.append((shop, record, desired, link))
        if associate:
            ctx.hubspot.associate(self.hubspot_type, "contacts", associate)
            associated = {pair[0] for pair in associate}
            with ctx.state.transaction():
                for shop, record, desired, link in ready:
                    if link.hubspot_id in associated and ctx.state.link(self.name, shop, str(record["id"])):
                        link.extra["contact_email"] = desired.contact_email  # saved links only: linked before
                        ctx.state.save_link(link)
        # Line items of every record in the slice go together, in batches of 100 (not a call per record).
        self._lines(ctx, [(shop, str(record["id"]), link, desired) for shop, record, desired, link in ready])
        retry: dict[str, str] = ctx.state.get(f"retry:{self.name}", {})
        written = {f"{shop}/{record['id']}" for shop, record, _, _ in plans}
        with ctx.state.transaction():
            if written & retry.keys():
                ctx.state.put(f"retry:{self.name}", {ref: at for ref, at in retry.items() if ref not in written})
            for shop, record, desired, link in ready:
                shopify_id = str(record["id"])
                link.view, link.at = desired.view(), record["updated_at"]
                # Only an email whose contact it is associated with: one it has none for (the contact archived
                # since the purchase, or contacts off) is associated on the record's next change.
                link.extra["contact_email"] = desired.contact_email if contacts.get(desired.contact_email or "") \
                    else None
                ctx.state.save_link(link)
                ctx.state.settle_intents(self.name, shop, [shopify_id])
                ctx.state.settle_intents(f"{self.name}-lines", shop, [shopify_id])
        for shop, record, _, link in ready:  # after the commit: `related` calls HubSpot
            self.related(ctx, shop, record, link.hubspot_id or "", link)
