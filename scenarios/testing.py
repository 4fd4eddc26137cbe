"""shopsync in your own tests: a pytest plugin (entry point `pytest11`, loaded once shopsync is installed).

Fixtures:

- `shopify`: the fake Shopify on a real port of 127.0.0.1, reset before each test, with the demo shop and its
  Admin API token (`url`, `shop`, `admin_api`, `graphql_url`, `token`, `headers`); `transport` reaches it in
  process (an httpx transport, no socket); `store` edits it as the merchant would; `seed(...)` fills it.
- `hubspot`: the fake HubSpot likewise (`url`, `portal_id`, `token`, `headers`, `transport`, `store`, `seed`).
  Both share one simulated clock, `clock`, which only moves when a test moves it.
- `sim_world`: a whole simulated world (both fakes, one clock, a portal and shops installed through OAuth,
  faults, webhook delivery) whose webhooks go to a URL or a callable of yours: `deliver_to(target)`.
- `shopsync_sim`: a factory of scenario worlds with your implementation attached, written in the suite's DSL
  (`w.shopify.create_customer(...)`, `w.sync.enable(...)`, `w.settle()`); `shopsync_judge(w)` judges the story
  with the suite's oracle and checks and returns what your implementation broke (empty: it conforms).

Nothing here starts until a test asks for it; a test suite that uses none of it pays nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import httpx
import pytest

SHOPIFY_VERSION = "2026-10"


@dataclass
class _Servers:
    """The fakes of a test session: stores on one clock, their apps, and their waitress servers."""

    clock: Any
    shopify_store: Any
    hubspot_store: Any
    shopify_app: Any
    hubspot_app: Any
    shopify_server: Any
    hubspot_server: Any

    def stop(self) -> None:
        self.shopify_server.stop()
        self.hubspot_server.stop()


@dataclass
class FakeShopify:
    """The fake Shopify of one test."""

    url: str
    shop: str
    token: str
    store: Any
    clock: Any
    transport: httpx.BaseTransport
    client_id: str
    client_secret: str

    @property
    def admin_api(self) -> str:
        """The demo shop's Admin REST base (legacy, but what many syncs still call)."""
        return f"{self.url}/shops/{self.shop}/admin/api/{SHOPIFY_VERSION}"

    @property
    def graphql_url(self) -> str:
        """The demo shop's GraphQL Admin endpoint."""
        return f"{self.admin_api}/graphql.json"

    @property
    def headers(self) -> dict[str, str]:
        """The headers an Admin API call needs."""
        return {"X-Shopify-Access-Token": self.token}

    def client(self, *, in_process: bool = False) -> httpx.Client:
        """An httpx client for the demo shop's Admin API (over 127.0.0.1, or in process with `in_process`)."""
        return httpx.Client(base_url=self.url, headers=self.headers, trust_env=False,
                            transport=self.transport if in_process else None)

    def seed(self, seed: int = 0, *, customers: int = 10, products: int = 5, orders: int = 10,
             checkouts: int = 2) -> None:
        """Fill the demo shop with Faker data, the same for the same seed."""
        from fakes.shopify.seed import SeedPlan, seed_shop

        seed_shop(self.store, self.shop, seed, SeedPlan(customers=customers, products=products, orders=orders,
                                                        checkouts=checkouts))


@dataclass
class FakeHubSpot:
    """The fake HubSpot of one test."""

    url: str
    portal_id: int
    token: str
    store: Any
    clock: Any
    transport: httpx.BaseTransport

    @property
    def headers(self) -> dict[str, str]:
        """The headers a CRM call needs."""
        return {"Authorization": f"Bearer {self.token}"}

    def client(self, *, in_process: bool = False) -> httpx.Client:
        """An httpx client for the portal (over 127.0.0.1, or in process with `in_process`)."""
        return httpx.Client(base_url=self.url, headers=self.headers, trust_env=False,
                            transport=self.transport if in_process else None)

    def seed(self, seed: int = 0, *, contacts: int = 20, companies: int = 5, products: int = 10) -> None:
        """Fill the portal with Faker data, the same for the same seed."""
        self.store.seed(self.portal_id, seed, contacts=contacts, companies=companies, products=products)


@pytest.fixture(scope="session")
def _shopsync_servers() -> Iterator[_Servers]:
    from fakes.clock import SimClock
    from fakes.hubspot.app import create_app as hubspot_app
    from fakes.hubspot.store import HubSpotStore
    from fakes.outbox import Outbox
    from fakes.serving import serve_in_thread
    from fakes.shopify.app import create_app as shopify_app
    from fakes.shopify.store import ShopifyStore

    clock = SimClock()
    shopify_store, hubspot_store = ShopifyStore(clock, Outbox()), HubSpotStore(clock, Outbox())
    apps = shopify_app(shopify_store), hubspot_app(hubspot_store)
    servers = _Servers(clock, shopify_store, hubspot_store, *apps, serve_in_thread(apps[0]),
                       serve_in_thread(apps[1]))
    yield servers
    servers.stop()


def _fresh(servers: _Servers, store: Any) -> None:
    """A fake emptied for the next test, and the shared clock back to its start (each test begins at the same
    simulated instant)."""
    servers.clock.reset()
    store.reset()
    store.outbox.clear()


