"""Kill score of the mutant zoo per requirement, gathered across pytest-xdist workers.

Each zoo test writes one JSON file into `tests/artifacts/mutants/`, stamped with the id of the test
run (xdist's `testrunuid`, shared by every worker of a run, or a fresh id without xdist). When a
process finishes its session it aggregates the files of its run into
`tests/artifacts/mutant-kill-score.json`; the process that finishes last has seen them all. The
controlling process, when it loaded this conftest (`pytest tests/mutants ...`), aggregates once more
after every worker is done and prints the table.
"""

from __future__ import annotations

import json
import os
import time
import uuid
from pathlib import Path

import pytest

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
RESULTS = ARTIFACTS / "mutants"
SCORE = ARTIFACTS / "mutant-kill-score.json"
RUN_ID = pytest.StashKey[str]()
STARTED = pytest.StashKey[float]()


def kill_score(results: list[dict]) -> dict:
    """Per requirement: mutants aimed at it, mutants the suite killed for it, and which."""
    table: dict[str, dict] = {}
    for result in results:
        name = result["mutant"].split(":")[-1]
        for rid in result["aims"]:
            row = table.setdefault(rid, {"aimed": 0, "killed": 0, "mutants": {}})
            row["aimed"] += 1
            hit = bool(result["killed"].get(rid)) and result.get("rejected", result["exit_code"] == 1)
            row["killed"] += hit
            row["mutants"][name] = "killed" if hit else "survived"
    for row in table.values():
        row["score"] = round(row["killed"] / row["aimed"], 3)
    killed = sum(1 for r in results if r.get("rejected", r["exit_code"] == 1) and all(r["killed"].values()))
    return {"mutants": len(results), "killed": killed, "requirements": dict(sorted(table.items())),
            "seconds": {r["mutant"].split(":")[-1]: r.get("seconds")
                        for r in sorted(results, key=lambda r: r["mutant"])}}


def _write_score(results: list[dict]) -> None:
    if not results:
        return
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    partial = SCORE.with_name(f"{SCORE.name}.{os.getpid()}.tmp")
    partial.write_text(json.dumps(kill_score(results), indent=2) + "\n")
    os.replace(partial, SCORE)


def _results(where) -> list[dict]:
    if not RESULTS.is_dir():
        return []
    found = []
    for path in sorted(RESULTS.glob("*.json")):
        try:
            result = json.loads(path.read_text())
        except (OSError, ValueError):
            continue
        if where(path, result):
            found.append(result)
    return found


def pytest_configure(config: pytest.Config) -> None:
    workerinput = getattr(config, "workerinput", None)
    config.stash[RUN_ID] = (workerinput or {}).get("testrunuid") or uuid.uuid4().hex
    config.stash[STARTED] = time.time()


@pytest.fixture
def zoo_run(request: pytest.FixtureRequest) -> str:
    """The id of this test run (the same in every xdist worker)."""
    return request.config.stash[RUN_ID]


def pytest_sessionfinish(session: pytest.Session) -> None:
    config = session.config
    run = config.stash.get(RUN_ID, None)
    if hasattr(config, "workerinput") or not config.pluginmanager.hasplugin("dsession"):
        # A worker, or a run without xdist: the results of this run.
        _write_score(_results(lambda _path, result: result.get("run") == run))
    else:
        # The xdist controller: every result written since it started (all workers are done).
        started = config.stash.get(STARTED, time.time())
        _write_score(_results(lambda path, _result: path.stat().st_mtime >= started))


def pytest_terminal_summary(terminalreporter, exitstatus: int, config: pytest.Config) -> None:
    started = config.stash.get(STARTED, None)
    if hasattr(config, "workerinput") or started is None or not SCORE.exists() or SCORE.stat().st_mtime < started:
        return
    score = json.loads(SCORE.read_text())
    terminalreporter.section("mutant kill score per requirement")
    terminalreporter.write_line(f"{'requirement':<12}{'killed/aimed':<14}mutants")
    for rid, row in score["requirements"].items():
        names = ", ".join(f"{n}{'' if s == 'killed' else ' (SURVIVED)'}" for n, s in row["mutants"].items())
        terminalreporter.write_line(f"{rid:<12}{row['killed']}/{row['aimed']:<12}{names}")
    terminalreporter.write_line(f"total: {score['killed']}/{score['mutants']} mutants killed; table in {SCORE}")
