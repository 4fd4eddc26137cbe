"""A reliability scenario (behaviour docs/spec.md does not require) is reported, and decides no requirement: its
failure neither fails the requirements it exercises nor the run, and shows in conformance.json's reliability
section, the HTML report and JUnit (as a passing testcase with the outcome in its output)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date
from pathlib import Path

from reports.model import Evidence, RunInfo, ScenarioResult
from reports.render_html import write_html
from reports.render_junit import write_junit
from scenarios.aggregate import aggregate

INFO = RunInfo("0.1.0", "reference", "0.1.0", None, "inprocess", "dev", 0)


def _results() -> list[ScenarioResult]:
    judged = ScenarioResult("CNT-1/customer-matches-existing-contact", "matched", ["CNT-1"], 1, "pass")
    refused = ScenarioResult("CNT-1/write-rule-added-mid-run", "a rule refuses writes", ["CNT-1", "LAT-1"], 2,
                             "fail", "CNT-1: a refused customer syncs once the rule is lifted",
                             evidence=[Evidence("CNT-1: a refused customer syncs once the rule is lifted",
                                                "a contact", "none")], kind="reliability")
    return [judged, refused]


def test_a_failed_reliability_scenario_fails_no_requirement_and_is_reported():
    run = aggregate(_results(), INFO, [], date(2026, 12, 3))
    verdicts = {r.id: r for r in run.requirements}
    assert verdicts["CNT-1"].status == "pass" and verdicts["LAT-1"].status == "skip"
    assert [s["id"] for s in verdicts["CNT-1"].scenarios] == ["CNT-1/customer-matches-existing-contact"]
    assert run.exit_code == 0
    assert run.reliability.scenarios == [{"id": "CNT-1/write-rule-added-mid-run", "title": "a rule refuses writes",
                                          "status": "fail",
                                          "message": "CNT-1: a refused customer syncs once the rule is lifted"}]


def test_the_outcome_shows_in_html_and_junit(tmp_path: Path):
    run = aggregate(_results(), INFO, [], date(2026, 12, 3))
    html = write_html(run, tmp_path).read_text(encoding="utf-8")
    assert "Reliability scenarios" in html and "CNT-1/write-rule-added-mid-run" in html
    root = ET.parse(write_junit(run, tmp_path)).getroot()
    [suite] = [s for s in root.findall("testsuite") if s.get("name", "").startswith("REL")]
    [case] = suite.findall("testcase")
    assert case.get("name") == "CNT-1/write-rule-added-mid-run" and case.find("failure") is None
    assert "syncs once the rule is lifted" in (case.findtext("system-out") or "")
    assert root.get("failures") == "0"
