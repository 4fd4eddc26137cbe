"""A hypothesis state machine of the world: merchants, marketers, settings and time, judged by the oracle.

Rules are the actors' moves; the invariant after each quiet point is the oracle's expected state in
both systems plus the history checks. A failing run shrinks to a short list of moves, printed with
the scenario history as a replay bundle.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable
from pathlib import Path

from hypothesis import strategies as st
from hypothesis.stateful import Bundle, RuleBasedStateMachine, initialize, invariant, rule

from harness import InProcess, World
from scenarios.dsl import Sim, SimOptions
from scenarios.judge import judge as verdict
from scenarios.recording import recorded

NAMES = st.sampled_from(["Ada", "Grace", "Alan", "Edsger", "Barbara", "Ken", "Zoé", "Łukasz", "محمد"])
PEOPLE = ("ada", "grace", "alan", "edsger", "barbara", "ken")
PRODUCTS = st.sampled_from(["Mug", "Poster", "Tote", "Cap"])
SHOPS = ("alpha", "beta")
# An actor's move comes at the instant of the move before it or two seconds later (see SyncWorld.pause).
AFTER = st.sampled_from([0, 2])

_WORLD: World | None = None


def shared_world() -> World:
    """One in-process world for the whole session, reset per example (microseconds, not a rebuild)."""
    global _WORLD
    if _WORLD is None:
        _WORLD = World(seed=0)
    return _WORLD


def make_machine(factory: Callable, name: str = "implementation",
                 people: tuple[str, ...] = PEOPLE) -> type[RuleBasedStateMachine]:
    """A state machine class that drives the implementation made by `factory`, its customers and contacts taken
    from `people` (fewer people: more of the moves meet on one person, which a short run needs to find a bug
    in matching)."""
    persons = st.sampled_from(people)

    class SyncWorld(RuleBasedStateMachine):
        customers = Bundle("customers")
        products = Bundle("products")
        contacts = Bundle("contacts")

        def __init__(self) -> None:
            super().__init__()
            world = shared_world()
            world.reset()
            self.sim = Sim(world, InProcess(factory, name), SimOptions(shops=SHOPS))
            self.emails: set[tuple[str, str]] = set()

        @initialize()
        def switch_everything_on(self) -> None:
            self.sim.sync.enable("contacts", "products", "orders", "carts")

        @rule(target=customers, shop=st.sampled_from(SHOPS), person=persons, name=NAMES,
              case=st.sampled_from(["lower", "upper", "padded"]), after=AFTER)
        def merchant_creates_customer(self, shop, person, name, case, after=0):
            self.pause(after)
            if (shop, person) in self.emails:
                return None
            self.emails.add((shop, person))
            email = {"lower": f"{person}@example.com", "upper": f"{person.upper()}@Example.com",
                     "padded": f"  {person}@example.com "}[case]
            if self.sim.world.shopify.shop(shop).customer_by_email(email) is not None:
                return None  # the sync made this person here already: Shopify would refuse the email as taken
            return self.sim.shopify.create_customer(shop, email=email, first_name=name)

        @rule(customer=customers, name=NAMES, after=AFTER)
        def merchant_renames_customer(self, customer, name, after=0):
            self.pause(after)
            if customer is not None and self.sim.shopify.customer(customer) is not None:
                self.sim.shopify.update_customer(customer, first_name=name)

        @rule(customer=customers, after=AFTER)
        def merchant_deletes_customer(self, customer, after=0):
            self.pause(after)
            if customer is None or self.sim.shopify.customer(customer) is None:
                return
            if any(o.customer_id == customer.id for o in self.sim.world.shopify.shop(customer.shop).orders.values()):
                return
            self.sim.shopify.delete_customer(customer)

        @rule(target=contacts, person=persons, name=NAMES, after=AFTER)
        def marketer_creates_contact(self, person, name, after=0):
            self.pause(after)
            if self.sim.hubspot.contact_by_email(f"{person}@example.com") is not None:
                return None
            return self.sim.hubspot.create("contacts", email=f"{person}@example.com", firstname=name)

        @rule(contact=contacts, name=NAMES, after=AFTER)
        def marketer_renames_contact(self, contact, name, after=0):
            self.pause(after)
            record = self.sim.hubspot.record("contacts", contact.id) if contact else None
            if record is not None and not record.archived:
                self.sim.hubspot.update(contact, firstname=name)

        @rule(contact=contacts, after=AFTER)
        def marketer_archives_contact(self, contact, after=0):
            self.pause(after)
            record = self.sim.hubspot.record("contacts", contact.id) if contact else None
            if record is not None and not record.archived:
                self.sim.hubspot.archive(contact)

        @rule(target=products, shop=st.sampled_from(SHOPS), title=PRODUCTS, variants=st.integers(1, 3),
              price=st.integers(1, 99), after=AFTER)
        def merchant_creates_product(self, shop, title, variants, price, after=0):
            self.pause(after)
            if any(p.title == title for p in self.sim.world.shopify.shop(shop).products.values()):
                return None
            specs = [{"option1": f"V{i}", "price": f"{price + i}.00"} for i in range(variants)]
            return self.sim.shopify.create_product(shop, title=title, variants=specs)

        @rule(product=products, price=st.integers(1, 99), after=AFTER)
        def merchant_reprices_product(self, product, price, after=0):
            self.pause(after)
            if product is not None and product.id in self.sim.world.shopify.shop(product.shop).products:
                self.sim.shopify.update_product(product, price=f"{price}.00")

        @rule(product=products, after=AFTER)
        def merchant_deletes_product(self, product, after=0):
            self.pause(after)
            if product is not None and product.id in self.sim.world.shopify.shop(product.shop).products:
                self.sim.shopify.delete_product(product)

        @rule(customer=customers, product=products, quantity=st.integers(1, 3), paid=st.booleans(), after=AFTER)
        def shopper_orders(self, customer, product, quantity, paid, after=0):
            self.pause(after)
            if customer is None or product is None or customer.shop != product.shop:
                return
            shop = self.sim.world.shopify.shop(customer.shop)
            if customer.id not in shop.customers or product.id not in shop.products:
                return
            self.sim.shopify.create_order(customer.shop, lines=[(product, quantity)], customer=customer,
                                          financial_status="paid" if paid else "pending")

        @rule(product=products, person=persons, after=AFTER)
        def shopper_abandons_checkout(self, product, person, after=0):
            self.pause(after)
            if product is not None and product.id in self.sim.world.shopify.shop(product.shop).products:
                self.sim.shopify.create_checkout(product.shop, lines=[(product, 1)], email=f"{person}@example.com")

        @rule(minutes=st.integers(1, 20))
        def time_passes(self, minutes):
            self.sim.advance(minutes=minutes)

        def pause(self, seconds: int) -> None:
            """The seconds between a move and the one before it, too few for the sync to tick: with a pause, the
            move's change is strictly newer than the last (at one instant the two tie, and the oracle lets either
            win) and neither has been synced yet."""
            if seconds:
                self.sim.moment(seconds)

        @invariant()
        def the_implementation_never_errs(self) -> None:
            assert self.sim.world.stats.errors == [], self.sim.world.stats.errors

        @rule()
        def quiet_point(self) -> None:
            """Let the sync settle, then hold it to the oracle and the history checks."""
            self.judge()

        def judge(self) -> None:
            sim = self.sim
            sim.world.advance_until_quiet()
            quiet = sim.world.now()
            # Past the 10-minute bound and no further: enough for a late change or an echo to show, and
            # each quiet point costs a few dozen ticks instead of a hundred (shrinking replays them often).
            sim.world.advance(11 * 60)
            record, _ = recorded(sim, quiet_at=quiet, faults=False, secrets=set())
            keep = os.environ.get("SHOPSYNC_KEEP_RECORDS")
            if keep:  # the records of the counterexamples' quiet points, kept as judge tests (tests/judge/)
                test = re.sub(r"\W+", "_", os.environ.get("PYTEST_CURRENT_TEST", "run").split("::")[-1].split(" ")[0])
                self.kept = getattr(self, "kept", 0) + 1
                record.save(Path(keep) / f"{test.removeprefix('test_')}-{self.kept}.json.gz")
            evidence = [e for e in verdict(record) if not e.check.startswith("LAT-")]  # told below, per change
            late = [s for s in sim.latency_samples() if s.seconds is None or s.seconds > 600]
            if evidence or late:
                bundle = {"bundle": "shopsync-property/1", "implementation": name, "seed": 0,
                          "history": [{"at": c.at.isoformat(), "system": c.system, "object": c.object,
                                       "op": c.op, "shop": c.shop, "id": c.id} for c in sim.history.changes]}
                lines = [f"{e.check}: expected {e.expected!r}, found {e.found!r}" for e in evidence[:8]]
                lines += [f"LAT-1: {s.object} {s.operation} took {s.seconds}" for s in late[:5]]
                raise AssertionError("\n".join(lines) + "\nreplay bundle: " + json.dumps(bundle))

        def teardown(self) -> None:
            try:
                if not self.sim.world.stats.errors:
                    self.judge()
            finally:
                self.sim.world.reset()

    SyncWorld.__name__ = f"SyncWorld_{name}"
    return SyncWorld
