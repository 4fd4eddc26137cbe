"""B2B companies on Shopify's own schema: the resolvers of the 2024-10 subset (`graphql_api.py`), with
DateTime values rendered as Shopify's schema expects them (it declares DateTime as a plain scalar)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fakes.shopify.companies import Company, Metafield
from fakes.shopify.graphql.resolvers import resolves
from fakes.shopify.graphql.resolvers.common import iso
from fakes.shopify.graphql.resolvers.nodes import finds
from fakes.shopify.graphql_api import COMPANY_FIELDS, METAFIELD_FIELDS, MUTATION_FIELDS, QUERY_FIELDS

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
