"""The state machine catches a planted bug and shrinks it to a short, readable counterexample."""

from __future__ import annotations

import re

import pytest
from hypothesis import settings
from hypothesis.stateful import run_state_machine_as_test

from tests.property.machine import make_machine
from tests.property.null_impl import NullSync


def test_a_sync_that_does_nothing_is_caught_with_a_short_counterexample():
    machine = make_machine(NullSync, "null")
    with pytest.raises(AssertionError) as failure:
        run_state_machine_as_test(machine, settings=settings(max_examples=10, stateful_step_count=6,
                                                             report_multiple_bugs=False))
    message = str(failure.value)
    assert "replay bundle:" in message
    assert re.search(r"(CNT|PRD)-\d", message)
    notes = getattr(failure.value, "__notes__", [])
    moves = [line for line in notes if "= state." in line or line.strip().startswith("state.")]
    moves = [m for m in moves if "teardown" not in m and "never_errs" not in m]
    assert 1 <= len(moves) <= 4, notes
