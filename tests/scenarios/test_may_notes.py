"""MAY requirements are information: the report must still say what the implementation did (ORD-4, CRT-2)."""

from __future__ import annotations

from datetime import date

import pytest

from reports.model import RunInfo
from scenarios.aggregate import aggregate
from scenarios.runner import ImplSpec, load_suites, run_scenario


@pytest.mark.parametrize(("scenario", "requirement"), [("ORD-4/pre-imported-orders", "ORD-4"),
                                                       ("CRT-2/carts-resync", "CRT-2")])
def test_a_may_scenarios_observation_reaches_its_requirement_in_the_report(scenario, requirement):
    result = run_scenario(load_suites()[scenario], ImplSpec("reference"), run_seed=0)
    assert result.status == "pass", result.message
    assert any(note.startswith(f"{requirement}:") for note in result.notes), result.notes
    run = aggregate([result], RunInfo("0.1.0", "test", "1", None, "inprocess", "ci", 0), [], date(2026, 11, 29))
    verdict = next(r for r in run.requirements if r.id == requirement)
    assert verdict.status == "info"
    assert "duplicated" in verdict.note, verdict.note
