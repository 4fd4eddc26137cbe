"""Verdicts from scenario results: levels, waivers, profiles, stale waivers, run comparison."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date

from reports.model import Evidence, LatencySample, RunInfo, ScenarioResult, Waiver
from scenarios.aggregate import aggregate, percentile, summarise_latency
from scenarios.catalogue import requirements
from scenarios.compare import differences

TODAY = date(2026, 11, 29)


def info(profile: str = "ci") -> RunInfo:
    return RunInfo("0.1.0", "test", "1", None, "inprocess", profile, 0)


def result(sid: str, reqs: list[str], status: str = "pass", checks: list[str] = (), latencies=()) -> ScenarioResult:
    return ScenarioResult(sid, sid, reqs, 1, status, evidence=[Evidence(c, 1, 2) for c in checks],
                          latencies=list(latencies))


def every_requirement_passes() -> list[ScenarioResult]:
    return [result(f"{r.id}/ok", [r.id]) for r in requirements()]


def test_every_requirement_is_listed_once_and_a_clean_run_exits_0():
    run = aggregate(every_requirement_passes(), info(), [], TODAY)
    assert [r.id for r in run.requirements] == [r.id for r in requirements()]
    assert run.exit_code == 0
    statuses = {r.id: r.status for r in run.requirements}
    assert statuses["CNT-3"] == "pass" and statuses["ORD-4"] == "info" and statuses["MKT-1"] == "pass"


def test_a_must_failure_named_by_its_evidence_fails_the_run():
    results = every_requirement_passes() + [result("CNT-3/x", ["CNT-3", "CNT-5"], "fail", ["CNT-3: customer deleted"])]
    run = aggregate(results, info(), [], TODAY)
    statuses = {r.id: r.status for r in run.requirements}
    assert statuses["CNT-3"] == "fail" and statuses["CNT-5"] == "pass"
    assert run.exit_code == 1
    assert [w.requirement for w in run.new_waivers] == ["CNT-3"]


def test_should_failures_warn_and_may_are_information():
    results = every_requirement_passes() + [result("LAT-2/x", ["LAT-2"], "fail", ["LAT-2: slow"]),
                                            result("ORD-4/x", ["ORD-4"], "fail", ["ORD-4: duplicated"])]
    run = aggregate(results, info(), [], TODAY)
    statuses = {r.id: r.status for r in run.requirements}
    assert (statuses["LAT-2"], statuses["ORD-4"], run.exit_code) == ("warn", "info", 0)


def test_waivers_apply_expire_go_stale_and_certify_refuses_them():
    failing = every_requirement_passes() + [result("CNT-3/x", ["CNT-3"], "fail", ["CNT-3: deleted"])]
    live = Waiver("CNT-3", "*", "known bug", "2027-01-01")
    expired = Waiver("CNT-3", "*", "old", "2026-01-01")
    stale = Waiver("ORD-1", "ORD-1/ok", "fixed long ago", "2027-01-01")
    run = aggregate(failing, info(), [live, stale], TODAY)
    assert {r.id: r.status for r in run.requirements}["CNT-3"] == "warn" and run.exit_code == 0
    assert run.stale_waivers == [stale]
    assert aggregate(failing, info(), [expired], TODAY).exit_code == 1
    assert aggregate(failing, info("certify"), [live], TODAY).exit_code == 1


def test_unrun_requirements_are_skipped_and_errors_count_as_must_failures():
    run = aggregate([result("CNT-1/x", ["CNT-1"], "error")], info(), [], TODAY)
    statuses = {r.id: r.status for r in run.requirements}
    assert statuses["CNT-1"] == "error" and statuses["ORD-1"] == "skip" and run.exit_code == 1


def test_latency_summary_and_percentiles():
    samples = [LatencySample("contacts", "create", "to_hubspot", "a", "b", s) for s in (30, 60, 90, 700)]
    samples.append(LatencySample("contacts", "create", "to_hubspot", "a", None, None))
    [summary] = summarise_latency(samples)
    assert (summary.count, summary.p50, summary.max, summary.over_bound) == (5, 75.0, 700, 2)
    assert abs(percentile([1, 2, 3, 4], 0.95) - 3.85) < 1e-9 and percentile([], 0.5) is None


def test_runs_compare_on_what_they_judge_only():
    first = aggregate(every_requirement_passes(), info(), [], TODAY)
    second = aggregate(every_requirement_passes(), RunInfo("0.1.0", "test", "1", None, "process", "ci", 0, 99.0), [],
                       TODAY)
    assert differences(first.to_json(), second.to_json()) == []
    broken = aggregate(every_requirement_passes() + [result("CNT-3/x", ["CNT-3"], "fail", ["CNT-3: x"])], info(), [],
                       TODAY)
    assert any(line.startswith("CNT-3") for line in differences(first.to_json(), broken.to_json()))
    assert asdict(first.run) != asdict(second.run)


def test_a_failed_scenario_fails_its_primary_requirement_whatever_its_evidence_names():
    results = every_requirement_passes() + [result("CNT-3/x", ["CNT-3", "CNT-5"], "fail", ["CNT-1: no contact"])]
    statuses = {r.id: r.status for r in aggregate(results, info(), [], TODAY).requirements}
    assert (statuses["CNT-3"], statuses["CNT-1"], statuses["CNT-5"]) == ("fail", "fail", "pass")
