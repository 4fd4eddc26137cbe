"""CRM v3 objects: create, read, list with paging, update, archive, contacts' uniqueness and merge."""

from __future__ import annotations

import json

from fakes.hubspot.pipelines import ORDER_PIPELINE_ID, ORDER_STAGES

from .conftest import Api


def test_create_returns_201_location_and_string_properties(api: Api, clock) -> None:
    response = api.post("/crm/v3/objects/contacts",
                        json={"properties": {"email": "Ada@Example.COM", "firstname": "Ada", "phone": 5551234}})
    assert response.status_code == 201
    body = response.json
    assert response.headers["Location"].endswith(f"/crm/v3/objects/contacts/{body['id']}")
    assert body["id"].isdigit()
    # Default property set of contacts (docs/vendor-behaviour.md §3.2), email stored lower-case, times from the
    # SimClock.
    assert set(body["properties"]) == {"createdate", "email", "firstname", "hs_object_id", "lastmodifieddate",
                                       "lastname"}
    assert body["properties"]["email"] == "ada@example.com"
    assert body["properties"]["lastname"] is None
    assert body["createdAt"] == "2031-01-06T09:00:00Z" == body["properties"]["createdate"]
    full = api.get(f"/crm/v3/objects/contacts/{body['id']}?properties=phone").json
    assert full["properties"]["phone"] == "5551234"


def test_ids_come_from_a_deterministic_counter(api: Api) -> None:
    first = api.create("companies", name="A")["id"]
    second = api.create("companies", name="B")["id"]
    assert int(second) == int(first) + 1


def test_get_properties_repeated_and_comma_separated_unknown_ignored(api: Api) -> None:
    cid = api.create("contacts", email="a@b.co", firstname="A", city="Paris")["id"]
    body = api.get(f"/crm/v3/objects/contacts/{cid}?properties=city&properties=firstname,zip,nosuchprop").json
    assert body["properties"]["city"] == "Paris"
    assert body["properties"]["firstname"] == "A"
    assert body["properties"]["zip"] is None
    assert "nosuchprop" not in body["properties"]


def test_unknown_property_is_validation_error_with_real_message_shape(api: Api) -> None:
    response = api.post("/crm/v3/objects/contacts", json={"properties": {"favourite_colour": "red"}})
    assert response.status_code == 400
    body = response.json
    assert body["category"] == "VALIDATION_ERROR" and body["status"] == "error" and body["correlationId"]
    assert body["message"].startswith("Property values were not valid: ")
    problems = json.loads(body["message"].removeprefix("Property values were not valid: "))
    assert problems == [{"isValid": False, "message": 'Property "favourite_colour" does not exist',
                         "error": "PROPERTY_DOESNT_EXIST", "name": "favourite_colour",
                         "localizedErrorMessage": 'Property "favourite_colour" does not exist', "portalId": 101}]


def test_value_errors(api: Api) -> None:
    cases = [("contacts", {"email": "not-an-email"}, "INVALID_EMAIL"),
             ("contacts", {"lastmodifieddate": "2031-01-01T00:00:00Z"}, "READ_ONLY_VALUE"),
             ("contacts", {"lifecyclestage": "royalty"}, "INVALID_OPTION"),
             ("products", {"price": "ten"}, "INVALID_INTEGER"),
             ("orders", {"hs_external_created_date": "yesterday"}, "INVALID_DATE"),
             ("orders", {"hs_pipeline_stage": "no-such-stage"}, "INVALID_OPTION"),
             ("line_items", {"price": "-1"}, "INVALID_INTEGER")]
    for object_type, props, error in cases:
        response = api.post(f"/crm/v3/objects/{object_type}", json={"properties": props})
        assert response.status_code == 400, (object_type, props)
        assert f'"error":"{error}"' in response.json["message"], response.json


