"""The Admin API of the versions Shopify publishes a schema for: one request against the one store."""

from __future__ import annotations

from fakes.shopify.graphql import resolvers, schemas
from fakes.shopify.graphql.errors import shopify_rules
from fakes.shopify.graphql.executor import Outcome, Request, run
from fakes.shopify.graphql.resolvers.common import AdminContext
from fakes.shopify.store import AccessToken, ShopifyStore

RULES = shopify_rules()


def serves(version: str) -> bool:
    """Whether `version` is answered from Shopify's own schema (2025-10 on; older ones by the B2B subset)."""
    return version in schemas.VERSIONS


def requested_cost(version: str, query: object, variables: object = None, operation_name: str | None = None) -> int:
    """What Shopify would ask the bucket for this request (0 when it would not get as far as charging)."""
    from graphql import FragmentDefinitionNode, GraphQLError, get_operation_ast, parse
    from graphql.execution.values import get_variable_values

    from fakes.shopify.graphql.cost import CostCounter
    if not serves(version) or not isinstance(query, str):
        return 0
    try:
        document = parse(query)
        operation = get_operation_ast(document, operation_name)
        if operation is None:
            return 0
        built = schemas.schema(version)
        coerced = get_variable_values(built, operation.variable_definitions or (),
                                      variables if isinstance(variables, dict) else {})
        if isinstance(coerced, list):
            return 0
        fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
        return CostCounter(built, fragments, coerced).operation(operation)
    except (GraphQLError, KeyError, TypeError, ValueError):
        return 0


def execute(store: ShopifyStore, shop_name: str, grant: AccessToken | None, version: str,
            request: Request, base_url: str = "") -> Outcome:
    """Answer one GraphQL request for `shop_name` at `version` as Shopify would (`base_url`: where the fake
    is reached, for the URLs it hands out)."""
    resolvers.load()
    store.settle_bulk()
    try:
        schema = schemas.schema(version)
    except schemas.SchemaMissing as missing:
        # Not a Shopify answer: the fake's own installation is incomplete, and says how to complete it.
        return Outcome({"errors": [{"message": f"shopsync: {missing}",
                                    "extensions": {"code": "SHOPSYNC_SCHEMA_NOT_INSTALLED"}}]})
    context = AdminContext(store, shop_name, grant, version, base_url=base_url.rstrip("/"))
    bucket = store.cost_bucket(grant) if grant is not None else None
    return run(schema, RULES, request, context=context, bucket=bucket,
               field_resolver=resolvers.resolve_field, type_resolver=resolvers.resolve_type,
               search_warnings=lambda: context.search)
