"""The GraphQL Admin API subset for B2B companies: schema, resolvers, Shopify's error shapes and query cost.

`execute()` returns the exact JSON body of the 200 response the real endpoint
(`POST /admin/api/{version}/graphql.json`) gives: Shopify answers GraphQL problems -- syntax errors,
unknown fields, throttling -- with HTTP 200 and an `errors` list, never with a 4xx/5xx. The HTTP route
(the lead's `routes/graphql.py`) only reads the JSON body and calls `execute`.

The schema is a faithful subset of the 2024-10..2026-01 Admin schema, executed by graphql-core; the
names, nullability and enum values come from shopify.dev (URLs next to each part). Error texts and
extensions copy live captures where we have them (see the comments); the rest is marked as a guess.

Query cost (https://shopify.dev/docs/apps/build/apis/graphql-admin/rate-limits): scalars and enums
cost 0, an object 1, a connection 2 plus `first`/`last` times the cost of one node, a mutation 10.
Simplifications, on purpose:
* `pageInfo`, `cursor` and `edges` wrappers cost nothing; a node reached through `edges { node }` and
  through `nodes` is counted once for each path, as both are fetched.
* In a mutation the payload and the objects it returns directly (`company`, `userErrors`,
  `metafields`) are covered by the 10 points; objects below them cost as usual. This matches real
  responses (companyContactCreate -> 10, companyContactAssignRole with three nested objects -> 13,
  captured in airhorns/shopify-draft-proxy fixtures/conformance/.../b2b/b2b-connection-arguments.json).
* `actualQueryCost` counts the nodes actually returned, and the difference is refunded to the bucket.
* A query whose requested cost exceeds 1000 is refused before it runs (MAX_COST_EXCEEDED).
"""

from __future__ import annotations

import base64
import binascii
import json
import math
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLSyntaxError,
    InlineFragmentNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    TokenKind,
    ValidationRule,
    build_schema,
    get_named_type,
    get_operation_ast,
    is_leaf_type,
    parse,
    specified_rules,
    validate,
)
from graphql import execute as graphql_execute
from graphql.execution.values import get_argument_values, get_variable_values
from graphql.language import Lexer, Source

from fakes.clock import parse_iso8601
from fakes.shopify.companies import (
    APP_RESERVED_NAMESPACE,
    Company,
    CompanyBook,
    CompanyNotFound,
    CompanyUserError,
    Metafield,
    MetafieldsSetInput,
    company_gid,
    metafield_gid,
    parse_gid,
)

# ------------------------------------------------------------------------------------------- schema

SDL = '''
schema {
  query: QueryRoot
  mutation: Mutation
}

"An ISO-8601 date and time in UTC, e.g. `2031-01-06T09:00:00Z`."
scalar DateTime

"https://shopify.dev/docs/api/admin-graphql/latest/enums/CompanySortKeys (RELEVANCE is in 2024-10/2025-01)."
enum CompanySortKeys { CREATED_AT ID NAME ORDER_COUNT RELEVANCE SINCE_DATE TOTAL_SPENT UPDATED_AT }

"https://shopify.dev/docs/api/admin-graphql/latest/enums/businesscustomererrorcode"
enum BusinessCustomerErrorCode {
  BLANK FAILED_TO_DELETE INTERNAL_ERROR INVALID INVALID_INPUT LIMIT_REACHED NO_INPUT REQUIRED
  RESOURCE_NOT_FOUND TAKEN TOO_LONG UNEXPECTED_TYPE
}

"https://shopify.dev/docs/api/admin-graphql/2024-10/enums/MetafieldsSetUserErrorCode"
enum MetafieldsSetUserErrorCode {
  APP_NOT_AUTHORIZED BLANK CAPABILITY_VIOLATION INCLUSION INTERNAL_ERROR INVALID INVALID_COMPARE_DIGEST
  INVALID_TYPE INVALID_VALUE LESS_THAN_OR_EQUAL_TO PRESENT STALE_OBJECT TAKEN TOO_LONG TOO_SHORT
}

enum MetafieldOwnerType { COMPANY }

interface Node { id: ID! }

type QueryRoot {
  "Returns a Company by ID."
  company(id: ID!): Company
  "https://shopify.dev/docs/api/admin-graphql/latest/queries/companies"
  companies(first: Int, after: String, last: Int, before: String, reverse: Boolean = false,
            sortKey: CompanySortKeys = ID, query: String): CompanyConnection!
}

type Mutation {
  companyCreate(input: CompanyCreateInput!): CompanyCreatePayload
  companyUpdate(companyId: ID!, input: CompanyInput!): CompanyUpdatePayload
  companyDelete(id: ID!): CompanyDeletePayload
  metafieldsSet(metafields: [MetafieldsSetInput!]!): MetafieldsSetPayload
}

"https://shopify.dev/docs/api/admin-graphql/latest/objects/Company (subset: no contacts, locations, orders)."
type Company implements Node {
  id: ID!
  name: String!
  note: String
  externalId: String
  customerSince: DateTime!
  createdAt: DateTime!
  updatedAt: DateTime!
  lifetimeDuration: String!
  defaultCursor: String!
  hasTimelineComment: Boolean!
  metafield(namespace: String, key: String!): Metafield
  metafields(first: Int, after: String, last: Int, before: String, reverse: Boolean = false,
             namespace: String, keys: [String!]): MetafieldConnection!
}

type CompanyConnection { edges: [CompanyEdge!]! nodes: [Company!]! pageInfo: PageInfo! }
type CompanyEdge { cursor: String! node: Company! }

type PageInfo {
  hasNextPage: Boolean!
  hasPreviousPage: Boolean!
  startCursor: String
  endCursor: String
}

type Metafield implements Node {
  id: ID!
  namespace: String!
  key: String!
  type: String!
  value: String!
  description: String
  compareDigest: String!
  ownerType: MetafieldOwnerType!
  createdAt: DateTime!
  updatedAt: DateTime!
}

type MetafieldConnection { edges: [MetafieldEdge!]! nodes: [Metafield!]! pageInfo: PageInfo! }
type MetafieldEdge { cursor: String! node: Metafield! }

"https://shopify.dev/docs/api/admin-graphql/latest/input-objects/CompanyCreateInput (no contact or location here)."
input CompanyCreateInput { company: CompanyInput! }

"https://shopify.dev/docs/api/admin-graphql/latest/input-objects/CompanyInput"
input CompanyInput { customerSince: DateTime externalId: String name: String note: String }

"https://shopify.dev/docs/api/admin-graphql/latest/input-objects/metafieldssetinput"
input MetafieldsSetInput {
  ownerId: ID!
  namespace: String
  key: String!
  value: String!
  type: String
  compareDigest: String
}

type BusinessCustomerUserError {
  code: BusinessCustomerErrorCode
  detail: String
  field: [String!]
  message: String!
}

type MetafieldsSetUserError {
  code: MetafieldsSetUserErrorCode
  elementIndex: Int
  field: [String!]
  message: String!
}

type CompanyCreatePayload { company: Company userErrors: [BusinessCustomerUserError!]! }
type CompanyUpdatePayload { company: Company userErrors: [BusinessCustomerUserError!]! }
type CompanyDeletePayload { deletedCompanyId: ID userErrors: [BusinessCustomerUserError!]! }
type MetafieldsSetPayload { metafields: [Metafield!] userErrors: [MetafieldsSetUserError!]! }
'''

