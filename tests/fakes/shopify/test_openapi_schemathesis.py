"""schemathesis against the fake Shopify's /openapi.json: no 5xx, no response outside the document."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from fakes.shopify.app import create_app
from fakes.shopify.demo import DEMO_TOKEN, add_demo_shop
from fakes.shopify.seed import SeedPlan, seed_shop
from fakes.shopify.store import ShopifyStore

pytestmark = pytest.mark.schema


def _app():
    store = ShopifyStore()
    add_demo_shop(store)
    store.shops["demo"].plan = "unlimited"
    seed_shop(store, "demo", 5, SeedPlan(customers=5, products=3, orders=4, checkouts=2))
    return create_app(store)


APP = _app()
schema = schemathesis.openapi.from_wsgi("/openapi.json", APP)
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@schema.parametrize()
@settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck))
def test_every_public_operation(case):
    case.call_and_validate(base_url="/shops/demo/admin/api/2024-10", headers={"X-Shopify-Access-Token": DEMO_TOKEN},
                           checks=CHECKS)
