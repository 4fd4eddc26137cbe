"""create_app: the fake Shopify Admin API as a Flask application over a ShopifyStore.

Many shops live in one server. Shop `S` answers at `/shops/S/admin/...`; a request whose `Host` is
`S.myshopify.com` also reaches it at `/admin/...`, exactly where the real API has it.
"""

from __future__ import annotations

import uuid

from flask import Flask, Response, g, request
from werkzeug.exceptions import HTTPException

from fakes.audit import AuditLog
from fakes.clock import SimClock
from fakes.outbox import Outbox
from fakes.shopify import api
from fakes.shopify.admin import ADMIN_PREFIX
from fakes.shopify.admin import bp as admin_bp
from fakes.shopify.control import bp as control_bp
from fakes.shopify.errors import BadRequest, MethodNotAllowed, NotFound, ShopifyError
from fakes.shopify.oauth import bp as oauth_bp
from fakes.shopify.routes import ADMIN_BLUEPRINTS
from fakes.shopify.store import ShopifyStore

PATH_PREFIX = "/shops/<shop>/admin/api/<version>"
HOST_PREFIX = "/admin/api/<version>"


def create_app(store: ShopifyStore | None = None, *, clock: SimClock | None = None, audit: AuditLog | None = None,
               outbox: Outbox | None = None) -> Flask:
    """A Flask app serving the fake Shopify over `store` (made from `clock` and `outbox` when not given)."""
    if store is None:
        store = ShopifyStore(clock or SimClock(), outbox)
    app = Flask(__name__)
    app.json.sort_keys = False  # type: ignore[attr-defined]
    app.extensions["shopify_store"] = store
    app.extensions["shopify_audit"] = audit if audit is not None else AuditLog()

    for blueprint in ADMIN_BLUEPRINTS:
        app.register_blueprint(blueprint, url_prefix=PATH_PREFIX, name=f"{blueprint.name}_by_path")
        app.register_blueprint(blueprint, url_prefix=HOST_PREFIX, name=f"{blueprint.name}_by_host")
    app.register_blueprint(oauth_bp, url_prefix="/shops/<shop>/admin/oauth", name="oauth_by_path")
    app.register_blueprint(oauth_bp, url_prefix="/admin/oauth", name="oauth_by_host")
    app.register_blueprint(control_bp, url_prefix="/_harness")
    app.register_blueprint(admin_bp)

    from fakes.shopify.graphql_route import bp as graphql_bp
    app.register_blueprint(graphql_bp, url_prefix=PATH_PREFIX, name="graphql_by_path")
    app.register_blueprint(graphql_bp, url_prefix=HOST_PREFIX, name="graphql_by_host")

    from fakes.shopify.openapi import openapi_document

    @app.get("/shops/<shop>/bulk-results/<int:operation_id>.jsonl")
    def bulk_results(operation_id: int) -> Response:
        # Shopify hands out a signed cloud-storage URL that needs no token; the fake serves the file itself.
        store.settle_bulk()
        operation = store.shop(g.shop).bulk_operations.get(operation_id)
        if operation is None or operation.status not in ("COMPLETED", "FAILED", "CANCELED"):
            raise NotFound()
        # Streamed: the file of a million orders is near a gigabyte, and a storage server sends its length.
        return Response(operation.chunks(), mimetype="application/jsonl",
                        headers={"Content-Length": str(operation.byte_size)})

    @app.get("/openapi.json")
    def openapi() -> Response:
        return api.json_response(openapi_document())

    @app.url_value_preprocessor
    def take_tenant(endpoint: str | None, values: dict | None) -> None:
        if endpoint and endpoint.startswith("shopify_harness."):
            g.shop = g.version = None
            return
        g.shop = (values or {}).pop("shop", None)
        g.version = (values or {}).pop("version", None)
        if g.shop is None and endpoint and endpoint.split(".")[0].endswith("_by_host"):
            host = request.host.split(":")[0].lower()
            g.shop = host[: -len(".myshopify.com")] if host.endswith(".myshopify.com") else ""

    @app.before_request
    def admit() -> Response | None:
        g.request_id = str(uuid.UUID(int=len(app.extensions["shopify_audit"]) + 1))
        g.grant = None
        g.call_limit = None
        view = app.view_functions.get(request.endpoint or "")
        if view is None or not hasattr(view, "shopify_scope"):
            return None
        if g.version is not None and not api.VERSION_RE.match(g.version):
            raise NotFound()
        store.shop(g.shop)
        g.grant = store.authenticate(g.shop, request.headers.get("X-Shopify-Access-Token"), view.shopify_scope)
        if not getattr(view, "shopify_unmetered", False):
            g.call_limit = store.count_call(g.grant)
        return None

    @app.after_request
    def stamp(response: Response) -> Response:
        if g.get("version"):
            response.headers["X-Shopify-API-Version"] = api.served_version(g.version)
        if g.get("call_limit"):
            response.headers["X-Shopify-Shop-Api-Call-Limit"] = g.call_limit
        response.headers["X-Request-Id"] = g.get("request_id", "")
        if not request.path.startswith(("/_harness", ADMIN_PREFIX)) and request.path != "/openapi.json":
            grant = g.get("grant")
            app.extensions["shopify_audit"].record(
                at=store.now(), fake="shopify", tenant=g.get("shop") or None, method=request.method,
                path=request.path, query=request.query_string.decode("latin-1"), status=response.status_code,
                caller=grant.app if grant else None,
                fault=request.environ.get("shopsync.fault"),
                read_only=bool(request.environ.get("shopsync.read_only")),
                operation=request.environ.get("shopsync.operation"), cost=request.environ.get("shopsync.cost"),
                fields=request.environ.get("shopsync.fields", ()),
                throttled=bool(request.environ.get("shopsync.throttled")))
        return response

    @app.errorhandler(ShopifyError)
    def vendor_error(error: ShopifyError) -> Response:
        return api.json_response(error.body, error.status, error.headers)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> Response:
        if error.code == 405:
            return vendor_error(MethodNotAllowed())
        if error.code == 400:
            return vendor_error(BadRequest("Bad Request"))
        return vendor_error(NotFound())

    @app.errorhandler(Exception)
    def unexpected(error: Exception) -> Response:  # pragma: no cover - proven absent by the fuzz tests
        app.logger.exception("unexpected error in the fake Shopify")
        return api.json_response({"errors": "Internal Server Error"}, 500)

    return app
