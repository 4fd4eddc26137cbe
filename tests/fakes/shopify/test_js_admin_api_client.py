"""Shopify's official JS client (`@shopify/admin-api-client`, pinned in tests/fakes/shopify/js/) against the fake
over real HTTP: a node script sends a mutation, a named query with variables and an invalid query, and the
client hands back what Shopify's endpoint would have given it."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from fakes.serving import RunningServer, serve_in_thread
from fakes.shopify.app import create_app
from fakes.shopify.demo import DEMO_TOKEN
from fakes.shopify.store import ShopifyStore
from tests.system_tools import in_ci, require_tool

HERE = Path(__file__).parent / "js"
NODE = ("node", "apt-get install nodejs npm, then make js-clients")


@pytest.fixture
def server(store: ShopifyStore, gql) -> Iterator[RunningServer]:
    running = serve_in_thread(create_app(store))
    yield running
    running.stop()


def test_the_official_js_client_talks_to_the_fake(server, store):
    node = require_tool(NODE)
    if not (HERE / "node_modules" / "@shopify" / "admin-api-client").is_dir():
        message = "the pinned JS client is not installed: run `make js-clients`"
        pytest.fail(message) if in_ci() else pytest.skip(message)
    run = subprocess.run([node, str(HERE / "admin_api_client.mjs"), server.url, DEMO_TOKEN], cwd=HERE,
                         capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    seen = json.loads(run.stdout)
    customer = seen["created"]["customerCreate"]["customer"]
    assert customer["email"] == "js@example.com"
    assert seen["listed"]["customers"]["nodes"] == [{"id": customer["id"], "firstName": "Js"}]
    assert seen["cost"]["requestedQueryCost"] >= seen["cost"]["actualQueryCost"]
    # The client surfaces Shopify's validation errors as graphQLErrors.
    assert seen["invalid"]["graphQLErrors"][0]["extensions"]["code"] == "undefinedField"
    assert {c.email for c in store.shops["demo"].customers.values()} == {"js@example.com"}
