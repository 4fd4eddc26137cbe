"""A deliberately broken engine (it deletes Shopify customers when their contact is archived) is rejected:
`shopsync conform` exits 1 and names CNT-3 in the summary, the JSON and the HTML."""

from __future__ import annotations

import json
import subprocess
import sys


def test_broken_engine_is_rejected_naming_cnt3(tmp_path):
    run = subprocess.run([sys.executable, "-m", "scenarios.cli", "conform",
                          "--impl", "tests.mutants.zoo:DeletesCustomersOnContactArchive",
                          "--only", "CNT-3", "-n", "1", "--report-dir", str(tmp_path)],
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 1, run.stdout + run.stderr
    summary = [line for line in run.stdout.splitlines() if line.startswith("CNT-3 ")]
    assert summary and "fail" in summary[0]
    [failures] = [line for line in run.stdout.splitlines() if "MUST failures:" in line]
    assert "CNT-3" in failures.split("MUST failures:")[1]
    document = json.loads((tmp_path / "conformance.json").read_text())
    verdicts = {r["id"]: r["status"] for r in document["requirements"]}
    assert verdicts["CNT-3"] == "fail" and document["exit_code"] == 1
    [cnt3] = [r for r in document["requirements"] if r["id"] == "CNT-3"]
    assert any(e["check"].startswith("CNT-3") for e in cnt3["evidence"])
    html = (tmp_path / "index.html").read_text()
    assert "CNT-3" in html and "DOES NOT CONFORM" in html
    assert list((tmp_path / "replays").glob("CNT-3__*.json"))
