"""How requests reach the fakes: a fault-injecting WSGI middleware and an in-process httpx transport."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from datetime import datetime

import httpx

from fakes.audit import AuditLog
from fakes.clock import SimClock
from harness.faults import ApiFault, FaultSchedule, seconds_between

# Vendor-shaped bodies for injected failures (docs/vendor-behaviour.md §1.3 / §1.5 for Shopify, §3.9 / §3.10
# for HubSpot).
_SHOPIFY_BODIES = {
    429: {"errors": "Exceeded 2 calls per second for api client. "
                    "Reduce request rates to resume uninterrupted service."},
    500: {"errors": "Internal Server Error"},
    502: {"errors": "Bad Gateway"},
    503: {"errors": "Service Unavailable"},
}
_HUBSPOT_MESSAGES = {500: "internal error", 502: "Bad Gateway", 503: "Service Unavailable"}
_REASONS = {429: "Too Many Requests", 500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable"}


class SimulatedReset(Exception):
    """Raised inside the in-process transport to stand for a connection reset by the peer."""


class SimulatedCrash(BaseException):
    """Raised inside the in-process transport when the world kills the implementation in the middle of a
    tick: a BaseException, so that no `except Exception` in the implementation can survive it."""


def _body(fake: str, status: int, correlation: str) -> dict:
    if fake == "shopify":
        return _SHOPIFY_BODIES[status]
    if status == 429:
        return {"status": "error", "message": "You have reached your ten_secondly_rolling limit.",
                "errorType": "RATE_LIMIT", "correlationId": correlation, "policyName": "TEN_SECONDLY_ROLLING",
                "groupName": "publicapi:private-app"}
    return {"status": "error", "message": _HUBSPOT_MESSAGES[status], "correlationId": correlation,
            "category": "INTERNAL_ERROR" if status == 500 else "SERVICE_UNAVAILABLE"}


class FaultMiddleware:
    """Wraps a fake's WSGI app and applies the schedule's API faults to its public endpoints."""

    def __init__(self, app: Callable, *, fake: str, schedule: FaultSchedule, clock: SimClock, audit: AuditLog,
                 start: datetime, tenant_of: Callable[[dict], str | None]) -> None:
        self.app = app
        self.fake = fake
        self.schedule = schedule
        self.clock = clock
        self.audit = audit
        self.start = start
        self.tenant_of = tenant_of
        self.in_process = True
        self.after_call: Callable[[dict], None] | None = None  # the world's crash trigger, once a call is applied

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if self.after_call is not None and not path.startswith(("/_harness", "/store/")) \
                and self.audit.phase != "harness":
            body = list(self._faulted(environ, start_response))  # applied in full before the caller may die
            self.after_call(environ)
            return body
        return self._faulted(environ, start_response)

    def _faulted(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        # The merchant's admin pages (/store/...) are not the API: no API fault reaches them.
        if path.startswith(("/_harness", "/store/")) or path == "/openapi.json" or not self.schedule.api \
                or self.audit.phase == "harness":
            return self.app(environ, start_response)
        method = environ.get("REQUEST_METHOD", "GET")
        if self.fake == "hubspot":
            # A date-versioned call meets the storms of the legacy route that serves it (fakes/hubspot/versions.py).
            from fakes.hubspot.versions import legacy
            path = legacy(path)
        rule = self.schedule.api_fault(self.fake, method, path, seconds_between(self.start, self.clock.now()))
        if rule is None:
            return self.app(environ, start_response)
        environ["shopsync.fault"] = rule.kind
        if rule.kind == "slow":
            # The response takes `delay` simulated seconds: time moves on while the caller waits.
            self.clock.advance(rule.delay)
            return self.app(environ, start_response)
        if rule.kind == "applied_then_failed":
            environ["shopsync.fault"] = f"applied_then_failed:{rule.then}"
            for _ in self.app(environ, lambda *a, **k: None):  # the write is committed; its answer is lost
                pass
            return self._fail(environ, start_response, rule, 502 if rule.then == "502" else None)
        if rule.kind == "reset":
            return self._fail(environ, start_response, rule, None)
        return self._fail(environ, start_response, rule, int(rule.kind))

    def _fail(self, environ: dict, start_response: Callable, rule: ApiFault, status: int | None) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        throttled = status == 429 and self.fake == "shopify" and path.endswith("/graphql.json")
        request = _graphql_request(environ) if throttled else {}
        if rule.kind != "applied_then_failed":
            route = None
            if self.fake == "hubspot":
                from fakes.hubspot.versions import legacy
                route = legacy(path) if legacy(path) != path else None
            operation, roots = None, ()
            if throttled:
                from fakes.shopify.graphql.executor import describe
                operation, roots = describe(request.get("query"), request.get("operationName"))
            self.audit.record(at=self.clock.now(), fake=self.fake, tenant=self.tenant_of(environ),
                              method=environ.get("REQUEST_METHOD", "GET"), path=path,
                              query=environ.get("QUERY_STRING", ""), status=200 if throttled else status or 0,
                              caller=None, fault=rule.kind, route=route, operation=operation, fields=roots,
                              read_only=bool(operation and operation.startswith("query")), throttled=throttled)
        if status is None:
            return self._reset(start_response)
        if throttled:
            return self._throttled(environ, start_response, rule, request)
        correlation = f"fault-{len(self.audit)}"
        payload = json.dumps(_body(self.fake, status, correlation)).encode()
        headers = [("Content-Type", "application/json; charset=utf-8"), ("Content-Length", str(len(payload)))]
        if status == 429:
            headers.append(("Retry-After", f"{rule.retry_after:g}"))
        start_response(f"{status} {_REASONS[status]}", headers)
        return [payload]

    def _throttled(self, environ: dict, start_response: Callable, rule: ApiFault, request: dict) -> Iterable[bytes]:
        """A rate-limit storm on Shopify's GraphQL endpoint: Shopify answers 200 with THROTTLED, never 429
        (docs/vendor-behaviour.md §8.A, §8.B), and a bucket too low to pay for the query: the client learns how
        long to wait from `throttleStatus` (`rule.retry_after` seconds of restore)."""
        from fakes.shopify.graphql import admin
        from fakes.shopify.graphql.cost import RATE_LIMITS_DOC

        version = environ.get("PATH_INFO", "").rsplit("/", 2)[-2]
        requested = admin.requested_cost(version, request.get("query"), request.get("variables"),
                                         request.get("operationName"))
        restore = 100
        available = max(0, requested - int(rule.retry_after * restore))
        payload = json.dumps({
            "errors": [{"message": "Throttled", "extensions": {"code": "THROTTLED", "documentation": RATE_LIMITS_DOC}}],
            "extensions": {"cost": {"requestedQueryCost": requested, "actualQueryCost": None, "throttleStatus": {
                "maximumAvailable": 2000, "currentlyAvailable": available, "restoreRate": restore}}},
        }).encode()
        start_response("200 OK", [("Content-Type", "application/json; charset=utf-8"),
                                  ("Content-Length", str(len(payload)))])
        return [payload]

    def _reset(self, start_response: Callable) -> Iterable[bytes]:
        if self.in_process:
            raise SimulatedReset("connection reset by peer (simulated)")
        # Over real HTTP: promise a body, send none, then fail, so the server drops the connection
        # mid-response and the client sees the peer go away.
        start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", "4096")])

        def broken() -> Iterable[bytes]:
            yield b"{"
            raise ConnectionResetError("simulated connection reset")
        return broken()


class RoutingTransport(httpx.BaseTransport):
    """An httpx transport that hands each request to the in-process WSGI app of its host (no sockets)."""

    def __init__(self, apps: dict[str, Callable]) -> None:
        self._transports = {host: httpx.WSGITransport(app=app) for host, app in apps.items()}

    def mount(self, host: str, app: Callable) -> None:
        """Send `host`'s requests to another app from now on (a fake restarted behind the same name)."""
        self._transports[host] = httpx.WSGITransport(app=app)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        transport = self._transports.get(request.url.host)
        if transport is None:
            raise httpx.ConnectError(f"no simulated host {request.url.host!r}", request=request)
        try:
            return transport.handle_request(request)
        except SimulatedReset as reset:
            # The same error a client sees when a real server drops the connection mid-response.
            raise httpx.RemoteProtocolError(str(reset), request=request) from None


def _graphql_request(environ: dict) -> dict:
    """The JSON body of a GraphQL POST ({} when it is not one)."""
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
        raw = environ["wsgi.input"].read(length) if length else b""
        request = json.loads(raw or b"{}")
    except (ValueError, KeyError):
        return {}
    return request if isinstance(request, dict) else {}
