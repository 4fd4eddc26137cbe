"""The judge: checkers over a recorded run (`RunRecord`), composed.

A checker reads a run (a `RunView` of its record; never the world, never the DSL) and returns the evidence of
every breach of its rules. There is one per object type (contacts, custom mappings, products, companies,
orders, carts), the history checks of the audit log, the latency bound, and the scenario's own checks; `compose`
joins checkers, `when_on` keeps one to a run whose sync of an object is on at the end. What a sync may not have
seen is modelled once, in `indeterminacy`; the spec's small rules live in `rules`. `judge(record)` is the whole
verdict: empty, the implementation conforms in this run.
"""

from __future__ import annotations

from reports.model import Evidence
from scenarios.judge.carts import check_carts
from scenarios.judge.companies import check_companies
from scenarios.judge.contacts import check_contacts
from scenarios.judge.history import check_history
from scenarios.judge.latency import check_latency
from scenarios.judge.mappings import check_mappings
from scenarios.judge.orders import check_orders
from scenarios.judge.products import check_products
from scenarios.judge.record import RunRecord
from scenarios.judge.view import Checker, RunView

__all__ = ["END_STATE", "JUDGE", "Checker", "RunRecord", "RunView", "compose", "end_state", "history", "judge",
           "when_on"]


def compose(*checkers: Checker) -> Checker:
    """One checker that runs each in turn: their evidence, in that order."""
    def composed(view: RunView) -> list[Evidence]:
        return [evidence for checker in checkers for evidence in checker(view)]
    return composed


def when_on(obj: str, *checkers: Checker) -> Checker:
    """The checkers, for a run whose sync of `obj` is on at the end (off, nothing of it is owed)."""
    inner = compose(*checkers)
    return lambda view: inner(view) if view.enabled(obj) else []


def scenario_checks(view: RunView) -> list[Evidence]:
    """What the scenario itself found while it ran (its `expect`s)."""
    return list(view.record.failures)


END_STATE = compose(when_on("contacts", check_contacts, check_mappings), when_on("products", check_products),
                    when_on("companies", check_companies), when_on("orders", check_orders),
                    when_on("carts", check_carts))
JUDGE = compose(scenario_checks, END_STATE, check_history, check_latency)


def judge(record: RunRecord, checker: Checker = JUDGE) -> list[Evidence]:
    """The verdict on a recorded run: the scenario's own failed checks, the end state, the history of calls and
    the latency bound, in that order."""
    return checker(RunView(record))


def end_state(record: RunRecord) -> list[Evidence]:
    """Every difference between the end state the history calls for and the one both fakes hold."""
    return judge(record, END_STATE)


def history(record: RunRecord) -> list[Evidence]:
    """Every rule the implementation's calls broke (the audit log's checks)."""
    return judge(record, check_history)
