"""From per-scenario results to the verdict on every requirement of docs/spec.md."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from reports.model import (
    Efficiency,
    Evidence,
    LatencySample,
    LatencySummary,
    Reliability,
    RequirementResult,
    RunInfo,
    RunResult,
    ScenarioResult,
    Waiver,
    check_requirements,
)
from scenarios.catalogue import requirements
from scenarios.waivers import matching, paste_ready

BOUND_SECONDS = 600.0
OBJECTS = ("contacts", "companies", "products", "orders", "carts")


@dataclass
class Verdict:
    """A requirement's raw outcome before waivers."""

    failed: bool = False
    errored: bool = False
    ran: bool = False


def read_results(directory: Path) -> list[ScenarioResult]:
    """Every scenario result written by the suite, in id order."""
    from reports.model import _load

    results = []
    for path in sorted(Path(directory).glob("*.json")):
        results.append(_load(ScenarioResult, json.loads(path.read_text(encoding="utf-8"))))
    return sorted(results, key=lambda r: r.id)


def requirements_of(evidence: Evidence, scenario: ScenarioResult) -> list[str]:
    """Every requirement a piece of evidence fails: those its check names ("CNT-2, SET-6: ..."), else the
    scenario's first."""
    return check_requirements(evidence.check) or scenario.requirements[:1]


def percentile(values: list[float], q: float) -> float | None:
    """The q-quantile (0..1) of values, by linear interpolation; None when empty."""
    if not values:
        return None
    if len(values) == 1:
        return values[0]
    ordered = sorted(values)
    position = (len(ordered) - 1) * q
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def summarise_latency(samples: list[LatencySample]) -> list[LatencySummary]:
    """p50 / p95 / max per object and operation."""
    groups: dict[tuple[str, str], list[LatencySample]] = {}
    for sample in samples:
        groups.setdefault((sample.object, sample.operation), []).append(sample)
    out = []
    for (obj, op), items in sorted(groups.items()):
        seen = [s.seconds for s in items if s.seconds is not None]
        over = sum(1 for s in items if s.seconds is None or s.seconds > BOUND_SECONDS)
        never = sum(1 for s in items if s.seconds is None)
        out.append(LatencySummary(obj, op, len(items), percentile(seen, 0.5), percentile(seen, 0.95),
                                  max(seen) if seen else None, over, never))
    return out


