"""The harness-only control API under `/_harness/` (no auth, never in the public OpenAPI document).

Paths carry the portal id because there is no token to find it from:

* `POST /_harness/reset` (`?demo=true` re-creates the demo portal), clock `GET/PUT /_harness/clock`,
  `POST /_harness/clock/advance`, `GET /_harness/audit?since=N`, `GET /_harness/outbox?pending=true`,
  `PUT /_harness/search-delay`, `GET/PUT /_harness/snapshot` (the whole fake's state, to restart from).
* Portals: `POST /_harness/portals`, `GET /_harness/portals/{id}`, `PUT .../tier`, `PUT .../users`,
  `POST .../seed`, `POST .../private-apps`; apps: `POST /_harness/apps`, `GET /_harness/apps/{id}`.
* Marketer edits (as in HubSpot's UI; events say `CRM_UI`): `POST/PATCH/DELETE
  /_harness/portals/{id}/objects/{type}[/{recordId}]`, `PUT /_harness/portals/{id}/associations`;
  judge reads: `GET /_harness/portals/{id}/objects/{type}[/{recordId}]` (archived records included).
* E-commerce reports and dashboards (docs/spec.md DSH-1..3, see `reports.py`):
  `GET /_harness/ecommerce/{id}/reports?start=&end=&currency=`, `POST/GET /_harness/ecommerce/{id}/dashboards`,
  `GET /_harness/ecommerce/{id}/dashboards/{dashboardId}[?userId=]` (JSON) and `.../view` (HTML page).
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, current_app, jsonify, request

from fakes.clock import parse_iso8601
from fakes.hubspot import reports
from fakes.hubspot.apps import App, PortalUser
from fakes.hubspot.charts import dashboard_html
from fakes.hubspot.demo import add_demo_portal
from fakes.hubspot.errors import HubSpotError, ObjectNotFound, ValidationError
from fakes.hubspot.routes.common import body, flag, store
from fakes.hubspot.store import CrmRecord, iso

bp = Blueprint("hubspot_control", __name__, url_prefix="/_harness")


def _record_json(record: CrmRecord) -> dict[str, Any]:
    s = store()
    return {"id": record.id, "objectType": record.object_type, "properties": dict(record.properties),
            "createdAt": iso(record.created_at), "updatedAt": iso(record.updated_at), "archived": record.archived,
            "archivedAt": iso(record.archived_at) if record.archived_at else None,
            "associations": [{"toObjectType": t, "toObjectId": tid, "typeIds": kinds}
                             for t, tid, kinds in s.associations_of(record.portal_id, record.object_type, record.id)]}


def _app_json(app: App) -> dict[str, Any]:
    return {"appId": app.app_id, "name": app.name, "kind": app.kind, "clientId": app.client_id,
            "clientSecret": app.client_secret, "developerApiKey": app.developer_api_key,
            "scopes": sorted(app.scopes) if app.scopes is not None else None, "redirectUris": app.redirect_uris,
            "installs": sorted(app.installs), "targetUrl": app.target_url}


def _dict_body() -> dict[str, Any]:
    data = body()
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ValidationError("expected a JSON object")
    return data


def _users(raw: Any) -> list[PortalUser]:
    if not isinstance(raw, list) or not all(isinstance(u, dict) and isinstance(u.get("id"), int) for u in raw):
        raise ValidationError("users must be a list of objects with an integer id")
    return [PortalUser(u["id"], str(u.get("email", f"user{u['id']}@example.com")), bool(u.get("superAdmin")),
                       bool(u.get("appMarketplace")), u.get("team")) for u in raw]


@bp.post("/reset")
def reset() -> Response:
    """Forget everything: store, clock, audit log, outbox."""
    fake = current_app.extensions["hubspot"]
    fake.store.reset()
    fake.clock.reset()
    fake.audit.clear()
    fake.outbox.clear()
    out: dict[str, Any] = {"reset": True}
    if flag("demo"):
        out["demoPortalId"], out["demoToken"] = add_demo_portal(fake.store)
    return jsonify(out)


@bp.get("/clock")
def get_clock() -> Response:
    """The simulated time."""
    clock = current_app.extensions["hubspot"].clock
    return jsonify({"now": clock.now().isoformat(), "epochMillis": clock.epoch_millis()})


@bp.put("/clock")
def set_clock() -> Response:
    """Jump to an instant (never backwards)."""
    data = _dict_body()
    try:
        current_app.extensions["hubspot"].clock.set(parse_iso8601(str(data.get("now", ""))))
    except ValueError as exc:
        raise ValidationError(str(exc)) from None
    return get_clock()


@bp.post("/clock/advance")
def advance_clock() -> Response:
    """Move the clock forward by `seconds`."""
    seconds = _dict_body().get("seconds")
    if isinstance(seconds, bool) or not isinstance(seconds, (int, float)) or seconds < 0:
        raise ValidationError("seconds must be a non-negative number")
    current_app.extensions["hubspot"].clock.advance(seconds)
    return get_clock()


@bp.get("/snapshot")
def read_snapshot() -> Response:
    """The whole fake's state (portals, records, apps, tokens, limits, pending webhooks, clock)."""
    from fakes.hubspot.snapshot import dump
    return jsonify(dump(current_app.extensions["hubspot"]))


