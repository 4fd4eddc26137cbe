"""Record tables: the fakes' records by id, in id order, held compactly, and the store lock that settles them.

A world of a million orders did not fit in memory as Python objects: about 3.8 KB a Shopify customer and
order, 16 KB their HubSpot contact, order and line item (with the property history and the search index's
version each carries). A `RecordTable` keeps the records used recently as objects (at most `HOT_RECORDS`,
5,000 unless `SHOPSYNC_HOT_RECORDS` says otherwise; least recently used out first) and every other one as
its pickle, compressed with a dictionary taken from the table's first such record, so that what records
of one kind share (field names, classes, defaults) is not stored a million times: 60-150 bytes a record
instead of 1-13 KB (2.2 GiB for the whole million-record world; README, Performance).

Records are mutated in place by the stores, so a record is turned back into bytes only when no one is
in the middle of using it: when the outermost hold of the store's `StoreLock` ends, each table used under
it settles (its oldest objects beyond the limit are compressed). A world smaller than the limit never
compresses anything and behaves exactly as plain dicts of objects did. Reading a table in order
(`values()`, `items()`) does not make cold records hot: a listing of a million records decodes them one at
a time and keeps none, so such reads must not mutate what they get; `table[key]` and `table.get(key)` are
the reads for records about to change.

A table may also keep its records in order of a stamp (the update time): `changed_since(stamp)` finds the
records changed since an instant without reading the others, which is what pollers ask for all day.
"""

from __future__ import annotations

import os
import pickle
import threading
import zlib
from array import array
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime, timedelta
from itertools import islice
from typing import Any, Generic, TypeVar

from sortedcontainers import SortedDict, SortedList

V = TypeVar("V")

HOT_RECORDS = int(os.environ.get("SHOPSYNC_HOT_RECORDS", "5000"))
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)
_STAMP_SHIFT = 2 ** 40  # stamp * 2**40 + numeric id: one int per entry of the stamp index, ordered by both
_held = threading.local()


def micros(instant: datetime) -> int:
    """An aware instant in microseconds since the epoch: the stamps of the update index."""
    return (instant - _EPOCH) // _MICROSECOND


class StoreLock:
    """A re-entrant lock; when a thread's outermost hold ends, the tables it used settle (still under the lock)."""

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._depth = 0
        self._unsettled: dict[int, RecordTable] = {}

    def acquire(self, blocking: bool = True, timeout: float = -1) -> bool:
        if not self._lock.acquire(blocking, timeout):
            return False
        self._depth += 1
        if self._depth == 1:
            stack = getattr(_held, "locks", None)
            if stack is None:
                stack = _held.locks = []
            stack.append(self)
        return True

    def release(self) -> None:
        if self._depth == 1:
            try:
                while self._unsettled:
                    _, table = self._unsettled.popitem()
                    table.settle()
            finally:
                _held.locks.remove(self)
        self._depth -= 1
        self._lock.release()

    def __enter__(self) -> StoreLock:
        self.acquire()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.release()

    def note(self, table: RecordTable) -> None:
        """`table` was used under this lock: settle it when the outermost hold ends."""
        self._unsettled[id(table)] = table


def _current_lock() -> StoreLock | None:
    stack = getattr(_held, "locks", None)
    return stack[-1] if stack else None


