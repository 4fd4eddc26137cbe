"""What the resource resolvers share: the request's context, GIDs, times, money, connections, userErrors."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from graphql import GraphQLError

from fakes.shopify.errors import Invalid, NotFound
from fakes.shopify.graphql.paging import encode_cursor, page, value_text
from fakes.shopify.graphql.search import SearchSyntaxError, Term, Warn, matches, parse_search
from fakes.shopify.store import AccessToken, Shop, ShopifyStore
from fakes.shopify.values import money as money_text


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
               texts: Callable[[Any], list[str | None]] | None = None, unpaged: bool = False) -> dict[str, Any]:
    """A Relay connection over `items`: filtered by Shopify's search syntax, sorted, paginated both ways
    (`unpaged`: every match, in `nodes`, for counts)."""
    selected = list(items)
    if query and field_match is not None:
        warnings: list[dict[str, str]] = []

        def warn(name: str, message: str) -> None:
            entry = {"field": name, "message": message, "code": "invalid_field"}
            if entry not in warnings:
                warnings.append(entry)
        try:
            tree = parse_search(query)
        except SearchSyntaxError:
            tree = None
            warnings.append({"field": "query", "message": "Invalid search query syntax.", "code": "invalid_query"})
        selected = [r for r in selected if matches(tree, r, field_match, texts or (lambda _r: []), warn)]
        if warnings:
            context(info).search.append({"path": [info.field_name], "query": query, "warnings": warnings})

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


def count_resolver(items_of: Callable[[Any], list[Any]],
                   field_match: Callable[[Any, Term, Warn], bool | None]) -> Callable[..., dict[str, Any]]:
    """A `*Count` root (`Count {count precision}`) over what `items_of(info)` lists, with the listing's search;
    above `limit` the count is that limit, AT_LEAST (docs/vendor-behaviour.md §8.A)."""
    def count(_root: Any, info: Any, query: str | None = None, limit: int | None = 10000,
              savedSearchId: str | None = None) -> dict[str, Any]:
        found = connection(info, items_of(info), sort_value=lambda r: r.id, sort_field="id", reverse=False,
                           first=None, after=None, last=None, before=None, query=query, field_match=field_match,
                           unpaged=True)
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
