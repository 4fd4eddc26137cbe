"""What a one-way object type is: its names, its HubSpot associations, and how its HubSpot record is
computed from its Shopify record. Each phase of the pass is a mixin over this base; `OneWay` puts them
together, and an object type (orders, carts) fills in the hooks."""

from __future__ import annotations

from abc import ABC, abstractmethod
from datetime import datetime

from reference.clients.listing import Listing, Listings, Scratch
from reference.clients.shopify import ShopClient
from reference.mapping import read_path
from reference.objects.context import Context
from reference.objects.oneway.records import Desired, Imported, text
from reference.settings import Mapping
from reference.state import LIVE, Link


class StreamBase(ABC):
    """The names and hooks of a one-way object type."""

    name = ""
    hubspot_type = ""
    topic_prefix = ""
    hubspot_prefix = ""
    kind = ""  # Shopify GraphQL type
    external_id = ""  # HubSpot property holding the Shopify id
    to_line_items = 0  # association type id record -> line item
    line_to_parent = 0  # line item -> record
    to_contact = 0  # record -> contact

    def __init__(self) -> None:
        self.listings = Listings(Scratch())  # staged: an initial sync of 100,000 orders holds a chunk at a time
        # Reconciliation listings hold ids alone, and are read whole every few minutes: kept in memory.
        self.checks = Listings()
        self.imported: Imported | None = None  # during an initial sync: records made before it (ORD-4)

    @property
    def prefixes(self) -> tuple[str, ...]:
        """The webhook topics (by prefix) this object type acts on."""
        return (self.topic_prefix,)

    def holding(self, ctx: Context) -> bool:
        """Whether records wait for their contact or products: work the engine still has, though idle now."""
        return any(ref.split("/", 1)[0] in ctx.shops for ref in [*ctx.state.get(f"waiting:{self.name}", {}),
                                                                   *ctx.state.get(f"retry:{self.name}", {})])

    # ------------------------------------------------------------------ what subclasses provide

    @abstractmethod
    def shopify_list(self, shop: ShopClient, since: datetime | None, listing: Listing | None = None) -> list[dict]:
        """Shopify records updated since `since` (all when None; kept in `listing`, where a cut one goes on)."""

    @abstractmethod
    def desired(self, ctx: Context, shop: str, record: dict, mappings: tuple[Mapping, ...]) -> Desired:
        """The HubSpot record a Shopify record must be."""

    def related(self, ctx: Context, shop: str, record: dict, hubspot_id: str, link: Link) -> None:  # noqa: B027
        """Associations to records of other streams (cart <-> order); called after each write (default: none)."""

    def from_event(self, ctx: Context, shop: str, body: dict) -> dict | None:
        """A record to process straight from a webhook payload (completed checkouts are not listed)."""
        return None

    def heard(self, ctx: Context, shop: str, body: dict) -> None:  # noqa: B027
        """What a webhook payload says that the GraphQL record does not (default: nothing)."""

    # ------------------------------------------------------------------ lines shared by orders and carts

    def line(self, ctx: Context, shop: str, item: dict, quantity: int, waiting: list[str]) -> dict[str, str | None]:
        """A line item's properties; its product is the synced HubSpot product of the Shopify product."""
        product_id = None
        if item.get("product_id"):
            link = ctx.state.link("products", shop, item["product_id"])
            if link is not None and link.status == LIVE and link.hubspot_id:
                product_id = link.hubspot_id
            elif ctx.settings.enabled("products") and (link is None or link.status == LIVE):
                waiting.append(f"product {item['product_id']}")
        return {"name": item.get("title"), "quantity": str(quantity), "price": item.get("price"),
                "hs_sku": item.get("sku") or None, "hs_product_id": product_id}

    @staticmethod
    def custom(record: dict, mappings: tuple[Mapping, ...]) -> dict[str, str | None]:
        """Custom to_hubspot mappings (SET-5)."""
        return {m.hubspot_property: text(read_path(record, m.shopify_field)) for m in mappings}
