"""Run records and `shopsync judge DIR`: a saved run judged again, without replaying it, gives the run's verdicts;
a record that says otherwise changes them, and `--check` says so."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from pathlib import Path

from scenarios.compare import differences
from scenarios.dsl import Sim
from scenarios.judge import judge
from scenarios.judge.record import RunRecord
from scenarios.runner import record_run

ROOT = Path(__file__).resolve().parents[2]
ONLY = "CNT-4,CNT-5,ORD-3"
MUTANT = "tests.mutants.zoo:ArchivesContactOnCustomerDelete"  # fails CNT-4's scenarios, passes the others


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "scenarios.cli", *args], capture_output=True, text=True,
                          timeout=600, cwd=ROOT)


def test_a_record_round_trips_exactly_and_saves_the_same_bytes(sim: Sim, tmp_path: Path) -> None:
    sim.sync.enable("contacts", "products", "orders")
    ada = sim.shopify.create_customer(email="ada@example.com", first_name="Ada")
    sim.hubspot.create("contacts", email="bob@example.com", firstname="Bob")
    poster = sim.shopify.create_product(title="Poster", price="20.00")
    sim.shopify.create_order(customer=ada, lines=[(poster, 2)])
    sim.advance(minutes=12)
    record = record_run(sim, record_to=tmp_path / "a.json.gz")
    data = record.to_json()
    assert RunRecord.from_json(json.loads(json.dumps(data, default=str))).to_json() == data
    assert RunRecord.load(tmp_path / "a.json.gz").to_json() == data
    record.save(tmp_path / "b.json.gz")
    assert (tmp_path / "a.json.gz").read_bytes() == (tmp_path / "b.json.gz").read_bytes()
    assert {r.properties["email"] for r in record.hubspot.records["contacts"]} >= {"ada@example.com",
                                                                                   "bob@example.com"}
    assert record.calls and record.history and record.shopify["alpha"].orders
    assert judge(record) == []


def test_judge_dir_gives_the_verdicts_of_the_run_and_tells_a_record_that_changed(tmp_path: Path) -> None:
    run_dir, again = tmp_path / "run", tmp_path / "again"
    assert _cli("conform", "-n", "1", "--impl", MUTANT, "--only", ONLY, "--seed", "3",
                "--report-dir", str(run_dir)).returncode == 1
    records = sorted((run_dir / "records").glob("*.json.gz"))
    document = json.loads((run_dir / "conformance.json").read_text())
    assert len(records) == len(document["scenarios"]) >= 4
    judged = _cli("judge", str(run_dir), "--check", "--report-dir", str(again))
    assert judged.returncode == 1, judged.stdout + judged.stderr  # the run's exit code: CNT-4 fails
    assert "verdicts: the same as the run" in judged.stdout
    assert differences(document, json.loads((again / "conformance.json").read_text())) == []
    assert any(s["status"] == "fail" for s in document["scenarios"])

    # A passing scenario's record that lost its HubSpot contacts is judged to have lost them.
    passing = next(s["id"] for s in document["scenarios"] if s["status"] == "pass" and s["id"].startswith("CNT-5"))
    path = run_dir / "records" / (passing.replace("/", "__") + ".json.gz")
    data = json.loads(gzip.decompress(path.read_bytes()))
    data["hubspot"]["records"]["contacts"], data["hubspot"]["emails"] = [], {}
    RunRecord.from_json(data).save(path)
    changed = _cli("judge", str(run_dir), "--check")
    assert changed.returncode == 3, changed.stdout + changed.stderr
    assert passing in changed.stdout and "CNT-" in changed.stdout and "1 differ from the run" in changed.stdout

    # A scenario without a record keeps the result it had, and the judge says so.
    path.unlink()
    kept = _cli("judge", str(run_dir), "--check")
    assert kept.returncode == 1 and "1 kept as run" in kept.stdout, kept.stdout