class RecordTable(Generic[V]):
    """Records by key in key order, the cold ones compressed. With `key=int` the keys are strings of digits
    (HubSpot's ids) kept as numbers: numeric order, and no string per record."""

    def __init__(self, items: Iterable[tuple[Any, V]] | dict | None = None, *, key: Callable[[Any], int] | None = None,
                 stamp: Callable[[V], int] | None = None, hot_limit: int | None = None) -> None:
        self.key = key
        self._data: SortedDict = SortedDict()  # internal key -> record or its compressed pickle
        self._hot: dict[int, None] = {}  # internal keys whose value is an object, least recently used first
        # Internal keys enrolled since the last settle, with their stamp entries when enrolled (None: none yet):
        # a record is changed in place, so its entry before the change is known only from before it.
        self._touched: dict[int, int | None] = {}
        self._stamp = stamp
        self._by_stamp: SortedList = SortedList()  # stamp * 2**40 + numeric key
        self._stamp_changes = 0  # entries added to or taken from the stamp index so far
        self.derived: dict[str, Any] = {}  # what a reader derives from the table and keeps (by the reader's name)
        self._zdict: bytes | None = None
        self.hot_limit = HOT_RECORDS if hot_limit is None else hot_limit
        pairs = items.items() if isinstance(items, dict) else (items or ())
        for k, value in pairs:
            self[k] = value

    # -- keys

    def _in(self, k: Any) -> Any:
        """The internal key of a public one; KeyError for a key no record can have."""
        if self.key is None:
            return k
        try:
            return int(k)
        except (TypeError, ValueError):
            raise KeyError(k) from None

    def _out(self, n: Any) -> Any:
        return str(n) if self.key is not None else n

    # -- encoding

    def _encode(self, value: V) -> bytes:
        raw = pickle.dumps(value, 5)
        if self._zdict is None:
            self._zdict = raw
        packer = zlib.compressobj(1, zdict=self._zdict)
        return packer.compress(raw) + packer.flush()

    def _decode(self, blob: bytes) -> V:
        return pickle.loads(zlib.decompressobj(zdict=self._zdict).decompress(blob))

    def _value(self, stored: Any) -> V:
        return self._decode(stored) if type(stored) is bytes else stored

    def _entry(self, n: Any, record: V) -> int | None:
        return self._stamp(record) * _STAMP_SHIFT + n if self._stamp is not None else None

    # -- reads that may lead to a change: the record becomes (or stays) a live object

    def __getitem__(self, k: Any) -> V:
        n = self._in(k)
        stored = self._data[n]
        if type(stored) is bytes:
            stored = self._decode(stored)
            self._data[n] = stored
        else:
            self._hot.pop(n, None)
        self._hot[n] = None
        self._enrolled(n, stored)
        return stored

    def get(self, k: Any, default: Any = None) -> Any:
        try:
            return self[k]
        except KeyError:
            return default

    def _enrolled(self, n: Any, record: V | None) -> None:
        if n not in self._touched:
            self._touched[n] = self._entry(n, record) if record is not None else None
        lock = _current_lock()
        if lock is not None:
            lock.note(self)

    # -- writes

    def __setitem__(self, k: Any, value: V) -> None:
        n = self._in(k)
        if n in self._data:
            self[k]  # enrols it with its entry before the change
        else:
            self._enrolled(n, None)
        self._data[n] = value
        self._hot.pop(n, None)
        self._hot[n] = None

    def __delitem__(self, k: Any) -> None:
        n = self._in(k)
        record = self._value(self._data[n])
        del self._data[n]
        self._hot.pop(n, None)
        old = self._touched.pop(n, None)
        for entry in {old, self._entry(n, record)} - {None}:
            self._by_stamp.discard(entry)
        self._stamp_changes += 1

    def pop(self, k: Any, *default: Any) -> Any:
        if k not in self:
            if default:
                return default[0]
            raise KeyError(k)
        value = self.peek(k)
        del self[k]
        return value

    def clear(self) -> None:
        self._data.clear()
        self._hot.clear()
        self._touched.clear()
        self._by_stamp.clear()
        self._stamp_changes += 1

    # -- reads that change nothing: cold records are decoded for the caller and stay cold

    def peek(self, k: Any, default: Any = None) -> Any:
        """The record without making it hot (a copy when it is cold: do not change it)."""
        try:
            stored = self._data.get(self._in(k))
        except KeyError:
            return default
        return default if stored is None else self._value(stored)

    def __contains__(self, k: object) -> bool:
        try:
            return self._in(k) in self._data
        except KeyError:
            return False

    def __len__(self) -> int:
        return len(self._data)

    def __iter__(self) -> Iterator[Any]:
        return iter(self._data) if self.key is None else map(str, self._data)

    def __bool__(self) -> bool:
        return bool(self._data)

    def keys(self) -> Any:
        return self._data.keys() if self.key is None else list(self)

    def values(self) -> Iterator[V]:
        return (self._value(stored) for stored in self._data.values())

    def items(self) -> Iterator[tuple[Any, V]]:
        out = self._out
        return ((out(n), self._value(stored)) for n, stored in self._data.items())

    def irange(self, minimum: Any = None, maximum: Any = None, inclusive: tuple[bool, bool] = (True, True),
               reverse: bool = False) -> Iterator[Any]:
        """Keys between two keys, in order."""
        low = None if minimum is None else self._in(minimum)
        high = None if maximum is None else self._in(maximum)
        found = self._data.irange(low, high, inclusive, reverse)
        return found if self.key is None else map(str, found)

    def irange_key(self, min_key: Any = None, max_key: Any = None, inclusive: tuple[bool, bool] = (True, True),
                   reverse: bool = False) -> Iterator[Any]:
        """Keys whose numeric value lies between two numbers (for `key=int` tables)."""
        return self.irange(min_key, max_key, inclusive, reverse)

    def values_from(self, keys: Iterable[Any]) -> Iterator[V]:
        """The records of these keys (which must be present), read without making them hot."""
        data, into = self._data, self._in
        return (self._value(data[into(k)]) for k in keys)

    # -- the stamp index

    def stamped(self) -> bool:
        """Whether `changed_since` can answer: the table keeps a stamp index and is past its hot limit (below it,
        records changed outside a store lock, as tests do, could have moved without the index seeing it)."""
        return self._stamp is not None and len(self._data) > self.hot_limit

    def changed_since(self, stamp: int) -> list[Any]:
        """Keys of records whose stamp is at least `stamp`, in key order (settle first: call under the lock).
        A superset at worst (an entry left by a change the index did not see), never missing a record."""
        self._settle_stamps()
        found = sorted({entry % _STAMP_SHIFT for entry in self._by_stamp.irange(stamp * _STAMP_SHIFT)})
        data, out = self._data, self._out
        return [out(n) for n in found if n in data]

    def stamps_since(self, stamp: int) -> tuple[array, array]:
        """Numeric keys (in order) and current stamps of the records whose stamp is at least `stamp`, as two
        arrays: exact where `changed_since` may list a record twice (call under the lock). Pair with
        `stamp_changes()` to know when such an answer is out of date, and `public_key()` to name a record."""
        self._settle_stamps()
        newest: dict[int, int] = {}
        for entry in self._by_stamp.irange(stamp * _STAMP_SHIFT):  # ascending: a record's last entry is its newest
            newest[entry % _STAMP_SHIFT] = entry // _STAMP_SHIFT
        data = self._data
        keys = sorted(n for n in newest if n in data)
        return array("q", keys), array("q", [newest[n] for n in keys])

    def stamp_changes(self) -> int:
        """A count that moves whenever the stamp index does (settle first: call under the lock)."""
        self._settle_stamps()
        return self._stamp_changes

    def public_key(self, n: int) -> Any:
        """The key a record of numeric key `n` is read by."""
        return self._out(n)

    def _settle_stamps(self) -> None:
        if self._stamp is not None:
            for n, old in self._touched.items():
                stored = self._data.get(n)
                if stored is None:
                    continue
                entry = self._entry(n, self._value(stored))
                if entry != old:
                    if old is not None:
                        self._by_stamp.discard(old)
                    self._by_stamp.add(entry)
                    self._stamp_changes += 1
        self._touched.clear()

    # -- settling

    def settle(self) -> None:
        """Index what changed and compress the least recently used objects beyond the hot limit."""
        self._settle_stamps()
        excess = len(self._hot) - self.hot_limit
        if excess <= 0:
            return
        hot, data = self._hot, self._data
        for n in list(islice(hot, excess)):  # the dict is in use order: the first are the least recently used
            del hot[n]
            data[n] = self._encode(data[n])

    def load(self, pairs: Iterable[tuple[Any, V]]) -> None:
        """Add new records straight into their compressed form (a bulk load: none of them becomes hot)."""
        data, by_stamp = self._data, self._by_stamp
        for k, record in pairs:
            n = self._in(k)
            if n in data:
                raise KeyError(f"{k} is already in the table")
            data[n] = self._encode(record)
            if self._stamp is not None:
                by_stamp.add(self._entry(n, record))
                self._stamp_changes += 1

    def compact(self) -> None:
        """Compress every record (a bulk load's end, a measurement's start)."""
        self._settle_stamps()
        for n in self._hot:
            self._data[n] = self._encode(self._data[n])
        self._hot.clear()

    def cold_count(self) -> int:
        """How many records are held compressed."""
        return len(self._data) - len(self._hot)

    def __repr__(self) -> str:
        return f"RecordTable({len(self)} records, {self.cold_count()} compressed)"