@pytest.fixture
def shopify(_shopsync_servers: _Servers) -> FakeShopify:
    """The fake Shopify, reset, with the demo shop and its token."""
    from fakes.shopify.demo import DEMO_APP, DEMO_APP_SECRET, add_demo_shop

    servers = _shopsync_servers
    _fresh(servers, servers.shopify_store)
    shop, token = add_demo_shop(servers.shopify_store)
    return FakeShopify(servers.shopify_server.url, shop, token, servers.shopify_store, servers.clock,
                       httpx.WSGITransport(app=servers.shopify_app), DEMO_APP, DEMO_APP_SECRET)


@pytest.fixture
def hubspot(_shopsync_servers: _Servers) -> FakeHubSpot:
    """The fake HubSpot, reset, with the demo portal and its private-app token."""
    from fakes.hubspot.demo import add_demo_portal

    servers = _shopsync_servers
    _fresh(servers, servers.hubspot_store)
    portal_id, token = add_demo_portal(servers.hubspot_store)
    return FakeHubSpot(servers.hubspot_server.url, portal_id, token, servers.hubspot_store, servers.clock,
                       httpx.WSGITransport(app=servers.hubspot_app))


@dataclass
class _WebhookSink:
    """An implementation of the process contract that only hands webhooks on (to a URL or a callable)."""

    target: Any
    received: list[tuple[str, dict[str, str], bytes]] = field(default_factory=list)

    def configure(self, settings: dict) -> None:
        pass

    def tick(self, now: Any) -> dict:
        return {"busy": False, "next_wakeup": None}

    def handle_webhook(self, source: str, headers: dict[str, str], body: bytes) -> int:
        self.received.append((source, headers, body))
        if callable(self.target):
            return int(self.target(source, headers, body) or 200)
        with httpx.Client(trust_env=False, timeout=30) as client:
            return client.post(str(self.target).rstrip("/") + f"/{source}", headers=headers, content=body).status_code


class SimWorld:
    """A simulated world for a test: `world` (harness/world.py) with a portal and shops installed."""

    def __init__(self, world: Any) -> None:
        self.world = world
        self.sink: _WebhookSink | None = None

    @property
    def shopify(self) -> Any:
        """The fake Shopify's store (the merchant's admin)."""
        return self.world.shopify

    @property
    def hubspot(self) -> Any:
        """The fake HubSpot's store (the marketer's UI)."""
        return self.world.hubspot

    @property
    def clock(self) -> Any:
        """The one simulated clock."""
        return self.world.clock

    @property
    def faults(self) -> Any:
        """The fault schedule (API faults by route and window, webhook faults): add rules to it."""
        return self.world.faults

    def settings(self, **kwargs: Any) -> dict:
        """A settings document for this world (the process contract's), e.g. for your own sync's configuration."""
        return self.world.settings(**kwargs)

    def deliver_to(self, target: str | Callable[[str, dict[str, str], bytes], int | None]) -> _WebhookSink:
        """Send every webhook the fakes fire to `target`: a callable (source, headers, body) -> status, or a base
        URL (`{target}/shopify`, `{target}/hubspot` are POSTed). The vendors retry a non-2xx answer."""
        from harness.adapters import InProcess

        self.sink = _WebhookSink(target)
        self.world.attach(InProcess(lambda: self.sink, "webhook-sink"))
        return self.sink

    def advance(self, *, minutes: float = 0, seconds: float = 0, hours: float = 0) -> None:
        """Let simulated time pass tick by tick, delivering the webhooks that fall due."""
        self.world.advance(timedelta(hours=hours, minutes=minutes, seconds=seconds))


@pytest.fixture
def sim_world(tmp_path: Any) -> Iterator[SimWorld]:
    """A simulated world, in process, seed 0, with the portal and the shop `alpha` installed; closed after."""
    from harness import World

    world = World(seed=0, workdir=tmp_path / "shopsync-world")
    world.open_portal()
    world.install_shop("alpha")
    try:
        yield SimWorld(world)
    finally:
        world.close()


@pytest.fixture
def shopsync_sim(tmp_path: Any) -> Iterator[Callable[..., Any]]:
    """`shopsync_sim(implementation, shops=("alpha",), seed=0)`: a scenario world (scenarios/dsl/simulation.py's `Sim`)
    with your implementation attached: a Python factory (in process: `configure`, `tick`, `handle_webhook`) or
    a command speaking the process contract."""
    from harness import World
    from harness.adapters import InProcess, Process
    from scenarios.dsl import Sim, SimOptions

    made: list[Any] = []

    def make(implementation: Any, *, shops: tuple[str, ...] = ("alpha",), seed: int = 0, **options: Any) -> Any:
        if isinstance(implementation, str):
            adapter: Any = Process(implementation, name="implementation")
            mode = "process"
        else:
            adapter, mode = InProcess(implementation), "inprocess"
        world = World(seed=seed, mode=mode, workdir=tmp_path / f"shopsync-sim-{len(made)}")
        made.append(world)
        return Sim(world, adapter, SimOptions(shops=shops, seed=seed, **options))

    yield make
    for world in made:
        world.close()


def judge(sim: Any) -> list[Any]:
    """What the suite holds against the implementation in `sim` after its story (scenarios/runner.py's `judge`):
    evidence of every rule broken, each naming its requirement; empty when it conforms."""
    from scenarios.runner import judge as run_judge

    return run_judge(sim)


@pytest.fixture
def shopsync_judge() -> Callable[[Any], list[Any]]:
    """`shopsync_judge(w)`: judge a scenario world (see `judge`)."""
    return judge
