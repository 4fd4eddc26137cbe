"""Seed sweeps: the seed list, the summary built from the seeds' runs, and one small sweep end to end."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import pytest

from reports.model import Evidence, Reliability, RunInfo, RunResult, ScenarioResult, check_requirements
from reports.render_json import read_json
from reports.sweep import SeedRun, build_sweep, render_sweep_html, seed_ranges, write_sweep
from scenarios.aggregate import aggregate
from scenarios.catalogue import requirements
from scenarios.cli import main
from scenarios.sweep import parse_seeds

IMPL = "--impl reference"


def test_seed_lists_and_ranges_are_read_in_order_each_seed_once() -> None:
    assert parse_seeds("1-5") == [1, 2, 3, 4, 5]
    assert parse_seeds("3,7,11-13") == [3, 7, 11, 12, 13]
    assert parse_seeds(" 9 , 2-3, 3 ") == [9, 2, 3]
    assert parse_seeds("0") == [0]
    assert seed_ranges([7, 1, 2, 3, 11, 12]) == "1-3, 7, 11-12"


@pytest.mark.parametrize(("text", "says"), [("", "no seed"), ("5-2", "runs backwards"), ("x", "neither a seed"),
                                            ("1-", "neither a seed"), ("-3", "neither a seed"),
                                            ("1,,2", "neither a seed"), ("1-20000", "more than")])
def test_bad_seed_lists_are_refused_saying_why(text: str, says: str) -> None:
    with pytest.raises(ValueError, match=says):
        parse_seeds(text)


def test_a_bad_seed_list_exits_2_before_running_anything(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    assert main(["conform", "--seeds", "5-2", "--report-dir", str(tmp_path)]) == 2
    assert "--seeds 5-2: the range '5-2' runs backwards" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []
    with pytest.raises(SystemExit) as refused:  # --seed and --seeds are exclusive
        main(["conform", "--seed", "3", "--seeds", "1-2"])
    assert refused.value.code == 2


def _seed_run(seed: int, failing: dict[int, list[str]], lost: int = 0) -> SeedRun:
    """A judged run of every requirement at `seed`, plus one failing scenario per check given for the seed,
    written for the requirements the check names ("CNT-3: ..." fails scenario CNT-3/x)."""
    results = [ScenarioResult(f"{r.id}/ok", r.id, [r.id], seed, "pass",
                              reliability=Reliability(records_lost=lost if r.id == "CNT-3" else 0,
                                                      duplicates=1 if r.id == "CNT-3" else 0))
               for r in requirements()]
    for check in failing.get(seed, []):
        named = check_requirements(check)
        results.append(ScenarioResult(f"{named[0]}/x", "x", named, seed, "fail", evidence=[Evidence(check, 1, 2)]))
    run = aggregate(results, RunInfo("0.1.0", "reference", "1", None, "inprocess", "ci", seed), [], date(2026, 12, 1))
    return SeedRun(seed, run.exit_code, 10.0 + seed, run, f"seed-{seed}")


def test_a_requirement_failing_at_seeds_3_and_7_is_listed_with_exactly_those_seeds() -> None:
    failing = {3: ["CNT-3: customer deleted"], 7: ["CNT-3: customer deleted"], 5: ["LAT-2: slow initial sync"]}
    runs = [_seed_run(seed, failing, lost=1 if seed == 7 else 0) for seed in range(1, 9)]
    document = build_sweep(runs, IMPL)
    by_id = {r["id"]: r for r in document["requirements"]}
    cnt3 = by_id["CNT-3"]
    assert cnt3["seeds"] == {"fail": [3, 7], "warn": [], "error": []} and cnt3["worst"] == "fail"
    assert [f["replay"] for f in cnt3["failures"]] == [
        "shopsync conform --impl reference --seed 3 --only CNT-3/x",
        "shopsync conform --impl reference --seed 7 --only CNT-3/x"]
    assert cnt3["failures"][0]["checks"] == ["CNT-3: customer deleted"]
    assert by_id["LAT-2"]["seeds"]["warn"] == [5] and by_id["LAT-2"]["worst"] == "warn"  # a SHOULD warns
    assert by_id["CNT-5"]["seeds"]["fail"] == [] and by_id["CNT-5"]["worst"] == "pass"
    assert [r["id"] for r in document["requirements"]] == [r.id for r in requirements()]
    assert {r["seed"]: r["must_failures"] for r in document["runs"] if r["must_failures"]} == {3: ["CNT-3"],
                                                                                              7: ["CNT-3"]}
    assert document["reliability"] == {"records_lost": 1, "duplicates": 8}
    assert document["seeds"] == list(range(1, 9)) and document["schema"] == "shopsync-sweep/1"
    assert document["exit_code"] == 1


def test_a_sweep_where_only_shoulds_warn_exits_0_and_an_unjudged_seed_exits_2() -> None:
    warned = [_seed_run(seed, {2: ["LAT-2: slow"]}) for seed in (1, 2)]
    assert build_sweep(warned, IMPL)["exit_code"] == 0
    broken = [*warned, SeedRun(3, 2, 1.0, None, "seed-3")]
    document = build_sweep(broken, IMPL)
    assert document["exit_code"] == 2 and document["runs"][-1]["judged"] is False
    assert build_sweep(warned, IMPL, interrupted=True)["exit_code"] == 2


def test_evidence_tagged_with_two_requirements_lists_the_seed_under_both() -> None:
    runs = [_seed_run(seed, {4: ["CNT-3, CNT-4: the customer was deleted"]}) for seed in (3, 4)]
    by_id = {r["id"]: r for r in build_sweep(runs, IMPL)["requirements"]}
    assert by_id["CNT-3"]["seeds"]["fail"] == [4] and by_id["CNT-4"]["seeds"]["fail"] == [4]
    assert by_id["CNT-4"]["failures"][0]["replay"].endswith("--seed 4 --only CNT-3/x")


def test_the_sweep_page_is_self_contained_and_lists_failing_seeds_with_replays(tmp_path: Path) -> None:
    failing = {3: ["CNT-3: <b>deleted</b>"], 7: ["CNT-3: <b>deleted</b>"]}
    document = build_sweep([_seed_run(seed, failing) for seed in range(1, 9)], IMPL)
    paths = write_sweep(document, tmp_path)
    assert json.loads(paths["json"].read_text(encoding="utf-8")) == document
    page = paths["html"].read_text(encoding="utf-8")
    assert page == render_sweep_html(document)
    assert "<script" not in page and "&lt;b&gt;deleted" in page
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page) and "url(" not in page
    row = page[page.index('id="req-CNT-3"'):]
    row = row[:row.index("</tr>")]
    assert "3, 7" in row and "b-fail" in row
    assert "shopsync conform --impl reference --seed 7 --only CNT-3/x" in page
    assert "A MUST FAILED" in page and 'href="seed-3/index.html"' in page


def test_a_two_seed_sweep_end_to_end(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    code = main(["conform", "--impl", "reference", "--seeds", "1-2", "--only", "CNT-3", "-n", "1",
                 "--report-dir", str(tmp_path)])
    out = capsys.readouterr().out
    assert code == 0, out
    document = json.loads((tmp_path / "sweep.json").read_text(encoding="utf-8"))
    assert document["seeds"] == [1, 2] and document["exit_code"] == 0
    assert [(r["seed"], r["exit_code"], r["judged"]) for r in document["runs"]] == [(1, 0, True), (2, 0, True)]
    assert {r["id"]: r["worst"] for r in document["requirements"]}["CNT-3"] == "pass"
    for seed in (1, 2):
        run: RunResult = read_json(tmp_path / f"seed-{seed}")
        assert run.run.seed == seed
        assert {(tmp_path / f"seed-{seed}" / name).exists() for name in ("junit.xml", "index.html")} == {True}
    assert (tmp_path / "sweep.html").exists()
    assert re.search(r"seed 1: exit 0.*\n.*seed 2: exit 0", out)
