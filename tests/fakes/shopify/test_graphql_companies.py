"""B2B companies through the fake's GraphQL Admin API: mutations, pagination, search, metafields, cost."""

from __future__ import annotations

import base64
import itertools
import json
import threading
from datetime import timedelta
from typing import Any

import pytest

from fakes.clock import SimClock
from fakes.shopify.companies import Company, CompanyBook, CompanyNotFound, CompanyUserError
from fakes.shopify.graphql_api import CostBucket, execute

CREATE = """
mutation CompanyCreate($input: CompanyCreateInput!) {
  companyCreate(input: $input) {
    company { id name note externalId customerSince createdAt updatedAt }
    userErrors { field message code detail }
  }
}
"""

UPDATE = """
mutation CompanyUpdate($companyId: ID!, $input: CompanyInput!) {
  companyUpdate(companyId: $companyId, input: $input) {
    company { id name note externalId updatedAt }
    userErrors { field message code }
  }
}
"""

DELETE = """
mutation CompanyDelete($id: ID!) {
  companyDelete(id: $id) { deletedCompanyId userErrors { field message code } }
}
"""

PAGE = """
query Companies($first: Int, $after: String, $last: Int, $before: String, $query: String,
                $sortKey: CompanySortKeys, $reverse: Boolean) {
  companies(first: $first, after: $after, last: $last, before: $before, query: $query,
            sortKey: $sortKey, reverse: $reverse) {
    edges { cursor node { id name } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}
"""

SET_METAFIELDS = """
mutation Set($metafields: [MetafieldsSetInput!]!) {
  metafieldsSet(metafields: $metafields) {
    metafields { id namespace key type value compareDigest }
    userErrors { field message code elementIndex }
  }
}
"""


class World:
    """One shop's company book on a simulated clock, with the webhooks it asked for recorded."""

    def __init__(self, capacity: float = 2000.0, restore_rate: float = 100.0) -> None:
        self.clock = SimClock()
        self.ids = itertools.count(1001)
        self.changes: list[tuple[str, Company]] = []
        self.book = CompanyBook(self.clock.now, lambda: next(self.ids),
                                lambda topic, company: self.changes.append((topic, company)))
        self.bucket = CostBucket(self.clock.now, capacity=capacity, restore_rate=restore_rate)

    def gql(self, query: str, variables: dict[str, Any] | None = None, operation: str | None = None) -> dict:
        body = execute(self.book, query, variables, operation, cost_bucket=self.bucket)
        # The result is the body of an HTTP 200: it must survive a JSON round trip unchanged.
        assert json.loads(json.dumps(body)) == body
        return body

    def create(self, name: str, **company: Any) -> dict:
        body = self.gql(CREATE, {"input": {"company": {"name": name, **company}}})
        payload = body["data"]["companyCreate"]
        assert payload["userErrors"] == [], payload
        return payload["company"]

    def topics(self) -> list[str]:
        return [topic for topic, _ in self.changes]


@pytest.fixture
def world() -> World:
    return World()


def names(body: dict) -> list[str]:
    return [edge["node"]["name"] for edge in body["data"]["companies"]["edges"]]


# ------------------------------------------------------------------------------------------ create


def test_company_create_returns_the_company_with_a_gid_and_simulated_times(world: World) -> None:
    company = world.create("Acme Corp", note="Key account", externalId="ACME-1")

    assert company["id"] == "gid://shopify/Company/1001"
    assert company["name"] == "Acme Corp"
    assert company["note"] == "Key account"
    assert company["externalId"] == "ACME-1"
    assert company["createdAt"] == company["updatedAt"] == company["customerSince"] == "2031-01-06T09:00:00Z"
    assert world.topics() == ["companies/create"]


def test_company_create_keeps_a_given_customer_since(world: World) -> None:
    company = world.create("Old Friend", customerSince="2020-05-01T12:00:00Z")
    assert company["customerSince"] == "2020-05-01T12:00:00Z"