@bp.put("/snapshot")
def write_snapshot() -> Response:
    """Replace the whole fake's state with a snapshot (a restart from it); the audit log is kept."""
    from fakes.hubspot.snapshot import load
    from fakes.snapshot import SnapshotError
    fake = current_app.extensions["hubspot"]
    try:
        load(fake, _dict_body())
    except (SnapshotError, KeyError, TypeError, ValueError) as exc:
        raise ValidationError(f"not a snapshot of this fake: {exc}") from None
    return jsonify({"restored": True, "now": fake.clock.now().isoformat()})


@bp.get("/audit")
def audit() -> Response:
    """Audit log entries after `since`."""
    since = request.args.get("since", "0")
    if not since.isdigit():
        raise ValidationError("since must be an integer")
    return jsonify({"results": [e.as_json() for e in current_app.extensions["hubspot"].audit.since(int(since))]})


@bp.get("/outbox")
def outbox() -> Response:
    """Webhook deliveries (all, or only pending ones)."""
    box = current_app.extensions["hubspot"].outbox
    items = box.pending() if flag("pending") else box.all()
    return jsonify({"results": [d.as_json() for d in items if d.source == "hubspot"]})


@bp.put("/search-delay")
def search_delay() -> Response:
    """Set the search indexing delay in simulated seconds."""
    seconds = _dict_body().get("seconds")
    if isinstance(seconds, bool) or not isinstance(seconds, (int, float)) or seconds < 0:
        raise ValidationError("seconds must be a non-negative number")
    store().set_search_delay(seconds)
    return jsonify({"seconds": store().search_index_delay.total_seconds()})


@bp.put("/portals/<int:portal_id>/write-rules")
def write_rules(portal_id: int) -> Response:
    """The portal's admin rules that 2026-09 API writes must meet (fakes/hubspot/write_rules.py); `{}` clears."""
    from fakes.hubspot.write_rules import parse
    document = _dict_body()
    rules = parse(document) if document else None
    store().portal(portal_id).write_rules = rules
    return jsonify({"portalId": portal_id, "rules": rules})


@bp.put("/legacy-sunset")
def legacy_sunset() -> Response:
    """How /crm/v3 and /crm/v4 answer: `{"mode": "gone"|"not_found"|null}` (null: served, as today)."""
    from fakes.hubspot.versions import SUNSET_MODES
    mode = _dict_body().get("mode")
    if mode is not None and mode not in SUNSET_MODES:
        raise ValidationError(f"mode must be one of {', '.join(SUNSET_MODES)} or null")
    store().legacy_sunset = mode
    return jsonify({"mode": mode})


