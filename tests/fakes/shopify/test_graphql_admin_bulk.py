"""Bulk operations end to end on simulated time (docs/vendor-behaviour.md §8.D): validation in Shopify's words,
CREATED -> RUNNING -> COMPLETED at a pace set by the rows, the JSONL file with `__parentId` lines served where
the operation says, `bulk_operations/finish`, cancellation, the concurrency limit per version, FAILED and EXPIRED."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from fakes.shopify.bulk import BulkOperation, JsonlWriter
from tests.fakes.shopify.conftest import Graphql

RUN = """mutation($q: String!) { bulkOperationRunQuery(query: $q) { bulkOperation { id status }
  userErrors { field message code } } }"""
POLL = """query($id: ID!) { bulkOperation(id: $id) { id status errorCode objectCount rootObjectCount fileSize url
  partialDataUrl completedAt } }"""
PRODUCTS = "{ products { edges { node { id title variants { edges { node { id price } } } } } } }"


def _run(gql, query):
    body = gql.data(RUN, {"q": query})["bulkOperationRunQuery"]
    assert body["userErrors"] == [], body["userErrors"]
    return body["bulkOperation"]


def _poll(gql, operation):
    return gql.data(POLL, {"id": operation["id"]})["bulkOperation"]


@pytest.fixture
def products(store):
    for title, prices in (("Mug", ["5.00", "6.00"]), ("Tote", ["20.00"]), ("Poster", ["9.50"])):
        store.create_product("demo", {"title": title, "options": [{"name": "Size"}],
                                      "variants": [{"option1": f"S{i}", "price": p} for i, p in enumerate(prices)]})
    return store


def test_an_export_runs_on_the_simulated_clock_and_serves_its_jsonl(gql, products, app, clock, admin, outbox):
    admin.post("/webhooks.json", {"webhook": {"topic": "bulk_operations/finish", "address": "https://x.example/b"}})
    operation = _run(gql, PRODUCTS)
    assert operation["status"] == "CREATED"
    clock.advance(timedelta(seconds=1))
    assert _poll(gql, operation)["status"] == "RUNNING"
    clock.advance(timedelta(seconds=5))
    done = _poll(gql, operation)
    assert (done["status"], done["objectCount"], done["rootObjectCount"]) == ("COMPLETED", "7", "3")
    assert done["completedAt"] == "2031-01-06T09:00:02Z"
    path = done["url"].split("://", 1)[1]
    response = app.test_client().get(path[path.index("/"):])
    assert response.status_code == 200 and response.mimetype == "application/jsonl"
    assert int(done["fileSize"]) == len(response.data) == int(response.headers["Content-Length"])
    lines = [json.loads(line) for line in response.data.decode().splitlines()]
    roots = [line for line in lines if "__parentId" not in line]
    assert [r["title"] for r in roots] == ["Mug", "Tote", "Poster"]
    mug = roots[0]
    assert [(v["price"], v["__parentId"]) for v in lines[1:3]] == [("5.00", mug["id"]), ("6.00", mug["id"])]
    assert "\\/" in response.data.decode()  # slashes escaped, as in Shopify's files
    [finish] = [d for d in outbox.all() if d.topic == "bulk_operations/finish"]
    assert json.loads(finish.body) == {"admin_graphql_api_id": operation["id"],
                                       "completed_at": "2031-01-06T09:00:02Z",
                                       "created_at": "2031-01-06T09:00:00Z", "error_code": None,
                                       "status": "completed", "type": "query"}
    assert gql.data('{ currentBulkOperation { id status } }')["currentBulkOperation"] == {
        "id": operation["id"], "status": "COMPLETED"}
    node = gql.data('query($id: ID!) { node(id: $id) { ... on BulkOperation { status } } }', {"id": operation["id"]})
    assert node == {"node": {"status": "COMPLETED"}}
    clock.advance(timedelta(days=7))
    expired = _poll(gql, operation)
    assert (expired["status"], expired["url"]) == ("EXPIRED", None)


def test_the_time_an_export_takes_grows_with_its_rows(gql, store, clock):
    for i in range(5000):
        store.create_customer("demo", {"email": f"c{i}@example.com"})
    operation = _run(gql, "{ customers { edges { node { id email } } } }")
    clock.advance(timedelta(seconds=3))
    assert _poll(gql, operation)["status"] == "RUNNING"  # 1 s to start, then 5,000 rows at 2,000 a second
    clock.advance(timedelta(seconds=1))
    assert _poll(gql, operation)["status"] == "COMPLETED"


@pytest.mark.parametrize(("query", "message"), [
    ("{ shop { name } }", "Bulk queries must contain at least one connection."),
    ("{ products { nodes { id } } }",
     "All connection fields in a bulk query must select their contents using 'edges' > 'node', e.g: "
     "'products { edges { node {'. Selecting via 'nodes' is not supported. Invalid connection fields: 'products'."),
    ("{ customers { edges { node { id orders { edges { node { id lineItems { edges { node { id } } } } } } } } } }",
     "Bulk queries cannot contain connections with a nesting depth greater than 2."),
    ('{ node(id: "gid://shopify/Product/1") { id } }', "Bulk queries cannot contain a top level `node` field."),
    ("{ products { edges { node { shoeSize } } } }", "Field 'shoeSize' doesn't exist on type 'Product'"),
])
def test_a_bulk_query_shopify_refuses_is_refused_in_its_words(gql, query, message):
    body = gql.data(RUN, {"q": query})["bulkOperationRunQuery"]
    assert body == {"bulkOperation": None, "userErrors": [{"field": ["query"], "message": message,
                                                           "code": "INVALID"}]}


def test_five_running_exports_per_app_and_shop_from_2026_01_and_one_before(gql, app, products):
    made = [_run(gql, PRODUCTS) for _ in range(5)]
    sixth = gql.data(RUN, {"q": PRODUCTS})["bulkOperationRunQuery"]
    assert sixth["bulkOperation"] is None
    assert sixth["userErrors"] == [{"field": None, "code": "OPERATION_IN_PROGRESS", "message":
                                    "A bulk query operation for this app and shop is already in progress: "
                                    + ", ".join(op["id"] for op in made) + "."}]
    older = Graphql(app.test_client(), version="2025-10", shop="demo")
    assert older.data(RUN, {"q": PRODUCTS})["bulkOperationRunQuery"]["userErrors"][0]["code"] == \
        "OPERATION_IN_PROGRESS"


def test_cancel_then_canceled_with_its_finish_webhook(gql, products, clock, admin, outbox):
    admin.post("/webhooks.json", {"webhook": {"topic": "bulk_operations/finish", "address": "https://x.example/b"}})
    operation = _run(gql, PRODUCTS)
    cancel = """mutation($id: ID!) { bulkOperationCancel(id: $id) { bulkOperation { status }
      userErrors { field message } } }"""
    assert gql.data(cancel, {"id": operation["id"]})["bulkOperationCancel"] == {
        "bulkOperation": {"status": "CANCELING"}, "userErrors": []}
    clock.advance(timedelta(seconds=1))
    assert _poll(gql, operation)["status"] == "CANCELED"
    again = gql.data(cancel, {"id": operation["id"]})["bulkOperationCancel"]
    assert again["userErrors"] == [{"field": None, "message": "A bulk operation cannot be canceled when it is "
                                                              "canceled"}]
    assert json.loads(next(d for d in outbox.all() if d.topic == "bulk_operations/finish").body)["status"] == \
        "canceled"
    missing = gql.data(cancel, {"id": "gid://shopify/BulkOperation/1"})["bulkOperationCancel"]
    assert missing["userErrors"] == [{"field": ["id"], "message": "Bulk operation does not exist"}]


def test_a_failed_export_keeps_its_partial_data(gql, products, app):
    operation = _run(gql, PRODUCTS)
    number = operation["id"].rsplit("/", 1)[1]
    response = app.test_client().post(f"/_harness/shops/demo/bulk-operations/{number}/fail",
                                      json={"error_code": "TIMEOUT"})
    assert response.status_code == 200
    failed = _poll(gql, operation)
    assert (failed["status"], failed["errorCode"], failed["url"]) == ("FAILED", "TIMEOUT", None)
    assert failed["partialDataUrl"].endswith(f"/bulk-results/{number}.jsonl")


def test_another_apps_operations_are_invisible(gql, store, app, products):
    operation = _run(gql, PRODUCTS)
    store.add_app("other-app", "other-secret")
    token = store.issue_token("demo", "other-app")
    other = Graphql(app.test_client(), shop="demo", token=token)
    assert other.data(POLL, {"id": operation["id"]}) == {"bulkOperation": None}
    assert other.data("{ currentBulkOperation { id } }") == {"currentBulkOperation": None}


def test_a_running_export_survives_a_snapshot_and_restore(gql, products, store, clock):
    from fakes.clock import SimClock
    from fakes.outbox import Outbox
    from fakes.shopify.snapshot import dump, load
    from fakes.shopify.store import ShopifyStore

    operation = _run(gql, PRODUCTS)
    restored = ShopifyStore(SimClock(), Outbox())
    load(restored, json.loads(json.dumps(dump(store))))
    restored.clock.advance(timedelta(seconds=5))
    grant = restored.authenticate("demo", "shpat_demo", None)
    again = restored.bulk_operation(grant, int(operation["id"].rsplit("/", 1)[1]))
    assert again is not None and again.status == "COMPLETED" and len(again.lines) == 7


@pytest.mark.parametrize("query", [
    '{ orders(query: "status:any") { edges { node { id name lineItems { edges { node { id quantity } } } } } } }',
    '{ orders(sortKey: CREATED_AT) { edges { cursor node { id processedAt } } } }',
    '{ orders(sortKey: TOTAL_PRICE) { edges { node { id } } } }',
    '{ customers(query: "email:c1*") { edges { node { id email } } } }',
    "{ customers { edges { node { id } } } products { edges { node { id title } } } }",
])
def test_an_export_read_a_chunk_at_a_time_is_the_export_read_whole(gql, store, app, clock, monkeypatch, query):
    from fakes.shopify.graphql.resolvers import bulk

    product = store.create_product("demo", {"title": "Mug", "variants": [{"price": "5.00"}]})
    for i in range(23):
        customer = store.create_customer("demo", {"email": f"c{i}@example.com"})
        store.create_order("demo", {"customer": {"id": customer.id}, "line_items": [
            {"variant_id": product.variants[0].id, "quantity": 1 + i % 3}]})

    def exported() -> bytes:
        operation = _run(gql, query)
        clock.advance(timedelta(minutes=1))
        done = _poll(gql, operation)
        path = done["url"].split("://", 1)[1]
        return done["objectCount"], done["rootObjectCount"], app.test_client().get(path[path.index("/"):]).data

    whole = exported()
    monkeypatch.setattr(bulk, "CHUNK", 4)
    assert exported() == whole


def test_a_big_export_takes_its_rows_as_the_clock_passes(gql, store, app, clock, monkeypatch):
    # Past a chunk of roots, rows are taken at the export's pace, not in the request that starts it (a million
    # orders would hold that request for minutes); an edit made meanwhile shows in a later chunk.
    from fakes.shopify.bulk import ROWS_PER_SECOND
    from fakes.shopify.graphql.resolvers import bulk

    monkeypatch.setattr(bulk, "CHUNK", 5)
    monkeypatch.setattr("fakes.shopify.bulk.ROWS_PER_SECOND", 4)
    ids = [store.create_customer("demo", {"email": f"c{i}@example.com"}).id for i in range(23)]
    operation = _run(gql, "{ customers { edges { node { id note } } } }")
    [shop_op] = store.shops["demo"].bulk_operations.values()
    assert (shop_op.object_count, shop_op.running()) == (5, True)  # the first chunk only
    store.update_customer("demo", ids[-1], {"note": "changed after the export began"})
    clock.advance(timedelta(seconds=3))  # 1 s to start, then 2 s at 4 rows a second: a second chunk
    polled = _poll(gql, operation)
    assert (polled["status"], polled["objectCount"]) == ("RUNNING", "10")
    clock.advance(timedelta(seconds=10))
    done = _poll(gql, operation)
    assert (done["status"], done["objectCount"], done["rootObjectCount"]) == ("COMPLETED", "23", "23")
    assert done["completedAt"] == "2031-01-06T09:00:07Z"  # 1 s, then 23 rows at 4 a second: 6 s
    path = done["url"].split("://", 1)[1]
    lines = [json.loads(line) for line in app.test_client().get(path[path.index("/"):]).data.decode().splitlines()]
    assert [int(line["id"].rsplit("/", 1)[1]) for line in lines] == ids
    assert lines[-1]["note"] == "changed after the export began"
    assert ROWS_PER_SECOND == 2000  # the pace outside this test


def test_a_snapshot_taken_during_a_big_export_holds_all_of_it(gql, store, clock, monkeypatch):
    from fakes.shopify.graphql.resolvers import bulk
    from fakes.shopify.snapshot import dump, load

    monkeypatch.setattr(bulk, "CHUNK", 5)
    for i in range(12):
        store.create_customer("demo", {"email": f"c{i}@example.com"})
    operation = _run(gql, "{ customers { edges { node { id } } } }")
    document = dump(store)
    load(store, json.loads(json.dumps(document)))
    clock.advance(timedelta(seconds=5))
    done = _poll(gql, operation)
    assert (done["status"], done["objectCount"]) == ("COMPLETED", "12")


def test_a_result_file_served_in_pieces_is_the_file_whole():
    writer = JsonlWriter()
    for start in range(0, 30_000, 1000):
        writer.add([json.dumps({"id": f"gid://shopify/Customer/{i}", "note": "é\u2028" * (i % 7)})
                    for i in range(start, start + 1000)])
    operation = BulkOperation(1, "app", "{ customers { edges { node { id } } } }", "2026-10",
                              datetime(2031, 1, 1, tzinfo=UTC), datetime(2031, 1, 1, tzinfo=UTC))
    operation.jsonl, operation.byte_size = writer.finish(), writer.size
    pieces = list(operation.chunks(size=4096))
    assert len(pieces) > 10 and b"".join(pieces) == operation.text().encode()
    assert len(b"".join(pieces)) == operation.byte_size
