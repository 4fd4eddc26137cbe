"""The reference engine survives the state machine: every quiet point agrees with the oracle.

Sized by the hypothesis profile: `ci` (the default) replays a handful of derandomized examples, the
same ones every run, so CI is never flaky; nightly runs use HYPOTHESIS_PROFILE=thorough for hundreds of
random ones, and what they find is classified (oracle or engine) and kept in test_counterexamples.py."""

from __future__ import annotations

from hypothesis.stateful import run_state_machine_as_test

from reference.engine import SyncEngine
from tests.property.machine import make_machine


def test_the_reference_engine_agrees_with_the_oracle_at_every_quiet_point():
    run_state_machine_as_test(make_machine(SyncEngine, "reference"))
