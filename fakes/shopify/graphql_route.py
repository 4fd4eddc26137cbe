"""`POST /admin/api/{version}/graphql.json`: the GraphQL Admin API.

Versions Shopify publishes a schema for (2025-10 on) are answered from that schema over the one store
(`fakes/shopify/graphql/`); the older ones by the B2B companies subset (`graphql_api.py`).
"""

from __future__ import annotations

import json

from flask import Blueprint, Response, g, request
from graphql import GraphQLError, OperationDefinitionNode, OperationType

from fakes.shopify import api
from fakes.shopify.errors import BadRequest
from fakes.shopify.graphql.executor import parsed

bp = Blueprint("graphql", __name__)


def _unmetered(view):
    # GraphQL has its own cost-based bucket (docs/vendor-behaviour.md §1.5), not the REST leaky bucket.
    view.shopify_unmetered = True
    return view


@bp.post("/graphql.json")
@_unmetered
@api.scope(None)
def graphql() -> Response:
    from fakes.shopify.graphql import admin
    from fakes.shopify.graphql.executor import Request
    from fakes.shopify.graphql_api import execute

    raw = request.get_data(cache=True)
    if request.mimetype == "application/graphql":
        query, variables, operation = raw.decode("utf-8", "replace"), None, None
    else:
        try:
            parsed = json.loads(raw or b"null")
        except (ValueError, UnicodeDecodeError):
            raise BadRequest("Bad Request") from None
        if not isinstance(parsed, dict) or not isinstance(parsed.get("query"), str):
            return api.json_response({"errors": [{"message": "No query string was present"}]}, 400)
        query = parsed["query"]
        variables = parsed.get("variables") if isinstance(parsed.get("variables"), dict) else None
        operation = parsed.get("operationName") if isinstance(parsed.get("operationName"), str) else None
    request.environ["shopsync.read_only"] = _is_query(query, operation)
    store = api.store()
    version = api.served_version(g.version)
    if admin.serves(version):
        outcome = admin.execute(store, g.shop, api.grant(), version, Request(query, variables, operation),
                                base_url=request.host_url)
        request.environ["shopsync.operation"] = outcome.operation
        request.environ["shopsync.fields"] = outcome.fields
        request.environ["shopsync.throttled"] = outcome.throttled
        request.environ["shopsync.cost"] = outcome.actual_cost if outcome.actual_cost is not None \
            else outcome.requested_cost
        return api.json_response(outcome.body)
    book = store.company_book(g.shop)
    bucket = store.cost_bucket(api.grant())
    return api.json_response(execute(book, query, variables, operation, cost_bucket=bucket))


def _is_query(query: str, operation: str | None) -> bool:
    """Whether the document's chosen operation only reads (so the audit log does not count it as a write)."""
    try:
        document = parsed(query)
    except GraphQLError:
        return True
    kinds = [d.operation for d in document.definitions if isinstance(d, OperationDefinitionNode)
             and (operation is None or (d.name is not None and d.name.value == operation))]
    return bool(kinds) and all(k == OperationType.QUERY for k in kinds)
