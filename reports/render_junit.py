"""`junit.xml`: one testsuite per docs/spec.md section, one testcase per (requirement, scenario), for CI tools.

Mapping (JUnit has no "warning"):
- a failing MUST requirement gives a `<failure>` (or `<error>` when the scenario crashed) in each scenario that
  shows it, carrying the evidence; a waived one gives `<skipped>` with the waiver;
- SHOULD and MAY problems pass, with what was seen in `<system-out>` (they never fail conformance);
- a requirement no scenario exercised is one `<skipped>` testcase;
- a reliability scenario (behaviour docs/spec.md does not require) is a testcase of its own suite that passes,
  with a failed outcome in `<system-out>` (it never fails conformance).
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

from reports.model import Evidence, RequirementResult, RunResult
from reports.redact import Redactor
from reports.stats import SECTIONS, evidence_for, scenarios_by_id, section

FILENAME = "junit.xml"
# Characters XML 1.0 cannot carry at all (a NUL in a vendor response would make the file unreadable).
_NOT_XML = re.compile(r"[^\x09\x0a\x0d\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def evidence_text(evidence: Evidence, replay: str = "") -> str:
    """The evidence as plain text: check, the requirements it fails, expected, found, the calls that prove it,
    the replay command."""
    lines = [evidence.check]
    if evidence.requirement_ids():
        lines.append(f"fails:    {', '.join(evidence.requirement_ids())}")
    if evidence.record:
        lines.append(f"record:   {evidence.record}")
    lines.append(f"expected: {_compact(evidence.expected)}")
    lines.append(f"found:    {_compact(evidence.found)}")
    if evidence.calls:
        lines.append("calls:")
        for call in evidence.calls:
            fault = f" [fault: {call['fault']}]" if call.get("fault") else ""
            lines.append(f"  {call.get('at', '?')} {call.get('fake', '?')}/{call.get('tenant') or '-'} "
                         f"{call.get('method', '?')} {call.get('path', '?')} -> {call.get('status', '?')} "
                         f"(caller {call.get('caller') or '-'}, {call.get('phase', '?')}){fault}")
    if replay:
        lines.append(f"replay:   {replay}")
    return "\n".join(lines)


def _compact(value: object) -> str:
    return value if isinstance(value, str) else json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)


def _case(suite: ET.Element, requirement: RequirementResult, name: str) -> ET.Element:
    return ET.SubElement(suite, "testcase", {"classname": f"shopsync.{section(requirement.id)}.{requirement.id}",
                                             "name": name})


def _requirement_cases(result: RunResult, requirement: RequirementResult, suite: ET.Element) -> None:
    scenarios = scenarios_by_id(result)
    waiver = requirement.waiver
    # Only a requirement judged failing (an unwaived MUST) yields failures; a scenario that failed on
    # another requirement it also covers passes here, with a note.
    judged_bad = requirement.status in ("fail", "error") and waiver is None
    reported = waived_shown = False
    for entry in requirement.scenarios:
        sid, status = str(entry.get("id", "?")), str(entry.get("status", "skip"))
        scenario = scenarios.get(sid)
        case = _case(suite, requirement, f"{requirement.id} [{requirement.level}] {sid} (seed {entry.get('seed')})")
        own = evidence_for(result, requirement, sid)
        blamed = bool(own) or (scenario is not None and scenario.requirements[:1] == [requirement.id])
        replay = scenario.replay if scenario else ""
        message = (scenario.message if scenario else "") or ""
        text = "\n\n".join(evidence_text(e, replay) for e in own) or "\n".join(
            p for p in (message, f"replay:   {replay}" if replay else "") if p)
        if status in ("fail", "error") and judged_bad and blamed:
            reported = True
            tag = "error" if status == "error" else "failure"
            ET.SubElement(case, tag, {"message": own[0].check if own else message or "requirement not met",
                                      "type": requirement.level}).text = text
        elif status in ("fail", "error") and waiver is not None and blamed:
            waived_shown = True
            ET.SubElement(case, "skipped", {"message": f"waived until {waiver.expires}: {waiver.reason}"}).text = text
        elif status == "skip":
            ET.SubElement(case, "skipped", {"message": message or "not run"})
        elif status in ("fail", "error", "warn", "info") or requirement.note:
            label = {"SHOULD": "WARNING (SHOULD, not a failure)", "MAY": "INFO (MAY, not a failure)"}.get(
                requirement.level, "" if blamed else f"NOTE: the scenario {status}ed on another requirement")
            ET.SubElement(case, "system-out").text = "\n".join(p for p in (label, requirement.note, text) if p)

    if not requirement.scenarios:
        case = _case(suite, requirement, f"{requirement.id} [{requirement.level}] (no scenario)")
        ET.SubElement(case, "skipped", {"message": requirement.note or "no scenario exercised this requirement"})
    elif (judged_bad and not reported) or (waiver is not None and requirement.evidence and not waived_shown):
        # The verdict came from the whole run (e.g. LAT-1 over all samples), not from one scenario.
        case = _case(suite, requirement, f"{requirement.id} [{requirement.level}] verdict over the run")
        text = "\n\n".join(evidence_text(e) for e in requirement.evidence) or requirement.note
        message = requirement.evidence[0].check if requirement.evidence else "requirement not met"
        if waiver is not None:
            ET.SubElement(case, "skipped", {"message": f"waived until {waiver.expires}: {waiver.reason}"}).text = text
        else:
            tag = "error" if requirement.status == "error" else "failure"
            ET.SubElement(case, tag, {"message": message, "type": requirement.level}).text = text


def build_junit(result: RunResult) -> ET.ElementTree:
    """The JUnit document as an ElementTree (sections in docs/spec.md order, then any other prefix)."""
    result = Redactor().copy(result)  # no credential in the file, whatever the result holds
    run = result.run
    root = ET.Element("testsuites", {"name": f"shopsync conformance: {run.implementation}",
                                     "time": f"{run.wall_seconds:.3f}"})
    order = list(SECTIONS) + sorted({section(r.id) for r in result.requirements} - set(SECTIONS))
    for prefix in order:
        requirements = [r for r in result.requirements if section(r.id) == prefix]
        if not requirements:
            continue
        suite = ET.SubElement(root, "testsuite", {"name": f"{prefix}: {SECTIONS.get(prefix, prefix)}"})
        properties = ET.SubElement(suite, "properties")
        for key, value in (("implementation", run.implementation), ("implementation_version",
                           run.implementation_version), ("mode", run.mode), ("profile", run.profile),
                           ("seed", run.seed), ("harness_version", run.harness_version)):
            ET.SubElement(properties, "property", {"name": key, "value": str(value)})
        for requirement in requirements:
            _requirement_cases(result, requirement, suite)
        cases = suite.findall("testcase")
        counts = {tag: sum(1 for c in cases if c.find(tag) is not None) for tag in ("failure", "error", "skipped")}
        suite.attrib.update({"tests": str(len(cases)), "failures": str(counts["failure"]),
                             "errors": str(counts["error"]), "skipped": str(counts["skipped"])})
    if result.reliability.scenarios:
        suite = ET.SubElement(root, "testsuite", {"name": "REL: reliability scenarios (reported, not requirements)"})
        for outcome in result.reliability.scenarios:
            case = ET.SubElement(suite, "testcase", {"classname": "shopsync.REL", "name": str(outcome["id"])})
            if outcome["status"] != "pass":
                ET.SubElement(case, "system-out").text = (f"RELIABILITY ({outcome['status']}, not a failure of "
                                                          f"conformance): {outcome['message']}")
        suite.attrib.update({"tests": str(len(suite.findall("testcase"))), "failures": "0", "errors": "0",
                             "skipped": "0"})
    suites = root.findall("testsuite")
    for attr in ("tests", "failures", "errors", "skipped"):
        root.set(attr, str(sum(int(s.get(attr, "0")) for s in suites)))
    for element in root.iter():
        if element.text:
            element.text = _NOT_XML.sub("\ufffd", element.text)
        for key, value in element.attrib.items():
            element.set(key, _NOT_XML.sub("\ufffd", value))
    ET.indent(root)
    return ET.ElementTree(root)


def write_junit(result: RunResult, directory: Path) -> Path:
    """Write `DIR/junit.xml` (creating DIR) and return its path."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / FILENAME
    build_junit(result).write(path, encoding="utf-8", xml_declaration=True)
    return path
