"""conformance.json: round trip, stable text, one entry per docs/spec.md requirement."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from reports.model import Evidence
from reports.render_json import read_json, write_json
from tests.reports.sample import build_result, spec_requirements


def test_round_trip_gives_back_the_same_result(tmp_path: Path) -> None:
    result = build_result()
    path = write_json(result, tmp_path / "out")
    assert path == tmp_path / "out" / "conformance.json"
    assert read_json(path) == result
    assert read_json(tmp_path / "out") == result  # a directory names its conformance.json


def test_text_is_stable_pretty_and_sorted(tmp_path: Path) -> None:
    first = write_json(build_result(), tmp_path / "a").read_bytes()
    second = write_json(build_result(), tmp_path / "b").read_bytes()
    assert first == second
    text = first.decode("utf-8")
    document = json.loads(text)
    assert text == json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    assert document["schema"] == "shopsync-conformance/1"


def test_one_entry_per_requirement_with_its_verdict_and_evidence(tmp_path: Path) -> None:
    document = json.loads(write_json(build_result(), tmp_path).read_text(encoding="utf-8"))
    assert [r["id"] for r in document["requirements"]] == [i for i, _, _ in spec_requirements()]
    entry = next(r for r in document["requirements"] if r["id"] == "CNT-3")
    assert entry["status"] == "fail" and entry["level"] == "MUST"
    first = entry["scenarios"][0]
    assert (first["id"], first["status"]) == ("CNT-3/archived-contact-keeps-customer", "fail")
    assert isinstance(first["seed"], int)
    evidence = entry["evidence"][0]
    assert evidence["expected"]["exists"] is True and evidence["found"]["exists"] is False
    assert any(call["method"] == "DELETE" for call in evidence["calls"])
    assert {"lane", "kind", "at", "text"} <= set(evidence["timeline"][0])
    assert document["efficiency"]["contacts"]["calls_per_record"] == pytest.approx(412 / 88)


def test_non_ascii_is_written_as_utf8(tmp_path: Path) -> None:
    result = build_result()
    result.requirements[0].note = "caf\u00e9 \u2192 HubSpot"
    raw = write_json(result, tmp_path).read_bytes()
    assert "caf\u00e9 \u2192 HubSpot".encode() in raw


def test_a_document_written_before_the_hostile_input_counts_still_reads(tmp_path: Path) -> None:
    document = json.loads(write_json(build_result(), tmp_path).read_text(encoding="utf-8"))
    for reliability in [document["reliability"], *(s["reliability"] for s in document["scenarios"])]:
        del reliability["hostile_inputs"], reliability["hostile_refused"]
    (tmp_path / "conformance.json").write_text(json.dumps(document), encoding="utf-8")
    result = read_json(tmp_path)
    assert result.reliability.hostile_inputs == {} and result.reliability.hostile_refused == 0
    assert result.reliability.inputs_tried == 1200


def test_unknown_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "conformance.json"
    path.write_text(json.dumps({"schema": "something-else/9"}), encoding="utf-8")
    with pytest.raises(ValueError, match="unsupported schema"):
        read_json(path)


def test_values_json_cannot_hold_are_written_as_text(tmp_path: Path) -> None:
    result = build_result()
    result.requirements[0].evidence = [Evidence("CON-1: total", expected=Decimal("1.50"), found=None)]
    loaded = read_json(write_json(result, tmp_path))
    assert loaded.requirements[0].evidence[0].expected == "1.50"


def test_evidence_carries_its_requirements_and_older_documents_still_read(tmp_path: Path) -> None:
    result = build_result()
    cnt3 = next(r for r in result.requirements if r.id == "CNT-3")
    cnt3.evidence[0].requirements = ["CNT-3", "CNT-4"]
    document = json.loads(write_json(result, tmp_path).read_text(encoding="utf-8"))
    entry = next(r for r in document["requirements"] if r["id"] == "CNT-3")
    assert entry["evidence"][0]["requirements"] == ["CNT-3", "CNT-4"]
    assert entry["evidence"][0]["check"].startswith("CNT-3: ")  # kept as it was
    for requirement in document["requirements"]:
        for evidence in requirement["evidence"]:
            del evidence["requirements"]  # as written before the field existed
    (tmp_path / "conformance.json").write_text(json.dumps(document), encoding="utf-8")
    loaded = next(r for r in read_json(tmp_path).requirements if r.id == "CNT-3").evidence[0]
    assert loaded.requirements == [] and loaded.requirement_ids() == ["CNT-3"]
