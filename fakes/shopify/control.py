"""The harness-only control API under `/_harness/` (never in the public OpenAPI document).

Reset, seed, clock, snapshot, audit log, outbox, apps and tokens, and merchant edits: the harness acting as a
shop owner in the admin, bypassing auth and rate limits but leaving the same traces as the API.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from urllib.parse import urlsplit

from flask import Blueprint, Response, current_app, request

from fakes.clock import parse_iso8601
from fakes.shopify import api
from fakes.shopify.errors import BadRequest, Invalid, NotFound
from fakes.shopify.seed import SeedPlan, seed_shop
from fakes.shopify.store import ShopifyStore

bp = Blueprint("shopify_harness", __name__)


def _body() -> dict:
    parsed = request.get_json(silent=True)
    if parsed is None and request.get_data(cache=True).strip():
        raise BadRequest("Bad Request")
    if parsed is not None and not isinstance(parsed, dict):
        raise BadRequest("Bad Request")
    return parsed or {}


def _audit():
    return current_app.extensions["shopify_audit"]


@bp.post("/reset")
def reset() -> Response:
    store = api.store()
    store.reset()
    store.outbox.clear()
    _audit().clear()
    if _body().get("demo", True):
        from fakes.shopify.demo import add_demo_shop
        add_demo_shop(store)
    return api.json_response({"ok": True})


@bp.get("/clock")
def read_clock() -> Response:
    return api.json_response({"now": api.store().now().isoformat()})


@bp.post("/clock")
def move_clock() -> Response:
    body = _body()
    clock = api.store().clock
    try:
        if "set" in body:
            clock.set(parse_iso8601(str(body["set"])))
        else:
            clock.advance(timedelta(seconds=float(body.get("advance_seconds", 0))))
    except (TypeError, ValueError) as error:
        raise BadRequest(str(error)) from None
    return api.json_response({"now": clock.now().isoformat()})


@bp.get("/snapshot")
def read_snapshot() -> Response:
    """The whole fake's state (shops, apps, tokens, buckets, pending webhooks, clock) as one document."""
    from fakes.shopify.snapshot import dump
    return api.json_response(dump(api.store()))


@bp.put("/snapshot")
def write_snapshot() -> Response:
    """Replace the whole fake's state with a snapshot (a restart from it); the audit log is kept."""
    from fakes.shopify.snapshot import load
    from fakes.snapshot import SnapshotError
    try:
        load(api.store(), _body())
    except (SnapshotError, KeyError, TypeError, ValueError) as error:
        raise BadRequest(f"not a snapshot of this fake: {error}") from None
    return api.json_response({"ok": True, "now": api.store().now().isoformat()})


@bp.get("/audit")
def audit() -> Response:
    since = int(request.args.get("since", "0") or 0)
    return api.json_response({"entries": [e.as_json() for e in _audit().since(since)]})


@bp.get("/outbox")
def outbox() -> Response:
    store = api.store()
    items = store.outbox.pending() if request.args.get("pending") else store.outbox.all()
    return api.json_response({"deliveries": [d.as_json() for d in items]})


@bp.post("/apps")
def add_app() -> Response:
    body = _body()
    try:
        app = api.store().add_app(str(body["client_id"]), str(body["client_secret"]), body.get("name"))
    except KeyError as missing:
        raise BadRequest(f"missing {missing}") from None
    return api.json_response({"client_id": app.client_id, "name": app.name}, 201)


@bp.put("/apps/<client_id>/application-url")
def set_application_url(client_id: str) -> Response:
    """Where the admin embeds the app (`{"url": ...}`, null to remove): the app's configuration in Shopify."""
    url = _body().get("url")
    if url is not None and (not isinstance(url, str) or urlsplit(url).scheme not in ("http", "https")):
        raise BadRequest("url must be an http(s) URL or null")
    try:
        app = api.store().set_application_url(client_id, url)
    except ValueError as unknown:
        raise BadRequest(str(unknown)) from None
    return api.json_response({"client_id": app.client_id, "application_url": app.application_url})


@bp.post("/shops")
def add_shop() -> Response:
    body = _body()
    try:
        shop = api.store().add_shop(str(body["name"]), plan=str(body.get("plan", "basic")),
                                    currency=str(body.get("currency", "USD")),
                                    utc_offset_hours=float(body.get("utc_offset_hours", -5)))
    except (KeyError, ValueError) as error:
        raise BadRequest(f"invalid shop: {error}") from None
    return api.json_response({"name": shop.info.name, "domain": shop.info.domain}, 201)


@bp.post("/shops/<shop>/tokens")
def issue_token(shop: str) -> Response:
    body = _body()
    try:
        token = api.store().issue_token(shop, str(body["app"]), body.get("scopes"), body.get("token"))
    except (KeyError, ValueError) as error:
        raise BadRequest(f"invalid token request: {error}") from None
    return api.json_response({"token": token}, 201)


