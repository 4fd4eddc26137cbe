"""The counterexamples the property runs found, as judge tests: the record of each quiet point the reference
reached (tests/property/test_counterexamples.py replays them with the engine) judged without any engine.

Most of them were judge bugs (the old oracle faulted a right sync); each record holds the history that fooled it
and the end state the reference left, so the judge must accept every one. To make them again after a change to
the machine or the fakes: `SHOPSYNC_KEEP_RECORDS=tests/judge/counterexamples pytest -n 0
tests/property/test_counterexamples.py` (delete the old files first).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from scenarios.judge import judge
from scenarios.judge.record import RunRecord

RECORDS = sorted((Path(__file__).parent / "counterexamples").glob("*.json.gz"))


def test_every_counterexample_left_its_records() -> None:
    replays = (Path(__file__).parents[1] / "property" / "test_counterexamples.py").read_text()
    names = {line.split("(")[0].removeprefix("def test_") for line in replays.splitlines()
             if line.startswith("def test_")}
    assert names and names == {p.name.rsplit("-", 1)[0] for p in RECORDS}


@pytest.mark.parametrize("path", RECORDS, ids=[p.name.removesuffix(".json.gz") for p in RECORDS])
def test_the_judge_accepts_what_the_reference_did(path: Path) -> None:
    record = RunRecord.load(path)
    assert record.history, "a counterexample without history proves nothing"
    assert [e.check for e in judge(record)] == []
