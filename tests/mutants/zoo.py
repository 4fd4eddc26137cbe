"""The mutant zoo: small broken copies of the reference engine, each breaking one rule of docs/spec.md.

Each mutant is the reference engine with one behaviour changed at run time, by a subclass of the
engine, of one of its streams, of the tick's `Context` or of a vendor client; `reference/` itself is
never edited. `MUTANTS` maps each mutant's import name (`tests.mutants.zoo:ClassName`, what
`shopsync conform --impl` takes) to the requirements it breaks; `SELECTIONS` says which part of the
suite must catch it (`--only`), so that the zoo runs in minutes rather than the whole suite per mutant.

Hooks used, all public seams of the reference engine:

- `SyncEngine.streams`: a stream is swapped for a subclass (`_swap`);
- `SyncEngine._uninstalls(ctx)`: called once per tick after the connections are made and before any
  stream runs; mutants of the tick's clock or of the vendor clients take effect there (`_TickHook`);
- `SyncEngine.configure`, `SyncEngine.handle_webhook` and the constructor's `state_dir`.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

import reference.objects.twoway.match as twoway_match
import reference.objects.twoway.merge as twoway_merge
import reference.objects.twoway.write as twoway_write
from reference.clients import shopify_records as records
from reference.clients.http import Api, Budget, Deferred, VendorError
from reference.clients.shopify import ShopClient, search_time
from reference.engine import SyncEngine
from reference.mapping import read_path
from reference.objects.carts import Carts
from reference.objects.companies import Companies
from reference.objects.contacts import Contacts
from reference.objects.context import Context
from reference.objects.oneway import Desired
from reference.objects.orders import Orders
from reference.objects.products import Products
from reference.objects.twoway import Group, Member
from reference.settings import Mapping, SettingsRefused

log = logging.getLogger("reference.mutants")


# ---------------------------------------------------------------------- helpers


def _swap(engine: SyncEngine, replacements: dict[type, type]) -> None:
    """Replace each stream of a reference type by an instance of its mutant subclass."""
    engine.streams = [replacements[type(s)]() if type(s) in replacements else s for s in engine.streams]


class _TickHook(SyncEngine):
    """A reference engine that lets a mutant change the tick's context before the streams run."""

    def _each_tick(self, ctx: Context) -> None:
        """Called once per tick, after connecting the shops and before any stream runs."""

    def _uninstalls(self, ctx: Context) -> None:
        self._each_tick(ctx)
        super()._uninstalls(ctx)


@contextmanager
def _patched(module: Any, name: str, value: Any) -> Iterator[None]:
    """Swap a module global for the duration of one stream pass (the engine is single-threaded)."""
    saved = getattr(module, name)
    setattr(module, name, value)
    try:
        yield
    finally:
        setattr(module, name, saved)


class _HubSpotProxy:
    """The tick's HubSpot client with some calls replaced (everything else is the real client)."""

    def __init__(self, inner: Any, **overrides: Callable[..., Any]) -> None:
        self._inner = inner
        self.__dict__.update(overrides)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)


# ---------------------------------------------------------------------- CNT: contacts <-> customers


class _ContactsDeletingCustomers(Contacts):
    """Propagates HubSpot contact deletions to Shopify with GraphQL's `customerDelete` (breaks CNT-3)."""

    def _forget_hubspot(self, ctx: Context, hid: str) -> None:
        for link in ctx.state.links_of(self.name, hid):
            shop = ctx.shops.get(link.shop)
            if shop is not None and link.shopify_id:
                shop.graphql("mutation($id: ID!) { customerDelete(input: {id: $id}) { deletedCustomerId } }",
                             {"id": f"gid://shopify/Customer/{link.shopify_id}"})
        super()._forget_hubspot(ctx, hid)


class DeletesCustomersOnContactArchive(SyncEngine):
    """Archiving a contact in HubSpot deletes the Shopify customer."""

    def __init__(self, transport=None, state_dir=None) -> None:
        super().__init__(transport, state_dir)
        self.streams = [_ContactsDeletingCustomers() if isinstance(s, Contacts) else s for s in self.streams]


class _ContactsDeletingCustomersOverRest(Contacts):
    """Propagates HubSpot contact deletions to Shopify through the legacy REST Admin API (breaks CNT-3)."""

    def _forget_hubspot(self, ctx: Context, hid: str) -> None:
        for link in ctx.state.links_of(self.name, hid):
            shop = ctx.shops.get(link.shop)
            if shop is not None and link.shopify_id:
                # A 422 (Shopify keeps a customer with orders) leaves that one: the mutant deletes what it can.
                with suppress(VendorError):
                    shop.request("DELETE", f"{shop.shop.api_base}/customers/{link.shopify_id}.json")
        super()._forget_hubspot(ctx, hid)


