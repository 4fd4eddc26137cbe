"""An edit that changes nothing is no change in the history: Shopify keeps the record's `updated_at` and sends no
webhook (fakes/shopify/store/customers.py), HubSpot stamps no modified date and sends no event
(fakes/hubspot/store/writes.py), so a sync takes the edit before it for the last one."""

from __future__ import annotations


def test_an_edit_that_changes_nothing_is_not_in_the_history(sim):
    # Found by the thorough property run (--hypothesis-seed=3): a customer renamed to the name it had was judged
    # the person's latest change (CNT-5), though Shopify showed the name's first edit, older than another shop's
    # customer made since, whose name a sync rightly kept.
    ada = sim.shopify.create_customer(email="ada@example.com", first_name="Ada")
    mug = sim.shopify.create_product(title="Mug", price="8.00")
    sim.advance(seconds=2)
    sim.shopify.update_customer(ada, first_name="Ada")
    sim.shopify.update_product(mug, price="8.00", title="Mug")
    assert [(c.object, c.op) for c in sim.history.changes if c.system == "shopify"] == [
        ("customer", "create"), ("product", "create")]
    sim.shopify.update_customer(ada, first_name="Augusta")
    sim.shopify.update_product(mug, price="9.00")
    assert [(c.object, c.op) for c in sim.history.changes if c.system == "shopify"][2:] == [
        ("customer", "update"), ("product", "update")]


def test_a_marketers_edit_that_changes_nothing_is_not_in_the_history(sim):
    # Found by the thorough property run (--hypothesis-seed=6): a contact renamed to its name after its person's
    # last customer was deleted was judged a change of an orphaned contact, owed to every shop (CNT-5), though
    # HubSpot showed no change at all.
    contact = sim.hubspot.create("contacts", email="ken@example.com", firstname="Barbara")
    sim.advance(seconds=2)
    sim.hubspot.update(contact, firstname="Barbara")
    assert [(c.object, c.op) for c in sim.history.changes if c.system == "hubspot"] == [("contacts", "create")]
    sim.hubspot.update(contact, firstname="Ken")
    assert [(c.object, c.op) for c in sim.history.changes if c.system == "hubspot"] == [
        ("contacts", "create"), ("contacts", "update")]
