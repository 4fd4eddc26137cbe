"""`shopsync judge DIR`: a saved run judged again from its records, without replaying it.

Each scenario that reached its judgement left the record the judge read (`DIR/records/*.json.gz`); judging it
again gives its verdict under this judge. A scenario that ended before judgement (an implementation error, a
skip, a capability not claimed) keeps the result it had. The comparison with the saved verdicts is what makes
a judge change safe to ship: the same records, the old verdicts and the new ones side by side.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from pathlib import Path

from reports.model import RunResult, ScenarioResult
from reports.redact import Redactor
from scenarios.judge import judge
from scenarios.judge.record import RunRecord
from scenarios.runner import judged, lost_and_duplicated, record_path


@dataclass
class Difference:
    """A scenario whose verdict under this judge is not the saved one."""

    scenario: str
    before: str  # status, then the checks that failed
    after: str


def rejudged(run: RunResult, directory: Path) -> tuple[list[ScenarioResult], list[str]]:
    """The run's scenarios judged again from the records in `directory/records`, and the ids that had none."""
    out, unrecorded = [], []
    for scenario in run.scenarios:
        path = record_path(directory / "records", scenario.id)
        if not path.exists():
            out.append(scenario)
            unrecorded.append(scenario.id)
            continue
        # Redacted by shape as result files are written (the record itself was redacted when saved).
        again = Redactor().in_place(judged(copy.deepcopy(scenario), judge(RunRecord.load(path))))
        again.reliability.records_lost, again.reliability.duplicates = lost_and_duplicated(again.evidence)
        out.append(again)
    return out, unrecorded


def differences(before: list[ScenarioResult], after: list[ScenarioResult]) -> list[Difference]:
    """The scenarios whose status or failed checks changed."""
    old = {s.id: s for s in before}
    found = []
    for scenario in after:
        was = old.get(scenario.id)
        if was is None:
            continue
        if _verdict(was) != _verdict(scenario):
            found.append(Difference(scenario.id, _verdict(was), _verdict(scenario)))
    return found


def _verdict(scenario: ScenarioResult) -> str:
    checks = "; ".join(e.check for e in scenario.evidence)
    return scenario.status + (f" ({checks})" if checks else "")