@pytest.mark.parametrize(
    ("company", "error"),
    [
        ({"name": "   "}, {"field": ["input", "company", "name"], "message": "Name can't be blank",
                             "code": "BLANK", "detail": None}),
        ({}, {"field": ["input", "company", "name"], "message": "Name can't be blank", "code": "BLANK",
              "detail": None}),
        ({"name": " <b> </b> "}, {"field": ["input", "company", "name"], "message": "Name can't be blank",
                                  "code": "BLANK", "detail": None}),
        ({"name": "x" * 256}, {"field": ["input", "company", "name"], "message": "Company name is too long",
                               "code": "TOO_LONG", "detail": None}),
        ({"name": "Ok", "externalId": "has spaces"},
         {"field": ["input", "company", "externalId"], "message": "External ID contains invalid characters",
          "code": "INVALID", "detail": "external_id_contains_invalid_chars"}),
        ({"name": "Ok", "externalId": "x" * 65},
         {"field": ["input", "company", "externalId"], "message": "External ID is too long", "code": "TOO_LONG",
          "detail": None}),
        ({"name": "Ok", "note": "<script>x</script>"},
         {"field": ["input", "company", "notes"], "message": "Note contains HTML tags", "code": "INVALID",
          "detail": "contains_html_tags"}),
    ],
)
def test_company_create_reports_user_errors_and_creates_nothing(world: World, company: dict, error: dict) -> None:
    body = world.gql(CREATE, {"input": {"company": company}})

    assert body["data"]["companyCreate"] == {"company": None, "userErrors": [error]}
    assert world.book.list() == []
    assert world.changes == []


def test_company_create_strips_html_from_the_name(world: World) -> None:
    assert world.create("<b>B2B</b> Draft")["name"] == "B2B Draft"


def test_external_id_is_unique_per_shop(world: World) -> None:
    world.create("One", externalId="ACME-1")
    body = world.gql(CREATE, {"input": {"company": {"name": "Two", "externalId": "ACME-1"}}})
    assert body["data"]["companyCreate"]["userErrors"] == [{
        "field": ["input", "company", "externalId"], "message": "External ID has already been taken",
        "code": "TAKEN", "detail": "duplicate_external_id"}]


def test_several_problems_are_reported_together(world: World) -> None:
    body = world.gql(CREATE, {"input": {"company": {"name": "", "note": "<b>" + "x" * 6000}}})
    codes = [(e["field"][-1], e["code"]) for e in body["data"]["companyCreate"]["userErrors"]]
    assert codes == [("name", "BLANK"), ("notes", "INVALID"), ("notes", "TOO_LONG")]


# ------------------------------------------------------------------------------------------ update


def test_company_update_changes_fields_and_stamps_updated_at(world: World) -> None:
    created = world.create("Acme", note="old")
    world.clock.advance(90)

    body = world.gql(UPDATE, {"companyId": created["id"], "input": {"name": "Acme Ltd", "note": None}})

    payload = body["data"]["companyUpdate"]
    assert payload["userErrors"] == []
    assert payload["company"] == {"id": created["id"], "name": "Acme Ltd", "note": None, "externalId": None,
                                  "updatedAt": "2031-01-06T09:01:30Z"}
    assert world.topics() == ["companies/create", "companies/update"]
    assert world.changes[-1][1].name == "Acme Ltd"


def test_company_update_of_an_unknown_id_is_resource_not_found(world: World) -> None:
    body = world.gql(UPDATE, {"companyId": "gid://shopify/Company/999999999999", "input": {"name": "X"}})
    # Text, field and code as a real 2025-01 shop answers.
    assert body["data"]["companyUpdate"] == {"company": None, "userErrors": [
        {"field": ["companyId"], "message": "Resource requested does not exist.", "code": "RESOURCE_NOT_FOUND"}]}


