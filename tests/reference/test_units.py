"""Unit tests of the reference engine's parts: settings, mapping and matching, planning (merge), state, webhooks."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import sqlite3
from datetime import UTC, datetime, timedelta

import pytest

from reference.mapping import hubspot_view, humanize, norm_domain, norm_email, norm_money, read_path, shopify_view
from reference.objects.companies import Companies
from reference.objects.contacts import Contacts
from reference.objects.orders import STAGES, order_stage
from reference.objects.twoway import Group, Member, merge_fields
from reference.settings import DEFAULT_MAPPINGS, SettingsRefused, parse_settings
from reference.state import LIVE, HubSpotRecord, Link, State
from reference.webhooks import Rejected, hubspot_events, shopify_events

T0 = datetime(2031, 1, 6, 9, 0, tzinfo=UTC)


def settings_doc(**changes) -> dict:
    doc = {
        "contract": "1",
        "hubspot": {"base_url": "http://hubspot.sim", "access_token": "pat", "portal_id": 101, "tier": "professional",
                    "ops_hub": "starter", "app": {"app_id": 7, "client_secret": "hs-secret"}},
        "shopify": {"client_id": "app", "client_secret": "shp-secret"},
        "shops": [{"shop": "alpha", "domain": "alpha.myshopify.com", "admin_url": "http://shopify.sim/shops/alpha/admin",
                   "api_version": "2024-10", "authorization_code": "code"}],
        "objects": {"contacts": {"enabled": True, "mappings": []}, "orders": {"enabled": False, "mappings": []}},
        "webhooks": {"shopify": "https://impl.sim/webhooks/shopify", "hubspot": "https://impl.sim/webhooks/hubspot"},
    }
    doc.update(changes)
    return doc


# ---------------------------------------------------------------------- settings


def test_valid_settings_are_read() -> None:
    s = parse_settings(settings_doc())
    assert s.enabled("contacts") and not s.enabled("orders") and not s.enabled("products")
    assert s.objects["companies"] is None  # missing = the sync was deleted (SET-4)
    assert s.shops[0].api_base == "http://shopify.sim/shops/alpha/admin/api/2024-10"
    assert s.objects["contacts"].only_with_email  # SET-6: on by default
    assert s.poll_interval == 60


@pytest.mark.parametrize("change, words", [
    ({"contract": "2"}, "contract"),
    ({"shops": [{"shop": "Alpha!", "domain": "x", "admin_url": "ftp://", "api_version": "v1"}]}, "shops[0]"),
    ({"objects": {"contacts": {"enabled": "yes"}}}, "enabled"),
    ({"objects": {"widgets": {"enabled": True}}}, "unknown object types"),
    ({"limits": {"poll_interval_seconds": 0}}, "poll_interval_seconds"),
    # Wrong types and misspelt keys in the optional sections (issue 9: a document the schema refuses).
    ({"limits": []}, "limits must be an object"),
    ({"webhooks": None}, "webhooks must be an object"),
    ({"limits": {"poll_interval": 30}}, "limits has unknown keys: poll_interval"),
    ({"shops": [{"shop": "alpha", "domain": "alpha.myshopify.com", "admin_url": "http://shopify.sim/shops/alpha/admin",
                 "api_version": "2024-10", "authorization_code": "code", "acces_token": "x"}]}, "acces_token"),
    ({"shopify": {"client_id": "app", "client_secret": "s", "secret": "s"}}, "shopify has unknown keys"),
])
def test_invalid_settings_are_refused_with_a_clear_message(change, words) -> None:
    with pytest.raises(SettingsRefused, match=words.replace("[", r"\[").replace("]", r"\]")):
        parse_settings(settings_doc(**change))


def test_custom_mappings_need_operations_hub_starter() -> None:  # CON-4
    doc = settings_doc(objects={"contacts": {"enabled": True, "mappings": [
        {"hubspot_property": "jobtitle", "shopify_field": "note", "direction": "to_hubspot"}]}})
    assert parse_settings(doc).mappings("contacts")[-1].hubspot_property == "jobtitle"
    doc["hubspot"]["ops_hub"] = "free"
    with pytest.raises(SettingsRefused, match="Operations Hub Starter"):
        parse_settings(doc)


def test_one_way_objects_only_map_to_hubspot() -> None:  # SET-5
    doc = settings_doc(objects={"orders": {"enabled": True, "mappings": [
        {"hubspot_property": "hs_tags", "shopify_field": "tags", "direction": "both"}]}})
    with pytest.raises(SettingsRefused, match="to_hubspot"):
        parse_settings(doc)


def test_a_mapping_names_a_shopify_field_the_sync_reads_and_if_both_ways_one_it_writes() -> None:  # SET-5
    # Read over GraphQL and turned into the webhook's shape (reference/clients/shopify_records.py): a field the
    # records do not carry would read as nothing, and a value written to it would go nowhere.
    def mapped(obj: str, field: str, direction: str) -> dict:
        return settings_doc(objects={obj: {"enabled": True, "mappings": [
            {"hubspot_property": "hs_custom", "shopify_field": field, "direction": direction}]}})

    assert parse_settings(mapped("contacts", "default_address.city", "to_hubspot"))
    assert parse_settings(mapped("orders", "customer.email", "to_hubspot"))
    with pytest.raises(SettingsRefused, match="does not read Shopify field 'loyalty_points' of contacts"):
        parse_settings(mapped("contacts", "loyalty_points", "to_hubspot"))
    with pytest.raises(SettingsRefused, match="cannot write Shopify field 'state' of contacts"):
        parse_settings(mapped("contacts", "state", "both"))


def test_a_custom_mapping_overrides_the_default_of_its_property() -> None:
    doc = settings_doc(objects={"contacts": {"enabled": True, "mappings": [
        {"hubspot_property": "phone", "shopify_field": "phone", "direction": "to_hubspot"}]}})
    phone = [m for m in parse_settings(doc).mappings("contacts") if m.hubspot_property == "phone"]
    assert len(phone) == 1 and phone[0].direction == "to_hubspot"


# ---------------------------------------------------------------------- mapping and matching


def test_match_keys_are_normalised() -> None:
    assert norm_email("  Ada.Lovelace@Example.COM ") == "ada.lovelace@example.com"  # CNT-1
    assert norm_email("  ") is None
    assert norm_domain("https://www.Globex.example/about") == "globex.example"  # CMP-1
    assert norm_domain("initech.example") == "initech.example"
    assert norm_money("19.50") == norm_money("19.5") == "19.5"
    assert norm_money("8.00") == "8"


def test_views_read_mapped_fields_on_both_sides() -> None:
    customer = {"email": "ADA@x.example", "first_name": "Ada", "last_name": None, "phone": None,
                "default_address": {"city": "Paris", "province": None, "zip": "75001", "country": "France",
                                    "address1": "1 rue", "company": "Analytical"}}
    view = shopify_view(customer, DEFAULT_MAPPINGS["contacts"])
    assert view["email"] == "ada@x.example" and view["firstname"] == "Ada" and view["city"] == "Paris"
    assert view["company"] == "Analytical" and view["lastname"] is None
    contact = {"properties": {"email": "ada@x.example", "firstname": "Ada", "city": ""}}
    assert hubspot_view(contact, DEFAULT_MAPPINGS["contacts"])["city"] is None
    product = {"title": "Tee", "variants": [{"price": "15.00", "sku": "S"}, {"price": "16.00", "sku": "M"}]}
    assert shopify_view(product, DEFAULT_MAPPINGS["products"])["price"] == "15"  # PRD-5: the first variant
    assert read_path(product, "variants.5.price") is None


def test_company_keys_are_name_any_case_or_domain() -> None:  # CMP-1, CMP-2
    companies = Companies()
    assert companies.keys({"name": "ACME Corp", "domain": None}) == ["name:acme corp"]
    assert companies.keys({"name": "Globex", "domain": "globex.example"}) == ["name:globex", "domain:globex.example"]
    assert companies.keys({"name": None, "domain": None}) == []


def test_order_stage_follows_shopify_status() -> None:
    assert order_stage({"cancelled_at": "x", "fulfillment_status": "fulfilled"}) == "cancelled"
    delivered = {"fulfillment_status": "fulfilled", "fulfillments": [{"status": "success", "shipment_status":
                                                                      "delivered"}]}
    assert order_stage(delivered) == "delivered"
    assert order_stage({"fulfillment_status": "fulfilled", "fulfillments": [{"shipment_status": None}]}) == "shipped"
    assert order_stage({"financial_status": "partially_refunded"}) == "processed"
    assert order_stage({"financial_status": "pending"}) == "open"
    assert len(set(STAGES.values())) == 5
    assert humanize("partially_paid") == "Partially paid" and humanize(None, "Unfulfilled") == "Unfulfilled"


# ---------------------------------------------------------------------- planning: the field-by-field merge (pure)


def _group(h_props: dict | None, h_at: datetime, h_last: dict | None, customers: dict[str, tuple]) -> Group:
    mappings = DEFAULT_MAPPINGS["contacts"]
    h = None if h_props is None else {"id": "1", "properties": h_props,
                                      "updatedAt": h_at.isoformat().replace("+00:00", "Z")}
    rec = None if h_last is None else HubSpotRecord("contacts", "1", None, {**hubspot_view(None, mappings),
                                                                             **h_last})
    group = Group("1" if h else None, h, rec)
    for shop, (record, last, at) in customers.items():
        record = {"id": 5, "updated_at": at.isoformat(), **record}
        link = None if last is None else Link("contacts", shop, "5", "1", {**shopify_view(None, mappings), **last})
        group.members[shop] = Member(shop, record, link)
    return group


def test_a_change_on_one_side_flows_to_the_other() -> None:  # CNT-5
    synced = {"email": "a@x.example", "firstname": "Old"}
    group = _group({"email": "a@x.example", "firstname": "Old"}, T0, synced,
                   {"alpha": ({"email": "a@x.example", "first_name": "New"}, synced, T0 + timedelta(minutes=1))})
    to_h, to_s = merge_fields(group, DEFAULT_MAPPINGS["contacts"], Contacts.shopify_at)
    assert to_h == {"firstname": "New"} and to_s == {"alpha": {}}


def test_when_both_sides_changed_the_later_change_wins() -> None:  # CNT-5
    synced = {"email": "a@x.example", "firstname": "Start"}
    group = _group({"email": "a@x.example", "firstname": "Later"}, T0 + timedelta(seconds=5), synced,
                   {"alpha": ({"email": "a@x.example", "first_name": "Earlier"}, synced, T0)})
    to_h, to_s = merge_fields(group, DEFAULT_MAPPINGS["contacts"], Contacts.shopify_at)
    assert to_h == {} and to_s == {"alpha": {"firstname": "Later"}}


def test_unchanged_records_plan_no_write() -> None:  # CNT-6: our own echo is no change
    synced = {"email": "a@x.example", "firstname": "Same"}
    group = _group({"email": "a@x.example", "firstname": "Same"}, T0, synced,
                   {"alpha": ({"email": "a@x.example", "first_name": "Same"}, synced, T0)})
    assert merge_fields(group, DEFAULT_MAPPINGS["contacts"], Contacts.shopify_at) == ({}, {"alpha": {}})


def test_first_match_never_lets_an_empty_field_erase_a_value() -> None:  # CNT-1
    group = _group({"email": "a@x.example", "firstname": "Ada"}, T0 + timedelta(minutes=5), None,
                   {"alpha": ({"email": "a@x.example", "first_name": None, "last_name": "Lovelace"}, None, T0)})
    to_h, to_s = merge_fields(group, DEFAULT_MAPPINGS["contacts"], Contacts.shopify_at)
    assert to_h == {"lastname": "Lovelace"} and to_s == {"alpha": {"firstname": "Ada"}}


def test_to_hubspot_only_fields_never_reach_shopify() -> None:
    synced = {"email": "a@x.example", "city": "Paris"}
    group = _group({"email": "a@x.example", "city": "Lyon"}, T0 + timedelta(minutes=1), synced,
                   {"alpha": ({"email": "a@x.example", "default_address": {"city": "Paris"}}, synced, T0)})
    assert merge_fields(group, DEFAULT_MAPPINGS["contacts"], Contacts.shopify_at) == ({}, {"alpha": {}})


def test_a_change_in_one_shop_reaches_the_other_shops_through_hubspot() -> None:  # CON-2
    synced = {"email": "a@x.example", "firstname": "Old"}
    group = _group({"email": "a@x.example", "firstname": "Old"}, T0, synced, {
        "alpha": ({"email": "a@x.example", "first_name": "New"}, synced, T0 + timedelta(minutes=1)),
        "beta": ({"email": "a@x.example", "first_name": "Old"}, synced, T0)})
    to_h, to_s = merge_fields(group, DEFAULT_MAPPINGS["contacts"], Contacts.shopify_at)
    assert to_h == {"firstname": "New"} and to_s == {"alpha": {}, "beta": {"firstname": "New"}}


def test_a_record_matched_for_the_first_time_fills_its_empty_fields() -> None:  # CNT-1, CON-2
    # Found by a thorough property run (seed 20261205): a customer a checkout's email made in a second shop,
    # nameless, was linked to the synced contact "Ada" and kept no name, since neither side had changed.
    synced = {"email": "a@x.example", "firstname": "Ada"}
    group = _group({"email": "a@x.example", "firstname": "Ada"}, T0, synced, {
        "alpha": ({"email": "a@x.example", "first_name": "Ada"}, synced, T0),
        "beta": ({"email": "a@x.example", "first_name": None}, None, T0 + timedelta(minutes=5))})
    merged = merge_fields(group, DEFAULT_MAPPINGS["contacts"], Contacts.shopify_at)
    assert merged == ({}, {"alpha": {}, "beta": {"firstname": "Ada"}})


def test_on_a_tie_of_update_times_the_shopify_change_wins() -> None:  # CNT-5, stable on a tie
    synced = {"email": "a@x.example", "firstname": "Start"}
    group = _group({"email": "a@x.example", "firstname": "Hub"}, T0, synced,
                   {"alpha": ({"email": "a@x.example", "first_name": "Shop"}, synced, T0)})
    merged = merge_fields(group, DEFAULT_MAPPINGS["contacts"], Contacts.shopify_at)
    assert merged == ({"firstname": "Shop"}, {"alpha": {}})


def test_the_merge_reads_shopify_times_through_the_stream() -> None:
    # Pure: the clock of a Shopify record is the caller's to say (a stream may keep it elsewhere).
    synced = {"email": "a@x.example", "firstname": "Start"}
    group = _group({"email": "a@x.example", "firstname": "Hub"}, T0 + timedelta(minutes=1), synced,
                   {"alpha": ({"email": "a@x.example", "first_name": "Shop"}, synced, T0)})
    later = T0 + timedelta(minutes=2)
    assert merge_fields(group, DEFAULT_MAPPINGS["contacts"], lambda _record: later)[0] == {"firstname": "Shop"}


# ---------------------------------------------------------------------- state


def test_state_survives_a_restart(tmp_path) -> None:
    path = tmp_path / "state.sqlite3"
    state = State(path)
    state.put("token:alpha:k", "shpat_x")
    state.save_link(Link("contacts", "alpha", "5", "1", {"email": "a@x.example"}, "t"))
    state.save_record(HubSpotRecord("companies", "9", "domain:acme.example\nname:acme", {}, None, "sync"))
    state.intend("orders", "alpha", ["42"])
    state.close()
    state = State(path)
    assert state.get("token:alpha:k") == "shpat_x"
    assert state.link("contacts", "alpha", 5).view == {"email": "a@x.example"}
    assert [r.hubspot_id for r in state.records_by_key("companies", "name:acme")] == ["9"]
    assert [r.hubspot_id for r in state.records_by_key("companies", "domain:acme.example")] == ["9"]
    assert state.records_by_key("companies", "name:ac") == []
    assert state.intended("orders", "alpha", "42")
    state.settle_intents("orders", "alpha", ["42"])
    assert not state.intended("orders", "alpha", "42")


def test_inbox_keeps_when_an_event_happened_and_a_state_dir_from_before_gains_the_column(tmp_path) -> None:
    old = sqlite3.connect(tmp_path / "state.db")
    old.execute("CREATE TABLE inbox (seq INTEGER PRIMARY KEY AUTOINCREMENT, source TEXT NOT NULL, shop TEXT, "
                "topic TEXT NOT NULL, body TEXT NOT NULL)")
    old.execute("INSERT INTO inbox (source, shop, topic, body) VALUES ('shopify', 'alpha', 'customers/delete', '{}')")
    old.commit()
    old.close()
    state = State(tmp_path / "state.db")
    state.accept("shopify", "alpha", "customers/delete", {"id": 1}, ["shopify:e2"], "2031-01-06T09:00:02Z")
    assert [e.at for e in state.inbox()] == [None, "2031-01-06T09:00:02Z"]


def test_inbox_dedupes_by_event_id() -> None:
    state = State(None)
    assert state.accept("shopify", "alpha", "customers/update", {"id": 1}, ["shopify:e1"])
    assert not state.accept("shopify", "alpha", "customers/update", {"id": 1}, ["shopify:e1"])
    events = state.inbox()
    assert [(e.topic, e.body) for e in events] == [("customers/update", {"id": 1})]
    state.done([events[0].seq])
    assert state.inbox() == []


def test_survivors_of_an_archived_record_are_found_by_key_until_linked_again() -> None:
    state = State(None)
    survivor = Link("contacts", "beta", "7", None, {"email": "ada@x.com"}, None, LIVE, {"keys": ["ada@x.com"]})
    state.save_link(survivor)
    state.save_link(Link("contacts", "alpha", "8", "101", {"email": "ada@x.com"}, None, LIVE))
    assert [(o.shop, o.shopify_id) for o in state.orphans("contacts", ["ada@x.com", "bob@x.com"])] == [("beta", "7")]
    assert state.orphans("contacts", ["bob@x.com"]) == [] and state.orphans("companies", ["ada@x.com"]) == []
    survivor.hubspot_id = "102"
    state.save_link(survivor)
    assert state.orphans("contacts", ["ada@x.com"]) == []


def test_link_ids_of_a_shop_are_its_live_links_optionally_flagged() -> None:
    state = State(None)
    state.save_link(Link("orders", "alpha", "1", "10", {}, None, LIVE, {"lines": {"a": "b"}}))
    state.save_link(Link("orders", "alpha", "2", "11", {}, None, LIVE, {"missing": "2031-01-06T09:00:00+00:00"}))
    state.save_link(Link("orders", "alpha", "3", "12", {}, None, "deleted", {"missing": "x"}))
    state.save_link(Link("orders", "beta", "4", "13", {}, None, LIVE))
    assert state.link_ids("orders", "alpha") == ["1", "2"]
    assert state.link_ids("orders", "alpha", flag="missing") == ["2"]


def test_inbox_is_read_and_dropped_by_topic_up_to_an_event() -> None:
    """A stream reads its own topics a page at a time, and drops only those it read (newer ones wait)."""
    state = State(None)
    for i in range(1200):
        state.accept("hubspot", None, "contact.creation", {"objectId": i}, [f"hubspot:{i}"])
    state.accept("shopify", "alpha", "orders/create", {"id": 1}, ["shopify:o1"])
    state.accept("shopify", "alpha", "customers/update", {"id": 2}, ["shopify:c2"])
    read = list(state.inbox_pages(("customers/", "contact.")))
    assert len(read) == 1201 and [e.body["objectId"] for e in read[:1200]] == list(range(1200))
    through = read[-1].seq
    state.accept("hubspot", None, "contact.propertyChange", {"objectId": 7}, ["hubspot:late"])
    state.done_through(("customers/", "contact."), through)
    assert [e.topic for e in state.inbox()] == ["orders/create", "contact.propertyChange"]
    state.done_through(("contact.",), state.last_event(), keep=True)  # every other topic goes
    assert [e.topic for e in state.inbox()] == ["contact.propertyChange"]


# ---------------------------------------------------------------------- webhook verification


def test_shopify_hmac_is_verified() -> None:
    body = json.dumps({"id": 1}).encode()
    good = base64.b64encode(hmac.new(b"shp-secret", body, hashlib.sha256).digest()).decode()
    headers = {"X-Shopify-Hmac-Sha256": good, "X-Shopify-Topic": "customers/update",
               "X-Shopify-Shop-Domain": "alpha.myshopify.com", "X-Shopify-Event-Id": "e1"}
    [event] = shopify_events(headers, body, "shp-secret", {"alpha.myshopify.com": "alpha"})
    assert (event.shop, event.topic, event.event_id, event.at) == ("alpha", "customers/update", "shopify:e1", None)
    [dated] = shopify_events({**headers, "X-Shopify-Triggered-At": "2031-01-06T09:00:02Z"}, body, "shp-secret", {})
    assert dated.at == "2031-01-06T09:00:02Z"  # when the delete happened, however late the delivery
    with pytest.raises(Rejected):
        shopify_events({**headers, "X-Shopify-Hmac-Sha256": "forged"}, body, "shp-secret", {})
    with pytest.raises(Rejected):
        shopify_events(headers, body + b" ", "shp-secret", {})


def test_hubspot_v3_signature_and_age_are_verified() -> None:
    uri = "https://impl.sim/webhooks/hubspot"
    body = json.dumps([{"eventId": 3, "objectId": 1001, "subscriptionType": "contact.creation"}]).encode()
    ts = int(T0.timestamp() * 1000)

    def signed(at: int) -> dict:
        source = f"POST{uri}{body.decode()}{at}".encode()
        sig = base64.b64encode(hmac.new(b"hs-secret", source, hashlib.sha256).digest()).decode()
        return {"X-HubSpot-Signature-v3": sig, "X-HubSpot-Request-Timestamp": str(at)}

    [event] = hubspot_events(signed(ts), body, "hs-secret", uri, T0 + timedelta(seconds=10))
    assert (event.topic, event.event_id) == ("contact.creation", "hubspot:3")
    with pytest.raises(Rejected, match="stale"):
        hubspot_events(signed(ts), body, "hs-secret", uri, T0 + timedelta(seconds=301))
    with pytest.raises(Rejected, match="signature"):
        hubspot_events(signed(ts), body, "other-secret", uri, T0)


def test_streams_of_one_rank_take_turns_to_go_first() -> None:
    # Every stream shares one budget per vendor, and a failed call blocks it for the rest of the tick: under a
    # long 429 storm the stream that always came last (orders) missed the 10-minute bound (LAT-3, seed 4).
    from reference.engine import SyncEngine

    engine = SyncEngine()
    try:
        turns = [[stream.name for stream in engine._in_turn()] for _ in range(3)]
    finally:
        engine.close()
    assert turns[0] == ["contacts", "companies", "products", "carts", "orders"]
    assert turns[1] == ["companies", "products", "contacts", "orders", "carts"]
    assert turns[2] == ["products", "contacts", "companies", "carts", "orders"]
    for order in turns:  # what orders and carts point at always goes first
        assert set(order[:3]) == {"contacts", "companies", "products"}
