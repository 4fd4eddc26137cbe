"""Search: operators, filter groups, sorts, paging, limits, and the simulated indexing delay."""

from __future__ import annotations

import random
from typing import Any

import pytest

from fakes.hubspot.store import HubSpotStore, modified_window

from .conftest import Api


@pytest.fixture(autouse=True)
def no_secondly_limit(store: HubSpotStore) -> None:
    """These tests search many times within one simulated second; test_ratelimit.py covers the limit."""
    store.portal(101).search_per_second = 10_000


@pytest.fixture
def indexed(api: Api, store: HubSpotStore, clock) -> dict[str, str]:
    """Five contacts, already visible to search."""
    people = [("ada@alpha.com", "Ada", "36", "2031-01-01T00:00:00Z"), ("bob@beta.com", "Bob", "20", None),
              ("cy@alpha.com", "Cy", "51", "2031-01-03T00:00:00Z"), ("di@gamma.org", "Di", None, None),
              ("ed@beta.com", "Ed", "20", None)]
    ids = {}
    store.create_property(store.marketer(101), "contacts", {"name": "age", "label": "Age", "type": "number",
                                                             "fieldType": "number", "groupName": "contactinformation"})
    store.create_property(store.marketer(101), "contacts", {"name": "signup", "label": "Signup", "type": "datetime",
                                                             "fieldType": "date", "groupName": "contactinformation"})
    for email, name, age, signup in people:
        props = {"email": email, "firstname": name}
        if age:
            props["age"] = age
        if signup:
            props["signup"] = signup
        ids[name] = api.create("contacts", **props)["id"]
    clock.advance(60)
    return ids


def _search(api: Api, body: dict[str, Any], object_type: str = "contacts") -> Any:
    return api.post(f"/crm/v3/objects/{object_type}/search", json=body)


def _names(api: Api, *filters: dict[str, Any], groups: list[list[dict[str, Any]]] | None = None) -> list[str]:
    body = {"filterGroups": [{"filters": g} for g in (groups or [list(filters)])], "properties": ["firstname"],
            "limit": 100}
    response = _search(api, body)
    assert response.status_code == 200, response.json
    return [r["properties"]["firstname"] for r in response.json["results"]]


def test_every_operator(api: Api, indexed: dict[str, str]) -> None:
    f = lambda prop, op, **kw: {"propertyName": prop, "operator": op, **kw}  # noqa: E731
    assert _names(api, f("email", "EQ", value="ADA@alpha.com")) == ["Ada"]
    assert _names(api, f("firstname", "NEQ", value="Ada")) == ["Bob", "Cy", "Di", "Ed"]
    assert _names(api, f("age", "LT", value="36")) == ["Bob", "Ed"]
    assert _names(api, f("age", "LTE", value="36")) == ["Ada", "Bob", "Ed"]
    assert _names(api, f("age", "GT", value="36")) == ["Cy"]
    assert _names(api, f("age", "GTE", value="36")) == ["Ada", "Cy"]
    assert _names(api, f("age", "BETWEEN", value="20", highValue="36")) == ["Ada", "Bob", "Ed"]
    assert _names(api, f("firstname", "IN", values=["ada", "cy"])) == ["Ada", "Cy"]
    assert _names(api, f("firstname", "NOT_IN", values=["ada", "cy"])) == ["Bob", "Di", "Ed"]
    assert _names(api, f("age", "HAS_PROPERTY")) == ["Ada", "Bob", "Cy", "Ed"]
    assert _names(api, f("age", "NOT_HAS_PROPERTY")) == ["Di"]
    assert _names(api, f("email", "CONTAINS_TOKEN", value="*@beta.com")) == ["Bob", "Ed"]
    assert _names(api, f("email", "NOT_CONTAINS_TOKEN", value="*@beta.com")) == ["Ada", "Cy", "Di"]


def test_dates_as_epoch_ms_or_iso(api: Api, indexed: dict[str, str]) -> None:
    jan2_ms = "1924992000000"  # 2031-01-01T00:00:00Z
    assert _names(api, {"propertyName": "signup", "operator": "GT", "value": jan2_ms}) == ["Cy"]
    assert _names(api, {"propertyName": "signup", "operator": "GTE", "value": "2031-01-01T00:00:00Z"}) == ["Ada", "Cy"]
    assert _names(api, {"propertyName": "createdate", "operator": "GTE", "value": "2031-01-06T09:00:00Z"}) == [
        "Ada", "Bob", "Cy", "Di", "Ed"]


def test_and_within_groups_or_across(api: Api, indexed: dict[str, str]) -> None:
    alpha = {"propertyName": "email", "operator": "CONTAINS_TOKEN", "value": "*@alpha.com"}
    old = {"propertyName": "age", "operator": "GT", "value": "40"}
    di = {"propertyName": "firstname", "operator": "EQ", "value": "Di"}
    assert _names(api, groups=[[alpha, old]]) == ["Cy"]
    assert _names(api, groups=[[alpha, old], [di]]) == ["Cy", "Di"]


