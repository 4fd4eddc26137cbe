"""One GraphQL request, from its text to the JSON body of Shopify's 200 response.

Order as at Shopify: parse, validate (no `data`, no cost on failure), coerce variables, compute the
requested cost and refuse above the single-query maximum, take the points from the bucket or answer
THROTTLED, execute, then refund what the result did not use (`extensions.cost`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from graphql import (
    FragmentDefinitionNode,
    GraphQLSchema,
    GraphQLSyntaxError,
    OperationType,
    ValidationRule,
    get_operation_ast,
    parse,
    validate,
)
from graphql import execute as graphql_execute
from graphql.execution.values import get_variable_values

from fakes.shopify.graphql.cost import MAX_QUERY_COST, CostBucket, CostCounter, max_cost_error, throttled
from fakes.shopify.graphql.errors import INTERNAL_ERROR, format_error, syntax_error, variable_error


@dataclass
class Outcome:
    """The response body, and what the audit log keeps of the call."""

    body: dict[str, Any]
    operation: str | None = None  # "query customers" / "mutation customerCreate": the kind and the name
    requested_cost: int | None = None
    actual_cost: int | None = None
    read_only: bool = True
    throttled: bool = False
    fields: tuple[str, ...] = ()  # the operation's root fields


@dataclass
class Request:
    """What one POST carried, already decoded from JSON or `application/graphql`."""

    query: Any
    variables: Any = None
    operation_name: str | None = None
    extensions: dict[str, Any] = field(default_factory=dict)


def run(schema: GraphQLSchema, rules: list[type[ValidationRule]], request: Request, *, context: Any,
        bucket: CostBucket | None, field_resolver: Callable[..., Any] | None = None,
        type_resolver: Callable[..., Any] | None = None, max_cost: int = MAX_QUERY_COST,
        search_warnings: Callable[[], list[dict[str, Any]]] | None = None) -> Outcome:
    """Answer `request` as Shopify does; never raises (an unexpected failure is Shopify's internal error)."""
    try:
        return _run(schema, rules, request, context, bucket, field_resolver, type_resolver, max_cost,
                    search_warnings)
    except Exception:  # the endpoint must answer, as Shopify does, with its internal-error body
        return Outcome({"errors": [{"message": INTERNAL_ERROR, "extensions": {"code": "INTERNAL_SERVER_ERROR"}}]})


def _run(schema: GraphQLSchema, rules: list[type[ValidationRule]], request: Request, context: Any,
         bucket: CostBucket | None, field_resolver: Callable[..., Any] | None,
         type_resolver: Callable[..., Any] | None, max_cost: int,
         search_warnings: Callable[[], list[dict[str, Any]]] | None) -> Outcome:
    query, variables, operation_name = request.query, request.variables, request.operation_name
    if not isinstance(query, str) or not query.strip():
        # graphql-ruby's text for a missing document (graphql-c_parser lib/graphql/c_parser.rb).
        return Outcome({"errors": [{"message": "No query string was present"}]})
    if variables is not None and not isinstance(variables, dict):
        return Outcome({"errors": [{"message": "Variables must be a JSON object",
                                    "extensions": {"code": "BAD_REQUEST"}}]})
    try:
        document = parse(query)
    except GraphQLSyntaxError as error:
        return Outcome({"errors": [syntax_error(query, error)]})
    errors = validate(schema, document, rules)
    if errors:
        # Validation failures have no `data` and no cost (live capture, graphql-base-validation-unhappy-paths).
        return Outcome({"errors": [format_error(e) for e in errors]})
    operation = get_operation_ast(document, operation_name)
    if operation is None:
        message = f'No operation named "{operation_name}"' if operation_name else "An operation name is required"
        return Outcome({"errors": [{"message": message}]})
    mutation = operation.operation == OperationType.MUTATION
    roots = tuple(s.name.value for s in operation.selection_set.selections if hasattr(s, "name"))
    label = f"{operation.operation.value} {operation.name.value if operation.name else ','.join(roots)}"
    coerced = get_variable_values(schema, operation.variable_definitions or (), variables or {})
    if isinstance(coerced, list):
        return Outcome({"errors": [variable_error(e, operation, variables or {}) for e in coerced]}, label,
                       fields=roots)
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    counter = CostCounter(schema, fragments, coerced)
    requested = counter.operation(operation)
    if requested > max_cost:
        return Outcome(max_cost_error(requested, max_cost), label, requested, None, not mutation, fields=roots)
    if bucket is not None and not bucket.try_take(requested):
        return Outcome(throttled(requested, bucket), label, requested, None, not mutation, throttled=True,
                       fields=roots)
    result = graphql_execute(schema, document, context_value=context, variable_values=variables or {},
                             operation_name=operation_name, field_resolver=field_resolver,
                             type_resolver=type_resolver)
    actual = min(counter.operation(operation, result.data, actual=True), requested)
    if bucket is not None:
        bucket.refund(requested - actual)
    throttle = bucket.throttle_status() if bucket is not None else {
        "maximumAvailable": 2000, "currentlyAvailable": 2000 - actual, "restoreRate": 100}
    body: dict[str, Any] = {}
    if result.errors:
        body["errors"] = [format_error(e) for e in result.errors]
    body["data"] = result.data
    body["extensions"] = {"cost": {"requestedQueryCost": requested, "actualQueryCost": actual,
                                   "throttleStatus": throttle}}
    warnings = search_warnings() if search_warnings else []
    if warnings:
        body["extensions"]["search"] = warnings
    return Outcome(body, label, requested, actual, not mutation, fields=roots)
