"""Cursor pagination with page_info and the Link header (docs/vendor-behaviour.md §1.4)."""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass

from hypothesis import given, settings
from hypothesis import strategies as st

from fakes.shopify.pagination import Cursor, Selection, cut_page
from fakes.snapshot import decode, encode
from fakes.tables import RecordTable
from tests.fakes.shopify.conftest import next_link, prev_link

LINK_ENTRY = re.compile(r'^<http://[^>]+\?limit=\d+&page_info=[A-Za-z0-9_-]+>; rel="(next|previous)"$')


def seed_customers(store, n: int) -> list[int]:
    return [store.create_customer("demo", {"email": f"c{i}@example.com"}).id for i in range(n)]


def test_link_header_has_the_exact_spacing_shopifyapi_splits_on(admin, store):
    seed_customers(store, 7)
    first = admin.get("/customers.json", query_string={"limit": 3})
    assert "Link" in first.headers
    assert next_link(first) and prev_link(first) is None
    second = admin.follow(next_link(first))
    header = second.headers["Link"]
    # Entries separated by ", ", URL and rel by "; ", previous first (docs/vendor-behaviour.md §1.4).
    entries = header.split(", ")
    assert [LINK_ENTRY.match(e).group(1) for e in entries] == ["previous", "next"]


def test_walks_forward_and_back_across_several_pages(admin, store):
    ids = seed_customers(store, 11)
    seen, pages, response = [], 0, admin.get("/customers.json", query_string={"limit": 4})
    while True:
        pages += 1
        seen.extend(c["id"] for c in response.json["customers"])
        link = next_link(response)
        if link is None:
            break
        response = admin.follow(link)
    assert seen == ids and pages == 3
    back = admin.follow(prev_link(response))
    assert [c["id"] for c in back.json["customers"]] == ids[4:8]
    first = admin.follow(prev_link(back))
    assert [c["id"] for c in first.json["customers"]] == ids[:4]
    assert prev_link(first) is None


def test_no_link_header_when_everything_fits(admin, store):
    seed_customers(store, 3)
    assert "Link" not in admin.get("/customers.json").headers


def test_cursor_keeps_the_original_filters(admin, store, clock):
    seed_customers(store, 3)
    clock.advance(3600)
    later = [store.create_customer("demo", {"email": f"late{i}@example.com"}).id for i in range(5)]
    response = admin.get("/customers.json", query_string={"limit": 2, "updated_at_min": "2031-01-06T10:00:00Z"})
    got = [c["id"] for c in response.json["customers"]]
    while next_link(response):
        response = admin.follow(next_link(response))
        got.extend(c["id"] for c in response.json["customers"])
    assert got == later


def test_filters_alongside_page_info_are_400(admin, store):
    seed_customers(store, 5)
    link = next_link(admin.get("/customers.json", query_string={"limit": 2}))
    token = link.split("page_info=")[1]
    response = admin.get("/customers.json", query_string={"page_info": token, "updated_at_min": "2031-01-01"})
    assert response.status_code == 400
    assert response.json["errors"]["updated_at_min"].startswith("updated_at_min cannot be passed when page_info")
    orders = admin.get("/orders.json", query_string={"page_info": token, "status": "any"})
    assert orders.status_code == 400 and "status" in orders.json["errors"]


def test_garbage_page_info_is_400(admin):
    response = admin.get("/customers.json", query_string={"page_info": "not-a-cursor"})
    assert response.status_code == 400
    assert "page_info" in response.json["errors"]


def test_limit_default_50_and_at_most_250(admin, store):
    seed_customers(store, 260)
    assert len(admin.get("/customers.json").json["customers"]) == 50
    assert len(admin.get("/customers.json", query_string={"limit": 1000}).json["customers"]) == 250
    assert admin.get("/customers.json", query_string={"limit": 0}).status_code == 400
    assert admin.get("/customers.json", query_string={"limit": "ten"}).status_code == 400


# --- a listing read by seeking (Selection) cuts exactly the pages that filtering the whole list would

@dataclass(frozen=True)
class _Row:
    id: int
    even: bool


@settings(max_examples=300, deadline=None)
@given(ids=st.sets(st.integers(1, 60), max_size=40), keep_even=st.booleans(), limit=st.integers(1, 7),
       direction=st.sampled_from(["next", "prev", None]), boundary=st.integers(0, 61),
       floor=st.none() | st.integers(0, 61))
def test_a_seeking_page_is_the_page_of_the_filtered_list(ids, keep_even, limit, direction, boundary, floor) -> None:
    table = RecordTable({i: _Row(i, i % 2 == 0) for i in ids}, hot_limit=3)
    table.compact()  # a listing reads compressed records as it reads live ones (fakes/tables.py)

    def keep(row: _Row) -> bool:  # `since_id` is the floor: nothing at or below it is kept
        return (row.even or not keep_even) and (floor is None or row.id > floor)

    cursor = Cursor(direction, boundary, {"f": "1"}) if direction else None
    filtered = [row for row in table.values() if keep(row)]
    expected = cut_page(filtered, [r.id for r in filtered], limit, cursor, {"f": "1"})
    assert Selection(table, keep, threading.Lock(), floor=floor).page(limit, cursor, {"f": "1"}) == expected


def test_the_store_lists_customers_in_id_order_after_a_snapshot_round_trip(store) -> None:
    ids = seed_customers(store, 5)
    restored = decode(encode(store.shops["demo"]))
    assert isinstance(restored.customers, RecordTable) and list(restored.customers) == ids
