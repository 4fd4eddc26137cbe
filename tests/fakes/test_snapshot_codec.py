"""The snapshot codec: exact round trips through JSON text, and what it refuses to write or read."""

from __future__ import annotations

import json
import threading
from collections import deque
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from fakes.hubspot.apps import AccessToken
from fakes.hubspot.associations import DEFINED_TYPES, AssociationIndex
from fakes.shopify.models import Address, Customer
from fakes.snapshot import SnapshotError, decode, encode


def _round_trip(value):
    return decode(json.loads(json.dumps(encode(value))))


def test_values_come_back_with_their_types_and_order() -> None:
    now = datetime(2031, 1, 6, 9, 0, 0, 500, tzinfo=UTC)
    value = {
        "when": now, "span": timedelta(days=1, seconds=3, microseconds=7), "money": Decimal("10.00"),
        "raw": b"\x00\xffbody", "pair": ("contacts", "1001"), "scopes": frozenset({"b", "a"}), "ids": {3, 1, 2},
        "window": deque([now, now], maxlen=5), (("contacts", "1"), 2): "tuple key", "$looks_tagged": 1,
        "order": {"z": 1, "a": 2}, "nan": float("inf"),
    }
    back = _round_trip(value)
    assert back == value and list(back) == list(value) and list(back["order"]) == ["z", "a"]
    assert type(back["pair"]) is tuple and type(back["scopes"]) is frozenset and back["window"].maxlen == 5
    assert str(back["money"]) == "10.00" and back["when"].tzinfo is UTC
    assert _round_trip({"$dt": "not a date"}) == {"$dt": "not a date"}  # a real dict, not a tag


def test_records_come_back_frozen_or_not() -> None:
    now = datetime(2031, 1, 6, tzinfo=UTC)
    customer = Customer(7, now, now, email="a@example.com", addresses=[Address(8, city="Lyon", default=True)],
                        total_spent=Decimal("12.50"))
    token = AccessToken("pat-na1-x", 101, 5, frozenset({"crm.objects.contacts.read"}), oauth=False)
    index = AssociationIndex()
    index.add(("contacts", "1"), ("companies", "2"), DEFINED_TYPES[279])
    index.add(("contacts", "1"), ("companies", "2"), DEFINED_TYPES[1])
    assert _round_trip([customer, token, index]) == [customer, token, index]


def test_a_snapshot_of_associations_from_before_packed_keys_is_read() -> None:
    legacy = {"$obj": {"type": "fakes.hubspot.associations:AssociationIndex", "fields": {
        "links": {"$map": [[{"$tuple": ["contacts", "1"]}, {"$map": [[{"$tuple": ["companies", "2"]},
                                                                       {"$set": [1, 279]}]]}],
                           [{"$tuple": ["companies", "2"]}, {"$map": [[{"$tuple": ["contacts", "1"]},
                                                                       {"$set": [2, 280]}]]}]]},
        "user_types": {}}}}
    index = decode(legacy)
    assert index.of(("contacts", "1")) == {("companies", "2"): {1, 279}}
    assert index.of(("companies", "2"), "contacts") == {("contacts", "1"): {2, 280}}


def test_it_refuses_wiring_shared_objects_and_foreign_types() -> None:
    with pytest.raises(SnapshotError):
        encode({"lock": threading.Lock()})
    with pytest.raises(SnapshotError):
        encode({"f": print})
    shared: list[int] = []
    with pytest.raises(SnapshotError, match="reachable twice"):
        encode({"a": shared, "b": shared})
    with pytest.raises(SnapshotError):
        decode({"$obj": {"type": "subprocess:Popen", "fields": {}}})
    with pytest.raises(SnapshotError):
        decode({"$obj": {"type": "fakes.snapshot:SnapshotError", "fields": {}}})
    with pytest.raises(SnapshotError):
        decode({"$nope": 1})
