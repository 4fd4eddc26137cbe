"""The mutant zoo: small broken copies of the reference engine, each breaking one rule of SPEC.md.

Each mutant is the reference engine with one behaviour changed by a subclass; `MUTANTS` maps its
import name to the requirements whose failure proves the suite caught it.
"""

from __future__ import annotations

from reference.engine import SyncEngine
from reference.objects.contacts import Contacts
from reference.objects.context import Context


class _ContactsDeletingCustomers(Contacts):
    """Propagates HubSpot contact deletions to Shopify (breaks CNT-3)."""

    def _forget_hubspot(self, ctx: Context, hid: str) -> None:
        for link in ctx.state.links_of(self.name, hid):
            shop = ctx.shops.get(link.shop)
            if shop is not None and link.shopify_id:
                shop.request("DELETE", f"customers/{link.shopify_id}.json")
        super()._forget_hubspot(ctx, hid)


class DeletesCustomersOnContactArchive(SyncEngine):
    """Archiving a contact in HubSpot deletes the Shopify customer."""

    def __init__(self, transport=None, state_dir=None) -> None:
        super().__init__(transport, state_dir)
        self.streams = [_ContactsDeletingCustomers() if isinstance(s, Contacts) else s for s in self.streams]


MUTANTS: dict[str, tuple[str, ...]] = {
    "tests.mutants.zoo:DeletesCustomersOnContactArchive": ("CNT-3",),
}
