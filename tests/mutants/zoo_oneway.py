"""Mutants of the oneway classes of broken syncs that once escaped the suite (see catalogue.py).

Built like `zoo.py`: the reference engine with one behaviour changed by a subclass of the engine or of
one of its streams; `reference/` itself is never edited. `SELECTIONS` names the scenarios that catch
each (most of them in `scenarios/suites/suite_gate_oneway.py`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from reference.clients.shopify import ShopClient
from reference.engine import SyncEngine
from reference.objects.carts import Carts
from reference.objects.context import Context
from reference.objects.oneway import Desired
from reference.objects.orders import Orders
from reference.settings import Mapping
from reference.state import Link
from tests.mutants.zoo import _swap, _TickHook

_Z = "tests.mutants.zoo_oneway:"

TWO_WAY = ("contacts", "companies", "products")
INITIAL_LISTINGS = ("customers", "products", "orders", "abandonedCheckouts")


class OneWayMappingsBothWays(SyncEngine):
    """Applies a custom mapping of a two-way object both ways whatever its direction: a `to_hubspot` mapping
    also writes HubSpot's value to Shopify, a `to_shopify` one Shopify's to HubSpot (breaks SET-5)."""

    def configure(self, settings: dict) -> None:
        objects = settings.get("objects") if isinstance(settings, dict) else None
        if not isinstance(objects, dict):
            return super().configure(settings)  # malformed: refused as the reference refuses it
        widened = {name: ({**entry, "mappings": [{**m, "direction": "both"} if isinstance(m, dict) else m
                                                 for m in entry.get("mappings") or []]}
                          if name in TWO_WAY and isinstance(entry, dict) else entry)
                   for name, entry in objects.items()}
        super().configure({**settings, "objects": widened})


class _OrdersMakingProducts(Orders):
    """Makes the HubSpot product of each order line itself when product sync is off."""

    def line(self, ctx: Context, shop: str, item: dict, quantity: int, waiting: list[str]) -> dict[str, Any]:
        props = super().line(ctx, shop, item, quantity, waiting)
        name = item.get("title")
        if ctx.settings.enabled("products") or not name or props.get("hs_product_id"):
            return props
        made: dict[str, str] = ctx.state.get("mutant:line-products", {})
        if name not in made:
            created, _ = ctx.hubspot.batch_create("products", {name: {"properties": {
                "name": name, "price": item.get("price")}}})
            made[name] = str(created[name]["id"])
            ctx.state.put("mutant:line-products", made)
        props["hs_product_id"] = made[name]
        return props


class OrdersWriteProductsWhileOff(SyncEngine):
    """With orders on and products off, the orders stream creates the HubSpot products of its lines
    (breaks SET-1: each object type is switched on independently)."""

    def __init__(self, transport=None, state_dir=None) -> None:
        super().__init__(transport, state_dir)
        _swap(self, {Orders: _OrdersMakingProducts})


class _OrdersDeletedOnlyByWebhooks(Orders):
    """Never checks whether its linked orders still exist: a delete is known from `orders/delete` alone."""

    def _reconcile(self, ctx: Context, shop: str, client: Any) -> list[tuple[str, str]]:
        return []


class OrderDeletesOnlyFromWebhooks(SyncEngine):
    """Learns of order deletions from webhooks only: with the webhook lost, the order stays live in HubSpot
    (breaks ORD-5: a deleted order is archived within the bound, LAT-3)."""

    def __init__(self, transport=None, state_dir=None) -> None:
        super().__init__(transport, state_dir)
        _swap(self, {Orders: _OrdersDeletedOnlyByWebhooks})


class _OrdersTrustingCheckoutWebhooks(Orders):
    """Completes and links the cart of an order's checkout only once `checkouts/update` said it completed."""

    def related(self, ctx: Context, shop: str, record: dict, hid: str, link: Any) -> None:
        checkout = record.get("checkout_id")
        cart = ctx.state.link("carts", shop, str(checkout)) if checkout else None
        if cart is not None and cart.extra.get("completed"):
            super().related(ctx, shop, record, hid, link)