class DeletesCustomersThroughRest(SyncEngine):
    """Archiving a contact in HubSpot deletes the Shopify customer, through the legacy REST Admin API."""

    def __init__(self, transport=None, state_dir=None) -> None:
        super().__init__(transport, state_dir)
        self.streams = [_ContactsDeletingCustomersOverRest() if isinstance(s, Contacts) else s
                        for s in self.streams]


_REFERENCE_SHOPIFY_VIEW = twoway_match.shopify_view


def _case_kept_view(record: dict | None, mappings: Any) -> dict[str, str | None]:
    """`shopify_view` that trims emails but keeps their case (the mutant's only change of matching)."""
    view = _REFERENCE_SHOPIFY_VIEW(record, mappings)
    for m in mappings:
        if m.hubspot_property == "email":
            raw = read_path(record, m.shopify_field)
            view["email"] = (str(raw).strip() or None) if raw is not None else None
    return view


class _CaseSensitiveContacts(Contacts):
    """Matches customers to contacts by the email exactly as typed, so `Ada@X.com` is not `ada@x.com`.

    Finding no exact match it creates the contact; HubSpot refuses the duplicate email (409) and the
    mutant, believing the person new, drops the customer's values (CNT-1: the customer must update
    and link the contact whose email matches case-insensitively).
    """

    def run(self, ctx: Context) -> None:
        with _patched(twoway_match, "shopify_view", _case_kept_view), \
                _patched(twoway_merge, "shopify_view", _case_kept_view), \
                _patched(twoway_write, "shopify_view", _case_kept_view):
            super().run(ctx)

    def hubspot_create(self, ctx: Context, creates: dict[str, dict[str, Any]]) -> tuple[dict[str, dict],
                                                                                         dict[str, str]]:
        inputs = {trace: {"properties": props} for trace, props in creates.items()}
        out: dict[str, dict] = {}
        for trace, spec in inputs.items():  # one by one: a conflict on one person leaves the others
            try:
                made, _ = ctx.hubspot.batch_create(self.hubspot_type, {trace: spec})
                out.update(made)
            except VendorError as error:
                log.warning("contacts: HubSpot refused a create (%s): %s", trace, error)
        return out, {}  # forgotten, not shown as refused: the mutant believes the person new and moves on

    def hubspot_lookup(self, ctx: Context, groups: list[Group], props: list[str]) -> dict[str, dict]:
        found = super().hubspot_lookup(ctx, groups, props)  # keyed lower-case: exact keys never hit
        return {str((r.get("properties") or {}).get("email") or ""): r for r in found.values()}


class CaseSensitiveEmailMatch(SyncEngine):
    """Matches contacts and customers by email case-sensitively (breaks CNT-1)."""

    def __init__(self, transport=None, state_dir=None) -> None:
        super().__init__(transport, state_dir)
        _swap(self, {Contacts: _CaseSensitiveContacts})


class _EmaillessContacts(Contacts):
    """Ignores the "only contacts with an email" limit."""

    def eligible(self, ctx: Context, view: dict[str, Any]) -> bool:
        return True


class SyncsEmaillessCustomers(SyncEngine):
    """Syncs customers and contacts without email although the email-only limit is on (breaks CNT-2)."""

    def __init__(self, transport=None, state_dir=None) -> None:
        super().__init__(transport, state_dir)
        _swap(self, {Contacts: _EmaillessContacts})


class _ContactsArchivedWithCustomers(Contacts):
    archive_on_shopify_delete = True


class ArchivesContactOnCustomerDelete(SyncEngine):
    """Deleting a customer in Shopify archives its HubSpot contact (breaks CNT-4)."""

    def __init__(self, transport=None, state_dir=None) -> None:
        super().__init__(transport, state_dir)
        _swap(self, {Contacts: _ContactsArchivedWithCustomers})


class _EchoingContacts(Contacts):
    """Cannot tell its own writes from people's: each HubSpot poll that sees a contact it wrote sends
    the contact to Shopify again, which Shopify reports as a change in turn."""

    def run(self, ctx: Context) -> None:
        key = f"cursor:{self.name}:hubspot"
        before = ctx.state.get(key)
        super().run(ctx)
        if before is None or ctx.state.get(key) == before:
            return  # no poll in this pass
        for link in ctx.state.links(self.name):
            rec = ctx.state.record(self.name, link.hubspot_id or "")
            client = ctx.shops.get(link.shop)
            if rec is None or client is None:
                continue
            body = {"first_name": rec.view.get("firstname"), "last_name": rec.view.get("lastname")}
            client.save_customer(link.shopify_id, body)


class EchoesOwnWrites(SyncEngine):
    """Writes its own writes back again at every poll: writes never stop (breaks CNT-6)."""

    def __init__(self, transport=None, state_dir=None) -> None:
        super().__init__(transport, state_dir)
        _swap(self, {Contacts: _EchoingContacts})


