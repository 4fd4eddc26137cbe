"""Recording a run for the judge: the world at its quiet point, turned into a `RunRecord` of plain data.

This is the one module that reads the live world on the judge's behalf; the checkers in scenarios/judge/
see only the record, so a saved run judges the same way as a live one.
"""

from __future__ import annotations

from datetime import datetime

from reports.redact import Redactor
from scenarios.dsl import Sim
from scenarios.judge.record import Call, Change, Delivery, HubRecord, HubState, LinesSeen, RunRecord, ShopState, plain

HUBSPOT_TYPES = ("contacts", "companies", "products", "orders", "carts")
ASSOCIATED = {"orders": ("contacts", "line_items"), "carts": ("contacts", "line_items", "orders")}


def capture(sim: Sim, *, quiet_at: datetime | None, faults: bool) -> RunRecord:
    """The run as it stands now (the quiet point, or the end of a scenario that failed first)."""
    world = sim.world
    return RunRecord(
        shops=list(sim.options.shops), uninstalled=sorted(sim.uninstalled),
        settings={"objects": plain(sim.sync.objects)},
        history=[Change(c.at, c.system, c.object, c.op, c.shop, c.id, plain(c.data), plain(c.record))
                 for c in sim.history.changes],
        shopify={shop: _shop(sim, shop) for shop in sim.options.shops},
        hubspot=_portal(sim),
        calls=[Call(e.seq, e.at, e.fake, e.tenant, e.method, e.path, e.query, e.status, e.caller, e.phase, e.fault,
                    e.read_only, e.operation, e.cost, tuple(e.fields), e.route, e.throttled)
               for e in world.audit.entries()],
        deliveries=[Delivery(d.at, d.source, d.topic, d.status, d.fault, d.injected) for d in world.stats.deliveries],
        lines_seen=[LinesSeen(s.object_type, s.shop, s.id, s.hubspot_id, dict(s.names)) for s in sim.lines_seen],
        latencies=sim.latency_samples(), failures=list(sim.failures), quiet_at=quiet_at, faults=faults,
        quiet_spans=[(start, end) for start, end, _, _ in sim.idle_windows])


def recorded(sim: Sim, *, quiet_at: datetime | None, faults: bool, secrets: set[str]) -> tuple[RunRecord, dict]:
    """The record as the judge reads it and as it is saved: captured, made JSON, redacted, read back. Judging
    this very form in the run is what makes `shopsync judge DIR` give the run's verdicts."""
    data = plain(Redactor(secrets).value(capture(sim, quiet_at=quiet_at, faults=faults).to_json()))
    return RunRecord.from_json(data), data


def _shop(sim: Sim, shop: str) -> ShopState:
    store = sim.world.shopify
    state = store.shop(shop)
    book = store.company_book(shop)
    return ShopState(
        customers=plain([c.rest(state.info) for _, c in sorted(state.customers.items())]),
        products=plain([p.rest(state.info) for _, p in sorted(state.products.items())]),
        orders=plain([store.order_json(state, o) for _, o in sorted(state.orders.items())]),
        checkouts=plain([{"id": c.id, "email": c.email, "completed_at": c.completed_at, "order_id": c.order_id,
                          "line_items": [{"title": li.title, "quantity": li.quantity} for li in c.line_items]}
                         for _, c in sorted(state.checkouts.items())]),
        companies=[{"id": c.id, "name": c.name, "domain": book.domain_of(c)} for c in book.list()])


def _portal(sim: Sim) -> HubState:
    marketer = sim.hubspot
    state = HubState()
    for object_type in HUBSPOT_TYPES:
        state.records[object_type] = [HubRecord(r.id, plain(dict(r.properties)))
                                      for r in marketer.records(object_type)]
    for object_type, targets in ASSOCIATED.items():
        for record in state.records[object_type]:
            for target in targets:
                state.associations[f"{object_type}/{record.id}/{target}"] = marketer.associated(
                    object_type, record.id, target)
            state.line_items[f"{object_type}/{record.id}"] = [
                HubRecord(li.id, plain(dict(li.properties))) for li in marketer.line_items(object_type, record.id)]
    live = {r.id for r in state.records["contacts"]}
    portal = marketer.store.portal(marketer.portal_id)
    state.emails = {email: cid for email, cid in sorted(portal.email_index.items()) if cid in live}
    return state
