"""A big shop's listings read from the cursor and the update index (fakes/tables.py) give the pages a small
shop's read of every record gives: the same nodes, cursors, page info, counts and search warnings."""

from __future__ import annotations

from datetime import timedelta

import pytest

from fakes.shopify.store import ShopifyStore
from tests.fakes.shopify.test_graphql_admin_customers import PAGE

COUNT = ("query($query: String) { all: customersCount(query: $query, limit: null) { count precision } "
         "some: customersCount(query: $query, limit: 3) { count precision } }")
QUERIES = [None, "updated_at:>'2031-01-06T09:20:00Z'", "updated_at:>=2031-01-06T09:20:00Z AND tag:vip",
           "updated_at:>2031-01-06T09:20:00Z nosuchfield:1", "tag:vip", "updated_at:>2031-01-07T00:00:00Z",
           "updated_at:>2031-01-06T09:20:00Z OR email:c3@example.com"]


def _walk(gql, query: str | None, first: int) -> list[dict]:
    """Every page of a forward walk, whole (edges with cursors, page info, extensions' search warnings)."""
    pages, after = [], None
    while True:
        body = gql.call(PAGE, {"first": first, "after": after, "query": query, "sort": "ID"})
        assert "errors" not in body, body["errors"]
        page = body["data"]["customers"]
        pages.append({"page": page, "search": body.get("extensions", {}).get("search")})
        if not page["pageInfo"]["hasNextPage"]:
            return pages
        after = page["pageInfo"]["endCursor"]


@pytest.mark.parametrize("first", [1, 3, 50])
def test_a_big_table_pages_as_a_small_one(gql, store: ShopifyStore, clock, first: int) -> None:
    for n in range(12):
        store.create_customer("demo", {"email": f"c{n}@example.com", "tags": "vip" if n % 3 == 0 else ""})
        clock.advance(timedelta(minutes=5))
    store.update_customer("demo", store.shops["demo"].customers.peek(min(store.shops["demo"].customers)).id,
                          {"note": "touched late"})
    table = store.shops["demo"].customers
    small = {q: (_walk(gql, q, first), gql.data(COUNT, {"query": q})) for q in QUERIES}
    table.hot_limit = 0  # past the limit: compressed, and answered from the cursor and the index
    table.compact()
    assert table.cold_count() == 12 and table.stamped()
    for query in QUERIES:
        assert (_walk(gql, query, first), gql.data(COUNT, {"query": query})) == small[query], query
