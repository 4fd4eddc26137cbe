"""What the resource resolvers share: the request's context, GIDs, times, money, connections, userErrors."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from itertools import islice
from typing import Any

from graphql import GraphQLError

from fakes.clock import parse_iso8601
from fakes.shopify.errors import Invalid, NotFound
from fakes.shopify.graphql.paging import MAX_PAGE_SIZE, decode_cursor, encode_cursor, page, page_of, value_text
from fakes.shopify.graphql.search import SearchSyntaxError, Term, Warn, matches, parse_search
from fakes.shopify.store import AccessToken, Shop, ShopifyStore
from fakes.shopify.values import money as money_text
from fakes.tables import RecordTable, micros

# Sorts that are id order in the fake: a record gets its id and these instants at the same moment, and nothing
# rewrites them (orders export by processing date unless told otherwise).
ID_ORDERED = ("id", "created_at", "processed_at")


@dataclass
class BulkWindow:
    """The chunk of a bulk query's root connection one execution reads: the records after `after`, at most
    `size` (a big store is exported a chunk at a time: its records, decoded and rendered, never all at once)."""

    after: int | None
    size: int
    last: int | None = None  # the last id this chunk read
    more: bool = False  # whether records remain after it
    used: bool = False  # a connection took this window
    refused: bool = False  # a second record table was read in the same query: read it whole instead


@dataclass
class AdminContext:
    """One request: the store, the shop and app it is for, the version it asked, and search warnings."""

    store: ShopifyStore
    shop_name: str
    grant: AccessToken | None
    version: str
    search: list[dict[str, Any]] = field(default_factory=list)
    base_url: str = ""  # where the fake is reached (bulk results are served there)
    bulk: bool = False  # running a bulk query: connections are read whole, without first/last
    window: BulkWindow | None = None  # a bulk query read a chunk at a time: the root connection's chunk


    @property
    def shop(self) -> Shop:
        return self.store.shop(self.shop_name)

    @property
    def now(self) -> datetime:
        return self.store.now()

    @property
    def book(self) -> Any:
        """The shop's B2B companies (`fakes/shopify/companies.py`)."""
        return self.store.company_book(self.shop_name)

    @property
    def shop_id(self) -> int:
        return self.store.shop_id(self.shop_name)


def context(info: Any) -> AdminContext:
    return info.context


def shop_ref(info: Any) -> dict[str, Any]:
    """The `shop { id }` a mutation payload carries."""
    return {"__typename": "Shop", "id": gid("Shop", context(info).shop_id)}


# ------------------------------------------------------------------------------------------- ids

_GID_RE = re.compile(r"gid://shopify/(\w+)/(\d+)(?:\?.*)?")


def gid(kind: str, number: int) -> str:
    return f"gid://shopify/{kind}/{number}"


def parse_any_gid(value: Any) -> tuple[str, int] | None:
    """`(kind, id)` of a Shopify GID, None for anything else."""
    match = _GID_RE.fullmatch(value or "") if isinstance(value, str) else None
    return (match.group(1), int(match.group(2))) if match else None


def id_of(value: Any, kind: str) -> int | None:
    """The number inside a GID of `kind`; None for a GID of another kind or of no record.

    A value that is no GID at all is refused as Shopify's ID coercion does (graphql-ruby:
    `Invalid global id '...'`)."""
    if not isinstance(value, str) or not re.fullmatch(r"gid://[\w-]+/\w+/.+", value):
        raise GraphQLError(f"Invalid global id '{value}'",
                           extensions={"code": "argumentLiteralsIncompatible", "typeName": "CoercionError"})
    parsed = parse_any_gid(value)
    return parsed[1] if parsed and parsed[0] == kind else None


# ------------------------------------------------------------------------------------------- values


def iso(instant: datetime | None) -> str | None:
    """Admin GraphQL DateTime: UTC, whole seconds, `Z` ("2024-01-01T00:00:00Z")."""
    return instant.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if instant is not None else None


def decimal_text(amount: Decimal | str | int | float | None) -> str:
    """A MoneyV2 amount: the shortest decimal, at least one place ("42.5", "0.0", "20.0"; order captures in
    airhorns/shopify-draft-proxy, orders/order-create-parity.json)."""
    value = Decimal(str(amount or 0))
    text = format(value.normalize(), "f")
    return text if "." in text else text + ".0"


def price_text(amount: Decimal | str | int | float | None, currency: str = "USD") -> str:
    """A variant's `Money` price: the currency's decimals, as REST writes it ("0.00", "26.00" in a USD shop;
    "12.345" in a KWD one), unlike MoneyV2 amounts (captures in airhorns/shopify-draft-proxy,
    products/product-variants-bulk-create-parity.json). Rounding a three-decimal price to two would lose money."""
    return money_text(amount or 0, currency) or "0.00"


