"""LAT-1 / LAT-3: every change people made visible in the other system within the bound (the samples the run's
watches measured; LAT-3 when the scenario injected faults)."""

from __future__ import annotations

from reports.model import Evidence
from scenarios.judge.rules import LATENCY_BOUND
from scenarios.judge.view import RunView


def check_latency(view: RunView) -> list[Evidence]:
    late = [s for s in view.record.latencies if s.seconds is None or s.seconds > LATENCY_BOUND.total_seconds()]
    if not late:
        return []
    rule = "LAT-3" if view.record.faults else "LAT-1"
    return [Evidence(f"{rule}: {len(late)} change(s) not visible within 10 minutes", "visible within 600 s",
                     [s.__dict__ for s in late[:10]])]
