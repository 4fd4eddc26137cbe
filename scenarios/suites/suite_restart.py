"""Vendor restarts: both fakes are stopped mid-run and started again from a snapshot of their state.

What restarts is the vendors' side only: stores, apps and (in process mode) servers are made anew
from one snapshot (records, id counters, tokens, rate-limit buckets, search-index versions, webhook
subscriptions and the deliveries still waiting). In process mode the new waitress servers listen on
the ports the old ones had. That is the realistic choice: a vendor that restarts keeps its host
name, and the process contract gives the implementation the URLs once, at start, with no way to
tell it new ones. The connections open at the time are cut, as a crashed server cuts them, so the
implementation meets resets on its next calls and has to retry them. In-process, the same
simulated host names lead to the new apps.

The implementation is not told. The oracle then judges the end state as for any scenario: nothing
may be lost (every customer, product and order reaches HubSpot with its associations) and nothing
duplicated (one contact per email, one product per name).
"""

from __future__ import annotations

from scenarios.dsl import Sim, scenario


def _pending_events(w: Sim) -> set[str]:
    return {d.event_id for d in w.world.pending_deliveries()}


def _delivered_after(w: Sim, events: set[str], since) -> set[str]:
    return {d.event_id for d in w.world.stats.deliveries
            if d.event_id in events and d.at >= since and d.status is not None and 200 <= d.status < 300}


@scenario("LAT-3", "CNT-1", "PRD-1", "ORD-2", title="the vendors restart from a snapshot mid-run; nothing is lost "
          "or duplicated, and webhooks waiting at the restart are still delivered", tags=("crash",))
def vendors_restart_from_snapshot(w: Sim) -> None:
    mug = w.shopify.create_product(title="Mug", price="8.00")
    lamp = w.shopify.create_product(title="  Lamp ", price="30.00")
    w.hubspot.create("products", name="Lamp", price="30.00")  # PRD-1: the trimmed title matches it
    people = [w.shopify.create_customer(email=f"restart{i}@example.com", first_name=f"Restart{i}") for i in range(3)]
    w.hubspot.create("contacts", email="  RESTART0@Example.com", lastname="Existing")  # CNT-1: matches restart0
    w.sync.enable()
    w.advance(minutes=3)

    # Changes made just before the restart: their webhooks are still in the vendors' outboxes.
    w.shopify.create_order(lines=[(mug, 2), (lamp, 1)], customer=people[0])
    w.shopify.update_customer(people[1], first_name="Renamed")
    w.hubspot.create("contacts", email="from.hubspot@example.com", firstname="Hub")
    before = max(c["id"] for c in w.shopify.customers())
    waiting = _pending_events(w)
    restarted_at = w.now()
    w.restart_fakes_from_snapshot()
    w.expect(_pending_events(w) == waiting, "LAT-3: the restarted vendors still hold the waiting webhooks",
             expected=sorted(waiting), found=sorted(_pending_events(w)))

    w.advance(minutes=2)
    late = w.shopify.create_customer(email="after.restart@example.com", first_name="After")
    w.expect(late.id > before, "LAT-3: ids continue after the restart", expected=f"> {before}", found=late.id)
    w.shopify.create_order(lines=[(mug, 1)], customer=late)
    w.shopify.create_checkout(lines=[(lamp, 1)], email=people[2].email)
    w.advance(minutes=2)
    w.restart_fakes_from_snapshot()  # a second time, with the sync in full swing
    w.settle()
    delivered = _delivered_after(w, waiting, restarted_at)
    w.expect(delivered == waiting, "LAT-3: webhooks waiting at the restart were delivered after it",
             expected=sorted(waiting), found=sorted(delivered))


@scenario("LAT-3", "CON-1", title="vendors and implementation go down together; the OAuth token survives the vendor "
          "restart and the code is never exchanged again", tags=("crash",))
def everything_restarts_at_once(w: Sim) -> None:
    w.shopify.create_customer(email="together@example.com", first_name="Together")
    w.sync.enable("contacts", "products")
    w.settle()
    w.shopify.create_product(title="Kettle", price="25.00")
    w.hubspot.create("contacts", email="while.down@example.com", firstname="Down")
    w.restart_fakes_from_snapshot()
    w.crash_and_restart()
    w.shopify.create_customer(email="back.up@example.com", first_name="Back")
    w.settle()
    exchanges = [e for e in w.world.audit.entries() if e.path.endswith("/oauth/access_token")]
    w.expect(len(exchanges) == 1 and exchanges[0].status == 200,
             "CON-1: the code was exchanged once; the token still works after the vendor restart",
             expected=1, found=[(e.status, e.at.isoformat()) for e in exchanges],
             calls=[e.as_json() for e in exchanges])
    emails = sorted(c["email"] for c in w.shopify.customers())
    w.expect("while.down@example.com" in emails, "LAT-3: a contact made before the restart reached Shopify",
             expected="while.down@example.com", found=emails)
