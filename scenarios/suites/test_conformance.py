"""The pytest entry of the conformance suite: one test per registered scenario.

Run by `shopsync conform` (which adds `-p scenarios.plugin` and the options); `-k`, `-x`, `-n`
(pytest-xdist, each worker with its own worlds) and `--junitxml` work as usual.
"""

from __future__ import annotations

import pytest

from scenarios.runner import load_suites

SCENARIOS = load_suites()


@pytest.mark.parametrize("scenario_id", list(SCENARIOS), ids=list(SCENARIOS))
def test_scenario(scenario_id: str, shopsync_run) -> None:
    shopsync_run(SCENARIOS[scenario_id])
