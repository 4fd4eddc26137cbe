"""`shopsync serve-impl NAME`: an in-process implementation served under the HTTP process contract."""

from __future__ import annotations

import json
import os
import threading
from dataclasses import asdict
from datetime import datetime
from pathlib import Path

from flask import Flask, Response, request

from fakes.clock import parse_iso8601
from harness.adapters import (
    CONTRACT_VERSION,
    IN_PROCESS_APP_PATH,
    Environment,
    ImplementationError,
    InProcess,
    is_app_path,
    mount_app_page,
)


def _json(body: object, status: int = 200) -> Response:
    return Response(json.dumps(body), status=status, mimetype="application/json")


def contract_app(adapter: InProcess, base_url: str | None = None) -> Flask:
    """A Flask app exposing /health, /settings, /tick and /webhooks/* over an in-process adapter, and the app
    page under /app when the object serves one (`app_page()`); `base_url` is where it is served, for /health's
    `app_url`."""
    app = Flask(__name__)
    lock = threading.Lock()  # the contract is sequential: one call at a time, as the harness makes them

    @app.get("/health")
    def health() -> Response:
        obj = adapter.obj
        described = obj.health() if callable(getattr(obj, "health", None)) else {}
        if base_url and callable(getattr(obj, "app_page", None)):
            described = {"app_url": f"{base_url}{IN_PROCESS_APP_PATH}/", **described}
        return _json({"contract": CONTRACT_VERSION, "implementation": adapter.name, "version": "?",
                      "capabilities": [], **described})

    @app.put("/settings")
    def settings() -> Response:
        document = request.get_json(silent=True)
        if not isinstance(document, dict):
            return _json({"error": "the settings document must be a JSON object"}, 422)
        with lock:
            reply = adapter.configure(document)
        return _json({"ok": True} if reply.accepted else {"error": reply.error}, reply.status)

    @app.post("/tick")
    def tick() -> Response:
        body = request.get_json(silent=True)
        try:
            now: datetime = parse_iso8601(str((body or {})["now"]))
        except (KeyError, TypeError, ValueError):
            return _json({"error": 'POST /tick needs {"now": "<ISO-8601 UTC>"}'}, 400)
        with lock:
            try:
                reply = adapter.tick(now)
            except ImplementationError as error:
                return _json({"error": str(error)}, 500)
        wake = reply.next_wakeup.isoformat().replace("+00:00", "Z") if reply.next_wakeup else None
        return _json({"busy": reply.busy, "next_wakeup": wake})

    @app.get("/status")
    def status() -> Response:
        with lock:
            try:
                report = adapter.status()
            except ImplementationError as error:
                return _json({"error": str(error)}, 500)
        if report is None:
            return _json({"error": "this implementation serves no status"}, 404)
        return _json({"errors": [{k: v for k, v in asdict(e).items() if v is not None} for e in report.errors]})

    @app.post("/webhooks/<source>")
    def webhook(source: str) -> Response:
        if source not in ("shopify", "hubspot"):
            return _json({"error": "unknown webhook source"}, 404)
        headers = {k: v for k, v in request.headers.items()}
        with lock:
            try:
                status = adapter.handle_webhook(source, headers, request.get_data())
            except ImplementationError as error:
                return _json({"error": str(error)}, 500)
        return _json({}, status)

    page = mount_app_page(lambda: adapter.obj, lock)
    contract = app.wsgi_app

    def dispatch(environ: dict, start_response):  # type: ignore[no-untyped-def]
        route = page if is_app_path(environ.get("PATH_INFO", "")) else contract
        return route(environ, start_response)

    app.wsgi_app = dispatch  # type: ignore[method-assign]
    return app


def serve(adapter: InProcess) -> None:
    """Start the adapter on the contract's environment variables and serve until killed."""
    from waitress import serve as waitress_serve

    env = Environment(hubspot_url=os.environ["SHOPSYNC_HUBSPOT_URL"], shopify_url=os.environ["SHOPSYNC_SHOPIFY_URL"],
                      state_dir=Path(os.environ["SHOPSYNC_STATE_DIR"]))
    env.state_dir.mkdir(parents=True, exist_ok=True)
    adapter.start(env)
    port = int(os.environ["SHOPSYNC_CONTROL_PORT"])
    waitress_serve(contract_app(adapter, f"http://127.0.0.1:{port}"), host="127.0.0.1", port=port,
                   threads=4, ident="shopsync-impl")
