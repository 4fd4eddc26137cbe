"""The request context of the Admin API: which shop, which grant, and how to answer like Shopify.

Route modules use these helpers so that each view only parses, calls one store method and renders.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from flask import Response, g, request

from fakes.shopify.errors import BadParameter, BadRequest, missing_root
from fakes.shopify.pagination import Cursor, Selection, cut_page, link_header, parse_limit
from fakes.shopify.store import AccessToken, ListQuery, Shop, ShopifyStore
from fakes.shopify.values import parse_time_param

F = TypeVar("F", bound=Callable[..., Any])

# Versions that answer as themselves; anything older or unknown "falls forward" to the oldest
# supported stable version (docs/vendor-behaviour.md §1.1).
SUPPORTED_VERSIONS = ("2024-10", "2025-01", "2025-04", "2025-07", "2025-10", "2026-01", "2026-04", "2026-07",
                      "2026-10", "unstable")
VERSION_RE = re.compile(r"^(\d{4}-(0[1-9]|1[0-2])|unstable)$")
SHARED_FILTERS = ("ids", "since_id", "created_at_min", "created_at_max", "updated_at_min", "updated_at_max")


def scope(name: str | None) -> Callable[[F], F]:
    """Mark a view as an Admin API endpoint that needs `name` (None: any valid token)."""
    def mark(view: F) -> F:
        view.shopify_scope = name  # type: ignore[attr-defined]
        return view
    return mark


def store() -> ShopifyStore:
    """The store behind the current app."""
    from flask import current_app
    return current_app.extensions["shopify_store"]


def shop() -> Shop:
    """The shop of the current request."""
    return store().shop(g.shop)


def grant() -> AccessToken:
    """The calling app's grant in this shop."""
    return g.grant


def served_version(requested: str) -> str:
    """The version that answers a request for `requested`."""
    return requested if requested in SUPPORTED_VERSIONS else SUPPORTED_VERSIONS[0]


def json_response(body: object, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    """A JSON response with Shopify's content type."""
    text = json.dumps(body, ensure_ascii=False, separators=(",", ":"))
    response = Response(text, status=status, mimetype="application/json")
    response.headers["Content-Type"] = "application/json; charset=utf-8"
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response


def body_root(root: str) -> object:
    """The object under `root` in the JSON body; 400 as Shopify answers for a missing root or bad JSON."""
    raw = request.get_data(cache=True)
    if not raw.strip():
        raise missing_root(root)
    try:
        parsed = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise BadRequest("Bad Request") from None
    if not isinstance(parsed, dict) or not isinstance(parsed.get(root), dict):
        raise missing_root(root)
    return parsed[root]


def list_query(extra: Iterable[str] = ()) -> tuple[ListQuery, int, Cursor | None, str | None]:
    """Parse the shared list parameters and page_info; returns (query, limit, cursor, fields)."""
    args = request.args
    limit = parse_limit(args.get("limit"))
    fields = args.get("fields") or None
    token = args.get("page_info")
    filter_names = (*SHARED_FILTERS, *extra)
    if token is not None:
        # The cursor already carries the original filters; anything else alongside it is refused.
        for name in args:
            if name not in ("page_info", "limit", "fields"):
                raise BadParameter(name, f"{name} cannot be passed when page_info is present. See "
                                         "https://shopify.dev/api/usage/pagination-rest for more information.")
        cursor = Cursor.decode(token)
        filters = {k: v for k, v in cursor.filters.items() if k in filter_names}
    else:
        cursor = None
        filters = {}
        for name in filter_names:
            values = args.getlist(name) or args.getlist(f"{name}[]")
            if values:
                filters[name] = ",".join(values)
    return build_query(filters, extra), limit, cursor, fields


def build_query(filters: dict[str, str], extra: Iterable[str]) -> ListQuery:
    """A ListQuery from raw filter strings; 400 on an unreadable id or date."""
    ids = None
    if "ids" in filters:
        try:
            ids = frozenset(int(x) for x in filters["ids"].split(",") if x.strip())
        except ValueError:
            raise BadParameter("ids", "Invalid value.") from None
    since_id = None
    if "since_id" in filters:
        try:
            since_id = int(filters["since_id"])
        except ValueError:
            raise BadParameter("since_id", "Invalid value.") from None
    dates = {}
    for name in ("created_at_min", "created_at_max", "updated_at_min", "updated_at_max"):
        if name in filters:
            value = parse_time_param(filters[name])
            if value is None:
                raise BadParameter(name, "Invalid value.")
            dates[name] = value
    extras = tuple(sorted((k, v) for k, v in filters.items() if k in set(extra)))
    return ListQuery(ids=ids, since_id=since_id, extra=extras, **dates)


def _only_fields(obj: dict, fields: str | None) -> dict:
    if not fields:
        return obj
    wanted = [f.strip() for f in fields.split(",") if f.strip()]
    return {k: obj[k] for k in wanted if k in obj}


def render_one(root: str, obj: dict, status: int = 200) -> Response:
    """`{root: obj}`, honouring `fields`."""
    return json_response({root: _only_fields(obj, request.args.get("fields"))}, status)


def render_page(root: str, records: list | Selection, to_json: Callable[[Any], dict], limit: int, cursor: Cursor | None,
                fields: str | None, filters: ListQuery) -> Response:
    """One page of a list, `{root: [...]}`, with the Link header when there are more pages."""
    raw_filters = _raw_filters(filters)
    if isinstance(records, Selection):
        page = records.page(limit, cursor, raw_filters)
    else:
        page = cut_page(records, [r.id for r in records], limit, cursor, raw_filters)
    body = {root: [_only_fields(to_json(r), fields) for r in page.items]}
    response = json_response(body)
    link = link_header(request.base_url, page, limit, fields)
    if link:
        response.headers["Link"] = link
    return response


def _raw_filters(query: ListQuery) -> dict[str, str]:
    out: dict[str, str] = {}
    if query.ids is not None:
        out["ids"] = ",".join(str(i) for i in sorted(query.ids))
    if query.since_id is not None:
        out["since_id"] = str(query.since_id)
    for name in ("created_at_min", "created_at_max", "updated_at_min", "updated_at_max"):
        value = getattr(query, name)
        if value is not None:
            out[name] = value.isoformat()
    out.update(dict(query.extra))
    return out


def render_count(count: int) -> Response:
    """`{"count": N}`."""
    return json_response({"count": count})
