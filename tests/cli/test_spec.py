"""`shopsync spec [ID]`: the requirements of docs/spec.md from the catalogue; an unknown ID says where the list is."""

from __future__ import annotations

import re

import pytest

from scenarios.catalogue import requirements
from scenarios.cli import main


def test_one_requirement_is_printed_with_its_level_and_whole_text(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["spec", "CNT-1"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("CNT-1 MUST\n  Records are matched by email")
    assert " ".join(out.split()[2:]) == next(r.text for r in requirements() if r.id == "CNT-1")


def test_without_an_id_every_requirement_is_printed_in_spec_order(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["spec"]) == 0
    printed = re.findall(r"^([A-Z]{3}-\d+) (MUST|SHOULD|MAY)$", capsys.readouterr().out, re.MULTILINE)
    assert printed == [(r.id, r.level) for r in requirements()]


def test_a_section_in_any_case_prints_its_requirements(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["spec", "ord"]) == 0
    printed = re.findall(r"^([A-Z]{3}-\d+) ", capsys.readouterr().out, re.MULTILINE)
    assert printed == ["ORD-1", "ORD-2", "ORD-3", "ORD-4", "ORD-5"]


def test_an_unknown_id_is_an_error_that_says_where_the_list_is(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["spec", "cnt3"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "no requirement cnt3 (did you mean CNT-3?)" in captured.err
    assert "`shopsync spec` lists all 41" in captured.err and "docs/spec.md" in captured.err


def test_an_only_that_selects_nothing_names_the_nearest_id_and_the_list(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["conform", "--only", "cnt-3", "-n", "1"]) == 2
    err = capsys.readouterr().err
    assert "--only cnt-3 (did you mean CNT-3?): selects no scenario" in err
    assert "`shopsync spec` lists the requirements" in err and "docs/design.md#the-command-line" in err


def test_only_terms_that_select_nothing_are_found_beside_ones_that_do() -> None:
    from scenarios.runner import load_suites, unmatched

    assert unmatched(load_suites(), "CNT-1, ORD,CNT-99,XYZ") == ["CNT-99", "XYZ"]
    assert unmatched(load_suites(), None) == []