def test_customer_since_may_only_be_set_on_creation(world: World) -> None:
    created = world.create("Acme")
    body = world.gql(UPDATE, {"companyId": created["id"], "input": {"customerSince": "2020-01-01T00:00:00Z"}})
    assert body["data"]["companyUpdate"]["userErrors"] == [
        {"field": ["input", "customerSince"], "message": "This field may only be set on creation.",
         "code": "INVALID_INPUT"}]


def test_update_errors_are_prefixed_with_input_only(world: World) -> None:
    world.create("One", externalId="A-1")
    second = world.create("Two")
    body = world.gql(UPDATE, {"companyId": second["id"], "input": {"externalId": "A-1"}})
    assert body["data"]["companyUpdate"]["userErrors"][0]["field"] == ["input", "externalId"]


def test_an_update_that_changes_nothing_sends_no_webhook(world: World) -> None:
    created = world.create("Acme")
    world.gql(UPDATE, {"companyId": created["id"], "input": {"name": "Acme"}})
    assert world.topics() == ["companies/create"]


# ------------------------------------------------------------------------------------------ delete


def test_company_delete_removes_the_company(world: World) -> None:
    created = world.create("Acme")

    body = world.gql(DELETE, {"id": created["id"]})

    assert body["data"]["companyDelete"] == {"deletedCompanyId": created["id"], "userErrors": []}
    assert world.gql('query($id: ID!) { company(id: $id) { id } }', {"id": created["id"]})["data"] == {
        "company": None}
    assert world.topics() == ["companies/create", "companies/delete"]
    again = world.gql(DELETE, {"id": created["id"]})
    assert again["data"]["companyDelete"]["deletedCompanyId"] is None
    assert again["data"]["companyDelete"]["userErrors"][0]["code"] == "RESOURCE_NOT_FOUND"


# ------------------------------------------------------------------------------------------ ids


def test_company_by_gid(world: World) -> None:
    created = world.create("Acme")
    query = 'query($id: ID!) { company(id: $id) { id name } }'

    assert world.gql(query, {"id": created["id"]})["data"]["company"] == {"id": created["id"], "name": "Acme"}
    # A GID of another resource or an unknown company: null, no error.
    assert world.gql(query, {"id": "gid://shopify/Product/1001"})["data"] == {"company": None}
    assert world.gql(query, {"id": "gid://shopify/Company/5"})["data"] == {"company": None}
    # Not a GID at all: a coercion error on the field.
    malformed = world.gql(query, {"id": "1001"})
    assert malformed["data"] == {"company": None}
    assert malformed["errors"][0]["message"] == "Invalid global id '1001'"
    assert malformed["errors"][0]["path"] == ["company"]


# ------------------------------------------------------------------------------------------ pagination


@pytest.fixture
def seven(world: World) -> World:
    for name in ["Delta", "alpha", "Golf", "Bravo", "Echo", "Charlie", "Foxtrot"]:
        world.create(name)
        world.clock.advance(60)
    return world


def test_forward_pagination_over_several_pages(seven: World) -> None:
    pages = []
    after = None
    while True:
        body = seven.gql(PAGE, {"first": 3, "after": after})
        connection = body["data"]["companies"]
        pages.append(([e["node"]["name"] for e in connection["edges"]], connection["pageInfo"]))
        if not connection["pageInfo"]["hasNextPage"]:
            break
        after = connection["pageInfo"]["endCursor"]

    assert [p[0] for p in pages] == [["Delta", "alpha", "Golf"], ["Bravo", "Echo", "Charlie"], ["Foxtrot"]]
    assert [(p[1]["hasPreviousPage"], p[1]["hasNextPage"]) for p in pages] == [
        (False, True), (True, True), (True, False)]


