"""Customers endpoints of the fake Shopify (docs/vendor-behaviour.md §1.3, §1.6 "Customer")."""

from __future__ import annotations

import re

from fakes.shopify.values import money


def make(admin, **fields):
    response = admin.post("/customers.json", {"customer": fields})
    assert response.status_code == 201, response.json
    return response.json["customer"]


def test_create_returns_201_and_the_rest_shape(admin):
    body = make(admin, email="ada@example.com", first_name="Ada", last_name="Lovelace",
                addresses=[{"address1": "1 Main St", "city": "Boston", "country": "United States"}])
    assert isinstance(body["id"], int)
    assert body["email"] == "ada@example.com"
    # Money is a string, timestamps carry the shop's offset (docs/vendor-behaviour.md §1.6 notes).
    assert body["total_spent"] == "0.00"
    assert re.fullmatch(r"2031-01-06T04:00:00-05:00", body["created_at"])
    assert body["default_address"]["city"] == "Boston"
    assert body["default_address"]["default"] is True
    assert body["addresses"][0]["customer_id"] == body["id"]


def test_get_update_delete_roundtrip(admin, clock):
    customer = make(admin, email="bob@example.com", first_name="Bob")
    clock.advance(60)
    updated = admin.put(f"/customers/{customer['id']}.json", {"customer": {"last_name": "Norman"}})
    assert updated.status_code == 200
    assert updated.json["customer"]["last_name"] == "Norman"
    assert updated.json["customer"]["updated_at"] > customer["updated_at"]
    assert admin.get(f"/customers/{customer['id']}.json").json["customer"]["last_name"] == "Norman"
    deleted = admin.delete(f"/customers/{customer['id']}.json")
    assert deleted.status_code == 200 and deleted.json == {}
    missing = admin.get(f"/customers/{customer['id']}.json")
    assert missing.status_code == 404 and missing.json == {"errors": "Not Found"}


def test_update_without_change_keeps_updated_at(admin, clock):
    customer = make(admin, email="same@example.com", first_name="Same")
    clock.advance(60)
    again = admin.put(f"/customers/{customer['id']}.json", {"customer": {"first_name": "Same"}})
    assert again.json["customer"]["updated_at"] == customer["updated_at"]


def test_duplicate_email_is_422_has_already_been_taken_case_insensitively(admin):
    make(admin, email="Dup@Example.com")
    response = admin.post("/customers.json", {"customer": {"email": "dup@example.COM"}})
    assert response.status_code == 422
    assert response.json == {"errors": {"email": ["has already been taken"]}}


def test_duplicate_phone_is_422(admin):
    make(admin, first_name="A", phone="+16135551111")
    response = admin.post("/customers.json", {"customer": {"first_name": "B", "phone": "613-555-1111"}})
    assert response.status_code == 422
    assert response.json == {"errors": {"phone": ["has already been taken"]}}


def test_invalid_email_and_phone_are_reported_together(admin):
    response = admin.post("/customers.json", {"customer": {"email": "not-an-email", "phone": "call me"}})
    assert response.status_code == 422
    assert response.json["errors"] == {"email": ["is invalid"], "phone": ["is invalid"]}


def test_over_long_name_is_422(admin):
    response = admin.post("/customers.json", {"customer": {"first_name": "x" * 256}})
    assert response.status_code == 422
    assert response.json["errors"]["first_name"] == ["is too long (maximum is 255 characters)"]


def test_customer_needs_a_name_phone_or_email(admin):
    response = admin.post("/customers.json", {"customer": {"note": "nobody"}})
    assert response.status_code == 422
    assert "base" in response.json["errors"]


def test_customer_without_email_is_allowed(admin):
    body = make(admin, first_name="Phone", phone="+33612345678")
    assert body["email"] is None
    assert body["phone"] == "+33612345678"


