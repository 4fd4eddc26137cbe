"""Properties API (including custom properties) and Pipelines API (docs/vendor-behaviour.md §3.7)."""

from __future__ import annotations

from fakes.hubspot.pipelines import ORDER_PIPELINE_ID, ORDER_STAGES

from .conftest import Api

CUSTOM = {"name": "shopify_tags", "label": "Shopify tags", "type": "string", "fieldType": "text",
          "groupName": "contactinformation"}


def test_list_and_get_defined_properties(api: Api) -> None:
    names = {p["name"] for p in api.get("/crm/v3/properties/contacts").json["results"]}
    assert {"email", "firstname", "lastname", "phone", "lifecyclestage", "lastmodifieddate"} <= names
    email = api.get("/crm/v3/properties/contacts/email").json
    assert email["type"] == "string" and email["hubspotDefined"] is True
    orders = {p["name"] for p in api.get("/crm/v3/properties/0-123").json["results"]}
    assert {"hs_order_name", "hs_external_order_id", "hs_pipeline_stage", "hs_shipping_address_city"} <= orders
    assert api.get("/crm/v3/properties/contacts/nope").status_code == 404


def test_custom_property_lifecycle(api: Api) -> None:
    created = api.post("/crm/v3/properties/contacts", json=CUSTOM)
    assert created.status_code == 201 and created.json["hubspotDefined"] is False
    assert api.post("/crm/v3/properties/contacts", json=CUSTOM).status_code == 409
    cid = api.create("contacts", email="t@x.com", shopify_tags="vip")["id"]
    assert api.get(f"/crm/v3/objects/contacts/{cid}?properties=shopify_tags").json["properties"][
        "shopify_tags"] == "vip"
    patched = api.patch("/crm/v3/properties/contacts/shopify_tags", json={"label": "Tags"})
    assert patched.status_code == 200 and patched.json["label"] == "Tags"
    assert api.patch("/crm/v3/properties/contacts/email", json={"label": "x"}).status_code == 400
    assert api.delete("/crm/v3/properties/contacts/shopify_tags").status_code == 204
    assert api.get("/crm/v3/properties/contacts/shopify_tags").status_code == 404
    archived = api.get("/crm/v3/properties/contacts?archived=true").json["results"]
    assert [p["name"] for p in archived] == ["shopify_tags"]
    assert api.post("/crm/v3/objects/contacts", json={"properties": {"shopify_tags": "x"}}).status_code == 400
    assert api.delete("/crm/v3/properties/contacts/email").status_code == 400


def test_property_validation(api: Api) -> None:
    for bad in ({}, {**CUSTOM, "name": "Bad Name"}, {**CUSTOM, "type": "blob"},
                {**CUSTOM, "type": "enumeration", "fieldType": "select"}, {**CUSTOM, "options": "x"}):
        assert api.post("/crm/v3/properties/contacts", json=bad).status_code == 400, bad


def test_enumeration_and_unique_custom_properties(api: Api) -> None:
    api.post("/crm/v3/properties/orders", json={
        "name": "channel", "label": "Channel", "type": "enumeration", "fieldType": "select",
        "groupName": "orderinformation",
        "options": [{"label": "Web", "value": "web"}, {"label": "POS", "value": "pos"}]})
    assert api.post("/crm/v3/objects/orders", json={"properties": {"channel": "web"}}).status_code == 201
    assert api.post("/crm/v3/objects/orders", json={"properties": {"channel": "fax"}}).status_code == 400
    api.post("/crm/v3/properties/products", json={"name": "shopify_id", "label": "Shopify id", "type": "string",
                                                  "fieldType": "text", "groupName": "productinformation",
                                                  "hasUniqueValue": True})
    pid = api.create("products", name="P", shopify_id="gid-1")["id"]
    assert api.get("/crm/v3/objects/products/gid-1?idProperty=shopify_id").json["id"] == pid


def test_batch_properties(api: Api) -> None:
    created = api.post("/crm/v3/properties/companies/batch/create", json={"inputs": [
        {**CUSTOM, "name": "a_prop", "groupName": "companyinformation"},
        {**CUSTOM, "name": "b_prop", "groupName": "companyinformation"}]})
    assert created.status_code == 201 and len(created.json["results"]) == 2
    read = api.post("/crm/v3/properties/companies/batch/read", json={"inputs": [{"name": "a_prop"}, {"name": "zz"}]})
    assert read.status_code == 207 and [p["name"] for p in read.json["results"]] == ["a_prop"]
    assert api.post("/crm/v3/properties/companies/batch/archive",
                    json={"inputs": [{"name": "a_prop"}]}).status_code == 204
    assert api.get("/crm/v3/properties/companies/a_prop").status_code == 404


def test_default_order_pipeline_with_real_stage_ids(api: Api) -> None:
    pipelines = api.get("/crm/v3/pipelines/orders").json["results"]
    assert [p["id"] for p in pipelines] == [ORDER_PIPELINE_ID]
    stages = {s["label"]: s["id"] for s in pipelines[0]["stages"]}
    assert stages == ORDER_STAGES
    assert stages["Shipped"] == "aa99e8d0-c1d5-4071-b915-d240bbb1aed9"
    one = api.get(f"/crm/v3/pipelines/0-123/{ORDER_PIPELINE_ID}").json
    assert one["label"] and one["displayOrder"] == 0
    listed = api.get(f"/crm/v3/pipelines/orders/{ORDER_PIPELINE_ID}/stages").json["results"]
    assert [s["label"] for s in listed] == ["Open", "Processed", "Shipped", "Delivered", "Cancelled"]
    stage = api.get(f"/crm/v3/pipelines/orders/{ORDER_PIPELINE_ID}/stages/{ORDER_STAGES['Cancelled']}").json
    assert stage["label"] == "Cancelled"
    assert api.get(f"/crm/v3/pipelines/orders/{ORDER_PIPELINE_ID}/stages/nope").status_code == 404
    assert api.get("/crm/v3/pipelines/orders/nope").status_code == 404


def test_default_deal_pipeline_and_no_pipelines_for_contacts(api: Api) -> None:
    deal = api.get("/crm/v3/pipelines/deals").json["results"][0]
    assert deal["id"] == "default"
    assert [s["id"] for s in deal["stages"]] == ["appointmentscheduled", "qualifiedtobuy", "presentationscheduled",
                                                 "decisionmakerboughtin", "contractsent", "closedwon", "closedlost"]
    assert api.get("/crm/v3/pipelines/contacts").status_code == 400
    created = api.create("deals", dealname="D", dealstage="closedwon")
    assert created["properties"]["pipeline"] == "default"
    assert api.post("/crm/v3/objects/deals", json={"properties": {"dealstage": "nope"}}).status_code == 400
