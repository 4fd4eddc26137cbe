"""Batch read/create/update/upsert/archive: the 100-input limit, 207 multi-status, upsert's `new` flag."""

from __future__ import annotations

from .conftest import Api

ERROR_KEYS = {"status", "category", "message", "context", "links", "errors"}


def test_batch_read_207_lists_missing_ids_with_complete_errors(api: Api) -> None:
    a = api.create("contacts", email="a@x.com", firstname="A")["id"]
    response = api.post("/crm/v3/objects/contacts/batch/read",
                        json={"properties": ["firstname"], "inputs": [{"id": a}, {"id": "999999"}]})
    assert response.status_code == 207
    body = response.json
    assert body["status"] == "COMPLETE" and body["numErrors"] == 1
    assert {"startedAt", "completedAt", "results"} <= set(body)
    assert [r["properties"]["firstname"] for r in body["results"]] == ["A"]
    error = body["errors"][0]
    assert set(error) >= ERROR_KEYS
    assert error["category"] == "OBJECT_NOT_FOUND" and error["context"] == {"ids": ["999999"]}
    ok = api.post("/crm/v3/objects/contacts/batch/read", json={"inputs": [{"id": a}]})
    assert ok.status_code == 200 and "errors" not in ok.json


def test_batch_read_by_email(api: Api) -> None:
    a = api.create("contacts", email="a@x.com")["id"]
    body = api.post("/crm/v3/objects/contacts/batch/read",
                    json={"idProperty": "email", "inputs": [{"id": "A@X.com"}]}).json
    assert [r["id"] for r in body["results"]] == [a]


def test_batch_limit_100(api: Api) -> None:
    inputs = [{"properties": {"name": f"P{i}"}} for i in range(101)]
    response = api.post("/crm/v3/objects/products/batch/create", json={"inputs": inputs})
    assert response.status_code == 400 and response.json["category"] == "VALIDATION_ERROR"
    assert api.get("/crm/v3/objects/products").json["results"] == []
    ok = api.post("/crm/v3/objects/products/batch/create", json={"inputs": inputs[:100]})
    assert ok.status_code == 201 and len(ok.json["results"]) == 100
    history = api.post("/crm/v3/objects/products/batch/read", json={
        "propertiesWithHistory": ["name"], "inputs": [{"id": r["id"]} for r in ok.json["results"][:51]]})
    assert history.status_code == 400
    assert "property histories is 50" in history.json["message"]


def test_batch_create_is_all_or_nothing_by_default(api: Api) -> None:
    response = api.post("/crm/v3/objects/contacts/batch/create", json={"inputs": [
        {"properties": {"email": "ok@x.com"}}, {"properties": {"nope": "1"}}]})
    assert response.status_code == 400
    assert api.get("/crm/v3/objects/contacts").json["results"] == []


def test_batch_create_partial_with_object_write_trace_ids(api: Api) -> None:
    existing = api.create("contacts", email="taken@x.com")["id"]
    response = api.post("/crm/v3/objects/contacts/batch/create", json={"inputs": [
        {"objectWriteTraceId": "t1", "properties": {"email": "new@x.com"}},
        {"objectWriteTraceId": "t2", "properties": {"email": "taken@x.com"}}]})
    assert response.status_code == 207
    body = response.json
    assert [r["properties"]["email"] for r in body["results"]] == ["new@x.com"]
    assert body["results"][0]["objectWriteTraceId"] == "t1"
    error = body["errors"][0]
    assert set(error) >= ERROR_KEYS and error["category"] == "CONFLICT"
    assert error["message"] == f"Contact already exists. Existing ID: {existing}"
    assert error["context"] == {"objectWriteTraceId": ["t2"]}


def test_batch_update_and_missing_ids(api: Api, clock) -> None:
    a = api.create("companies", name="A")["id"]
    clock.advance(3)
    response = api.post("/crm/v3/objects/companies/batch/update", json={"inputs": [
        {"id": a, "properties": {"name": "A2"}}, {"id": "777777", "properties": {"name": "x"}}]})
    assert response.status_code == 207
    assert response.json["results"][0]["properties"]["name"] == "A2"
    assert response.json["results"][0]["properties"]["hs_lastmodifieddate"] == "2031-01-06T09:00:03Z"
    assert response.json["errors"][0]["context"] == {"ids": ["777777"]}
    dupes = api.post("/crm/v3/objects/companies/batch/update", json={"inputs": [
        {"id": a, "properties": {"name": "1"}}, {"id": a, "properties": {"name": "2"}}]})
    assert dupes.status_code == 400 and "Duplicate IDs" in dupes.json["message"]
    invalid = api.post("/crm/v3/objects/companies/batch/update", json={"inputs": [
        {"id": a, "properties": {"bogus": "1"}}]})
    assert invalid.status_code == 400
    assert api.get(f"/crm/v3/objects/companies/{a}").json["properties"]["name"] == "A2"


def test_batch_upsert_new_flag(api: Api) -> None:
    existing = api.create("contacts", email="old@x.com", firstname="Old")["id"]
    response = api.post("/crm/v3/objects/contacts/batch/upsert", json={"inputs": [
        {"id": "OLD@x.com", "idProperty": "email", "properties": {"firstname": "Updated"}},
        {"id": "fresh@x.com", "idProperty": "email", "properties": {"firstname": "Fresh"}}]})
    assert response.status_code == 200
    results = {r["properties"]["email"]: r for r in response.json["results"]}
    assert results["old@x.com"]["new"] is False and results["old@x.com"]["id"] == existing
    assert results["old@x.com"]["properties"]["firstname"] == "Updated"
    assert results["fresh@x.com"]["new"] is True


def test_batch_archive_is_204_and_ignores_unknown_ids(api: Api) -> None:
    a = api.create("deals", dealname="D")["id"]
    response = api.post("/crm/v3/objects/deals/batch/archive", json={"inputs": [{"id": a}, {"id": "5555"}]})
    assert response.status_code == 204
    assert api.get(f"/crm/v3/objects/deals/{a}").status_code == 404


def test_batch_bad_bodies_are_400(api: Api) -> None:
    for op in ("read", "create", "update", "upsert", "archive"):
        for payload in (None, {}, {"inputs": "x"}, {"inputs": [1]}):
            response = api.post(f"/crm/v3/objects/contacts/batch/{op}", json=payload)
            assert response.status_code == 400, (op, payload, response.json)