def test_missing_root_is_400_required_parameter(admin):
    response = admin.post("/customers.json", {"customers": {"email": "x@example.com"}})
    assert response.status_code == 400
    assert response.json == {"errors": {"customer": "Required parameter missing or invalid"}}
    wrong_type = admin.post("/customers.json", {"customer": {"first_name": {"nested": True}}})
    assert wrong_type.status_code == 400


def test_malformed_json_is_400(admin):
    response = admin.http.post(admin.base + "/customers.json", data=b'{"customer": {', headers={
        **admin.headers, "Content-Type": "application/json"})
    assert response.status_code == 400
    assert "errors" in response.json


def test_delete_customer_with_orders_is_422(admin, store):
    customer = make(admin, email="buyer@example.com")
    store.create_order("demo", {"line_items": [{"title": "Thing", "price": "5.00", "quantity": 1}],
                                "customer": {"id": customer["id"]}})
    response = admin.delete(f"/customers/{customer['id']}.json")
    assert response.status_code == 422
    assert "base" in response.json["errors"]


def test_order_updates_customer_stats(admin, store):
    customer = make(admin, email="stats@example.com")
    order = store.create_order("demo", {"line_items": [{"title": "Thing", "price": "5.50", "quantity": 2}],
                                        "customer": {"id": customer["id"]}})
    body = admin.get(f"/customers/{customer['id']}.json").json["customer"]
    assert body["orders_count"] == 1
    assert body["total_spent"] == money("11.00")
    assert body["last_order_id"] == order.id and body["last_order_name"] == "#1001"
    orders = admin.get(f"/customers/{customer['id']}/orders.json").json["orders"]
    assert [o["id"] for o in orders] == [order.id]


def test_search_by_email_and_count(admin):
    make(admin, email="find.me@example.com", first_name="Find")
    make(admin, email="other@example.com", first_name="Other")
    found = admin.get("/customers/search.json", query_string={"query": "email:find.me@example.com"}).json
    assert [c["email"] for c in found["customers"]] == ["find.me@example.com"]
    assert admin.get("/customers/count.json").json == {"count": 2}


def test_filters_since_id_updated_at_and_fields(admin, clock):
    first = make(admin, email="one@example.com")
    clock.advance(3600)
    second = make(admin, email="two@example.com")
    listed = admin.get("/customers.json", query_string={"since_id": first["id"]}).json["customers"]
    assert [c["id"] for c in listed] == [second["id"]]
    recent = admin.get("/customers.json", query_string={"updated_at_min": second["updated_at"]}).json["customers"]
    assert [c["id"] for c in recent] == [second["id"]]
    trimmed = admin.get("/customers.json", query_string={"fields": "id,email"}).json["customers"]
    assert trimmed[0] == {"id": first["id"], "email": "one@example.com"}
    by_ids = admin.get("/customers.json", query_string={"ids": f"{first['id']},{second['id']}"}).json
    assert len(by_ids["customers"]) == 2
    bad_date = admin.get("/customers.json", query_string={"updated_at_min": "yesterday"})
    assert bad_date.status_code == 400


def test_marketing_consent(admin):
    body = make(admin, email="news@example.com",
                email_marketing_consent={"state": "subscribed", "opt_in_level": "confirmed_opt_in"})
    assert body["email_marketing_consent"]["state"] == "subscribed"
    assert body["email_marketing_consent"]["consent_updated_at"].startswith("2031-01-06")
    bad = admin.post("/customers.json", {"customer": {"email": "x@example.com",
                                                      "email_marketing_consent": {"state": "maybe"}}})
    assert bad.status_code == 422


def test_white_space_in_an_email_is_removed_everywhere_without_an_error(admin):
    # Shopify takes every white-space character out of a customer's email, inside it too, and answers 201; the
    # duplicate check ignores white space and case (docs/vendor-behaviour.md, customer emails).
    body = make(admin, email="  Ada.Love lace@Example.com ")
    assert body["email"] == "Ada.Lovelace@Example.com"
    response = admin.post("/customers.json", {"customer": {"email": "ada.lovelace @example.com"}})
    assert response.status_code == 422
    assert response.json == {"errors": {"email": ["has already been taken"]}}
