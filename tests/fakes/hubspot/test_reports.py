"""E-commerce reports checked against figures computed by hand, dashboards, and the HTML page in Chromium."""

from __future__ import annotations

import struct
import subprocess
import tempfile
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from fakes.hubspot.apps import PortalUser
from fakes.hubspot.pipelines import ORDER_STAGES
from fakes.hubspot.store import HubSpotStore
from tests.system_tools import CHROMIUM, require_tool

ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"
PERIOD = "start=2031-01-01T00:00:00Z&end=2031-01-08T00:00:00Z"


def _link(store: HubSpotStore, from_type: str, from_id: str, to_type: str, to_id: str) -> None:
    store.marketer_associate(101, from_type, from_id, to_type, to_id)


@pytest.fixture
def shop(store: HubSpotStore) -> dict[str, str]:
    """A small data set whose figures are worked out by hand in the tests below."""
    store.set_users(101, [PortalUser(1, "owner@x.com", super_admin=True, team="ecom"),
                          PortalUser(2, "mate@x.com", team="ecom"), PortalUser(3, "stranger@x.com", team="sales")])
    make = lambda t, **p: store.marketer_create(101, t, p).id  # noqa: E731
    ids = {"mug": make("products", name="Mug", price="20"), "tee": make("products", name="Tee", price="60"),
           "alice": make("contacts", email="alice@x.com"), "bob": make("contacts", email="bob@x.com"),
           "carol": make("contacts", email="carol@x.com")}

    def order(key: str, when: str, total: str, contact: str | None, lines: list[dict[str, str]], **extra: str) -> str:
        oid = make("orders", **{"hs_external_created_date": when, "hs_total_price": total, "hs_currency_code": "USD",
                                **extra})
        if contact:
            _link(store, "orders", oid, "contacts", ids[contact])
        for line in lines:
            _link(store, "orders", oid, "line_items", make("line_items", **line))
        ids[key] = oid
        return oid

    mug, tee = ids["mug"], ids["tee"]
    order("o0", "2030-12-20T10:00:00Z", "50", "alice", [{"name": "Mug", "hs_product_id": mug, "quantity": "1",
                                                          "price": "50", "amount": "50"}])
    order("o1", "2031-01-02T10:00:00Z", "100.00", "alice", [
        {"name": "Mug", "hs_product_id": mug, "quantity": "2", "price": "20", "amount": "40"},
        {"name": "Tee", "hs_product_id": tee, "quantity": "1", "price": "60", "amount": "60"}], hs_refund_amount="10")
    order("o2", "2031-01-03T12:00:00Z", "45.50", "bob", [{"name": "Tee", "hs_product_id": tee, "quantity": "1",
                                                           "price": "60", "amount": "45.50"}])
    order("o3", "2031-01-03T13:00:00Z", "30", "carol", [{"name": "Mug", "hs_product_id": mug, "quantity": "1",
                                                          "price": "30", "amount": "30"}],
          hs_pipeline_stage=ORDER_STAGES["Cancelled"])
    order("o4", "2031-01-05T09:00:00Z", "20", None, [{"name": "Mug", "hs_product_id": mug, "quantity": "2",
                                                       "price": "10"}])
    order("o5", "2031-01-09T09:00:00Z", "999", "bob", [])
    archived = order("o6", "2031-01-04T09:00:00Z", "500", "carol", [])
    store.marketer_archive(101, "orders", archived)
    order("o7", "2031-01-04T09:00:00Z", "70", "carol", [], hs_currency_code="EUR")
    ids["c1"] = make("carts", hs_external_created_date="2031-01-04T08:00:00Z", hs_total_price="80",
                     hs_external_status="abandoned")
    ids["c2"] = make("carts", hs_external_created_date="2031-01-03T11:00:00Z", hs_total_price="25")
    _link(store, "carts", ids["c2"], "orders", ids["o2"])  # converted into an order
    ids["c3"] = make("carts", hs_external_created_date="2031-01-04T08:00:00Z", hs_total_price="10",
                     hs_external_status="completed")
    ids["c4"] = make("carts", hs_external_created_date="2031-02-01T08:00:00Z", hs_total_price="5")
    return ids


