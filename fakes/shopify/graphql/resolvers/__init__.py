"""Resolvers over the one store, bound to Shopify's schema by type and field name.

Each resource module fills `REGISTRY` through `resolves(type_name)`. Execution goes through
`resolve_field`: a registered resolver answers; a field of a plain dict (payloads, `pageInfo`, money)
answers from the dict; any other field exists at Shopify (validation already passed) but is not simulated
here, and answers with an error that names it, never a silent null.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from graphql import GraphQLError, GraphQLResolveInfo

Resolver = Callable[..., Any]
REGISTRY: dict[str, dict[str, Resolver]] = {}
TYPE_NAMES: dict[type, str] = {}  # store model class -> the GraphQL object type it is
NOT_SIMULATED = "NOT_SIMULATED_BY_SHOPSYNC"


def resolves(type_name: str, model: type | None = None) -> Callable[[dict[str, Resolver]], dict[str, Resolver]]:
    """Register `fields` (name -> resolver) for `type_name`; `model` is the store class that is that type."""
    def register(fields: dict[str, Resolver]) -> dict[str, Resolver]:
        REGISTRY.setdefault(type_name, {}).update(fields)
        if model is not None:
            TYPE_NAMES[model] = type_name
        return fields
    return register


def attributes(*names: str, **renamed: str) -> dict[str, Resolver]:
    """Resolvers reading model attributes: `attributes("note", firstName="first_name")`."""
    table: dict[str, Resolver] = {name: _attribute(name) for name in names}
    table.update({field: _attribute(attribute) for field, attribute in renamed.items()})
    return table


def _attribute(name: str) -> Resolver:
    return lambda source, _info, **_args: getattr(source, name)


def not_simulated(type_name: str, field_name: str) -> GraphQLError:
    return GraphQLError(
        f"Field '{field_name}' on type '{type_name}' exists at Shopify but is not simulated by shopsync's fake "
        "Shopify (see the README, \"Shopify GraphQL\", for what is).",
        extensions={"code": NOT_SIMULATED, "typeName": type_name, "fieldName": field_name})


def resolve_field(source: Any, info: GraphQLResolveInfo, **args: Any) -> Any:
    """The default field resolver of every request."""
    type_name = info.parent_type.name
    resolver = REGISTRY.get(type_name, {}).get(info.field_name)
    if resolver is not None:
        return resolver(source, info, **args)
    if isinstance(source, dict) and info.field_name in source:
        return source[info.field_name]
    raise not_simulated(type_name, info.field_name)


def resolve_type(value: Any, _info: GraphQLResolveInfo, _abstract: Any) -> str | None:
    """The object type of a value returned for an interface or union field (`node`, `purchasingEntity`)."""
    if isinstance(value, dict):
        return value.get("__typename")
    return TYPE_NAMES.get(type(value))


def load() -> None:
    """Import every resource module, so that each registers its resolvers."""
    from fakes.shopify.graphql.resolvers import (  # noqa: F401
        bulk,
        companies,
        customers,
        events,
        nodes,
        orders,
        products,
        shop,
        webhooks,
    )
