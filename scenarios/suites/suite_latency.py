"""LAT: latency, with and without faults (every change is also timed by the DSL's watches)."""

from __future__ import annotations

import random

from scenarios.dsl import Sim, scenario

LOSE_ALL_WEBHOOKS = {"webhooks": [{"kind": "drop"}]}
STORMY = {
    "api": [
        {"fake": "shopify", "kind": "429", "route": "*", "start": 600, "end": 900, "retry_after": 2.0,
         "probability": 0.5},
        {"fake": "hubspot", "kind": "429", "route": "/crm/*", "start": 600, "end": 900, "retry_after": 10.0,
         "probability": 0.5},
        {"fake": "hubspot", "kind": "503", "route": "/crm/*", "start": 900, "end": 1200, "probability": 0.3},
        {"fake": "shopify", "kind": "502", "route": "*", "start": 900, "end": 1200, "probability": 0.3},
        {"fake": "hubspot", "kind": "applied_then_failed", "route": "/crm/v3/objects/*", "method": "write",
         "start": 1200, "end": 1500, "probability": 0.3},
        {"fake": "shopify", "kind": "reset", "route": "*", "start": 1500, "end": 1800, "probability": 0.2},
    ],
    "webhooks": [
        {"kind": "drop", "probability": 0.3},
        {"kind": "duplicate", "probability": 0.3},
        {"kind": "reorder"},
        {"kind": "delay", "delay": 86400, "probability": 0.2},
    ],
}


def _busy_store(w: Sim, rounds: int) -> None:
    mug = w.shopify.create_product(title="Mug", price="8.00")
    people = [w.shopify.create_customer(email=f"busy{i}@example.com", first_name=f"Busy{i}") for i in range(6)]
    w.sync.enable()
    w.settle()
    for n in range(rounds):
        person = people[n % len(people)]
        w.shopify.update_customer(person, first_name=f"Round{n}")
        order = w.shopify.create_order(lines=[(mug, 1 + n % 3)], customer=person)
        if n % 2:
            w.shopify.fulfil(order)
        w.shopify.create_checkout(lines=[(mug, 1)], email=person.email)
        contact = w.hubspot.contact_by_email(people[(n + 3) % len(people)].email)
        if contact is not None:
            w.hubspot.update(w.hubspot.ref(contact), lastname=f"Hub{n}")
        w.advance(minutes=5)


@scenario("LAT-1", title="with webhooks, every change is visible in the other system within 10 minutes")
def latency_with_webhooks(w: Sim) -> None:
    _busy_store(w, rounds=6)


@scenario("LAT-3", title="with every webhook lost, polling alone meets the 10-minute bound", faults=LOSE_ALL_WEBHOOKS)
def latency_without_webhooks(w: Sim) -> None:
    _busy_store(w, rounds=4)


@scenario("LAT-3", "CNT-1", "ORD-5", title="429 storms, 5xx, applied-then-failed writes, resets and webhook chaos",
          faults=STORMY, tags=("faults",))
def latency_under_faults(w: Sim) -> None:
    _busy_store(w, rounds=6)
    w.advance(minutes=30)


@scenario("LAT-3", "CON-1", title="crashes at random points lose and duplicate nothing", tags=("crash", "faults"))
def crash_restart(w: Sim) -> None:
    mug = w.shopify.create_product(title="Mug", price="8.00")
    w.sync.enable()
    for n in range(4):
        person = w.shopify.create_customer(email=f"crash{n}@example.com", first_name=f"Crash{n}")
        w.shopify.create_order(lines=[(mug, 1)], customer=person)
        w.advance(seconds=30 * (n + 1))
        w.crash_and_restart()
    w.settle()


@scenario("LAT-3", "CNT-1", "ORD-2", "CRT-1", title="killed mid-tick 12 times at seeded random calls: nothing lost",
          tags=("crash", "faults"))
