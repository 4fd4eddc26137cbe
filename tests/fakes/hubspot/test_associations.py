"""Associations v4 (single, batch, labels) and v3 associations on create/read (docs/vendor-behaviour.md §3.6)."""

from __future__ import annotations

from .conftest import Api

ORDER_TO_CONTACT = [{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 507}]


def test_create_with_associations_and_read_them_both_ways(api: Api) -> None:
    contact = api.create("contacts", email="buyer@x.com")["id"]
    response = api.post("/crm/v3/objects/orders", json={"properties": {"hs_order_name": "#1"}, "associations": [
        {"to": {"id": contact}, "types": ORDER_TO_CONTACT}]})
    assert response.status_code == 201
    order = response.json["id"]
    body = api.get(f"/crm/v3/objects/orders/{order}?associations=contacts").json
    assert body["associations"] == {"contacts": {"results": [{"id": contact, "type": "order_to_contact"}]}}
    reverse = api.get(f"/crm/v4/objects/contacts/{contact}/associations/orders").json
    assert reverse["results"] == [{"toObjectId": int(order), "associationTypes": [
        {"category": "HUBSPOT_DEFINED", "typeId": 508, "label": None}]}]


def test_association_to_missing_record_or_wrong_type_is_400(api: Api) -> None:
    missing = api.post("/crm/v3/objects/orders", json={"properties": {}, "associations": [
        {"to": {"id": "424242"}, "types": ORDER_TO_CONTACT}]})
    assert missing.status_code == 400 and "associations are invalid" in missing.json["message"]
    assert api.get("/crm/v3/objects/orders").json["results"] == []
    contact = api.create("contacts", email="c@x.com")["id"]
    wrong = api.post("/crm/v3/objects/carts", json={"properties": {}, "associations": [
        {"to": {"id": contact}, "types": ORDER_TO_CONTACT}]})
    assert wrong.status_code == 400
    unknown = api.post("/crm/v3/objects/orders", json={"properties": {}, "associations": [
        {"to": {"id": contact}, "types": [{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 99999}]}]})
    assert unknown.status_code == 400


def test_v4_default_typed_list_and_delete(api: Api) -> None:
    cart = api.create("carts", hs_cart_name="c")["id"]
    contact = api.create("contacts", email="d@x.com")["id"]
    order = api.create("orders", hs_order_name="#2")["id"]
    default = api.put(f"/crm/v4/objects/carts/{cart}/associations/default/contacts/{contact}")
    assert default.status_code == 200
    specs = {(r["from"]["id"], r["to"]["id"], r["associationSpec"]["associationTypeId"])
             for r in default.json["results"]}
    assert specs == {(cart, contact, 586), (contact, cart, 587)}
    typed = api.put(f"/crm/v4/objects/carts/{cart}/associations/orders/{order}",
                    json=[{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 592}])
    assert typed.status_code == 201
    assert typed.json == {"fromObjectTypeId": "0-142", "fromObjectId": int(cart), "toObjectTypeId": "0-123",
                          "toObjectId": int(order), "labels": []}
    from_order = api.get(f"/crm/v4/objects/0-123/{order}/associations/carts").json["results"]
    assert from_order[0]["associationTypes"][0]["typeId"] == 593
    mismatch = api.put(f"/crm/v4/objects/carts/{cart}/associations/orders/{order}",
                       json=[{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 507}])
    assert mismatch.status_code == 400
    assert api.delete(f"/crm/v4/objects/carts/{cart}/associations/contacts/{contact}").status_code == 204
    assert api.get(f"/crm/v4/objects/contacts/{contact}/associations/carts").json["results"] == []
    assert api.get("/crm/v4/objects/carts/999999/associations/contacts").status_code == 404