# "You can retrieve up to a maximum of 250 resources" (https://shopify.dev/docs/api/usage/pagination-graphql)
MAX_PAGE_SIZE = 250
MAX_QUERY_COST = 1000  # "Query cost is N, which exceeds the single query max cost limit (1000)."
MUTATION_COST = 10
RATE_LIMITS_DOC = "https://shopify.dev/api/usage/rate-limits"


def _iso(instant: datetime) -> str:
    # Admin GraphQL DateTime values are UTC with a `Z` and whole seconds ("2024-01-01T00:00:00Z").
    return instant.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _parse_datetime(value: Any) -> datetime:
    if not isinstance(value, str):
        raise ValueError("DateTime must be a string")
    return parse_iso8601(value)


def _build_schema() -> GraphQLSchema:
    schema = build_schema(SDL)
    date_time = schema.type_map["DateTime"]

    def output(value: Any) -> str:
        return _iso(value) if isinstance(value, datetime) else str(value)

    def literal(node: Any, *_args: Any) -> datetime:
        return _parse_datetime(getattr(node, "value", None))

    # graphql-core 3.2 calls serialize/parse_value/parse_literal, 3.3 the coerce_* names: set both.
    for names, function in ((("serialize", "coerce_output_value"), output),
                            (("parse_value", "coerce_input_value"), _parse_datetime),
                            (("parse_literal", "coerce_input_literal"), literal)):
        for name in names:
            setattr(date_time, name, function)
    node = schema.type_map["Node"]
    node.resolve_type = lambda value, *_: "Company" if isinstance(value, Company) else "Metafield"  # type: ignore[attr-defined]

    def bind(type_name: str, resolvers: dict[str, Callable[..., Any]]) -> None:
        object_type = schema.type_map[type_name]
        assert isinstance(object_type, GraphQLObjectType)
        for name, resolver in resolvers.items():
            object_type.fields[name].resolve = resolver

    bind("QueryRoot", {"company": _resolve_company, "companies": _resolve_companies})
    bind("Mutation", {"companyCreate": _resolve_company_create, "companyUpdate": _resolve_company_update,
                      "companyDelete": _resolve_company_delete, "metafieldsSet": _resolve_metafields_set})
    bind("Company", {
        "id": lambda c, _i: company_gid(c.id),
        "externalId": lambda c, _i: c.external_id,
        "customerSince": lambda c, _i: c.customer_since,
        "createdAt": lambda c, _i: c.created_at,
        "updatedAt": lambda c, _i: c.updated_at,
        "lifetimeDuration": lambda c, info: _lifetime(c.customer_since, info.context.now),
        "defaultCursor": lambda c, _i: _encode_cursor("id", "asc", 1, c.id, str(c.id)),
        "hasTimelineComment": lambda c, _i: False,
        "metafield": _resolve_metafield,
        "metafields": _resolve_metafields,
    })
    bind("Metafield", {
        "id": lambda m, _i: metafield_gid(m.id),
        "description": lambda m, _i: None,
        "compareDigest": lambda m, _i: m.compare_digest,
        "ownerType": lambda m, _i: "COMPANY",
        "createdAt": lambda m, _i: m.created_at,
        "updatedAt": lambda m, _i: m.updated_at,
    })
    return schema


# ------------------------------------------------------------------------------------------- cost


