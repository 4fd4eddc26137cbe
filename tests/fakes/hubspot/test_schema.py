"""schemathesis against the fake's own /openapi.json, in-process: no 5xx, no response-schema violations."""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance

from fakes.clock import SimClock
from fakes.hubspot.app import create_app
from fakes.hubspot.demo import DEMO_TOKEN, add_demo_portal
from fakes.hubspot.store import HubSpotStore

pytestmark = pytest.mark.schema

CLOCK = SimClock()
STORE = HubSpotStore(CLOCK, search_index_delay=0)
APP = create_app(STORE)


def _fresh_world() -> None:
    STORE.reset()
    add_demo_portal(STORE)
    STORE.seed(62515, 11, contacts=5, companies=2, products=3, orders=2, carts=1)


_fresh_world()


def _advancing(app: Any) -> Any:
    """WSGI wrapper: each request moves the simulated clock a second, so rate limits leak as in real use."""
    def wsgi(environ: dict[str, Any], start_response: Any) -> Any:
        CLOCK.advance(1)
        return app(environ, start_response)
    return wsgi


# The date versions other than 2026-03 are served by the same handlers as 2026-03 (fakes/hubspot/versions.py):
# one of them is enough here, and keeps the run's length.
schema = schemathesis.openapi.from_wsgi("/openapi.json", _advancing(APP)).exclude(
    path_regex=r"^/crm/(objects|associations|properties|pipelines)/(2025-09|2026-09)")


def test_document_has_no_harness_paths() -> None:
    document = APP.test_client().get("/openapi.json").json
    assert document["openapi"].startswith("3.")
    assert not [p for p in document["paths"] if p.startswith("/_harness")]
    assert "/crm/v3/objects/{objectType}/search" in document["paths"]


@schema.parametrize()
@settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_api_conforms_to_its_openapi_document(case: Any) -> None:
    case.headers = {**(case.headers or {}), "Authorization": f"Bearer {DEMO_TOKEN}"}
    case.call_and_validate(checks=[not_a_server_error, status_code_conformance, response_schema_conformance])
