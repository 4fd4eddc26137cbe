"""`node(id:)` and `nodes(ids:)`: any simulated record by its GID; an unknown id is `null`
(docs/vendor-behaviour.md §8.A, §8.F)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fakes.shopify.graphql.resolvers import resolves
from fakes.shopify.graphql.resolvers.common import context, id_of, parse_any_gid

# GID kind -> how to find one record of it in the request's shop (filled by the resource modules).
FINDERS: dict[str, Callable[[Any, int], Any]] = {}


def finds(kind: str) -> Callable[[Callable[[Any, int], Any]], Callable[[Any, int], Any]]:
    def register(finder: Callable[[Any, int], Any]) -> Callable[[Any, int], Any]:
        FINDERS[kind] = finder
        return finder
    return register


finds("Customer")(lambda info, number: context(info).shop.customers.get(number))


def _node(_root: Any, info: Any, id: str) -> Any:
    id_of(id, "Node")  # refuses a value that is no GID at all, as Shopify does
    parsed = parse_any_gid(id)
    if parsed is None:
        return None
    finder = FINDERS.get(parsed[0])
    return finder(info, parsed[1]) if finder is not None else None


def _nodes(_root: Any, info: Any, ids: list[str]) -> list[Any]:
    return [_node(None, info, one) for one in ids]


resolves("QueryRoot")({"node": _node, "nodes": _nodes})