def test_backward_pagination_with_last_and_before(seven: World) -> None:
    end = seven.gql(PAGE, {"last": 3})["data"]["companies"]
    assert [e["node"]["name"] for e in end["edges"]] == ["Echo", "Charlie", "Foxtrot"]
    assert (end["pageInfo"]["hasPreviousPage"], end["pageInfo"]["hasNextPage"]) == (True, False)

    middle = seven.gql(PAGE, {"last": 3, "before": end["pageInfo"]["startCursor"]})["data"]["companies"]
    assert [e["node"]["name"] for e in middle["edges"]] == ["alpha", "Golf", "Bravo"]

    start = seven.gql(PAGE, {"last": 3, "before": middle["pageInfo"]["startCursor"]})["data"]["companies"]
    assert [e["node"]["name"] for e in start["edges"]] == ["Delta"]
    assert start["pageInfo"]["hasPreviousPage"] is False


def test_cursors_look_like_shopifys(seven: World) -> None:
    edge = seven.gql(PAGE, {"first": 1, "sortKey": "NAME", "reverse": True})["data"]["companies"]["edges"][0]
    payload = json.loads(base64.b64decode(edge["cursor"]))
    assert payload == {"limit": 1, "sort_fields": "name", "sort_dir": "desc", "last_id": 1003,
                       "last_value": ["golf"], "direction": "next"}


def test_sort_by_name_is_case_insensitive_and_reversible(seven: World) -> None:
    ascending = names(seven.gql(PAGE, {"first": 10, "sortKey": "NAME"}))
    assert ascending == ["alpha", "Bravo", "Charlie", "Delta", "Echo", "Foxtrot", "Golf"]
    assert names(seven.gql(PAGE, {"first": 10, "sortKey": "NAME", "reverse": True})) == ascending[::-1]
    first = seven.gql(PAGE, {"first": 2, "sortKey": "NAME"})["data"]["companies"]
    rest = seven.gql(PAGE, {"first": 10, "sortKey": "NAME", "after": first["pageInfo"]["endCursor"]})
    assert names(rest) == ascending[2:]


def test_pagination_survives_deleting_the_cursor_company(seven: World) -> None:
    first = seven.gql(PAGE, {"first": 2})["data"]["companies"]
    seven.gql(DELETE, {"id": first["edges"][-1]["node"]["id"]})
    assert names(seven.gql(PAGE, {"first": 2, "after": first["pageInfo"]["endCursor"]})) == ["Golf", "Bravo"]


def test_a_cursor_from_another_sort_is_refused(seven: World) -> None:
    cursor = seven.gql(PAGE, {"first": 1})["data"]["companies"]["pageInfo"]["endCursor"]
    for bad in (cursor, "not-a-cursor"):
        body = seven.gql(PAGE, {"first": 1, "after": bad, "sortKey": "NAME"})
        assert body["data"] is None
        assert body["errors"][0]["message"] == "Invalid cursor for current pagination sort."


def test_first_or_last_is_required_and_capped(world: World) -> None:
    body = world.gql("{ companies { nodes { id } } }")
    assert body["data"] is None
    assert body["errors"][0]["message"] == "you must provide one of first or last"
    assert body["errors"][0]["path"] == ["companies"]
    assert "errors" in world.gql("{ companies(first: 251) { nodes { id } } }")
    assert world.gql("{ companies(first: 0) { nodes { id } } }")["data"]["companies"]["nodes"] == []


def test_nodes_and_edges_hold_the_same_companies(seven: World) -> None:
    body = seven.gql("{ companies(first: 2) { nodes { id } edges { node { id } } } }")["data"]["companies"]
    assert body["nodes"] == [e["node"] for e in body["edges"]]


# ------------------------------------------------------------------------------------------ search


def search(world: World, query: str) -> list[str]:
    return sorted(names(world.gql(PAGE, {"first": 50, "query": query})))


def test_search_by_name_matches_words_prefixes_and_phrases(world: World) -> None:
    for name in ["Acme Corp", "Big Acme", "Acmeville Traders", "Globex"]:
        world.create(name)

    assert search(world, "name:acme") == ["Acme Corp", "Big Acme"]
    assert search(world, "name:acme*") == ["Acme Corp", "Acmeville Traders", "Big Acme"]
    assert search(world, "name:'big acme'") == ["Big Acme"]
    assert search(world, "-name:acme") == ["Acmeville Traders", "Globex"]
    assert search(world, "name:globex OR name:corp") == ["Acme Corp", "Globex"]
    assert search(world, "globex") == ["Globex"]


