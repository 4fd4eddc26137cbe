"""Cost-based rate limiting on the 2025-10+ endpoint, in simulated time (docs/vendor-behaviour.md §8.B):
requested cost before execution, the refund of what the result did not use, THROTTLED with its exact shape,
the single-query maximum, and the bucket refilling on the simulated clock."""

from __future__ import annotations

from datetime import timedelta

import pytest


@pytest.fixture
def standard(store):
    store.shops["demo"].plan = "basic"  # the Standard bucket: 2,000 points, 100 back a second
    return store


def test_the_requested_cost_is_charged_and_the_unused_part_refunded(gql, standard):
    standard.create_customer("demo", {"email": "ada@example.com"})
    body = gql.call("{ customers(first: 50) { nodes { id defaultEmailAddress { emailAddress } } } }")
    cost = body["extensions"]["cost"]
    # 2 + 50 x (1 customer + 1 email object) requested; one customer came back: 2 + 1 x 2.
    assert (cost["requestedQueryCost"], cost["actualQueryCost"]) == (102, 4)
    assert cost["throttleStatus"] == {"maximumAvailable": 2000, "currentlyAvailable": 1996, "restoreRate": 100}


def test_an_empty_bucket_answers_throttled_until_the_simulated_clock_refills_it(gql, standard, clock):
    bucket = standard.cost_bucket(standard.authenticate("demo", "shpat_demo", None))
    assert bucket.try_take(1900)  # 100 points left
    throttled = gql.call("{ customers(first: 250) { nodes { id } } }")
    assert "data" not in throttled
    assert throttled["errors"] == [{"message": "Throttled", "extensions": {
        "code": "THROTTLED", "documentation": "https://shopify.dev/api/usage/rate-limits"}}]
    assert throttled["extensions"]["cost"] == {"requestedQueryCost": 252, "actualQueryCost": None, "throttleStatus": {
        "maximumAvailable": 2000, "currentlyAvailable": 100, "restoreRate": 100}}
    clock.advance(timedelta(seconds=2))  # 200 points back on the simulated clock
    assert "data" in gql.call("{ customers(first: 250) { nodes { id } } }")


def test_a_query_above_the_single_query_maximum_is_refused_before_it_runs(gql, standard):
    query = "{ customers(first: 250) { nodes { id orders(first: 250) { nodes { id } } } } }"
    body = gql.call(query)
    [error] = body["errors"]
    assert error["extensions"]["code"] == "MAX_COST_EXCEEDED" and error["extensions"]["maxCost"] == 1000
    assert error["message"].startswith(f"Query cost is {error['extensions']['cost']}, which exceeds the single "
                                       "query max cost limit (1000).")
    assert "data" not in body


def test_a_mutation_costs_ten_points(gql, standard):
    body = gql.call('mutation { customerCreate(input: {email: "ada@example.com"}) { customer { id } '
                    'userErrors { field } } }')
    assert body["extensions"]["cost"]["requestedQueryCost"] == 10


def test_nodes_by_id_ask_for_each_id_and_fragments_on_the_costliest_type(gql, standard):
    # Found moving the reference engine to GraphQL: `nodes(ids:)` cost one point whatever it named, and the
    # selections inside `... on Order` were not counted at all, so a sync reading 250 orders by id paid 1.
    made = [standard.create_customer("demo", {"email": f"c{i}@example.com"}) for i in range(3)]
    ids = [f"gid://shopify/Customer/{c.id}" for c in made] + ["gid://shopify/Customer/1"]
    query = ("query($ids: [ID!]!) { nodes(ids: $ids) { id ... on Customer { defaultEmailAddress { emailAddress } "
             "defaultAddress { city } } ... on Product { variants(first: 5) { nodes { id } } } } }")
    cost = gql.call(query, {"ids": ids})["extensions"]["cost"]
    # Requested: 4 ids x (1 node + the costlier fragment: Product's 2 + 5 x 1 = 7 over Customer's 2).
    # Actual: three customers, each with an email object and a null address (a null object costs its point),
    # and the id that found nothing its own point.
    assert (cost["requestedQueryCost"], cost["actualQueryCost"]) == (32, 3 * (1 + 1 + 1) + 1)
