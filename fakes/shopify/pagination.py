"""Cursor pagination as Shopify's REST API does it: opaque `page_info` and the `Link` header.

The shapes are those of docs/vendor-behaviour.md §1.4.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from itertools import islice
from typing import Generic, TypeVar
from urllib.parse import urlencode

from fakes.shopify.errors import BadParameter
from fakes.tables import RecordTable

T = TypeVar("T")

DEFAULT_LIMIT = 50
MAX_LIMIT = 250


@dataclass(frozen=True)
class Cursor:
    """What a `page_info` token carries: the direction, the boundary id and the original filters."""

    direction: str  # "next" or "prev"
    last_id: int
    filters: dict[str, str]

    def encode(self) -> str:
        """The opaque token (base64 JSON, as Shopify's look)."""
        raw = json.dumps({"direction": self.direction, "last_id": self.last_id, "filters": self.filters},
                         separators=(",", ":"), sort_keys=True)
        return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")

    @classmethod
    def decode(cls, token: str) -> Cursor:
        """Read a token; 400 when it is not one of ours."""
        try:
            raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
            data = json.loads(raw)
            direction, last_id, filters = data["direction"], int(data["last_id"]), data["filters"]
            if direction not in ("next", "prev") or not isinstance(filters, dict):
                raise ValueError(direction)
            return cls(direction, last_id, {str(k): str(v) for k, v in filters.items()})
        except (binascii.Error, ValueError, KeyError, TypeError, UnicodeDecodeError):
            raise BadParameter("page_info", "Invalid value.") from None


def parse_limit(raw: str | None) -> int:
    """`limit`: default 50, at most 250 (larger values are clamped; docs/vendor-behaviour.md §7 q.9 leaves it open)."""
    if raw is None or raw == "":
        return DEFAULT_LIMIT
    try:
        value = int(raw)
    except ValueError:
        raise BadParameter("limit", "Invalid value.") from None
    if value < 1:
        raise BadParameter("limit", "Invalid value.")
    return min(value, MAX_LIMIT)


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of records and the cursors around it."""

    items: list[T]
    next_cursor: Cursor | None
    prev_cursor: Cursor | None


def cut_page(records: Sequence[T], ids: Sequence[int], limit: int, cursor: Cursor | None,
             filters: dict[str, str]) -> Page[T]:
    """Cut one page out of `records` (sorted by id, `ids` alongside) for the cursor."""
    if cursor is None:
        start = 0
        end = min(limit, len(records))
    elif cursor.direction == "next":
        start = next((i for i, rid in enumerate(ids) if rid > cursor.last_id), len(ids))
        end = min(start + limit, len(records))
    else:
        end = next((i for i, rid in enumerate(ids) if rid >= cursor.last_id), len(ids))
        start = max(0, end - limit)
    items = list(records[start:end])
    next_cursor = Cursor("next", ids[end - 1], filters) if end < len(records) and end > start else None
    prev_cursor = Cursor("prev", ids[start], filters) if start > 0 and end > start else None
    return Page(items, next_cursor, prev_cursor)


class Selection(Generic[T]):
    """The records of an id-ordered table that pass a filter, read lazily.

    A page is found by seeking to the cursor's id, so reading a whole listing page by page costs
    O(records), not O(records x pages) as filtering and sorting the table for every page would."""

    def __init__(self, table: RecordTable, keep: Callable[[T], bool], lock: AbstractContextManager,
                 floor: int | None = None) -> None:
        self.table = table
        self.keep = keep
        self.lock = lock  # the store's: other server threads write the table
        self.floor = floor  # no record at or below this id passes `keep` (`since_id`): reading starts above it

    def _ids(self, above: int | None = None, below: int | None = None, reverse: bool = False) -> Iterator[int]:
        low = above if self.floor is None or (above is not None and above > self.floor) else self.floor
        return self.table.irange(minimum=low, maximum=below, inclusive=(False, False), reverse=reverse)

    def __iter__(self) -> Iterator[T]:
        with self.lock:
            return iter([record for record in self.table.values_from(self._ids()) if self.keep(record)])

    def __len__(self) -> int:
        with self.lock:
            return sum(1 for record in self.table.values_from(self._ids()) if self.keep(record))

    def after(self, last_id: int | None) -> Iterator[T]:
        """Kept records with an id above `last_id` (all of them for None), ascending."""
        return (r for r in self.table.values_from(self._ids(above=last_id)) if self.keep(r))

    def before(self, first_id: int) -> Iterator[T]:
        """Kept records with an id below `first_id`, descending."""
        return (r for r in self.table.values_from(self._ids(below=first_id, reverse=True)) if self.keep(r))

    def page(self, limit: int, cursor: Cursor | None, filters: dict[str, str]) -> Page[T]:
        """The page `cut_page` would cut from the whole filtered list, found without building that list."""
        with self.lock:
            return self._page(limit, cursor, filters)

    def _page(self, limit: int, cursor: Cursor | None, filters: dict[str, str]) -> Page[T]:
        if cursor is None or cursor.direction == "next":
            found = list(islice(self.after(cursor.last_id if cursor else None), limit + 1))
            items, more_after = found[:limit], len(found) > limit
            more_before = bool(items) and cursor is not None and next(self.before(items[0].id), None) is not None  # type: ignore[attr-defined]
        else:
            found = list(islice(self.before(cursor.last_id), limit + 1))
            items, more_before = found[:limit][::-1], len(found) > limit
            more_after = bool(items) and next(self.after(items[-1].id), None) is not None  # type: ignore[attr-defined]
        if not items:
            return Page([], None, None)
        first, last = items[0].id, items[-1].id  # type: ignore[attr-defined]
        return Page(items, Cursor("next", last, filters) if more_after else None,
                    Cursor("prev", first, filters) if more_before else None)


def link_header(base_url: str, page: Page, limit: int, fields: str | None) -> str | None:
    """The `Link` header with the exact `, ` and `; ` spacing ShopifyAPI splits on (docs/vendor-behaviour.md §1.4)."""
    links = []
    for rel, cursor in (("previous", page.prev_cursor), ("next", page.next_cursor)):
        if cursor is None:
            continue
        params = {"limit": str(limit)}
        if fields:
            params["fields"] = fields
        params["page_info"] = cursor.encode()
        links.append(f'<{base_url}?{urlencode(params)}>; rel="{rel}"')
    return ", ".join(links) or None
