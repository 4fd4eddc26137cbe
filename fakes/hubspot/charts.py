"""The HTML page of a dashboard: self-contained SVG charts rendered with jinja2 (no network, no JS)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape

from fakes.hubspot.reports import EcommerceReport
from fakes.hubspot.store import Dashboard

_ENV = Environment(loader=FileSystemLoader(Path(__file__).parent / "templates"),
                   autoescape=select_autoescape(["html", "j2"]), trim_blocks=True, lstrip_blocks=True)
PALETTE = ["#ff7a59", "#00a4bd", "#7c98b6", "#f5c26b", "#6a78d1", "#00bda5"]


@dataclass
class Bar:
    """One bar of a chart, in SVG user units."""

    x: float
    y: float
    width: float
    height: float
    label: str
    value: str
    color: str


def _nice_max(value: Decimal) -> float:
    top = float(value)
    if top <= 0:
        return 1.0
    exponent = 10 ** math.floor(math.log10(top))
    for step in (1, 2, 2.5, 5, 10):
        if top <= step * exponent:
            return step * exponent
    return 10 * exponent


def revenue_bars(report: EcommerceReport, width: float = 560, height: float = 220) -> dict[str, Any]:
    """Vertical bars of revenue per day, with a y axis of five ticks."""
    days = report.revenue_by_day
    top = _nice_max(max((v for _, v in days), default=Decimal("0")))
    left, bottom, plot_h = 56.0, 28.0, height - 40.0
    slot = (width - left - 8) / max(1, len(days))
    bars = []
    for i, (day, value) in enumerate(days):
        h = plot_h * float(value) / top
        bars.append(Bar(left + i * slot + slot * 0.15, 12 + plot_h - h, slot * 0.7, h, day.strftime("%m-%d"),
                        f"{value:.2f}", PALETTE[0]))
    ticks = [(12 + plot_h - plot_h * k / 4, f"{top * k / 4:,.0f}") for k in range(5)]
    return {"bars": bars, "ticks": ticks, "width": width, "height": height, "left": left,
            "base": 12 + plot_h, "bottom": bottom}


def donut(new: int, returning: int, radius: float = 70) -> list[dict[str, Any]]:
    """Arcs of a donut chart for new vs returning customers (a full ring when one side is zero)."""
    total = new + returning
    parts = [("New", new, PALETTE[1]), ("Returning", returning, PALETTE[4])]
    if total == 0:
        return [{"full": True, "color": "#dfe3eb", "label": "No customers", "value": 0, "pct": 0}]
    arcs, angle = [], -math.pi / 2
    for label, value, color in parts:
        share = value / total
        if share == 1:
            return [{"full": True, "color": color, "label": label, "value": value, "pct": 100}]
        end = angle + share * 2 * math.pi
        if value:
            large = 1 if share > 0.5 else 0
            x1, y1 = radius * math.cos(angle), radius * math.sin(angle)
            x2, y2 = radius * math.cos(end), radius * math.sin(end)
            path = f"M {x1:.2f} {y1:.2f} A {radius} {radius} 0 {large} 1 {x2:.2f} {y2:.2f}"
            arcs.append({"full": False, "path": path, "color": color, "label": label, "value": value,
                         "pct": round(share * 100)})
        angle = end
    return arcs


def product_bars(report: EcommerceReport, width: float = 560) -> list[Bar]:
    """Horizontal bars for the top products by revenue."""
    top = _nice_max(max((p.revenue for p in report.top_products), default=Decimal("0")))
    out = []
    for i, product in enumerate(report.top_products):
        w = (width - 220) * float(product.revenue) / top
        out.append(Bar(200, 10 + i * 34, w, 22, product.name, f"{product.revenue:.2f}", PALETTE[i % len(PALETTE)]))
    return out


def dashboard_html(dashboard: Dashboard, report: EcommerceReport, portal_id: int) -> str:
    """The dashboard page: the chosen reports only, as KPI tiles and SVG charts."""
    template = _ENV.get_template("dashboard.html.j2")
    return template.render(dashboard=dashboard, report=report, portal_id=portal_id, chosen=set(dashboard.reports),
                           revenue=revenue_bars(report), donut=donut(report.new_customers,
                                                                     report.returning_customers),
                           products=product_bars(report), aov=f"{report.average_order_value:.2f}")
