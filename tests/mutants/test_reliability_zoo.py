"""The reliability mutants (`zoo_reliability.py`) each fail the reliability scenario aimed at them, on the check
that names what they got wrong, without a verdict on any requirement; the reference passes it."""

from __future__ import annotations

import pytest

from scenarios.runner import ImplSpec, load_suites, run_scenario
from tests.mutants.zoo_reliability import RELIABILITY_MUTANTS

SEEDS = (0, 7)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("mutant", sorted(RELIABILITY_MUTANTS), ids=lambda m: m.split(":")[-1])
def test_reliability_mutant_fails_its_scenario_on_the_right_check(mutant: str, seed: int) -> None:
    scenario, words = RELIABILITY_MUTANTS[mutant]
    result = run_scenario(load_suites()[scenario], ImplSpec(name=mutant), seed)
    assert result.kind == "reliability"
    assert result.status == "fail", result.message
    assert any(words in e.check for e in result.evidence), [e.check for e in result.evidence]


@pytest.mark.parametrize("seed", SEEDS)
def test_reference_passes_the_reliability_scenarios(seed: int) -> None:
    for spec in load_suites().values():
        if spec.kind == "reliability":
            result = run_scenario(spec, ImplSpec(name="reference"), seed)
            assert result.status == "pass", (spec.id, result.message, [e.found for e in result.evidence])
            assert not result.notes, result.notes  # the reference writes through 2026-09: it was refused
