"""Stateful schemathesis against the fake Shopify: call chains that follow the document's OpenAPI links.

The stateless test sends each operation random ids, so it mostly sees 404s; here a created customer,
product, variant, order or webhook is read, updated, closed and deleted through the ids the fake
returned, the way a sync client uses the real API.
"""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.specs.openapi.checks import ensure_resource_availability, use_after_free

from fakes.shopify import snapshot
from fakes.shopify.app import create_app
from fakes.shopify.demo import DEMO_TOKEN, add_demo_shop
from fakes.shopify.openapi import LINKS, openapi_document
from fakes.shopify.seed import SeedPlan, seed_shop
from fakes.shopify.store import ShopifyStore
from tests.fakes.stateful_links import (
    CI_RUN,
    LINKS_ONLY,
    advancing,
    link_count,
    link_rules,
    response_links,
    root_rule_name,
)

pytestmark = pytest.mark.schema

BASE = "/shops/demo/admin/api/2024-10"
AUTH = {"X-Shopify-Access-Token": DEMO_TOKEN}
# A Shopify DELETE removes the record (there is no archive to read it back from), so its id answers 404 after.
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance,
          use_after_free, ensure_resource_availability]

STORE = ShopifyStore()
add_demo_shop(STORE)
STORE.shops["demo"].plan = "unlimited"
seed_shop(STORE, "demo", 5, SeedPlan(customers=5, products=3, orders=4, checkouts=2))
# Every scenario starts from this shop, so a replayed scenario meets the same answers (Hypothesis
# requires it) and one scenario's emails and handles never collide with the next one's.
SEEDED = snapshot.dump(STORE)

schema = schemathesis.openapi.from_wsgi("/openapi.json", advancing(create_app(STORE), STORE.clock),
                                        config=LINKS_ONLY)
Workflow = schema.as_state_machine()


class ShopWorkflow(Workflow):  # type: ignore[misc, valid-type]
    """Every step goes to the demo shop's Admin API with its token and is held to the document."""

    def setup(self) -> None:
        snapshot.load(STORE, SEEDED)

    def get_call_kwargs(self, case: Any) -> dict[str, Any]:
        return {"base_url": BASE, "headers": AUTH}

    def validate_response(self, response: Any, case: Any, additional_checks: Any = None, **kwargs: Any) -> None:
        case.validate_response(response, checks=CHECKS, transport_kwargs=kwargs or None, recorder=self.recorder)


def _links(operation_id: str, status: str) -> dict[str, Any]:
    return response_links(openapi_document(), operation_id, status)


def test_document_links_what_a_client_chains() -> None:
    customer = _links("create_customer", "201")
    assert set(customer) == {"get_customer", "update_customer", "delete_customer"}
    assert customer["get_customer"] == {"operationId": "get_customer",
                                        "parameters": {"customer_id": "$response.body#/customer/id"}}
    product = _links("create_product", "201")
    assert {"get_product", "update_product", "delete_product", "create_variant", "get_variant"} <= set(product)
    assert product["get_variant"]["parameters"] == {"variant_id": "$response.body#/product/variants/0/id"}
    assert {"get_variant", "update_variant", "update_product_variant"} <= set(_links("create_variant", "201"))
    assert {"get_order", "update_order", "cancel_order", "close_order", "open_order", "delete_order"} <= set(
        _links("create_order", "201"))
    assert {"get_webhook", "update_webhook", "delete_webhook"} <= set(_links("create_webhook", "201"))


def test_state_machine_is_built_from_the_links() -> None:
    # Each link is a rule that draws its input from the bundle of its source's responses; if the links
    # went, only random first steps would remain and the stateful test would be a stateless one.
    assert len(link_rules(Workflow)) == link_count(LINKS)
    assert set(Workflow.bundles) == {f"{schema.find_operation_by_id(op).label} -> {status}" for op, status in LINKS}
    creates = {op for op, _ in LINKS if op.startswith("create_")}
    assert {root_rule_name(schema.find_operation_by_id(op).label) for op in creates} <= Workflow.root_rules


def test_link_chains_conform_to_the_document() -> None:
    ShopWorkflow.run(settings=CI_RUN)
