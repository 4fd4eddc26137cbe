"""Fixtures for the fake Shopify: an app over a fresh store with the demo shop, and a client."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from fakes.audit import AuditLog
from fakes.clock import SimClock
from fakes.outbox import Outbox
from fakes.shopify.app import create_app
from fakes.shopify.demo import DEMO_TOKEN, add_demo_shop
from fakes.shopify.store import ShopifyStore

BASE = "/shops/demo/admin/api/2024-10"
AUTH = {"X-Shopify-Access-Token": DEMO_TOKEN}


class AdminClient:
    """A thin client for one shop's Admin API over the Flask test client."""

    def __init__(self, flask_client, base: str = BASE, token: str = DEMO_TOKEN) -> None:
        self.http = flask_client
        self.base = base
        self.headers = {"X-Shopify-Access-Token": token}

    def get(self, path: str, **kw):
        return self.http.get(self.base + path, headers={**self.headers, **kw.pop("headers", {})}, **kw)

    def post(self, path: str, body=None, **kw):
        return self.http.post(self.base + path, json=body, headers={**self.headers, **kw.pop("headers", {})}, **kw)

    def put(self, path: str, body=None, **kw):
        return self.http.put(self.base + path, json=body, headers={**self.headers, **kw.pop("headers", {})}, **kw)

    def delete(self, path: str, **kw):
        return self.http.delete(self.base + path, headers={**self.headers, **kw.pop("headers", {})}, **kw)

    def follow(self, link: str):
        """GET an absolute URL from a Link header."""
        path = link.split("://", 1)[1]
        path = path[path.index("/"):]
        return self.http.get(path, headers=self.headers)


@pytest.fixture
def clock() -> SimClock:
    return SimClock()


@pytest.fixture
def outbox() -> Outbox:
    return Outbox()


@pytest.fixture
def audit() -> AuditLog:
    return AuditLog()


@pytest.fixture
def store(clock: SimClock, outbox: Outbox) -> ShopifyStore:
    store = ShopifyStore(clock, outbox)
    add_demo_shop(store)
    # Tests that are not about rate limits should not trip them: give the demo shop Plus limits
    # and keep the standard plan for the rate-limit tests, which set it explicitly.
    store.shops["demo"].plan = "unlimited"
    return store


@pytest.fixture
def app(store: ShopifyStore, audit: AuditLog):
    return create_app(store, audit=audit)


@pytest.fixture
def admin(app) -> Iterator[AdminClient]:
    yield AdminClient(app.test_client())


def next_link(response) -> str | None:
    """The URL of rel="next" in a Link header, parsed the way ShopifyAPI does."""
    header = response.headers.get("Link")
    if not header:
        return None
    for value in header.split(", "):
        link, rel = value.split("; ")
        if rel.split('"')[1] == "next":
            return link[1:-1]
    return None


def prev_link(response) -> str | None:
    """The URL of rel="previous"."""
    header = response.headers.get("Link")
    if not header:
        return None
    for value in header.split(", "):
        link, rel = value.split("; ")
        if rel.split('"')[1] == "previous":
            return link[1:-1]
    return None


class Graphql:
    """POSTs GraphQL to one shop at one version over the Flask test client; `call` returns the JSON body."""

    def __init__(self, flask_client, version: str = "2026-10", shop: str = "demo", token: str = DEMO_TOKEN) -> None:
        self.http = flask_client
        self.path = f"/shops/{shop}/admin/api/{version}/graphql.json"
        self.headers = {"X-Shopify-Access-Token": token}

    def call(self, query: str, variables: dict | None = None, **kw) -> dict:
        response = self.http.post(self.path, json={"query": query, "variables": variables or {}},
                                  headers={**self.headers, **kw.pop("headers", {})}, **kw)
        assert response.status_code == 200, response.data
        return response.json

    def data(self, query: str, variables: dict | None = None) -> dict:
        """The `data` of a call that must succeed without top-level errors."""
        body = self.call(query, variables)
        assert "errors" not in body, body["errors"]
        return body["data"]


@pytest.fixture
def gql(app) -> Graphql:
    from fakes.shopify.graphql import schemas
    if not schemas.installed():
        pytest.fail("Shopify's Admin schemas are not installed: run `make schemas`")
    return Graphql(app.test_client())
