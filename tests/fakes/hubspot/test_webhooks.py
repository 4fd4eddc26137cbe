"""Webhook subscriptions, event batching, v3 signatures, and events from marketer edits."""

from __future__ import annotations

import json

import pytest
from flask.testing import FlaskClient
from hubspot.utils.signature import Signature

from fakes.hubspot.apps import App
from fakes.hubspot.store import HubSpotStore
from fakes.outbox import Outbox

from .conftest import TOKEN, Api

TARGET = "http://127.0.0.1:8765/webhooks/hubspot"


@pytest.fixture
def private_app(store: HubSpotStore) -> App:
    token = store.tokens[TOKEN]
    return store.apps[token.app_id]


def _subscribe(api: Api, app: App, *types: str, **extra: str) -> None:
    assert api.put(f"/webhooks/v3/{app.app_id}/settings", json={"targetUrl": TARGET}).status_code == 200
    for event_type in types:
        response = api.post(f"/webhooks/v3/{app.app_id}/subscriptions", json={"eventType": event_type, **extra})
        assert response.status_code == 201, response.json


def _events(outbox: Outbox) -> list[dict]:
    return [e for d in outbox.all() for e in json.loads(d.body)]


def test_creation_event_is_signed_v3_and_stamped_with_sim_time(api: Api, private_app: App, outbox: Outbox,
                                                               clock) -> None:
    _subscribe(api, private_app, "contact.creation")
    cid = api.create("contacts", email="w@x.com")["id"]
    [delivery] = outbox.all()
    assert delivery.source == "hubspot" and delivery.tenant == "101" and delivery.address == TARGET
    assert delivery.created_at == clock.now() and delivery.due_at > delivery.created_at
    [event] = json.loads(delivery.body)
    assert event["subscriptionType"] == "contact.creation" and event["objectId"] == int(cid)
    assert event["portalId"] == 101 and event["appId"] == private_app.app_id and event["changeFlag"] == "NEW"
    assert event["occurredAt"] == clock.epoch_millis() and event["changeSource"] == "INTEGRATION"
    headers = delivery.headers
    timestamp = int(headers["X-HubSpot-Request-Timestamp"])
    assert timestamp == int(delivery.due_at.timestamp() * 1000)
    # The official SDK's validator accepts it (the simulated clock lies in the future of the wall clock,
    # so its 300 s age check passes) and rejects a tampered body.
    assert Signature.is_valid(headers["X-HubSpot-Signature-v3"], private_app.client_secret, delivery.body.decode(),
                              TARGET, "POST", "v3", str(timestamp))
    assert not Signature.is_valid(headers["X-HubSpot-Signature-v3"], private_app.client_secret,
                                  delivery.body.decode() + " ", TARGET, "POST", "v3", str(timestamp))
    assert Signature.get_signature(client_secret=private_app.client_secret, request_body=delivery.body.decode(),
                                   signature_version="v1") == headers["X-HubSpot-Signature"]


def test_property_change_filter_and_marketer_edits(api: Api, store: HubSpotStore, private_app: App,
                                                   outbox: Outbox) -> None:
    _subscribe(api, private_app, "contact.propertyChange", propertyName="firstname")
    cid = api.create("contacts", email="p@x.com", firstname="A")["id"]
    assert outbox.all() == []  # creation is not a propertyChange
    api.patch(f"/crm/v3/objects/contacts/{cid}", json={"properties": {"firstname": "B", "city": "Lyon"}})
    store.marketer_update(101, "contacts", cid, {"firstname": "C"})
    events = _events(outbox)
    assert [(e["propertyName"], e["propertyValue"], e["changeSource"]) for e in events] == [
        ("firstname", "B", "INTEGRATION"), ("firstname", "C", "CRM_UI")]