def test_labelled_primary_company(api: Api) -> None:
    contact = api.create("contacts", email="e@x.com")["id"]
    company = api.create("companies", name="Acme")["id"]
    response = api.put(f"/crm/v4/objects/contacts/{contact}/associations/companies/{company}", json=[
        {"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 1},
        {"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 279}])
    assert response.status_code == 201 and response.json["labels"] == ["Primary"]
    types = api.get(f"/crm/v4/objects/companies/{company}/associations/contacts").json["results"][0]
    assert {(t["typeId"], t["label"]) for t in types["associationTypes"]} == {(2, "Primary"), (280, None)}
    v3 = api.get(f"/crm/v3/objects/contacts/{contact}?associations=companies").json["associations"]
    assert {r["type"] for r in v3["companies"]["results"]} == {"contact_to_company", "contact_to_company_unlabeled"}
    labels = api.get("/crm/v4/associations/contacts/companies/labels").json["results"]
    assert {(lbl["typeId"], lbl["label"]) for lbl in labels} == {(1, "Primary"), (279, None)}
    created = api.post("/crm/v4/associations/contacts/companies/labels", json={"label": "Billing contact"})
    assert created.status_code == 200
    user_type = created.json["results"][0]
    assert user_type["category"] == "USER_DEFINED"
    labelled = api.put(f"/crm/v4/objects/contacts/{contact}/associations/companies/{company}", json=[
        {"associationCategory": "USER_DEFINED", "associationTypeId": user_type["typeId"]}])
    assert labelled.json["labels"] == ["Billing contact"]


def test_products_take_part_in_no_association(api: Api) -> None:
    product = api.create("products", name="P")["id"]
    item = api.create("line_items", name="P", hs_product_id=product, quantity="1", price="3")["id"]
    response = api.put(f"/crm/v4/objects/line_items/{item}/associations/default/products/{product}")
    assert response.status_code == 400
    assert api.get(f"/crm/v3/objects/line_items/{item}?properties=hs_product_id").json["properties"][
        "hs_product_id"] == product


def test_line_item_belongs_to_one_parent(api: Api) -> None:
    first = api.create("orders", hs_order_name="#1")["id"]
    second = api.create("orders", hs_order_name="#2")["id"]
    item = api.create("line_items", name="x")["id"]
    assert api.put(f"/crm/v4/objects/orders/{first}/associations/default/line_items/{item}").status_code == 200
    again = api.put(f"/crm/v4/objects/orders/{second}/associations/default/line_items/{item}")
    assert again.status_code == 400 and "one parent" in again.json["message"]


def test_batch_create_read_archive_and_paging(api: Api) -> None:
    order = api.create("orders", hs_order_name="#3")["id"]
    items = [api.create("line_items", name=f"L{i}")["id"] for i in range(3)]
    response = api.post("/crm/v4/associations/orders/line_items/batch/create", json={"inputs": [
        {"from": {"id": order}, "to": {"id": i}, "types": [{"associationCategory": "HUBSPOT_DEFINED",
                                                             "associationTypeId": 513}]} for i in items]
        + [{"from": {"id": order}, "to": {"id": "888888"}, "types": [
            {"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 513}]}]})
    assert response.status_code == 207
    assert len(response.json["results"]) == 3 and response.json["numErrors"] == 1
    assert set(response.json["errors"][0]) >= {"status", "category", "message", "context", "links", "errors"}
    page = api.get(f"/crm/v4/objects/orders/{order}/associations/line_items?limit=2").json
    assert [r["toObjectId"] for r in page["results"]] == [int(i) for i in items[:2]]
    rest = api.get(f"/crm/v4/objects/orders/{order}/associations/line_items?limit=2"
                   f"&after={page['paging']['next']['after']}").json
    assert [r["toObjectId"] for r in rest["results"]] == [int(items[2])] and "paging" not in rest
    read = api.post("/crm/v4/associations/orders/line_items/batch/read",
                    json={"inputs": [{"id": order}, {"id": "999998"}]})
    assert read.status_code == 207
    assert [t["toObjectId"] for t in read.json["results"][0]["to"]] == [int(i) for i in items]
    archived = api.post("/crm/v4/associations/orders/line_items/batch/archive",
                        json={"inputs": [{"from": {"id": order}, "to": [{"id": items[0]}]}]})
    assert archived.status_code == 204
    remaining = api.get(f"/crm/v4/objects/orders/{order}/associations/line_items").json["results"]
    assert [r["toObjectId"] for r in remaining] == [int(i) for i in items[1:]]
    default = api.post("/crm/v4/associations/carts/contacts/batch/associate/default", json={"inputs": [
        {"from": {"id": api.create("carts")["id"]}, "to": {"id": api.create("contacts", email="z@x.com")["id"]}}]})
    assert default.status_code == 200 and len(default.json["results"]) == 2


def test_archived_targets_are_hidden(api: Api) -> None:
    contact = api.create("contacts", email="f@x.com")["id"]
    order = api.post("/crm/v3/objects/orders", json={"properties": {}, "associations": [
        {"to": {"id": contact}, "types": ORDER_TO_CONTACT}]}).json["id"]
    api.delete(f"/crm/v3/objects/contacts/{contact}")
    assert api.get(f"/crm/v4/objects/orders/{order}/associations/contacts").json["results"] == []
    assert "associations" not in api.get(f"/crm/v3/objects/orders/{order}?associations=contacts").json
