"""A fake HubSpot restarted from a snapshot is indistinguishable from the one that was snapshotted.

Two apps: the original, filled through the API, OAuth and the UI, and a fresh one restored from the
original's `GET /_harness/snapshot` through `PUT /_harness/snapshot`. Every public read answers the
same bytes and the same rate-limit and correlation headers on both (search included, which lags the
writes); the same writes then get the same ids, tokens and webhooks on both.
"""

from __future__ import annotations

import json

import pytest
from flask import Flask

from fakes.audit import AuditLog
from fakes.clock import SimClock
from fakes.hubspot.app import create_app
from fakes.hubspot.snapshot import dump
from fakes.hubspot.store import HubSpotStore
from fakes.outbox import Outbox
from harness.tenants import PortalTenant, open_portal
from tests.fakes.hubspot.conftest import Api

PORTAL = 101
TARGET = "https://sync.example/webhooks/hubspot"
HEADERS = ("x-hubspot-correlation-id", "X-HubSpot-RateLimit-Remaining", "X-HubSpot-RateLimit-Daily-Remaining",
           "X-HubSpot-RateLimit-Secondly-Remaining")
SEARCH = {"filterGroups": [{"filters": [{"propertyName": "email", "operator": "CONTAINS_TOKEN",
                                         "value": "*example*"}]}],
          "properties": ["email", "firstname"], "limit": 5}


def _fresh() -> Flask:
    return create_app(HubSpotStore(SimClock(), Outbox()), audit=AuditLog())


def _fake(app: Flask):
    return app.extensions["hubspot"]