class _RefreshingContacts(Contacts):
    """Writes every customer it linked again every 90 minutes, changed or not ("to be safe")."""

    def run(self, ctx: Context) -> None:
        super().run(ctx)
        last = ctx.state.get("refreshed_at")
        if last is not None and ctx.now - datetime.fromisoformat(last) < timedelta(minutes=90):
            return
        ctx.state.put("refreshed_at", ctx.now.isoformat())
        if last is None:
            return
        for link in ctx.state.links(self.name):
            rec = ctx.state.record(self.name, link.hubspot_id or "")
            client = ctx.shops.get(link.shop)
            if rec is not None and client is not None:
                client.save_customer(link.shopify_id, {"first_name": rec.view.get("firstname"),
                                                       "last_name": rec.view.get("lastname")})


class RefreshesWhenIdle(SyncEngine):
    """Rewrites its records every 90 minutes though nothing changed (breaks CNT-6 in a quiet store; the 30 minutes
    after the final quiet point may miss it)."""

    def __init__(self, transport=None, state_dir=None) -> None:
        super().__init__(transport, state_dir)
        _swap(self, {Contacts: _RefreshingContacts})


class _ContactsWithoutInitialSync(Contacts):
    """Starts from "now": records that existed before the switch-on are never listed."""

    def shopify_list(self, shop: Any, since: datetime | None, listing: Any = None) -> list[dict]:
        return super().shopify_list(shop, since, listing) if since is not None else []


class SkipsInitialSync(SyncEngine):
    """Switching contacts on syncs only later changes, not the existing customers (breaks SET-2)."""

    def __init__(self, transport=None, state_dir=None) -> None:
        super().__init__(transport, state_dir)
        _swap(self, {Contacts: _ContactsWithoutInitialSync})


# ---------------------------------------------------------------------- CON and SET


class LosesStateOnRestart(SyncEngine):
    """Keeps its state in memory whatever the state directory: a restart forgets the OAuth token,
    the links and the cursors (breaks CON-1: the installed token must keep working after a restart)."""

    def __init__(self, transport=None, state_dir=None) -> None:
        super().__init__(transport, None)


class _ContactsEverywhere(Contacts):
    """Writes every contact it syncs to every connected shop, not only where it came from."""

    def _write_shops(self, ctx: Context, mappings: tuple[Mapping, ...], group: Group,
                     hubspot_values: dict[str, Any], to_shops: dict[str, dict]) -> None:
        for shop in ctx.shops:
            group.members.setdefault(shop, Member(shop, None, None))
        super()._write_shops(ctx, mappings, group, hubspot_values, to_shops)


class LeaksToOtherShops(SyncEngine):
    """A customer of store A is written to store B as well (breaks CON-2)."""

    def __init__(self, transport=None, state_dir=None) -> None:
        super().__init__(transport, state_dir)
        _swap(self, {Contacts: _ContactsEverywhere})


class IgnoresUninstall(SyncEngine):
    """Keeps calling a shop after `app/uninstalled` and after its 401s (breaks CON-3)."""

    def _forget_shop(self, ctx: Context, shop: str) -> None:
        log.info("mutant: %s uninstalled, carrying on regardless", shop)


class IgnoresOpsHubTier(SyncEngine):
    """Accepts custom field mappings on Operations Hub Free (breaks CON-4)."""

    def configure(self, settings: dict) -> None:
        if not isinstance(settings, dict) or not isinstance(settings.get("hubspot"), dict):
            return super().configure(settings)  # malformed: refused as the reference refuses it
        hubspot = dict(settings.get("hubspot") or {})
        if hubspot.get("ops_hub") == "free":
            hubspot["ops_hub"] = "starter"
        super().configure({**settings, "hubspot": hubspot})


class IgnoresSwitchOff(SyncEngine):
    """Treats an object switched off as still on: it keeps writing (breaks SET-3)."""

    def configure(self, settings: dict) -> None:
        if not isinstance(settings, dict) or not isinstance(settings.get("objects"), dict):
            return super().configure(settings)  # malformed: refused as the reference refuses it
        objects = {name: (dict(entry, enabled=True) if isinstance(entry, dict) else entry)
                   for name, entry in (settings.get("objects") or {}).items()}
        super().configure({**settings, "objects": objects})


# ---------------------------------------------------------------------- LAT: polling and rate limits


class _NoPollContext(Context):
    """After the initial pass no poll is ever due: the engine lives on webhooks alone."""

    def poll_due(self, key: str) -> bool:
        return False


class WebhookOnly(_TickHook):
    """Relies on webhooks alone and never reconciles by polling (breaks LAT-3 when webhooks are lost)."""

    def _each_tick(self, ctx: Context) -> None:
        ctx.__class__ = _NoPollContext


class _SlowPollContext(Context):
    """Polls every 15 minutes whatever the settings say."""

    def polled(self, key: str) -> None:
        nxt = self.now + timedelta(minutes=15)
        self.state.put(f"poll:{key}", nxt.isoformat())
        self.wake(nxt)


