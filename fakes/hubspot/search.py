"""The CRM search API's request checks and filter semantics (docs/vendor-behaviour.md §3.5).

Filters inside a group are AND-ed, groups are OR-ed; at most 5 groups, 10 filters per group and 25
filters in all; `limit` at most 200; no more than 10,000 results reachable by paging. Search reads an
index that lags the records by the store's indexing delay (eventual consistency, see `store.py`).
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from fakes.clock import parse_iso8601
from fakes.hubspot.errors import ValidationError

OPERATORS = {"EQ", "NEQ", "LT", "LTE", "GT", "GTE", "BETWEEN", "IN", "NOT_IN", "HAS_PROPERTY",
             "NOT_HAS_PROPERTY", "CONTAINS_TOKEN", "NOT_CONTAINS_TOKEN"}
MAX_GROUPS, MAX_PER_GROUP, MAX_FILTERS = 5, 10, 25
MAX_LIMIT, MAX_RESULTS, MAX_QUERY = 200, 10_000, 3000
_TOKEN_SPLIT = re.compile(r"[\s,;]+")


@dataclass
class Filter:
    """One parsed filter."""

    property_name: str
    operator: str
    value: str | None = None
    high_value: str | None = None
    values: list[str] = field(default_factory=list)


@dataclass
class SearchRequest:
    """A parsed, validated search body."""

    groups: list[list[Filter]]
    sort_property: str | None
    descending: bool
    properties: list[str] | None
    limit: int
    after: int
    query: str | None


def _as_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def parse_request(body: Any, known: Callable[[str], bool]) -> SearchRequest:
    """Validate a search body; raise ValidationError (400) with HubSpot-like messages."""
    if not isinstance(body, dict):
        raise ValidationError("Invalid input JSON on line 1, column 1: Cannot build PublicObjectSearchRequest")
    groups_in = body.get("filterGroups") or []
    if not isinstance(groups_in, list):
        raise ValidationError("filterGroups must be a list")
    if len(groups_in) > MAX_GROUPS:
        raise ValidationError(f"Too many filter groups ({len(groups_in)}). The maximum is {MAX_GROUPS}.")
    groups: list[list[Filter]] = []
    total = 0
    for group in groups_in:
        filters_in = group.get("filters") if isinstance(group, dict) else None
        if not isinstance(filters_in, list):
            raise ValidationError("Each filter group needs a list of filters")
        if len(filters_in) > MAX_PER_GROUP:
            raise ValidationError(f"Too many filters in a group ({len(filters_in)}). The maximum is "
                                  f"{MAX_PER_GROUP}.")
        total += len(filters_in)
        groups.append([_parse_filter(f, known) for f in filters_in])
    if total > MAX_FILTERS:
        raise ValidationError(f"Too many filters ({total}). The maximum is {MAX_FILTERS} across all groups.")
    sort_property, descending = None, False
    sorts = body.get("sorts") or []
    if not isinstance(sorts, list):
        raise ValidationError("sorts must be a list")
    if sorts:
        # Only the first sort is effectively used (docs/vendor-behaviour.md §3.5); strings "-name" or objects both work.
        first = sorts[0]
        if isinstance(first, str):
            descending = first.startswith("-")
            sort_property = first.lstrip("-")
        elif isinstance(first, dict) and isinstance(first.get("propertyName"), str):
            sort_property = first["propertyName"]
            descending = str(first.get("direction", "ASCENDING")).upper() == "DESCENDING"
        else:
            raise ValidationError("Each sort needs a propertyName")
    properties = body.get("properties")
    if properties is not None and (not isinstance(properties, list)
                                   or not all(isinstance(p, str) for p in properties)):
        raise ValidationError("properties must be a list of strings")
    limit = _int_field(body.get("limit", 10), "limit")
    if limit < 1 or limit > MAX_LIMIT:
        raise ValidationError(f"limit must be between 1 and {MAX_LIMIT}")
    after = _int_field(body.get("after", 0) or 0, "after")
    if after < 0:
        raise ValidationError("after must not be negative")
    if after + limit > MAX_RESULTS:
        raise ValidationError(f"The maximum number of results that can be paged through is {MAX_RESULTS}.")
    query = body.get("query")
    if query is not None:
        if not isinstance(query, str):
            raise ValidationError("query must be a string")
        if len(query) > MAX_QUERY:
            raise ValidationError(f"query must be at most {MAX_QUERY} characters")
    return SearchRequest(groups, sort_property, descending, properties, limit, after, query or None)


def _int_field(value: Any, name: str) -> int:
    if isinstance(value, bool):
        raise ValidationError(f"{name} must be an integer")
    try:
        return int(str(value))
    except ValueError:
        raise ValidationError(f"{name} must be an integer") from None


def _parse_filter(raw: Any, known: Callable[[str], bool]) -> Filter:
    if not isinstance(raw, dict) or not isinstance(raw.get("propertyName"), str):
        raise ValidationError("Each filter needs a propertyName and an operator")
    operator = raw.get("operator", "EQ")
    if not isinstance(operator, str) or operator not in OPERATORS:
        raise ValidationError(f"Unknown filter operator: {operator}")
    name = raw["propertyName"]
    if not known(name):
        raise ValidationError(f"There was a problem with the request. Property \"{name}\" does not exist")
    flt = Filter(name, operator)
    if operator in ("IN", "NOT_IN"):
        values = raw.get("values")
        if not isinstance(values, list) or not values:
            raise ValidationError(f"The {operator} operator needs a non-empty list of values")
        flt.values = [_as_text(v) for v in values]
    elif operator not in ("HAS_PROPERTY", "NOT_HAS_PROPERTY"):
        if raw.get("value") is None or isinstance(raw.get("value"), (list, dict)):
            raise ValidationError(f"The {operator} operator needs a value")
        flt.value = _as_text(raw["value"])
        if operator == "BETWEEN":
            if raw.get("highValue") is None or isinstance(raw.get("highValue"), (list, dict)):
                raise ValidationError("The BETWEEN operator needs a highValue")
            flt.high_value = _as_text(raw["highValue"])
    return flt


def comparable(value: str | None, kind: str) -> Any:
    """A sortable/comparable form of a stored value for a property type (dates as epoch ms)."""
    if value is None or value == "":
        return None
    if kind in ("datetime", "date"):
        return to_millis(value)
    if kind == "number":
        try:
            return Decimal(value)
        except InvalidOperation:
            return None
    return value.lower()


def to_millis(value: str) -> int | None:
    """Epoch milliseconds from a string of digits, an ISO instant or a date (docs/vendor-behaviour.md §3.5)."""
    text = value.strip()
    if re.fullmatch(r"-?\d+", text):
        return int(text)
    try:
        parsed: datetime = parse_iso8601(text)
    except ValueError:
        return None
    return round(parsed.timestamp() * 1000)


def _tokens(value: str) -> list[str]:
    return [t for t in _TOKEN_SPLIT.split(value.lower()) if t]


def _filter_ok(flt: Filter, props: dict[str, str], kind: str) -> bool:
    raw = props.get(flt.property_name)
    present = raw is not None and raw != ""
    op = flt.operator
    if op == "HAS_PROPERTY":
        return present
    if op == "NOT_HAS_PROPERTY":
        return not present
    if op in ("IN", "NOT_IN"):
        hit = present and comparable(raw, kind) in {comparable(v, kind) for v in flt.values}
        return hit if op == "IN" else not hit
    if op in ("CONTAINS_TOKEN", "NOT_CONTAINS_TOKEN"):
        pattern = (flt.value or "").lower()
        hit = False
        if present:
            candidates = [*_tokens(raw), raw.lower()]
            hit = any(fnmatch.fnmatchcase(c, pattern) for c in candidates)
        return hit if op == "CONTAINS_TOKEN" else not hit
    left, right = comparable(raw, kind), comparable(flt.value, kind)
    if op == "NEQ":
        return left != right
    if left is None or right is None:
        return False
    if op == "EQ":
        return left == right
    try:
        if op == "LT":
            return left < right
        if op == "LTE":
            return left <= right
        if op == "GT":
            return left > right
        if op == "GTE":
            return left >= right
        if op == "BETWEEN":
            high = comparable(flt.high_value, kind)
            return high is not None and right <= left <= high
    except TypeError:
        return False
    return False


def matches(request: SearchRequest, props: dict[str, str], kind_of: Callable[[str], str],
            query_fields: tuple[str, ...]) -> bool:
    """Whether indexed properties match the request's filter groups and free-text query."""
    if request.groups and not any(all(_filter_ok(f, props, kind_of(f.property_name)) for f in group)
                                  for group in request.groups):
        return False
    if request.query:
        needle = request.query.lower()
        return any(needle in (props.get(name) or "").lower() for name in query_fields)
    return True


