"""The /_harness/ control API, seeding determinism, reset speed, the demo portal, and judge read helpers."""

from __future__ import annotations

import json
import time

from flask.testing import FlaskClient

from fakes.clock import SimClock
from fakes.hubspot.app import create_app
from fakes.hubspot.demo import DEMO_TOKEN, add_demo_portal
from fakes.hubspot.store import HubSpotStore
from fakes.outbox import Outbox

from .conftest import Api


def test_reset_is_fast_and_complete(store: HubSpotStore) -> None:
    store.seed(101, 1, contacts=5)
    store.reset()
    assert store.portals == {} and store.tokens == {}
    empty = HubSpotStore(SimClock())
    started = time.perf_counter()
    for _ in range(100):
        empty.reset()
    assert (time.perf_counter() - started) / 100 < 0.001


def test_seed_is_deterministic_and_mixes_locales() -> None:
    def snapshot(seed: int) -> list[tuple[str, str, dict[str, str]]]:
        hub = HubSpotStore(SimClock())
        hub.add_portal(7)
        hub.seed(7, seed, contacts=30, companies=4, products=5, orders=3, carts=2)
        return [(t, r.id, r.properties) for t in ("contacts", "companies", "products", "orders", "carts",
                                                   "line_items") for r in hub.records(7, t)]

    first, again, other = snapshot(42), snapshot(42), snapshot(43)
    assert first == again and first != other
    contacts = [p for t, _, p in first if t == "contacts"]
    assert len(contacts) == 30 and len({p["email"] for p in contacts}) == 30
    phones = {p["phone"] for p in contacts}
    assert any(ph.startswith(("+33", "0")) for ph in phones) and any("(" in ph or "-" in ph for ph in phones)


def test_harness_endpoints(harness: FlaskClient, store: HubSpotStore, outbox: Outbox) -> None:
    created = harness.post("/_harness/portals", json={"portalId": 303, "tier": "starter", "opsHub": "free",
                                                      "tokens": {"pat-na1-303": None}})
    assert created.status_code == 201 and created.json["tier"] == "starter"
    assert harness.post("/_harness/portals", json={"portalId": 303}).status_code == 409
    tier = harness.put("/_harness/portals/303/tier", json={"opsHub": "professional"}).json
    assert tier["opsHub"] == "professional" and tier["tier"] == "starter"
    assert harness.put("/_harness/portals/303/tier", json={"tier": "platinum"}).status_code == 400
    users = harness.put("/_harness/portals/303/users", json=[{"id": 9, "email": "a@x.com", "appMarketplace": True}])
    assert users.json["users"][0]["appMarketplace"] is True
    seeded = harness.post("/_harness/portals/303/seed", json={"seed": 5, "contacts": 3, "companies": 1,
                                                              "products": 2})
    assert [len(seeded.json[k]) for k in ("contacts", "companies", "products")] == [3, 1, 2]
    record = harness.post("/_harness/portals/303/objects/contacts", json={"properties": {"email": "m@x.com"}})
    assert record.status_code == 201
    rid = record.json["id"]
    patched = harness.patch(f"/_harness/portals/303/objects/contacts/{rid}", json={"properties": {"city": "Rome"}})
    assert patched.json["properties"]["city"] == "Rome"
    assert harness.delete(f"/_harness/portals/303/objects/contacts/{rid}").status_code == 204
    judged = harness.get(f"/_harness/portals/303/objects/contacts/{rid}").json
    assert judged["archived"] is True and judged["properties"]["email"] == "m@x.com"
    live = harness.get("/_harness/portals/303/objects/contacts?archived=false").json["results"]
    assert len(live) == 3
    clock = harness.post("/_harness/clock/advance", json={"seconds": 90}).json
    assert clock["now"] == "2031-01-06T09:01:30+00:00"
    assert harness.put("/_harness/clock", json={"now": "2031-01-01T00:00:00Z"}).status_code == 400
    assert harness.put("/_harness/clock", json={"now": "2031-02-01T00:00:00Z"}).json["now"].startswith("2031-02-01")
    assert harness.put("/_harness/search-delay", json={"seconds": 30}).json == {"seconds": 30.0}
    Api(harness, "pat-na1-303").get("/crm/v3/objects/contacts")
    audit = harness.get("/_harness/audit").json["results"]
    assert [(a["tenant"], a["path"], a["status"]) for a in audit] == [("303", "/crm/v3/objects/contacts", 200)]
    assert harness.get("/_harness/audit?since=1").json["results"] == []
    assert harness.get("/_harness/outbox").json == {"results": []}
    assert harness.get("/_harness/portals/999").status_code == 404
    reset = harness.post("/_harness/reset?demo=true").json
    assert reset["demoToken"] == DEMO_TOKEN
    assert harness.get("/_harness/portals/303").status_code == 404
    assert Api(harness, DEMO_TOKEN).get("/crm/v3/objects/contacts").status_code == 200


def test_marketer_edits_bypass_auth_and_rate_limits(store: HubSpotStore, api: Api) -> None:
    store.set_tier(101, tier="free")
    for i in range(150):
        store.marketer_create(101, "companies", {"name": f"C{i}"})
    assert api.get("/crm/v3/objects/companies").status_code == 200
    contact = store.marketer_create(101, "contacts", {"email": "Judge@X.com"})
    assert store.contact_by_email(101, "judge@x.com").id == contact.id
    order = store.marketer_create(101, "orders", {}, associations=[
        {"to": {"id": contact.id}, "types": [{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 507}]}])
    assert store.associations_of(101, "orders", order.id) == [("contacts", contact.id, [507])]
    assert store.associations_of(101, "contacts", contact.id, "orders") == [("orders", order.id, [508])]
    store.marketer_archive(101, "orders", order.id)
    assert store.record(101, "orders", order.id).archived is True
    assert [r.id for r in store.records(101, "orders", archived=None)] == [order.id]
    assert store.record(101, "orders", "1") is None


def test_demo_portal_and_app_factory_defaults() -> None:
    app = create_app()
    store = app.extensions["hubspot"].store
    portal_id, token = add_demo_portal(store)
    assert (portal_id, token) == (62515, "pat-na1-demo")
    client = app.test_client()
    response = client.post("/crm/v3/objects/orders", json={"properties": {"hs_order_name": "#1"}},
                           headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 201
    assert json.loads(client.get("/openapi.json").data)["info"]["title"]
    users = store.portal(portal_id).users
    assert users[1].may_install_apps and users[2].may_install_apps and not users[3].may_install_apps