class PollsEvery15Minutes(_TickHook):
    """Reconciles by polling only every 15 minutes (breaks LAT-3: with webhooks lost, changes are late)."""

    def _each_tick(self, ctx: Context) -> None:
        ctx.__class__ = _SlowPollContext


class _DozingContext(Context):
    """Backs off its polls without limit while nothing changes: an hour between polls once the store is idle."""

    def poll_interval(self) -> timedelta:
        interval = super().poll_interval()
        return interval if interval == timedelta(seconds=self.settings.poll_interval) else timedelta(hours=1)


class DozesWhenIdle(_TickHook):
    """Polls the configured interval while busy, but only hourly once idle (breaks LAT-3 when webhooks are lost:
    the first change after a quiet spell waits for the next poll). It passes the busy-store latency scenarios."""

    def _each_tick(self, ctx: Context) -> None:
        ctx.__class__ = _DozingContext


class _WallClockContext(Context):
    """Schedules its polls by the machine's clock instead of the `now` each tick is given."""

    def poll_due(self, key: str) -> bool:
        due = self.state.get(f"poll:{key}")
        return due is None or datetime.fromisoformat(due) <= datetime.now(UTC)

    def polled(self, key: str) -> None:
        self.state.put(f"poll:{key}", (datetime.now(UTC) + timedelta(seconds=self.settings.poll_interval)).isoformat())


class UsesWallClock(_TickHook):
    """Reads the wall clock for its poll schedule: in simulated time polls never fall due again
    (breaks LAT-3: with webhooks lost nothing reconciles; HAR-1 too)."""

    def _each_tick(self, ctx: Context) -> None:
        ctx.__class__ = _WallClockContext


class _ImpatientApi(Api):
    """On a 429 retries at once, up to three times, instead of waiting for Retry-After."""

    def request(self, method: str, url: str, *, budget: Budget | None = None, **kwargs: Any) -> httpx.Response:
        for attempt in range(4):
            try:
                return super().request(method, url, budget=budget, **kwargs)
            except Deferred as deferred:
                if not deferred.reason.endswith(": 429") or attempt == 3:
                    raise
                (budget or self.budget).blocked_until = None  # Retry-After ignored
        raise AssertionError("unreachable")


def _impatient(client: Api) -> None:
    if not isinstance(client, _ImpatientApi):
        client.__class__ = type(f"Impatient{type(client).__name__}", (_ImpatientApi, type(client)), {})


class IgnoresRetryAfter(_TickHook):
    """Hammers a vendor that answered 429 instead of waiting for Retry-After (breaks LAT-3)."""

    def _each_tick(self, ctx: Context) -> None:
        for client in [ctx.hubspot, *self.shops.values()]:
            _impatient(client)


class _ImpatientShop(ShopClient):
    """On a THROTTLED answer sends the query again at once, up to three times, instead of waiting for the
    cost bucket to refill."""

    def graphql(self, document: str, variables: dict[str, Any] | None = None) -> dict:
        for attempt in range(4):
            try:
                return super().graphql(document, variables)
            except Deferred as deferred:
                if deferred.reason != "Shopify GraphQL throttled" or attempt == 3:
                    raise
                self.budget.blocked_until = None
                self.budget.used = 0.0  # the throttleStatus ignored too
        raise AssertionError("unreachable")


class IgnoresThrottled(_TickHook):
    """Hammers Shopify's GraphQL API after THROTTLED, the 200 that stands for a 429 there (breaks LAT-3)."""

    def _each_tick(self, ctx: Context) -> None:
        for client in self.shops.values():
            client.__class__ = _ImpatientShop


# ---------------------------------------------------------------------- PRD: products


class _ProductsKeptOnShopifyDelete(Products):
    archive_on_shopify_delete = False


class KeepsProductOnShopifyDelete(SyncEngine):
    """A product deleted in Shopify stays live in HubSpot (breaks PRD-2)."""

    def __init__(self, transport=None, state_dir=None) -> None:
        super().__init__(transport, state_dir)
        _swap(self, {Products: _ProductsKeptOnShopifyDelete})


class _ProductsRemadeAfterArchive(Products):
    recreate_after_archive = True


class RemakesSharedProductAfterDelete(SyncEngine):
    """A namesake's edit makes again the HubSpot product a Shopify delete archived (breaks PRD-2)."""

    def __init__(self, transport=None, state_dir=None) -> None:
        super().__init__(transport, state_dir)
        _swap(self, {Products: _ProductsRemadeAfterArchive})


class _ProductsDeletedWithHubSpot(Products):
    """Deletes the Shopify products of an archived HubSpot product."""

    def _forget_hubspot(self, ctx: Context, hid: str) -> None:
        for link in ctx.state.links_of(self.name, hid):
            shop = ctx.shops.get(link.shop)
            if shop is not None and link.shopify_id:
                try:
                    shop.mutate("mutation($id: ID!) { productDelete(input: {id: $id}) { deletedProductId "
                                "userErrors { field message } } }", {"id": f"gid://shopify/Product/{link.shopify_id}"},
                                "productDelete", "mutant product delete")
                except VendorError as error:
                    log.warning("mutant: delete of product %s refused: %s", link.shopify_id, error)
        super()._forget_hubspot(ctx, hid)


