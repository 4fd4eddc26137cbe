"""Propagation latency in simulated time, per object and operation: with webhooks, with every webhook
lost (polling alone), and under the fault profile of the LAT-3 storm. The scenarios are the conformance
suite's own; the figures are what its report shows, gathered here side by side against the 10-minute bound.
"""

from __future__ import annotations

from scenarios.aggregate import summarise_latency
from scenarios.runner import ImplSpec, load_suites, run_scenario

CASES = {
    "with webhooks": "LAT-1/latency-with-webhooks",
    "webhooks lost (polling only)": "LAT-3/latency-without-webhooks",
    "429/5xx/resets + webhook chaos": "LAT-3/latency-under-faults",
}
BOUND_SECONDS = 600


def run(seed: int = 0) -> list[dict]:
    """One row per case, object and operation: p50 / p95 / max seconds and their share of the bound."""
    suites = load_suites()
    rows = []
    for case, scenario in CASES.items():
        result = run_scenario(suites[scenario], ImplSpec("reference"), seed)
        for summary in summarise_latency(result.latencies):
            rows.append({"case": case, "scenario": scenario, "status": result.status, "object": summary.object,
                         "operation": summary.operation, "samples": summary.count, "p50": summary.p50,
                         "p95": summary.p95, "max": summary.max, "over_bound": summary.over_bound,
                         "max_vs_bound": round(summary.max / BOUND_SECONDS, 2) if summary.max is not None else None})
    return rows
