"""Figures the renderers share: latency percentiles, worst latencies, verdicts, and which scenario shows what.

Pure functions over `reports.model`; nothing here formats HTML or XML.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable
from datetime import datetime

from reports.model import Evidence, LatencySample, LatencySummary, RequirementResult, RunResult, ScenarioResult

LATENCY_BOUND = 600.0  # LAT-1: ten minutes of simulated time
SECTIONS = {
    "CON": "Connecting stores",
    "SET": "Sync settings",
    "LAT": "Latency",
    "CNT": "Contacts \u2194 customers",
    "CMP": "Companies \u2194 companies",
    "PRD": "Products \u2194 products",
    "ORD": "Orders, Shopify \u2192 HubSpot",
    "CRT": "Carts, abandoned checkouts \u2192 HubSpot",
    "DSH": "E-commerce dashboard",
    "MKT": "HubSpot tools inside Shopify",
}
OBJECT_ORDER = ("contacts", "companies", "products", "orders", "carts")
OPERATION_ORDER = ("create", "update", "delete")
FAILING = ("fail", "error")


def section(requirement_id: str) -> str:
    """The docs/spec.md section of an ID: "CNT-3" -> "CNT"."""
    return requirement_id.split("-", 1)[0]


def percentile(values: list[float], q: float) -> float | None:
    """The nearest-rank q-th percentile (0 < q <= 100) of `values`; None when empty.

    Nearest rank, not interpolation: the figure reported is always a latency that was observed.
    """
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[rank - 1]


def _order_key(obj: str, operation: str) -> tuple[int, str, int, str]:
    oi = OBJECT_ORDER.index(obj) if obj in OBJECT_ORDER else len(OBJECT_ORDER)
    pi = OPERATION_ORDER.index(operation) if operation in OPERATION_ORDER else len(OPERATION_ORDER)
    return (oi, obj, pi, operation)


def summarise_latency(samples: Iterable[LatencySample], bound: float = LATENCY_BOUND) -> list[LatencySummary]:
    """p50 / p95 / max per object and operation, over the visible samples; never-visible ones count as over bound."""
    groups: dict[tuple[str, str], list[LatencySample]] = defaultdict(list)
    for sample in samples:
        groups[(sample.object, sample.operation)].append(sample)
    out = []
    for (obj, operation) in sorted(groups, key=lambda k: _order_key(*k)):
        group = groups[(obj, operation)]
        seen = [s.seconds for s in group if s.seconds is not None]
        never = len(group) - len(seen)
        out.append(LatencySummary(obj, operation, len(group), percentile(seen, 50), percentile(seen, 95),
                                  max(seen) if seen else None, never + sum(1 for v in seen if v > bound), never))
    return out


def all_samples(result: RunResult) -> list[LatencySample]:
    """Every latency sample of the run, scenario by scenario."""
    return [sample for scenario in result.scenarios for sample in scenario.latencies]


def latency_summaries(result: RunResult) -> list[LatencySummary]:
    """The run's summaries, or ones computed from the samples when the run carries none."""
    return result.latency or summarise_latency(all_samples(result))


def never_visible(summary: LatencySummary, bound: float = LATENCY_BOUND) -> int:
    """How many changes of `summary` never became visible.

    From `never` when the summary carries it; else inferred: over-bound samples the visible maximum cannot
    account for were never visible.
    """
    if summary.never or summary.over_bound == 0:
        return summary.never
    return summary.over_bound if summary.max is None or summary.max <= bound else 0


def worst_latency(summaries: Iterable[LatencySummary]) -> tuple[float | None, bool]:
    """(largest visible latency, whether some change never became visible) over `summaries`."""
    summaries = list(summaries)
    maxima = [s.max for s in summaries if s.max is not None]
    return (max(maxima) if maxima else None), any(never_visible(s) for s in summaries)


def format_seconds(seconds: float | None) -> str:
    """A simulated duration for people: "42 s", "7 min 05 s", "2 h 03 min"."""
    if seconds is None:
        return "\u2014"
    if seconds < 60:
        return f"{seconds:.0f} s" if seconds >= 10 or seconds == int(seconds) else f"{seconds:.1f} s"
    minutes, secs = divmod(round(seconds), 60)
    if minutes < 60:
        return f"{minutes} min {secs:02d} s" if secs else f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min"


def parse_instant(text: str) -> datetime:
    """An ISO-8601 simulated instant ("2031-01-01T00:00:00Z" or with an offset)."""
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def status_counts(result: RunResult) -> Counter[str]:
    """How many requirements have each status."""
    return Counter(r.status for r in result.requirements)


def level_counts(result: RunResult) -> dict[str, tuple[int, int]]:
    """Level -> (requirements passing, requirements of that level), e.g. {"MUST": (36, 37)}."""
    out: dict[str, tuple[int, int]] = {}
    for level in ("MUST", "SHOULD", "MAY"):
        of_level = [r for r in result.requirements if r.level == level]
        out[level] = (sum(1 for r in of_level if r.status in ("pass", "info")), len(of_level))
    return out


def verdict(result: RunResult) -> str:
    """The overall verdict: "pass" (conforms), "fail" (a MUST failed) or "error" (the harness could not judge).

    The exit code decides when it says more than the statuses (a harness error leaves statuses unset).
    """
    if result.exit_code == 2 or any(r.status == "error" for r in result.requirements):
        return "error"
    if result.exit_code == 1 or any(r.status == "fail" and r.level == "MUST" and r.waiver is None
                                    for r in result.requirements):
        return "fail"
    return "pass"


def scenarios_by_id(result: RunResult) -> dict[str, ScenarioResult]:
    """Scenario id -> scenario."""
    return {s.id: s for s in result.scenarios}


def scenario_of(result: RunResult, requirement: RequirementResult, evidence: Evidence) -> ScenarioResult | None:
    """The scenario that produced `evidence`: named by the evidence, else the one holding it, else the first failing."""
    index = scenarios_by_id(result)
    if evidence.scenario and evidence.scenario in index:
        return index[evidence.scenario]
    # A history check may name a requirement the scenario was not written for (CON-3 found in a CNT
    # scenario): the scenario holding the evidence is the one to replay.
    for scenario in result.scenarios:
        if evidence in scenario.evidence:
            return scenario
    for entry in requirement.scenarios:
        scenario = index.get(entry.get("id", ""))
        if scenario is not None and entry.get("status") in FAILING + ("warn",):
            return scenario
    return None


def evidence_for(result: RunResult, requirement: RequirementResult, scenario_id: str) -> list[Evidence]:
    """The evidence of `requirement` that scenario `scenario_id` produced."""
    return [e for e in requirement.evidence if (s := scenario_of(result, requirement, e)) and s.id == scenario_id]
