"""B2B companies on Shopify's own schema: the resolvers of the 2024-10 subset (`graphql_api.py`), with
DateTime values rendered as Shopify's schema expects them (it declares DateTime as a plain scalar); and the
metafields of customers, products and orders, which the company book keeps too (`metafieldsSet` writes
every owner's)."""

from __future__ import annotations

from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

from fakes.shopify.companies import Company, Metafield
from fakes.shopify.graphql.resolvers import resolves
from fakes.shopify.graphql.resolvers.common import context, gid, iso
from fakes.shopify.graphql.resolvers.nodes import finds
from fakes.shopify.graphql_api import (
    COMPANY_FIELDS,
    METAFIELD_FIELDS,
    MUTATION_FIELDS,
    OWNER_METAFIELD_FIELDS,
    QUERY_FIELDS,
)
from fakes.shopify.models import Customer, Order, Product

_DATES = {"customerSince", "createdAt", "updatedAt"}


def _dated(resolver: Callable[..., Any]) -> Callable[..., Any]:
    return lambda source, info, **args: iso(resolver(source, info, **args))


def _rendered(fields: dict[str, Callable[..., Any]]) -> dict[str, Callable[..., Any]]:
    return {name: _dated(f) if name in _DATES else f for name, f in fields.items()}


resolves("Company", Company)(_rendered(COMPANY_FIELDS))
resolves("Metafield", Metafield)(_rendered(METAFIELD_FIELDS))
resolves("QueryRoot")(QUERY_FIELDS)
resolves("Mutation")(MUTATION_FIELDS)
finds("Company")(lambda info, number: info.context.book.get(number))


def _owned_by(kind: str) -> dict[str, Callable[..., Any]]:
    """`metafield` and `metafields` of a customer, product or order, read from the shop's book."""
    def on_owner(resolver: Callable[..., Any]) -> Callable[..., Any]:
        def resolve(record: Any, info: Any, **args: Any) -> Any:
            owner = SimpleNamespace(metafields=context(info).book.metafields_of(gid(kind, record.id)))
            return resolver(owner, info, **args)
        return resolve
    return {name: on_owner(resolver) for name, resolver in OWNER_METAFIELD_FIELDS.items()}


resolves("Customer", Customer)(_owned_by("Customer"))
resolves("Product", Product)(_owned_by("Product"))
resolves("Order", Order)(_owned_by("Order"))
