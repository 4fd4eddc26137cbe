"""A write the vendor refused (4xx other than 429) changed nothing: it is neither work left for quiescence nor an
echo after it (CNT-6). A sync that keeps trying a record a portal's write rule refuses, as it should (the record
syncs once the rule changes), was judged to be echoing its own writes, and the world never found it quiet."""

from __future__ import annotations

from datetime import datetime, timedelta

import httpx

from fakes.hubspot.write_rules import parse
from harness import InProcess, World
from scenarios.dsl import Sim, SimOptions
from scenarios.judge import history
from scenarios.recording import capture

RULE = {"required": {"contacts": ["phone"]}}


def _create_contact(sim: Sim, phone: str | None = None) -> httpx.Response:
    world = sim.world
    previous, world.audit.phase = world.audit.phase, "tick"
    try:
        props = {"email": "ruled@example.com", **({"phone": phone} if phone else {})}
        return world.client("hubspot").post("/crm/objects/2026-09/contacts", json={"properties": props},
                                            headers={"Authorization": f"Bearer {world.portal.access_token}"})
    finally:
        world.audit.phase = previous


def _cnt6(sim: Sim, quiet_since: datetime) -> list[str]:
    return [e.check for e in history(capture(sim, quiet_at=quiet_since, faults=False))
            if e.check.startswith("CNT-6")]


def test_a_refused_write_after_quiescence_is_no_echo_but_a_made_one_is(sim):
    sim.world.hubspot.portal(sim.world.portal.portal_id).write_rules = parse(RULE)
    quiet_since = sim.now()
    sim.world.advance(timedelta(minutes=5))
    assert _create_contact(sim).status_code == 400
    assert _cnt6(sim, quiet_since) == []
    assert _create_contact(sim, phone="+1 555 0100").status_code == 201
    assert len(_cnt6(sim, quiet_since)) == 1


class _KeepsTrying:
    """An implementation with one contact a rule refuses: it tries it every two minutes, for ever."""

    def __init__(self, transport: httpx.BaseTransport, hubspot_url: str) -> None:
        self.http = httpx.Client(transport=transport, base_url=hubspot_url)
        self.token = ""
        self.next_try: datetime | None = None

    def configure(self, settings: dict) -> None:
        self.token = settings["hubspot"]["access_token"]

    def tick(self, now: datetime) -> dict:
        if self.token and (self.next_try is None or now >= self.next_try):
            self.http.post("/crm/objects/2026-09/contacts", json={"properties": {"email": "ruled@example.com"}},
                           headers={"Authorization": f"Bearer {self.token}"})
            self.next_try = now + timedelta(minutes=2)
        wake = self.next_try.isoformat() if self.next_try else None
        return {"busy": False, "next_wakeup": wake}

    def handle_webhook(self, source: str, headers: dict, body: bytes) -> int:
        return 200


def test_the_world_is_quiet_while_a_refused_write_is_tried_again_and_again():
    world = World(seed=0)
    try:
        sim = Sim(world, InProcess(_KeepsTrying, "keeps-trying"), SimOptions())
        world.hubspot.portal(world.portal.portal_id).write_rules = parse(RULE)
        sim.sync.enable("contacts")
        spent = world.advance_until_quiet(limit=timedelta(hours=1))
        refused = world.audit.entries(lambda e: e.path == "/crm/objects/2026-09/contacts")
        assert refused and all(e.status == 400 for e in refused)
        assert spent < timedelta(minutes=10)
    finally:
        world.close()
