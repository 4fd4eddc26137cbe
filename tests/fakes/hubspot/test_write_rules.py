"""2026-09 write validation (docs/vendor-behaviour.md §9.F.4): a portal's admin rules refuse API writes from
2026-09 on, with the documented property-validation body; v3 and 2026-03 writes are not checked."""

from __future__ import annotations

import json

import pytest

from tests.fakes.hubspot.conftest import PORTAL

RULES = {"required": {"deals": ["closedate"]},
         "conditional": [{"object": "deals", "when": {"dealstage": "closedwon"}, "require": ["amount"]}]}


@pytest.fixture
def ruled(harness):
    response = harness.put(f"/_harness/portals/{PORTAL}/write-rules", json=RULES)
    assert response.status_code == 200
    return harness


def _problems(response) -> list[dict]:
    assert response.status_code == 400 and response.json["category"] == "VALIDATION_ERROR"
    prefix = "Property values were not valid: "
    assert response.json["message"].startswith(prefix)
    return json.loads(response.json["message"][len(prefix):])


def test_a_required_create_field_is_enforced_from_2026_09_only(api, ruled):
    refused = api.post("/crm/objects/2026-09/deals", json={"properties": {"dealname": "Big"}})
    [problem] = _problems(refused)
    assert (problem["name"], problem["error"], problem["isValid"]) == ("closedate", "REQUIRED_FIELD", False)
    for path in ("/crm/v3/objects/deals", "/crm/objects/2026-03/deals"):
        assert api.post(path, json={"properties": {"dealname": "Big"}}).status_code == 201
    made = api.post("/crm/objects/2026-09/deals", json={"properties": {"dealname": "Big",
                                                                       "closedate": "2031-02-01"}})
    assert made.status_code == 201


def test_a_conditional_requirement_holds_on_update_with_the_stored_values(api, ruled):
    deal = api.post("/crm/objects/2026-09/deals", json={"properties": {"dealname": "Big", "closedate": "2031-02-01"}})
    deal_id = deal.json["id"]
    refused = api.patch(f"/crm/objects/2026-09/deals/{deal_id}", json={"properties": {"dealstage": "closedwon"}})
    assert [p["name"] for p in _problems(refused)] == ["amount"]
    assert api.patch(f"/crm/objects/2026-09/deals/{deal_id}", json={"properties": {"amount": "100"}}).status_code == 200
    won = api.patch(f"/crm/objects/2026-09/deals/{deal_id}", json={"properties": {"dealstage": "closedwon"}})
    assert won.status_code == 200 and won.json["properties"]["dealstage"] == "closedwon"


def test_a_batch_with_one_refused_input_writes_nothing(api, ruled):
    body = {"inputs": [{"properties": {"dealname": "A", "closedate": "2031-02-01"}}, {"properties": {"dealname": "B"}}]}
    refused = api.post("/crm/objects/2026-09/deals/batch/create", json=body)
    assert [p["name"] for p in _problems(refused)] == ["closedate"]
    assert api.get("/crm/v3/objects/deals").json["results"] == []


def test_in_per_input_mode_only_the_refused_input_fails(api, ruled):
    """With an objectWriteTraceId on every input, a rule refuses that input alone (207), as any invalid
    value does in that mode (docs/vendor-behaviour.md §3.3); the others are made."""
    body = {"inputs": [{"properties": {"dealname": "A", "closedate": "2031-02-01"}, "objectWriteTraceId": "a"},
                       {"properties": {"dealname": "B"}, "objectWriteTraceId": "b"}]}
    response = api.post("/crm/objects/2026-09/deals/batch/create", json=body)
    assert response.status_code == 207
    assert [r["properties"]["dealname"] for r in response.json["results"]] == ["A"]
    [error] = response.json["errors"]
    assert error["category"] == "VALIDATION_ERROR" and error["context"] == {"objectWriteTraceId": ["b"]}
    assert "closedate" in error["message"]
    assert [r["properties"]["dealname"] for r in api.get("/crm/v3/objects/deals").json["results"]] == ["A"]


def test_association_writes_denied_by_the_rules(api, harness):
    harness.put(f"/_harness/portals/{PORTAL}/write-rules", json={"associations": "denied"})
    contact = api.create("contacts", email="ada@example.com")
    company = api.create("companies", name="Acme")
    path = f"/companies/{company['id']}/associations/default/contacts/{contact['id']}"
    denied = api.put("/crm/objects/2026-09" + path)
    assert denied.status_code == 403 and denied.json["category"] == "MISSING_SCOPES"
    assert api.put("/crm/objects/2026-03" + path).status_code == 200
    harness.put(f"/_harness/portals/{PORTAL}/write-rules", json={})
    assert api.put("/crm/objects/2026-09" + path).status_code == 200


def test_malformed_rules_are_refused(harness):
    response = harness.put(f"/_harness/portals/{PORTAL}/write-rules", json={"required": {"deals": "closedate"}})
    assert response.status_code == 400


@pytest.mark.parametrize("body", [
    {"inputs": [{"id": "", "idProperty": [None, None], "properties": {}}]},
    {"inputs": [{"id": None, "properties": "closedate"}]},
    {"inputs": "nothing"},
    None,
])
def test_odd_batches_under_rules_get_hubspots_errors_never_a_500(api, ruled, body):
    for op in ("create", "update", "upsert"):
        response = api.post(f"/crm/objects/2026-09/deals/batch/{op}", json=body)
        assert response.status_code < 500, (op, response.json)