def test_search_by_updated_at_for_polling(world: World) -> None:
    old = world.create("Old")
    world.clock.advance(600)
    world.create("New")
    world.clock.advance(600)
    world.gql(UPDATE, {"companyId": old["id"], "input": {"note": "touched"}})

    assert search(world, "updated_at:>'2031-01-06T09:10:00Z'") == ["Old"]
    assert search(world, "updated_at:>='2031-01-06T09:10:00Z'") == ["New", "Old"]
    assert search(world, "updated_at:<2031-01-06T09:10:00Z") == []
    assert search(world, "created_at:<='2031-01-06T09:00:00Z'") == ["Old"]
    assert search(world, "updated_at:2031-01-06") == ["New", "Old"]


def test_search_by_external_id_and_metafield(world: World) -> None:
    world.create("Acme", externalId="ACME-1")
    world.book.create("Globex", website="globex.example")

    assert search(world, "external_id:ACME-1") == ["Acme"]
    assert search(world, "metafields.custom.website:'https://globex.example'") == ["Globex"]


def test_an_unknown_search_field_is_ignored_with_a_warning(world: World) -> None:
    world.create("Acme")
    body = world.gql(PAGE, {"first": 5, "query": "colour:red"})
    assert names(body) == ["Acme"]
    assert body["extensions"]["search"] == [{"path": ["companies"], "query": "colour:red", "warnings": [
        {"field": "colour", "message": "Invalid search field for this query.", "code": "invalid_field"}]}]


# ------------------------------------------------------------------------------------------ metafields


def test_metafields_set_stores_the_website_and_company_exposes_it(world: World) -> None:
    company = world.create("Acme")
    world.clock.advance(30)

    body = world.gql(SET_METAFIELDS, {"metafields": [{
        "ownerId": company["id"], "namespace": "custom", "key": "website", "type": "url",
        "value": "https://www.acme.example/about"}]})

    payload = body["data"]["metafieldsSet"]
    assert payload["userErrors"] == []
    assert payload["metafields"][0]["value"] == "https://www.acme.example/about"
    assert payload["metafields"][0]["id"].startswith("gid://shopify/Metafield/")
    read = world.gql("""query($id: ID!) { company(id: $id) {
        updatedAt
        metafield(namespace: "custom", key: "website") { type value }
        metafields(first: 5) { nodes { namespace key } }
    } }""", {"id": company["id"]})["data"]["company"]
    assert read["metafield"] == {"type": "url", "value": "https://www.acme.example/about"}
    assert read["metafields"]["nodes"] == [{"namespace": "custom", "key": "website"}]
    # Our choice: a metafield write touches the company and sends companies/update (see companies.py).
    assert read["updatedAt"] == "2031-01-06T09:00:30Z"
    assert world.topics() == ["companies/create", "companies/update"]
    assert world.book.domain_of(world.book.list()[0]) == "acme.example"


def test_metafields_set_is_atomic_and_reports_each_bad_element(world: World) -> None:
    company = world.create("Acme")
    body = world.gql(SET_METAFIELDS, {"metafields": [
        {"ownerId": company["id"], "namespace": "custom", "key": "website", "type": "url",
         "value": "https://acme.example"},
        {"ownerId": company["id"], "namespace": "custom", "key": "size", "type": "no_such_type", "value": "1"},
        {"ownerId": "gid://shopify/Company/424242", "namespace": "custom", "key": "size",
         "type": "number_integer", "value": "1"},
    ]})

    errors = body["data"]["metafieldsSet"]["userErrors"]
    assert [(e["field"], e["code"], e["elementIndex"]) for e in errors] == [
        (["metafields", "1", "type"], "INVALID_TYPE", 1), (["metafields", "2", "ownerId"], "INVALID", 2)]
    assert world.book.list()[0].metafields == {}


