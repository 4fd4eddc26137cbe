"""Stateful schemathesis against the fake HubSpot: call chains that follow the document's OpenAPI links.

The stateless test sends each operation random ids, so it mostly sees 404s; here a created or found
record is read, updated, associated and archived through the id the fake returned, and a created
property is read, updated and archived by its name, the way a sync client uses the real API.
"""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from hypothesis import settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    ensure_resource_availability,
    response_schema_conformance,
    status_code_conformance,
)

from fakes.clock import SimClock
from fakes.hubspot import snapshot
from fakes.hubspot.app import create_app
from fakes.hubspot.demo import DEMO_PORTAL_ID, DEMO_TOKEN, add_demo_portal
from fakes.hubspot.openapi import LINKS, document
from fakes.hubspot.store import HubSpotStore
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

# No `use_after_free`: archiving is a soft delete, and `?archived=true` reads the record back
# (docs/vendor-behaviour.md §3.4).
CHECKS = [not_a_server_error, status_code_conformance, response_schema_conformance, ensure_resource_availability]

CLOCK = SimClock()
STORE = HubSpotStore(CLOCK, search_index_delay=0)
APP = create_app(STORE)
add_demo_portal(STORE)
STORE.seed(DEMO_PORTAL_ID, 11, contacts=5, companies=2, products=3, orders=2, carts=1)
# Every scenario starts from this portal, so a replayed scenario meets the same answers (Hypothesis
# requires it) and one scenario's records never meet the next one's.
SEEDED = snapshot.dump(APP.extensions["hubspot"])

schema = schemathesis.openapi.from_wsgi("/openapi.json", advancing(APP, CLOCK), config=LINKS_ONLY)
Workflow = schema.as_state_machine()


class PortalWorkflow(Workflow):  # type: ignore[misc, valid-type]
    """Every step goes to the demo portal with its token and is held to the document."""

    def setup(self) -> None:
        snapshot.load(APP.extensions["hubspot"], SEEDED)

    def get_call_kwargs(self, case: Any) -> dict[str, Any]:
        return {"headers": {"Authorization": f"Bearer {DEMO_TOKEN}"}}

    def validate_response(self, response: Any, case: Any, additional_checks: Any = None, **kwargs: Any) -> None:
        case.validate_response(response, checks=CHECKS, transport_kwargs=kwargs or None, recorder=self.recorder)


def root_rule(operation_id: str) -> str:
    """The name of the rule that starts a chain with this operation."""
    return root_rule_name(schema.find_operation_by_id(operation_id).label)


def _links(operation_id: str, status: str) -> dict[str, Any]:
    return response_links(document(), operation_id, status)


def test_document_links_what_a_client_chains() -> None:
    created = _links("createObject", "201")
    assert {"getObject", "updateObject", "archiveObject", "listAssociations", "associate",
            "associateDefault"} <= set(created)
    assert created["getObject"] == {"operationId": "getObject", "parameters": {
        "objectType": "$request.path.objectType", "objectId": "$response.body#/id"}}
    assert {"getObject", "updateObject"} <= set(_links("searchObjects", "200"))
    assert {"listAssociations", "removeAssociations"} <= set(_links("associate", "201"))
    assert {"getProperty", "updateProperty", "archiveProperty"} <= set(_links("createProperty", "201"))
    # Links name their target by operationId, so every operation has one and no two share it.
    ids = [op["operationId"] for item in document()["paths"].values() for op in item.values()]
    assert len(ids) == len(set(ids))


def test_only_batch_create_inputs_carry_a_write_trace_id() -> None:
    # HPY: SimplePublicObjectInputForCreate has properties and associations; only the batch input adds
    # objectWriteTraceId. Documenting it on the single create also cost that create its place as a chain start.
    schemas = document()["components"]["schemas"]
    assert "objectWriteTraceId" not in schemas["ObjectInput"]["properties"]
    assert "objectWriteTraceId" in schemas["BatchObjectInput"]["properties"]


def test_state_machine_is_built_from_the_links() -> None:
    # Each link is a rule that draws its input from the bundle of its source's responses; if the links
    # went, only random first steps would remain and the stateful test would be a stateless one.
    assert len(link_rules(Workflow)) == link_count(LINKS)
    assert set(Workflow.bundles) == {f"{schema.find_operation_by_id(op).label} -> {status}" for op, status in LINKS}
    # Chains start at the creates; schemathesis starts only from operations its heuristics trust to succeed
    # (an `...Id` body field it cannot source, like a single create's `objectWriteTraceId`, loses that trust).
    assert {root_rule(op) for op in ("createObject", "batchCreateObjects", "createProperty")} <= Workflow.root_rules


def test_link_chains_conform_to_the_document() -> None:
    # Fewer scenarios than Shopify's: HubSpot's search and batch bodies are slow to generate.
    PortalWorkflow.run(settings=settings(CI_RUN, max_examples=30))