class CostBucket:
    """Shopify's calculated-query-cost leaky bucket for one app on one shop, on the simulated clock.

    Defaults are the current Standard plan: 100 points/second restore
    (https://shopify.dev/docs/apps/build/apis/graphql-admin/rate-limits) with a 2000-point bucket, the
    `maximumAvailable` a real 2025-01 shop reports (captures in airhorns/shopify-draft-proxy). Older
    docs and most client libraries still quote 1000 points and 50/s: that is `LEGACY_STANDARD`.
    """

    LEGACY_STANDARD = (1000.0, 50.0)
    PLANS: dict[str, tuple[float, float]] = {
        "legacy": LEGACY_STANDARD,
        "standard": (2000.0, 100.0),
        "advanced": (4000.0, 200.0),  # bucket = 20 s of restore, by analogy with Standard (a guess)
        "plus": (20000.0, 1000.0),  # idem
    }

    def __init__(self, now: Callable[[], datetime], capacity: float = 2000.0, restore_rate: float = 100.0,
                 max_query_cost: int = MAX_QUERY_COST) -> None:
        self._now = now
        self.capacity = float(capacity)
        self.restore_rate = float(restore_rate)
        self.max_query_cost = max_query_cost
        self._available = self.capacity
        self._stamp = now()
        self._lock = threading.Lock()

    @classmethod
    def for_plan(cls, now: Callable[[], datetime], plan: str = "standard") -> CostBucket:
        """A bucket sized for a shop plan: legacy, standard, advanced or plus."""
        capacity, rate = cls.PLANS[plan]
        return cls(now, capacity, rate)

    def _refill(self) -> None:
        now = self._now()
        elapsed = (now - self._stamp).total_seconds()
        if elapsed > 0:
            self._available = min(self.capacity, self._available + elapsed * self.restore_rate)
            self._stamp = now

    @property
    def currently_available(self) -> float:
        """Points available now."""
        with self._lock:
            self._refill()
            return self._available

    def try_take(self, cost: int) -> bool:
        """Take `cost` points if that many are available; Shopify throttles a query it cannot pay for."""
        with self._lock:
            self._refill()
            if cost > self._available:
                return False
            self._available -= cost
            return True

    def refund(self, points: int) -> None:
        """Give back the points a query requested but did not use."""
        if points > 0:
            with self._lock:
                self._refill()
                self._available = min(self.capacity, self._available + points)

    def seconds_until(self, cost: int) -> float:
        """Simulated seconds until `cost` points are available (0 when they are)."""
        missing = cost - self.currently_available
        return max(0.0, missing / self.restore_rate) if self.restore_rate else math.inf

    def dump_state(self) -> dict[str, Any]:
        """Size, rate and fill at the last refill, for a snapshot (the fill is not brought up to now)."""
        with self._lock:
            return {"capacity": self.capacity, "restore_rate": self.restore_rate,
                    "max_query_cost": self.max_query_cost, "available": self._available,
                    "stamp": self._stamp.isoformat()}

    @classmethod
    def from_state(cls, now: Callable[[], datetime], state: dict[str, Any]) -> CostBucket:
        """A bucket exactly as `dump_state` saw it, leaking on `now`."""
        bucket = cls(now, state["capacity"], state["restore_rate"], state["max_query_cost"])
        bucket._available = float(state["available"])
        bucket._stamp = datetime.fromisoformat(state["stamp"])
        return bucket

    def throttle_status(self) -> dict[str, Any]:
        """`extensions.cost.throttleStatus` as Shopify renders it."""
        return {"maximumAvailable": _number(self.capacity),
                # Whole points, as in live responses (`"currentlyAvailable": 1970`).
                "currentlyAvailable": int(self.currently_available),
                "restoreRate": _number(self.restore_rate)}


def _number(value: float) -> int | float:
    return int(value) if float(value).is_integer() else value


class _CostCounter:
    """Static (requested) and result-based (actual) cost of one operation; see the module docstring."""

    def __init__(self, schema: GraphQLSchema, fragments: dict[str, FragmentDefinitionNode],
                 variables: dict[str, Any]) -> None:
        self.schema = schema
        self.fragments = fragments
        self.variables = variables

    def operation(self, operation: OperationDefinitionNode, data: Any = None, actual: bool = False) -> int:
        root = self.schema.mutation_type if operation.operation == OperationType.MUTATION else self.schema.query_type
        assert root is not None
        mutation = operation.operation == OperationType.MUTATION
        return self._selections(root, operation.selection_set, data, actual, mutation_root=mutation)

    def _fields(self, selection_set: SelectionSetNode | None) -> list[FieldNode]:
        fields: list[FieldNode] = []
        for selection in selection_set.selections if selection_set else ():
            if isinstance(selection, FieldNode):
                fields.append(selection)
            elif isinstance(selection, InlineFragmentNode):
                fields.extend(self._fields(selection.selection_set))
            elif isinstance(selection, FragmentSpreadNode) and selection.name.value in self.fragments:
                fields.extend(self._fields(self.fragments[selection.name.value].selection_set))
        return fields

    def _selections(self, parent: Any, selection_set: SelectionSetNode | None, data: Any, actual: bool,
                    mutation_root: bool = False, free_objects: bool = False) -> int:
        total = 0
        for node in self._fields(selection_set):
            name = node.name.value
            if name.startswith("__") or name not in getattr(parent, "fields", {}):
                continue
            field_def = parent.fields[name]
            named = get_named_type(field_def.type)
            if is_leaf_type(named):
                continue
            key = node.alias.value if node.alias else name
            value = data.get(key) if isinstance(data, dict) else None
            if mutation_root:
                # The mutation's 10 points cover the payload and the objects it returns directly.
                total += MUTATION_COST + self._selections(named, node.selection_set, value, actual,
                                                          free_objects=True)
            elif named.name.endswith("Connection"):
                total += self._connection(named, node, field_def, value, actual)
            else:
                items = value if isinstance(value, list) else [value]
                if actual and value is None:
                    total += 0 if free_objects else 1
                    continue
                if not actual:
                    items = [None]
                for item in items:
                    own = 0 if free_objects else 1
                    total += own + self._selections(named, node.selection_set, item, actual)
        return total

    def _connection(self, connection: Any, node: FieldNode, field_def: Any, value: Any, actual: bool) -> int:
        args = get_argument_values(field_def, node, self.variables)
        size = args.get("first") if args.get("first") is not None else args.get("last") or 0
        total = 2
        for part in self._fields(node.selection_set):
            part_name = part.name.value
            if part_name == "nodes":
                node_type = get_named_type(connection.fields["nodes"].type)
                items = (value or {}).get(part.alias.value if part.alias else "nodes") if actual else None
                total += self._items(node_type, part.selection_set, items, size, actual)
            elif part_name == "edges":
                edge_type = get_named_type(connection.fields["edges"].type)
                edges = (value or {}).get(part.alias.value if part.alias else "edges") if actual else None
                for inner in self._fields(part.selection_set):
                    if inner.name.value != "node":
                        continue
                    node_type = get_named_type(edge_type.fields["node"].type)
                    key = inner.alias.value if inner.alias else "node"
                    items = [e.get(key) for e in edges or [] if isinstance(e, dict)] if actual else None
                    total += self._items(node_type, inner.selection_set, items, size, actual)
        return total

    def _items(self, node_type: Any, selection_set: SelectionSetNode | None, items: Any, size: int,
               actual: bool) -> int:
        if actual:
            return sum(1 + self._selections(node_type, selection_set, item, True) for item in items or [])
        return size * (1 + self._selections(node_type, selection_set, None, False))


# ------------------------------------------------------------------------------------------- execution