@bp.post("/portals")
def add_portal() -> tuple[Response, int]:
    """Create a portal with private-app tokens (`{"tokens": {"pat-...": ["scope", ...] | null}}`)."""
    data = _dict_body()
    tokens = data.get("tokens") or {}
    if not isinstance(data.get("portalId"), int) or not isinstance(tokens, dict):
        raise ValidationError("portalId (integer) is required; tokens must be an object")
    try:
        portal = store().add_portal(data["portalId"], tier=data.get("tier", "professional"),
                                    ops_hub=data.get("opsHub", "free"),
                                    tokens={k: set(v) if isinstance(v, list) else None for k, v in tokens.items()},
                                    api_limit_increase=bool(data.get("apiLimitIncrease", False)),
                                    users=_users(data["users"]) if "users" in data else None)
    except ValueError as exc:
        raise HubSpotError({"status": "error", "category": "CONFLICT", "message": str(exc)}, status=409) from None
    return jsonify(portal.as_json()), 201


@bp.get("/portals/<int:portal_id>")
def get_portal(portal_id: int) -> Response:
    """A portal's tier, Operations Hub level and users."""
    return jsonify(store().portal(portal_id).as_json())


@bp.put("/portals/<int:portal_id>/tier")
def set_tier(portal_id: int) -> Response:
    """Set tier, Operations Hub level and/or the API limit increase."""
    data = _dict_body()
    increase = data.get("apiLimitIncrease")
    portal = store().set_tier(portal_id, tier=data.get("tier"), ops_hub=data.get("opsHub"),
                              api_limit_increase=increase if isinstance(increase, bool) else None)
    return jsonify(portal.as_json())


@bp.put("/portals/<int:portal_id>/users")
def set_users(portal_id: int) -> Response:
    """Replace a portal's users (`[{"id", "email", "superAdmin", "appMarketplace", "team"}]`)."""
    return jsonify(store().set_users(portal_id, _users(body())).as_json())


@bp.post("/portals/<int:portal_id>/seed")
def seed(portal_id: int) -> Response:
    """Fill a portal with seeded Faker records."""
    data = _dict_body()
    counts = {k: data.get(k, d) for k, d in (("contacts", 20), ("companies", 5), ("products", 10), ("orders", 0),
                                                ("carts", 0))}
    if not isinstance(data.get("seed", 0), int) or not all(isinstance(v, int) and 0 <= v <= 5000
                                                          for v in counts.values()):
        raise ValidationError("seed and counts must be integers (counts 0..5000)")
    return jsonify(store().seed(portal_id, data.get("seed", 0), **counts))


@bp.post("/portals/<int:portal_id>/private-apps")
def add_private_app(portal_id: int) -> tuple[Response, int]:
    """Add a private app with its token to a portal."""
    data = _dict_body()
    if not isinstance(data.get("token"), str):
        raise ValidationError("token is required")
    scopes = data.get("scopes")
    app = store().add_private_app(portal_id, data["token"], set(scopes) if isinstance(scopes, list) else None,
                                  name=data.get("name"))
    return jsonify(_app_json(app)), 201


@bp.post("/apps")
def add_app() -> tuple[Response, int]:
    """Register a public OAuth app (`{"name", "scopes": [...], "redirectUris": [...]}`)."""
    data = _dict_body()
    if not isinstance(data.get("name"), str) or not isinstance(data.get("scopes"), list):
        raise ValidationError("name and scopes are required")
    app = store().add_app(data["name"], scopes=set(data["scopes"]), redirect_uris=data.get("redirectUris") or [])
    return jsonify(_app_json(app)), 201


@bp.get("/apps/<int:app_id>")
def get_app(app_id: int) -> Response:
    """An app's credentials and installs."""
    app = store().apps.get(app_id)
    if app is None:
        raise ObjectNotFound()
    return jsonify(_app_json(app))


@bp.post("/portals/<int:portal_id>/objects/<object_type>")
def marketer_create(portal_id: int, object_type: str) -> tuple[Response, int]:
    """Create a record as a marketer in the UI."""
    data = _dict_body()
    record = store().marketer_create(portal_id, object_type, data.get("properties") or {},
                                     associations=data.get("associations"), user_id=data.get("userId"))
    return jsonify(_record_json(record)), 201


@bp.patch("/portals/<int:portal_id>/objects/<object_type>/<record_id>")
def marketer_update(portal_id: int, object_type: str, record_id: str) -> Response:
    """Edit a record as a marketer in the UI."""
    data = _dict_body()
    record = store().marketer_update(portal_id, object_type, record_id, data.get("properties") or {},
                                     user_id=data.get("userId"))
    return jsonify(_record_json(record))


