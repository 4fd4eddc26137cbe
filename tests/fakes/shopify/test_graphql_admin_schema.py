"""The GraphQL Admin API on Shopify's own published schema (docs/vendor-behaviour.md §8.A): versions, introspection,
validation in Shopify's words, and the error for a field the fake does not simulate."""

from __future__ import annotations

import pytest

from fakes.shopify.graphql import schemas

pytestmark = pytest.mark.usefixtures("gql")


@pytest.mark.parametrize("version", schemas.VERSIONS)
def test_every_published_version_is_served_from_shopifys_schema(app, version):
    from tests.fakes.shopify.conftest import Graphql
    client = Graphql(app.test_client(), version=version)
    body = client.call('{ __type(name: "Customer") { fields(includeDeprecated: true) { name } } '
                       'shop { myshopifyDomain } }')
    names = {f["name"] for f in body["data"]["__type"]["fields"]}
    published = schemas.introspection(version)["__schema"]["types"]
    customer = next(t for t in published if t["name"] == "Customer")
    assert names == {f["name"] for f in customer["fields"]}
    assert body["data"]["shop"]["myshopifyDomain"] == "demo.myshopify.com"


def test_introspection_answers_shopifys_whole_schema_so_codegen_tools_work(gql):
    from graphql import get_introspection_query
    body = gql.call(get_introspection_query())
    types = {t["name"] for t in body["data"]["__schema"]["types"]}
    published = {t["name"] for t in schemas.introspection("2026-10")["__schema"]["types"]}
    assert types == published
    assert body["data"]["__schema"]["queryType"]["name"] == "QueryRoot"


def test_the_host_form_reaches_the_same_endpoint(app):
    from fakes.shopify.demo import DEMO_TOKEN
    response = app.test_client().post("/admin/api/2026-10/graphql.json", json={"query": "{ shop { name } }"},
                                      headers={"X-Shopify-Access-Token": DEMO_TOKEN,
                                               "Host": "demo.myshopify.com"})
    assert response.status_code == 200
    assert response.json["data"]["shop"]["name"] == "Demo"
    assert response.headers["X-Shopify-API-Version"] == "2026-10"


def test_a_field_shopify_does_not_have_gets_shopifys_validation_error(gql):
    # docs/vendor-behaviour.md §8.A: `Field 'x' doesn't exist on type 'Product'`, code undefinedField, no data, no cost.
    body = gql.call("query Probe { customers(first: 1) { nodes { id shoeSize } } }")
    assert "data" not in body and "extensions" not in body
    [error] = body["errors"]
    assert error["message"] == "Field 'shoeSize' doesn't exist on type 'Customer'"
    assert error["extensions"] == {"code": "undefinedField", "typeName": "Customer", "fieldName": "shoeSize"}
    assert error["path"] == ["query Probe", "customers", "nodes", "shoeSize"]


def test_an_enum_value_shopify_does_not_have_is_refused_as_at_shopify(gql):
    body = gql.call('mutation { webhookSubscriptionCreate(topic: NOT_A_REAL_TOPIC, '
                    'webhookSubscription: {uri: "https://x.example/h"}) { userErrors { message } } }')
    assert "data" not in body
    assert "NOT_A_REAL_TOPIC" in body["errors"][0]["message"]


def test_a_field_shopify_has_but_the_fake_does_not_simulate_names_itself(gql):
    gql.data('mutation { customerCreate(input: {email: "ada@example.com"}) { userErrors { message } } }')
    body = gql.call("{ customers(first: 1) { nodes { id statistics { predictedSpendTier } } } }")
    [error] = body["errors"]
    assert error["extensions"] == {"code": "NOT_SIMULATED_BY_SHOPSYNC", "typeName": "Customer",
                                   "fieldName": "statistics"}
    assert "statistics" in error["message"] and "not simulated" in error["message"]
    assert error["path"] == ["customers", "nodes", 0, "statistics"]


def test_an_input_field_the_fake_would_drop_is_refused_by_name(gql):
    body = gql.call('mutation { customerCreate(input: {email: "ada@example.com", locale: "fr"}) '
                    '{ customer { id } userErrors { message } } }')
    assert body["errors"][0]["extensions"]["fieldNames"] == ["locale"]
    assert gql.data("{ customersCount { count } }")["customersCount"]["count"] == 0


def test_versions_before_2025_10_keep_the_b2b_subset(admin):
    # 2024-10 is what the reference engine and older syncs use for companies (graphql_api.py).
    response = admin.post("/graphql.json", {"query": "{ companies(first: 1) { nodes { id } } }"})
    assert response.json["data"] == {"companies": {"nodes": []}}
    response = admin.post("/graphql.json", {"query": "{ customers(first: 1) { nodes { id } } }"})
    assert response.json["errors"][0]["extensions"]["code"] == "undefinedField"


def test_the_audit_log_names_the_operation_and_its_cost(gql, audit):
    gql.data("query Pull { customers(first: 5) { nodes { id } } }")
    gql.data('mutation { customerCreate(input: {email: "a@example.com"}) { customer { id } } }')
    pull, made = [e for e in audit.entries() if e.path.endswith("graphql.json")]
    assert (pull.operation, pull.read_only) == ("query Pull", True)
    assert (made.operation, made.read_only) == ("mutation customerCreate", False)
    assert pull.cost == 2 and made.cost == 10  # a mutation covers the objects it returns directly


def test_without_the_schemas_installed_the_endpoint_says_how_to_install_them(admin, monkeypatch, tmp_path):
    from fakes.shopify.graphql import schemas as installed
    monkeypatch.setenv(installed.ENV_DIR, str(tmp_path))
    monkeypatch.setattr(installed, "_built", {})
    monkeypatch.setattr(installed, "_introspection", {})
    response = admin.http.post("/shops/demo/admin/api/2026-07/graphql.json", json={"query": "{ shop { name } }"},
                               headers=admin.headers)
    assert response.status_code == 200
    [error] = response.json["errors"]
    assert error["extensions"]["code"] == "SHOPSYNC_SCHEMA_NOT_INSTALLED" and "make schemas" in error["message"]
