"""Writes a portal's 2026-09 rules refuse (docs/vendor-behaviour.md §9.F.4): the engine shows them in its status,
records nothing as synced, and tries them again until they go through; the orders stream likewise."""

from __future__ import annotations

from datetime import timedelta

from fakes.hubspot.write_rules import parse
from harness import InProcess, World
from reference.engine import SyncEngine


def _rules(s, rules: dict | None) -> None:
    s.w.hubspot.portal(s.pid).write_rules = parse(rules) if rules else None


def _status(s) -> list[dict]:
    engine = s.w.implementation.obj
    return engine.status()["errors"]


def test_a_refused_update_is_listed_kept_owed_and_written_once_the_rule_is_lifted(sim) -> None:
    s = sim()
    ada = s.w.shopify.create_customer("alpha", {"email": "ada@example.com", "first_name": "Ada"})
    s.enable("contacts")
    s.settle()
    _rules(s, {"conditional": [{"object": "contacts", "when": {"lastname": "Vip"}, "require": ["phone"]}]})
    s.w.shopify.update_customer("alpha", ada.id, {"last_name": "Vip"})
    s.w.advance(timedelta(minutes=5))
    assert s.contact("ada@example.com").properties.get("lastname") in (None, "")
    [error] = _status(s)
    assert (error["object"], error["shop"], error["shopify_id"]) == ("contacts", "alpha", str(ada.id))
    assert error["hubspot_id"] == s.contact("ada@example.com").id and "phone" in error["message"]
    _rules(s, None)
    s.w.advance(timedelta(minutes=5))
    assert s.contact("ada@example.com").properties.get("lastname") == "Vip"
    assert _status(s) == []


def test_a_refused_order_is_listed_and_made_once_the_rule_is_lifted(sim) -> None:
    s = sim()
    product = s.w.shopify.create_product("alpha", {"title": "Mug", "variants": [{"price": "8.00"}]})
    s.enable("contacts", "products", "orders")
    s.settle()
    _rules(s, {"required": {"orders": ["hs_order_note"]}})
    order = s.w.shopify.create_order("alpha", {"email": "buyer@example.com", "line_items": [
        {"product_id": product.id, "variant_id": product.variants[0].id, "quantity": 1}]})
    s.w.advance(timedelta(minutes=5))
    assert s.external("orders", "hs_external_order_id", order.id) == []
    assert [(e["object"], e["shopify_id"]) for e in _status(s)] == [("orders", str(order.id))]
    _rules(s, None)
    s.w.advance(timedelta(minutes=6))
    assert len(s.external("orders", "hs_external_order_id", order.id)) == 1
    assert _status(s) == []


def test_the_status_is_served_under_the_contract(tmp_path) -> None:
    world = World(seed=0, workdir=tmp_path)
    try:
        world.open_portal()
        world.install_shop("alpha")
        world.attach(InProcess(SyncEngine, "reference"))
        assert world.implementation.status().errors == ()
    finally:
        world.close()