def crash_inside_ticks(w: Sim) -> None:
    rng = random.Random(w.options.seed)
    mug = w.shopify.create_product(title="Mug", price="8.00")
    people = [w.shopify.create_customer(email=f"kill{i}@example.com", first_name=f"Kill{i}") for i in range(8)]
    w.sync.enable()
    for n in range(12):
        # Between 1 and 12 calls from now (inside a listing, a webhook handler...), or every other round just
        # after one of the next few writes, between the vendor's commit and the implementation's record of it.
        if n % 2:
            w.crash_inside_tick(rng.randint(1, 4), writes_only=True)
        else:
            w.crash_inside_tick(rng.randint(1, 12))
        person = people[n % len(people)]
        w.shopify.update_customer(person, first_name=f"Round{n}")
        w.shopify.create_order(lines=[(mug, 1 + n % 2)], customer=person)
        if n % 3 == 0:
            w.shopify.create_checkout(lines=[(mug, 1)], email=person.email)
            w.hubspot.create("contacts", email=f"hub{n}@example.com", firstname=f"Hub{n}")
        w.advance(minutes=2)
    w.settle()


@scenario("LAT-2", title="the initial sync finishes within the rate-limit bound plus 10 minutes")
def initial_sync_bound(w: Sim) -> None:
    count = 600
    for i in range(count):
        w.shopify.create_customer(email=f"load{i}@example.com", first_name=f"Load{i}")
    start = w.now()
    w.sync.enable("contacts")
    # Bound: Shopify pages of 250 at 2 calls/s after a 40-call burst; HubSpot upserts of 100 at 190 per 10 s.
    bound_seconds = 600 + (count / 250) / 2 + (count / 100) / 19
    done_at = None
    while (w.now() - start).total_seconds() < bound_seconds + 600:
        w.advance(seconds=30)
        if len(w.hubspot.records("contacts")) >= count:
            done_at = w.now()
            break
    took = (done_at - start).total_seconds() if done_at else None
    w.expect(took is not None and took <= bound_seconds, "LAT-2: initial sync within the bound",
             expected=f"<= {bound_seconds:.0f} s", found=took)


@scenario("LAT-1", "CNT-6", shops=("alpha", "beta"), title="a quiet store for two hours: nothing is written (the "
          "judge holds the quiet span to CNT-6), and the polls' idle cost is measured for the report")
def quiet_store(w: Sim) -> None:
    mug = w.shopify.create_product("alpha", title="Quiet Mug", price="8.00")
    buyer = w.shopify.create_customer("alpha", email="quiet.buyer@example.com", first_name="Quiet")
    w.shopify.create_order("alpha", lines=[(mug, 1)], customer=buyer)
    w.shopify.create_customer("beta", email="quiet.other@example.com", first_name="Other")
    w.hubspot.create("contacts", email="still.contact@example.com", firstname="Still")
    w.sync.enable()
    w.idle(hours=2)


@scenario("LAT-3", shops=("alpha", "beta"), title="with every webhook lost, a change after hours of quiet still shows "
          "within 10 minutes (a sync may poll less while idle, not too little)", faults=LOSE_ALL_WEBHOOKS)
def change_after_quiet_hours(w: Sim) -> None:
    mug = w.shopify.create_product("alpha", title="Dusty Mug", price="8.00")
    ada = w.shopify.create_customer("alpha", email="dusty@example.com", first_name="Dusty")
    w.sync.enable()
    w.idle(hours=3)
    _just_after_a_poll(w)
    # The worst moment for a poller: it has just looked. Each change is timed by the DSL's watches, and the judge
    # holds every one to the bound (LAT-3).
    w.shopify.update_customer(ada, first_name="Woken")
    w.advance(minutes=1)
    w.shopify.create_order("alpha", lines=[(mug, 2)], customer=ada)
    w.shopify.create_customer("beta", email="late.riser@example.com", first_name="Late")
    w.settle()


def _just_after_a_poll(w: Sim, *, within_hours: float = 2) -> None:
    """Let time pass tick by tick until the implementation calls a vendor (it polled), at most `within_hours`."""
    seen = len(w.world.audit.entries())
    for _ in range(int(within_hours * 120)):
        w.advance(seconds=30)
        calls = w.world.audit.entries()[seen:]
        if any(e.phase in ("tick", "webhook") for e in calls):
            return
        seen += len(calls)
