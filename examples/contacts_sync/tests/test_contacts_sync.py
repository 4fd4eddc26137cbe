"""Tests of the example sync with shopsync's pytest fixtures (no conftest: they come with the package)."""

from __future__ import annotations

import json
from datetime import timedelta

from contacts_sync import ContactsSync, HubSpotContacts, ShopifyCustomers


def test_the_shopify_client_pages_through_every_customer(shopify) -> None:
    shopify.seed(3, customers=260, products=1, orders=0, checkouts=0)  # more than one page of 250
    customers = ShopifyCustomers(shopify.admin_api, shopify.token).changed_since(None)
    assert len(customers) == 260 == len({c["id"] for c in customers})


def test_the_shopify_client_reads_in_process_too(shopify) -> None:
    shopify.seed(4, customers=3, products=1, orders=0, checkouts=0)
    reader = ShopifyCustomers(shopify.admin_api, shopify.token, transport=shopify.transport)
    assert len(reader.changed_since(shopify.clock.now() - timedelta(days=1))) == 3


def test_the_hubspot_client_never_makes_two_contacts_for_one_email(hubspot) -> None:
    writer = HubSpotContacts(hubspot.url, hubspot.token)
    writer.upsert({"ada@example.com": {"firstname": "Ada"}})
    writer.upsert({"ada@example.com": {"lastname": "Lovelace"}})
    found = hubspot.store.contact_by_email(hubspot.portal_id, "ada@example.com")
    assert found.properties["firstname"] == "Ada" and found.properties["lastname"] == "Lovelace"
    with hubspot.client() as client:
        assert client.get("/crm/v3/objects/contacts").json()["results"][0]["id"] == found.id


def test_each_test_starts_from_an_empty_demo_shop(shopify) -> None:
    assert ShopifyCustomers(shopify.admin_api, shopify.token).changed_since(None) == []


def test_the_simulated_world_delivers_shopifys_webhooks_to_a_callable(sim_world) -> None:
    seen = []
    sim_world.deliver_to(lambda source, headers, body: seen.append((source, headers, json.loads(body))) or 200)
    token = sim_world.shopify.issue_token("alpha", "shopsync-sync-app")
    with sim_world.world.client("shopify") as admin:  # as your sync would subscribe, through the Admin API
        admin.post("/shops/alpha/admin/api/2026-10/webhooks.json", headers={"X-Shopify-Access-Token": token},
                   json={"webhook": {"topic": "customers/create", "address": "https://impl.sim/webhooks/shopify",
                                     "format": "json"}}).raise_for_status()
    sim_world.shopify.create_customer("alpha", {"email": "hook@example.com"})
    sim_world.advance(minutes=1)
    assert [(s, h["X-Shopify-Topic"], b["email"]) for s, h, b in seen] == [
        ("shopify", "customers/create", "hook@example.com")]


def test_the_sync_conforms_for_contacts(shopsync_sim, shopsync_judge) -> None:
    w = shopsync_sim(ContactsSync, shops=("alpha", "beta"))
    w.shopify.create_customer(email="Grace@Example.com ", first_name="Grace", last_name="Hopper")
    w.shopify.create_customer(email=None, first_name="Anonymous")  # CNT-2: no contact
    w.shopify.create_customer("beta", email="linus@example.com", first_name="Linus")
    w.sync.enable("contacts")
    w.settle()
    assert shopsync_judge(w) == []
    assert w.hubspot.contact_by_email("grace@example.com") is not None


def test_the_judge_names_the_rule_a_broken_sync_breaks(shopsync_sim, shopsync_judge) -> None:
    class Forgetful(ContactsSync):
        """Forgets where it was and what it wrote, so it writes every contact again at every tick (an echo)."""

        def tick(self, now):
            self.cursors.clear()
            self.written.clear()
            return super().tick(now)

    w = shopsync_sim(Forgetful)
    w.shopify.create_customer(email="echo@example.com", first_name="Echo")
    w.sync.enable("contacts")
    w.settle()
    broken = [evidence.check for evidence in shopsync_judge(w)]
    assert any(check.startswith("CNT-6:") for check in broken), broken