class DeletesProductOnHubSpotArchive(SyncEngine):
    """Archiving a product in HubSpot deletes it in Shopify (breaks PRD-3)."""

    def __init__(self, transport=None, state_dir=None) -> None:
        super().__init__(transport, state_dir)
        _swap(self, {Products: _ProductsDeletedWithHubSpot})


class _ProductsCreatedBlindly(Products):
    """Creates a HubSpot product for every new Shopify product without matching an existing one."""

    def _groups(self, ctx: Context, mappings: tuple[Mapping, ...], chunk: list, seeds: Any) -> dict[str, Group]:
        groups = super()._groups(ctx, mappings, chunk, seeds)
        out: dict[str, Group] = {}
        for gid, group in groups.items():
            for shop, member in list(group.members.items()):
                if group.hubspot_id is not None and member.link is None and member.record is not None:
                    del group.members[shop]
                    out[f"new:{shop}:{self.shopify_id(member.record)}"] = Group(None, members={shop: member})
            out[gid] = group
        return out

    def hubspot_lookup(self, ctx: Context, groups: list[Group], props: list[str]) -> dict[str, dict]:
        return {}


class CreatesProductsInsteadOfMatching(SyncEngine):
    """Creates instead of upserting: a Shopify product named like a HubSpot one makes a duplicate (breaks PRD-1)."""

    def __init__(self, transport=None, state_dir=None) -> None:
        super().__init__(transport, state_dir)
        _swap(self, {Products: _ProductsCreatedBlindly})


class _ProductsPerVariant(Products):
    """Lists each variant after the first as a product of its own ("Logo Tee - M")."""

    def shopify_list(self, shop: Any, since: datetime | None, listing: Any = None) -> list[dict]:
        every_variant = records.PRODUCT.replace("variants(first: 1)", "variants(first: 3)")  # as a page affords
        query = f"updated_at:>='{search_time(since)}'" if since else None
        out: list[dict] = []
        for product in shop.listing("products", "Product", every_variant, query, None):
            variants = product.get("variants") or []
            out.append({**product, "variants": variants[:1]})
            for variant in variants[1:]:
                out.append({**product, "id": variant["id"], "variants": [variant],
                            "title": f"{product.get('title')} - {variant.get('title') or variant.get('option1')}"})
        return out


class SyncsVariantsAsProducts(SyncEngine):
    """Every variant becomes a HubSpot product (breaks PRD-5)."""

    def __init__(self, transport=None, state_dir=None) -> None:
        super().__init__(transport, state_dir)
        _swap(self, {Products: _ProductsPerVariant})


def _keeping_line_items(stream_run: Callable[[Any, Context], None]) -> Callable[[Any, Context], None]:
    """A one-way pass whose HubSpot client never archives line items."""

    def run(self: Any, ctx: Context) -> None:
        real = ctx.hubspot
        archive = real.batch_archive

        def batch_archive(object_type: str, ids: list[str]) -> None:
            if object_type != "line_items":
                archive(object_type, ids)

        ctx.hubspot = _HubSpotProxy(real, batch_archive=batch_archive)  # type: ignore[assignment]
        try:
            stream_run(self, ctx)
        finally:
            ctx.hubspot = real
    return run


class _OrdersKeepingLines(Orders):
    run = _keeping_line_items(Orders.run)


class _CartsKeepingLines(Carts):
    run = _keeping_line_items(Carts.run)


class KeepsRemovedLineItems(SyncEngine):
    """A product removed from an order or a checkout keeps its HubSpot line item (breaks PRD-4)."""

    def __init__(self, transport=None, state_dir=None) -> None:
        super().__init__(transport, state_dir)
        _swap(self, {Orders: _OrdersKeepingLines, Carts: _CartsKeepingLines})


# ---------------------------------------------------------------------- ORD and CRT: one way


class _OrdersTaggedInShopify(Orders):
    """Tags each Shopify order it synced, once: a write to a Shopify order."""

    def related(self, ctx: Context, shop: str, record: dict, hid: str, link: Any) -> None:
        super().related(ctx, shop, record, hid, link)
        client = ctx.shops.get(shop)
        if client is not None and not link.extra.get("tagged"):
            link.extra["tagged"] = True
            try:
                client.graphql("mutation($input: OrderInput!) { orderUpdate(input: $input) { order { id } "
                               "userErrors { field message } } }",
                               {"input": {"id": f"gid://shopify/Order/{record['id']}", "tags": ["synced-to-hubspot"]}})
            except VendorError as error:  # without the write_orders scope Shopify refuses
                log.warning("mutant: tagging order %s refused: %s", record["id"], error)


