"""A search by modified date and id over a big table, answered from its update index (docs/vendor-behaviour.md §3.5).

A poller asks for the records modified since an instant, 200 at a time in ascending ids, in windows above the
last id it read (search reaches only 10,000 results). After an initial sync of a million contacts every one of
them was modified since, and judging each by its search-index version decoded the whole table for every page:
18 s a call at 100k. Here the answer comes from the table's stamps instead (`records.search_stamp`: update time
and archived flag). A record not changed within the indexing delay shows search its newest version, whose
modified date is its update time, so its stamp decides it; the few changed since are judged by their versions
like any search. The key-ordered stamps are kept while the table's update index does not change, so a page
costs its offset and length, and the total a count of the live records above the id bound.

Only searches of that shape take this way: one filter group of lower bounds on the modified date and the id,
no free-text query, sorted by id (or not sorted, which is by id). Every other search reads the records.
"""

from __future__ import annotations

import re
from array import array
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from itertools import accumulate

from fakes.hubspot import search as search_rules
from fakes.hubspot.objects import ObjectType
from fakes.hubspot.store.records import CrmRecord, Portal, RecordVersion, search_stamp_at
from fakes.tables import RecordTable, micros

_DIGITS = re.compile(r"\d+")
_ID = "hs_object_id"


@dataclass(frozen=True)
class Shape:
    """What a search of the window shape asks: modified at or after `since_ms`, ids above `above`."""

    since_ms: int
    above: int


def shape_of(request: search_rules.SearchRequest, otype: ObjectType, portal: Portal) -> Shape | None:
    """The window a search asks for, or None when it is not of that shape."""
    if request.query or len(request.groups) != 1 or request.descending:
        return None
    if request.sort_property not in (None, _ID):
        return None
    modified = {name for name in (otype.modified_property, "hs_lastmodifieddate")
                if portal.definition(otype, name) is not None}
    since: list[int] = []
    above = 0
    for flt in request.groups[0]:
        if flt.operator not in ("GT", "GTE") or flt.value is None:
            return None
        if flt.property_name in modified:
            millis = search_rules.to_millis(flt.value)
            if millis is None:
                return None
            since.append(millis + 1 if flt.operator == "GT" else millis)
        elif flt.property_name == _ID and _DIGITS.fullmatch(flt.value.strip()):
            bound = int(flt.value.strip())
            above = max(above, bound if flt.operator == "GT" else bound - 1)
        else:
            return None
    return Shape(max(since), above) if since else None


@dataclass
class _Stamps:
    """A table's records modified since an instant, in key order, with their stamps and a running count of the
    live ones (`live[i]`: live records among the first i)."""

    changes: int
    since_stamp: int
    keys: array
    stamps: array
    live: array


def _stamps(table: RecordTable[CrmRecord], since_stamp: int) -> _Stamps:
    changes = table.stamp_changes()
    kept = table.derived.get(__name__)
    if kept is None or kept.changes != changes or kept.since_stamp != since_stamp:
        keys, stamps = table.stamps_since(since_stamp)
        live = array("q", accumulate((1 - (s & 1) for s in stamps), initial=0))
        kept = table.derived[__name__] = _Stamps(changes, since_stamp, keys, stamps, live)
    return kept


def indexed_version(record: CrmRecord, horizon: datetime) -> RecordVersion | None:
    """The version of a record search sees: its newest one at least the indexing delay old."""
    return next((v for v in reversed(record.versions) if v.at <= horizon), None)


def answer(table: RecordTable[CrmRecord], request: search_rules.SearchRequest, shape: Shape, horizon: datetime,
           matches: Callable[[dict[str, str]], bool]) -> tuple[list[tuple[str, RecordVersion]], int] | None:
    """The page a window search asks for (ids with the versions search sees) and its total; None when a record
    on the page breaks what the stamps promise, and the search must read the records."""
    kept = _stamps(table, search_stamp_at(shape.since_ms * 1000))
    keys, stamps = kept.keys, kept.stamps
    start = bisect_right(keys, shape.above)
    seen_by_stamp = search_stamp_at(micros(horizon), archived=True)  # at most this: search sees the newest version
    # Records changed within the indexing delay: search sees an older version, or none, and may judge it otherwise.
    recent: dict[int, RecordVersion | None] = {}
    recent_live = 0
    for rid in table.changed_since(seen_by_stamp + 1):
        n = int(rid)
        at = bisect_right(keys, n) - 1
        if n <= shape.above or at < 0 or keys[at] != n:
            continue
        recent_live += 1 - (stamps[at] & 1)
        version = indexed_version(table.peek(rid), horizon)
        hit = version is not None and not version.archived and matches(version.properties)
        recent[n] = version if hit else None
    total = kept.live[len(keys)] - kept.live[start] - recent_live + sum(v is not None for v in recent.values())
    page: list[tuple[str, RecordVersion]] = []
    skip = request.after
    for i in range(start, len(keys)):
        if len(page) == request.limit:
            break
        n = keys[i]
        if not (recent[n] is not None if n in recent else not stamps[i] & 1):
            continue
        if skip:
            skip -= 1
            continue
        rid = table.public_key(n)
        version = recent.get(n)
        if version is None:  # judged by its stamp: its version must bear that out
            version = indexed_version(table.peek(rid), horizon)
            if version is None or version.archived or not matches(version.properties):
                return None
        page.append((rid, version))
    return page, total
