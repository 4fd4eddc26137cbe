"""SyncEngine: the reference implementation of the process contract (configure, tick, handle_webhook).

Each tick runs every enabled object stream in dependency order (contacts, companies and products
before the carts and orders that point at them). A stream that must wait (rate limit, 5xx, broken
connection) stops where it is; what it finished is recorded, the rest is retried at a later tick.
The only clock is the `now` each tick is given.
"""

from __future__ import annotations

import hashlib
import logging
import random
from datetime import datetime
from pathlib import Path

import httpx
from flask import Flask

from reference.app_page import AppPage
from reference.clients.http import Deferred, Unauthorized, VendorError
from reference.clients.hubspot import HubSpotClient
from reference.clients.shopify import ShopClient, exchange_code
from reference.objects.carts import Carts
from reference.objects.companies import Companies
from reference.objects.contacts import Contacts
from reference.objects.context import Context
from reference.objects.orders import Orders
from reference.objects.products import Products
from reference.refusals import Refusals
from reference.settings import OBJECT_TYPES, Settings, SettingsRefused, parse_settings
from reference.state import State
from reference.webhooks import SHOPIFY_TOPICS, UNINSTALLED, Rejected, hubspot_events, shopify_events

__all__ = ["SettingsRefused", "SyncEngine"]
VERSION = "0.1.0"
CAPABILITIES = ["contacts", "companies", "products", "orders", "carts", "webhooks", "custom-mappings", "multi-shop",
                "status", "shopify-app-page"]
log = logging.getLogger("reference")
FIRST = ("contacts", "companies", "products")  # what orders and carts point at
LAST = ("carts", "orders")


