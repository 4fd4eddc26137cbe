"""A JSON codec for the fakes' in-memory state, so a fake can be snapshotted and restarted from it.

The stores keep their records in dataclasses, with datetimes, Decimals, sets, tuples, bytes and
dicts keyed by tuples or integers, and sorted dicts. `encode` turns such a graph into plain JSON values and `decode`
rebuilds it exactly: same types, same field values, same dict and list order (iteration order is
what the fakes render lists in, so it has to survive; sets are written sorted). Tagged values are
one-key objects whose key starts with `$`; a real dict that could be mistaken for one is written as
a `$map` of pairs.

Dataclasses are written by their fields, so a field added to a record later is snapshotted without
anyone remembering to. Only dataclasses of the `fakes` package are rebuilt: a snapshot is data, and
`PUT /_harness/snapshot` must not be a way to construct arbitrary objects. Anything else (a lock, a
callable, a clock) raises: those are wiring, which the stores' own snapshot code re-creates.

Shared references are not preserved, so `encode` refuses a graph in which one mutable object is
reachable twice: a restored copy would silently become two objects.
"""

from __future__ import annotations

import base64
import dataclasses
import importlib
from collections import deque
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sortedcontainers import SortedDict

from fakes.clock import SimClock
from fakes.tables import RecordTable

FORMAT = "shopsync-fake-snapshot/1"
_PACKAGE = "fakes."


class SnapshotError(ValueError):
    """A value the codec cannot write, or a document it will not read."""


def encode(value: Any) -> Any:
    """`value` as JSON-ready data (dicts, lists, strings, numbers, booleans, None)."""
    return _Encoder().encode(value)


def decode(data: Any) -> Any:
    """The value `encode` was given, rebuilt."""
    if isinstance(data, list):
        return [decode(item) for item in data]
    if not isinstance(data, dict):
        return data
    if len(data) != 1 or not next(iter(data)).startswith("$"):
        return {key: decode(item) for key, item in data.items()}
    tag, payload = next(iter(data.items()))
    reader = _READERS.get(tag)
    if reader is None:
        raise SnapshotError(f"unknown tag {tag!r} in snapshot")
    return reader(payload)


def encode_fields(record: Any, exclude: frozenset[str] = frozenset()) -> dict[str, Any]:
    """A dataclass's fields (minus `exclude`) as JSON-ready data, for callers that rebuild it themselves."""
    encoder = _Encoder()
    return {f.name: encoder.encode(getattr(record, f.name)) for f in dataclasses.fields(record)
            if f.name not in exclude}


class _Encoder:
    def __init__(self) -> None:
        # id -> the object, kept alive: a record table's decoded copies are freed as they are written, and a
        # freed object's id can be reused by the next one, which would then look shared.
        self._seen: dict[int, Any] = {}

    def _once(self, value: Any) -> None:
        # A second path to one mutable object would be restored as two objects; fail instead.
        if id(value) in self._seen:
            raise SnapshotError(f"a {type(value).__name__} is reachable twice; the snapshot cannot share it")
        self._seen[id(value)] = value

    def encode(self, value: Any) -> Any:
        if value is None or isinstance(value, (bool, int, str)):
            return value
        if isinstance(value, float):
            return value if value == value and abs(value) != float("inf") else {"$float": repr(value)}
        if isinstance(value, datetime):
            return {"$dt": value.isoformat()}
        if isinstance(value, date):
            return {"$date": value.isoformat()}
        if isinstance(value, timedelta):
            return {"$td": [value.days, value.seconds, value.microseconds]}
        if isinstance(value, Decimal):
            return {"$dec": str(value)}
        if isinstance(value, bytes):
            return {"$b64": base64.b64encode(value).decode("ascii")}
        if isinstance(value, tuple):
            return {"$tuple": [self.encode(item) for item in value]}
        if isinstance(value, frozenset):
            return {"$fset": [self.encode(item) for item in _ordered(value)]}
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            return self._dataclass(value)
        if isinstance(value, (list, dict, set, deque)):
            self._once(value)
        if isinstance(value, RecordTable):  # written as the sorted dict it stands for; its owner rebuilds it
            return {"$sorted": {"by_int": value.key is int,
                                "pairs": [[self.encode(key), self.encode(item)] for key, item in value.items()]}}
        if isinstance(value, SortedDict):
            if value.key not in (None, int):
                raise SnapshotError("cannot snapshot a SortedDict ordered by a custom key")
            return {"$sorted": {"by_int": value.key is int,
                                "pairs": [[self.encode(key), self.encode(item)] for key, item in value.items()]}}
        if isinstance(value, list):
            return [self.encode(item) for item in value]
        if isinstance(value, set):
            return {"$set": [self.encode(item) for item in _ordered(value)]}
        if isinstance(value, deque):
            return {"$deque": {"items": [self.encode(item) for item in value], "maxlen": value.maxlen}}
        if isinstance(value, dict):
            if all(isinstance(key, str) and not key.startswith("$") for key in value):
                return {key: self.encode(item) for key, item in value.items()}
            return {"$map": [[self.encode(key), self.encode(item)] for key, item in value.items()]}
        raise SnapshotError(f"cannot snapshot a {type(value).__module__}.{type(value).__qualname__}")

    def _dataclass(self, value: Any) -> dict[str, Any]:
        cls = type(value)
        if not cls.__module__.startswith(_PACKAGE):
            raise SnapshotError(f"cannot snapshot {cls.__module__}.{cls.__qualname__} (not a fakes record)")
        if not cls.__dataclass_params__.frozen:  # type: ignore[attr-defined]
            self._once(value)
        fields = {f.name: self.encode(getattr(value, f.name)) for f in dataclasses.fields(value)}
        return {"$obj": {"type": f"{cls.__module__}:{cls.__qualname__}", "fields": fields}}