def test_sorts_query_and_paging(api: Api, indexed: dict[str, str]) -> None:
    body = {"sorts": [{"propertyName": "age", "direction": "DESCENDING"}], "properties": ["firstname"], "limit": 2}
    first = _search(api, body).json
    assert first["total"] == 5
    assert [r["properties"]["firstname"] for r in first["results"]] == ["Cy", "Ada"]
    second = _search(api, {**body, "after": first["paging"]["next"]["after"]}).json
    assert [r["properties"]["firstname"] for r in second["results"]] == ["Bob", "Ed"]
    third = _search(api, {**body, "after": second["paging"]["next"]["after"]}).json
    assert [r["properties"]["firstname"] for r in third["results"]] == ["Di"] and "paging" not in third
    ascending = _search(api, {"sorts": ["firstname"], "properties": ["firstname"]}).json
    assert [r["properties"]["firstname"] for r in ascending["results"]] == ["Ada", "Bob", "Cy", "Di", "Ed"]
    text = _search(api, {"query": "beta", "properties": ["firstname"]}).json
    assert [r["properties"]["firstname"] for r in text["results"]] == ["Bob", "Ed"]
    default = _search(api, {}).json
    assert len(default["results"]) == 5 and set(default["results"][0]["properties"]) >= {"email", "firstname"}


def test_limits(api: Api, indexed: dict[str, str]) -> None:
    flt = {"propertyName": "firstname", "operator": "HAS_PROPERTY"}
    assert _search(api, {"limit": 200}).status_code == 200
    assert _search(api, {"limit": 201}).status_code == 400
    assert _search(api, {"limit": 100, "after": "9900"}).status_code == 200
    beyond = _search(api, {"limit": 100, "after": "9901"})
    assert beyond.status_code == 400 and "10000" in beyond.json["message"]
    assert _search(api, {"filterGroups": [{"filters": [flt]}] * 5}).status_code == 200
    assert _search(api, {"filterGroups": [{"filters": [flt]}] * 6}).status_code == 400
    assert _search(api, {"filterGroups": [{"filters": [flt] * 10}]}).status_code == 200
    assert _search(api, {"filterGroups": [{"filters": [flt] * 11}]}).status_code == 400
    assert _search(api, {"filterGroups": [{"filters": [flt] * 5}] * 5}).status_code == 200
    assert _search(api, {"filterGroups": [{"filters": [flt] * 6}] * 5}).status_code == 400  # 30 > 25
    bad = [{"propertyName": "firstname", "operator": "LIKE", "value": "x"},
           {"propertyName": "nope", "operator": "EQ", "value": "x"},
           {"propertyName": "firstname", "operator": "EQ"},
           {"propertyName": "firstname", "operator": "BETWEEN", "value": "a"},
           {"propertyName": "firstname", "operator": "IN", "values": []}]
    for flt in bad:
        response = _search(api, {"filterGroups": [{"filters": [flt]}]})
        assert response.status_code == 400 and response.json["category"] == "VALIDATION_ERROR", flt
    assert _search(api, {"query": "x" * 3001}).status_code == 400


def test_search_lags_by_the_indexing_delay(api: Api, store: HubSpotStore, clock) -> None:
    assert store.search_index_delay.total_seconds() == 5
    cid = api.create("contacts", email="late@x.com", firstname="Before")["id"]
    eq = {"filterGroups": [{"filters": [{"propertyName": "email", "operator": "EQ", "value": "late@x.com"}]}],
          "properties": ["firstname"]}
    assert _search(api, eq).json["total"] == 0  # not indexed yet: search-then-create would 409
    clock.advance(5)
    assert [r["properties"]["firstname"] for r in _search(api, eq).json["results"]] == ["Before"]
    api.patch(f"/crm/v3/objects/contacts/{cid}", json={"properties": {"firstname": "After"}})
    clock.advance(2)
    assert [r["properties"]["firstname"] for r in _search(api, eq).json["results"]] == ["Before"]
    clock.advance(3)
    assert [r["properties"]["firstname"] for r in _search(api, eq).json["results"]] == ["After"]
    api.delete(f"/crm/v3/objects/contacts/{cid}")
    assert _search(api, eq).json["total"] == 1
    clock.advance(5)
    assert _search(api, eq).json["total"] == 0
    store.set_search_delay(0)
    api.create("contacts", email="now@x.com")
    now = {"filterGroups": [{"filters": [{"propertyName": "email", "operator": "EQ", "value": "now@x.com"}]}]}
    assert _search(api, now).json["total"] == 1


def test_search_orders_by_modified_date(api: Api, clock) -> None:
    first = api.create("orders", hs_order_name="#1")["id"]
    clock.advance(10)
    second = api.create("orders", hs_order_name="#2")["id"]
    clock.advance(10)
    body = {"filterGroups": [{"filters": [{"propertyName": "hs_lastmodifieddate", "operator": "GT",
                                           "value": "2031-01-06T09:00:05Z"}]}],
            "sorts": [{"propertyName": "hs_lastmodifieddate", "direction": "ASCENDING"}]}
    assert [r["id"] for r in _search(api, body, "orders").json["results"]] == [second]
    body["filterGroups"] = []
    assert [r["id"] for r in _search(api, body, "0-123").json["results"]] == [first, second]


