"""Throughput of the fakes for a list and a create call, in-process and over HTTP, beside moto's server.

moto is the well-known Flask-based AWS fake; its SQS ListQueues / CreateQueue over HTTP are the
comparable list and create calls. Target (issue 8): the fakes over HTTP at least at moto's rate.
"""

from __future__ import annotations

import httpx

from benchmarks.timing import measure
from fakes.clock import SimClock
from fakes.hubspot.app import create_app as create_hubspot_app
from fakes.hubspot.demo import add_demo_portal
from fakes.hubspot.store import HubSpotStore
from fakes.serving import serve_in_thread
from fakes.shopify.app import create_app as create_shopify_app
from fakes.shopify.demo import add_demo_shop
from fakes.shopify.store import ShopifyStore
from harness.adapters import free_port

SHOP = "/shops/demo/admin/api/2024-10"
SQS_AUTH = ("AWS4-HMAC-SHA256 Credential=test/20310106/us-east-1/sqs/aws4_request, SignedHeaders=host, "
            "Signature=0000")


def _shopify_app():
    store = ShopifyStore(SimClock())
    add_demo_shop(store)
    store.shops["demo"].plan = "unlimited"  # measure the server, not the leaky bucket
    for i in range(200):
        store.create_customer("demo", {"email": f"seed{i}@example.com", "first_name": "Seed"})
    return create_shopify_app(store)


def _hubspot_app():
    store = HubSpotStore(SimClock())
    add_demo_portal(store)
    store.set_tier(62515, tier="enterprise")
    store.portals[62515].api_limit_increase = True
    for i in range(200):
        store.marketer_create(62515, "contacts", {"email": f"seed{i}@example.com"})
    return create_hubspot_app(store)


def _shopify_ops(client: httpx.Client, tag: str):
    headers = {"X-Shopify-Access-Token": "shpat_demo"}

    def list_call(i: int) -> None:
        client.get(f"{SHOP}/customers.json", params={"limit": 50}, headers=headers).raise_for_status()

    def create_call(i: int) -> None:
        client.post(f"{SHOP}/customers.json", json={"customer": {"email": f"{tag}{i}@example.com"}},
                    headers=headers).raise_for_status()
    return list_call, create_call


def _hubspot_ops(client: httpx.Client, tag: str, clock: SimClock | None = None):
    headers = {"Authorization": "Bearer pat-na1-demo"}

    def list_call(i: int) -> None:
        response = client.get("/crm/v3/objects/contacts", params={"limit": 50}, headers=headers)
        if response.status_code == 429 and clock is not None:
            clock.advance(10)
            return
        response.raise_for_status()

    def create_call(i: int) -> None:
        response = client.post("/crm/v3/objects/contacts", json={"properties": {"email": f"{tag}{i}@example.com"}},
                               headers=headers)
        if response.status_code == 429 and clock is not None:
            clock.advance(10)
            return
        response.raise_for_status()
    return list_call, create_call


def _moto_ops(client: httpx.Client):
    headers = {"Authorization": SQS_AUTH, "Content-Type": "application/x-www-form-urlencoded"}

    def list_call(i: int) -> None:
        client.post("/", content="Action=ListQueues&Version=2012-11-05", headers=headers).raise_for_status()

    def create_call(i: int) -> None:
        client.post("/", content=f"Action=CreateQueue&QueueName=bench-{i}&Version=2012-11-05",
                    headers=headers).raise_for_status()
    return list_call, create_call


def run(seconds: float = 2.0) -> list[dict]:
    """Measure every case; returns rows of {case, transport, call, per_second}."""
    rows: list[dict] = []
    # The HubSpot fake's rolling rate limit runs on its simulated clock; the bench moves that clock on a 429
    # so the measurement is of the server, with the limiter still in the path.
    for fake, make_app, ops in (("shopify", _shopify_app, _shopify_ops), ("hubspot", _hubspot_app, _hubspot_ops)):
        app = make_app()
        clock = app.extensions["hubspot"].clock if fake == "hubspot" else None
        with httpx.Client(transport=httpx.WSGITransport(app=app), base_url="http://fake") as client:
            calls = ops(client, "inproc") if fake == "shopify" else ops(client, "inproc", clock)
            for name, call in zip(("list", "create"), calls, strict=True):
                rows.append({"fake": fake, "transport": "in-process", "call": name,
                             "per_second": measure(call, seconds).per_second})
        served = make_app()
        server = serve_in_thread(served)
        try:
            served_clock = served.extensions["hubspot"].clock if fake == "hubspot" else None
            with httpx.Client(base_url=server.url, trust_env=False) as client:
                calls = ops(client, "http") if fake == "shopify" else ops(client, "http", served_clock)
                for name, call in zip(("list", "create"), calls, strict=True):
                    rows.append({"fake": fake, "transport": "http (waitress)", "call": name,
                                 "per_second": measure(call, seconds).per_second})
        finally:
            server.stop()
    try:
        from moto.server import ThreadedMotoServer
    except ImportError:
        return rows
    port = free_port()
    moto = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    moto.start()
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", trust_env=False) as client:
            for name, call in zip(("list", "create"), _moto_ops(client), strict=True):
                rows.append({"fake": "moto (sqs)", "transport": "http (werkzeug)", "call": name,
                             "per_second": measure(call, seconds).per_second})
    finally:
        moto.stop()
    return rows
