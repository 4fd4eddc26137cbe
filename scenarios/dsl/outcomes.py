"""How a scenario ends other than by its checks: failed at once, skipped on this machine, or broken."""

from __future__ import annotations

from reports.model import Evidence


class ScenarioFailure(AssertionError):
    """A scenario's checks failed; carries the evidence of each."""

    def __init__(self, evidence: list[Evidence]) -> None:
        super().__init__("; ".join(e.check for e in evidence))
        self.evidence = evidence

class ScenarioSkipped(Exception):
    """The scenario cannot run on this machine (a tool it needs is missing): reported as `skip`, with why."""

class ScenarioError(Exception):
    """The implementation could not be driven (crash, timeout): an `error`, not a `fail`."""
