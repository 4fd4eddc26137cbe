"""The reference engine across vendor restarts: both fakes stopped mid-run and started from a snapshot.

In-process the restart is invisible: a world that restarts its fakes twice ends byte-for-byte where a
world that never does ends, with the same calls in its audit log. In process mode (new waitress
servers on the same ports, open connections cut) the engine carries on and nothing is lost or
duplicated.
"""

from __future__ import annotations

import json
from collections import Counter

import pytest

from harness import InProcess, World
from reference.engine import SyncEngine


def _script(world: World, *, restart: bool) -> None:
    world.open_portal()
    world.install_shop("alpha")
    world.attach(InProcess(SyncEngine, "reference"))
    pid = world.portal.portal_id
    mug = world.shopify.create_product("alpha", {"title": "Mug", "variants": [{"price": "8.00"}]})
    people = [world.shopify.create_customer("alpha", {"email": f"p{i}@example.com", "first_name": f"P{i}"})
              for i in range(4)]
    world.hubspot.marketer_create(pid, "contacts", {"email": "hub@example.com", "firstname": "Hub"})
    assert world.configure(world.settings()).accepted
    world.advance(120)
    world.shopify.create_order("alpha", {"line_items": [{"variant_id": mug.variants[0].id, "quantity": 2}],
                                         "customer": {"id": people[0].id}})
    world.shopify.update_customer("alpha", people[1].id, {"last_name": "Changed"})
    if restart:
        world.restart_fakes_from_snapshot()
    world.advance(90)
    world.shopify.create_checkout("alpha", {"email": people[2].email,
                                            "line_items": [{"variant_id": mug.variants[0].id, "quantity": 1}]})
    world.hubspot.marketer_create(pid, "contacts", {"email": "late@example.com", "firstname": "Late"})
    if restart:
        world.restart_fakes_from_snapshot()
    world.advance_until_quiet()


def _calls(world: World) -> list[tuple]:
    return [(e.at, e.fake, e.method, e.path, e.query, e.status, e.phase) for e in world.audit.entries()]


def test_an_in_process_restart_is_invisible_to_the_engine(tmp_path) -> None:
    with World(seed=11, workdir=tmp_path / "a") as plain, World(seed=11, workdir=tmp_path / "b") as restarted:
        _script(plain, restart=False)
        _script(restarted, restart=True)
        assert _calls(restarted) == _calls(plain)
        assert json.dumps(restarted.snapshot(), sort_keys=True) == json.dumps(plain.snapshot(), sort_keys=True)
        assert restarted.stats.errors == plain.stats.errors == []


@pytest.mark.parametrize("restart", [False, True], ids=["control", "restarted"])
def test_the_engine_carries_on_over_real_http_across_restarts(tmp_path, restart: bool) -> None:
    with World(seed=11, mode="process", workdir=tmp_path) as world:
        ports = (world.shopify_url, world.hubspot_url)
        _script(world, restart=restart)
        assert (world.shopify_url, world.hubspot_url) == ports
        pid = world.portal.portal_id
        emails = Counter((r.properties.get("email") or "").lower() for r in world.hubspot.records(pid, "contacts"))
        expected = {f"p{i}@example.com" for i in range(4)} | {"hub@example.com", "late@example.com"}
        assert set(emails) == expected and max(emails.values()) == 1
        assert [c.email for c in world.shopify.shop("alpha").customers.values()
                if c.email in ("hub@example.com", "late@example.com")] == ["hub@example.com", "late@example.com"]
        [order] = world.hubspot.records(pid, "orders")
        assert [t for t, _, _ in world.hubspot.associations_of(pid, "orders", order.id)].count("line_items") == 1
        assert len(world.hubspot.records(pid, "carts")) == 1
        assert len(world.hubspot.records(pid, "products")) == 1
        assert world.stats.errors == []
