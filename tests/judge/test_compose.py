"""Checkers compose: the judge is `compose(...)` of its parts, and a user's own checker joins the same way."""

from __future__ import annotations

from reports.model import Evidence
from scenarios.judge import END_STATE, compose, judge, when_on
from scenarios.judge.view import RunView
from tests.judge.histories import customer, run

ADA = "ada@example.com"


def test_an_object_whose_sync_is_off_at_the_end_is_owed_nothing():
    history = [customer("create", 0, "alpha", 1, email=ADA, first_name="Ada")]
    assert [e.check for e in judge(run(history), END_STATE)] == [f"CNT-1: no HubSpot contact for {ADA}"]
    assert judge(run(history, enabled=("products",)), END_STATE) == []


def test_a_checker_of_ones_own_composes_with_the_judges_in_order():
    def no_customer_named_ada(view: RunView) -> list[Evidence]:
        return [Evidence("CNT-5: Ada found", "nobody", c["id"]) for shop in view.shops
                for c in view.customers(shop) if c.get("first_name") == "Ada"]

    history = [customer("create", 0, "alpha", 1, email=ADA, first_name="Ada")]
    record = run(history, customers={"alpha": [{"id": 1, "email": ADA, "first_name": "Ada"}]})
    checker = compose(when_on("contacts", no_customer_named_ada), END_STATE)
    assert [e.check for e in judge(record, checker)] == ["CNT-5: Ada found", f"CNT-1: no HubSpot contact for {ADA}"]
    assert judge(record, when_on("orders", no_customer_named_ada)) == []
