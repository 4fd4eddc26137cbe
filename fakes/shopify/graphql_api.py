"""The GraphQL Admin API of the versions whose schema Shopify no longer publishes (2024-10..2025-07): B2B companies.

`execute()` returns the exact JSON body of the 200 response the real endpoint
(`POST /admin/api/{version}/graphql.json`) gives: Shopify answers GraphQL problems -- syntax errors,
unknown fields, throttling -- with HTTP 200 and an `errors` list, never with a 4xx/5xx.

The schema is a faithful subset of the 2024-10..2026-01 Admin schema, executed by graphql-core; the
names, nullability and enum values come from shopify.dev (URLs next to each part). Versions from 2025-10
on are served from Shopify's own published schema instead (`fakes/shopify/graphql/`); both share the
cost, error, search and paging rules of that package.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from graphql import GraphQLError, GraphQLObjectType, GraphQLSchema, build_schema

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
from fakes.shopify.graphql.cost import CostBucket
from fakes.shopify.graphql.errors import shopify_rules
from fakes.shopify.graphql.executor import Request, run
from fakes.shopify.graphql.paging import encode_cursor, page
from fakes.shopify.graphql.search import (
    SearchSyntaxError,
    Term,
    Warn,
    compare,
    match_id,
    match_time,
    matches,
    parse_search,
    text_match,
)

__all__ = ["CostBucket", "execute"]

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

    bind("QueryRoot", QUERY_FIELDS)
    bind("Mutation", MUTATION_FIELDS)
    bind("Company", COMPANY_FIELDS)
    bind("Metafield", METAFIELD_FIELDS)
    return schema



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
    context = _Context(book=book, now=now or book.now())
    return run(SCHEMA, SHOPIFY_RULES, Request(query, variables, operation_name), context=context,
               bucket=cost_bucket, search_warnings=lambda: context.search).body


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


# ------------------------------------------------------------------------------------------- search

_DATE_FIELDS = {"created_at": "created_at", "updated_at": "updated_at", "since_date": "customer_since"}


def _company_field(company: Company, term: Term, warn: Warn) -> bool | None:
    name = term.field or ""
    if name == "name":
        return text_match(company.name, term.value)
    if name == "external_id":
        return (company.external_id or "").lower() == term.value.lower()
    if name == "id":
        return match_id(company.id, term, warn)
    if name == "active_customers_count":
        return match_id(0, term, warn)
    if name in _DATE_FIELDS:
        return match_time(getattr(company, _DATE_FIELDS[name]), term, warn)
    if name.startswith("metafields."):
        parts = name.split(".", 2)
        if len(parts) == 3:
            metafield = company.metafields.get((parts[1], parts[2]))
            if metafield is None:
                return False
            if term.comparator == ":":
                return metafield.value.lower() == term.value.lower()
            try:
                return compare(float(metafield.value), term.comparator, float(term.value))
            except ValueError:
                return compare(metafield.value, term.comparator, term.value)
    return None


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
            tree = parse_search(query)
        except SearchSyntaxError:
            tree = None
            warnings.append({"field": "query", "message": "Invalid search query syntax.", "code": "invalid_query"})
        companies = [c for c in companies if matches(tree, c, _company_field,
                                                          lambda c: [c.name, c.external_id, c.note], warn)]
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
    return page(companies, key, sort_field, "desc" if reverse else "asc", first, after, last, before,
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

    return page(items, key, "id", "desc" if reverse else "asc", first, after, last, before, info.field_name)


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
        # A company's id, or the GID of another owner, which the book asks the store about.
        owner: int | str | None = _company_id(entry["ownerId"])
        if owner is None:
            owner = entry["ownerId"]
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


# Field resolvers by type, bound to this subset's schema and to Shopify's own (fakes/shopify/graphql/resolvers).
QUERY_FIELDS: dict[str, Callable[..., Any]] = {"company": _resolve_company, "companies": _resolve_companies}
MUTATION_FIELDS: dict[str, Callable[..., Any]] = {
    "companyCreate": _resolve_company_create, "companyUpdate": _resolve_company_update,
    "companyDelete": _resolve_company_delete, "metafieldsSet": _resolve_metafields_set}
COMPANY_FIELDS: dict[str, Callable[..., Any]] = {
    "id": lambda c, _i: company_gid(c.id),
    "name": lambda c, _i: c.name,
    "note": lambda c, _i: c.note,
    "externalId": lambda c, _i: c.external_id,
    "customerSince": lambda c, _i: c.customer_since,
    "createdAt": lambda c, _i: c.created_at,
    "updatedAt": lambda c, _i: c.updated_at,
    "lifetimeDuration": lambda c, info: _lifetime(c.customer_since, info.context.now),
    "defaultCursor": lambda c, _i: encode_cursor("id", "asc", 1, c.id, str(c.id)),
    "hasTimelineComment": lambda c, _i: False,
    "metafield": _resolve_metafield,
    "metafields": _resolve_metafields,
}
METAFIELD_FIELDS: dict[str, Callable[..., Any]] = {
    "id": lambda m, _i: metafield_gid(m.id),
    "namespace": lambda m, _i: m.namespace,
    "key": lambda m, _i: m.key,
    "type": lambda m, _i: m.type,
    "value": lambda m, _i: m.value,
    "description": lambda m, _i: None,
    "compareDigest": lambda m, _i: m.compare_digest,
    "ownerType": lambda m, _i: "COMPANY",
    "createdAt": lambda m, _i: m.created_at,
    "updatedAt": lambda m, _i: m.updated_at,
}

SCHEMA = _build_schema()
SHOPIFY_RULES = shopify_rules()

# `metafield` / `metafields` of any owner with `.metafields` (customers, products and orders reuse them).
OWNER_METAFIELD_FIELDS: dict[str, Callable[..., Any]] = {"metafield": _resolve_metafield,
                                                          "metafields": _resolve_metafields}
