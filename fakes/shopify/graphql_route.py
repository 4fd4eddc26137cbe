"""`POST /admin/api/{version}/graphql.json`: the GraphQL Admin API, where B2B companies live."""

from __future__ import annotations

import json

from flask import Blueprint, Response, g, request

from fakes.shopify import api
from fakes.shopify.errors import BadRequest

bp = Blueprint("graphql", __name__)


def _unmetered(view):
    # GraphQL has its own cost-based bucket (API-FACTS 1.5), not the REST leaky bucket.
    view.shopify_unmetered = True
    return view


@bp.post("/graphql.json")
@_unmetered
@api.scope(None)
def graphql() -> Response:
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
    store = api.store()
    book = store.company_book(g.shop)
    bucket = store.cost_bucket(api.grant())
    return api.json_response(execute(book, query, variables, operation, cost_bucket=bucket))
