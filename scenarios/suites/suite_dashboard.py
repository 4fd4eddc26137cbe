"""DSH: the e-commerce dashboard."""

from __future__ import annotations

from decimal import Decimal

from fakes.hubspot import reports
from scenarios.dsl import Sim, scenario


def _shop_history(w: Sim):
    mug = w.shopify.create_product(title="Mug", price="8.00")
    poster = w.shopify.create_product(title="Poster", price="20.00")
    first = w.shopify.create_customer(email="first@example.com", first_name="First")
    again = w.shopify.create_customer(email="again@example.com", first_name="Again")
    w.shopify.create_order(lines=[(mug, 2)], customer=first)
    w.shopify.create_order(lines=[(poster, 1)], customer=again)
    w.shopify.create_order(lines=[(mug, 1), (poster, 1)], customer=again)
    cancelled = w.shopify.create_order(lines=[(poster, 3)], customer=first)
    w.shopify.cancel(cancelled)
    w.shopify.create_checkout(lines=[(poster, 2)], email="browser@example.com")
    return mug, poster


@scenario("DSH-1", "DSH-3", title="after sync the e-commerce reports equal the figures computed from Shopify")
def reports_match_shopify(w: Sim) -> None:
    _shop_history(w)
    w.sync.enable()
    w.settle()
    report = reports.compute(w.world.hubspot, w.world.portal.portal_id).as_json()
    state = w.world.shopify.shop("alpha")
    counted = [o for o in state.orders.values() if o.cancelled_at is None]
    revenue = sum((Decimal(w.world.shopify.order_json(state, o)["current_total_price"]) for o in counted), Decimal(0))
    abandoned = [c for c in state.checkouts.values() if c.completed_at is None]
    abandoned_value = sum((Decimal(w.world.shopify.checkout_json(state, c)["total_price"]) for c in abandoned),
                          Decimal(0))
    want = {"revenue": f"{revenue:.2f}", "order_count": len(counted),
            "abandoned_carts": len(abandoned), "abandoned_value": f"{abandoned_value:.2f}"}
    found = {"revenue": _figure(report, "revenue"), "order_count": _figure(report, "order_count"),
             "abandoned_carts": _figure(report, "abandoned_carts", "count"),
             "abandoned_value": _figure(report, "abandoned_carts", "value")}
    w.expect(str(found["revenue"]) == want["revenue"] and found["order_count"] == want["order_count"]
             and found["abandoned_carts"] == want["abandoned_carts"]
             and str(found["abandoned_value"]) == want["abandoned_value"],
             "DSH-3: the dashboard's figures equal Shopify's", expected=want, found=found)


def _figure(report: dict, name: str, part: str | None = None):
    value = report.get("reports", report).get(name)
    if isinstance(value, dict):
        if part is None:
            part = "value" if "value" in value else next(iter(value))
        return value.get(part)
    return value


@scenario("DSH-2", title="a dashboard is created with a name, a subset of reports and an access level")
def dashboard_creation(w: Sim) -> None:
    _shop_history(w)
    w.sync.enable()
    w.settle()
    dashboard = reports.create_dashboard(w.world.hubspot, w.world.portal.portal_id, {
        "name": "Shop performance", "reports": ["revenue", "order_count", "top_products"], "access": "team",
        "ownerUserId": 1})
    view = reports.dashboard_json(dashboard, reports.compute(w.world.hubspot, w.world.portal.portal_id))
    w.expect(view.get("name") == "Shop performance", "DSH-2: the dashboard keeps its name")
    shown = sorted(view.get("reports", {}) if isinstance(view.get("reports"), dict) else
                   [r.get("id", r) if isinstance(r, dict) else r for r in view.get("reports", [])])
    w.expect(shown == ["order_count", "revenue", "top_products"], "DSH-2: exactly the chosen reports",
             expected=["order_count", "revenue", "top_products"], found=shown)
    w.expect(view.get("access") == "team", "DSH-2: the access level", expected="team", found=view.get("access"))
