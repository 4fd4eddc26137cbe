"""`shopsync trigger`: realistic webhooks from a seeded world, signed as the vendors sign them, verified with the
official SDK's helper where it has one (HubSpot), and with Shopify's documented HMAC otherwise."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest
from hubspot.utils.signature import Signature

from scenarios import trigger

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def receiver() -> Iterator[tuple[str, list]]:
    """A receiver on 127.0.0.1 that records every request (path, headers, body) and answers 200."""
    got: list = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            got.append((self.path, dict(self.headers), body))
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/hooks", got
    server.shutdown()


def _shopify_valid(secret: str, headers: dict, body: bytes) -> bool:
    digest = base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()
    return hmac.compare_digest(digest, headers["X-Shopify-Hmac-Sha256"])


def test_a_shopify_topic_carries_a_real_record_signed_with_the_secret(receiver) -> None:
    url, got = receiver
    world, deliveries, secret = trigger.build("customers/create", url, seed=3, secret="my-app-secret")
    sent = trigger.send(world, deliveries)
    world.close()
    assert [s.status for s in sent] == [200] and secret == "my-app-secret"
    path, headers, body = got[0]
    assert path == "/hooks" and headers["X-Shopify-Topic"] == "customers/create"
    assert headers["X-Shopify-Shop-Domain"] == "demo.myshopify.com" and headers["X-Shopify-Webhook-Id"]
    assert _shopify_valid("my-app-secret", headers, body) and not _shopify_valid("other", headers, body)
    payload = json.loads(body)
    assert payload["email"] == "triggered.buyer@example.com" and payload["id"] > 0
    assert payload["default_address"]["city"] == "Lyon"


@pytest.mark.parametrize("topic", ["orders/create", "products/update", "customers/delete", "checkouts/create",
                                   "app/uninstalled"])
def test_each_shopify_topic_fires_from_the_seeded_world(topic: str, receiver) -> None:
    url, got = receiver
    world, deliveries, _ = trigger.build(topic, url, seed=1)
    trigger.send(world, deliveries)
    world.close()
    assert [h["X-Shopify-Topic"] for _, h, _ in got] == [topic]


def test_a_hubspot_event_passes_the_sdks_own_signature_check(receiver) -> None:
    url, got = receiver
    world, deliveries, _ = trigger.build("contact.propertyChange", url, seed=2, secret="hub-secret")
    trigger.send(world, deliveries)
    world.close()
    _, headers, body = got[0]
    events = json.loads(body)
    assert events[0]["subscriptionType"] == "contact.propertyChange" and events[0]["propertyName"] == "firstname"
    assert Signature.is_valid(signature=headers["X-HubSpot-Signature-v3"], client_secret="hub-secret",
                              request_body=body.decode(), http_uri=url, http_method="POST",
                              signature_version="v3", timestamp=headers["X-HubSpot-Request-Timestamp"])
    assert Signature.is_valid(signature=headers["X-HubSpot-Signature"], client_secret="hub-secret",
                              request_body=body.decode(), signature_version="v1")


def test_duplicate_sends_the_same_event_twice_and_late_shows_in_the_timestamp(receiver) -> None:
    url, got = receiver
    world, deliveries, _ = trigger.build("contact.creation", url, seed=2)
    at = world.now()
    trigger.send(world, deliveries, duplicate=True, late=600)
    world.close()
    assert len(got) == 2 and got[0][2] == got[1][2]
    stamp = int(got[0][1]["X-HubSpot-Request-Timestamp"])
    assert stamp == int((at.timestamp() + 600) * 1000)
    assert json.loads(got[0][2])[0]["occurredAt"] < stamp - 500_000


def test_the_command_sends_and_reports_and_refuses_an_unknown_topic(receiver) -> None:
    url, got = receiver
    run = subprocess.run([sys.executable, "-m", "scenarios.cli", "trigger", "products/create", "--to", url,
                          "--duplicate"], capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert run.returncode == 0, run.stderr
    assert run.stdout.count("-> " + url + ": 200") == 2 and len(got) == 2
    bad = subprocess.run([sys.executable, "-m", "scenarios.cli", "trigger", "customers/explode", "--to", url],
                         capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert bad.returncode == 2 and "customers/create" in bad.stderr


JS = ROOT / "tests" / "fakes" / "shopify" / "js"
NODE = ("node", "apt-get install nodejs npm, then make js-clients")


def test_a_shopify_topic_passes_the_shopify_librarys_own_webhook_validation() -> None:
    from tests.system_tools import in_ci, require_tool

    node = require_tool(NODE)
    if not (JS / "node_modules" / "@shopify" / "shopify-api").is_dir():
        if in_ci():
            pytest.fail("@shopify/shopify-api is not installed (make js-clients)", pytrace=False)
        pytest.skip("@shopify/shopify-api is not installed: `make js-clients`")
    verifier = subprocess.Popen([node, str(JS / "verify_webhook.mjs"), "lib-secret"], cwd=JS, stdout=subprocess.PIPE,
                                text=True)
    try:
        port = json.loads(verifier.stdout.readline())["port"]
        world, deliveries, _ = trigger.build("orders/create", f"http://127.0.0.1:{port}/webhooks", seed=5,
                                             secret="lib-secret")
        sent = trigger.send(world, deliveries)
        world.close()
        check = json.loads(verifier.stdout.readline())
    finally:
        verifier.kill()
        verifier.wait(timeout=10)
    assert [s.status for s in sent] == [200]
    assert check["valid"] is True and check["topic"] == "ORDERS_CREATE" and check["domain"] == "demo.myshopify.com"