def test_a_big_table_searches_by_modified_date_as_a_small_one(api: Api, store: HubSpotStore, clock) -> None:
    # Past the hot limit a search bounding the modified date reads only the records the table's update index
    # says changed since (fakes/tables.py); what it answers must not change, lag of the index included.
    ids = [api.create("contacts", email=f"p{n}@example.com", firstname=f"P{n}")["id"] for n in range(8)]
    clock.advance(60)
    middle = clock.now()
    for rid in ids[::3]:
        changed = api.patch(f"/crm/v3/objects/contacts/{rid}", json={"properties": {"lastname": "Late"}})
        assert changed.status_code == 200
    clock.advance(10)
    api.patch(f"/crm/v3/objects/contacts/{ids[1]}", json={"properties": {"lastname": "Later"}})
    clock.advance(2)  # within the search index's delay: the last change is not visible yet
    since = str(int(middle.timestamp() * 1000))
    bodies = [{"filterGroups": [{"filters": [{"propertyName": "lastmodifieddate", "operator": op, "value": since}]}],
               "properties": ["firstname", "lastname"], "limit": 2, "after": after}
              for op in ("GTE", "GT") for after in (0, 2)]
    bodies.append({"filterGroups": [
        {"filters": [{"propertyName": "lastmodifieddate", "operator": "GTE", "value": since}]},
        {"filters": [{"propertyName": "email", "operator": "EQ", "value": "p2@example.com"}]}], "limit": 10})

    def answers() -> list[Any]:
        return [_search(api, body).json for body in bodies]

    small = answers()
    table = store.portal(101).of_type("contacts")
    table.hot_limit = 0
    table.compact()
    assert table.stamped()
    assert answers() == small
    assert small[0]["total"] == 3 and small[-1]["total"] == 4


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_a_window_search_on_a_big_table_answers_as_the_records_do(api: Api, store: HubSpotStore, clock,
                                                                   monkeypatch: pytest.MonkeyPatch, seed: int) -> None:
    # A search by modified date and id in a big table is answered from the update index's stamps
    # (fakes/hubspot/store/modified_window.py); creates, updates, archives and merges, some within one
    # millisecond and some within the indexing delay, must not make it answer otherwise than the records do.
    rng = random.Random(seed)
    live: list[str] = []
    marks: list[int] = []
    for step in range(90):
        roll = rng.random()
        if roll < 0.4 or len(live) < 3:
            live.append(api.create("contacts", email=f"w{seed}-{step}@example.com", firstname=f"W{step}")["id"])
        elif roll < 0.75:
            rid = rng.choice(live)
            assert api.patch(f"/crm/v3/objects/contacts/{rid}",
                             json={"properties": {"lastname": f"L{step}"}}).status_code == 200
        elif roll < 0.9:
            rid = live.pop(rng.randrange(len(live)))
            assert api.delete(f"/crm/v3/objects/contacts/{rid}").status_code == 204
        else:
            primary, merged = rng.sample(live, 2)
            assert api.post("/crm/v3/objects/contacts/merge",
                            json={"primaryObjectId": primary, "objectIdToMerge": merged}).status_code == 200
            live = [r for r in live if r not in (primary, merged)]
        clock.advance(rng.choice([0, 0.0004, 0.3, 1, 2, 4, 6]))
        if rng.random() < 0.15:
            marks.append(int(clock.now().timestamp() * 1000))
    every_id = sorted({int(r) for r in live})
    bodies = []
    for since in marks[:4]:
        for op in ("GT", "GTE"):
            for above in (None, every_id[len(every_id) // 3], every_id[-1]):
                filters = [{"propertyName": "lastmodifieddate", "operator": op, "value": str(since)}]
                if above is not None:
                    filters.append({"propertyName": "hs_object_id", "operator": rng.choice(["GT", "GTE"]),
                                    "value": str(above)})
                for after in (0, 3, 9):
                    body = {"filterGroups": [{"filters": filters}], "properties": ["firstname", "lastname"],
                            "limit": 4, "after": str(after)}
                    if rng.random() < 0.5:
                        body["sorts"] = [{"propertyName": "hs_object_id", "direction": "ASCENDING"}]
                    bodies.append(body)
    assert len(bodies) >= 36

    def answers() -> list[Any]:
        return [_search(api, body).json for body in bodies]

    table = store.portal(101).of_type("contacts")
    small = answers()
    shortcut = 0
    answer = modified_window.answer

    def counted(*args: Any) -> Any:
        nonlocal shortcut
        found = answer(*args)
        shortcut += found is not None
        return found

    monkeypatch.setattr(modified_window, "answer", counted)
    table.hot_limit = 0
    table.compact()
    assert table.stamped()
    assert answers() == small
    assert shortcut == len(bodies)
    assert any(a["total"] > 4 for a in small) and any(a["total"] == 0 for a in small)
