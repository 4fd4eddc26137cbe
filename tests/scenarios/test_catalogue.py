"""The catalogue holds exactly docs/spec.md's requirements: none missing, none invented, same levels and text."""

from __future__ import annotations

from pathlib import Path

from scenarios.catalogue import parse_spec, requirements

SPEC = Path(__file__).resolve().parents[2] / "docs" / "spec.md"


def test_catalogue_matches_spec():
    spec = parse_spec(SPEC.read_text(encoding="utf-8"))
    assert [(r.id, r.level, r.text) for r in requirements()] == [(r.id, r.level, r.text) for r in spec]


def test_catalogue_is_well_formed():
    ids = [r.id for r in requirements()]
    assert len(ids) == len(set(ids)) == 41
    assert {r.level for r in requirements()} == {"MUST", "SHOULD", "MAY"}


def test_continuation_lines_of_level_less_items_are_not_glued_to_the_last_requirement():
    from scenarios.catalogue import parse_spec

    text = ("- **MKT-1 SHOULD** From the admin.\n  (Lowest priority.)\n\n## Harness\n\n"
            "- **HAR-1** Every run is reproducible\n  outcome.\n")
    [only] = parse_spec(text)
    assert only.text == "From the admin. (Lowest priority.)"
