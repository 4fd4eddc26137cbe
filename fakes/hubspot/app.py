"""The fake HubSpot as a Flask application: `create_app(store, clock=..., audit=..., outbox=...)`.

Many portals live in one server; the portal of a request is the one its Bearer token belongs to (the
real API's paths carry no portal id). Every public request is recorded in the audit log (fake
"hubspot", tenant = portal id, caller = the app's label, never the token) and counted against the
portal's rate limits on the simulated clock. One error handler renders every HubSpotError; anything
unexpected becomes a HubSpot-shaped 500 (tests prove none happens).
"""

from __future__ import annotations

import logging
import threading
import uuid
from dataclasses import dataclass, field

from flask import Flask, Response, g, jsonify, request
from werkzeug.exceptions import HTTPException

from fakes.audit import AuditLog
from fakes.clock import SimClock
from fakes.hubspot.errors import (
    HubSpotError,
    InternalError,
    LegacySunset,
    MethodNotAllowed,
    RouteNotFound,
    ValidationError,
)
from fakes.hubspot.store import HubSpotStore
from fakes.hubspot.versions import ASKED_PATH, SUNSET_MESSAGE, sunset_applies
from fakes.outbox import Outbox

log = logging.getLogger(__name__)
_AUTHENTICATED = ("/crm/", "/account-info/", "/marketing/", "/conversations/")
_UNAUDITED = ("/_harness", "/openapi.json")


class _DateVersions:
    """Serves `/crm/{objects,associations,properties,pipelines}/{date}/...` with the legacy routes
    (fakes/hubspot/versions.py); an unknown date version is HubSpot's 404 for a path it does not have."""

    def __init__(self, app) -> None:  # type: ignore[no-untyped-def]
        self.app = app

    def __call__(self, environ: dict, start_response):  # type: ignore[no-untyped-def]
        from fakes.hubspot.versions import VERSION, route

        path = environ.get("PATH_INFO", "")
        found = route(path)
        if found is not None:
            environ[ASKED_PATH] = path
            environ[VERSION] = found.version
            # An unknown version reaches no route (404 OBJECT_NOT_FOUND "Resource not found", as for any path
            # HubSpot does not have; HubSpot's exact body for it is not documented).
            environ["PATH_INFO"] = found.legacy_path if found.known else "/crm/unknown-version" + path
        return self.app(environ, start_response)


@dataclass
class HubSpotFake:
    """What the app shares with its routes (kept in `app.extensions["hubspot"]`)."""

    store: HubSpotStore
    clock: SimClock
    audit: AuditLog
    outbox: Outbox
    _correlation: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def correlation_id(self) -> str:
        """A fresh, deterministic correlation id (a UUID from a counter)."""
        with self._lock:
            self._correlation += 1
            return str(uuid.UUID(int=(0x5EED << 112) | self._correlation))


def create_app(store: HubSpotStore | None = None, *, clock: SimClock | None = None, audit: AuditLog | None = None,
               outbox: Outbox | None = None) -> Flask:
    """Build the fake HubSpot app around a store (a new one on a new SimClock when not given)."""
    from fakes.hubspot import control, openapi
    from fakes.hubspot.routes import (
        account,
        associations,
        marketing,
        oauth,
        objects,
        pipelines,
        properties,
        webhooks,
    )

    if store is None:
        clock = clock or SimClock()
        store = HubSpotStore(clock, outbox)
    clock = store.clock if clock is None else clock
    app = Flask(__name__)
    app.json.sort_keys = False  # keep HubSpot's key order in bodies
    app.extensions["hubspot"] = HubSpotFake(store, clock, audit if audit is not None else AuditLog(),
                                            store.outbox)
    for module in (objects, associations, properties, pipelines, oauth, webhooks, account, marketing, control,
                   openapi):
        app.register_blueprint(module.bp)
    app.wsgi_app = _DateVersions(app.wsgi_app)  # type: ignore[method-assign]

    @app.before_request
    def authenticate() -> None:
        g.actor, g.caller, g.rate_headers = None, None, {}
        path = request.path
        if not path.startswith(_AUTHENTICATED):
            return
        if store.legacy_sunset and sunset_applies(path, request.environ):
            raise LegacySunset(SUNSET_MESSAGE) if store.legacy_sunset == "gone" else RouteNotFound()
        header = request.headers.get("Authorization", "")
        token = header[7:].strip() if header[:7].lower() == "bearer " else None
        g.actor = store.authenticate(token, request.args.get("portalId"))
        g.caller = g.actor.label
        # Search is exempt from the ten-second window but has its own secondly limit; v4 batch association
        # endpoints are exempt too (docs/vendor-behaviour.md §3.5, §3.6).
        is_search = request.method == "POST" and path.endswith("/search")
        exempt = path.startswith("/crm/v4/associations/") and "/batch/" in path
        g.rate_headers = store.rate_limit(g.actor, search=is_search, burst_exempt=exempt)

    @app.after_request
    def finish(response: Response) -> Response:
        fake: HubSpotFake = app.extensions["hubspot"]
        for name, value in (getattr(g, "rate_headers", None) or {}).items():
            response.headers.setdefault(name, value)
        if response.mimetype == "application/json":
            response.headers["Content-Type"] = "application/json;charset=utf-8"
        if not request.path.startswith(_UNAUDITED):
            correlation = getattr(g, "correlation_id", None) or fake.correlation_id()
            response.headers["x-hubspot-correlation-id"] = correlation
            actor = getattr(g, "actor", None)
            fake.audit.record(at=clock.now(), fake="hubspot", tenant=str(actor.portal_id) if actor else None,
                              method=request.method, path=request.environ.get(ASKED_PATH, request.path),
                              route=request.path if ASKED_PATH in request.environ else None,
                              query=request.query_string.decode("latin-1"), status=response.status_code,
                              caller=getattr(g, "caller", None), fault=request.environ.get("shopsync.fault"))
        return response

    @app.errorhandler(HubSpotError)
    def vendor_error(exc: HubSpotError) -> tuple[Response, int, dict[str, str]]:
        fake: HubSpotFake = app.extensions["hubspot"]
        g.correlation_id = fake.correlation_id()
        headers = dict(exc.headers)
        if exc.status == 429:
            headers = {**(getattr(g, "rate_headers", None) or {}), **headers}
            g.rate_headers = {}
        return jsonify(exc.render(g.correlation_id)), exc.status, headers

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> tuple[Response, int, dict[str, str]]:
        if exc.code == 404:
            return vendor_error(RouteNotFound())
        if exc.code == 405:
            return vendor_error(MethodNotAllowed())
        return vendor_error(ValidationError(exc.description or "Bad request"))

    @app.errorhandler(Exception)
    def unexpected(exc: Exception) -> tuple[Response, int, dict[str, str]]:
        # Last resort only: a bug in the fake, shown in HubSpot's shape and logged loudly.
        log.exception("fake HubSpot crashed on %s %s", request.method, request.path)
        return vendor_error(InternalError())

    return app
