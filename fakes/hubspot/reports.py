"""E-commerce reports and dashboards (docs/spec.md DSH-1, DSH-2, DSH-3): a harness extension.

Real HubSpot has no public API for these, so they live under `/_harness/ecommerce/{portalId}/...`
(see `control.py`), never in the public OpenAPI document. Every figure is computed from the portal's
own orders, carts, line items and contacts, so the judge can compare it with the same figures computed
from Shopify's records (DSH-3). The definitions, which the oracle must share:

* **period**: `[start, end)`; an order's date is `hs_external_created_date` when set (the shop's own
  order date), else its create date; a cart's likewise.
* **counted orders**: live (not archived) orders in the period, in the report currency (the order's
  `hs_currency_code`, or the portal currency when unset), and not cancelled (stage *Cancelled* of the
  default order pipeline, or `hs_external_canceled_date` set).
* **revenue**: sum over counted orders of `hs_total_price - hs_refund_amount` (missing values are 0).
* **order count** / **average order value** (revenue / order count, 0 without orders), money rounded
  half-up to cents and shown as strings.
* **new vs returning customers**: contacts associated with a counted order; *new* when their earliest
  live, non-cancelled order (any period, any currency) falls in the period, else *returning*.
* **abandoned carts**: live carts in the period and currency that are associated with no order and whose
  `hs_external_status` is not `completed`; their value is the sum of `hs_total_price`.
* **top products by revenue**: line items of counted orders, grouped by `hs_product_id` (or by name when
  unset); line revenue is `amount`, else `price * quantity - discount`; the five largest, ties by name.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from fakes.clock import parse_iso8601
from fakes.hubspot.errors import ObjectNotFound, ValidationError
from fakes.hubspot.pipelines import ORDER_STAGES

if TYPE_CHECKING:
    from fakes.hubspot.store import CrmRecord, Dashboard, HubSpotStore, Portal

REPORTS = ("revenue", "order_count", "average_order_value", "new_vs_returning_customers", "abandoned_carts",
           "top_products")
ACCESS_LEVELS = ("private", "team", "everyone")
CENT = Decimal("0.01")
TOP_N = 5


def _money(value: Decimal) -> str:
    return str(value.quantize(CENT, rounding=ROUND_HALF_UP))


def _dec(text: str | None) -> Decimal:
    if not text:
        return Decimal("0")
    try:
        return Decimal(text)
    except InvalidOperation:
        return Decimal("0")


def _when(record: CrmRecord) -> datetime:
    text = record.properties.get("hs_external_created_date")
    if text:
        try:
            return parse_iso8601(text)
        except ValueError:
            pass
    return record.created_at


@dataclass
class TopProduct:
    """One row of the top-products report."""

    key: str
    name: str
    quantity: Decimal
    revenue: Decimal


@dataclass
class EcommerceReport:
    """Every report's figures for one portal, period and currency."""

    start: datetime | None
    end: datetime | None
    currency: str
    revenue: Decimal = Decimal("0")
    order_count: int = 0
    new_customers: int = 0
    returning_customers: int = 0
    abandoned_carts: int = 0
    abandoned_cart_value: Decimal = Decimal("0")
    top_products: list[TopProduct] = field(default_factory=list)
    revenue_by_day: list[tuple[date, Decimal]] = field(default_factory=list)

    @property
    def average_order_value(self) -> Decimal:
        """Revenue per counted order (0 without orders)."""
        return self.revenue / self.order_count if self.order_count else Decimal("0")

    def as_json(self, only: list[str] | None = None) -> dict[str, Any]:
        """JSON: money as strings with two decimals, counts as integers."""
        chosen = only or list(REPORTS)
        figures: dict[str, Any] = {
            "revenue": {"value": _money(self.revenue), "byDay": [
                {"date": d.isoformat(), "value": _money(v)} for d, v in self.revenue_by_day]},
            "order_count": {"value": self.order_count},
            "average_order_value": {"value": _money(self.average_order_value)},
            "new_vs_returning_customers": {"new": self.new_customers, "returning": self.returning_customers},
            "abandoned_carts": {"count": self.abandoned_carts, "value": _money(self.abandoned_cart_value)},
            "top_products": {"results": [{"productId": p.key if not p.key.startswith("name:") else None,
                                          "name": p.name, "quantity": str(p.quantity.normalize()),
                                          "revenue": _money(p.revenue)} for p in self.top_products]},
        }
        return {"period": {"start": self.start.isoformat() if self.start else None,
                           "end": self.end.isoformat() if self.end else None},
                "currency": self.currency, "reports": {k: figures[k] for k in chosen}}


def _cancelled(order: CrmRecord) -> bool:
    return (order.properties.get("hs_pipeline_stage") == ORDER_STAGES["Cancelled"]
            or bool(order.properties.get("hs_external_canceled_date")))


def _linked(portal: Portal, record: CrmRecord, to_type: str) -> list[CrmRecord]:
    out = []
    for (t, tid) in portal.associations.of(record.key, to_type):
        target = portal.of_type(t).get(tid)
        if target is not None and not target.archived:
            out.append(target)
    return sorted(out, key=lambda r: int(r.id))


