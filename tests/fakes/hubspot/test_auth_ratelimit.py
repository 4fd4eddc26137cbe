"""Auth (401/403 bodies, portal isolation), OAuth install flow, rate limits on the simulated clock, audit."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

from flask.testing import FlaskClient

from fakes.audit import AuditLog
from fakes.hubspot.apps import PortalUser
from fakes.hubspot.errors import AUTH_MESSAGE
from fakes.hubspot.store import HubSpotStore

from .conftest import TOKEN, Api


def test_missing_or_unknown_token_is_401_with_real_body(api: Api, harness: FlaskClient) -> None:
    for headers in ({}, {"Authorization": "Bearer nope"}, {"Authorization": "Basic abc"}):
        response = harness.get("/crm/v3/objects/contacts", headers=headers)
        assert response.status_code == 401
        assert response.json["category"] == "INVALID_AUTHENTICATION"
        assert response.json["message"] == AUTH_MESSAGE
        assert response.headers["x-hubspot-correlation-id"] == response.json["correlationId"]


def test_missing_scope_is_403_with_required_scopes(store: HubSpotStore, harness: FlaskClient) -> None:
    store.add_private_app(101, "pat-na1-readonly", {"crm.objects.contacts.read"})
    api = Api(harness, "pat-na1-readonly")
    assert api.get("/crm/v3/objects/contacts").status_code == 200
    response = api.post("/crm/v3/objects/contacts", json={"properties": {"email": "x@y.com"}})
    assert response.status_code == 403
    body = response.json
    assert body["category"] == "MISSING_SCOPES"
    assert body["errors"][0]["context"]["requiredGranularScopes"] == ["crm.objects.contacts.write"]
    assert api.get("/crm/v3/objects/orders").status_code == 403


def test_a_token_only_works_for_its_portal(store: HubSpotStore, harness: FlaskClient) -> None:
    store.add_portal(202, tokens={"pat-na1-other": None})
    other = Api(harness, "pat-na1-other")
    theirs = other.create("contacts", email="secret@b.com")["id"]
    mine = Api(harness, TOKEN)
    assert mine.get(f"/crm/v3/objects/contacts/{theirs}").status_code == 404
    assert mine.get("/crm/v3/objects/contacts").json["results"] == []
    foreign = mine.get("/crm/v3/objects/contacts?portalId=202")
    assert foreign.status_code == 401 and foreign.json["category"] == "INVALID_AUTHENTICATION"
    assert mine.get("/crm/v3/objects/contacts?portalId=101").status_code == 200
    assert mine.get("/account-info/v3/details").json["portalId"] == 101


def test_ten_second_rolling_window_by_tier(store: HubSpotStore, api: Api, clock) -> None:
    store.set_tier(101, tier="professional")
    for _ in range(190):
        assert api.get("/crm/v3/objects/contacts").status_code == 200
    response = api.get("/crm/v3/objects/contacts")
    assert response.status_code == 429
    body = response.json
    assert body["policyName"] == "TEN_SECONDLY_ROLLING" and body["errorType"] == "RATE_LIMIT"
    assert body["message"] == "You have reached your ten_secondly_rolling limit."
    assert response.headers["X-HubSpot-RateLimit-Remaining"] == "0"
    assert response.headers["X-HubSpot-RateLimit-Max"] == "190"
    assert response.headers["Retry-After"] == "10"
    clock.advance(10)
    ok = api.get("/crm/v3/objects/contacts")
    assert ok.status_code == 200 and ok.headers["X-HubSpot-RateLimit-Remaining"] == "189"
    assert ok.headers["X-HubSpot-RateLimit-Interval-Milliseconds"] == "10000"
    assert int(ok.headers["X-HubSpot-RateLimit-Daily-Remaining"]) == 650_000 - 191  # 429s do not count
    store.set_tier(101, tier="starter")
    clock.advance(10)
    assert api.get("/crm/v3/objects/contacts").headers["X-HubSpot-RateLimit-Max"] == "100"
    store.set_tier(101, api_limit_increase=True)
    assert api.get("/crm/v3/objects/contacts").headers["X-HubSpot-RateLimit-Max"] == "250"


def test_rolling_window_is_rolling(store: HubSpotStore, api: Api, clock) -> None:
    store.set_tier(101, tier="free")
    for _ in range(50):
        api.get("/crm/v3/objects/contacts")
    clock.advance(5)
    for _ in range(50):
        api.get("/crm/v3/objects/contacts")
    assert api.get("/crm/v3/objects/contacts").status_code == 429
    clock.advance(5)  # the first 50 leave the window
    assert api.get("/crm/v3/objects/contacts").status_code == 200


def test_search_has_a_secondly_limit_and_is_exempt_from_the_window(store: HubSpotStore, api: Api, clock) -> None:
    store.set_tier(101, tier="free")
    for _ in range(5):
        assert api.post("/crm/v3/objects/contacts/search", json={}).status_code == 200
    response = api.post("/crm/v3/objects/contacts/search", json={})
    assert response.status_code == 429
    assert response.json["message"] == "You have reached your secondly limit."
    assert response.json["policyName"] == "SECONDLY"
    for _ in range(100):
        clock.advance(1)
        assert api.post("/crm/v3/objects/contacts/search", json={}).status_code == 200
    assert api.get("/crm/v3/objects/contacts").headers["X-HubSpot-RateLimit-Remaining"] == "99"


def test_audit_log_records_tenant_and_caller_not_the_secret(api: Api, audit: AuditLog) -> None:
    api.create("contacts", email="a@b.com")
    api.client.get("/crm/v3/objects/contacts")
    entries = audit.entries()
    assert [(e.method, e.path, e.status) for e in entries] == [
        ("POST", "/crm/v3/objects/contacts", 201), ("GET", "/crm/v3/objects/contacts", 401)]
    assert entries[0].fake == "hubspot" and entries[0].tenant == "101"
    assert entries[0].caller and TOKEN not in entries[0].caller
    assert entries[0].at.isoformat() == "2031-01-06T09:00:00+00:00"
    assert entries[1].tenant is None


def test_oauth_install_token_refresh_and_expiry(store: HubSpotStore, harness: FlaskClient, clock) -> None:
    store.set_users(101, [PortalUser(1, "admin@x.com", super_admin=True), PortalUser(2, "mp@x.com",
                                                                                     app_marketplace=True),
                          PortalUser(3, "rep@x.com")])
    app = store.add_app("sync", scopes={"crm.objects.contacts.read", "crm.objects.contacts.write"},
                        redirect_uris=["http://127.0.0.1:9/cb"])
    query = {"client_id": app.client_id, "redirect_uri": "http://127.0.0.1:9/cb",
             "scope": "crm.objects.contacts.read crm.objects.contacts.write", "state": "s1", "portal_id": "101"}
    refused = harness.get("/oauth/authorize", query_string={**query, "user_id": "3"})
    assert refused.status_code == 403 and "App Marketplace" in refused.json["message"]
    for user in ("1", "2"):
        allowed = harness.get("/oauth/authorize", query_string={**query, "user_id": user})
        assert allowed.status_code == 302
    location = urlparse(allowed.headers["Location"])
    params = parse_qs(location.query)
    assert location.path == "/cb" and params["state"] == ["s1"]
    form = {"grant_type": "authorization_code", "client_id": app.client_id, "client_secret": app.client_secret,
            "redirect_uri": "http://127.0.0.1:9/cb", "code": params["code"][0]}
    tokens = harness.post("/oauth/v1/token", data=form)
    assert tokens.status_code == 200
    assert set(tokens.json) == {"access_token", "refresh_token", "expires_in", "token_type"}
    assert tokens.json["expires_in"] == 1800
    reused = harness.post("/oauth/v1/token", data=form)
    assert reused.status_code == 400 and reused.json["status"] == "BAD_AUTH_CODE"
    bad_secret = harness.post("/oauth/v1/token", data={**form, "client_secret": "x"})
    assert bad_secret.json["status"] == "BAD_CLIENT_SECRET"
    oauth = Api(harness, tokens.json["access_token"])
    assert oauth.create("contacts", email="o@x.com")["id"]
    assert oauth.get("/crm/v3/objects/orders").status_code == 403
    assert oauth.get("/crm/v3/objects/contacts").headers["X-HubSpot-RateLimit-Max"] == "110"
    info = harness.get(f"/oauth/v1/access-tokens/{tokens.json['access_token']}").json
    assert info["hub_id"] == 101 and info["app_id"] == app.app_id and info["user_id"] == 2
    refresh_info = harness.get(f"/oauth/v1/refresh-tokens/{tokens.json['refresh_token']}").json
    assert refresh_info["client_id"] == app.client_id
    clock.advance(1800 + 300)
    expired = oauth.get("/crm/v3/objects/contacts")
    assert expired.status_code == 401 and expired.json["category"] == "EXPIRED_AUTHENTICATION"
    refreshed = harness.post("/oauth/v1/token", data={"grant_type": "refresh_token", "client_id": app.client_id,
                                                      "client_secret": app.client_secret,
                                                      "refresh_token": tokens.json["refresh_token"]})
    assert refreshed.status_code == 200
    assert Api(harness, refreshed.json["access_token"]).get("/crm/v3/objects/contacts").status_code == 200
    assert harness.delete(f"/oauth/v1/refresh-tokens/{tokens.json['refresh_token']}").status_code == 204
    gone = harness.post("/oauth/v1/token", data={"grant_type": "refresh_token", "client_id": app.client_id,
                                                 "client_secret": app.client_secret,
                                                 "refresh_token": tokens.json["refresh_token"]})
    assert gone.json["status"] == "BAD_REFRESH_TOKEN"


def test_authorize_errors(store: HubSpotStore, harness: FlaskClient) -> None:
    app = store.add_app("a", scopes={"crm.objects.contacts.read"}, redirect_uris=["http://127.0.0.1:9/cb"])
    base = {"client_id": app.client_id, "redirect_uri": "http://127.0.0.1:9/cb", "scope": "crm.objects.contacts.read",
            "portal_id": "101", "user_id": "1"}
    assert harness.get("/oauth/authorize", query_string={**base, "client_id": "x"}).json["status"] == "BAD_CLIENT_ID"
    assert harness.get("/oauth/authorize", query_string={**base, "redirect_uri": "http://evil"}).status_code == 400
    assert harness.get("/oauth/authorize", query_string={**base, "scope": "crm.objects.orders.read"}
                       ).status_code == 400
    assert harness.get("/oauth/authorize", query_string={**base, "user_id": "77"}).status_code == 403
    assert harness.get("/oauth/v1/access-tokens/nope").status_code == 404
