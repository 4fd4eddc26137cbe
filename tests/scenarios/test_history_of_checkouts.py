"""What a shopper's checkout puts in the history the oracle judges from: the checkout, and the customer
profile Shopify makes for an email given at checkout (docs/vendor-behaviour.md §1.6)."""

from __future__ import annotations


def test_a_checkouts_new_buyer_is_in_the_history_as_a_customer_the_merchant_side_made(sim):
    # Found by a property replay: the customer a checkout's email made was in the fake but not in the
    # history, so the oracle took it for one the sync had made from a HubSpot contact (CNT-5).
    mug = sim.shopify.create_product(title="Mug", price="8.00")
    known = sim.shopify.create_customer(email="known@example.com", first_name="Known")
    sim.shopify.create_checkout(lines=[(mug, 1)], email="Guest@Example.com")
    sim.shopify.create_checkout(lines=[(mug, 1)], email="known@example.com")
    made = [c for c in sim.history.changes if c.system == "shopify" and c.object == "customer" and c.op == "create"]
    assert [c.data.get("email") for c in made] == ["known@example.com", "Guest@Example.com"]
    assert int(made[0].id) == known.id
    guest = sim.world.shopify.shop("alpha").customer_by_email("guest@example.com")
    assert int(made[1].id) == guest.id