def sort_key(request: SearchRequest, kind_of: Callable[[str], str]) -> Callable[[tuple[str, dict[str, str]]], Any]:
    """Sort key over (id, props): the chosen property (missing values last), then id."""
    name = request.sort_property

    def key(item: tuple[str, dict[str, str]]) -> Any:
        if name is None:
            return (0, 0, int(item[0]))
        value = comparable(item[1].get(name), kind_of(name))
        return (value is None, _normalise(value), int(item[0]))

    return key


def _normalise(value: Any) -> Any:
    # Mixed None/str/number values cannot be compared in Python; present a uniform tuple.
    if value is None:
        return (0, "")
    if isinstance(value, (int, Decimal)):
        return (1, value)
    return (2, str(value))


def order(items: list[tuple[str, dict[str, str]]], request: SearchRequest,
          kind_of: Callable[[str], str]) -> list[tuple[str, dict[str, str]]]:
    """Sort search hits by the request's sort (records without the property come last either way)."""
    key = sort_key(request, kind_of)
    ranked = sorted(items, key=key)
    if not request.descending or request.sort_property is None:
        return ranked
    present = [i for i in ranked if not key(i)[0]]
    missing = [i for i in ranked if key(i)[0]]
    present.sort(key=lambda i: key(i)[1], reverse=True)
    return present + missing