def test_type_ids_and_singular_names_in_paths(api: Api) -> None:
    order = api.post("/crm/v3/objects/0-123", json={"properties": {"hs_order_name": "#1001"}})
    assert order.status_code == 201
    oid = order.json["id"]
    assert api.get(f"/crm/v3/objects/orders/{oid}").status_code == 200
    assert api.get(f"/crm/v3/objects/order/{oid}").status_code == 200
    cart = api.post("/crm/v3/objects/0-142", json={"properties": {"hs_cart_name": "c"}})
    assert api.get(f"/crm/v3/objects/carts/{cart.json['id']}").status_code == 200
    unknown = api.get("/crm/v3/objects/widgets")
    assert unknown.status_code == 400 and unknown.json["message"] == "Unable to infer object type from: widgets"


def test_orders_default_pipeline_and_datetime_values(api: Api) -> None:
    body = api.post("/crm/v3/objects/orders", json={"properties": {
        "hs_order_name": "#1", "hs_external_created_date": "1924992000000", "hs_total_price": 12.5}}).json
    got = api.get(f"/crm/v3/objects/orders/{body['id']}?properties=hs_pipeline,hs_pipeline_stage,"
                  "hs_external_created_date,hs_total_price,hs_lastmodifieddate,hs_createdate").json["properties"]
    assert got["hs_pipeline"] == ORDER_PIPELINE_ID
    assert got["hs_pipeline_stage"] == ORDER_STAGES["Open"]
    assert got["hs_external_created_date"] == "2031-01-01T00:00:00Z"  # epoch ms normalised to ISO
    assert got["hs_total_price"] == "12.5"
    assert got["hs_lastmodifieddate"] == got["hs_createdate"] == "2031-01-06T09:00:00Z"


def test_booleans_are_case_insensitive_and_bad_ones_rejected(api: Api) -> None:
    cid = api.create("contacts", email="b@b.co")["id"]
    assert api.get(f"/crm/v3/objects/contacts/{cid}?archived=False").status_code == 200
    assert api.get(f"/crm/v3/objects/contacts/{cid}?archived=FALSE").status_code == 200
    assert api.get(f"/crm/v3/objects/contacts/{cid}?archived=True").status_code == 404
    bad = api.get(f"/crm/v3/objects/contacts/{cid}?archived=maybe")
    assert bad.status_code == 400 and bad.json["category"] == "VALIDATION_ERROR"


def test_update_stamps_modified_date_from_sim_clock_and_empty_string_clears(api: Api, clock) -> None:
    cid = api.create("contacts", email="c@b.co", city="Lyon")["id"]
    clock.advance(90)
    response = api.patch(f"/crm/v3/objects/contacts/{cid}", json={"properties": {"city": "", "firstname": "C"}})
    assert response.status_code == 200
    body = api.get(f"/crm/v3/objects/contacts/{cid}?properties=city,firstname,lastmodifieddate,createdate").json
    assert body["properties"]["city"] is None
    assert body["properties"]["lastmodifieddate"] == "2031-01-06T09:01:30Z"
    assert body["properties"]["createdate"] == "2031-01-06T09:00:00Z"
    assert body["updatedAt"] == "2031-01-06T09:01:30Z"
    # A no-op update does not move the modified date.
    clock.advance(60)
    api.patch(f"/crm/v3/objects/contacts/{cid}", json={"properties": {"firstname": "C"}})
    assert api.get(f"/crm/v3/objects/contacts/{cid}").json["updatedAt"] == "2031-01-06T09:01:30Z"


def test_update_unknown_id_is_404(api: Api) -> None:
    response = api.patch("/crm/v3/objects/contacts/999999", json={"properties": {"firstname": "x"}})
    assert response.status_code == 404
    assert response.json["message"] == "resource not found"


def test_archive_hides_record_unless_archived_true(api: Api) -> None:
    keep = api.create("products", name="Keep")["id"]
    gone = api.create("products", name="Gone")["id"]
    response = api.delete(f"/crm/v3/objects/products/{gone}")
    assert response.status_code == 204 and response.data == b""
    assert api.get(f"/crm/v3/objects/products/{gone}").status_code == 404
    archived = api.get(f"/crm/v3/objects/products/{gone}?archived=true").json
    assert archived["archived"] is True and archived["archivedAt"] == "2031-01-06T09:00:00Z"
    ids = [r["id"] for r in api.get("/crm/v3/objects/products").json["results"]]
    assert ids == [keep]
    ids = [r["id"] for r in api.get("/crm/v3/objects/products?archived=true").json["results"]]
    assert ids == [gone]
    # Deleting an unknown id is still 204.
    assert api.delete("/crm/v3/objects/products/424242").status_code == 204