class CheckoutCompletionsOnlyFromWebhooks(SyncEngine):
    """Learns that a checkout completed from its webhook only: with the webhook lost, the cart is never
    completed nor linked to its order (breaks CRT-4)."""

    def __init__(self, transport=None, state_dir=None) -> None:
        super().__init__(transport, state_dir)
        _swap(self, {Orders: _OrdersTrustingCheckoutWebhooks})


class _OrdersWithStatusesOfTheirCreate(Orders):
    """Writes an order's payment and fulfilment status when it creates it, and never again."""

    def desired(self, ctx: Context, shop: str, record: dict, mappings: tuple[Mapping, ...]) -> Desired:
        desired = super().desired(ctx, shop, record, mappings)
        if ctx.state.link(self.name, shop, str(record["id"])) is not None:
            for name in ("hs_payment_status", "hs_fulfillment_status"):
                desired.props.pop(name, None)
        return desired


class OrderStatusesNotUpdated(SyncEngine):
    """Keeps an order's payment and fulfilment status as they were when it was first synced, while its stage
    follows (breaks ORD-5: financial and fulfilment status changes reach HubSpot)."""

    def __init__(self, transport=None, state_dir=None) -> None:
        super().__init__(transport, state_dir)
        _swap(self, {Orders: _OrdersWithStatusesOfTheirCreate})


class EmailLimitOffByDefault(SyncEngine):
    """Reads a contacts entry without `only_with_email` as the limit switched off: records without an email
    cross while the settings leave the limit at its default (breaks SET-6: the limit is on by default)."""

    def configure(self, settings: dict) -> None:
        objects = settings.get("objects") if isinstance(settings, dict) else None
        contacts = objects.get("contacts") if isinstance(objects, dict) else None
        if not isinstance(contacts, dict) or "only_with_email" in contacts:
            return super().configure(settings)  # malformed, or the limit given: read as the reference reads it
        super().configure({**settings, "objects": {**objects, "contacts": {**contacts, "only_with_email": False}}})


class _OrdersDatedWhenSynced(Orders):
    """Writes no order date: HubSpot dates each order by when the sync created it."""

    def desired(self, ctx: Context, shop: str, record: dict, mappings: tuple[Mapping, ...]) -> Desired:
        desired = super().desired(ctx, shop, record, mappings)
        desired.props.pop("hs_external_created_date", None)
        return desired


class OrdersDatedBySync(SyncEngine):
    """Orders carry the day the sync wrote them, not the shop's order date: reports by period count them in
    the wrong period (breaks DSH-3)."""

    def __init__(self, transport=None, state_dir=None) -> None:
        super().__init__(transport, state_dir)
        _swap(self, {Orders: _OrdersDatedWhenSynced})


def _lines_made_again(stream_lines: Callable[..., None]) -> Callable[..., None]:
    """A line-item pass that archives every line item of each record it writes and makes them all again."""

    def lines(self: Any, ctx: Context, records: list[tuple[str, str, Link, Desired]]) -> None:
        current = [lid for _, _, link, _ in records for lid in (link.extra.get("lines") or {}).values()]
        if current:
            ctx.hubspot.batch_archive("line_items", current)
        for _, _, link, _ in records:
            link.extra["lines"], link.extra["line_views"] = {}, {}
        stream_lines(self, ctx, records)
    return lines


class _OrdersRemakingLines(Orders):
    _lines = _lines_made_again(Orders._lines)


class _CartsRemakingLines(Carts):
    _lines = _lines_made_again(Carts._lines)


class RecreatesLineItems(SyncEngine):
    """Archives and re-creates every line item of an order or cart on any change: the names stay right, the
    records do not (breaks PRD-4: the other line items stay)."""

    def __init__(self, transport=None, state_dir=None) -> None:
        super().__init__(transport, state_dir)
        _swap(self, {Orders: _OrdersRemakingLines, Carts: _CartsRemakingLines})