@dataclass
class _Context:
    book: CompanyBook
    now: datetime
    search: list[dict[str, Any]] = field(default_factory=list)


def execute(book: CompanyBook, query: str, variables: dict[str, Any] | None, operation_name: str | None,
            *, cost_bucket: CostBucket | None, now: datetime | None = None) -> dict[str, Any]:
    """Run one GraphQL request against `book` and return the JSON body of Shopify's 200 response.

    Never raises: a problem in the request becomes an `errors` entry in Shopify's shape. `now` is used
    only for `lifetimeDuration`; it defaults to the book's clock.
    """
    try:
        return _execute(book, query, variables, operation_name, cost_bucket, now)
    except Exception:  # the endpoint must answer, as Shopify does, with its internal-error body
        return {"errors": [{"message": "Internal error. Looks like something went wrong on our end.",
                            "extensions": {"code": "INTERNAL_SERVER_ERROR"}}]}


def _execute(book: CompanyBook, query: Any, variables: Any, operation_name: str | None,
             bucket: CostBucket | None, now: datetime | None) -> dict[str, Any]:
    if not isinstance(query, str) or not query.strip():
        # graphql-ruby's text for a missing document (graphql-c_parser lib/graphql/c_parser.rb).
        return {"errors": [{"message": "No query string was present"}]}
    if variables is not None and not isinstance(variables, dict):
        return {"errors": [{"message": "Variables must be a JSON object", "extensions": {"code": "BAD_REQUEST"}}]}
    try:
        document = parse(query)
    except GraphQLSyntaxError as error:
        return {"errors": [_syntax_error(query, error)]}
    errors = validate(SCHEMA, document, SHOPIFY_RULES)
    if errors:
        # Validation failures have no `data` and no cost (live capture, graphql-base-validation-unhappy-paths).
        return {"errors": [_format(e) for e in errors]}
    operation = get_operation_ast(document, operation_name)
    if operation is None:
        message = (f'No operation named "{operation_name}"' if operation_name
                   else "An operation name is required")
        return {"errors": [{"message": message}]}
    coerced = get_variable_values(SCHEMA, operation.variable_definitions or (), variables or {})
    if isinstance(coerced, list):
        return {"errors": [_variable_error(e, operation, variables or {}) for e in coerced]}
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    counter = _CostCounter(SCHEMA, fragments, coerced)
    requested = counter.operation(operation)
    if requested > MAX_QUERY_COST:
        return {"errors": [{
            "message": f"Query cost is {requested}, which exceeds the single query max cost limit "
                       f"({MAX_QUERY_COST}).\n\nSee https://shopify.dev/concepts/about-apis/rate-limits for more "
                       "information on how the\ncost of a query is calculated.\n\nTo query larger amounts of "
                       "data with fewer limits, bulk operations should be used instead.\nSee "
                       "https://shopify.dev/tutorials/perform-bulk-operations-with-admin-api for usage details.\n",
            "extensions": {"code": "MAX_COST_EXCEEDED", "cost": requested, "maxCost": MAX_QUERY_COST}}]}
    if bucket is not None and not bucket.try_take(requested):
        # Body from a live throttled response (community.shopify.com/t/throttled/254776): 200, no data,
        # actualQueryCost null.
        return {"errors": [{"message": "Throttled",
                            "extensions": {"code": "THROTTLED", "documentation": RATE_LIMITS_DOC}}],
                "extensions": {"cost": {"requestedQueryCost": requested, "actualQueryCost": None,
                                        "throttleStatus": bucket.throttle_status()}}}
    if now is None:
        now = book.now()
    context = _Context(book=book, now=now)
    result = graphql_execute(SCHEMA, document, context_value=context, variable_values=variables or {},
                             operation_name=operation_name)
    actual = counter.operation(operation, result.data, actual=True)
    actual = min(actual, requested)
    if bucket is not None:
        bucket.refund(requested - actual)
    throttle = bucket.throttle_status() if bucket is not None else {
        "maximumAvailable": 2000, "currentlyAvailable": 2000 - actual, "restoreRate": 100}
    body: dict[str, Any] = {}
    if result.errors:
        body["errors"] = [_format(e) for e in result.errors]
    body["data"] = result.data
    body["extensions"] = {"cost": {"requestedQueryCost": requested, "actualQueryCost": actual,
                                   "throttleStatus": throttle}}
    if context.search:
        body["extensions"]["search"] = context.search
    return body


def _lifetime(since: datetime, now: datetime) -> str:
    # "Examples: 2 days, 3 months, 1 year" (Company.lifetimeDuration docs); rounding is our guess.
    days = max(0, (now - since).days)
    if days < 30:
        amount, unit = days, "day"
    elif days < 365:
        amount, unit = days // 30, "month"
    else:
        amount, unit = days // 365, "year"
    return f"{amount} {unit}{'' if amount == 1 else 's'}"


# ------------------------------------------------------------------------------------------- errors


def _format(error: GraphQLError) -> dict[str, Any]:
    original = error.original_error
    if original is not None and not isinstance(original, GraphQLError):
        body: dict[str, Any] = {"message": "Internal error. Looks like something went wrong on our end.",
                                "extensions": {"code": "INTERNAL_SERVER_ERROR"}}
        if error.path:
            body["path"] = list(error.path)
        return body
    formatted: dict[str, Any] = {"message": error.message}
    if error.locations:
        formatted["locations"] = [{"line": loc.line, "column": loc.column} for loc in error.locations]
    if error.path:
        formatted["path"] = list(error.path)
    if error.extensions:
        formatted["extensions"] = dict(error.extensions)
    return formatted


