"""Compare two conformance runs of the same seed (CI runs the reference in-process and as a process).

Everything a run judges must agree: every requirement's status, every scenario's status and seed, and
the latency figures (simulated time, so the transport must not change them). How the run was made
(`run`: mode, wall time, workers) and what the implementation printed may differ.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path


def judged(document: dict) -> dict:
    """The part of a conformance.json that two runs of one seed must share."""
    return {
        "requirements": {r["id"]: r["status"] for r in document["requirements"]},
        "scenarios": {s["id"]: (s["status"], s["seed"], sorted(e["check"] for e in s["evidence"]))
                      for s in document["scenarios"]},
        "latency": [(x["object"], x["operation"], x["count"], x["p50"], x["p95"], x["max"], x["over_bound"])
                    for x in document["latency"]],
    }


def differences(first: dict, second: dict) -> list[str]:
    """Human-readable differences between two runs' judged parts."""
    a, b = judged(first), judged(second)
    out = []
    for rid in sorted(set(a["requirements"]) | set(b["requirements"])):
        if a["requirements"].get(rid) != b["requirements"].get(rid):
            out.append(f"{rid}: {a['requirements'].get(rid)} vs {b['requirements'].get(rid)}")
    for sid in sorted(set(a["scenarios"]) | set(b["scenarios"])):
        if a["scenarios"].get(sid) != b["scenarios"].get(sid):
            out.append(f"{sid}: {a['scenarios'].get(sid)} vs {b['scenarios'].get(sid)}")
    if a["latency"] != b["latency"]:
        out.append(f"latency figures differ: {a['latency']} vs {b['latency']}")
    return out


def main(argv: list[str] | None = None) -> int:
    """`python -m scenarios.compare DIR_A DIR_B`: exit 0 when the verdicts agree."""
    args = argv if argv is not None else sys.argv[1:]
    if len(args) != 2:
        print("usage: python -m scenarios.compare REPORT_DIR_A REPORT_DIR_B", file=sys.stderr)
        return 2
    documents = [json.loads((Path(d) / "conformance.json").read_text(encoding="utf-8")) for d in args]
    found = differences(*documents)
    for line in found:
        print(line)
    print("same verdicts" if not found else f"{len(found)} difference(s)")
    return 0 if not found else 1


if __name__ == "__main__":
    sys.exit(main())
