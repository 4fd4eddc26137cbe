"""World: one SimClock, both fakes, one seed, a fault schedule, webhook delivery and the audit log.

The world boots in-process (the fakes reached through an httpx transport, no sockets) or in process
mode (each fake on a waitress server on 127.0.0.1). It steps simulated time tick by tick: at each
tick it delivers the webhooks that are due, then asks the implementation to do its due work.
"""

from __future__ import annotations

import contextlib
import json
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

import httpx

from fakes.audit import AuditEntry, AuditLog
from fakes.clock import DEFAULT_START, SimClock
from fakes.hubspot.app import create_app as create_hubspot_app
from fakes.hubspot.store import HubSpotStore
from fakes.outbox import Delivery, Outbox
from fakes.serving import RunningServer, serve_in_thread
from fakes.shopify.app import create_app as create_shopify_app
from fakes.shopify.store import ShopifyStore
from harness.adapters import Environment, Health, Implementation, ImplementationError, SettingsReply, TickReply
from harness.faults import FaultSchedule, seconds_between
from harness.interception import HUBSPOT_HOST as HUBSPOT_REAL_HOST
from harness.interception import Interceptor
from harness.settings import OBJECT_TYPES, settings_problems
from harness.snapshots import check_world_snapshot, load_fakes, snapshot_world
from harness.tenants import SHOPIFY_APP, PortalTenant, ShopTenant, derived_secret, install_shop, open_portal
from harness.wiring import FaultMiddleware, RoutingTransport, SimulatedCrash

SHOPIFY_HOST = "shopify.sim"
HUBSPOT_HOST = "hubspot.sim"
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
MIN_WAKE = timedelta(seconds=1)  # the soonest the world steps again at an implementation's request

# Vendor retry schedules for failed webhook deliveries (docs/vendor-behaviour.md §2.1: Shopify 8 tries over 4 h;
# §4.2: HubSpot 10 tries over 24 h). Seconds after the previous attempt.
RETRY_DELAYS = {
    "shopify": (60, 120, 300, 600, 1200, 2400, 4800),
    "hubspot": (60, 300, 900, 1800, 3600, 7200, 14400, 21600, 36000),
}


@dataclass
class DeliveryRecord:
    """One webhook attempt as the world carried it (for latency and reliability figures)."""

    at: datetime
    source: str
    topic: str
    event_id: str
    status: int | None
    fault: str | None = None
    injected: str | None = None  # a delivery the harness built itself: "forged", "stale", "replayed"...


@dataclass
class WorldStats:
    """Counters the report reads: webhooks carried and faulted, ticks, implementation errors."""

    ticks: int = 0
    deliveries: list[DeliveryRecord] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    crashes_in_tick: int = 0  # kills the harness made in the middle of a tick or a webhook handler


