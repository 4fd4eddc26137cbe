"""Auth, scopes, tenants, the leaky bucket and API versions (docs/vendor-behaviour.md §1.1, §1.2, §1.5)."""

from __future__ import annotations

from tests.fakes.shopify.conftest import AdminClient


def test_missing_or_wrong_token_is_401_with_the_real_body(admin):
    response = admin.http.get("/shops/demo/admin/api/2024-10/customers.json")
    assert response.status_code == 401
    assert response.json == {"errors": "[API] Invalid API key or access token (unrecognized login or wrong password)"}


def test_token_of_shop_a_is_401_on_shop_b(admin, store):
    store.add_shop("other")
    response = admin.http.get("/shops/other/admin/api/2024-10/customers.json", headers=admin.headers)
    assert response.status_code == 401


def test_missing_scope_is_403(app, store):
    token = store.issue_token("demo", "shopsync-demo-app", ["read_products"])
    client = AdminClient(app.test_client(), token=token)
    assert client.get("/products.json").status_code == 200
    refused = client.get("/customers.json")
    assert refused.status_code == 403
    assert refused.json == {"errors": "[API] This action requires merchant approval for read_customers scope."}
    assert client.post("/products.json", {"product": {"title": "x"}}).status_code == 403


def test_write_scope_implies_read(app, store):
    token = store.issue_token("demo", "shopsync-demo-app", ["write_customers"])
    assert AdminClient(app.test_client(), token=token).get("/customers.json").status_code == 200


def test_leaky_bucket_in_simulated_time(admin, store, clock):
    store.shops["demo"].plan = "basic"  # 40 requests, 2 per second (docs/vendor-behaviour.md §1.5)
    limits = [admin.get("/shop.json").headers["X-Shopify-Shop-Api-Call-Limit"] for _ in range(40)]
    assert limits[0] == "1/40" and limits[-1] == "40/40"
    refused = admin.get("/shop.json")
    assert refused.status_code == 429
    assert refused.json == {"errors": "Exceeded 2 calls per second for api client. Reduce request rates to resume "
                                      "uninterrupted service."}
    assert float(refused.headers["Retry-After"]) == 0.5
    clock.advance(float(refused.headers["Retry-After"]))
    again = admin.get("/shop.json")
    assert again.status_code == 200 and again.headers["X-Shopify-Shop-Api-Call-Limit"] == "40/40"
    clock.advance(10)
    assert admin.get("/shop.json").headers["X-Shopify-Shop-Api-Call-Limit"] == "21/40"


def test_buckets_are_per_app_and_shop(app, store, clock):
    store.shops["demo"].plan = "basic"
    store.add_app("second-app", "secret2")
    other = AdminClient(app.test_client(), token=store.issue_token("demo", "second-app"))
    first = AdminClient(app.test_client())
    for _ in range(40):
        first.get("/shop.json")
    assert first.get("/shop.json").status_code == 429
    assert other.get("/shop.json").status_code == 200


def test_plus_plan_has_a_bigger_bucket(admin, store):
    store.shops["demo"].plan = "plus"
    assert admin.get("/shop.json").headers["X-Shopify-Shop-Api-Call-Limit"] == "1/400"


def test_version_is_echoed_and_old_versions_fall_forward(app):
    client = app.test_client()
    for requested, served in (("2025-04", "2025-04"), ("unstable", "unstable"), ("2019-04", "2024-10")):
        response = client.get(f"/shops/demo/admin/api/{requested}/shop.json",
                              headers={"X-Shopify-Access-Token": "shpat_demo"})
        assert response.status_code == 200
        assert response.headers["X-Shopify-API-Version"] == served
    bad = client.get("/shops/demo/admin/api/latest/shop.json", headers={"X-Shopify-Access-Token": "shpat_demo"})
    assert bad.status_code == 404


def test_host_based_routing_like_the_real_domain(app):
    response = app.test_client().get("/admin/api/2024-10/shop.json", headers={
        "Host": "demo.myshopify.com", "X-Shopify-Access-Token": "shpat_demo"})
    assert response.status_code == 200
    assert response.json["shop"]["myshopify_domain"] == "demo.myshopify.com"


def test_unknown_route_is_404_not_found(admin):
    response = admin.get("/nothing-here.json")
    assert response.status_code == 404 and response.json == {"errors": "Not Found"}


def test_every_call_is_audited_without_the_secret(admin, audit):
    admin.get("/customers.json")
    entry = audit.entries()[-1]
    assert (entry.fake, entry.tenant, entry.method, entry.path, entry.status, entry.caller) == (
        "shopify", "demo", "GET", "/shops/demo/admin/api/2024-10/customers.json", 200, "shopsync-demo-app")
    assert "shpat" not in str(entry.as_json())