def test_metafields_set_validates_values_and_compare_digest(world: World) -> None:
    company = world.create("Acme")
    entry = {"ownerId": company["id"], "namespace": "custom", "key": "website", "type": "url"}

    bad = world.gql(SET_METAFIELDS, {"metafields": [{**entry, "value": "not a url"}]})
    assert bad["data"]["metafieldsSet"]["userErrors"][0]["code"] == "INVALID_VALUE"

    first = world.gql(SET_METAFIELDS, {"metafields": [{**entry, "value": "https://a.example", "compareDigest": None}]})
    digest = first["data"]["metafieldsSet"]["metafields"][0]["compareDigest"]
    stale = world.gql(SET_METAFIELDS, {"metafields": [{**entry, "value": "https://b.example", "compareDigest": None}]})
    assert stale["data"]["metafieldsSet"]["userErrors"][0]["code"] == "STALE_OBJECT"
    ok = world.gql(SET_METAFIELDS, {"metafields": [{**entry, "value": "https://b.example", "compareDigest": digest}]})
    assert ok["data"]["metafieldsSet"]["userErrors"] == []
    assert world.book.domain_of(world.book.list()[0]) == "b.example"


def test_company_input_has_no_metafields_field(world: World) -> None:
    # The real CompanyInput is customerSince, externalId, name, note: metafields go through metafieldsSet.
    body = world.gql(CREATE, {"input": {"company": {"name": "Acme", "metafields": []}}})
    assert body["errors"][0]["extensions"]["code"] == "INVALID_VARIABLE"
    assert "data" not in body


# ------------------------------------------------------------------------------------------ the book


def test_merchant_edits_through_the_book_use_website_and_fire_topics(world: World) -> None:
    company = world.book.create("Initech", website="Initech.example")
    assert world.book.website_of(company) == "https://Initech.example"
    assert world.book.domain_of(company) == "initech.example"

    world.clock.advance(5)
    updated = world.book.update(company.id, website="https://www.initrode.example")
    assert world.book.domain_of(updated) == "initrode.example"
    assert updated.updated_at > company.updated_at

    cleared = world.book.update(company.id, website=None)
    assert world.book.domain_of(cleared) is None
    world.book.delete(company.id)
    assert world.topics() == ["companies/create", "companies/update", "companies/update", "companies/delete"]
    with pytest.raises(CompanyNotFound):
        world.book.delete(company.id)


def test_book_raises_company_user_errors(world: World) -> None:
    with pytest.raises(CompanyUserError) as raised:
        world.book.create("")
    assert (raised.value.field, raised.value.code) == (["name"], "BLANK")
    with pytest.raises(TypeError):
        world.book.update(1, colour="red")


def test_book_returns_snapshots_not_live_records(world: World) -> None:
    company = world.book.create("Acme")
    company.name = "Changed behind the book's back"
    assert world.book.get(company.id).name == "Acme"
    world.changes[0][1].name = "also ignored"
    assert world.book.list()[0].name == "Acme"


def test_book_reset_forgets_companies_without_webhooks(world: World) -> None:
    world.book.create("Acme")
    world.book.reset()
    assert world.book.list() == []
    assert world.topics() == ["companies/create"]


