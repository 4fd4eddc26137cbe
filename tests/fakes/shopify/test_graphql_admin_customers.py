"""Customers over GraphQL on Shopify's schema, and the one store behind REST and GraphQL (docs/vendor-behaviour.md §8.C;
texts from captures of real responses in airhorns/shopify-draft-proxy, customers/*)."""

from __future__ import annotations

from datetime import timedelta

CREATE = """mutation($input: CustomerInput!) { customerCreate(input: $input) {
  customer { id legacyResourceId email firstName lastName displayName tags state locale numberOfOrders
             amountSpent { amount currencyCode } verifiedEmail canDelete createdAt updatedAt
             defaultEmailAddress { emailAddress marketingState marketingOptInLevel } }
  userErrors { field message } } }"""
UPDATE = """mutation($input: CustomerInput!) { customerUpdate(input: $input) {
  customer { id firstName email } userErrors { field message } } }"""
DELETE = """mutation($id: ID!) { customerDelete(input: {id: $id}) {
  deletedCustomerId shop { id } userErrors { field message } } }"""
PAGE = """query($first: Int, $after: String, $last: Int, $before: String, $query: String, $sort: CustomerSortKeys,
             $reverse: Boolean) {
  customers(first: $first, after: $after, last: $last, before: $before, query: $query, sortKey: $sort,
            reverse: $reverse) {
    edges { cursor node { id email } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }"""


def _create(gql, **fields):
    body = gql.data(CREATE, {"input": fields})["customerCreate"]
    assert body["userErrors"] == [], body["userErrors"]
    return body["customer"]


def test_a_new_customer_reads_as_at_shopify(gql):
    made = _create(gql, email="ada@example.com", firstName="Ada", lastName="Lovelace", tags=["Zulu", "alpha", "alpha"])
    assert made["id"] == f"gid://shopify/Customer/{made['legacyResourceId']}"
    assert made["displayName"] == "Ada Lovelace"
    assert made["tags"] == ["alpha", "Zulu"]  # de-duplicated, sorted case-insensitively
    assert (made["state"], made["locale"], made["numberOfOrders"]) == ("DISABLED", "en", "0")
    assert made["amountSpent"] == {"amount": "0.0", "currencyCode": "USD"}  # a string, shortest decimal
    assert made["defaultEmailAddress"] == {"emailAddress": "ada@example.com", "marketingState": "NOT_SUBSCRIBED",
                                           "marketingOptInLevel": "SINGLE_OPT_IN"}
    assert made["canDelete"] and made["verifiedEmail"]
    assert made["createdAt"] == "2031-01-06T09:00:00Z"


def test_user_errors_have_shopifys_fields_and_words(gql):
    _create(gql, email="ada@example.com")

    def refused(query, variables, root):
        return gql.data(query, variables)[root]["userErrors"]
    assert refused(CREATE, {"input": {"email": "ada@example.com"}}, "customerCreate") == [
        {"field": ["email"], "message": "Email has already been taken"}]
    assert refused(CREATE, {"input": {"email": "not-an-email"}}, "customerCreate") == [
        {"field": ["email"], "message": "Email is invalid"}]
    assert refused(CREATE, {"input": {"note": "nobody"}}, "customerCreate") == [
        {"field": None, "message": "A name, phone number, or email address must be present"}]
    assert refused(CREATE, {"input": {"id": "gid://shopify/Customer/1", "email": "x@example.com"}},
                   "customerCreate") == [{"field": ["id"], "message": "Cannot specify ID on creation"}]
    assert refused(UPDATE, {"input": {"id": "gid://shopify/Customer/999", "firstName": "X"}}, "customerUpdate") == [
        {"field": ["id"], "message": "Customer does not exist"}]
    assert refused(DELETE, {"id": "gid://shopify/Customer/999"}, "customerDelete") == [
        {"field": ["id"], "message": "Customer can't be found"}]


def test_a_customer_with_orders_cannot_be_deleted(gql, store):
    made = _create(gql, email="ada@example.com")
    number = int(made["legacyResourceId"])
    product = store.create_product("demo", {"title": "Mug", "variants": [{"price": "5.00"}]})
    store.create_order("demo", {"customer": {"id": number}, "line_items": [
        {"variant_id": product.variants[0].id, "quantity": 1}]})
    body = gql.data(DELETE, {"id": made["id"]})["customerDelete"]
    # Shopify's text has a typographic apostrophe here (customer-delete-blocked-by-orders capture).
    assert body["userErrors"] == [{"field": ["id"],
                                   "message": "Customer can\u2019t be deleted because they have associated orders"}]
    assert gql.data('query($id: ID!) { customer(id: $id) { canDelete } }', {"id": made["id"]}) == {
        "customer": {"canDelete": False}}


def test_rest_and_graphql_are_one_store(gql, admin):
    made = admin.post("/customers.json", {"customer": {"email": "rest@example.com", "first_name": "Rest"}})
    number = made.json["customer"]["id"]
    read = gql.data('query($id: ID!) { customer(id: $id) { firstName email } }',
                    {"id": f"gid://shopify/Customer/{number}"})
    assert read == {"customer": {"firstName": "Rest", "email": "rest@example.com"}}
    gql.data(UPDATE, {"input": {"id": f"gid://shopify/Customer/{number}", "firstName": "Graph"}})
    assert admin.get(f"/customers/{number}.json").json["customer"]["first_name"] == "Graph"
    gone = gql.data(DELETE, {"id": f"gid://shopify/Customer/{number}"})["customerDelete"]
    assert gone["deletedCustomerId"] == f"gid://shopify/Customer/{number}"
    assert admin.get(f"/customers/{number}.json").status_code == 404