# graphql-ruby token names (graphql-c_parser ext/graphql_c_parser_ext/parser.y) for graphql-core tokens.
_TOKEN_NAMES = {
    TokenKind.BRACE_L: "LCURLY", TokenKind.BRACE_R: "RCURLY", TokenKind.PAREN_L: "LPAREN",
    TokenKind.PAREN_R: "RPAREN", TokenKind.BRACKET_L: "LBRACKET", TokenKind.BRACKET_R: "RBRACKET",
    TokenKind.COLON: "COLON", TokenKind.BANG: "BANG", TokenKind.DOLLAR: "VAR_SIGN", TokenKind.AT: "DIR_SIGN",
    TokenKind.SPREAD: "ELLIPSIS", TokenKind.EQUALS: "EQUALS", TokenKind.PIPE: "PIPE", TokenKind.AMP: "AMP",
    TokenKind.INT: "INT", TokenKind.FLOAT: "FLOAT", TokenKind.STRING: "STRING", TokenKind.BLOCK_STRING: "STRING",
}
_KEYWORDS = {"query": "QUERY", "mutation": "MUTATION", "subscription": "SUBSCRIPTION", "fragment": "FRAGMENT",
             "on": "ON", "true": "TRUE_LITERAL", "false": "FALSE_LITERAL", "null": "NULL_LITERAL",
             "type": "TYPE_LITERAL", "schema": "SCHEMA", "scalar": "SCALAR", "interface": "INTERFACE",
             "union": "UNION", "enum": "ENUM", "input": "INPUT", "directive": "DIRECTIVE", "extend": "EXTEND",
             "implements": "IMPLEMENTS", "repeatable": "REPEATABLE"}


def _syntax_error(query: str, error: GraphQLSyntaxError) -> dict[str, Any]:
    """A parse error in graphql-ruby's words, as Shopify answers it.

    Live capture (2025-01): `syntax error, unexpected end of file at [3, 5]`, code PARSE_ERROR, where
    [3, 5] is the last token read. For another token graphql-ruby says `syntax error, unexpected
    RCURLY at [l, c]`, adding `("}"), expecting ...` when bison lists at most four alternatives; we
    never add the expectation list.
    """
    position = error.positions[0] if error.positions else len(query)
    previous = None
    unexpected = None
    try:
        lexer = Lexer(Source(query))
        while True:
            token = lexer.advance()
            if token.kind == TokenKind.EOF or token.start >= position:
                unexpected = token
                break
            previous = token
    except GraphQLSyntaxError:
        unexpected = None
    if unexpected is None or unexpected.kind == TokenKind.EOF:
        where = previous or unexpected
        line, column = (where.line, where.column) if where else (1, 1)
        message = f"syntax error, unexpected end of file at [{line}, {column}]"
        if unexpected is None and error.locations:
            line, column = error.locations[0].line, error.locations[0].column
            message = f"syntax error, unexpected invalid token at [{line}, {column}]"
    else:
        line, column = unexpected.line, unexpected.column
        kind = _TOKEN_NAMES.get(unexpected.kind)
        if kind is None:
            kind = _KEYWORDS.get(unexpected.value or "", "IDENTIFIER")
        message = f"syntax error, unexpected {kind} at [{line}, {column}]"
    return {"message": message, "locations": [{"line": line, "column": column}],
            "extensions": {"code": "PARSE_ERROR"}}


def _variable_error(error: GraphQLError, operation: OperationDefinitionNode,
                    variables: dict[str, Any]) -> dict[str, Any]:
    """graphql-core's variable error in Shopify's shape (live capture: code INVALID_VARIABLE, problems)."""
    match = re.match(r"Variable '\$(\w+)' has invalid value(?: at \.([\w.\[\]]+))?: (.*)", error.message, re.S)
    if not match:
        return _format(error)
    name, at, explanation = match.groups()
    type_text = next((_type_text(d.type) for d in operation.variable_definitions
                      if d.variable.name.value == name), "")
    if explanation.startswith("Expected a value of non-null type") or "to not be null" in explanation:
        explanation = "Expected value to not be null"
    path = [int(p) if p.isdigit() else p for p in re.split(r"[.\[\]]+", at) if p] if at else []
    message = f"Variable ${name} of type {type_text} was provided invalid value"
    if path:
        message += f" for {'.'.join(str(p) for p in path)} ({explanation})"
    body: dict[str, Any] = {"message": message}
    if error.locations:
        body["locations"] = [{"line": loc.line, "column": loc.column} for loc in error.locations]
    body["extensions"] = {"code": "INVALID_VARIABLE", "value": variables.get(name),
                          "problems": [{"path": path, "explanation": explanation}]}
    return body


def _type_text(node: Any) -> str:
    kind = type(node).__name__
    if kind == "NonNullTypeNode":
        return _type_text(node.type) + "!"
    if kind == "ListTypeNode":
        return f"[{_type_text(node.type)}]"
    return node.name.value


def _shopify_path(ancestors: Any, node: FieldNode) -> list[str]:
    """graphql-ruby's static-validation path: `["query Name", "companies", "nodes", "bogus"]`."""
    path: list[str] = []
    for ancestor in [*ancestors, node]:
        if isinstance(ancestor, OperationDefinitionNode):
            op = ancestor.operation.value
            path.append(f"{op} {ancestor.name.value}" if ancestor.name else op)
        elif isinstance(ancestor, FragmentDefinitionNode):
            path.append(f"fragment {ancestor.name.value}")
        elif isinstance(ancestor, InlineFragmentNode) and ancestor.type_condition:
            path.append(f"... on {ancestor.type_condition.name.value}")
        elif isinstance(ancestor, FieldNode):
            path.append(ancestor.alias.value if ancestor.alias else ancestor.name.value)
    return path


class ShopifyFieldsOnCorrectTypeRule(ValidationRule):
    """Unknown fields, worded as Shopify (graphql-ruby) does: `Field 'x' doesn't exist on type 'Company'`.

    Shape from a live capture (code undefinedField, typeName, fieldName, path starting with the operation).
    """

    def enter_field(self, node: FieldNode, _key: Any, _parent: Any, _path: Any, ancestors: Any) -> None:
        parent_type = self.context.get_parent_type()
        if parent_type is None or self.context.get_field_def() is not None:
            return
        name = node.name.value
        self.report_error(GraphQLError(
            f"Field '{name}' doesn't exist on type '{parent_type.name}'", node,
            path=_shopify_path(ancestors, node),
            extensions={"code": "undefinedField", "typeName": parent_type.name, "fieldName": name}))