def _ordered(items: set | frozenset) -> list:
    # Sorted, so one state always gives one document (string hashing differs between processes);
    # the fakes never render a set in iteration order, so nothing observable depends on it.
    try:
        return sorted(items)
    except TypeError:
        return list(items)


def _record(payload: dict[str, Any]) -> Any:
    module_name, _, qualname = str(payload.get("type", "")).partition(":")
    if not module_name.startswith(_PACKAGE) or not qualname or "." in qualname:
        raise SnapshotError(f"snapshot names a type outside the fakes: {payload.get('type')!r}")
    try:
        cls = getattr(importlib.import_module(module_name), qualname)
    except (ImportError, AttributeError):
        raise SnapshotError(f"snapshot names an unknown type {payload.get('type')!r}") from None
    if not dataclasses.is_dataclass(cls):
        raise SnapshotError(f"{payload.get('type')!r} is not a record type")
    values = payload.get("fields") or {}
    # Built without __init__ so frozen records and records with derived fields come back as they were;
    # a field the snapshot predates gets its default.
    record = object.__new__(cls)
    for f in dataclasses.fields(cls):
        if f.name in values:
            item = decode(values[f.name])
        elif f.default is not dataclasses.MISSING:
            item = f.default
        elif f.default_factory is not dataclasses.MISSING:
            item = f.default_factory()
        else:
            raise SnapshotError(f"snapshot of {qualname} lacks its field {f.name!r}")
        object.__setattr__(record, f.name, item)
    restored = getattr(record, "_restored", None)
    if restored is not None:  # a record that rebuilds what it holds in its own form (a shop's record tables)
        restored()
    return record


def _float(text: str) -> float:
    return float(text)


_READERS = {
    "$dt": datetime.fromisoformat,
    "$date": date.fromisoformat,
    "$td": lambda parts: timedelta(days=parts[0], seconds=parts[1], microseconds=parts[2]),
    "$dec": Decimal,
    "$b64": lambda text: base64.b64decode(text.encode("ascii")),
    "$tuple": lambda items: tuple(decode(item) for item in items),
    "$fset": lambda items: frozenset(decode(item) for item in items),
    "$set": lambda items: {decode(item) for item in items},
    "$deque": lambda body: deque((decode(item) for item in body["items"]), body.get("maxlen")),
    "$map": lambda pairs: {decode(key): decode(item) for key, item in pairs},
    "$sorted": lambda body: SortedDict(*((int,) if body.get("by_int") else ()),
                                       ((decode(key), decode(item)) for key, item in body["pairs"])),
    "$obj": _record,
    "$float": _float,
}


def check_format(document: Any, fake: str) -> dict[str, Any]:
    """The document if it is a snapshot of `fake` this code reads; SnapshotError otherwise."""
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise SnapshotError(f"not a {FORMAT} document")
    if document.get("fake") != fake:
        raise SnapshotError(f"a snapshot of {document.get('fake')!r} cannot restore the fake {fake}")
    return document


def clock_state(clock: SimClock) -> dict[str, str]:
    """The clock's start and current instants."""
    return {"start": clock.start.isoformat(), "now": clock.now().isoformat()}


def restore_clock(clock: SimClock, state: dict[str, str]) -> None:
    """Put the clock where `clock_state` found it."""
    clock.restore(datetime.fromisoformat(state["start"]), datetime.fromisoformat(state["now"]))