def test_concurrent_creates_keep_every_company(world: World) -> None:
    lock = threading.Lock()
    counter = itertools.count(1)

    def next_id() -> int:
        with lock:
            return next(counter)

    book = CompanyBook(world.clock.now, next_id, lambda *_: None)
    threads = [threading.Thread(target=lambda i=i: [book.create(f"Co {i}-{j}") for j in range(20)])
               for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [c.id for c in book.list()] == list(range(1, 161))


def test_rest_json_is_the_companies_webhook_payload(world: World) -> None:
    company = world.book.create("Acme", note="n", external_id="A-1", website="acme.example")

    body = world.book.rest_json(company, utc_offset=timedelta(hours=-5))

    assert body == {
        "name": "Acme", "note": "n", "external_id": "A-1", "main_contact_admin_graphql_api_id": None,
        "created_at": "2031-01-06T04:00:00-05:00", "updated_at": "2031-01-06T04:00:00-05:00",
        "customer_since": "2031-01-06T04:00:00-05:00", "admin_graphql_api_id": f"gid://shopify/Company/{company.id}",
    }
    with_metafields = world.book.rest_json(company, metafield_namespaces=["custom"])
    assert with_metafields["metafields"][0]["value"] == "https://acme.example"
    assert with_metafields["metafields"][0]["owner_resource"] == "company"


# ------------------------------------------------------------------------------------------ cost


def test_every_response_reports_its_cost(world: World) -> None:
    world.create("Acme")
    body = world.gql("{ companies(first: 10) { nodes { id metafield(key: \"website\", namespace: \"custom\") "
                     "{ value } } } }")
    cost = body["extensions"]["cost"]
    # 2 for the connection + 10 x (1 company + 1 metafield) requested; 1 company came back.
    assert cost["requestedQueryCost"] == 22
    assert cost["actualQueryCost"] == 4
    assert cost["throttleStatus"] == {"maximumAvailable": 2000, "currentlyAvailable": 2000 - 10 - 4,
                                      "restoreRate": 100}


def test_mutations_cost_ten(world: World) -> None:
    body = world.gql(DELETE, {"id": "gid://shopify/Company/1"})
    assert body["extensions"]["cost"]["requestedQueryCost"] == 10


def test_throttled_requests_get_shopifys_body_until_the_bucket_refills() -> None:
    world = World(capacity=50.0, restore_rate=10.0)
    query = "{ companies(first: 24) { nodes { id } } }"  # costs 26 requested, 2 actual on an empty shop

    assert world.gql(query)["extensions"]["cost"]["throttleStatus"]["currentlyAvailable"] == 48
    expensive = "{ a: companies(first: 24) { nodes { id } } b: companies(first: 24) { nodes { id } } }"
    world.gql(expensive)  # 52 > 48: throttled
    throttled = world.gql(expensive)
    assert throttled == {
        "errors": [{"message": "Throttled", "extensions": {
            "code": "THROTTLED", "documentation": "https://shopify.dev/api/usage/rate-limits"}}],
        "extensions": {"cost": {"requestedQueryCost": 52, "actualQueryCost": None, "throttleStatus": {
            "maximumAvailable": 50, "currentlyAvailable": 48, "restoreRate": 10}}},
    }
    world.gql(query)
    world.gql(query)
    assert world.bucket.currently_available == 44
    world.clock.advance(0.5)
    assert world.bucket.currently_available == 49
    world.clock.advance(60)
    assert world.bucket.currently_available == 50  # never above the bucket size
    assert "data" in world.gql(query)


def test_points_are_spent_by_actual_cost_and_come_back_with_simulated_time() -> None:
    world = World(capacity=100.0, restore_rate=1.0)
    for n in range(45):
        world.book.create(f"Company {n}")
    query = "{ companies(first: 45) { nodes { id } } }"  # 47 requested and 47 actual
    assert "data" in world.gql(query)
    assert "data" in world.gql(query)
    assert world.gql(query)["errors"][0]["extensions"]["code"] == "THROTTLED"
    world.clock.advance(world.bucket.seconds_until(47) - 1)
    assert world.gql(query)["errors"][0]["extensions"]["code"] == "THROTTLED"
    world.clock.advance(1)
    assert "data" in world.gql(query)


def test_a_query_over_1000_points_is_refused_before_it_runs(world: World) -> None:
    body = world.gql("{ companies(first: 250) { nodes { id metafields(first: 5) { nodes { key } } } } }")
    assert body["errors"][0]["extensions"] == {"code": "MAX_COST_EXCEEDED", "cost": 2002, "maxCost": 1000}
    assert body["errors"][0]["message"].startswith(
        "Query cost is 2002, which exceeds the single query max cost limit (1000).")
    assert "data" not in body
    assert world.bucket.currently_available == 2000


def test_plans_and_legacy_figures() -> None:
    clock = SimClock()
    assert CostBucket.for_plan(clock.now, "legacy").throttle_status() == {
        "maximumAvailable": 1000, "currentlyAvailable": 1000, "restoreRate": 50}
    assert CostBucket.for_plan(clock.now).throttle_status()["restoreRate"] == 100


# ------------------------------------------------------------------------------------------ bad requests


def test_a_syntax_error_is_a_200_with_graphql_rubys_message(world: World) -> None:
    body = world.gql("query GraphqlBaseValidationInvalidSyntax {\n  shop {\n    id\n")
    # Exactly what a real 2025-01 shop answered for this document.
    assert body == {"errors": [{"message": "syntax error, unexpected end of file at [3, 5]",
                                "locations": [{"line": 3, "column": 5}], "extensions": {"code": "PARSE_ERROR"}}]}
    other = world.gql("{ companies(first: 1) { nodes { id } } } }")
    assert other["errors"][0]["message"] == "syntax error, unexpected RCURLY at [1, 42]"


def test_an_unknown_field_is_a_200_with_errors_and_no_data(world: World) -> None:
    body = world.gql("query Probe {\n  companies(first: 1) {\n    nodes {\n      id\n      domain\n    }\n  }\n}\n")
    assert body == {"errors": [{
        "message": "Field 'domain' doesn't exist on type 'Company'",
        "locations": [{"line": 5, "column": 7}],
        "path": ["query Probe", "companies", "nodes", "domain"],
        "extensions": {"code": "undefinedField", "typeName": "Company", "fieldName": "domain"},
    }]}
    unknown_root = world.gql("mutation { companyMerge(id: 1) { x } }")
    assert unknown_root["errors"][0]["message"] == "Field 'companyMerge' doesn't exist on type 'Mutation'"


def test_a_missing_selection_is_reported_as_shopify_does(world: World) -> None:
    body = world.gql("{ companies(first: 1) }")
    assert body["errors"][0]["message"] == ("Field must have selections (field 'companies' returns "
                                            "CompanyConnection but has no selections. Did you mean "
                                            "'companies { ... }'?)")
    assert body["errors"][0]["extensions"]["code"] == "selectionMismatch"


def test_a_missing_variable_is_an_invalid_variable_error(world: World) -> None:
    body = world.gql(CREATE, {})
    assert body == {"errors": [{
        "message": "Variable $input of type CompanyCreateInput! was provided invalid value",
        "locations": [{"line": 2, "column": 24}],  # at the `$`, as Shopify points
        "extensions": {"code": "INVALID_VARIABLE", "value": None,
                       "problems": [{"path": [], "explanation": "Expected value to not be null"}]},
    }]}


@pytest.mark.parametrize("query", [None, "", "   ", 42, "{", "}}}", "query { __typename }", '"unterminated'])
def test_garbage_never_raises(world: World, query: Any) -> None:
    body = execute(world.book, query, None, None, cost_bucket=world.bucket)
    assert isinstance(body, dict)
    assert "errors" in body or "data" in body


def test_several_operations_need_an_operation_name(world: World) -> None:
    document = ('query A { companies(first: 1) { nodes { id } } } '
                'query B { company(id: "gid://shopify/Company/1") { id } }')
    assert "errors" in world.gql(document)
    assert world.gql(document, operation="B")["data"] == {"company": None}


def test_works_without_a_cost_bucket(world: World) -> None:
    body = execute(world.book, "{ companies(first: 1) { nodes { id } } }", None, None, cost_bucket=None)
    assert body["extensions"]["cost"]["requestedQueryCost"] == 3