def _original() -> tuple[Flask, PortalTenant]:
    app = _fresh()
    store = _fake(app).store
    tenant = open_portal(store, 7, portal_id=PORTAL, tier="enterprise")
    api = Api(app.test_client(), tenant.access_token)
    harness = app.test_client()
    key = {"hapikey": tenant.developer_api_key}
    assert harness.put(f"/webhooks/v3/{tenant.app_id}/settings", json={"targetUrl": TARGET},
                       query_string=key).status_code == 200
    for event in ("contact.creation", "object.creation"):
        body = {"eventType": event, **({"objectTypeId": "0-123"} if event.startswith("object") else {})}
        assert harness.post(f"/webhooks/v3/{tenant.app_id}/subscriptions", json=body,
                            query_string=key).status_code == 201
    store.seed(PORTAL, 7, contacts=12, companies=4, products=5, orders=3, carts=2)
    assert api.post("/crm/v3/properties/contacts", json={"name": "shoe_size", "label": "Shoe size",
                                                         "type": "number", "fieldType": "number",
                                                         "groupName": "contactinformation"}).status_code == 201
    contact = api.create("contacts", email="ada@example.com", firstname="Ada", shoe_size="38")["id"]
    company = api.create("companies", name="Analytical", domain="analytical.example")["id"]
    api.put(f"/crm/v4/objects/contacts/{contact}/associations/companies/{company}", json=[
        {"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 1}])
    api.post("/crm/v4/associations/contacts/companies/labels", json={"label": "Billing contact"})
    twin = api.create("contacts", email="ada.twin@example.com", firstname="Twin")["id"]
    api.post("/crm/v3/objects/contacts/merge", json={"primaryObjectId": contact, "objectIdToMerge": twin})
    harness.post(f"/_harness/ecommerce/{PORTAL}/dashboards",
                 json={"name": "Sales", "reports": ["revenue"], "access": "everyone", "ownerUserId": 1})
    _fake(app).clock.advance(30)
    api.patch(f"/crm/v3/objects/contacts/{contact}", json={"properties": {"firstname": "Augusta"}})
    api.delete(f"/crm/v3/objects/companies/{company}")
    # Made just now: search has not indexed it yet, and its webhook is not due yet.
    api.create("contacts", email="late@example.com", firstname="Late")
    return app, tenant


@pytest.fixture
def twins():
    original, tenant = _original()
    document = original.test_client().get("/_harness/snapshot")
    assert document.status_code == 200
    restored = _fresh()
    put = restored.test_client().put("/_harness/snapshot", data=document.get_data(), content_type="application/json")
    assert put.status_code == 200, put.get_data(as_text=True)
    return original, restored, tenant


def _reads(app: Flask, tenant: PortalTenant) -> list[tuple[str, str, dict | None]]:
    store = _fake(app).store
    contacts = sorted(store.portals[PORTAL].records["contacts"], key=int)
    merged = next(r.id for r in store.records(PORTAL, "contacts") if r.properties.get("email") == "ada@example.com")
    key = f"hapikey={tenant.developer_api_key}"
    return [
        ("GET", "/crm/v3/objects/contacts?limit=4&properties=email,firstname,shoe_size", None),
        ("GET", "/crm/v3/objects/contacts?archived=true", None),
        ("GET", f"/crm/v3/objects/contacts/{merged}?propertiesWithHistory=firstname&associations=companies", None),
        ("GET", f"/crm/v3/objects/contacts/{contacts[0]}", None),
        ("GET", "/crm/v3/objects/companies?limit=100", None),
        ("GET", "/crm/v3/objects/orders?limit=100&associations=line_items,contacts", None),
        ("GET", "/crm/v3/objects/carts?limit=100", None),
        ("POST", "/crm/v3/objects/contacts/search", SEARCH),
        ("POST", "/crm/v3/objects/contacts/batch/read", {"inputs": [{"id": i} for i in contacts[:5]],
                                                          "properties": ["email"]}),
        ("GET", "/crm/v3/properties/contacts", None),
        ("GET", "/crm/v3/properties/contacts/shoe_size", None),
        ("GET", "/crm/v3/pipelines/orders", None),
        ("GET", f"/crm/v4/objects/contacts/{merged}/associations/companies", None),
        ("GET", "/crm/v4/associations/contacts/companies/labels", None),
        ("GET", "/account-info/v3/details", None),
        ("GET", f"/webhooks/v3/{tenant.app_id}/settings?{key}", None),
        ("GET", f"/webhooks/v3/{tenant.app_id}/subscriptions?{key}", None),
        ("GET", f"/_harness/ecommerce/{PORTAL}/dashboards", None),
        ("GET", f"/_harness/ecommerce/{PORTAL}/reports", None),
    ]


def _answers(app: Flask, tenant: PortalTenant) -> list[tuple]:
    client = app.test_client()
    auth = {"Authorization": f"Bearer {tenant.access_token}"}
    out = []
    for method, path, body in _reads(app, tenant):
        response = client.open(path, method=method, json=body, headers=auth)
        out.append((method, path, response.status_code, response.get_data(),
                    {h: response.headers.get(h) for h in HEADERS}))
    return out


def _pending(app: Flask) -> list[tuple]:
    fake = _fake(app)
    now = fake.clock.now()
    return [(d.seq, d.topic, d.event_id, d.due_at, d.body, d.headers_at(now)) for d in fake.outbox.pending()]


def test_the_snapshot_is_plain_json_and_restores_to_the_same_snapshot(twins) -> None:
    original, restored, _ = twins
    text = json.dumps(dump(_fake(original)), sort_keys=True)
    assert json.dumps(dump(_fake(restored)), sort_keys=True) == text


def test_every_public_read_answers_the_same_bytes_and_headers(twins) -> None:
    original, restored, tenant = twins
    first = _answers(original, tenant)
    assert all(status == 200 for _, _, status, _, _ in first), [(p, s) for _, p, s, _, _ in first if s != 200]
    assert _answers(restored, tenant) == first
    assert _pending(restored) == _pending(original) != []
    # Search lags the writes; on both it catches up at the same simulated moment.
    searches = []
    for app in (original, restored):
        _fake(app).clock.advance(10)
        searches.append(_answers(app, tenant))
    assert searches[0] == searches[1]
    total = [json.loads(next(body for _, path, _, body, _ in answers if path.endswith("/search")))["total"]
             for answers in (first, searches[0])]
    assert total[1] == total[0] + 1, "the contact made last should reach the index after the delay"


def test_the_same_writes_get_the_same_ids_tokens_and_webhooks(twins) -> None:
    original, restored, tenant = twins

    def writes(app: Flask) -> list[bytes]:
        fake = _fake(app)
        fake.clock.advance(60)
        client = app.test_client()
        api = Api(client, tenant.access_token)
        refresh = next(iter(fake.store.refresh_tokens))
        app_record = fake.store.apps[tenant.app_id]
        answers = [
            api.post("/crm/v3/objects/contacts", json={"properties": {"email": "new@example.com"}}),
            api.post("/crm/v3/objects/products/batch/upsert", json={"inputs": [
                {"idProperty": "hs_sku", "id": "SKU-NEW", "properties": {"name": "Lamp", "price": "12"}}]}),
            api.post("/crm/v3/objects/contacts/search", json=SEARCH),
            client.post("/oauth/v1/token", data={"grant_type": "refresh_token", "refresh_token": refresh,
                                                 "client_id": app_record.client_id,
                                                 "client_secret": app_record.client_secret}),
            client.post(f"/webhooks/v3/{tenant.app_id}/subscriptions", json={"eventType": "contact.deletion"},
                        query_string={"hapikey": tenant.developer_api_key}),
        ]
        fake.store.add_private_app(PORTAL, "pat-na1-second")
        return [r.get_data() for r in answers] + [json.dumps(fake.store.apps[max(fake.store.apps)].client_id).encode()]

    assert writes(restored) == writes(original)
    assert _answers(restored, tenant) == _answers(original, tenant)
    assert _pending(restored) == _pending(original)


def test_a_restore_refuses_what_is_not_a_snapshot_of_hubspot() -> None:
    client = _fresh().test_client()
    assert client.put("/_harness/snapshot", json={"format": "nope"}).status_code == 400
    assert client.put("/_harness/snapshot", json={"format": "shopsync-fake-snapshot/1",
                                                  "fake": "shopify"}).status_code == 400
    assert "/_harness/snapshot" not in client.get("/openapi.json").get_data(as_text=True)



def test_record_tables_restored_as_plain_maps_still_page_in_id_order() -> None:
    # A snapshot made before the tables were id-ordered decodes them as plain maps (in any order).
    app, tenant = _original()
    portal = _fake(app).store.portals[PORTAL]
    table = portal.records["contacts"]
    portal.records["contacts"] = dict(reversed(list(table.items())))
    api = Api(app.test_client(), tenant.access_token)
    ids, after = [], None
    while True:
        page = api.get("/crm/v3/objects/contacts", query_string={"limit": 5, **({"after": after} if after else {})})
        assert page.status_code == 200
        ids += [int(r["id"]) for r in page.json["results"]]
        after = (page.json.get("paging") or {}).get("next", {}).get("after")
        if not after:
            break
    assert ids == sorted(int(i) for i in table if not table[i].archived)