class ShopifyScalarLeafsRule(ValidationRule):
    """Missing or forbidden sub-selections, worded as Shopify does (code selectionMismatch).

    The missing-selection text is from a live capture; the scalar-with-selection text is graphql-ruby's
    (I-mem).
    """

    def enter_field(self, node: FieldNode, _key: Any, _parent: Any, _path: Any, ancestors: Any) -> None:
        field_type = self.context.get_type()
        if field_type is None:
            return
        named = get_named_type(field_type)
        name = node.name.value
        path = _shopify_path(ancestors, node)
        if is_leaf_type(named) and node.selection_set:
            kind = "scalars" if type(named).__name__ == "GraphQLScalarType" else "enums"
            subfields = ", ".join(f'"{s.name.value}"' for s in node.selection_set.selections
                                  if isinstance(s, FieldNode))
            self.report_error(GraphQLError(
                f"Selections can't be made on {kind} (field '{name}' returns {named.name} but has selections "
                f"[{subfields}])", node, path=path,
                extensions={"code": "selectionMismatch", "nodeName": f"field '{name}'", "typeName": named.name}))
        elif not is_leaf_type(named) and not node.selection_set:
            self.report_error(GraphQLError(
                f"Field must have selections (field '{name}' returns {named.name} but has no selections. "
                f"Did you mean '{name} {{ ... }}'?)", node, path=path,
                extensions={"code": "selectionMismatch", "nodeName": f"field '{name}'", "typeName": named.name}))


def _rules() -> list[type[ValidationRule]]:
    replaced = {"FieldsOnCorrectTypeRule": ShopifyFieldsOnCorrectTypeRule,
                "ScalarLeafsRule": ShopifyScalarLeafsRule}
    return [replaced.get(rule.__name__, rule) for rule in specified_rules]


# ------------------------------------------------------------------------------------------- search


@dataclass
class _Term:
    field: str | None
    comparator: str
    value: str
    quoted: bool


class _SearchSyntaxError(ValueError):
    pass


_TOKEN_RE = re.compile(
    r"""\s*(?:(?P<lp>\()|(?P<rp>\))|(?P<term>-?(?:[\w.\-]+:(?:<=|>=|<|>)?)?(?:'[^']*'|"[^"]*"|[^\s()]+)))""")


def _tokenize(text: str) -> list[Any]:
    tokens: list[Any] = []
    position = 0
    while position < len(text):
        if text[position:].strip() == "":
            break
        match = _TOKEN_RE.match(text, position)
        if not match or match.end() == position:
            raise _SearchSyntaxError(text)
        position = match.end()
        if match.group("lp"):
            tokens.append("(")
        elif match.group("rp"):
            tokens.append(")")
        else:
            tokens.append(match.group("term"))
    return tokens


def _parse_search(text: str) -> Any:
    """Shopify search syntax (https://shopify.dev/docs/api/usage/search-syntax) -> a small tree.

    Terms are `value`, `field:value`, `field:>value` (`<`, `<=`, `>=`), values may be quoted; `-term`
    or `NOT term` negates; terms are joined by implicit AND, explicit `AND`, or `OR` (lowest precedence);
    parentheses group.
    """
    tokens = _tokenize(text)
    position = 0

    def peek() -> Any:
        return tokens[position] if position < len(tokens) else None

    def take() -> Any:
        nonlocal position
        position += 1
        return tokens[position - 1]

    def parse_or() -> Any:
        left = parse_and()
        while peek() == "OR":
            take()
            left = ("or", left, parse_and())
        return left

    def parse_and() -> Any:
        left = parse_unary()
        while peek() not in (None, ")", "OR"):
            if peek() == "AND":
                take()
            left = ("and", left, parse_unary())
        return left

    def parse_unary() -> Any:
        token = peek()
        if token is None:
            raise _SearchSyntaxError(text)
        if token == "NOT":
            take()
            return ("not", parse_unary())
        if token == "(":
            take()
            inner = parse_or()
            if peek() == ")":
                take()
            return inner
        if token == ")":
            raise _SearchSyntaxError(text)
        take()
        negate = token.startswith("-") and len(token) > 1
        if negate:
            token = token[1:]
        term = _term(token)
        return ("not", term) if negate else term

    tree = parse_or() if tokens else None
    return tree


def _term(token: str) -> _Term:
    match = re.match(r"^([\w.\-]+):(<=|>=|<|>)?(.*)$", token)
    if match and not token.startswith(("'", '"')):
        name, comparator, value = match.group(1), match.group(2) or ":", match.group(3)
    else:
        name, comparator, value = None, ":", token
    quoted = len(value) >= 2 and value[0] == value[-1] and value[0] in "'\""
    if quoted:
        value = value[1:-1]
    return _Term(name, comparator, value, quoted)


_WORD_RE = re.compile(r"[0-9A-Za-z\u00C0-\uFFFF]+")
_DATE_FIELDS = {"created_at": "created_at", "updated_at": "updated_at", "since_date": "customer_since"}
_KNOWN_FIELDS = {"name", "external_id", "id", "active_customers_count", *_DATE_FIELDS}


def _words(text: str | None) -> list[str]:
    return [w.lower() for w in _WORD_RE.findall(text or "")]


def _text_match(haystack: str | None, value: str) -> bool:
    # Shopify's search is by word, case-insensitive: `name:acme` finds "ACME Corp" and "Big Acme" (a live
    # capture matches a word in the middle of a name); `acme*` is a prefix, a quoted value a phrase.
    prefix = value.endswith("*")
    wanted = _words(value.rstrip("*"))
    words = _words(haystack)
    if not wanted:
        return True
    for start in range(len(words) - len(wanted) + 1):
        window = words[start:start + len(wanted)]
        if window[:-1] == wanted[:-1] and (
                window[-1].startswith(wanted[-1]) if prefix else window[-1] == wanted[-1]):
            return True
    return False


def _compare(left: Any, comparator: str, right: Any) -> bool:
    return {":": left == right, "<": left < right, ">": left > right, "<=": left <= right,
            ">=": left >= right}[comparator]