def compute(store: HubSpotStore, portal_id: int, start: datetime | None = None, end: datetime | None = None,
            currency: str | None = None) -> EcommerceReport:
    """Compute every report for a period from the portal's records (definitions in the module docstring)."""
    with store._lock:
        portal = store.portal(portal_id)
        cur = (currency or portal.currency).upper()
        report = EcommerceReport(start, end, cur)

        def in_period(moment: datetime) -> bool:
            return (start is None or moment >= start) and (end is None or moment < end)

        def currency_of(record: CrmRecord) -> str:
            return (record.properties.get("hs_currency_code") or portal.currency).upper()

        live_orders = [o for o in portal.of_type("orders").values() if not o.archived and not _cancelled(o)]
        first_order: dict[str, datetime] = {}
        for order in live_orders:
            for contact in _linked(portal, order, "contacts"):
                moment = _when(order)
                if contact.id not in first_order or moment < first_order[contact.id]:
                    first_order[contact.id] = moment
        counted = [o for o in live_orders if in_period(_when(o)) and currency_of(o) == cur]
        by_day: dict[date, Decimal] = defaultdict(Decimal)
        customers: set[str] = set()
        products: dict[str, TopProduct] = {}
        for order in counted:
            value = _dec(order.properties.get("hs_total_price")) - _dec(order.properties.get("hs_refund_amount"))
            report.revenue += value
            report.order_count += 1
            by_day[_when(order).astimezone(UTC).date()] += value
            customers.update(c.id for c in _linked(portal, order, "contacts"))
            for item in _linked(portal, order, "line_items"):
                props = item.properties
                qty = _dec(props.get("quantity"))
                line = _dec(props["amount"]) if props.get("amount") else \
                    _dec(props.get("price")) * qty - _dec(props.get("discount"))
                key = props.get("hs_product_id") or f"name:{props.get('name') or ''}"
                product = portal.of_type("products").get(props.get("hs_product_id") or "")
                name = (product.properties.get("name") if product is not None else None) or props.get("name") or ""
                row = products.setdefault(key, TopProduct(key, name, Decimal("0"), Decimal("0")))
                row.quantity += qty
                row.revenue += line
        for cid in customers:
            if in_period(first_order[cid]):
                report.new_customers += 1
            else:
                report.returning_customers += 1
        for cart in portal.of_type("carts").values():
            if cart.archived or not in_period(_when(cart)) or currency_of(cart) != cur:
                continue
            if (cart.properties.get("hs_external_status") or "").lower() == "completed":
                continue
            if _linked(portal, cart, "orders"):
                continue
            report.abandoned_carts += 1
            report.abandoned_cart_value += _dec(cart.properties.get("hs_total_price"))
        report.top_products = sorted(products.values(), key=lambda p: (-p.revenue, p.name))[:TOP_N]
        report.revenue_by_day = sorted(by_day.items())
        return report


def parse_instant(text: str | None, name: str) -> datetime | None:
    """A period bound from a query parameter (ISO-8601 or epoch ms), or None."""
    if text in (None, ""):
        return None
    try:
        if text.isdigit():
            return datetime.fromtimestamp(int(text) / 1000, UTC)
        return parse_iso8601(text)
    except (ValueError, OverflowError, OSError):
        raise ValidationError(f"{name} must be an ISO-8601 instant or epoch milliseconds") from None


def create_dashboard(store: HubSpotStore, portal_id: int, body: Any) -> Dashboard:
    """A dashboard from a name, a non-empty subset of REPORTS and an access level (DSH-2)."""
    from fakes.hubspot.store import Dashboard

    with store._lock:
        portal = store.portal(portal_id)
        if not isinstance(body, dict) or not isinstance(body.get("name"), str) or not body["name"].strip():
            raise ValidationError("name is required")
        reports = body.get("reports")
        if not isinstance(reports, list) or not reports or not all(r in REPORTS for r in reports):
            raise ValidationError(f"reports must be a non-empty list drawn from {', '.join(REPORTS)}")
        access = body.get("access", "everyone")
        if access not in ACCESS_LEVELS:
            raise ValidationError(f"access must be one of {', '.join(ACCESS_LEVELS)}")
        owner = body.get("ownerUserId")
        if owner is not None and (isinstance(owner, bool) or not isinstance(owner, int) or owner not in portal.users):
            raise ValidationError("ownerUserId must be a user of the portal")
        if access != "everyone" and owner is None:
            raise ValidationError("a private or team dashboard needs an ownerUserId")
        did = str(store._next_dashboard)
        store._next_dashboard += 1
        dashboard = Dashboard(did, body["name"].strip(), list(dict.fromkeys(reports)), access, owner,
                              store.clock.now())
        portal.dashboards[did] = dashboard
        return dashboard


def dashboard_for(store: HubSpotStore, portal_id: int, dashboard_id: str, user_id: int | None) -> Dashboard:
    """A dashboard the user may see (private: owner; team: owner's team; everyone: any user)."""
    with store._lock:
        portal = store.portal(portal_id)
        dashboard = portal.dashboards.get(dashboard_id)
        if dashboard is None:
            raise ObjectNotFound(f"dashboard {dashboard_id} not found")
        if user_id is None:
            return dashboard  # the harness itself sees everything
        user = portal.users.get(user_id)
        owner = portal.users.get(dashboard.owner_user_id or -1)
        allowed = user is not None and (
            dashboard.access == "everyone" or user_id == dashboard.owner_user_id
            or (dashboard.access == "team" and owner is not None and owner.team is not None
                and user.team == owner.team))
        if not allowed:
            from fakes.hubspot.errors import HubSpotError
            raise HubSpotError({"status": "error", "category": "MISSING_PERMISSIONS",
                                "message": f"User {user_id} may not view dashboard {dashboard_id}"}, status=403)
        return dashboard


def dashboard_json(dashboard: Dashboard, report: EcommerceReport) -> dict[str, Any]:
    """A dashboard with its figures."""
    return {"id": dashboard.id, "name": dashboard.name, "reports": dashboard.reports, "access": dashboard.access,
            "ownerUserId": dashboard.owner_user_id, "createdAt": dashboard.created_at.isoformat(),
            **report.as_json(dashboard.reports)}
