"""Fixtures for the fake HubSpot: a store on a SimClock, its Flask app, and an authenticated test client."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from fakes.audit import AuditLog
from fakes.clock import SimClock
from fakes.hubspot.app import create_app
from fakes.hubspot.store import HubSpotStore
from fakes.outbox import Outbox

PORTAL = 101
TOKEN = "pat-na1-test"


@dataclass
class Api:
    """A test client that sends the portal's bearer token, for terse tests."""

    client: FlaskClient
    token: str = TOKEN

    def _headers(self, extra: dict[str, str] | None) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}", **(extra or {})}

    def get(self, path: str, headers: dict[str, str] | None = None, **kw: Any) -> Any:
        return self.client.get(path, headers=self._headers(headers), **kw)

    def post(self, path: str, json: Any = None, headers: dict[str, str] | None = None, **kw: Any) -> Any:
        return self.client.post(path, json=json, headers=self._headers(headers), **kw)

    def patch(self, path: str, json: Any = None, headers: dict[str, str] | None = None) -> Any:
        return self.client.patch(path, json=json, headers=self._headers(headers))

    def put(self, path: str, json: Any = None, headers: dict[str, str] | None = None) -> Any:
        return self.client.put(path, json=json, headers=self._headers(headers))

    def delete(self, path: str, headers: dict[str, str] | None = None) -> Any:
        return self.client.delete(path, headers=self._headers(headers))

    def create(self, object_type: str, **properties: Any) -> dict[str, Any]:
        """Create a record and return its JSON (asserting 201)."""
        response = self.post(f"/crm/v3/objects/{object_type}", json={"properties": properties})
        assert response.status_code == 201, response.json
        return response.json


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
def store(clock: SimClock, outbox: Outbox) -> HubSpotStore:
    hub = HubSpotStore(clock, outbox)
    hub.add_portal(PORTAL, tier="enterprise", tokens={TOKEN: None})
    return hub


@pytest.fixture
def app(store: HubSpotStore, audit: AuditLog) -> Flask:
    return create_app(store, audit=audit)


@pytest.fixture
def api(app: Flask) -> Api:
    return Api(app.test_client())


@pytest.fixture
def harness(app: Flask) -> FlaskClient:
    """An unauthenticated client for /_harness/ calls."""
    return app.test_client()