def _matches(tree: Any, company: Company, warn: Callable[[str, str], None]) -> bool:
    if tree is None:
        return True
    if isinstance(tree, tuple):
        if tree[0] == "and":
            return _matches(tree[1], company, warn) and _matches(tree[2], company, warn)
        if tree[0] == "or":
            return _matches(tree[1], company, warn) or _matches(tree[2], company, warn)
        return not _matches(tree[1], company, warn)
    term: _Term = tree
    name = term.field
    if name is None:
        return any(_text_match(text, term.value) for text in (company.name, company.external_id, company.note))
    if name == "name":
        return _text_match(company.name, term.value)
    if name == "external_id":
        return (company.external_id or "").lower() == term.value.lower()
    if name in ("id", "active_customers_count"):
        try:
            wanted = int(term.value.rsplit("/", 1)[-1])
        except ValueError:
            warn(name, "Invalid value for this search field.")
            return True
        return _compare(company.id if name == "id" else 0, term.comparator, wanted)
    if name in _DATE_FIELDS:
        try:
            wanted_time = parse_iso8601(term.value)
        except ValueError:
            warn(name, "Invalid timestamp for this search field.")
            return True
        actual = getattr(company, _DATE_FIELDS[name])
        date_only = re.fullmatch(r"\d{4}-\d{2}-\d{2}", term.value) is not None
        if term.comparator == ":" and date_only:
            return actual.date() == wanted_time.date()
        return _compare(actual, term.comparator, wanted_time)
    if name.startswith("metafields."):
        parts = name.split(".", 2)
        if len(parts) == 3:
            metafield = company.metafields.get((parts[1], parts[2]))
            if metafield is None:
                return False
            if term.comparator == ":":
                return metafield.value.lower() == term.value.lower()
            try:
                return _compare(float(metafield.value), term.comparator, float(term.value))
            except ValueError:
                return _compare(metafield.value, term.comparator, term.value)
    warn(name, "Invalid search field for this query.")
    return True  # Shopify ignores an unknown field and says so in extensions.search


# ------------------------------------------------------------------------------------------- pagination

_SORT_FIELDS = {"ID": "id", "NAME": "name", "CREATED_AT": "created_at", "UPDATED_AT": "updated_at",
                "SINCE_DATE": "since_date", "ORDER_COUNT": "order_count", "TOTAL_SPENT": "total_spent",
                "RELEVANCE": "id"}


def _sort_value(company: Company, sort_field: str) -> Any:
    if sort_field == "name":
        return company.name.lower()
    if sort_field in ("created_at", "updated_at"):
        return getattr(company, sort_field)
    if sort_field == "since_date":
        return company.customer_since
    if sort_field in ("order_count", "total_spent"):
        return 0  # orders are not linked to companies in this fake
    return company.id


def _value_text(value: Any) -> str:
    return value.isoformat() if isinstance(value, datetime) else str(value)


def _value_from_text(sort_field: str, text: str) -> Any:
    if sort_field in ("created_at", "updated_at", "since_date"):
        return datetime.fromisoformat(text)
    if sort_field in ("id", "order_count", "total_spent"):
        return int(text)
    return text


def _encode_cursor(sort_field: str, direction: str, limit: int, last_id: int, last_value: str) -> str:
    # Same layout as a live companies cursor: base64 of
    # {"limit":1,"sort_fields":"name","sort_dir":"desc","last_id":5730664754,"last_value":["zzzzy ..."],
    #  "direction":"next"}
    payload = {"limit": limit, "sort_fields": sort_field, "sort_dir": direction, "last_id": last_id,
               "last_value": [last_value], "direction": "next"}
    return base64.b64encode(json.dumps(payload, separators=(",", ":")).encode()).decode()


def _decode_cursor(cursor: str, sort_field: str) -> tuple[Any, int]:
    try:
        payload = json.loads(base64.b64decode(cursor.encode(), validate=False))
        if payload.get("sort_fields") != sort_field:
            raise ValueError("sort changed")
        return _value_from_text(sort_field, payload["last_value"][0]), int(payload["last_id"])
    except (ValueError, KeyError, TypeError, IndexError, binascii.Error, AttributeError):
        # Shopify's text when a cursor does not fit the current sort (seen in Hydrogen and app code);
        # we also use it for undecodable cursors.
        raise GraphQLError("Invalid cursor for current pagination sort.",
                           extensions={"code": "BAD_REQUEST"}) from None


def _page(items: list[Any], key: Callable[[Any], tuple[Any, int]], sort_field: str, direction: str,
          first: int | None, after: str | None, last: int | None, before: str | None,
          field_name: str) -> dict[str, Any]:
    """Cursor-paginate `items` (already filtered and ordered by `key`) the Relay way Shopify does."""
    if first is None and last is None:
        # Live text (test fixtures of Shopify's JS API client; airhorns/shopify-draft-proxy adds the code).
        raise GraphQLError("you must provide one of first or last", extensions={"code": "BAD_REQUEST"})
    for name, size in (("first", first), ("last", last)):
        if size is not None and not 0 <= size <= MAX_PAGE_SIZE:
            # Shopify caps pages at 250; the wording of its refusal is our guess.
            raise GraphQLError(f"Argument '{name}' on Field '{field_name}' has an invalid value ({size}). "
                               f"Expected a value between 0 and {MAX_PAGE_SIZE}.",
                               extensions={"code": "argumentLiteralsIncompatible"})
    descending = direction == "desc"

    def position_key(item: Any) -> tuple[Any, int]:
        return key(item)

    def beyond(item_key: tuple[Any, int], bound: tuple[Any, int]) -> bool:
        return item_key < bound if descending else item_key > bound

    window = list(items)
    if after is not None:
        bound = _decode_cursor(after, sort_field)
        window = [i for i in window if beyond(position_key(i), bound)]
    if before is not None:
        bound = _decode_cursor(before, sort_field)
        window = [i for i in window if beyond(bound, position_key(i))]
    page = window
    if first is not None:
        page = page[:first]
    if last is not None:
        page = page[-last:] if last else []
    if page:
        start_index = items.index(page[0])
        end_index = items.index(page[-1])
        has_previous = start_index > 0
        has_next = end_index < len(items) - 1
    else:
        has_previous = after is not None and bool(items) and len(window) < len(items)
        has_next = before is not None and bool(items) and len(window) < len(items)
    limit = first if first is not None else last or 0
    cursors = [_encode_cursor(sort_field, direction, limit, key(i)[1], _value_text(key(i)[0])) for i in page]
    return {
        "edges": [{"cursor": c, "node": i} for c, i in zip(cursors, page, strict=True)],
        "nodes": page,
        "pageInfo": {"hasNextPage": has_next, "hasPreviousPage": has_previous,
                     "startCursor": cursors[0] if cursors else None,
                     "endCursor": cursors[-1] if cursors else None},
    }


