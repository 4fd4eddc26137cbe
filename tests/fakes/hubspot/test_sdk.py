"""The unmodified official `hubspot-api-client` against the fake on a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator

import pytest
from hubspot import HubSpot
from hubspot.crm.associations.v4 import AssociationSpec
from hubspot.crm.contacts import (
    BatchInputSimplePublicObjectBatchInputForCreate,
    BatchInputSimplePublicObjectBatchInputUpsert,
    BatchReadInputSimplePublicObjectId,
    Filter,
    FilterGroup,
    PublicObjectSearchRequest,
    SimplePublicObjectBatchInputForCreate,
    SimplePublicObjectBatchInputUpsert,
    SimplePublicObjectId,
    SimplePublicObjectInput,
    SimplePublicObjectInputForCreate,
)
from hubspot.crm.contacts.exceptions import ApiException as ContactsApiException
from hubspot.crm.objects import SimplePublicObjectInputForCreate as ObjectInputForCreate
from hubspot.crm.properties import PropertyCreate
from werkzeug.serving import make_server

from fakes.hubspot.app import create_app
from fakes.hubspot.demo import DEMO_TOKEN, add_demo_portal
from fakes.hubspot.pipelines import ORDER_PIPELINE_ID, ORDER_STAGES
from fakes.hubspot.store import HubSpotStore

pytestmark = pytest.mark.sdk


@pytest.fixture
def client(store: HubSpotStore, clock) -> Iterator[HubSpot]:
    add_demo_portal(store)
    store.set_search_delay(0)
    server = make_server("127.0.0.1", 0, create_app(store), threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield HubSpot(access_token=DEMO_TOKEN, host=f"http://127.0.0.1:{server.server_port}")
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def test_contacts_basic_batch_search_and_409(client: HubSpot) -> None:
    contacts = client.crm.contacts
    created = contacts.basic_api.create(simple_public_object_input_for_create=SimplePublicObjectInputForCreate(
        properties={"email": "Ada@Example.com", "firstname": "Ada"}))
    assert created.id and created.properties["email"] == "ada@example.com"
    got = contacts.basic_api.get_by_id(created.id, properties=["email", "firstname"], archived=False)
    assert got.properties["firstname"] == "Ada" and got.created_at.year == 2031
    by_email = contacts.basic_api.get_by_id("ada@example.com", id_property="email")
    assert by_email.id == created.id
    updated = contacts.basic_api.update(created.id, simple_public_object_input=SimplePublicObjectInput(
        properties={"lastname": "Lovelace"}))
    assert updated.properties["lastname"] == "Lovelace"

    with pytest.raises(ContactsApiException) as conflict:
        contacts.basic_api.create(simple_public_object_input_for_create=SimplePublicObjectInputForCreate(
            properties={"email": "ADA@example.com"}))
    assert conflict.value.status == 409
    body = json.loads(conflict.value.body)
    assert body["category"] == "CONFLICT" and body["message"] == f"Contact already exists. Existing ID: {created.id}"

    batch = contacts.batch_api.create(batch_input_simple_public_object_batch_input_for_create=(
        BatchInputSimplePublicObjectBatchInputForCreate(inputs=[
            SimplePublicObjectBatchInputForCreate(properties={"email": f"b{i}@x.com"}) for i in range(3)])))
    assert len(batch.results) == 3
    read = contacts.batch_api.read(batch_read_input_simple_public_object_id=BatchReadInputSimplePublicObjectId(
        properties=["email"], inputs=[SimplePublicObjectId(id=r.id) for r in batch.results]
        + [SimplePublicObjectId(id="987654")], properties_with_history=[]))
    assert len(read.results) == 3 and read.num_errors == 1 and read.errors[0].category == "OBJECT_NOT_FOUND"
    upsert = contacts.batch_api.upsert(batch_input_simple_public_object_batch_input_upsert=(
        BatchInputSimplePublicObjectBatchInputUpsert(inputs=[
            SimplePublicObjectBatchInputUpsert(id="b0@x.com", id_property="email", properties={"firstname": "B"}),
            SimplePublicObjectBatchInputUpsert(id="new@x.com", id_property="email", properties={"firstname": "N"})])))
    assert sorted(r.new for r in upsert.results) == [False, True]

    page = contacts.basic_api.get_page(limit=2)
    assert len(page.results) == 2 and page.paging.next.after
    assert len(contacts.get_all()) == 5

    search = contacts.search_api.do_search(public_object_search_request=PublicObjectSearchRequest(
        filter_groups=[FilterGroup(filters=[Filter(property_name="email", operator="CONTAINS_TOKEN",
                                                   value="*@x.com")])],
        sorts=["email"], properties=["email"], limit=10))
    assert search.total == 4 and next(r.properties["email"] for r in search.results) == "b0@x.com"
    contacts.basic_api.archive(created.id)
    with pytest.raises(ContactsApiException) as missing:
        contacts.basic_api.get_by_id(created.id)
    assert missing.value.status == 404


def test_orders_and_carts_through_the_objects_api_with_associations(client: HubSpot) -> None:
    objects = client.crm.objects
    contact = client.crm.contacts.basic_api.create(simple_public_object_input_for_create=(
        SimplePublicObjectInputForCreate(properties={"email": "buyer@x.com"})))
    order = objects.basic_api.create(object_type="orders", simple_public_object_input_for_create=ObjectInputForCreate(
        properties={"hs_order_name": "#1001", "hs_currency_code": "USD", "hs_total_price": "42.00",
                    "hs_pipeline_stage": ORDER_STAGES["Processed"]},
        associations=[{"to": {"id": contact.id}, "types": [{"associationCategory": "HUBSPOT_DEFINED",
                                                             "associationTypeId": 507}]}]))
    assert order.properties["hs_pipeline"] == ORDER_PIPELINE_ID
    cart = objects.basic_api.create(object_type="carts", simple_public_object_input_for_create=ObjectInputForCreate(
        properties={"hs_cart_name": "abandoned", "hs_total_price": "10"}))
    fetched = objects.basic_api.get_by_id("orders", order.id, associations=["contacts"])
    assert fetched.associations["contacts"].results[0].id == contact.id
    assert objects.basic_api.get_by_id("0-142", cart.id).properties["hs_cart_name"] == "abandoned"

    v4 = client.crm.associations.v4
    labels = v4.basic_api.create("carts", cart.id, "orders", order.id, association_spec=[
        AssociationSpec(association_category="HUBSPOT_DEFINED", association_type_id=592)])
    assert labels.from_object_type_id == "0-142" and labels.to_object_id == order.id
    v4.basic_api.create_default("carts", cart.id, "contacts", contact.id)
    page = v4.basic_api.get_page("orders", order.id, "carts")
    assert [(r.to_object_id, r.association_types[0].type_id) for r in page.results] == [(cart.id, 593)]
    from_contact = v4.basic_api.get_page("contacts", contact.id, "carts")
    assert from_contact.results[0].association_types[0].type_id == 587
    v4.basic_api.archive("carts", cart.id, "orders", order.id)
    assert v4.basic_api.get_page("orders", order.id, "carts").results == []


def test_properties_and_pipelines(client: HubSpot) -> None:
    names = {p.name for p in client.crm.properties.core_api.get_all("orders").results}
    assert {"hs_order_name", "hs_external_order_id", "hs_pipeline_stage"} <= names
    created = client.crm.properties.core_api.create("contacts", property_create=PropertyCreate(
        name="shopify_customer_id", label="Shopify customer id", type="string", field_type="text",
        group_name="contactinformation"))
    assert created.name == "shopify_customer_id"
    pipelines = client.crm.pipelines.pipelines_api.get_all("orders").results
    assert pipelines[0].id == ORDER_PIPELINE_ID
    assert {s.label: s.id for s in pipelines[0].stages} == ORDER_STAGES
