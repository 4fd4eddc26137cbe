"""HubSpot's date-versioned CRM API (2026-03, 2026-09) beside v3/v4, over the same store
(docs/vendor-behaviour.md §9.F): the paths HubSpot documents, the shapes it documents as changed, an unknown
version refused, and the audit log keeping both the asked path and the legacy route."""

from __future__ import annotations

import pytest

V = "2026-03"


@pytest.mark.parametrize("version", ["2026-03", "2026-09", "2025-09", "2026-09-beta"])
def test_objects_through_a_date_version_are_the_v3_records(api, version):
    made = api.post(f"/crm/objects/{version}/contacts", json={"properties": {"email": "ada@example.com",
                                                                             "firstname": "Ada"}})
    assert made.status_code == 201
    contact = made.json
    read = api.get(f"/crm/v3/objects/contacts/{contact['id']}", query_string={"properties": "firstname"})
    assert read.json["properties"]["firstname"] == "Ada"
    again = api.get(f"/crm/objects/{version}/contacts/{contact['id']}", query_string={"properties": "firstname"})
    assert again.json == read.json
    patched = api.patch(f"/crm/objects/{version}/contacts/{contact['id']}", json={"properties": {"firstname": "A."}})
    assert patched.status_code == 200 and patched.json["properties"]["firstname"] == "A."


def test_batch_search_and_upsert_through_2026_03(api, clock):
    from datetime import timedelta
    made = api.post(f"/crm/objects/{V}/contacts/batch/upsert", json={"inputs": [
        {"idProperty": "email", "id": "grace@example.com", "properties": {"firstname": "Grace"}}]})
    assert made.status_code == 200 and made.json["status"] == "COMPLETE"
    clock.advance(timedelta(seconds=30))  # past the search index lag
    found = api.post(f"/crm/objects/{V}/contacts/search", json={"filterGroups": [{"filters": [
        {"propertyName": "email", "operator": "EQ", "value": "grace@example.com"}]}]})
    assert found.status_code == 200 and found.json["total"] == 1
    read = api.post(f"/crm/objects/{V}/contacts/batch/read", json={"idProperty": "email",
                                                                   "inputs": [{"id": "grace@example.com"}]})
    assert read.json["results"][0]["properties"]["email"] == "grace@example.com"


def test_associations_record_and_batch_forms(api):
    contact = api.create("contacts", email="ada@example.com")
    order = api.create("orders", hs_order_name="#1001")
    put = api.put(f"/crm/objects/{V}/orders/{order['id']}/associations/default/contacts/{contact['id']}")
    assert put.status_code == 200
    listed = api.get(f"/crm/objects/{V}/orders/{order['id']}/associations/contacts")
    assert [r["toObjectId"] for r in listed.json["results"]] == [int(contact["id"])]
    read = api.post(f"/crm/associations/{V}/orders/contacts/batch/read", json={"inputs": [{"id": order["id"]}]})
    assert read.status_code == 200 and read.json["results"][0]["to"][0]["toObjectId"] == int(contact["id"])
    # v4 answers 204 here; the date versions 200 with a BatchResponse (§9.F.2).
    body = {"inputs": [{"from": {"id": order["id"]}, "to": [{"id": contact["id"]}]}]}
    archived = api.post(f"/crm/associations/{V}/orders/contacts/batch/archive", json=body)
    assert archived.status_code == 200 and archived.json["status"] == "COMPLETE"
    assert api.post("/crm/v4/associations/orders/contacts/batch/archive", json=body).status_code == 204


def test_properties_and_pipelines_through_2026_03(api):
    props = api.get(f"/crm/properties/{V}/contacts")
    assert props.status_code == 200 and any(p["name"] == "email" for p in props.json["results"])
    assert api.get(f"/crm/properties/{V}/contacts/email").json == api.get("/crm/v3/properties/contacts/email").json
    pipelines = api.get(f"/crm/pipelines/{V}/orders")
    assert pipelines.status_code == 200 and pipelines.json == api.get("/crm/v3/pipelines/orders").json


def test_an_unknown_version_is_a_path_hubspot_does_not_have(api):
    response = api.get("/crm/objects/2024-01/contacts")
    assert response.status_code == 404
    assert response.json["category"] == "OBJECT_NOT_FOUND" and response.json["status"] == "error"


def test_a_versioned_call_needs_the_same_token_and_counts_against_the_same_limits(api, app):
    anonymous = app.test_client().get(f"/crm/objects/{V}/contacts")
    assert anonymous.status_code == 401
    first = api.get(f"/crm/objects/{V}/contacts")
    second = api.get("/crm/v3/objects/contacts")
    left = int(first.headers["X-HubSpot-RateLimit-Remaining"])
    assert int(second.headers["X-HubSpot-RateLimit-Remaining"]) == left - 1


def test_the_audit_log_keeps_the_asked_path_and_its_legacy_route(api, audit):
    api.get(f"/crm/objects/{V}/contacts")
    api.get("/crm/v3/objects/contacts")
    versioned, legacy = audit.entries()[-2:]
    assert (versioned.path, versioned.route, versioned.legacy_path) == (
        f"/crm/objects/{V}/contacts", "/crm/v3/objects/contacts", "/crm/v3/objects/contacts")
    assert (legacy.path, legacy.route, legacy.legacy_path) == ("/crm/v3/objects/contacts", None,
                                                               "/crm/v3/objects/contacts")


def test_the_openapi_document_covers_the_date_versions():
    from fakes.hubspot.openapi import document
    paths = document()["paths"]
    for version in ("2026-03", "2026-09"):
        assert f"/crm/objects/{version}/{{objectType}}/batch/upsert" in paths
        assert f"/crm/properties/{version}/{{objectType}}" in paths
    archive = paths["/crm/associations/2026-03/{fromObjectType}/{toObjectType}/batch/archive"]["post"]["responses"]
    assert "200" in archive and "204" not in archive


@pytest.mark.parametrize(("mode", "status"), [("gone", 410), ("not_found", 404)])
def test_after_the_legacy_sunset_only_the_date_versions_answer(api, harness, mode, status):
    assert harness.put("/_harness/legacy-sunset", json={"mode": mode}).status_code == 200
    legacy = api.get("/crm/v3/objects/contacts")
    assert legacy.status_code == status and legacy.json["status"] == "error"
    if mode == "gone":
        assert legacy.json["category"] == "GONE" and "/crm/objects/2026-03/" in legacy.json["message"]
    assert api.get("/crm/v4/objects/contacts/1/associations/companies").status_code == status
    assert api.get(f"/crm/objects/{V}/contacts").status_code == 200
    assert harness.put("/_harness/legacy-sunset", json={"mode": None}).status_code == 200
    assert api.get("/crm/v3/objects/contacts").status_code == 200
    assert harness.put("/_harness/legacy-sunset", json={"mode": "soon"}).status_code == 400