# ------------------------------------------------------------------------------------------- resolvers


def _company_id(gid: str, argument_kind: str = "Company") -> int | None:
    """The id inside a Company GID; None for a GID of another kind; a GraphQL error for a non-GID."""
    if not re.fullmatch(r"gid://[\w-]+/\w+/.+", gid or ""):
        # graphql-ruby's coercion failure for a malformed ID (I-mem: "Invalid global id '...'").
        raise GraphQLError(f"Invalid global id '{gid}'",
                           extensions={"code": "argumentLiteralsIncompatible", "typeName": "CoercionError"})
    return parse_gid(gid, argument_kind)


def _resolve_company(_root: Any, info: Any, id: str) -> Company | None:
    company_id = _company_id(id)
    return info.context.book.get(company_id) if company_id is not None else None


def _resolve_companies(_root: Any, info: Any, first: int | None = None, after: str | None = None,
                       last: int | None = None, before: str | None = None, reverse: bool = False,
                       sortKey: str = "ID", query: str | None = None) -> dict[str, Any]:
    context: _Context = info.context
    warnings: list[dict[str, str]] = []

    def warn(name: str, message: str) -> None:
        warnings.append({"field": name, "message": message, "code": "invalid_field"})

    companies = context.book.list()
    if query:
        try:
            tree = _parse_search(query)
        except _SearchSyntaxError:
            tree = None
            warnings.append({"field": "query", "message": "Invalid search query syntax.", "code": "invalid_query"})
        companies = [c for c in companies if _matches(tree, c, warn)]
    if warnings:
        # Shopify reports ignored search terms in `extensions.search` (shape from memory, I-mem).
        seen: list[dict[str, str]] = []
        for warning in warnings:
            if warning not in seen:
                seen.append(warning)
        context.search.append({"path": [info.field_name], "query": query, "warnings": seen})
    sort_field = _SORT_FIELDS[sortKey]

    def key(company: Company) -> tuple[Any, int]:
        return (_sort_value(company, sort_field), company.id)

    companies.sort(key=key, reverse=reverse)
    return _page(companies, key, sort_field, "desc" if reverse else "asc", first, after, last, before,
                 info.field_name)


def _resolve_metafield(company: Company, _info: Any, key: str, namespace: str | None = None) -> Metafield | None:
    return company.metafields.get((namespace or APP_RESERVED_NAMESPACE, key))


def _resolve_metafields(company: Company, info: Any, first: int | None = None, after: str | None = None,
                        last: int | None = None, before: str | None = None, reverse: bool = False,
                        namespace: str | None = None, keys: list[str] | None = None) -> dict[str, Any]:
    items = sorted(company.metafields.values(), key=lambda m: m.id, reverse=reverse)
    if namespace is not None:
        items = [m for m in items if m.namespace == namespace]
    if keys is not None:
        items = [m for m in items if f"{m.namespace}.{m.key}" in keys]

    def key(metafield: Metafield) -> tuple[Any, int]:
        return (metafield.id, metafield.id)

    return _page(items, key, "id", "desc" if reverse else "asc", first, after, last, before, info.field_name)


def _user_errors(error: CompanyUserError, prefix: list[str]) -> list[dict[str, Any]]:
    rendered = []
    for one in error.all():
        path = one.field if isinstance(one, CompanyNotFound) else [*prefix, *one.field]
        rendered.append({"field": path, "message": one.message, "code": one.code, "detail": one.detail})
    return rendered


def _resolve_company_create(_root: Any, info: Any, input: dict[str, Any]) -> dict[str, Any]:
    fields = input["company"]
    try:
        company = info.context.book.create(
            name=fields.get("name"), note=fields.get("note"), external_id=fields.get("externalId"),
            customer_since=fields.get("customerSince"))
    except CompanyUserError as error:
        return {"company": None, "userErrors": _user_errors(error, ["input", "company"])}
    return {"company": company, "userErrors": []}


def _resolve_company_update(_root: Any, info: Any, companyId: str, input: dict[str, Any]) -> dict[str, Any]:
    company_id = _company_id(companyId)
    names = {"name": "name", "note": "note", "externalId": "external_id", "customerSince": "customer_since"}
    changes = {names[k]: v for k, v in input.items() if k in names}
    try:
        if company_id is None:
            raise CompanyNotFound("companyId")
        company = info.context.book.update(company_id, **changes)
    except CompanyUserError as error:
        return {"company": None, "userErrors": _user_errors(error, ["input"])}
    return {"company": company, "userErrors": []}


def _resolve_company_delete(_root: Any, info: Any, id: str) -> dict[str, Any]:
    company_id = _company_id(id)
    try:
        if company_id is None:
            raise CompanyNotFound("id")
        info.context.book.delete(company_id)
    except CompanyUserError as error:
        return {"deletedCompanyId": None, "userErrors": _user_errors(error, [])}
    return {"deletedCompanyId": company_gid(company_id), "userErrors": []}


def _resolve_metafields_set(_root: Any, info: Any, metafields: list[dict[str, Any]]) -> dict[str, Any]:
    inputs = []
    for entry in metafields:
        owner = _company_id(entry["ownerId"])
        inputs.append(MetafieldsSetInput(owner_id=owner, namespace=entry.get("namespace"), key=entry["key"],
                                         value=entry["value"], type=entry.get("type"),
                                         compare_digest=entry.get("compareDigest", ...)))
    try:
        written = info.context.book.metafields_set(inputs)
    except CompanyUserError as error:
        return {"metafields": [], "userErrors": [
            {"field": e.field, "message": e.message, "code": e.code, "elementIndex": e.element_index}
            for e in error.all()]}
    return {"metafields": written, "userErrors": []}


SCHEMA = _build_schema()
SHOPIFY_RULES = _rules()