def test_pages_forward_and_back_with_cursors(gql):
    emails = [f"c{i}@example.com" for i in range(7)]
    for email in emails:
        _create(gql, email=email)
    seen, after = [], None
    while True:
        page = gql.data(PAGE, {"first": 3, "after": after})["customers"]
        seen += [e["node"]["email"] for e in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert seen == emails
    back, before = [], None
    while True:
        page = gql.data(PAGE, {"last": 3, "before": before})["customers"]
        back = [e["node"]["email"] for e in page["edges"]] + back
        if not page["pageInfo"]["hasPreviousPage"]:
            break
        before = page["pageInfo"]["startCursor"]
    assert back == emails
    newest_first = gql.data(PAGE, {"first": 2, "reverse": True})["customers"]["edges"]
    assert [e["node"]["email"] for e in newest_first] == ["c6@example.com", "c5@example.com"]


def test_a_connection_needs_first_or_last(gql):
    body = gql.call("{ customers { nodes { id } } }")
    assert body["errors"][0]["message"] == "you must provide one of first or last"
    assert body["errors"][0]["extensions"] == {"code": "BAD_REQUEST"}


def test_search_syntax_by_email_update_time_and_id(gql, clock):
    early = _create(gql, email="early@example.com", firstName="Early")
    clock.advance(timedelta(hours=1))
    late = _create(gql, email="late@example.com", firstName="Late")

    def found(query, sort="ID"):
        page = gql.data(PAGE, {"first": 10, "query": query, "sort": sort})["customers"]
        return [e["node"]["email"] for e in page["edges"]]
    assert found("email:late@example.com") == ["late@example.com"]
    assert found("email:LATE@example.com") == ["late@example.com"]
    assert found("updated_at:>2031-01-06T09:30:00Z") == ["late@example.com"]
    assert found("updated_at:<='2031-01-06T09:30:00Z'") == ["early@example.com"]
    assert found(f"id:>{early['legacyResourceId']}") == ["late@example.com"]
    assert found(f"id:<={late['legacyResourceId']} AND first_name:early") == ["early@example.com"]
    assert found("early OR late", sort="UPDATED_AT") == ["early@example.com", "late@example.com"]


def test_an_unknown_search_field_is_ignored_and_reported(gql):
    _create(gql, email="ada@example.com")
    body = gql.call('{ customers(first: 5, query: "shoe_size:42") { nodes { email } } }')
    assert [n["email"] for n in body["data"]["customers"]["nodes"]] == ["ada@example.com"]
    assert body["extensions"]["search"] == [{"path": ["customers"], "query": "shoe_size:42", "warnings": [
        {"field": "shoe_size", "message": "Invalid search field for this query.", "code": "invalid_field"}]}]


def test_customers_count_filters_by_time_and_id_only(gql):
    _create(gql, email="a@example.com")
    _create(gql, email="b@example.com")
    assert gql.data("{ customersCount { count precision } }") == {"customersCount": {"count": 2,
                                                                                    "precision": "EXACT"}}
    # As captured (customers-count.json): an email filter does not narrow the count, and says so.
    body = gql.call('{ customersCount(query: "email:a@example.com") { count } }')
    assert body["data"]["customersCount"]["count"] == 2
    assert body["extensions"]["search"][0]["warnings"][0]["field"] == "email"


def test_customer_set_upserts_by_email(gql):
    made = _create(gql, email="ada@example.com", firstName="Ada")
    upsert = """mutation($identifier: CustomerSetIdentifiers, $input: CustomerSetInput!) {
      customerSet(identifier: $identifier, input: $input) { customer { id firstName }
      userErrors { field message code } } }"""
    body = gql.data(upsert, {"identifier": {"email": "ada@example.com"},
                             "input": {"email": "ada@example.com", "firstName": "Augusta"}})["customerSet"]
    assert body["customer"] == {"id": made["id"], "firstName": "Augusta"}
    body = gql.data(upsert, {"identifier": {"id": "gid://shopify/Customer/1"},
                             "input": {"firstName": "Nobody"}})["customerSet"]
    assert body["userErrors"] == [{"field": ["input"], "message": "Resource matching the identifier was not found.",
                                   "code": "NOT_FOUND"}]
    body = gql.data(upsert, {"input": {"email": "grace@example.com", "firstName": "Grace"}})["customerSet"]
    assert body["customer"]["firstName"] == "Grace" and body["customer"]["id"] != made["id"]


def test_node_and_nodes_find_customers_and_null_for_unknown_ids(gql):
    made = _create(gql, email="ada@example.com")
    body = gql.data('query($ids: [ID!]!) { nodes(ids: $ids) { id ... on Customer { email } } }',
                    {"ids": [made["id"], "gid://shopify/Customer/1", "gid://shopify/Job/1"]})
    assert body["nodes"] == [{"id": made["id"], "email": "ada@example.com"}, None, None]
