"""The judge: checkers over a recorded run (`RunRecord`), composed.

Each checker reads the record only (never the world, never the DSL) and returns the evidence of every rule the
implementation broke: one per object type (contacts, custom mappings, products, companies, orders, carts), the
history checks of the audit log, and the latency bound. What a sync may not have seen is modelled once, in
`indeterminacy`; the spec's small rules live in `rules`. `judge(record)` is the whole verdict: empty, the
implementation conforms in this run.
"""

from __future__ import annotations

from reports.model import Evidence
from scenarios.judge.carts import check_carts
from scenarios.judge.companies import check_companies
from scenarios.judge.contacts import check_contacts, contact_groups
from scenarios.judge.history import check_history
from scenarios.judge.latency import check_latency
from scenarios.judge.mappings import check_mappings
from scenarios.judge.orders import check_orders
from scenarios.judge.products import check_products
from scenarios.judge.record import RunRecord
from scenarios.judge.view import RunView

__all__ = ["RunRecord", "end_state", "history", "judge"]


def end_state(record: RunRecord) -> list[Evidence]:
    """Every difference between the end state the history calls for and the one both fakes hold, for the objects
    whose sync is on at the end."""
    view = RunView(record)
    groups = contact_groups(view)  # orders and carts need to know when a person's contact was archived
    if view.enabled("contacts"):
        check_contacts(view)
        check_mappings(view)
    if view.enabled("products"):
        check_products(view)
    if view.enabled("companies"):
        check_companies(view)
    if view.enabled("orders"):
        check_orders(view, groups)
    if view.enabled("carts"):
        check_carts(view, groups)
    return view.evidence


def history(record: RunRecord) -> list[Evidence]:
    """Every rule the implementation's calls broke (the audit log's checks)."""
    return check_history(RunView(record))


def judge(record: RunRecord) -> list[Evidence]:
    """The verdict on a recorded run: the scenario's own failed checks, the end state, the history of calls and
    the latency bound, in that order."""
    view = RunView(record)
    return [*record.failures, *end_state(record), *check_history(view), *check_latency(view)]