class WritesOrdersToShopify(SyncEngine):
    """Writes to Shopify orders (a "synced" tag) although orders flow one way (breaks ORD-1)."""

    def __init__(self, transport=None, state_dir=None) -> None:
        super().__init__(transport, state_dir)
        _swap(self, {Orders: _OrdersTaggedInShopify})


class _OrdersWithoutContact(Orders):
    def desired(self, ctx: Context, shop: str, record: dict, mappings: tuple[Mapping, ...]) -> Desired:
        desired = super().desired(ctx, shop, record, mappings)
        desired.contact_email = None
        return desired


class OrdersWithoutContact(SyncEngine):
    """Syncs orders without associating the buyer's contact (breaks ORD-2)."""

    def __init__(self, transport=None, state_dir=None) -> None:
        super().__init__(transport, state_dir)
        _swap(self, {Orders: _OrdersWithoutContact})


def _not_linking_carts(stream_run: Callable[[Any, Context], None]) -> Callable[[Any, Context], None]:
    """A one-way pass whose HubSpot client drops every cart <-> order association it is asked for."""

    def run(self: Any, ctx: Context) -> None:
        real = ctx.hubspot
        associate = real.associate

        def only_other_associations(from_type: str, to_type: str, pairs: list) -> None:
            if {from_type, to_type} != {"carts", "orders"}:
                associate(from_type, to_type, pairs)

        ctx.hubspot = _HubSpotProxy(real, associate=only_other_associations)  # type: ignore[assignment]
        try:
            stream_run(self, ctx)
        finally:
            ctx.hubspot = real
    return run


class _OrdersNotLinkingCarts(Orders):
    run = _not_linking_carts(Orders.run)


class _CartsNotLinkingOrders(Carts):
    run = _not_linking_carts(Carts.run)


class CartNotLinkedToOrder(SyncEngine):
    """A checkout that became an order is never linked to it (breaks CRT-4)."""

    def __init__(self, transport=None, state_dir=None) -> None:
        super().__init__(transport, state_dir)
        _swap(self, {Orders: _OrdersNotLinkingCarts, Carts: _CartsNotLinkingOrders})


# ---------------------------------------------------------------------- CMP: companies


class _CompaniesArchivedWithShopify(Companies):
    archive_on_shopify_delete = True


class ArchivesCompanyOnShopifyDelete(SyncEngine):
    """A company deleted in Shopify is archived in HubSpot (breaks CMP-4)."""

    def __init__(self, transport=None, state_dir=None) -> None:
        super().__init__(transport, state_dir)
        _swap(self, {Companies: _CompaniesArchivedWithShopify})


class _CompaniesNamedByDomain(Companies):
    def shopify_write(self, shop, record, values, mappings):
        fields = {m.hubspot_property: m.shopify_field for m in mappings if m.to_shopify}
        by_field = {fields[k]: k for k in values if k in fields}
        name_property = next((k for k, f in fields.items() if f == "name"), "name")
        if record is None and not values.get(name_property) and "website" in by_field:
            values = {**values, name_property: values[by_field["website"]]}
        return super().shopify_write(shop, record, values, mappings)


class NamesCompaniesByDomain(SyncEngine):
    """A HubSpot company with a domain but no name is written to Shopify named by its domain (breaks the CMP
    decision: not written until it has a name)."""

    def __init__(self, transport=None, state_dir=None) -> None:
        super().__init__(transport, state_dir)
        _swap(self, {Companies: _CompaniesNamedByDomain})


# ---------------------------------------------------------------------- hostile input: webhooks and settings


def _shopify_hmac(secret: str, body: bytes) -> str:
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


def _hubspot_v3(secret: str, uri: str, body: bytes, timestamp: str) -> str:
    source = f"POST{uri}{body.decode('utf-8', 'replace')}{timestamp}"
    return base64.b64encode(hmac.new(secret.encode(), source.encode(), hashlib.sha256).digest()).decode()


class AcceptsForgedWebhooks(SyncEngine):
    """Verifies no webhook: it signs every delivery afresh with the app's secrets (HubSpot's over its own
    clock) before the reference reads it, so forged and stale deliveries pass as genuine. The reference
    trusts a verified `products/delete` or `product.deletion` without reading the product again, so a
    forged one archives a live product or unlinks it for good (breaks PRD-2; later edits never arrive, LAT-1)."""

    def handle_webhook(self, source: str, headers: dict[str, str], body: bytes) -> int:
        s, now = self.settings, self.latest_now
        if s is not None and source == "shopify":
            headers = {k: v for k, v in headers.items() if k.lower() != "x-shopify-hmac-sha256"}
            headers["X-Shopify-Hmac-Sha256"] = _shopify_hmac(s.shopify_secret, body)
        elif s is not None and source == "hubspot" and s.app_secret and s.webhook_hubspot and now is not None:
            stamp = str(round(now.timestamp() * 1000))
            headers = {k: v for k, v in headers.items()
                       if k.lower() not in ("x-hubspot-signature-v3", "x-hubspot-request-timestamp")}
            headers["X-HubSpot-Request-Timestamp"] = stamp
            headers["X-HubSpot-Signature-v3"] = _hubspot_v3(s.app_secret, s.webhook_hubspot, body, stamp)
        return super().handle_webhook(source, headers, body)