def test_list_paging_default_10_max_100(api: Api) -> None:
    made = [api.create("companies", name=f"Co {i}")["id"] for i in range(23)]
    first = api.get("/crm/v3/objects/companies").json
    assert [r["id"] for r in first["results"]] == made[:10]
    after = first["paging"]["next"]["after"]
    assert "after=" in first["paging"]["next"]["link"]
    second = api.get(f"/crm/v3/objects/companies?after={after}").json
    assert [r["id"] for r in second["results"]] == made[10:20]
    last = api.get(f"/crm/v3/objects/companies?after={second['paging']['next']['after']}").json
    assert [r["id"] for r in last["results"]] == made[20:]
    assert "paging" not in last
    everything = api.get("/crm/v3/objects/companies?limit=100").json
    assert len(everything["results"]) == 23 and "paging" not in everything
    assert api.get("/crm/v3/objects/companies?limit=101").status_code == 400
    assert api.get("/crm/v3/objects/companies?limit=0").status_code == 400
    assert api.get("/crm/v3/objects/companies?after=abc").status_code == 400


def test_duplicate_email_is_409_case_insensitive(api: Api) -> None:
    cid = api.create("contacts", email="dup@example.com")["id"]
    response = api.post("/crm/v3/objects/contacts", json={"properties": {"email": "  DUP@Example.com "}})
    assert response.status_code == 409
    assert response.json["category"] == "CONFLICT"
    assert response.json["message"] == f"Contact already exists. Existing ID: {cid}"
    other = api.create("contacts", email="other@example.com")["id"]
    clash = api.patch(f"/crm/v3/objects/contacts/{other}", json={"properties": {"email": "dup@example.com"}})
    assert clash.status_code == 409


def test_id_property_email_lookup_and_update(api: Api) -> None:
    cid = api.create("contacts", email="jon@x.com", firstname="Jon")["id"]
    got = api.get("/crm/v3/objects/contacts/JON%40x.com?idProperty=email")
    assert got.status_code == 200 and got.json["id"] == cid
    patched = api.patch("/crm/v3/objects/contacts/jon%40x.com?idProperty=email",
                        json={"properties": {"firstname": "Jonathan"}})
    assert patched.json["properties"]["firstname"] == "Jonathan"
    assert api.get("/crm/v3/objects/contacts/nobody%40x.com?idProperty=email").status_code == 404
    # idProperty must be a unique property.
    assert api.get("/crm/v3/objects/contacts/Jon?idProperty=firstname").status_code == 400


def test_the_email_of_an_archived_contact_makes_a_new_contact(api: Api, clock) -> None:
    # docs/vendor-behaviour.md §3.4 (the recycle bin) and HubSpot's knowledge base, "Restore deleted records": an active
    # contact may have a deleted contact's email (it then blocks the restore), so only a live contact
    # holds its email and the archived one stays in the bin.
    old = api.create("contacts", email="back@x.com", firstname="A")["id"]
    api.delete(f"/crm/v3/objects/contacts/{old}")
    clock.advance(60)
    again = api.post("/crm/v3/objects/contacts", json={"properties": {"email": "back@x.com", "firstname": "B"}})
    assert again.status_code == 201 and again.json["id"] != old
    assert again.json["properties"]["createdate"] == again.json["properties"]["lastmodifieddate"] \
        == "2031-01-06T09:01:00Z"
    assert api.get(f"/crm/v3/objects/contacts/{old}").status_code == 404
    archived = api.get(f"/crm/v3/objects/contacts/{old}?archived=true").json
    assert archived["archived"] is True and archived["properties"]["firstname"] == "A"
    assert api.get("/crm/v3/objects/contacts/back%40x.com?idProperty=email").json["id"] == again.json["id"]
    # Batch upsert by email and an email change onto an archived contact's address behave alike.
    gone = api.create("contacts", email="gone@x.com")["id"]
    api.delete(f"/crm/v3/objects/contacts/{gone}")
    upserted = api.post("/crm/v3/objects/contacts/batch/upsert", json={"inputs": [
        {"id": "gone@x.com", "idProperty": "email", "properties": {"firstname": "G"}}]}).json["results"][0]
    assert upserted["new"] is True and upserted["id"] != gone
    left = api.create("contacts", email="left@x.com")["id"]
    api.delete(f"/crm/v3/objects/contacts/{left}")
    other = api.create("contacts", email="other@x.com")["id"]
    moved = api.patch(f"/crm/v3/objects/contacts/{other}", json={"properties": {"email": "left@x.com"}})
    assert moved.status_code == 200 and moved.json["properties"]["email"] == "left@x.com"
    # A permanent delete of the archived one leaves the new contact's email to it.
    assert api.post("/crm/v3/objects/contacts/gdpr-delete", json={"objectId": old}).status_code == 204
    assert api.get("/crm/v3/objects/contacts/back%40x.com?idProperty=email").json["id"] == again.json["id"]


