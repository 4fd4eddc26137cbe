"""The mutant zoo against the conformance suite: every mutant is rejected for the right reason.

Each mutant of `tests/mutants/zoo.py` runs through `shopsync conform` restricted to the scenarios
that must catch it (`SELECTIONS`). It must be rejected (exit 1) and every requirement it breaks
(`MUTANTS`) must be among the MUST requirements `conformance.json` reports failing, with no scenario
ending in an implementation error (a crash is not a kill for the right reason). The reference
engine must be accepted by the same selections. Each mutant's outcome is written to
`tests/artifacts/mutants/`; `conftest.py` turns them into the kill score per requirement
(`tests/artifacts/mutant-kill-score.json`, printed at the end of the session).
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.mutants.catalogue import MUTANTS, SELECTIONS
from tests.system_tools import CHROMIUM, require_tool

ROOT = Path(__file__).resolve().parents[2]
RESULTS = ROOT / "tests" / "artifacts" / "mutants"
TIMEOUT = 300


def conform(impl: str, only: str, report_dir: Path) -> tuple[int, dict, str]:
    """Run `shopsync conform` on one worker; (exit code, conformance.json, console output)."""
    run = subprocess.run([sys.executable, "-m", "scenarios.cli", "conform", "--impl", impl, "--only", only,
                          "-n", "1", "--report-dir", str(report_dir)],
                         capture_output=True, text=True, timeout=TIMEOUT, cwd=ROOT)
    document_path = report_dir / "conformance.json"
    document = json.loads(document_path.read_text()) if document_path.exists() else {}
    return run.returncode, document, run.stdout[-4000:] + run.stderr[-4000:]


def failing_musts(document: dict) -> dict[str, str]:
    """MUST requirements the run did not pass: id -> status (fail or error)."""
    return {r["id"]: r["status"] for r in document.get("requirements", [])
            if r.get("level") == "MUST" and r.get("status") in ("fail", "error")}


def warned_shoulds(document: dict) -> set[str]:
    """SHOULD and MAY requirements the run found broken (status warn): how a SHOULD rejects an implementation."""
    return {r["id"] for r in document.get("requirements", [])
            if r.get("level") in ("SHOULD", "MAY") and r.get("status") == "warn"}


def test_every_mutant_has_a_selection_and_at_least_fifteen_exist() -> None:
    assert len(MUTANTS) >= 15
    assert set(MUTANTS) == set(SELECTIONS)
    assert all(aims for aims in MUTANTS.values())


@pytest.mark.parametrize("mutant", sorted(MUTANTS), ids=lambda m: m.split(":")[-1])
def test_mutant_is_rejected_naming_the_rule_it_breaks(mutant: str, tmp_path: Path, zoo_run: str) -> None:
    aims = MUTANTS[mutant]
    if "MKT-1" in SELECTIONS[mutant]:
        require_tool(CHROMIUM)  # MKT-1 judges the app page in a browser; CI installs it
    began = time.monotonic()
    code, document, output = conform(mutant, SELECTIONS[mutant], tmp_path)
    failing, warned = failing_musts(document), warned_shoulds(document)
    killed = {rid: failing.get(rid) == "fail" or rid in warned for rid in aims}
    # A mutant that breaks only SHOULDs is rejected by warnings naming them; conform exits 0 for a SHOULD.
    musts = {r["id"] for r in document.get("requirements", []) if r.get("level") == "MUST"}
    wanted_code = 1 if any(rid in musts for rid in aims) else 0
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"{mutant.split(':')[-1]}.json").write_text(json.dumps({
        "run": zoo_run, "mutant": mutant, "aims": list(aims), "selection": SELECTIONS[mutant], "exit_code": code,
        "rejected": code == wanted_code, "failing": failing, "warned": sorted(warned), "killed": killed,
        "seconds": round(time.monotonic() - began, 1)}, indent=2))
    assert code == wanted_code, f"{mutant}: conform exited {code}, not {wanted_code}\n{output}"
    crashed = [s["id"] for s in document.get("scenarios", []) if s.get("status") == "error"]
    assert not crashed, f"{mutant} crashed in {crashed} (a crash is not a kill for the right reason)\n{output}"
    missed = [rid for rid, hit in killed.items() if not hit]
    assert not missed, f"{mutant} was rejected, but not for {missed}: failing MUSTs {failing}, warned {warned}\n" \
                       f"{output}"


def test_reference_is_accepted_by_the_same_selections(tmp_path: Path) -> None:
    only = ",".join(sorted({part for selection in SELECTIONS.values() for part in selection.split(",")}))
    code, document, output = conform("reference", only, tmp_path)
    assert code == 0 and not failing_musts(document) and not warned_shoulds(document), output
