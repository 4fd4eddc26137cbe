"""`conform --shard K/N` + `report --merge`, and `conform --rerun-failed`: the same verdicts as one run."""

from __future__ import annotations

import json
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from reports.model import RunInfo, ScenarioResult
from scenarios.compare import differences
from scenarios.shards import MergeError, in_shard, merge_infos, parse_shard, with_reruns

ROOT = Path(__file__).resolve().parents[2]
ONLY = "CNT-4,CON-3,SET-4"  # six quick scenarios
MUTANT = "tests.mutants.zoo:ArchivesContactOnCustomerDelete"  # fails CNT-4's scenarios, passes the others


def _conform(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "scenarios.cli", "conform", "-n", "1", *args],
                          capture_output=True, text=True, timeout=600, cwd=ROOT)


def _document(directory: Path) -> dict:
    return json.loads((directory / "conformance.json").read_text())


def _cases(directory: Path) -> list[tuple[str, str, bool]]:
    root = ET.parse(directory / "junit.xml").getroot()
    return sorted((case.get("classname") or "", case.get("name") or "", case.find("failure") is not None)
                  for case in root.iter("testcase"))


def test_a_shard_is_k_over_n_and_the_shards_partition_the_selection() -> None:
    ids = {f"X-{i}/s{i}": i for i in range(11)}
    for n in range(1, 6):
        shards = [in_shard(ids, (k, n)) for k in range(1, n + 1)]
        assert sorted(sid for shard in shards for sid in shard) == sorted(ids)
        assert max(len(s) for s in shards) - min(len(s) for s in shards) <= 1
    assert in_shard(ids, None) == ids
    assert parse_shard(" 2/4 ") == (2, 4)
    for bad in ("0/2", "3/2", "1", "a/b", ""):
        with pytest.raises(ValueError):
            parse_shard(bad)


def test_only_shards_of_one_run_merge() -> None:
    one = RunInfo("h", "reference", "1", None, "inprocess", "ci", 5, 10.0, 2, shard="1/2")
    other = RunInfo("h", "reference", "1", None, "inprocess", "ci", 5, 30.0, 2, shard="2/2")
    merged = merge_infos([one, other])
    assert (merged.wall_seconds, merged.workers, merged.shard) == (30.0, 4, None)
    with pytest.raises(MergeError, match="seed"):
        merge_infos([one, RunInfo("h", "reference", "1", None, "inprocess", "ci", 6)])
    with pytest.raises(MergeError, match="mode"):
        merge_infos([one, RunInfo("h", "reference", "1", None, "process", "ci", 5)])


def test_reruns_take_the_place_of_the_old_results() -> None:
    def result(sid: str, status: str) -> ScenarioResult:
        return ScenarioResult(sid, sid, [sid.split("/")[0]], 1, status)
    before = [result("A-1/a", "pass"), result("B-1/b", "fail"), result("C-1/c", "error")]
    after = with_reruns(before, [result("B-1/b", "pass")])
    assert [(r.id, r.status) for r in after] == [("A-1/a", "pass"), ("B-1/b", "pass"), ("C-1/c", "error")]


def test_sharded_then_merged_equals_one_run(tmp_path: Path) -> None:
    whole, first, second, merged = (tmp_path / name for name in ("whole", "s1", "s2", "merged"))
    codes = [_conform("--impl", MUTANT, "--only", ONLY, "--seed", "4", "--report-dir", str(whole)).returncode]
    for k, directory in ((1, first), (2, second)):
        run = _conform("--impl", MUTANT, "--only", ONLY, "--seed", "4", "--shard", f"{k}/2",
                       "--report-dir", str(directory))
        assert run.returncode in (0, 1), run.stderr
        assert _document(directory)["run"]["shard"] == f"{k}/2"
    ran = [{s["id"] for s in _document(d)["scenarios"]} for d in (first, second)]
    assert ran[0] and ran[1] and not ran[0] & ran[1]
    joined = subprocess.run([sys.executable, "-m", "scenarios.cli", "report", "--merge", str(first), str(second),
                             "--report-dir", str(merged)], capture_output=True, text=True, timeout=120, cwd=ROOT)
    codes.append(joined.returncode)
    assert codes == [1, 1], joined.stdout + joined.stderr  # the mutant fails CNT-4 in both
    assert differences(_document(whole), _document(merged)) == []
    assert _cases(whole) == _cases(merged)
    assert (merged / "index.html").exists() and list((merged / "replays").glob("*.json"))
    # The shards' run records come along: the merged run judges again to the same verdicts.
    assert {p.name for p in (whole / "records").glob("*")} == {p.name for p in (merged / "records").glob("*")}
    rejudged = subprocess.run([sys.executable, "-m", "scenarios.cli", "judge", str(merged), "--check"],
                              capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert rejudged.returncode == 1 and "verdicts: the same as the run" in rejudged.stdout, rejudged.stdout
    again = subprocess.run([sys.executable, "-m", "scenarios.cli", "report", "--merge", str(first), str(first),
                            "--report-dir", str(tmp_path / "twice")], capture_output=True, text=True, cwd=ROOT)
    assert again.returncode == 2 and "in two of the reports" in again.stderr


def test_rerun_failed_runs_only_the_failures_with_the_runs_seed(tmp_path: Path) -> None:
    first, rerun = tmp_path / "first", tmp_path / "rerun"
    assert _conform("--impl", MUTANT, "--only", ONLY, "--seed", "9", "--report-dir", str(first)).returncode == 1
    failing = [s for s in _document(first)["scenarios"] if s["status"] in ("fail", "error")]
    assert failing and all("CNT-4" in s["requirements"] for s in failing)
    failed = sorted(s["id"] for s in failing)
    again = _conform("--rerun-failed", str(first / "conformance.json"), "--report-dir", str(rerun))
    assert again.returncode == 1, again.stderr
    assert f"rerunning {len(failed)} failed scenario(s)" in again.stdout and "at seed 9" in again.stdout
    assert sorted(p.stem.replace("__", "/") for p in (rerun / "results").glob("*.json")) == failed
    document = _document(rerun)
    assert document["run"]["seed"] == 9 and document["run"]["implementation"] == MUTANT
    assert {s["id"] for s in document["scenarios"]} == {s["id"] for s in _document(first)["scenarios"]}
    assert differences(_document(first), document) == []  # deterministic: the same failures again
    # The rerun's report directory holds every scenario's record: the rerun ones anew, the others copied.
    assert {p.name for p in (first / "records").glob("*")} == {p.name for p in (rerun / "records").glob("*")}