class World:
    """The simulated world of one run."""

    def __init__(self, seed: int = 0, *, mode: str = "inprocess", faults: FaultSchedule | None = None,
                 start: datetime = DEFAULT_START, tick: timedelta = timedelta(seconds=30),
                 workdir: Path | None = None, intercept: bool = False) -> None:
        if mode not in ("inprocess", "process"):
            raise ValueError("mode is 'inprocess' or 'process'")
        if intercept and mode != "process":
            raise ValueError("host interception needs process mode: an implementation in its own process")
        self.seed = seed
        self.mode = mode
        self.tick_length = tick
        self.clock = SimClock(start)
        self.audit = AuditLog()
        self.faults = faults or FaultSchedule(seed=seed)
        self.faults.seed = seed if faults is None else self.faults.seed
        self.shopify = ShopifyStore(self.clock, Outbox())
        self.hubspot = HubSpotStore(self.clock, Outbox())
        self._servers: list[RunningServer] = []
        self.transport: httpx.BaseTransport | None = None
        self._crash_countdown = 0
        self._crash_writes_only = False
        self._crash_pending = False
        self._wake_at: datetime | None = None  # the implementation's own next wake-up, when before the next tick
        self._mount_fakes()
        # The real vendor hosts routed to the fakes through a proxy with the run's CA (harness/interception.py).
        self.interceptor = Interceptor(self.hubspot_url, self.shopify_url) if intercept else None
        self._workdir = workdir
        self._tmp: tempfile.TemporaryDirectory | None = None
        self.implementation: Implementation | None = None
        self.health: Health | None = None
        self.stats = WorldStats()
        self.on_tick: list[Callable[[datetime], None]] = []
        self.shops: list[ShopTenant] = []
        self.portal: PortalTenant | None = None

    # ------------------------------------------------------------------ plumbing

    def _mount_fakes(self, ports: tuple[int, int] = (0, 0), snapshot: dict | None = None) -> None:
        """Serve the current stores: Flask apps behind the fault middleware, by transport or on waitress.

        With `snapshot`, the stores are filled from it before anything can reach them.
        """
        shopify_app = create_shopify_app(self.shopify, audit=self.audit)
        hubspot_app = create_hubspot_app(self.hubspot, audit=self.audit)
        start = self.clock.start
        self._middleware = {
            "shopify": FaultMiddleware(shopify_app.wsgi_app, fake="shopify", schedule=self.faults, clock=self.clock,
                                       audit=self.audit, start=start, tenant_of=_shopify_tenant),
            "hubspot": FaultMiddleware(hubspot_app.wsgi_app, fake="hubspot", schedule=self.faults, clock=self.clock,
                                       audit=self.audit, start=start, tenant_of=lambda environ: None),
        }
        shopify_app.wsgi_app = self._middleware["shopify"]  # type: ignore[method-assign]
        hubspot_app.wsgi_app = self._middleware["hubspot"]  # type: ignore[method-assign]
        self.apps = {"shopify": shopify_app, "hubspot": hubspot_app}
        if snapshot is not None:
            load_fakes(self, snapshot)
        if self.mode == "inprocess":
            self.shopify_url, self.hubspot_url = f"http://{SHOPIFY_HOST}", f"http://{HUBSPOT_HOST}"
            if isinstance(self.transport, RoutingTransport):
                # The implementation holds this transport: re-point it rather than replace it.
                self.transport.mount(SHOPIFY_HOST, shopify_app)
                self.transport.mount(HUBSPOT_HOST, hubspot_app)
            else:
                self.transport = RoutingTransport({SHOPIFY_HOST: shopify_app, HUBSPOT_HOST: hubspot_app})
        else:
            for middleware in self._middleware.values():
                middleware.in_process = False
            shopify_server = serve_in_thread(shopify_app, port=ports[0])
            hubspot_server = serve_in_thread(hubspot_app, port=ports[1])
            self._servers = [shopify_server, hubspot_server]
            self.shopify_url, self.hubspot_url = shopify_server.url, hubspot_server.url
            self.transport = None

    def snapshot(self) -> dict:
        """Both fakes' whole state, the clock's instant and the tenants, as one JSON-ready document."""
        return snapshot_world(self)

    def restore(self, document: dict) -> None:
        """Stop both fakes and start them again from `document` (a `snapshot()`), on the same addresses.

        New stores, new apps and, in process mode, new waitress servers on the ports the old ones had:
        a vendor that restarts keeps its host name, and the implementation was told the URLs once.
        The audit log, the fault schedule and the implementation are the world's and carry on.
        """
        check_world_snapshot(document)
        ports = (self._servers[0].port, self._servers[1].port) if len(self._servers) == 2 else (0, 0)
        for server in self._servers:
            server.kill()
        self._servers = []
        listeners = self.shopify.on_change
        self.shopify = ShopifyStore(self.clock, Outbox())
        self.shopify.on_change = listeners
        self.hubspot = HubSpotStore(self.clock, Outbox())
        self._mount_fakes(ports, snapshot=document)

    def restart_fakes_from_snapshot(self) -> dict:
        """Snapshot both fakes, kill them and start them again from the snapshot; returns the snapshot."""
        document = json.loads(json.dumps(self.snapshot()))  # through JSON text, as a file would carry it
        self.restore(document)
        return document

    @property
    def start(self) -> datetime:
        """The instant the world started at."""
        return self.clock.start

    def now(self) -> datetime:
        """Simulated now."""
        return self.clock.now()

    def elapsed(self) -> float:
        """Simulated seconds since the start."""
        return seconds_between(self.clock.start, self.clock.now())

    def client(self, fake: str) -> httpx.Client:
        """An httpx client that reaches a fake the way the implementation does (for harness checks)."""
        base = self.shopify_url if fake == "shopify" else self.hubspot_url
        return httpx.Client(base_url=base, transport=self.transport, trust_env=False, timeout=30)

    def state_dir(self) -> Path:
        """The implementation's state directory (survives restarts within the run)."""
        if self._workdir is None:
            self._tmp = tempfile.TemporaryDirectory(prefix="shopsync-world-")
            self._workdir = Path(self._tmp.name)
        path = self._workdir / "state"
        path.mkdir(parents=True, exist_ok=True)
        return path

    def reset(self) -> None:
        """Back to an empty world at the start instant (fast: property tests reset per example)."""
        self.clock.reset()
        self.shopify.reset()
        self.hubspot.reset()
        self.shopify.outbox.clear()
        self.hubspot.outbox.clear()
        self.audit.clear()
        self.faults.reset()
        self.stats = WorldStats()
        self.shops = []
        self.portal = None
        self.on_tick.clear()
        if self.implementation is not None:
            self.implementation.stop()
            self.implementation = None
        if self._workdir is not None:
            import shutil
            shutil.rmtree(self._workdir / "state", ignore_errors=True)

    def close(self) -> None:
        """Stop the implementation and any servers."""
        if self.implementation is not None:
            self.implementation.stop()
            self.implementation = None
        for server in self._servers:
            server.stop()
        self._servers = []
        if self.interceptor is not None:
            self.interceptor.close()
            self.interceptor = None
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None

    def __enter__(self) -> World:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------ accounts and settings

    def install_shop(self, shop: str, *, plan: str = "basic", currency: str = "USD") -> ShopTenant:
        """Create a shop in `currency` and authorize the sync app in it (the code goes into the settings)."""
        previous, self.audit.phase = self.audit.phase, "harness"
        try:
            tenant = install_shop(self.shopify, shop, self.seed, self.shopify_url, plan=plan, currency=currency,
                                  app=self.apps["shopify"])
        finally:
            self.audit.phase = previous
        self.shops.append(tenant)
        return tenant

    def open_portal(self, *, tier: str = "professional", ops_hub: str = "starter",
                    portal_id: int = 101) -> PortalTenant:
        """Create the HubSpot portal the sync writes to."""
        self.portal = open_portal(self.hubspot, self.seed, portal_id=portal_id, tier=tier, ops_hub=ops_hub)
        return self.portal

    def settings(self, *, objects: dict | None = None, enabled: tuple[str, ...] = OBJECT_TYPES,
                 only_with_email: bool = True, poll_interval: float = 60, shops: list[ShopTenant] | None = None,
                 validate: bool = True) -> dict:
        """A settings document for this world (every object enabled with default mappings unless told)."""
        if self.portal is None:
            raise RuntimeError("open_portal() before settings()")
        if objects is None:
            objects = {name: {"enabled": name in enabled, "mappings": []} for name in OBJECT_TYPES}
            objects["contacts"]["only_with_email"] = only_with_email
        shop_entries = [t.settings_entry() for t in (self.shops if shops is None else shops)]
        hubspot_url = self.hubspot_url
        if self.interceptor is not None:
            # The vendors' own addresses: the proxy routes them to the fakes.
            hubspot_url = f"https://{HUBSPOT_REAL_HOST}"
            shop_entries = [{**entry, "admin_url": f"https://{entry['shop']}.myshopify.com/admin"}
                            for entry in shop_entries]
        document = {
            "contract": "1",
            "hubspot": {"base_url": hubspot_url, "access_token": self.portal.access_token,
                        "portal_id": self.portal.portal_id, "tier": self.portal.tier, "ops_hub": self.portal.ops_hub,
                        "app": {"app_id": self.portal.app_id, "client_secret": self.portal.client_secret,
                                "developer_api_key": self.portal.developer_api_key}},
            "shopify": {"client_id": SHOPIFY_APP, "client_secret": derived_secret(self.seed, "shopify-app"),
                        "admin_origin": self.shopify_url},
            "shops": shop_entries,
            "objects": objects,
            "webhooks": {"shopify": self.webhook_address("shopify"), "hubspot": self.webhook_address("hubspot")},
            "limits": {"poll_interval_seconds": poll_interval},
        }
        if validate:
            problems = settings_problems(document)
            if problems:
                raise ValueError("the harness built an invalid settings document: " + "; ".join(problems))
        return document

    # ------------------------------------------------------------------ the implementation

    def attach(self, implementation: Implementation) -> Health:
        """Start the implementation against this world and remember it."""
        self.implementation = implementation
        env = Environment(self.hubspot_url, self.shopify_url, self.state_dir(), self.transport)
        if self.interceptor is not None:
            env.hubspot_url = f"https://{HUBSPOT_REAL_HOST}"
            extra = getattr(implementation, "extra_env", None)
            if isinstance(extra, dict):
                extra.update(self.interceptor.environment())
        self.health = self._guarded("start", lambda: implementation.start(env))
        if self.health.app_url:
            # The app's configuration in Shopify: where the admin embeds it (MKT-1).
            self.shopify.set_application_url(SHOPIFY_APP, self.health.app_url)
        return self.health

    def webhook_address(self, source: str) -> str:
        """The address the implementation receives `source` webhooks at."""
        base = self.implementation.webhook_base if self.implementation else "https://impl.sim"
        return f"{base}/webhooks/{source}"

    def configure(self, settings: dict) -> SettingsReply:
        """PUT /settings."""
        impl = self._require()
        return self._guarded("configure", lambda: impl.configure(settings), phase="tick")

    def crash_and_restart(self) -> Health:
        """Kill the implementation and start it again on the same state directory."""
        impl = self._require()
        impl.kill()
        self.health = self._guarded("restart", impl.restart)
        return self.health

    def _require(self) -> Implementation:
        if self.implementation is None:
            raise RuntimeError("no implementation attached to the world")
        return self.implementation

    @contextlib.contextmanager
    def acting(self, phase: str) -> Iterator[None]:
        """Calls made meanwhile are the implementation's, in `phase` of the audit log: "app-page" while a
        merchant's browser has its page open (MKT-1), where calls between ticks are otherwise `idle`."""
        previous, self.audit.phase = self.audit.phase, phase
        try:
            yield
        finally:
            self.audit.phase = previous

    def _guarded(self, what: str, call: Callable, phase: str = "tick"):
        previous = self.audit.phase
        self.audit.phase = phase
        try:
            return call()
        except ImplementationError as error:
            self.stats.errors.append(f"{self.now().isoformat()} {what}: {error}")
            raise
        finally:
            self.audit.phase = previous

    # ------------------------------------------------------------------ stepping

    def deliver_due(self) -> int:
        """Carry every webhook that is due now to the implementation; returns how many were attempted."""
        self.shopify.settle_bulk()  # bulk operations that ended by now fire their finish webhook
        now = self.now()
        due = [("shopify", d) for d in self.shopify.outbox.pending(now)] + \
              [("hubspot", d) for d in self.hubspot.outbox.pending(now)]
        due.sort(key=lambda pair: (pair[1].due_at, pair[0], pair[1].seq))
        elapsed = self.elapsed()
        batch: list[tuple[str, Delivery, str | None]] = []
        reorder = False
        for source, delivery in due:
            outbox = self.shopify.outbox if source == "shopify" else self.hubspot.outbox
            fired = {rule.kind: rule for rule in self.faults.webhook_faults(source, delivery.topic, elapsed)}
            if "delay" in fired and delivery.attempts == 0 and not getattr(delivery, "_delayed", False):
                delivery._delayed = True  # type: ignore[attr-defined]
                delivery.due_at = now + timedelta(seconds=fired["delay"].delay)
                self.stats.deliveries.append(DeliveryRecord(now, source, delivery.topic, delivery.event_id, None,
                                                            "delay"))
                continue
            if "drop" in fired:
                outbox.mark_delivered(delivery, now)
                self.stats.deliveries.append(DeliveryRecord(now, source, delivery.topic, delivery.event_id, None,
                                                            "drop"))
                continue
            reorder = reorder or "reorder" in fired
            batch.append((source, delivery, None))
            if "duplicate" in fired:
                batch.append((source, delivery, "duplicate"))
        if reorder:
            batch = self.faults.shuffle(batch, now)
        attempted = 0
        for source, delivery, note in batch:
            attempted += 1
            self._deliver(source, delivery, note)
        return attempted

    def _deliver(self, source: str, delivery: Delivery, note: str | None) -> None:
        impl = self._require()
        now = self.now()
        outbox = self.shopify.outbox if source == "shopify" else self.hubspot.outbox
        try:
            status = self._guarded("webhook", lambda: impl.handle_webhook(source, delivery.headers_at(now),
                                                                          delivery.body), phase="webhook")
        except ImplementationError:
            status = 0
        self.stats.deliveries.append(DeliveryRecord(now, source, delivery.topic, delivery.event_id, status, note))
        if note == "duplicate":
            return
        if 200 <= status < 300:
            outbox.mark_delivered(delivery, now)
            return
        delays = RETRY_DELAYS[source]
        if delivery.attempts < len(delays):
            outbox.reschedule(delivery, now + timedelta(seconds=delays[delivery.attempts]))
        else:
            outbox.mark_delivered(delivery, now)  # the vendor gives up

    def inject_webhook(self, source: str, headers: dict[str, str], body: bytes, *, topic: str, event_id: str = "",
                       kind: str = "injected") -> int:
        """Carry a webhook the harness built (forged, stale, replayed) to the implementation now; its status.

        It takes the path of a vendor's delivery (the same receiver, phase and record in the delivery
        stats, marked with `kind`) but stays out of the outboxes: no vendor stands behind it, so a
        refusal is never retried.
        """
        impl = self._require()
        try:
            status = self._guarded("webhook", lambda: impl.handle_webhook(source, dict(headers), bytes(body)),
                                   phase="webhook")
        except ImplementationError:
            status = 0
        self.stats.deliveries.append(DeliveryRecord(self.now(), source, topic, event_id, status, injected=kind))
        return status

    def crash_inside_tick(self, after_calls: int, *, writes_only: bool = False) -> None:
        """Kill the implementation just after its `after_calls`-th vendor call from now is applied (in a tick
        or a webhook handler, in the middle of a batch if it is one), and start it again on its state.

        With `writes_only`, only calls that change a fake count: the kill lands between a write the vendor
        committed and the implementation's record of it, the moment that duplicates records."""
        self._crash_countdown = max(1, after_calls)
        self._crash_writes_only = writes_only
        for middleware in self._middleware.values():
            middleware.after_call = self._count_down_to_crash

    def _count_down_to_crash(self, environ: dict) -> None:
        path = environ.get("PATH_INFO", "")
        if path.endswith("/oauth/access_token"):
            # A kill between the code exchange and the implementation's record of the token loses the shop
            # for good, at Shopify as here: a code is good once, and only the merchant installing again mints
            # another. No sync can survive it, so the harness never kills there.
            return
        if self._crash_writes_only and (environ.get("REQUEST_METHOD") not in WRITE_METHODS
                                        or path.endswith(("/search", "/batch/read", "/graphql.json"))):
            return
        self._crash_countdown -= 1
        if self._crash_countdown > 0:
            return
        for middleware in self._middleware.values():
            middleware.after_call = None
        self._crash_pending = True
        if self.mode == "inprocess":
            raise SimulatedCrash(f"killed by the harness at {self.now().isoformat()}")
        impl = self._require()
        getattr(impl, "sigkill", impl.kill)()  # over HTTP: the process dies before it reads the answer

    def _recover_from_crash(self) -> None:
        self._crash_pending = False
        self.stats.crashes_in_tick += 1
        impl = self._require()
        impl.kill()
        self.health = self._guarded("restart", impl.restart)

    def step(self) -> TickReply:
        """One tick at the current instant: deliver due webhooks, then tick the implementation."""
        try:
            self.deliver_due()
            impl = self._require()
            now = self.now()
            reply = self._guarded("tick", lambda: impl.tick(now))
        except (SimulatedCrash, ImplementationError) as stopped:
            if not self._crash_pending:
                raise
            if isinstance(stopped, ImplementationError) and self.stats.errors:
                self.stats.errors.pop()  # the process was killed by the harness, not broken by itself
            self._recover_from_crash()
            reply = TickReply(busy=True)
        self.stats.ticks += 1
        self._wake_at = reply.next_wakeup
        for listener in self.on_tick:
            listener(now)
        return reply

    def _next_step(self, length: timedelta, target: datetime) -> datetime:
        """When the next step falls: the next tick, or sooner the wake-up the implementation asked for.

        A real implementation sleeps for a Retry-After of 2 s, not for the harness's tick: waking it only
        every tick would starve it under a 429 storm that no real deployment would find hard (LAT-3).
        A wake-up is honoured at least MIN_WAKE after now, so an implementation cannot spin the world."""
        step_to = min(self.now() + length, target)
        wake = self._wake_at
        if wake is not None and self.now() < wake < step_to:
            step_to = min(max(wake, self.now() + MIN_WAKE), step_to)
        return step_to

    def advance(self, duration: timedelta | float = 0, tick: timedelta | None = None) -> TickReply:
        """Move time forward by `duration`, one tick at a time (sooner when the implementation asks), stepping
        at each."""
        length = tick or self.tick_length
        total = duration if isinstance(duration, timedelta) else timedelta(seconds=float(duration))
        target = self.now() + total
        reply = TickReply()
        while self.now() < target:
            self.clock.advance(self._next_step(length, target) - self.now())
            reply = self.step()
        return reply

    def pending_deliveries(self) -> list[Delivery]:
        """Webhooks not yet carried (due or not)."""
        return self.shopify.outbox.pending() + self.hubspot.outbox.pending()

    def advance_until_quiet(self, *, quiet_for: timedelta = timedelta(minutes=3), limit: timedelta = timedelta(hours=6),
                            tick: timedelta | None = None) -> timedelta:
        """Tick until nothing is pending and the implementation wrote nothing for `quiet_for`.

        Idle stretches are jumped: when the implementation names its next wake-up and no webhook is
        due before it, the clock goes straight there. Returns the simulated time spent.
        """
        length = tick or self.tick_length
        began = self.now()
        quiet_since = self.now()
        seen = len(self.audit)
        while self.now() - began < limit:
            pending = self.pending_deliveries()
            next_due = min((d.due_at for d in pending), default=None)
            self.clock.advance(self._next_step(length, self.now() + length) - self.now())
            reply = self.step()
            fresh = self.audit.since(seen)
            seen += len(fresh)
            if reply.busy or any(_is_write(e) for e in fresh) or any(d.due_at <= self.now() for d in pending):
                quiet_since = self.now()
                continue
            if self.now() - quiet_since >= quiet_for and not self.pending_deliveries():
                break
            wake = reply.next_wakeup
            if wake is not None and wake > self.now() + length:
                horizon = min([wake] + ([next_due] if next_due and next_due > self.now() else []))
                jump = horizon - self.now() - length
                if jump > timedelta(0):
                    self.clock.advance(jump)
        return self.now() - began

    # ------------------------------------------------------------------ queries for the judge

    def writes(self, fake: str | None = None) -> list[AuditEntry]:
        """Every write request seen by the fakes (optionally one fake's)."""
        return self.audit.entries(lambda e: _is_write(e) and (fake is None or e.fake == fake))


def _is_write(entry: AuditEntry) -> bool:
    """Whether a request could change a fake's state (reads sent as POST do not)."""
    if entry.method not in WRITE_METHODS or entry.read_only or entry.refused:
        return False
    return not (entry.path.endswith("/search") or entry.path.endswith("/batch/read"))


def _shopify_tenant(environ: dict) -> str | None:
    path = environ.get("PATH_INFO", "")
    if path.startswith("/shops/"):
        return path.split("/")[2] or None
    host = environ.get("HTTP_HOST", "").split(":")[0]
    return host[: -len(".myshopify.com")] if host.endswith(".myshopify.com") else None
