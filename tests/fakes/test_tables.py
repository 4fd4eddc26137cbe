"""Record tables (fakes/tables.py): records held compressed past the hot limit behave as live ones.

The fakes' own suites run with the default limit, which scenario-sized worlds never reach; these tests
put tables past it (a limit of 0 or 2) and check that what a store does with its records survives the
round trip through bytes: changes made through `table[key]`, reads in order, the update index, snapshots.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import pytest

from fakes.shopify.models import Customer
from fakes.snapshot import decode, encode
from fakes.tables import RecordTable, StoreLock, micros

T0 = datetime(2031, 1, 6, 9, 0, tzinfo=UTC)


@dataclass
class Row:
    id: int
    updated_at: datetime
    tags: list[str] = field(default_factory=list)


def _table(n: int, hot_limit: int = 2) -> RecordTable[Row]:
    return RecordTable({i: Row(i, T0 + timedelta(seconds=i)) for i in range(1, n + 1)},
                       stamp=lambda r: micros(r.updated_at), hot_limit=hot_limit)


def test_records_past_the_hot_limit_are_compressed_when_the_outermost_hold_ends() -> None:
    lock, table = StoreLock(), _table(10)
    assert table.cold_count() == 0  # nothing used under a lock yet: nothing settled
    with lock:
        table[1]
        with lock:
            table[2]
        assert table.cold_count() == 0  # an inner hold ending settles nothing
    assert table.cold_count() == 8  # 10 records, 2 of them the most recently used


def test_a_change_made_through_the_table_survives_compression() -> None:
    lock, table = StoreLock(), _table(5, hot_limit=0)
    with lock:
        table[3].tags.append("vip")
    assert table.cold_count() == 5
    with lock:
        assert table[3].tags == ["vip"]
        assert table.peek(3).tags == ["vip"]


def test_an_ordered_read_does_not_make_records_hot() -> None:
    lock, table = StoreLock(), _table(6, hot_limit=0)
    with lock:
        table[1]
    with lock:
        assert [r.id for r in table.values()] == [1, 2, 3, 4, 5, 6]
        assert [k for k, _ in table.items()] == [1, 2, 3, 4, 5, 6]
        assert list(table.irange(2, 4)) == [2, 3, 4]
        assert table.cold_count() == 6


def test_numeric_keys_over_string_ids_keep_numeric_order() -> None:
    table: RecordTable[str] = RecordTable({"10": "ten", "9": "nine", "100": "hundred"}, key=int, hot_limit=0)
    table.compact()
    assert list(table) == ["9", "10", "100"]
    assert list(table.irange_key(min_key=10)) == ["10", "100"]
    assert table["100"] == "hundred"


def test_the_update_index_finds_what_changed_since_an_instant() -> None:
    lock, table = StoreLock(), _table(8, hot_limit=0)
    assert table.stamped()
    with lock:
        table[2].updated_at = T0 + timedelta(hours=1)
        del table[7]
    with lock:
        since = micros(T0 + timedelta(seconds=6))
        assert table.changed_since(since) == [2, 6, 8]
        assert table.changed_since(micros(T0 + timedelta(hours=1))) == [2]


def test_a_small_table_does_not_answer_from_its_index() -> None:
    # Below the limit, records may be changed by code holding them outside a lock (tests do): the index
    # could have missed it, so listings read the records themselves.
    assert not _table(3, hot_limit=10).stamped()
    assert _table(3, hot_limit=2).stamped()


def test_a_snapshot_of_a_compressed_table_holds_every_record() -> None:
    customers = RecordTable({i: Customer(i, T0, T0 + timedelta(seconds=i), email=f"c{i}@example.com")
                             for i in range(1, 51)}, stamp=lambda c: micros(c.updated_at), hot_limit=0)
    customers.compact()
    restored = decode(encode(customers))
    assert list(restored.values()) == list(customers.values())


def test_concurrent_writers_under_the_store_lock_lose_nothing() -> None:
    lock, table = StoreLock(), _table(20, hot_limit=1)

    def tag(name: str) -> None:
        for key in range(1, 21):
            with lock:
                table[key].tags.append(name)

    threads = [threading.Thread(target=tag, args=(f"t{i}",)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert all(sorted(r.tags) == ["t0", "t1", "t2", "t3"] for r in table.values())


def test_pop_and_missing_keys() -> None:
    table = _table(3, hot_limit=0)
    table.compact()
    assert table.pop(2).id == 2
    assert table.pop(2, None) is None
    assert 2 not in table and len(table) == 2
    assert table.get(2) is None and table.peek(2) is None
    with pytest.raises(KeyError):
        table.pop(2)
