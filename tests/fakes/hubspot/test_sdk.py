"""The unmodified official `hubspot-api-client` against the fake on a real HTTP server on 127.0.0.1.

After the first three tests, each test follows a family of calls reference/clients/hubspot.py makes
(contact upserts and lookups by email, batch create with write traces, batch read/update/archive,
filtered and sorted search with paging, v4 association batches and labels, the app's webhook settings
and subscriptions, errors and rate limits), always through the SDK's own API classes and models.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from urllib.parse import parse_qsl, urlsplit

import pytest
from hubspot import HubSpot
from hubspot.crm.associations.v4 import (
    AssociationSpec,
    BatchInputPublicAssociationMultiArchive,
    BatchInputPublicAssociationMultiPost,
    BatchInputPublicFetchAssociationsBatchRequest,
    PublicAssociationMultiArchive,
    PublicAssociationMultiPost,
    PublicFetchAssociationsBatchRequest,
    PublicObjectId,
)
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
from hubspot.crm.objects import (
    BatchInputSimplePublicObjectBatchInput,
    BatchInputSimplePublicObjectId,
    SimplePublicObjectBatchInput,
)
from hubspot.crm.objects import BatchInputSimplePublicObjectBatchInputForCreate as ObjectBatchCreate
from hubspot.crm.objects import BatchReadInputSimplePublicObjectId as ObjectBatchRead
from hubspot.crm.objects import PublicObjectSearchRequest as ObjectSearch
from hubspot.crm.objects import SimplePublicObjectBatchInputForCreate as ObjectForCreate
from hubspot.crm.objects import SimplePublicObjectId as ObjectId
from hubspot.crm.objects import SimplePublicObjectInput as ObjectInput
from hubspot.crm.objects import SimplePublicObjectInputForCreate as ObjectInputForCreate
from hubspot.crm.objects.exceptions import ApiException as ObjectsApiException
from hubspot.crm.objects.exceptions import UnauthorizedException
from hubspot.crm.properties import PropertyCreate
from hubspot.crm.properties.exceptions import ApiException as PropertiesApiException
from hubspot.utils.signature import Signature
from hubspot.webhooks import SettingsChangeRequest, SubscriptionCreateRequest, ThrottlingSettings
from hubspot.webhooks.exceptions import ApiException as WebhooksApiException

from fakes.clock import SimClock
from fakes.hubspot.app import create_app
from fakes.hubspot.demo import DEMO_PORTAL_ID, DEMO_TOKEN, add_demo_portal
from fakes.hubspot.pipelines import ORDER_PIPELINE_ID, ORDER_STAGES
from fakes.hubspot.store import HubSpotStore
from fakes.outbox import Outbox
from fakes.serving import RunningServer, serve_in_thread

pytestmark = pytest.mark.sdk
DEFINED = "HUBSPOT_DEFINED"


@pytest.fixture
def server(store: HubSpotStore) -> Iterator[RunningServer]:
    add_demo_portal(store)
    store.set_search_delay(0)
    running = serve_in_thread(create_app(store))
    yield running
    running.stop()


@pytest.fixture
def client(server: RunningServer) -> HubSpot:
    return HubSpot(access_token=DEMO_TOKEN, host=server.url)


def _assoc(to_id: str, type_id: int) -> dict:
    """An inline association of a create input (the shape reference/objects/oneway.py sends)."""
    return {"to": {"id": to_id}, "types": [{"associationCategory": DEFINED, "associationTypeId": type_id}]}


def _in(prop: str, values: list[str]) -> list[FilterGroup]:
    return [FilterGroup(filters=[Filter(property_name=prop, operator="IN", values=values)])]


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


# ---------------------------------------------------------------------------------------------------------------
# Every family of calls reference/clients/hubspot.py makes, through the SDK's own API classes.


def test_contact_upserts_by_email_lookups_updates_and_archive(client: HubSpot) -> None:
    batch = client.crm.contacts.batch_api

    def upsert(rows: dict[str, dict[str, str]]) -> dict[str, tuple[str, bool]]:
        answer = batch.upsert(batch_input_simple_public_object_batch_input_upsert=(
            BatchInputSimplePublicObjectBatchInputUpsert(inputs=[
                SimplePublicObjectBatchInputUpsert(id=email, id_property="email", properties={**props, "email": email})
                for email, props in rows.items()])))
        return {r.properties["email"]: (r.id, r.new) for r in answer.results}

    first = upsert({"ann@x.com": {"firstname": "Ann"}, "bob@x.com": {"firstname": "Bob"}})
    assert {e: new for e, (_, new) in first.items()} == {"ann@x.com": True, "bob@x.com": True}
    # CNT-1: a second upsert of the same email (any case) updates, it never makes a second contact.
    again = upsert({"ANN@x.com": {"lastname": "Lee"}, "cy@x.com": {}})
    assert again["ann@x.com"] == (first["ann@x.com"][0], False) and again["cy@x.com"][1] is True
    assert len(client.crm.contacts.get_all()) == 3

    found = batch.read(batch_read_input_simple_public_object_id=BatchReadInputSimplePublicObjectId(
        id_property="email", properties=["email", "firstname", "lastname"], properties_with_history=[],
        inputs=[SimplePublicObjectId(id=e) for e in ("ann@x.com", "nobody@x.com")]))
    assert [(r.properties["firstname"], r.properties["lastname"]) for r in found.results] == [("Ann", "Lee")]
    assert found.num_errors == 1 and found.errors[0].context == {"ids": ["nobody@x.com"]}

    bob = first["bob@x.com"][0]
    updated = client.crm.objects.batch_api.update("contacts", batch_input_simple_public_object_batch_input=(
        BatchInputSimplePublicObjectBatchInput(inputs=[
            SimplePublicObjectBatchInput(id=bob, properties={"phone": "+1 555 0100"}),
            SimplePublicObjectBatchInput(id="77777777", properties={"phone": "0"})])))
    assert [r.id for r in updated.results] == [bob]
    assert client.crm.contacts.basic_api.get_by_id(bob, properties=["phone"]).properties["phone"] == "+1 555 0100"
    assert updated.errors[0].category == "OBJECT_NOT_FOUND" and updated.errors[0].context == {"ids": ["77777777"]}

    client.crm.contacts.batch_api.archive(batch_input_simple_public_object_id=BatchInputSimplePublicObjectId(
        inputs=[ObjectId(id=bob), ObjectId(id="88888888")]))  # unknown ids are ignored
    gone = client.crm.contacts.batch_api.read(batch_read_input_simple_public_object_id=(
        BatchReadInputSimplePublicObjectId(properties=["email"], properties_with_history=[],
                                           inputs=[SimplePublicObjectId(id=bob)])))
    assert gone.results == [] and gone.errors[0].context == {"ids": [bob]}
    with pytest.raises(ContactsApiException) as missing:
        client.crm.contacts.basic_api.get_by_id(bob)
    assert missing.value.status == 404 and json.loads(missing.value.body)["category"] == "OBJECT_NOT_FOUND"
    archived = client.crm.contacts.basic_api.get_by_id(bob, archived=True)
    assert archived.archived is True and archived.archived_at is not None


def test_listing_and_polling_search_reach_every_record(client: HubSpot, clock: SimClock) -> None:
    contacts = client.crm.contacts
    made = contacts.batch_api.create(batch_input_simple_public_object_batch_input_for_create=(
        BatchInputSimplePublicObjectBatchInputForCreate(inputs=[
            SimplePublicObjectBatchInputForCreate(properties={"email": f"p{i:02}@x.com", "firstname": f"P{i}"})
            for i in range(25)])))
    ids = sorted((r.id for r in made.results), key=int)

    # list_all: pages of `limit`, `properties` as repeated query keys, `paging.next.after` until absent.
    listed, after = [], None
    while True:
        page = contacts.basic_api.get_page(limit=10, after=after, properties=["email", "firstname"])
        listed.extend(page.results)
        if page.paging is None:
            break
        after = page.paging.next.after
    assert [r.id for r in listed] == ids and listed[3].properties["firstname"] == "P3"

    # modified_since: GTE on lastmodifieddate in epoch millis, sorted ascending, paged with `after`.
    clock.advance(120)
    since = clock.now()
    clock.advance(1)
    for n, rid in enumerate((ids[20], ids[4], ids[13])):
        clock.advance(1)
        contacts.basic_api.update(rid, simple_public_object_input=SimplePublicObjectInput(
            properties={"lastname": f"Changed{n}"}))
    millis = str(int(since.timestamp() * 1000))
    polled, after = [], "0"
    while after is not None:
        clock.advance(1)  # stay inside the search API's per-second allowance (docs/vendor-behaviour.md §3.5)
        page = contacts.search_api.do_search(public_object_search_request=PublicObjectSearchRequest(
            filter_groups=[FilterGroup(filters=[Filter(property_name="lastmodifieddate", operator="GTE",
                                                       value=millis)])],
            sorts=[{"propertyName": "lastmodifieddate", "direction": "ASCENDING"}],
            properties=["email", "lastname"], limit=2, after=after))
        assert page.total == 3
        polled.extend((r.id, r.properties["lastname"]) for r in page.results)
        after = page.paging.next.after if page.paging else None
    assert polled == [(ids[20], "Changed0"), (ids[4], "Changed1"), (ids[13], "Changed2")]

    # find_in: one IN filter per batch of values.
    clock.advance(1)
    hits = contacts.search_api.do_search(public_object_search_request=PublicObjectSearchRequest(
        filter_groups=_in("email", ["p01@x.com", "p24@x.com", "zz@x.com"]), properties=["email"], limit=200))
    assert sorted(r.properties["email"] for r in hits.results) == ["p01@x.com", "p24@x.com"]


def test_companies_and_products_batch_create_with_traces_and_search_in(client: HubSpot, clock: SimClock) -> None:
    companies = client.crm.companies.batch_api.create(batch_input_simple_public_object_batch_input_for_create=(
        ObjectBatchCreate(inputs=[
            ObjectForCreate(object_write_trace_id="shop-a|1", properties={"name": "Acme", "domain": "acme.example"}),
            ObjectForCreate(object_write_trace_id="shop-a|2", properties={"name": "Globex"}),
            ObjectForCreate(object_write_trace_id="shop-a|3", properties={"name": "Bad", "no_such_prop": "x"})])))
    # Unique write traces make a batch create partial (207): the good inputs land, the bad one is named.
    assert {r.object_write_trace_id: r.properties["name"] for r in companies.results} == {
        "shop-a|1": "Acme", "shop-a|2": "Globex"}
    assert companies.num_errors == 1 and companies.errors[0].context == {"objectWriteTraceId": ["shop-a|3"]}
    assert "no_such_prop" in companies.errors[0].message
    props = ["name", "domain"]
    by_name = client.crm.companies.search_api.do_search(public_object_search_request=ObjectSearch(
        filter_groups=_in("name", ["Acme", "Initech"]), properties=props, limit=200))
    clock.advance(1)
    by_domain = client.crm.companies.search_api.do_search(public_object_search_request=ObjectSearch(
        filter_groups=_in("domain", ["acme.example"]), properties=props, limit=200))
    assert [r.properties["domain"] for r in by_name.results] == ["acme.example"]
    assert [r.id for r in by_domain.results] == [r.id for r in by_name.results]

    products = client.crm.products.batch_api.create(batch_input_simple_public_object_batch_input_for_create=(
        ObjectBatchCreate(inputs=[
            ObjectForCreate(object_write_trace_id=f"p{i}", properties={"name": f"Tee {i}", "price": "19.5",
                                                                       "hs_sku": f"TEE-{i}", "description": "cotton"})
            for i in range(3)])))
    made = {r.object_write_trace_id: r.id for r in products.results}
    assert products.status == "COMPLETE" and sorted(made) == ["p0", "p1", "p2"]
    clock.advance(1)
    named = client.crm.products.search_api.do_search(public_object_search_request=ObjectSearch(
        filter_groups=_in("name", ["Tee 1", "Tee 2"]), properties=["name", "price", "hs_sku"], limit=200))
    assert sorted((r.properties["name"], r.properties["hs_sku"]) for r in named.results) == [
        ("Tee 1", "TEE-1"), ("Tee 2", "TEE-2")]
    client.crm.products.batch_api.update(batch_input_simple_public_object_batch_input=(
        BatchInputSimplePublicObjectBatchInput(inputs=[SimplePublicObjectBatchInput(
            id=made["p0"], properties={"price": "21", "hs_sku": ""})])))
    p0 = client.crm.products.basic_api.get_by_id(made["p0"], properties=["price", "hs_sku"])
    # "" clears a value (docs/vendor-behaviour.md §3.2)
    assert p0.properties["price"] == "21" and not p0.properties["hs_sku"]
    client.crm.products.batch_api.archive(batch_input_simple_public_object_id=BatchInputSimplePublicObjectId(
        inputs=[ObjectId(id=made["p0"])]))
    assert sorted(r.id for r in client.crm.products.get_all()) == sorted([made["p1"], made["p2"]], key=int)


def test_orders_carts_and_line_items_with_v4_association_batches(client: HubSpot) -> None:
    contact = client.crm.contacts.basic_api.create(simple_public_object_input_for_create=(
        SimplePublicObjectInputForCreate(properties={"email": "shopper@x.com"})))
    objects = client.crm.objects
    orders = objects.batch_api.create("orders", batch_input_simple_public_object_batch_input_for_create=(
        ObjectBatchCreate(inputs=[ObjectForCreate(
            object_write_trace_id=f"demo|{n}", associations=[_assoc(contact.id, 507)],
            properties={"hs_order_name": f"#{n}", "hs_external_order_id": str(n),
                        "hs_source_store": "demo.myshopify.com", "hs_currency_code": "USD", "hs_total_price": "16.00",
                        "hs_pipeline": ORDER_PIPELINE_ID, "hs_pipeline_stage": ORDER_STAGES["Processed"]})
            for n in (1001, 1002)])))
    order = {r.object_write_trace_id: r.id for r in orders.results}
    first = order["demo|1001"]

    # Line items are made with their parent association inline (line item -> order 514).
    lines = client.crm.line_items.batch_api.create(batch_input_simple_public_object_batch_input_for_create=(
        ObjectBatchCreate(inputs=[ObjectForCreate(
            object_write_trace_id=f"demo/1001/{k}", associations=[_assoc(first, 514)],
            properties={"name": f"Mug {k}", "quantity": "2", "price": "8.00", "hs_sku": f"MUG-{k}"})
            for k in range(2)])))
    line_ids = sorted((r.id for r in lines.results), key=int)
    v4 = client.crm.associations.v4
    read = v4.batch_api.get_page("orders", "line_items", batch_input_public_fetch_associations_batch_request=(
        BatchInputPublicFetchAssociationsBatchRequest(inputs=[PublicFetchAssociationsBatchRequest(id=first)])))
    [row] = read.results
    assert row._from.id == first and sorted((str(t.to_object_id) for t in row.to), key=int) == line_ids
    assert {a.type_id for t in row.to for a in t.association_types} >= {513}
    got = client.crm.line_items.batch_api.read(batch_read_input_simple_public_object_id=ObjectBatchRead(
        properties=["name", "quantity", "price", "hs_sku"], properties_with_history=[],
        inputs=[ObjectId(id=i) for i in line_ids]))
    assert sorted(r.properties["hs_sku"] for r in got.results) == ["MUG-0", "MUG-1"]
    client.crm.line_items.batch_api.update(batch_input_simple_public_object_batch_input=(
        BatchInputSimplePublicObjectBatchInput(inputs=[SimplePublicObjectBatchInput(
            id=line_ids[0], properties={"quantity": "3"})])))
    assert client.crm.line_items.basic_api.get_by_id(line_ids[0], properties=["quantity"]).properties[
        "quantity"] == "3"
    client.crm.line_items.batch_api.archive(batch_input_simple_public_object_id=BatchInputSimplePublicObjectId(
        inputs=[ObjectId(id=line_ids[1])]))
    after = v4.batch_api.get_page("orders", "line_items", batch_input_public_fetch_associations_batch_request=(
        BatchInputPublicFetchAssociationsBatchRequest(inputs=[PublicFetchAssociationsBatchRequest(id=first)])))
    assert [str(t.to_object_id) for t in after.results[0].to] == [line_ids[0]]

    # Carts: created, then tied to their contact (586) and to the order they became (592) in v4 batches.
    cart = objects.basic_api.create("carts", simple_public_object_input_for_create=ObjectInputForCreate(
        properties={"hs_external_cart_id": "55", "hs_cart_name": "#55", "hs_external_status": "open"}))
    for to_type, to_id, type_id in (("contacts", contact.id, 586), ("orders", first, 592)):
        made = v4.batch_api.create("carts", to_type, batch_input_public_association_multi_post=(
            BatchInputPublicAssociationMultiPost(inputs=[PublicAssociationMultiPost(
                _from=PublicObjectId(id=cart.id), to=PublicObjectId(id=to_id),
                types=[AssociationSpec(association_category=DEFINED, association_type_id=type_id)])])))
        assert made.status == "COMPLETE" and (made.results[0].from_object_id, made.results[0].to_object_id) == (
            cart.id, to_id)
    objects.batch_api.update("carts", batch_input_simple_public_object_batch_input=(
        BatchInputSimplePublicObjectBatchInput(inputs=[SimplePublicObjectBatchInput(
            id=cart.id, properties={"hs_external_status": "completed"})])))
    from_order = v4.batch_api.get_page("orders", "carts", batch_input_public_fetch_associations_batch_request=(
        BatchInputPublicFetchAssociationsBatchRequest(inputs=[PublicFetchAssociationsBatchRequest(id=first)])))
    assert [(str(t.to_object_id), t.association_types[0].type_id) for t in from_order.results[0].to] == [
        (cart.id, 593)]
    # An association to a record that does not exist is refused per input (207) with HubSpot's error body.
    refused = v4.batch_api.create("carts", "orders", batch_input_public_association_multi_post=(
        BatchInputPublicAssociationMultiPost(inputs=[PublicAssociationMultiPost(
            _from=PublicObjectId(id=cart.id), to=PublicObjectId(id="99999999"),
            types=[AssociationSpec(association_category=DEFINED, association_type_id=592)])])))
    assert refused.results == [] and refused.num_errors == 1 and "99999999" in refused.errors[0].message

    # dissociate: v4 batch archive removes every association between the pair.
    v4.batch_api.archive("carts", "orders", batch_input_public_association_multi_archive=(
        BatchInputPublicAssociationMultiArchive(inputs=[PublicAssociationMultiArchive(
            _from=PublicObjectId(id=cart.id), to=[PublicObjectId(id=first)])])))
    emptied = v4.batch_api.get_page("carts", "orders", batch_input_public_fetch_associations_batch_request=(
        BatchInputPublicFetchAssociationsBatchRequest(inputs=[PublicFetchAssociationsBatchRequest(id=cart.id)])))
    assert all(not r.to for r in emptied.results)

    # The external-id lookups of the order stream: list with properties, and search IN.
    listed = objects.basic_api.get_page("orders", limit=100, properties=["hs_external_order_id", "hs_source_store"])
    assert sorted(r.properties["hs_external_order_id"] for r in listed.results) == ["1001", "1002"]
    found = objects.search_api.do_search("orders", public_object_search_request=ObjectSearch(
        filter_groups=_in("hs_external_order_id", ["1002", "3003"]),
        properties=["hs_external_order_id", "hs_source_store"], limit=200))
    assert [(r.id, r.properties["hs_source_store"]) for r in found.results] == [
        (order["demo|1002"], "demo.myshopify.com")]
    with_contact = objects.basic_api.get_by_id("orders", first, associations=["contacts", "line_items"])
    assert [a.id for a in with_contact.associations["contacts"].results] == [contact.id]


def test_association_labels_and_typed_object_modules(client: HubSpot) -> None:
    labels = client.crm.associations.v4.schema.definitions_api.get_all("orders", "contacts").results
    assert (DEFINED, 507) in {(label.category, label.type_id) for label in labels}
    cart_labels = client.crm.associations.v4.schema.definitions_api.get_all("carts", "line_items").results
    assert 590 in {label.type_id for label in cart_labels}

    # The typed modules share one shape; each must create, read, update, list and archive.
    samples = {"companies": {"name": "Umbrella"}, "deals": {"dealname": "Big", "pipeline": "default",
                                                            "dealstage": "appointmentscheduled"},
               "products": {"name": "Widget", "price": "5"}, "line_items": {"name": "Widget x1", "quantity": "1"}}
    for module, properties in samples.items():
        api = getattr(client.crm, module)
        made = api.basic_api.create(simple_public_object_input_for_create=ObjectInputForCreate(properties=properties))
        assert made is not None, f"{module}: create must answer 201 for the SDK to read it"
        key, value = next(iter(properties.items()))
        assert api.basic_api.get_by_id(made.id, properties=[key]).properties[key] == value
        changed = api.basic_api.update(made.id, simple_public_object_input=ObjectInput(properties={key: "Renamed"}))
        assert changed.properties[key] == "Renamed"
        assert [r.id for r in api.get_all()] == [made.id]
        api.basic_api.archive(made.id)
        assert api.get_all() == []


def test_properties_and_pipelines_the_sync_reads_and_writes(client: HubSpot) -> None:
    core = client.crm.properties.core_api
    made = core.create("orders", property_create=PropertyCreate(
        name="shopify_tags", label="Shopify tags", type="string", field_type="text", group_name="orderinformation"))
    assert core.get_by_name("orders", "shopify_tags").label == "Shopify tags" and made.name == "shopify_tags"
    with pytest.raises(PropertiesApiException) as taken:
        core.create("orders", property_create=PropertyCreate(
            name="shopify_tags", label="again", type="string", field_type="text", group_name="orderinformation"))
    assert taken.value.status == 409 and json.loads(taken.value.body)["category"] == "OBJECT_ALREADY_EXISTS"
    order = client.crm.objects.basic_api.create("orders", simple_public_object_input_for_create=(
        ObjectInputForCreate(properties={"hs_order_name": "#1", "shopify_tags": "vip, wholesale"})))
    assert client.crm.objects.basic_api.get_by_id("orders", order.id, properties=["shopify_tags"]).properties[
        "shopify_tags"] == "vip, wholesale"

    stages = client.crm.pipelines.pipeline_stages_api.get_all("orders", ORDER_PIPELINE_ID).results
    assert {s.label: s.id for s in stages} == ORDER_STAGES
    deal_pipelines = client.crm.pipelines.pipelines_api.get_all("deals").results
    assert "closedwon" in {s.id for p in deal_pipelines for s in p.stages}


def test_app_webhook_settings_and_subscriptions_with_the_developer_key(
        store: HubSpotStore, server: RunningServer, client: HubSpot, outbox: Outbox, clock: SimClock) -> None:
    scopes = "crm.objects.contacts.read crm.objects.contacts.write"
    callback = "https://sync.example.com/oauth/hubspot"
    app = store.add_app("shopsync", scopes=set(scopes.split()), redirect_uris=[callback])
    developer = HubSpot(api_key=app.developer_api_key, host=server.url)
    hooks = developer.webhooks
    with pytest.raises(WebhooksApiException) as unset:
        hooks.settings_api.get_all(app.app_id)
    assert unset.value.status == 404
    target = "https://sync.example.com/webhooks/hubspot"
    settings = hooks.settings_api.configure(app.app_id, settings_change_request=SettingsChangeRequest(
        target_url=target, throttling=ThrottlingSettings(max_concurrent_requests=10)))
    assert settings.target_url == target and settings.throttling.max_concurrent_requests == 10
    assert hooks.settings_api.get_all(app.app_id).target_url == target

    wanted = [("contact.creation", None), ("contact.deletion", None), ("contact.propertyChange", "email"),
              ("contact.propertyChange", "firstname")]
    for event_type, prop in wanted:
        sub = hooks.subscriptions_api.create(app.app_id, subscription_create_request=SubscriptionCreateRequest(
            event_type=event_type, property_name=prop, active=True))
        assert sub.id and sub.active and (sub.event_type, sub.property_name) == (event_type, prop)
    listed = hooks.subscriptions_api.get_all(app.app_id).results
    assert sorted((s.event_type, s.property_name or "") for s in listed) == sorted(
        (e, p or "") for e, p in wanted)
    with pytest.raises(WebhooksApiException) as bad:
        hooks.subscriptions_api.create(app.app_id, subscription_create_request=SubscriptionCreateRequest(
            event_type="contact.propertyChange", active=True))
    assert bad.value.status == 400 and json.loads(bad.value.body)["category"] == "VALIDATION_ERROR"
    with pytest.raises(WebhooksApiException) as wrong_key:
        HubSpot(api_key="not-the-key", host=server.url).webhooks.subscriptions_api.get_all(app.app_id)
    assert wrong_key.value.status == 401

    # Once a portal installs the app (its super admin consents), changes there are delivered, signed the
    # way the SDK's own validator checks.
    code = dict(parse_qsl(urlsplit(store.authorize(client_id=app.client_id, redirect_uri=callback, scope=scopes,
                                                   portal_id=DEMO_PORTAL_ID, user_id=1)).query))["code"]
    store.exchange_token({"grant_type": "authorization_code", "code": code, "redirect_uri": callback,
                          "client_id": app.client_id, "client_secret": app.client_secret})
    client.crm.contacts.basic_api.create(simple_public_object_input_for_create=SimplePublicObjectInputForCreate(
        properties={"email": "hook@x.com", "firstname": "Hook"}))
    deliveries = [d for d in outbox.all() if d.source == "hubspot"]
    assert deliveries, "the creation must be delivered to the target URL"
    delivery = deliveries[0]
    headers = delivery.headers_at(clock.now())
    events = json.loads(delivery.body)
    assert {e["subscriptionType"] for e in events} >= {"contact.creation"} and delivery.address == target
    # get_signature is what Signature.is_valid compares with; is_valid itself also checks the timestamp
    # against the wall clock, which the simulated clock is not.
    assert Signature.get_signature(app.client_secret, delivery.body.decode(), "v3", target, "POST",
                                   headers["X-HubSpot-Request-Timestamp"]) == headers["X-HubSpot-Signature-v3"]
    assert Signature.get_signature(app.client_secret, delivery.body.decode(), "v1") == headers[
        "X-HubSpot-Signature"]


def test_errors_carry_hubspots_status_and_body(client: HubSpot, server: RunningServer, clock: SimClock) -> None:
    with pytest.raises(UnauthorizedException) as denied:
        HubSpot(access_token="pat-na1-wrong", host=server.url).crm.objects.basic_api.get_page("contacts")
    assert denied.value.status == 401 and json.loads(denied.value.body)["category"] == "INVALID_AUTHENTICATION"

    with pytest.raises(ObjectsApiException) as invalid:
        client.crm.objects.basic_api.create("contacts", simple_public_object_input_for_create=ObjectInputForCreate(
            properties={"email": "v@x.com", "shoe_size": "42"}))
    body = json.loads(invalid.value.body)
    assert invalid.value.status == 400 and body["category"] == "VALIDATION_ERROR"
    assert "PROPERTY_DOESNT_EXIST" in body["message"] and body["correlationId"]

    search = PublicObjectSearchRequest(filter_groups=[], properties=["email"], limit=1)
    for _ in range(5):
        client.crm.contacts.search_api.do_search(public_object_search_request=search)
    with pytest.raises(ContactsApiException) as limited:
        client.crm.contacts.search_api.do_search(public_object_search_request=search)
    assert limited.value.status == 429
    assert json.loads(limited.value.body)["message"] == "You have reached your secondly limit."
    assert limited.value.headers["X-HubSpot-RateLimit-Secondly-Remaining"] == "0"
    clock.advance(timedelta(seconds=1))
    assert client.crm.contacts.search_api.do_search(public_object_search_request=search).total == 0

    _, status, headers = client.crm.contacts.basic_api.get_page_with_http_info(limit=1)
    assert status == 200 and int(headers["X-HubSpot-RateLimit-Max"]) == 190
    assert int(headers["X-HubSpot-RateLimit-Remaining"]) < 190