class _ContactsTrustingPayloads(Contacts):
    """Takes a customer webhook's payload as the customer, and a contact event's value as the contact's."""

    def run(self, ctx: Context) -> None:
        self._payloads: dict[str | None, dict[str, dict]] = {}
        claimed: dict[str, list[dict]] = {}
        for event in ctx.state.inbox(self.prefixes):
            if event.source == "shopify" and event.topic in ("customers/create", "customers/update") \
                    and event.body.get("id"):
                self._payloads.setdefault(event.shop, {})[str(event.body["id"])] = event.body
            elif event.source == "hubspot" and event.topic == "contact.propertyChange":
                claimed.setdefault(str(event.body["objectId"]), []).append(event.body)
        real = ctx.hubspot

        def batch_read(object_type: str, ids: list[str], properties: list[str],
                       id_property: str | None = None) -> tuple[list[dict], set[str]]:
            found, missing = real.batch_read(object_type, ids, properties, id_property)
            for record in found if object_type == "contacts" else []:
                for event in claimed.get(str(record["id"]), []):
                    record.setdefault("properties", {})[event["propertyName"]] = event.get("propertyValue")
                    record["updatedAt"] = datetime.fromtimestamp(event["occurredAt"] / 1000, UTC).isoformat()
            return found, missing

        ctx.hubspot = _HubSpotProxy(real, batch_read=batch_read)  # type: ignore[assignment]
        try:
            super().run(ctx)
        finally:
            ctx.hubspot = real

    def shopify_list(self, shop: Any, since: datetime | None, *args: Any, **kwargs: Any) -> list[dict]:
        records = {str(r["id"]): r for r in super().shopify_list(shop, since, *args, **kwargs)}
        records.update(self._payloads.get(shop.shop.shop, {}))
        return list(records.values())


class TrustsWebhookPayloads(AcceptsForgedWebhooks):
    """Accepts any delivery and believes what it says instead of reading the record: a forged customer
    becomes a contact (breaks CNT-1) and an old delivery arriving late brings back old values (LAT-3)."""

    def __init__(self, transport=None, state_dir=None) -> None:
        super().__init__(transport, state_dir)
        _swap(self, {Contacts: _ContactsTrustingPayloads})


class AcceptsMalformedSettings(SyncEngine):
    """Answers 200 to any settings document; one it cannot read is silently ignored, so nobody learns
    that the settings sent are not the ones in force (breaks SET-1, SET-5 and CON-1: refuse with 422)."""

    def configure(self, settings: dict) -> None:
        try:
            super().configure(settings)
        except SettingsRefused as refused:
            log.info("mutant: ignoring a settings document it cannot read: %s", refused)


class _OrdersForgettingUnsureCreates(Orders):
    """Never looks for a create whose answer was lost: a crash after HubSpot applied it makes it twice."""

    def _lookup(self, ctx: Context, refs: list[tuple[str, str]]) -> dict[tuple[str, str], str]:
        return {}

    def _ripe(self, ctx: Context, refs: list[tuple[str, str]]) -> tuple[list[tuple[str, str]], set]:
        return [], set()


class DuplicatesAfterCrash(SyncEngine):
    """Creates orders again after a crash between HubSpot's commit and its own record of it (breaks ORD-2:
    one HubSpot order per Shopify order)."""

    def __init__(self, transport=None, state_dir=None) -> None:
        super().__init__(transport, state_dir)
        _swap(self, {Orders: _OrdersForgettingUnsureCreates})


# ---------------------------------------------------------------------- the catalogue

_Z = "tests.mutants.zoo:"