def money(amount: Decimal | str | int | float | None, currency: str) -> dict[str, Any]:
    return {"amount": decimal_text(amount), "currencyCode": currency}


def money_bag(amount: Decimal | str | int | float | None, currency: str) -> dict[str, Any]:
    one = money(amount, currency)
    return {"shopMoney": one, "presentmentMoney": dict(one)}


# ------------------------------------------------------------------------------------------- lists


def connection(info: Any, items: Iterable[Any], *, sort_value: Callable[[Any], Any], sort_field: str,
               reverse: bool, first: int | None, after: str | None, last: int | None, before: str | None,
               query: str | None = None, field_match: Callable[[Any, Term, Warn], bool | None] | None = None,
               texts: Callable[[Any], list[str | None]] | None = None, unpaged: bool = False,
               cap: int | None = None) -> dict[str, Any]:
    """A Relay connection over `items`: filtered by Shopify's search syntax, sorted, paginated both ways
    (`unpaged`: every match, in `nodes`, for counts).

    A big record table read forward in id order (what a sync pages through all day) is read from the cursor
    on, and a query bounding `updated_at` from below reads only the records changed since (the table's
    update index): a page costs O(page), not O(records), in a store of a million."""
    warnings: list[dict[str, str]] = []

    def warn(name: str, message: str) -> None:
        entry = {"field": name, "message": message, "code": "invalid_field"}
        if entry not in warnings:
            warnings.append(entry)

    tree = None
    if query and field_match is not None:
        try:
            tree = parse_search(query)
        except SearchSyntaxError:
            warnings.append({"field": "query", "message": "Invalid search query syntax.", "code": "invalid_query"})

    def kept(record: Any) -> bool:
        return field_match is None or matches(tree, record, field_match, texts or (lambda _r: []), warn)

    def noted(result: dict[str, Any]) -> dict[str, Any]:
        if warnings:
            context(info).search.append({"path": [info.field_name], "query": query, "warnings": warnings})
        return result

    window = context(info).window if context(info).bulk else None
    if isinstance(items, RecordTable) and window is not None:
        if window.used or sort_field not in ID_ORDERED or reverse:
            window.refused = True
        else:
            window.used = True
            ids = _candidates(items, tree)
            ids = items.irange() if ids is None else ids
            start = window.after
            ids = ids if start is None else (i for i in ids if i > start)
            chunk = list(islice((r for r in items.values_from(ids) if kept(r)), window.size + 1))
            window.more, chunk = len(chunk) > window.size, chunk[:window.size]
            window.last = chunk[-1].id if chunk else start
            items = chunk
    if isinstance(items, RecordTable):
        table, ids = items, _candidates(items, tree)
        if ids is not None and unpaged:  # a count: past `cap` matches the answer is "at least" (an O(cap) read)
            return noted({"nodes": list(islice((r for r in table.values_from(ids) if kept(r)), cap))})
        if ids is not None and sort_field == "id" and not reverse and last is None and before is None \
                and first is not None and not context(info).bulk:
            return noted(_seek(table, ids, kept, sort_field, first, after, info.field_name))
        items = table.values()
    selected = [r for r in items if kept(r)] if tree is not None else list(items)
    noted({})

    def key(record: Any) -> tuple[Any, int]:
        return (sort_value(record), record.id)

    selected.sort(key=key, reverse=reverse)
    if unpaged:
        return {"nodes": selected}
    if context(info).bulk:
        cursors = [encode_cursor(sort_field, "desc" if reverse else "asc", len(selected), r.id,
                                 value_text(key(r)[0])) for r in selected]
        return {"edges": [{"cursor": c, "node": r} for c, r in zip(cursors, selected, strict=True)],
                "nodes": selected, "pageInfo": {"hasNextPage": False, "hasPreviousPage": False,
                                                "startCursor": cursors[0] if cursors else None,
                                                "endCursor": cursors[-1] if cursors else None}}
    return page(selected, key, sort_field, "desc" if reverse else "asc", first, after, last, before,
                info.field_name)


def _candidates(table: RecordTable, tree: Any) -> list[Any] | Iterable[Any] | None:
    """The ids worth reading for a query over a big table, in id order: every id, or those changed since the
    query's lower bound on `updated_at`; None for a small table (read whole, as always)."""
    if not table.stamped():
        return None
    since = _updated_since(tree)
    return table.irange() if since is None else table.changed_since(micros(since))


def _updated_since(tree: Any) -> datetime | None:
    """The instant a query's `updated_at:>` or `updated_at:>=` term (alone or ANDed) bounds records from below."""
    if isinstance(tree, Term):
        if tree.field == "updated_at" and tree.comparator in (">", ">="):
            try:
                return parse_iso8601(tree.value)
            except ValueError:
                return None
        return None
    if isinstance(tree, tuple) and tree[0] == "and":
        bounds = [b for b in (_updated_since(tree[1]), _updated_since(tree[2])) if b is not None]
        return max(bounds) if bounds else None
    return None


