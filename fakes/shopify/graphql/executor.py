"""One GraphQL request, from its text to the JSON body of Shopify's 200 response.

Order as at Shopify: parse, validate (no `data`, no cost on failure), coerce variables, compute the
requested cost and refuse above the single-query maximum, take the points from the bucket or answer
THROTTLED, execute, then refund what the result did not use (`extensions.cost`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from graphql import (
    DocumentNode,
    FragmentDefinitionNode,
    GraphQLError,
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


@lru_cache(maxsize=1024)
def parsed(query: str) -> DocumentNode:
    """A document's syntax tree. A sync sends the same few documents all day: each is parsed once."""
    return parse(query)


_VALIDATED: dict[tuple[int, tuple[type[ValidationRule], ...], str], list[GraphQLError]] = {}


def validated(schema: GraphQLSchema, rules: list[type[ValidationRule]], query: str,
              document: DocumentNode) -> list[GraphQLError]:
    """The validation errors of a parsed document against a schema; validation depends on nothing else, so
    it is done once per document and schema (the schemas live as long as the process)."""
    key = (id(schema), tuple(rules), query)
    errors = _VALIDATED.get(key)
    if errors is None:
        if len(_VALIDATED) >= 1024:
            _VALIDATED.clear()
        errors = _VALIDATED[key] = validate(schema, document, rules)
    return errors


def label(operation: Any) -> tuple[str, tuple[str, ...]]:
    """How the audit log names an operation ("query customers", "mutation customerCreate"), and its root fields."""
    roots = tuple(s.name.value for s in operation.selection_set.selections if hasattr(s, "name"))
    return f"{operation.operation.value} {operation.name.value if operation.name else ','.join(roots)}", roots


def describe(query: object, operation_name: str | None = None) -> tuple[str | None, tuple[str, ...]]:
    """`label` of a request's operation, without running it (None when it does not parse)."""
    if not isinstance(query, str):
        return None, ()
    try:
        operation = get_operation_ast(parsed(query), operation_name)
    except GraphQLError:
        return None, ()
    return label(operation) if operation is not None else (None, ())


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
        document = parsed(query)
    except GraphQLSyntaxError as error:
        return Outcome({"errors": [syntax_error(query, error)]})
    errors = validated(schema, rules, query, document)
    if errors:
        # Validation failures have no `data` and no cost (live capture, graphql-base-validation-unhappy-paths).
        return Outcome({"errors": [format_error(e) for e in errors]})
    operation = get_operation_ast(document, operation_name)
    if operation is None:
        message = f'No operation named "{operation_name}"' if operation_name else "An operation name is required"
        return Outcome({"errors": [{"message": message}]})
    mutation = operation.operation == OperationType.MUTATION
    name, roots = label(operation)
    coerced = get_variable_values(schema, operation.variable_definitions or (), variables or {})
    if isinstance(coerced, list):
        return Outcome({"errors": [variable_error(e, operation, variables or {}) for e in coerced]}, name,
                       fields=roots)
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    counter = CostCounter(schema, fragments, coerced)
    requested = counter.operation(operation)
    if requested > max_cost:
        return Outcome(max_cost_error(requested, max_cost), name, requested, None, not mutation, fields=roots)
    if bucket is not None and not bucket.try_take(requested):
        return Outcome(throttled(requested, bucket), name, requested, None, not mutation, throttled=True,
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
    return Outcome(body, name, requested, actual, not mutation, fields=roots)
