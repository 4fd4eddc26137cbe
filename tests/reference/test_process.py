"""The reference engine under the HTTP process contract (`shopsync serve-impl reference`)."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

from harness import Process, World

SHOPSYNC = shutil.which("shopsync") or str(Path(sys.executable).with_name("shopsync"))


@pytest.mark.skipif(not Path(SHOPSYNC).exists(), reason="the shopsync command is not installed")
def test_short_scenario_through_the_process_contract(tmp_path) -> None:
    with World(seed=3, mode="process", workdir=tmp_path) as w:
        w.open_portal()
        w.install_shop("alpha")
        health = w.attach(Process(f"{SHOPSYNC} serve-impl reference", name="reference"))
        assert health.implementation == "reference" and "orders" in health.capabilities
        mug = w.shopify.create_product("alpha", {"title": "Mug", "variants": [{"price": "8.00"}]})
        buyer = w.shopify.create_customer("alpha", {"email": "proc@example.com", "first_name": "Proc"})
        refused = w.configure({"contract": "1"})
        assert refused.status == 422 and refused.error
        assert w.configure(w.settings(enabled=("contacts", "products", "orders"))).accepted
        order = w.shopify.create_order("alpha", {"line_items": [{"variant_id": mug.variants[0].id, "quantity": 2}],
                                                 "customer": {"id": buyer.id}})
        w.advance_until_quiet()
        pid = w.portal.portal_id
        contact = w.hubspot.contact_by_email(pid, "proc@example.com")
        assert contact is not None and contact.properties["firstname"] == "Proc"
        [found] = [r for r in w.hubspot.records(pid, "orders") if r.properties.get("hs_external_order_id")
                   == str(order.id)]
        # Webhooks reach the engine over HTTP: a HubSpot edit flows back within a minute.
        w.hubspot.marketer_update(pid, "contacts", contact.id, {"lastname": "Over HTTP"})
        w.advance(60)
        assert w.shopify.get_customer("alpha", buyer.id).last_name == "Over HTTP"
        # A kill and a restart on the same state directory lose and duplicate nothing.
        w.crash_and_restart()
        assert w.configure(w.settings(enabled=("contacts", "products", "orders"))).accepted
        w.shopify.create_customer("alpha", {"email": "after@example.com"})
        w.advance_until_quiet()
        assert w.hubspot.contact_by_email(pid, "after@example.com") is not None
        assert len(w.hubspot.records(pid, "orders")) == 1 and found.id
        assert w.stats.errors == []