def test_object_events_for_orders_and_deletion(api: Api, store: HubSpotStore, private_app: App,
                                               outbox: Outbox) -> None:
    _subscribe(api, private_app, "contact.deletion")
    api.post(f"/webhooks/v3/{private_app.app_id}/subscriptions", json={"eventType": "object.creation",
                                                                       "objectTypeId": "0-123"})
    oid = store.marketer_create(101, "orders", {"hs_order_name": "#9"}).id
    cid = api.create("contacts", email="gone@x.com")["id"]
    store.marketer_archive(101, "contacts", cid)
    events = _events(outbox)
    assert [(e["subscriptionType"], e["objectId"]) for e in events] == [("object.creation", int(oid)),
                                                                        ("contact.deletion", int(cid))]
    assert events[0]["objectTypeId"] == "0-123" and events[1]["changeFlag"] == "DELETED"


def test_batches_hold_at_most_100_events(api: Api, private_app: App, outbox: Outbox) -> None:
    _subscribe(api, private_app, "object.creation", objectTypeId="0-7")
    api.post("/crm/v3/objects/products/batch/create",
             json={"inputs": [{"properties": {"name": f"P{i}"}} for i in range(100)]})
    api.post("/crm/v3/objects/products/batch/create",
             json={"inputs": [{"properties": {"name": f"Q{i}"}} for i in range(50)]})
    sizes = [len(json.loads(d.body)) for d in outbox.all()]
    assert sizes == [100, 50]
    event_ids = [e["eventId"] for e in _events(outbox)]
    assert len(set(event_ids)) == 150


def test_seeding_makes_more_than_100_events_into_several_deliveries(api: Api, store: HubSpotStore,
                                                                      private_app: App, outbox: Outbox) -> None:
    _subscribe(api, private_app, "contact.creation")
    store.seed(101, 3, contacts=150, companies=0, products=0)
    assert [len(json.loads(d.body)) for d in outbox.all()] == [100, 50]


def test_inactive_subscriptions_and_no_target_deliver_nothing(api: Api, private_app: App, outbox: Outbox) -> None:
    _subscribe(api, private_app, "contact.creation")
    sub_id = api.get(f"/webhooks/v3/{private_app.app_id}/subscriptions").json["results"][0]["id"]
    assert api.patch(f"/webhooks/v3/{private_app.app_id}/subscriptions/{sub_id}",
                     json={"active": False}).json["active"] is False
    api.create("contacts", email="quiet@x.com")
    assert outbox.all() == []
    assert api.delete(f"/webhooks/v3/{private_app.app_id}/subscriptions/{sub_id}").status_code == 204
    assert api.get(f"/webhooks/v3/{private_app.app_id}/subscriptions/{sub_id}").status_code == 404


def test_webhook_api_auth_and_validation(api: Api, store: HubSpotStore, private_app: App,
                                         harness: FlaskClient) -> None:
    assert harness.get(f"/webhooks/v3/{private_app.app_id}/subscriptions").status_code == 401
    public = store.add_app("pub", scopes={"crm.objects.contacts.read"})
    key = public.developer_api_key
    assert harness.get(f"/webhooks/v3/{public.app_id}/subscriptions?hapikey={key}").status_code == 200
    assert api.get(f"/webhooks/v3/{public.app_id}/subscriptions").status_code == 401  # not its token
    for bad in ({"eventType": "contact.explosion"}, {"eventType": "contact.propertyChange"},
                {"eventType": "object.creation"}, {}):
        assert api.post(f"/webhooks/v3/{private_app.app_id}/subscriptions", json=bad).status_code == 400
    assert api.put(f"/webhooks/v3/{private_app.app_id}/settings", json={"targetUrl": "ftp://x"}).status_code == 400
    assert api.get(f"/webhooks/v3/{private_app.app_id}/settings").status_code == 404


def test_association_change_events(api: Api, private_app: App, outbox: Outbox) -> None:
    _subscribe(api, private_app, "contact.associationChange")
    contact = api.create("contacts", email="as@x.com")["id"]
    company = api.create("companies", name="C")["id"]
    api.put(f"/crm/v4/objects/contacts/{contact}/associations/default/companies/{company}")
    [event] = _events(outbox)
    assert event["associationType"] == "CONTACT_TO_COMPANY" and event["fromObjectId"] == int(contact)
    assert event["associationRemoved"] is False