def test_merge_contacts(api: Api) -> None:
    primary = api.create("contacts", email="p@x.com", firstname="P")["id"]
    other = api.create("contacts", email="o@x.com", firstname="O", city="Nice")["id"]
    response = api.post("/crm/v3/objects/contacts/merge", json={"primaryObjectId": primary, "objectIdToMerge": other})
    assert response.status_code == 200 and response.json["id"] == primary
    merged = api.get(f"/crm/v3/objects/contacts/{primary}?properties=firstname,city,hs_merged_object_ids,"
                     "hs_additional_emails,email").json["properties"]
    assert merged["firstname"] == "P" and merged["city"] == "Nice" and merged["email"] == "p@x.com"
    assert merged["hs_merged_object_ids"] == other and merged["hs_additional_emails"] == "o@x.com"
    # The merged-away id resolves to the primary; so does its email.
    assert api.get(f"/crm/v3/objects/contacts/{other}").json["id"] == primary
    assert api.get("/crm/v3/objects/contacts/o%40x.com?idProperty=email").json["id"] == primary
    assert api.post("/crm/v3/objects/orders/merge", json={"primaryObjectId": "1", "objectIdToMerge": "2"}
                    ).status_code == 400


def test_gdpr_delete_is_permanent(api: Api) -> None:
    cid = api.create("contacts", email="gdpr@x.com")["id"]
    assert api.post("/crm/v3/objects/contacts/gdpr-delete", json={"objectId": "gdpr@x.com", "idProperty": "email"}
                    ).status_code == 204
    assert api.get(f"/crm/v3/objects/contacts/{cid}?archived=true").status_code == 404
    assert api.post("/crm/v3/objects/contacts/gdpr-delete", json={"objectId": cid}).status_code == 404


def test_properties_with_history(api: Api, clock) -> None:
    cid = api.create("contacts", email="h@x.com", firstname="One")["id"]
    clock.advance(5)
    api.patch(f"/crm/v3/objects/contacts/{cid}", json={"properties": {"firstname": "Two"}})
    body = api.get(f"/crm/v3/objects/contacts/{cid}?propertiesWithHistory=firstname").json
    history = body["propertiesWithHistory"]["firstname"]
    assert [h["value"] for h in history] == ["Two", "One"]
    assert history[0]["timestamp"] == "2031-01-06T09:00:05Z" and history[0]["sourceType"] == "INTEGRATION"


def test_malformed_json_is_400_not_500(api: Api) -> None:
    response = api.client.post("/crm/v3/objects/contacts", data=b"{not json",
                               headers={"Authorization": "Bearer pat-na1-test", "Content-Type": "application/json"})
    assert response.status_code == 400 and response.json["category"] == "VALIDATION_ERROR"
    for payload in ([], "x", {"properties": []}, {"properties": {"email": {"a": 1}}}):
        assert api.post("/crm/v3/objects/contacts", json=payload).status_code == 400


def test_unknown_route_and_method(api: Api) -> None:
    assert api.get("/crm/v3/nothing-here").status_code == 404
    response = api.put("/crm/v3/objects/contacts")
    assert response.status_code == 405 and "correlationId" in response.json