@bp.delete("/portals/<int:portal_id>/objects/<object_type>/<record_id>")
def marketer_archive(portal_id: int, object_type: str, record_id: str) -> tuple[str, int]:
    """Delete (archive) a record as a marketer in the UI."""
    store().marketer_archive(portal_id, object_type, record_id)
    return "", 204


@bp.put("/portals/<int:portal_id>/associations")
def marketer_associate(portal_id: int) -> Response:
    """Associate two records (default type) as a marketer in the UI."""
    data = _dict_body()
    try:
        args = [str(data[k]) for k in ("fromType", "fromId", "toType", "toId")]
    except KeyError:
        raise ValidationError("fromType, fromId, toType and toId are required") from None
    store().marketer_associate(portal_id, *args)
    return jsonify({"associated": True})


@bp.get("/portals/<int:portal_id>/objects/<object_type>")
def judge_list(portal_id: int, object_type: str) -> Response:
    """Every record of a type (`?archived=true|false|any`, default any), with all properties."""
    which = request.args.get("archived", "any").lower()
    archived = {"true": True, "false": False}.get(which)
    return jsonify({"results": [_record_json(r) for r in store().records(portal_id, object_type, archived=archived)]})


@bp.get("/portals/<int:portal_id>/objects/<object_type>/<record_id>")
def judge_get(portal_id: int, object_type: str, record_id: str) -> Response:
    """One record, archived or not, with its associations."""
    record = store().record(portal_id, object_type, record_id)
    if record is None:
        raise ObjectNotFound()
    return jsonify(_record_json(record))


def _period() -> tuple[Any, Any, str | None]:
    return (reports.parse_instant(request.args.get("start"), "start"),
            reports.parse_instant(request.args.get("end"), "end"), request.args.get("currency") or None)


def _user() -> int | None:
    value = request.args.get("userId")
    if value in (None, ""):
        return None
    if not value.isdigit():
        raise ValidationError("userId must be an integer")
    return int(value)


@bp.get("/ecommerce/<int:portal_id>/reports")
def ecommerce_reports(portal_id: int) -> Response:
    """Every e-commerce report for a period (`start`, `end`: ISO-8601 or epoch ms; `currency`)."""
    start, end, currency = _period()
    return jsonify(reports.compute(store(), portal_id, start, end, currency).as_json())


@bp.post("/ecommerce/<int:portal_id>/dashboards")
def create_dashboard(portal_id: int) -> tuple[Response, int]:
    """Create a dashboard (`{"name", "reports": [...], "access", "ownerUserId"}`)."""
    dashboard = reports.create_dashboard(store(), portal_id, body())
    return jsonify(reports.dashboard_json(dashboard, reports.compute(store(), portal_id))), 201


@bp.get("/ecommerce/<int:portal_id>/dashboards")
def list_dashboards(portal_id: int) -> Response:
    """The portal's dashboards (without figures)."""
    found = store().portal(portal_id).dashboards.values()
    return jsonify({"results": [{"id": d.id, "name": d.name, "reports": d.reports, "access": d.access,
                                 "ownerUserId": d.owner_user_id} for d in found]})


@bp.get("/ecommerce/<int:portal_id>/dashboards/<dashboard_id>")
def get_dashboard(portal_id: int, dashboard_id: str) -> Response:
    """A dashboard with its figures for a period, as a user may see it (`userId`)."""
    dashboard = reports.dashboard_for(store(), portal_id, dashboard_id, _user())
    start, end, currency = _period()
    return jsonify(reports.dashboard_json(dashboard, reports.compute(store(), portal_id, start, end, currency)))


@bp.get("/ecommerce/<int:portal_id>/dashboards/<dashboard_id>/view")
def view_dashboard(portal_id: int, dashboard_id: str) -> Response:
    """The dashboard's HTML page with SVG charts."""
    dashboard = reports.dashboard_for(store(), portal_id, dashboard_id, _user())
    start, end, currency = _period()
    html = dashboard_html(dashboard, reports.compute(store(), portal_id, start, end, currency), portal_id)
    return Response(html, mimetype="text/html")
