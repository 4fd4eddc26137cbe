"""Fixtures for the reference engine's end-to-end tests: a simulated world with the engine attached."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from harness import FaultSchedule, InProcess, World
from reference.engine import SyncEngine


class Sim:
    """A world with the reference engine attached, and short verbs for the tests."""

    def __init__(self, world: World) -> None:
        self.w = world
        self.pid = world.portal.portal_id

    def enable(self, *names: str, only_with_email: bool = True, objects: dict | None = None, **kw) -> None:
        """Send settings with `names` switched on; fails the test if refused."""
        reply = self.w.configure(self.w.settings(enabled=names, only_with_email=only_with_email, objects=objects, **kw))
        assert reply.accepted, reply.error

    def settle(self) -> None:
        self.w.advance_until_quiet()

    # HubSpot as the judge sees it
    def records(self, object_type: str) -> list:
        return self.w.hubspot.records(self.pid, object_type)

    def contact(self, email: str):
        return self.w.hubspot.contact_by_email(self.pid, email)

    def named(self, object_type: str, name: str, prop: str = "name") -> list:
        return [r for r in self.records(object_type) if (r.properties.get(prop) or "").strip() == name]

    def associated(self, object_type: str, record_id: str, to_type: str) -> list[str]:
        return [i for _, i, _ in self.w.hubspot.associations_of(self.pid, object_type, record_id, to_type)]

    def line_items(self, object_type: str, record_id: str) -> list[tuple[str, int]]:
        items = [self.w.hubspot.record(self.pid, "line_items", i) for i in self.associated(object_type, record_id,
                                                                                           "line_items")]
        return sorted((r.properties.get("name"), int(float(r.properties.get("quantity"))))
                      for r in items if r and not r.archived)

    def external(self, object_type: str, prop: str, rid: int) -> list:
        return [r for r in self.records(object_type) if r.properties.get(prop) == str(rid)]

    # people's edits
    def marketer_create(self, object_type: str, **props):
        return self.w.hubspot.marketer_create(self.pid, object_type, {k: str(v) for k, v in props.items()})

    def marketer_update(self, object_type: str, record_id: str, **props):
        return self.w.hubspot.marketer_update(self.pid, object_type, record_id, {k: str(v) for k, v in props.items()})

    def marketer_archive(self, object_type: str, record_id: str) -> None:
        self.w.hubspot.marketer_archive(self.pid, object_type, record_id)

    def customers(self, shop: str = "alpha") -> list:
        return sorted(self.w.shopify.shop(shop).customers.values(), key=lambda c: c.id)

    def product(self, shop: str, title: str, price: str = "10.00", sku: str | None = None, **fields):
        return self.w.shopify.create_product(shop, {"title": title, **fields, "variants": [{"price": price,
                                                                                            "sku": sku}]})

    def writes(self, fake: str | None = None, since: int = 0) -> list:
        return [e for e in self.w.writes(fake) if e.phase in ("tick", "webhook")][since:]


@pytest.fixture
def sim(tmp_path) -> Iterator[Callable[..., Sim]]:
    """Make a world: `sim("alpha", "beta", faults=..., ops_hub=...)`; closed at the end of the test."""
    made: list[World] = []

    def make(*shops: str, faults: FaultSchedule | None = None, ops_hub: str = "starter", seed: int = 1) -> Sim:
        world = World(seed=seed, faults=faults, workdir=tmp_path / f"world{len(made)}")
        made.append(world)
        world.open_portal(ops_hub=ops_hub)
        for shop in shops or ("alpha",):
            world.install_shop(shop)
        world.attach(InProcess(SyncEngine, "reference"))
        return Sim(world)

    yield make
    for world in made:
        world.close()
