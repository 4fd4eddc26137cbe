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


def test_evidence_naming_several_requirements_fails_each_of_them():
    # The scenario is written for CNT-2 first; its check also proves SET-6 (the limit left at its default).
    # The old aggregate read "CNT-2, SET-6" as one unknown id and failed CNT-2 alone.
    results = every_requirement_passes() + [result("CNT-2/x", ["CNT-2", "SET-6"], "fail",
                                                   ["CNT-2, SET-6: the email-less customer made no contact"])]
    run = aggregate(results, info(), [], TODAY)
    statuses = {r.id: r.status for r in run.requirements}
    assert (statuses["CNT-2"], statuses["SET-6"], run.exit_code) == ("fail", "fail", 1)
    [evidence] = next(r for r in run.requirements if r.id == "SET-6").evidence
    assert evidence.requirements == ["CNT-2", "SET-6"]
    assert run.to_json()["scenarios"][-1]["evidence"][0]["requirements"] == ["CNT-2", "SET-6"]


def test_a_tag_naming_a_requirement_outside_the_scenario_fails_it_too():
    results = every_requirement_passes() + [result("CNT-2/x", ["CNT-2"], "fail", ["CNT-2, SET-6: contact made"])]
    statuses = {r.id: r.status for r in aggregate(results, info(), [], TODAY).requirements}
    assert (statuses["CNT-2"], statuses["SET-6"]) == ("fail", "fail")


def test_an_untagged_or_mistagged_check_fails_the_scenarios_first_requirement():
    results = every_requirement_passes() + [result("CNT-2/x", ["CNT-2", "SET-6"], "fail",
                                                   ["no contact", "CNT-2, SETT-6: misspelt"])]
    run = aggregate(results, info(), [], TODAY)
    statuses = {r.id: r.status for r in run.requirements}
    assert (statuses["CNT-2"], statuses["SET-6"]) == ("fail", "pass")
    assert [e.requirements for e in run.scenarios[-1].evidence] == [["CNT-2"], ["CNT-2"]]


def test_check_requirements_reads_the_prefix():
    from reports.model import check_requirements

    assert check_requirements("CNT-2, SET-6: x: y") == ["CNT-2", "SET-6"]
    assert check_requirements("CNT-3: customer deleted") == ["CNT-3"]
    assert check_requirements("CNT-2,CNT-2 : twice") == ["CNT-2"]
    assert check_requirements("no prefix at all") == []
    assert check_requirements("CNT-2, oops: half a prefix") == []
