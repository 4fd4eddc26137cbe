"""OAuth install flow (docs/vendor-behaviour.md §2.2) and the harness control API."""

from __future__ import annotations

import hashlib
import hmac
from urllib.parse import parse_qsl, urlsplit


def test_oauth_install_issues_a_per_shop_token(app, store):
    store.add_app("sync-app", "sync-secret")
    client = app.test_client()
    response = client.get("/shops/demo/admin/oauth/authorize", query_string={
        "client_id": "sync-app", "scope": "read_customers,write_products", "state": "nonce-1",
        "redirect_uri": "https://sync.example/callback"})
    assert response.status_code == 302
    location = urlsplit(response.headers["Location"])
    assert location.netloc == "sync.example"
    params = dict(parse_qsl(location.query))
    assert params["shop"] == "demo.myshopify.com" and params["state"] == "nonce-1"
    # Verify as ShopifyAPI does: drop hmac, sort k=v, join with &, hex HMAC-SHA256.
    message = "&".join(f"{k}={v}" for k, v in sorted(params.items()) if k != "hmac")
    assert params["hmac"] == hmac.new(b"sync-secret", message.encode(), hashlib.sha256).hexdigest()
    assert int(params["timestamp"]) == int(store.now().timestamp())

    exchanged = client.post("/shops/demo/admin/oauth/access_token", data={
        "client_id": "sync-app", "client_secret": "sync-secret", "code": params["code"]})
    assert exchanged.status_code == 200
    token = exchanged.json["access_token"]
    assert token.startswith("shpat_") and exchanged.json["scope"] == "read_customers,write_products"
    headers = {"X-Shopify-Access-Token": token}
    assert client.get("/shops/demo/admin/api/2024-10/customers.json", headers=headers).status_code == 200
    assert client.get("/shops/demo/admin/api/2024-10/orders.json", headers=headers).status_code == 403

    reused = client.post("/shops/demo/admin/oauth/access_token", data={
        "client_id": "sync-app", "client_secret": "sync-secret", "code": params["code"]})
    assert reused.status_code == 400
    assert reused.json["error_description"] == "The authorization code was not found or was already used"


def test_oauth_refuses_wrong_secret_and_unknown_client(app, store):
    store.add_app("sync-app", "sync-secret")
    client = app.test_client()
    assert client.get("/shops/demo/admin/oauth/authorize", query_string={
        "client_id": "nobody", "redirect_uri": "https://x.example/cb"}).status_code == 400
    assert client.post("/shops/demo/admin/oauth/access_token", data={
        "client_id": "sync-app", "client_secret": "wrong", "code": "x"}).status_code == 400


def _snapshot(client):
    out = {}
    for kind in ("customers", "products", "orders", "checkouts"):
        out[kind] = client.get(f"/_harness/shops/demo/records/{kind}").json[kind]
    return out


def test_seed_is_deterministic_and_reset_clears(app):
    client = app.test_client()
    client.post("/_harness/reset")
    client.post("/_harness/shops/demo/seed", json={"seed": 42, "customers": 12, "orders": 8})
    first = _snapshot(client)
    client.post("/_harness/reset")
    client.post("/_harness/shops/demo/seed", json={"seed": 42, "customers": 12, "orders": 8})
    assert _snapshot(client) == first
    assert len(first["customers"]) >= 12 and len(first["orders"]) == 8
    emails = [c["email"] for c in first["customers"] if c["email"]]
    assert len(emails) == len(set(emails))
    client.post("/_harness/reset")
    client.post("/_harness/shops/demo/seed", json={"seed": 43, "customers": 12, "orders": 8})
    assert _snapshot(client) != first


def test_seed_draws_french_and_american_names(app):
    client = app.test_client()
    made = client.post("/_harness/shops/demo/seed", json={"seed": 7, "customers": 20}).json
    countries = {c["default_address"]["country"] for c in _snapshot(client)["customers"] if c["default_address"]}
    assert countries == {"France", "United States"} and len(made["customers"]) == 20


def test_merchant_edits_and_clock(app, store):
    client = app.test_client()
    made = client.post("/_harness/shops/demo/merchant/create_customer",
                       json={"payload": {"email": "m@example.com"}})
    assert made.status_code == 200
    cid = made.json["result"]["id"]
    assert client.post("/_harness/clock", json={"advance_seconds": 90}).json["now"] == "2031-01-06T09:01:30+00:00"
    client.post("/_harness/shops/demo/merchant/update_customer",
                json={"customer_id": cid, "payload": {"first_name": "Merchant"}})
    assert store.get_customer("demo", cid).updated_at.isoformat() == "2031-01-06T09:01:30+00:00"
    refused = client.post("/_harness/shops/demo/merchant/update_customer",
                          json={"customer_id": cid, "payload": {"email": "bad"}})
    assert refused.status_code == 422
    assert client.post("/_harness/shops/demo/merchant/no_such_thing", json={}).status_code == 404
    assert client.post("/_harness/clock", json={"set": "2030-01-01T00:00:00Z"}).status_code == 400


def test_openapi_document_leaves_out_the_harness(app):
    document = app.test_client().get("/openapi.json").json
    assert document["openapi"].startswith("3.")
    assert "/customers.json" in document["paths"]
    assert not any("_harness" in path for path in document["paths"])