def test_report_figures_match_hand_computation(harness: FlaskClient, shop: dict[str, str]) -> None:
    body = harness.get(f"/_harness/ecommerce/101/reports?{PERIOD}").json
    figures = body["reports"]
    # Counted orders: o1 (100 - 10 refund), o2 (45.50), o4 (20); o0/o5 out of period, o3 cancelled,
    # o6 archived, o7 in EUR.
    assert figures["revenue"]["value"] == "155.50"
    assert figures["revenue"]["byDay"] == [{"date": "2031-01-02", "value": "90.00"},
                                           {"date": "2031-01-03", "value": "45.50"},
                                           {"date": "2031-01-05", "value": "20.00"}]
    assert figures["order_count"]["value"] == 3
    assert figures["average_order_value"]["value"] == "51.83"  # 155.50 / 3
    # alice ordered before the period (returning); bob's first order is in it (new); o4 has no contact.
    assert figures["new_vs_returning_customers"] == {"new": 1, "returning": 1}
    # c1 only: c2 became an order, c3 completed, c4 out of period.
    assert figures["abandoned_carts"] == {"count": 1, "value": "80.00"}
    # Tee: 60 + 45.50; Mug: 40 + 2 x 10 (price x quantity when amount is unset).
    assert figures["top_products"]["results"] == [
        {"productId": shop["tee"], "name": "Tee", "quantity": "2", "revenue": "105.50"},
        {"productId": shop["mug"], "name": "Mug", "quantity": "4", "revenue": "60.00"}]
    euro = harness.get(f"/_harness/ecommerce/101/reports?{PERIOD}&currency=EUR").json["reports"]
    assert euro["revenue"]["value"] == "70.00" and euro["order_count"]["value"] == 1
    assert harness.get("/_harness/ecommerce/101/reports?start=yesterday").status_code == 400


def test_dashboards_validate_and_enforce_access(harness: FlaskClient, shop: dict[str, str]) -> None:
    bad = [{}, {"name": "x", "reports": []}, {"name": "x", "reports": ["profit"]},
           {"name": "x", "reports": ["revenue"], "access": "world"},
           {"name": "x", "reports": ["revenue"], "access": "private"},
           {"name": "x", "reports": ["revenue"], "access": "team", "ownerUserId": 99}]
    for body in bad:
        assert harness.post("/_harness/ecommerce/101/dashboards", json=body).status_code == 400, body
    made = {}
    for access in ("private", "team", "everyone"):
        response = harness.post("/_harness/ecommerce/101/dashboards", json={
            "name": f"Sales {access}", "reports": ["revenue", "order_count"], "access": access, "ownerUserId": 1})
        assert response.status_code == 201
        assert set(response.json["reports"]) == {"revenue", "order_count"}
        made[access] = response.json["id"]
    visible = {(access, user): harness.get(f"/_harness/ecommerce/101/dashboards/{did}?userId={user}").status_code
               for access, did in made.items() for user in (1, 2, 3)}
    assert visible == {("private", 1): 200, ("private", 2): 403, ("private", 3): 403,
                       ("team", 1): 200, ("team", 2): 200, ("team", 3): 403,
                       ("everyone", 1): 200, ("everyone", 2): 200, ("everyone", 3): 200}
    one = harness.get(f"/_harness/ecommerce/101/dashboards/{made['everyone']}?{PERIOD}").json
    assert one["reports"] == {"revenue": {"value": "155.50", "byDay": one["reports"]["revenue"]["byDay"]},
                              "order_count": {"value": 3}}
    listed = harness.get("/_harness/ecommerce/101/dashboards").json["results"]
    assert [d["access"] for d in listed] == ["private", "team", "everyone"]
    assert harness.get("/_harness/ecommerce/101/dashboards/999").status_code == 404


def _png_size(path: Path) -> tuple[int, int]:
    with path.open("rb") as handle:
        header = handle.read(24)
    assert header[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", header[16:24])


def test_dashboard_page_renders_in_headless_chromium(harness: FlaskClient, shop: dict[str, str]) -> None:
    did = harness.post("/_harness/ecommerce/101/dashboards", json={
        "name": "Shop overview", "access": "everyone",
        "reports": ["revenue", "order_count", "average_order_value", "new_vs_returning_customers",
                    "abandoned_carts", "top_products"]}).json["id"]
    page = harness.get(f"/_harness/ecommerce/101/dashboards/{did}/view?{PERIOD}")
    assert page.status_code == 200 and page.mimetype == "text/html"
    html = page.data.decode()
    assert html.count("<svg") == 3 and "Tee" in html and "155.50" in html and "http" not in html.split("<body>")[1]
    only = harness.post("/_harness/ecommerce/101/dashboards", json={"name": "Carts", "reports": ["abandoned_carts"]})
    small = harness.get(f"/_harness/ecommerce/101/dashboards/{only.json['id']}/view?{PERIOD}").data.decode()
    assert "<svg" not in small and 'id="abandoned_carts"' in small and 'id="revenue"' not in small

    chromium = require_tool(CHROMIUM)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shot = ARTIFACTS / "hubspot-dashboard.png"
    shot.unlink(missing_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "dashboard.html"
        source.write_text(html, encoding="utf-8")
        command = [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                   "--disable-component-update", "--disable-sync", "--no-first-run", f"--user-data-dir={tmp}/profile",
                   "--hide-scrollbars", "--window-size=1280,1000", f"--screenshot={shot}", source.as_uri()]
        subprocess.run(command, check=True, capture_output=True, timeout=90)
        dom = subprocess.run([*command[:-2], "--dump-dom", source.as_uri()], check=True, capture_output=True,
                             timeout=90, text=True).stdout
    assert "Shop overview" in dom and "<svg" in dom
    assert _png_size(shot) == (1280, 1000)
    assert shot.stat().st_size > 20_000  # a page of charts, not a blank screen