def aggregate(results: list[ScenarioResult], info: RunInfo, waivers: list[Waiver], today: date,
              selected: set[str] | None = None) -> RunResult:
    """The run's verdict: one RequirementResult per docs/spec.md requirement, none missing, none invented."""
    verdicts: dict[str, Verdict] = {r.id: Verdict() for r in requirements()}
    evidence: dict[str, list[tuple[ScenarioResult, Evidence]]] = {r.id: [] for r in requirements()}
    notes: dict[str, list[str]] = {r.id: [] for r in requirements()}
    judged = [result for result in results if result.kind != "reliability"]
    for result in judged:
        for rid in result.requirements:
            if rid in verdicts:
                verdicts[rid].ran = True
                if result.status == "error":
                    verdicts[rid].errored = True
        for item in result.evidence:
            # Written on the evidence so that every report shows which requirements it fails.
            item.requirements = requirements_of(item, result)
            for rid in item.requirements:
                if rid in verdicts:
                    verdicts[rid].failed = True
                    verdicts[rid].ran = True
                    evidence[rid].append((result, item))
        # A scenario demonstrates its primary requirement (the first): when it fails for any reason,
        # that requirement is not shown to hold, even if the evidence names another rule.
        primary = result.requirements[0] if result.requirements else None
        if result.status == "fail" and primary in verdicts and not any(
                primary in item.requirements for item in result.evidence):
            verdicts[primary].failed = True
            evidence[primary].extend((result, item) for item in result.evidence[:3])
        for note in result.notes:
            rid = note.split(":", 1)[0].strip()
            if rid in notes:
                notes[rid].append(note.split(":", 1)[1].strip())
    all_samples = [s for r in judged for s in r.latencies]
    stale = [w for w in waivers if not any(w.requirement == rid and w.scenario in ("*", res.id)
                                           for rid, items in evidence.items() for res, _ in items)]
    new_waivers: list[Waiver] = []
    reqs: list[RequirementResult] = []
    for requirement in requirements():
        verdict = verdicts[requirement.id]
        scenario_refs = [{"id": r.id, "seed": r.seed, "status": r.status} for r in judged
                         if requirement.id in r.requirements]
        status = "pass"
        waiver = None
        if not verdict.ran:
            status = "skip"
        elif verdict.failed or verdict.errored:
            first = evidence[requirement.id][0][0].id if evidence[requirement.id] else scenario_refs[0]["id"]
            waiver = matching(waivers, requirement.id, first, today)
            if requirement.level == "MAY":
                status = "info"
            elif requirement.level == "SHOULD" or (waiver is not None and info.profile != "certify"):
                status = "warn"
            else:
                status = "error" if verdict.errored and not verdict.failed else "fail"
                waiver = None
                new_waivers.append(paste_ready(requirement.id, first, today))
        elif requirement.level == "MAY":
            status = "info"
        section_object = {"CNT": "contacts", "CMP": "companies", "PRD": "products", "ORD": "orders",
                          "CRT": "carts"}.get(requirement.section)
        samples = [s for r in judged if requirement.id in r.requirements for s in r.latencies]
        if requirement.section == "LAT":
            samples = all_samples
        elif section_object:
            samples = [s for s in samples if s.object == section_object]
        reqs.append(RequirementResult(
            requirement.id, requirement.level, requirement.text, status, scenario_refs, summarise_latency(samples),
            _sum_efficiency([r for r in judged if requirement.id in r.requirements]),
            [e for _, e in evidence[requirement.id][:5]], waiver, "; ".join(notes[requirement.id])))
    efficiency = {"all": _sum_efficiency(results)}
    for obj in OBJECTS:
        efficiency[obj] = _sum_efficiency([r for r in results if any(req.split("-")[0] == {
            "contacts": "CNT", "companies": "CMP", "products": "PRD", "orders": "ORD", "carts": "CRT"}[obj]
            for req in r.requirements)])
    must_failed = any(r.status in ("fail", "error") and r.level == "MUST" for r in reqs)
    return RunResult(info, reqs, results, summarise_latency(all_samples), efficiency, _sum_reliability(results),
                     stale, new_waivers, 1 if must_failed else 0)


def _sum_efficiency(results: list[ScenarioResult]) -> Efficiency:
    total = Efficiency()
    for r in results:
        e = r.efficiency
        total.api_calls += e.api_calls
        total.shopify_calls += e.shopify_calls
        total.hubspot_calls += e.hubspot_calls
        total.records_synced += e.records_synced
        total.rate_limited += e.rate_limited
        total.retries += e.retries
        total.shopify_cost_points += e.shopify_cost_points
        total.idle_hours += e.idle_hours
        total.idle_shop_hours += e.idle_shop_hours
        total.idle_shopify_calls += e.idle_shopify_calls
        total.idle_shopify_cost_points += e.idle_shopify_cost_points
        total.idle_hubspot_calls += e.idle_hubspot_calls
        for k, v in e.faults_injected.items():
            total.faults_injected[k] = total.faults_injected.get(k, 0) + v
    return total


def _sum_reliability(results: list[ScenarioResult]) -> Reliability:
    total = Reliability()
    for r in results:
        rel = r.reliability
        for k, v in rel.faults_injected.items():
            total.faults_injected[k] = total.faults_injected.get(k, 0) + v
        for k, v in rel.webhook_faults.items():
            total.webhook_faults[k] = total.webhook_faults.get(k, 0) + v
        total.crashes_survived += rel.crashes_survived
        total.inputs_tried += rel.inputs_tried
        total.records_lost += rel.records_lost
        total.duplicates += rel.duplicates
        for k, v in rel.hostile_inputs.items():
            total.hostile_inputs[k] = total.hostile_inputs.get(k, 0) + v
        total.hostile_refused += rel.hostile_refused
        total.secrets_redacted += rel.secrets_redacted
        if r.kind == "reliability":
            total.scenarios.append({"id": r.id, "title": r.title, "status": r.status, "message": r.message})
    return total