class _FirstPageShop(ShopClient):
    """A shop client whose listing of a whole store (the initial sync's) stops after its first page (and which
    never reads a whole store by a bulk operation, which would hand it every record)."""

    def _start_bulk(self, kind: str) -> str:
        return "failed"

    def graphql(self, document: str, variables: dict[str, Any] | None = None) -> dict:
        data = super().graphql(document, variables)
        search = str((variables or {}).get("q") or "").replace("status:any", "").strip()
        for root in INITIAL_LISTINGS:
            page = data.get(root)
            if isinstance(page, dict) and "pageInfo" in page and not search:
                page["pageInfo"] = {**page["pageInfo"], "hasNextPage": False}
        return data


class InitialSyncReadsOnePage(_TickHook):
    """Its initial sync reads the first page of each Shopify listing and takes it for the whole store: a store
    of more than one page of customers or orders is synced in part (breaks SET-2)."""

    def _each_tick(self, ctx: Context) -> None:
        for client in self.shops.values():
            client.__class__ = _FirstPageShop


def _buyer_always_needs_a_contact(ctx: Context, email: str, bought: Any) -> bool:
    return False


class _OrdersRemakingArchivedBuyers(Orders):
    _archived_since = staticmethod(_buyer_always_needs_a_contact)


class _CartsRemakingArchivedBuyers(Carts):
    _archived_since = staticmethod(_buyer_always_needs_a_contact)


class RemakesArchivedBuyerForEarlierPurchase(SyncEngine):
    """Makes a buyer's contact for every order and checkout it meets without one, even when a marketer archived
    the contact after the purchase (breaks CNT-3: the archived contact comes back)."""

    def __init__(self, transport=None, state_dir=None) -> None:
        super().__init__(transport, state_dir)
        _swap(self, {Orders: _OrdersRemakingArchivedBuyers, Carts: _CartsRemakingArchivedBuyers})


# import name -> the requirements it breaks (each must be named failing by the suite).
MUTANTS: dict[str, tuple[str, ...]] = {
    _Z + "OneWayMappingsBothWays": ("SET-5",),
    _Z + "OrdersWriteProductsWhileOff": ("SET-1",),
    _Z + "OrderDeletesOnlyFromWebhooks": ("ORD-5",),
    _Z + "CheckoutCompletionsOnlyFromWebhooks": ("CRT-4",),
    _Z + "OrderStatusesNotUpdated": ("ORD-5",),
    _Z + "OrdersDatedBySync": ("DSH-3",),
    _Z + "RecreatesLineItems": ("PRD-4",),
    _Z + "InitialSyncReadsOnePage": ("SET-2",),
    _Z + "EmailLimitOffByDefault": ("SET-6", "CNT-2"),
    _Z + "RemakesArchivedBuyerForEarlierPurchase": ("CNT-3",),
}

# import name -> the `--only` selection that must catch it (ids, sections or scenario ids).
SELECTIONS: dict[str, str] = {
    _Z + "OneWayMappingsBothWays": "SET-5/to-hubspot-mapping-stays-one-way,SET-5/to-shopify-mapping-stays-one-way",
    _Z + "OrdersWriteProductsWhileOff": "SET-1/orders-and-carts-without-products",
    _Z + "OrderDeletesOnlyFromWebhooks": "ORD-5/order-deleted-without-webhooks",
    _Z + "CheckoutCompletionsOnlyFromWebhooks": "CRT-4/checkout-completed-without-webhooks",
    _Z + "OrderStatusesNotUpdated": "ORD-5/order-payment-and-fulfilment-status",
    _Z + "OrdersDatedBySync": "DSH-3/dashboard-per-period",
    _Z + "RecreatesLineItems": "PRD-4/kept-line-items-are-the-same-records",
    _Z + "InitialSyncReadsOnePage": "SET-2/initial-sync-of-several-pages",
    _Z + "EmailLimitOffByDefault": "CNT-2/no-email-no-contact",
    _Z + "RemakesArchivedBuyerForEarlierPurchase": "CNT-3/purchase-just-before-archive-leaves-contact-archived",
}
