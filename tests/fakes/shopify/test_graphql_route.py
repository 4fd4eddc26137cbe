"""B2B companies through the GraphQL endpoint of the app (the engine's only way to reach them)."""

from __future__ import annotations

import json

CREATE = """mutation($input: CompanyCreateInput!) {
  companyCreate(input: $input) { company { id name } userErrors { field message code } } }"""
LIST = "query($after: String) { companies(first: 2, after: $after) { nodes { id name updatedAt } " \
       "pageInfo { hasNextPage endCursor } } }"


def gql(admin, query, variables=None):
    response = admin.post("/graphql.json", {"query": query, "variables": variables or {}})
    assert response.status_code == 200
    return response.json


def test_create_list_and_webhook(admin, store, outbox):
    admin.post("/webhooks.json", {"webhook": {"topic": "companies/create", "address": "https://x.example/h"}})
    for name in ("Acme", "Globex", "Initech"):
        created = gql(admin, CREATE, {"input": {"company": {"name": name}}})
        assert created["data"]["companyCreate"]["userErrors"] == []
    names, after = [], None
    while True:
        page = gql(admin, LIST, {"after": after})["data"]["companies"]
        names += [n["name"] for n in page["nodes"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert names == ["Acme", "Globex", "Initech"]
    assert [d.topic for d in outbox.all()] == ["companies/create"] * 3
    assert json.loads(outbox.all()[0].body)["name"] == "Acme"


def test_user_errors_and_cost_extension(admin):
    blank = gql(admin, CREATE, {"input": {"company": {"name": ""}}})
    assert blank["data"]["companyCreate"]["company"] is None
    assert blank["data"]["companyCreate"]["userErrors"][0]["code"] == "BLANK"
    assert "cost" in blank["extensions"]


def test_graphql_does_not_spend_the_rest_bucket(admin, store):
    store.shops["demo"].plan = "basic"
    before = admin.get("/shop.json").headers["X-Shopify-Shop-Api-Call-Limit"]
    gql(admin, LIST)
    response = admin.post("/graphql.json", {"query": LIST})
    assert "X-Shopify-Shop-Api-Call-Limit" not in response.headers
    assert admin.get("/shop.json").headers["X-Shopify-Shop-Api-Call-Limit"] == "2/40" and before == "1/40"


def test_merchant_company_edits_through_the_harness(app):
    client = app.test_client()
    made = client.post("/_harness/shops/demo/merchant/create_company",
                       json={"name": "Umbrella", "website": "https://www.umbrella.example"})
    assert made.status_code == 200
    assert made.json["result"]["domain"] == "umbrella.example"
    listed = client.get("/_harness/shops/demo/records/companies").json["companies"]
    assert [c["name"] for c in listed] == ["Umbrella"]
    refused = client.post("/_harness/shops/demo/merchant/create_company", json={"name": ""})
    assert refused.status_code == 422


def test_needs_a_token(app):
    response = app.test_client().post("/shops/demo/admin/api/2024-10/graphql.json", json={"query": LIST})
    assert response.status_code == 401
