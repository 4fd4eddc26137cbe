"""Idle cost in the report: what an implementation calls while nothing changes, per shop-hour and per hour, summed
over the quiet spans scenarios measured; absent (not zero) when no scenario measured one."""

from __future__ import annotations

import json
from pathlib import Path

from reports import write_all
from reports.model import Efficiency
from reports.render_json import read_json
from scenarios.aggregate import _sum_efficiency
from tests.reports.sample import build_result


def _quiet(hours: float, shops: int, shopify: int, points: int, hubspot: int) -> Efficiency:
    return Efficiency(api_calls=shopify + hubspot, shopify_calls=shopify, hubspot_calls=hubspot, idle_hours=hours,
                      idle_shop_hours=hours * shops, idle_shopify_calls=shopify, idle_shopify_cost_points=points,
                      idle_hubspot_calls=hubspot)


def test_idle_cost_is_per_shop_hour_and_per_hour_and_sums_over_scenarios() -> None:
    assert Efficiency(api_calls=10).idle_cost is None
    one, two = _quiet(2, 2, 400, 800, 100), _quiet(3, 1, 150, 300, 60)
    assert one.idle_cost == {"shopify_calls_per_shop_hour": 100.0, "shopify_cost_points_per_shop_hour": 200.0,
                             "hubspot_calls_per_hour": 50.0}

    class Result:
        def __init__(self, efficiency: Efficiency) -> None:
            self.efficiency = efficiency

    total = _sum_efficiency([Result(one), Result(two)])  # type: ignore[list-item]
    assert total.idle_cost == {"shopify_calls_per_shop_hour": round(550 / 7, 1),
                               "shopify_cost_points_per_shop_hour": round(1100 / 7, 1), "hubspot_calls_per_hour": 32.0}


def test_the_report_shows_the_idle_cost_only_when_measured(tmp_path: Path) -> None:
    run = build_result()
    write_all(run, tmp_path / "none")
    assert 'id="idle-cost"' not in (tmp_path / "none" / "index.html").read_text()
    assert json.loads((tmp_path / "none" / "conformance.json").read_text())["efficiency"]["all"]["idle_cost"] is None
    run.efficiency["all"] = _quiet(2, 2, 432, 864, 108)
    write_all(run, tmp_path / "idle")
    html = (tmp_path / "idle" / "index.html").read_text()
    assert 'id="idle-cost"' in html and "<strong>108.0</strong> Shopify calls" in html
    assert "<strong>54.0</strong> HubSpot calls per hour" in html
    document = json.loads((tmp_path / "idle" / "conformance.json").read_text())
    assert document["efficiency"]["all"]["idle_cost"]["shopify_cost_points_per_shop_hour"] == 216.0
    assert read_json(tmp_path / "idle" / "conformance.json").efficiency["all"].idle_shopify_calls == 432
