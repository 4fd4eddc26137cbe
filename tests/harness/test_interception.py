"""Host interception: the official SDKs at their default hosts, and a sync that hard-codes the real hosts, reach
the fakes through the run's proxy and CA; any other host is refused and reported."""

from __future__ import annotations

import json
import ssl
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import shopify
from hubspot import HubSpot

from fakes.audit import AuditLog
from fakes.clock import SimClock
from fakes.hubspot.app import create_app as hubspot_app
from fakes.hubspot.demo import add_demo_portal
from fakes.hubspot.store import HubSpotStore
from fakes.outbox import Outbox
from fakes.serving import serve_in_thread
from fakes.shopify.app import create_app as shopify_app
from fakes.shopify.demo import add_demo_shop
from fakes.shopify.store import ShopifyStore
from harness import World
from harness.interception import Interceptor

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def proxied() -> Iterator[tuple[Interceptor, str, str, AuditLog]]:
    clock, audit = SimClock(), AuditLog()
    hub, shop = HubSpotStore(clock, Outbox()), ShopifyStore(clock, Outbox())
    _, hub_token = add_demo_portal(hub)
    _, shop_token = add_demo_shop(shop)
    servers = serve_in_thread(hubspot_app(hub, audit=audit)), serve_in_thread(shopify_app(shop, audit=audit))
    interceptor = Interceptor(servers[0].url, servers[1].url)
    yield interceptor, hub_token, shop_token, audit
    interceptor.close()
    for server in servers:
        server.stop()


def test_hubspots_sdk_at_its_default_host(proxied) -> None:
    interceptor, token, _, audit = proxied
    # hubspot-api-client does not read HTTPS_PROXY: it takes the proxy and the CA bundle as configuration.
    client = HubSpot(access_token=token, proxy=interceptor.url, ssl_ca_cert=str(interceptor.ca.path))
    assert client.crm.contacts.basic_api.get_page(limit=5).results == []
    assert [(e.fake, e.path) for e in audit.entries()] == [("hubspot", "/crm/v3/objects/contacts")]


def test_shopifyapi_at_the_shops_own_host(proxied, monkeypatch: pytest.MonkeyPatch) -> None:
    interceptor, _, token, audit = proxied
    for name, value in interceptor.environment().items():  # what an intercepted implementation is started with
        monkeypatch.setenv(name, value)
    # urllib builds its global opener (and reads the proxy variables) once, at the process's first urlopen; a
    # process started with them has it right, this test process may have built it before.
    monkeypatch.setattr(urllib.request, "_opener", None)
    session = shopify.Session("https://demo.myshopify.com", "2024-10", token)
    shopify.ShopifyResource.activate_session(session)
    try:
        assert shopify.Shop.current().name == "Demo"
    finally:
        shopify.ShopifyResource.clear_session()
    assert audit.entries()[-1].path == "/admin/api/2024-10/shop.json" and audit.entries()[-1].tenant == "demo"


def test_other_hosts_are_refused_and_remembered(proxied) -> None:
    interceptor = proxied[0]
    context = ssl.create_default_context(cafile=str(interceptor.ca.path))
    with httpx.Client(proxy=interceptor.url, verify=context) as client, pytest.raises(httpx.ProxyError):
        client.get("https://example.com/")
    with httpx.Client(proxy=interceptor.url) as client:
        assert client.get("http://plain.example/").status_code == 403
    assert interceptor.refused == ["example.com:443", "http://plain.example/"]


def test_a_client_without_the_runs_ca_does_not_trust_the_proxy(proxied) -> None:
    interceptor = proxied[0]
    with httpx.Client(proxy=interceptor.url) as client, pytest.raises(httpx.ConnectError):
        client.get("https://api.hubapi.com/account-info/v3/details")


def test_the_world_advertises_the_real_hosts_and_needs_process_mode(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="process mode"):
        World(seed=1, intercept=True)
    world = World(seed=1, mode="process", intercept=True, workdir=tmp_path)
    try:
        world.open_portal()
        world.install_shop("alpha")
        settings = world.settings()
        assert settings["hubspot"]["base_url"] == "https://api.hubapi.com"
        assert settings["shops"][0]["admin_url"] == "https://alpha.myshopify.com/admin"
    finally:
        world.close()


def test_a_sync_that_hard_codes_the_real_hosts_is_judged_unmodified(tmp_path: Path) -> None:
    command = f"{sys.executable} examples/hardcoded_hosts_impl.py"
    run = subprocess.run([sys.executable, "-m", "scenarios.cli", "conform", "--impl-cmd", command,
                          "--intercept-hosts", "--only", "CNT-2/no-email-no-contact", "-n", "1",
                          "--report-dir", str(tmp_path)], capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-2000:]
    document = json.loads((tmp_path / "conformance.json").read_text())
    assert document["run"]["intercept"] is True
    [scenario] = document["scenarios"]
    assert scenario["status"] == "pass"
    assert any("refused" in note and "telemetry.example.com:443" in note for note in scenario["notes"])