class SyncEngine:
    """The reference sync engine; state in `state_dir` (SQLite) or in memory."""

    page_class = AppPage  # the page the Shopify admin embeds (MKT-1)

    def __init__(self, transport: httpx.BaseTransport | None = None, state_dir: Path | None = None) -> None:
        self.transport = transport
        if state_dir is not None:
            Path(state_dir).mkdir(parents=True, exist_ok=True)
        self.state = State(Path(state_dir) / "reference.sqlite3" if state_dir is not None else None)
        # Jitter of retries only; seeded so a run replays exactly (HAR-1).
        self.rng = random.Random(self.state.get("seed", 0))
        self.streams = [Contacts(), Companies(), Products(), Carts(), Orders()]
        self.settings: Settings | None = None
        self.hubspot: HubSpotClient | None = None
        self.shops: dict[str, ShopClient] = {}
        self.now: datetime | None = None
        latest = self.state.get("latest_now")
        self.latest_now = datetime.fromisoformat(latest) if latest else None
        self._app_page: AppPage | None = None
        saved = self.state.get("settings")
        if saved is not None:  # after a restart, the last accepted settings are in force until new ones come
            self._install(parse_settings(saved))

    # ------------------------------------------------------------------ the contract

    def health(self) -> dict:
        """`GET /health`."""
        return {"contract": "1", "implementation": "reference", "version": VERSION, "capabilities": CAPABILITIES}

    def configure(self, settings: dict) -> None:
        """`PUT /settings`: validate and take the new document; SettingsRefused keeps the old one (CON-4)."""
        new = parse_settings(settings)
        old = self.settings
        with self.state.transaction():
            for name in OBJECT_TYPES:
                entry, before = new.objects.get(name), old.objects.get(name) if old else None
                if entry is None:
                    self.state.delete_prefix(f"cursor:{name}:")  # SET-4: a sync made again starts over
                elif before is not None and before.fingerprint() != entry.fingerprint():
                    self.state.delete_prefix(f"cursor:{name}:")  # new filter or mappings: a full pass applies them
            self.state.put("settings", settings)
        self._install(new)

    def tick(self, now: datetime) -> dict:
        """Do all work that is due at `now`; `{"busy": ..., "next_wakeup": ...}`."""
        self.now = self.latest_now = now
        self.state.put("latest_now", now.isoformat())
        if self.settings is None or self.hubspot is None:
            return {"busy": False, "next_wakeup": None}
        ctx = Context(now, self.settings, self.state, self.hubspot, {}, self.rng)
        busy = False
        try:
            self._connect(ctx)
        except Deferred as deferred:
            ctx.wake(deferred.until)
            busy = True
        ctx.shops = {name: client for name, client in self.shops.items() if self._live(name)}
        arrived = self.state.last_event()  # events after this one arrived during the tick: the next one's
        if arrived > self.state.get("seen_event", 0):
            ctx.saw_changes()
            self.state.put("seen_event", arrived)
        self._uninstalls(ctx)
        for stream in self._in_turn():
            if not self.settings.enabled(stream.name):
                continue
            try:
                stream.run(ctx)
            except Deferred as deferred:
                log.info("%s: %s", stream.name, deferred)
                ctx.wake(deferred.until)
                busy = True
            except Unauthorized as lost:
                self._lost(ctx, lost)
                busy = True
        # Records held back on purpose (waiting for what they point at) are work left, though none is due.
        busy = busy or any(stream.holding(ctx) for stream in self.streams if self.settings.enabled(stream.name))
        try:
            self._subscribe_shops(ctx)
        except Deferred as deferred:
            ctx.wake(deferred.until)
            busy = True
        # Events of object types that are off are dropped: switching on again polls from the cursor (SET-3).
        wanted = tuple(p for s in self.streams if self.settings.enabled(s.name) for p in s.prefixes)
        self.state.done_through(wanted, arrived, keep=True)
        upcoming = sorted(w for w in ctx.wakeups if w > now)
        wake = upcoming[0] if upcoming else None
        return {"busy": busy, "next_wakeup": wake.isoformat().replace("+00:00", "Z") if wake else None}

    def status(self) -> dict:
        """`GET /status`: the records HubSpot refuses to take, of the objects synced and the shops connected."""
        if self.settings is None:
            return {"errors": []}
        synced = [stream.name for stream in self.streams if self.settings.enabled(stream.name)]
        return {"errors": [refusal.as_status() for refusal in Refusals(self.state).all(synced)
                           if self._live(refusal.shop)]}

    def app_page(self) -> Flask:
        """The page the Shopify admin embeds (MKT-1), as a WSGI application (reference/app_page.py)."""
        if self._app_page is None:
            self._app_page = self.page_class(lambda: self.settings, self.state, lambda: self.now or self.latest_now,
                                     self.transport)
        return self._app_page.wsgi

    def handle_webhook(self, source: str, headers: dict[str, str], body: bytes) -> int:
        """`POST /webhooks/{source}`: verify, dedupe, persist (before answering 200), act at the next tick."""
        settings = self.settings
        if settings is None:
            return 503
        try:
            if source == "shopify":
                domains = {s.domain.lower(): s.shop for s in settings.shops}
                events = shopify_events(headers, body, settings.shopify_secret, domains)
            elif source == "hubspot" and settings.app_secret and settings.webhook_hubspot:
                events = hubspot_events(headers, body, settings.app_secret, settings.webhook_hubspot, self.latest_now)
            else:
                return 404
        except Rejected as rejected:
            log.warning("webhook from %s rejected: %s", source, rejected)
            return rejected.status
        for event in events:
            self.state.accept(event.source, event.shop, event.topic, event.body, [event.event_id], event.at)
        return 200

    def close(self) -> None:
        """Release clients and the database."""
        for client in [*self.shops.values(), *([self.hubspot] if self.hubspot else [])]:
            client.close()
        self.state.close()

    # ------------------------------------------------------------------ inside

    def _clock(self) -> datetime:
        if self.now is None:
            raise RuntimeError("no tick yet: the engine has no clock")
        return self.now

    def _install(self, settings: Settings) -> None:
        """Build the vendor clients for a settings document."""
        for client in [*self.shops.values(), *([self.hubspot] if self.hubspot else [])]:
            client.close()
        self.settings = settings
        self.hubspot = HubSpotClient(settings.hubspot_url, settings.hubspot_token, self.transport, self._clock,
                                     self.rng)
        self.shops = {}
        for shop in settings.shops:
            token = shop.access_token or self.state.get(f"token:{shop.shop}:{shop.credential_key}")
            if token:
                self.shops[shop.shop] = ShopClient(shop, token, self.transport, self._clock, self.rng)

    def _in_turn(self) -> list:
        """This tick's order of the streams: what others point at first, and the streams of one rank taking turns
        to go first. One vendor budget serves every stream, and a stream whose call fails blocks it for the
        rest (Retry-After, backoff): under a long 429 or 5xx storm a stream that always came last would never
        be reached (LAT-3)."""
        turn = int(self.state.get("turn", 0))
        self.state.put("turn", turn + 1)
        ranked: list = []
        for rank in (FIRST, LAST):
            group = [stream for stream in self.streams if stream.name in rank]
            shift = turn % len(group) if group else 0
            ranked += group[shift:] + group[:shift]
        return ranked + [stream for stream in self.streams if stream not in ranked]

    def _live(self, shop: str) -> bool:
        entry = next((s for s in self.settings.shops if s.shop == shop), None) if self.settings else None
        return entry is not None and not self.state.get(f"uninstalled:{shop}:{entry.credential_key}")

    def _connect(self, ctx: Context) -> None:
        """CON-1: exchange each new OAuth code once; subscribe HubSpot's webhooks once per set of topics."""
        assert self.settings is not None and self.hubspot is not None
        for shop in self.settings.shops:
            if shop.shop not in self.shops and shop.authorization_code and self._live(shop.shop):
                try:
                    token = exchange_code(shop, self.settings.shopify_client_id, self.settings.shopify_secret,
                                          self.transport)
                except (httpx.TransportError, VendorError) as error:
                    log.warning("OAuth exchange for %s failed: %s", shop.shop, error)
                    continue
                self.state.put(f"token:{shop.shop}:{shop.credential_key}", token)
                self.shops[shop.shop] = ShopClient(shop, token, self.transport, self._clock, self.rng)
        s = self.settings
        if s.app_id and s.developer_api_key and s.webhook_hubspot:
            wanted = sorted({(f"{stream.hubspot_prefix}{action}", None) for stream in self.streams
                             if stream.hubspot_prefix for action in ("creation", "deletion")} |
                            {(f"{stream.hubspot_prefix}propertyChange", m.hubspot_property)
                             for stream in self.streams if stream.hubspot_prefix
                             for m in s.mappings(stream.name)}, key=lambda w: (w[0], w[1] or ""))
            digest = hashlib.sha256(repr(wanted).encode()).hexdigest()[:12]
            marker = f"hooks:hubspot:{s.app_id}:{s.webhook_hubspot}:{digest}"
            if not self.state.get(marker):
                try:
                    self.hubspot.ensure_webhooks(s.app_id, s.developer_api_key, s.webhook_hubspot, wanted)
                except VendorError as error:
                    log.warning("HubSpot webhook subscription failed: %s", error)
                self.state.put(marker, True)

    def _subscribe_shops(self, ctx: Context) -> None:
        """Subscribe each shop's webhooks: app/uninstalled at once (CON-3), and an object type's topics once
        its first pass over the shop is done. Until then a poll sees every change anyway, and the
        subscriptions would spend the REST bucket the backlog is being read with."""
        assert self.settings is not None
        address = self.settings.webhook_shopify
        for shop in self.settings.shops:
            client = ctx.shops.get(shop.shop)
            if client is None or not address:
                continue
            topics = [UNINSTALLED, *(topic for stream in self.streams if self.settings.enabled(stream.name)
                                     and self.state.get(f"cursor:{stream.name}:{shop.shop}") is not None
                                     for topic in SHOPIFY_TOPICS.get(stream.name, []))]
            digest = hashlib.sha256(repr(topics).encode()).hexdigest()[:12]
            marker = f"hooks:shopify:{shop.shop}:{shop.credential_key}:{address}:{digest}"
            if self.state.get(marker):
                continue
            try:
                client.subscribe_webhooks(address, topics)
            except Unauthorized as lost:
                self._lost(ctx, lost)
                continue
            self.state.put(marker, True)

    def _uninstalls(self, ctx: Context) -> None:
        """CON-3: `app/uninstalled` stops all traffic to the shop; HubSpot records stay."""
        done = []
        for event in self.state.inbox((UNINSTALLED,)):
            done.append(event.seq)
            if event.shop:
                self._forget_shop(ctx, event.shop)
        self.state.done(done)

    def _lost(self, ctx: Context, error: Unauthorized) -> None:
        api = getattr(error, "api", None)
        if isinstance(api, ShopClient):
            log.warning("shop %s answered 401: treating it as uninstalled", api.shop.shop)
            self._forget_shop(ctx, api.shop.shop)
        else:
            log.error("HubSpot answered 401: %s", error)

    def _forget_shop(self, ctx: Context, shop: str) -> None:
        entry = next((s for s in self.settings.shops if s.shop == shop), None) if self.settings else None
        if entry is not None:
            self.state.put(f"uninstalled:{shop}:{entry.credential_key}", True)
        ctx.shops.pop(shop, None)

    def __repr__(self) -> str:  # pragma: no cover - debugging aid
        return f"SyncEngine(shops={sorted(self.shops)}, now={self.now})"