def _seek(table: RecordTable, ids: Iterable[Any], kept: Callable[[Any], bool], sort_field: str, first: int,
          after: str | None, field_name: str) -> dict[str, Any]:
    """The page `page` cuts from the filtered, id-sorted table, found by reading from the cursor on."""
    if not 0 <= first <= MAX_PAGE_SIZE:
        return page([], lambda r: (r.id, r.id), sort_field, "asc", first, None, None, None, field_name)
    bound = decode_cursor(after, sort_field)[1] if after is not None else None
    if isinstance(ids, list):  # the changed records: few
        before = [i for i in ids if bound is not None and i <= bound]
        ids = [i for i in ids if bound is None or i > bound]
    else:
        before = table.irange(maximum=bound, reverse=True) if bound is not None else []
        ids = ids if bound is None else table.irange(minimum=bound, inclusive=(False, True))
    found = list(islice((r for r in table.values_from(ids) if kept(r)), first + 1)) if first else []
    earlier = any(kept(r) for r in table.values_from(before))
    return page_of(found[:first], lambda r: (r.id, r.id), sort_field, "asc", first,
                   has_next=len(found) > first, has_previous=earlier)


def count_resolver(items_of: Callable[[Any], Any],
                   field_match: Callable[[Any, Term, Warn], bool | None]) -> Callable[..., dict[str, Any]]:
    """A `*Count` root (`Count {count precision}`) over what `items_of(info)` lists, with the listing's search;
    above `limit` the count is that limit, AT_LEAST (docs/vendor-behaviour.md §8.A)."""
    def count(_root: Any, info: Any, query: str | None = None, limit: int | None = 10000,
              savedSearchId: str | None = None) -> dict[str, Any]:
        items = items_of(info)
        if isinstance(items, RecordTable) and not query:
            total = len(items)
            return {"count": limit, "precision": "AT_LEAST"} if limit is not None and total > limit else \
                {"count": total, "precision": "EXACT"}
        found = connection(info, items, sort_value=lambda r: r.id, sort_field="id", reverse=False,
                           first=None, after=None, last=None, before=None, query=query, field_match=field_match,
                           unpaged=True, cap=None if limit is None else limit + 1)
        total = len(found["nodes"])
        if limit is not None and total > limit:
            return {"count": limit, "precision": "AT_LEAST"}
        return {"count": total, "precision": "EXACT"}
    return count


# ------------------------------------------------------------------------------------------- userErrors


def humanise(field_name: str) -> str:
    """`first_name` -> `First name`, as Rails words a field in a message."""
    return field_name.replace("_", " ").capitalize()


def user_errors(error: Invalid, fields: dict[str, list[str]], *, coded: bool = False) -> list[dict[str, Any]]:
    """A REST 422 (`{"email": ["is invalid"]}`) as GraphQL userErrors (`Email is invalid`, field `["email"]`).

    `fields` maps the REST field to the input path Shopify names; `base` errors carry their own sentence."""
    rendered: list[dict[str, Any]] = []
    for name, messages in error.errors.items():
        for message in messages:
            if name == "base":
                entry: dict[str, Any] = {"field": None, "message": message}
            else:
                entry = {"field": fields.get(name, [name]), "message": f"{humanise(name)} {message}"}
            if coded:
                entry["code"] = _code(message)
            rendered.append(entry)
    return rendered


def _code(message: str) -> str:
    for needle, code in (("taken", "TAKEN"), ("too long", "TOO_LONG"), ("blank", "BLANK"), ("invalid", "INVALID")):
        if needle in message:
            return code
    return "INVALID"


def not_found_or(callable_: Callable[[], Any]) -> Any:
    """The store's result, or None for an unknown id."""
    try:
        return callable_()
    except NotFound:
        return None


def unsimulated_inputs(input_name: str, given: dict[str, Any], supported: Iterable[str]) -> None:
    """Refuse, naming them, input fields Shopify accepts but the fake would otherwise drop silently.

    A field left null or false asks for nothing (graphql-core also fills in the schema's defaults, such as
    `deleteConflictingConstrainedMetafields: false`), so only a value that would change something is refused."""
    extra = sorted(name for name, value in given.items() if name not in set(supported) and value not in (None, False))
    if extra:
        raise GraphQLError(
            f"Input field(s) {', '.join(extra)} of {input_name} exist at Shopify but are not simulated by "
            "shopsync's fake Shopify (see the README, \"Shopify GraphQL\").",
            extensions={"code": "NOT_SIMULATED_BY_SHOPSYNC", "typeName": input_name, "fieldNames": extra})
