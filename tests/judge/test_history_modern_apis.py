"""The history checks judge calls made through today's APIs as they judge the legacy ones: Shopify GraphQL
mutations (customerDelete, productDelete, order writes, product writes while product sync is off) and HubSpot's
date-versioned paths (/crm/objects/2026-03/...). Each check failed to see these before (a modern sync could break
the rule unnoticed by the history checks)."""

from __future__ import annotations

from harness.tenants import SHOPIFY_APP
from scenarios.dsl import Sim
from scenarios.judge import history
from scenarios.recording import capture


def _as_implementation(sim: Sim, fake: str, method: str, path: str, json: dict | None = None):
    """One call in a tick's phase, as the implementation under test makes them."""
    world = sim.world
    if fake == "shopify":
        headers = {"X-Shopify-Access-Token": world.shopify.issue_token("alpha", SHOPIFY_APP)}
    else:
        headers = {"Authorization": f"Bearer {world.portal.access_token}"}
    previous, world.audit.phase = world.audit.phase, "tick"
    try:
        return world.client(fake).request(method, path, headers=headers, json=json)
    finally:
        world.audit.phase = previous


def _rules(sim: Sim) -> list[str]:
    # CON-1 (a shop's API used without its OAuth exchange) is this test's doing: it takes a token directly.
    evidence = history(capture(sim, quiet_at=None, faults=False))
    return [rule for e in evidence if (rule := e.check.split(":")[0]) != "CON-1"]


def _graphql(sim: Sim, query: str) -> dict:
    response = _as_implementation(sim, "shopify", "POST", "/shops/alpha/admin/api/2026-10/graphql.json",
                                  {"query": query})
    assert response.status_code == 200
    return response.json()


def test_a_customer_deleted_through_graphql_breaks_cnt_3(sim):
    customer = sim.shopify.create_customer(email="ada@example.com", first_name="Ada")
    body = _graphql(sim, f'mutation {{ customerDelete(input: {{id: "gid://shopify/Customer/{customer.id}"}}) '
                         '{ deletedCustomerId } }')
    assert body["data"]["customerDelete"]["deletedCustomerId"]
    assert "CNT-3" in _rules(sim)


def test_an_order_written_through_graphql_breaks_ord_1_and_a_product_deleted_prd_3(sim):
    product = sim.shopify.create_product(title="Mug", price="5.00")
    _graphql(sim, f'mutation {{ productDelete(input: {{id: "gid://shopify/Product/{product.id}"}}) '
                  '{ deletedProductId } }')
    _graphql(sim, 'mutation { orderUpdate(input: {id: "gid://shopify/Order/1", note: "x"}) '
                  '{ userErrors { message } } }')
    rules = _rules(sim)
    assert "PRD-3" in rules and "ORD-1" in rules


def test_a_product_written_through_graphql_while_product_sync_is_off_breaks_set_1(sim):
    _graphql(sim, 'mutation { productCreate(product: {title: "Tote"}) { product { id } } }')
    assert any(rule.startswith("SET-1") for rule in _rules(sim))


def test_a_query_breaks_nothing(sim):
    sim.shopify.create_customer(email="ada@example.com", first_name="Ada")
    _graphql(sim, "{ customers(first: 5) { nodes { id } } }")
    assert _rules(sim) == []


def test_a_contact_archived_through_2026_03_breaks_cnt_4(sim):
    contact = sim.hubspot.create("contacts", email="ada@example.com", firstname="Ada")
    response = _as_implementation(sim, "hubspot", "DELETE", f"/crm/objects/2026-03/contacts/{contact.id}")
    assert response.status_code == 204
    assert "CNT-4" in _rules(sim)


def test_a_graphql_query_sent_again_at_the_instant_shopify_throttled_it_breaks_lat_3(sim):
    # Shopify's GraphQL API throttles with a 200 and THROTTLED, never a 429: the check for calls repeated
    # before Retry-After saw nothing, so a sync hammering an empty cost bucket passed (IgnoresThrottled).
    bucket = sim.world.shopify.cost_bucket(sim.world.shopify.authenticate(
        "alpha", sim.world.shopify.issue_token("alpha", SHOPIFY_APP), None))
    bucket.try_take(int(bucket.currently_available))  # the bucket is empty
    query = "{ customers(first: 50) { nodes { id } } }"
    assert _graphql(sim, query)["errors"][0]["extensions"]["code"] == "THROTTLED"
    assert "LAT-3" not in _rules(sim), "one THROTTLED answer is not a fault of the caller"
    _graphql(sim, "{ shop { name } }")  # a cheaper operation may find the points: not the same request
    assert "LAT-3" not in _rules(sim)
    _graphql(sim, query)
    assert "LAT-3" in _rules(sim)


def test_a_graphql_query_sent_again_after_the_bucket_refilled_is_fine(sim):
    bucket = sim.world.shopify.cost_bucket(sim.world.shopify.authenticate(
        "alpha", sim.world.shopify.issue_token("alpha", SHOPIFY_APP), None))
    bucket.try_take(int(bucket.currently_available))
    query = "{ customers(first: 50) { nodes { id } } }"
    assert _graphql(sim, query)["errors"][0]["extensions"]["code"] == "THROTTLED"
    sim.world.clock.advance(2)
    assert "data" in _graphql(sim, query)
    assert "LAT-3" not in _rules(sim)
