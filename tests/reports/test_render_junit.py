"""junit.xml: parses, one suite per docs/spec.md section, MUST failures are failures and nothing else is."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from reports.model import Evidence
from reports.render_junit import write_junit
from tests.reports.sample import build_result, passing_result, spec_requirements


def _cases(root: ET.Element, requirement: str) -> list[ET.Element]:
    return [c for c in root.iter("testcase") if c.get("classname", "").endswith(f".{requirement}")]


def test_junit_parses_and_names_the_failing_requirement(tmp_path: Path) -> None:
    path = write_junit(build_result(), tmp_path)
    assert path.name == "junit.xml"
    root = ET.parse(path).getroot()
    assert root.tag == "testsuites"
    assert [s.get("name", "").split(":")[0] for s in root.findall("testsuite")] == [
        "CON", "SET", "LAT", "CNT", "CMP", "PRD", "ORD", "CRT", "DSH", "MKT"]
    failures = [c for c in root.iter("testcase") if c.find("failure") is not None]
    assert [c.get("classname") for c in failures] == ["shopsync.CNT.CNT-3"]
    failure = failures[0].find("failure")
    assert "CNT-3" in failures[0].get("name", "") and "archived-contact-keeps-customer" in failures[0].get("name", "")
    assert failure.get("message", "").startswith("CNT-3: customer still exists")
    assert "DELETE /admin/api/2024-01/customers/7100000001.json -> 200" in failure.text
    assert "shopsync replay" in failure.text
    assert root.get("failures") == "1" and root.get("errors") == "0"


def test_every_requirement_has_a_testcase_and_the_counts_add_up(tmp_path: Path) -> None:
    root = ET.parse(write_junit(build_result(), tmp_path)).getroot()
    for rid, _, _ in spec_requirements():
        assert _cases(root, rid), rid
    for suite in root.findall("testsuite"):
        cases = suite.findall("testcase")
        assert int(suite.get("tests", "-1")) == len(cases)
        assert int(suite.get("skipped", "-1")) == sum(1 for c in cases if c.find("skipped") is not None)
        assert suite.find("properties/property[@name='seed']").get("value") == "4242"
    assert int(root.get("tests", "0")) == sum(int(s.get("tests", "0")) for s in root.findall("testsuite"))


def test_should_may_waived_and_unexercised_are_not_failures(tmp_path: Path) -> None:
    root = ET.parse(write_junit(build_result(), tmp_path)).getroot()
    should = _cases(root, "MKT-1")
    assert all(c.find("failure") is None for c in should)
    assert "WARNING (SHOULD" in should[0].find("system-out").text
    assert "not duplicated" in _cases(root, "ORD-4")[0].find("system-out").text
    waived = _cases(root, "LAT-1")
    assert any((s := c.find("skipped")) is not None and "waived until 2031-06-30" in s.get("message", "")
               for c in waived)
    (unexercised,) = _cases(root, "DSH-2")
    assert unexercised.find("skipped") is not None


def test_a_passing_run_has_no_failure(tmp_path: Path) -> None:
    root = ET.parse(write_junit(passing_result(), tmp_path)).getroot()
    assert root.get("failures") == "0" and root.get("errors") == "0"


def test_text_xml_cannot_carry_is_replaced(tmp_path: Path) -> None:
    result = build_result()
    cnt3 = next(r for r in result.requirements if r.id == "CNT-3")
    cnt3.evidence[0] = Evidence("CNT-3: body had a \x00 in it", expected="a", found="b\x1b[0m",
                                scenario=cnt3.evidence[0].scenario)
    root = ET.parse(write_junit(result, tmp_path)).getroot()
    assert any("\ufffd" in (c.find("failure").get("message", "")) for c in root.iter("testcase")
               if c.find("failure") is not None)


def test_evidence_naming_two_requirements_fails_both_testcases(tmp_path: Path) -> None:
    result = build_result()
    tagged = Evidence("CNT-2, SET-6: the email-less customer made no contact", expected=["", "has.email"],
                      found=["", "has.email", "walk.in"], scenario="CNT-2/basic", requirements=["CNT-2", "SET-6"])
    for requirement in result.requirements:
        if requirement.id in ("CNT-2", "SET-6"):
            requirement.status, requirement.evidence = "fail", [tagged]
            requirement.scenarios = [{"id": "CNT-2/basic", "seed": 7, "status": "fail"}]
    scenario = next(s for s in result.scenarios if s.id == "CNT-2/basic")
    scenario.status, scenario.requirements, scenario.evidence = "fail", ["CNT-2", "SET-6"], [tagged]
    root = ET.parse(write_junit(result, tmp_path)).getroot()
    for rid in ("CNT-2", "SET-6"):
        [case] = _cases(root, rid)
        failure = case.find("failure")
        assert failure is not None and "fails:    CNT-2, SET-6" in failure.text, rid