# import name -> the requirements it breaks (each must be named failing by the suite).
MUTANTS: dict[str, tuple[str, ...]] = {
    _Z + "DeletesCustomersOnContactArchive": ("CNT-3",),
    _Z + "DeletesCustomersThroughRest": ("CNT-3",),
    _Z + "IgnoresThrottled": ("LAT-3",),
    _Z + "CaseSensitiveEmailMatch": ("CNT-1",),
    _Z + "SyncsEmaillessCustomers": ("CNT-2",),
    _Z + "ArchivesContactOnCustomerDelete": ("CNT-4",),
    _Z + "EchoesOwnWrites": ("CNT-6",),
    _Z + "RefreshesWhenIdle": ("CNT-6",),
    _Z + "SkipsInitialSync": ("SET-2",),
    _Z + "LosesStateOnRestart": ("CON-1",),
    _Z + "LeaksToOtherShops": ("CON-2",),
    _Z + "IgnoresUninstall": ("CON-3",),
    _Z + "IgnoresOpsHubTier": ("CON-4",),
    _Z + "IgnoresSwitchOff": ("SET-3",),
    _Z + "WebhookOnly": ("LAT-3",),
    _Z + "PollsEvery15Minutes": ("LAT-3",),
    _Z + "DozesWhenIdle": ("LAT-3",),
    _Z + "UsesWallClock": ("LAT-3",),
    _Z + "IgnoresRetryAfter": ("LAT-3",),
    _Z + "KeepsProductOnShopifyDelete": ("PRD-2",),
    _Z + "DeletesProductOnHubSpotArchive": ("PRD-3",),
    _Z + "RemakesSharedProductAfterDelete": ("PRD-2",),
    _Z + "CreatesProductsInsteadOfMatching": ("PRD-1",),
    _Z + "SyncsVariantsAsProducts": ("PRD-5",),
    _Z + "KeepsRemovedLineItems": ("PRD-4",),
    _Z + "WritesOrdersToShopify": ("ORD-1",),
    _Z + "OrdersWithoutContact": ("ORD-2",),
    _Z + "CartNotLinkedToOrder": ("CRT-4",),
    _Z + "ArchivesCompanyOnShopifyDelete": ("CMP-4",),
    _Z + "NamesCompaniesByDomain": ("CMP-1",),
    _Z + "AcceptsForgedWebhooks": ("PRD-2", "LAT-1"),
    _Z + "TrustsWebhookPayloads": ("CNT-1", "LAT-3"),
    _Z + "AcceptsMalformedSettings": ("SET-1", "SET-5", "CON-1"),
    _Z + "DuplicatesAfterCrash": ("ORD-2",),
}

# import name -> the `--only` selection that must catch it (ids, sections or scenario ids).
SELECTIONS: dict[str, str] = {
    _Z + "DeletesCustomersOnContactArchive": "CNT-3",
    _Z + "DeletesCustomersThroughRest": "CNT-3",
    _Z + "IgnoresThrottled": "LAT-3/latency-under-faults",
    _Z + "CaseSensitiveEmailMatch": "CNT-1/customer-matches-existing-contact,CNT-1/contact-matches-existing-customer",
    _Z + "SyncsEmaillessCustomers": "CNT-2",
    _Z + "ArchivesContactOnCustomerDelete": "CNT-4",
    _Z + "EchoesOwnWrites": "CNT-6",
    _Z + "RefreshesWhenIdle": "LAT-1/quiet-store",
    _Z + "SkipsInitialSync": "SET-2/initial-then-incremental",
    _Z + "LosesStateOnRestart": "CON-1/oauth-install",
    _Z + "LeaksToOtherShops": "CON-2",
    _Z + "IgnoresUninstall": "CON-3",
    _Z + "IgnoresOpsHubTier": "CON-4",
    _Z + "IgnoresSwitchOff": "SET-3",
    _Z + "WebhookOnly": "LAT-3/latency-without-webhooks",
    _Z + "PollsEvery15Minutes": "LAT-3/latency-without-webhooks",
    _Z + "DozesWhenIdle": "LAT-3/latency-without-webhooks,LAT-3/change-after-quiet-hours",
    _Z + "UsesWallClock": "LAT-3/latency-without-webhooks",
    _Z + "IgnoresRetryAfter": "LAT-3/latency-under-faults",
    _Z + "KeepsProductOnShopifyDelete": "PRD-2",
    _Z + "DeletesProductOnHubSpotArchive": "PRD-3",
    _Z + "RemakesSharedProductAfterDelete": "PRD-2/shared-product-deleted-in-one-shop",
    _Z + "CreatesProductsInsteadOfMatching": "PRD-1/product-matched-by-name",
    _Z + "SyncsVariantsAsProducts": "PRD-5",
    _Z + "KeepsRemovedLineItems": "PRD-4",
    _Z + "WritesOrdersToShopify": "ORD-1",
    _Z + "OrdersWithoutContact": "ORD-2/order-with-associations",
    _Z + "CartNotLinkedToOrder": "CRT-4",
    _Z + "ArchivesCompanyOnShopifyDelete": "CMP-4",
    _Z + "NamesCompaniesByDomain": "CMP-1/domain-only-company-waits-for-a-name",
    _Z + "AcceptsForgedWebhooks": "PRD-2/forged-shopify-product-change,CNT-5/stale-hubspot-webhook",
    _Z + "TrustsWebhookPayloads": "CNT-1/forged-shopify-unknown-customer,LAT-3/replayed-old-webhooks",
    _Z + "AcceptsMalformedSettings": "SET-1/malformed-settings-refused,SET-5/one-way-mapping-directions-refused,"
                                     "CON-1/bad-shop-domain-refused",
    _Z + "DuplicatesAfterCrash": "LAT-3/crash-inside-ticks",
}