@bp.post("/shops/<shop>/seed")
def seed(shop: str) -> Response:
    body = _body()
    plan = SeedPlan(**{k: body[k] for k in ("customers", "products", "orders", "checkouts") if k in body})
    made = seed_shop(api.store(), shop, int(body.get("seed", 0)), plan)
    return api.json_response(made)


def _merchant_actions(store: ShopifyStore) -> dict[str, Callable[..., object]]:
    return {
        "create_customer": store.create_customer, "update_customer": store.update_customer,
        "delete_customer": store.delete_customer, "create_product": store.create_product,
        "update_product": store.update_product, "delete_product": store.delete_product,
        "create_variant": store.create_variant, "update_variant": store.update_variant,
        "delete_variant": store.delete_variant, "create_order": store.create_order,
        "update_order": store.update_order, "cancel_order": store.cancel_order, "close_order": store.close_order,
        "reopen_order": store.reopen_order, "delete_order": store.delete_order, "fulfil_order": store.fulfil_order,
        "set_shipment_status": store.set_shipment_status, "refund_order": store.refund_order,
        "mark_order_paid": store.mark_order_paid, "remove_order_line": store.remove_order_line,
        "create_checkout": store.create_checkout, "update_checkout": store.update_checkout,
        "complete_checkout": store.complete_checkout, "delete_checkout": store.delete_checkout,
        "uninstall": store.uninstall, "create_company": store.create_company,
        "update_company": store.update_company, "delete_company": store.delete_company,
    }


@bp.post("/shops/<shop>/merchant/<action>")
def merchant(shop: str, action: str) -> Response:
    store = api.store()
    operation = _merchant_actions(store).get(action)
    if operation is None:
        raise NotFound()
    args = _body()
    if "amount" in args and args["amount"] is not None:
        args["amount"] = Decimal(str(args["amount"]))
    from fakes.shopify.companies import CompanyUserError
    try:
        result = operation(shop, **args)
    except TypeError as error:
        raise BadRequest(f"bad arguments for {action}: {error}") from None
    except CompanyUserError as error:
        raise Invalid({".".join(e.field or ["base"]): [e.message] for e in error.all()}) from None
    return api.json_response({"result": _render(store, shop, result)})


@bp.get("/shops/<shop>/records/<kind>")
def records(shop: str, kind: str) -> Response:
    """Every record of a kind, unfiltered (the judge's view, not the API's)."""
    store = api.store()
    state = store.shop(shop)
    if kind == "companies":
        return api.json_response({kind: [_render(store, shop, c) for c in store.company_book(shop).list()]})
    table = {"customers": state.customers, "products": state.products, "orders": state.orders,
             "checkouts": state.checkouts}.get(kind)
    if table is None:
        raise NotFound()
    return api.json_response({kind: [_render(store, shop, r) for _, r in sorted(table.items())]})


def _render(store: ShopifyStore, shop: str, result: object) -> object:
    state = store.shop(shop)
    if result is None:
        return None
    kind = type(result).__name__
    if kind == "Order":
        return store.order_json(state, result)  # type: ignore[arg-type]
    if kind == "Checkout":
        return store.checkout_json(state, result)  # type: ignore[arg-type]
    if kind in ("Customer", "Product", "Variant", "Refund", "WebhookSubscription", "Event"):
        return result.rest(state.info)  # type: ignore[attr-defined]
    if kind == "Company":
        book = store.company_book(shop)
        return {**book.rest_json(result, utc_offset=state.info.utc_offset), "id": result.id,  # type: ignore[attr-defined]
                "domain": book.domain_of(result)}
    if kind == "Fulfillment":
        return {"id": result.id, "order_id": result.order_id}  # type: ignore[attr-defined]
    return str(result)


@bp.post("/shops/<shop>/bulk-operations/<int:operation_id>/fail")
def fail_bulk_operation(shop: str, operation_id: int) -> Response:
    """A running bulk operation fails now (`{"error_code": "INTERNAL_SERVER_ERROR"|"TIMEOUT"|"ACCESS_DENIED"}`):
    FAILED, its partial data kept, `bulk_operations/finish` fired."""
    code = str(_body().get("error_code") or "INTERNAL_SERVER_ERROR")
    if code not in ("INTERNAL_SERVER_ERROR", "TIMEOUT", "ACCESS_DENIED"):
        raise BadRequest("error_code must be INTERNAL_SERVER_ERROR, TIMEOUT or ACCESS_DENIED")
    api.store().fail_bulk_operation(shop, operation_id, code)
    return api.json_response({"failed": operation_id, "error_code": code})
