"""`index.html`: the conformance report a person reads to decide whether an implementation conforms.

One self-contained page (inline CSS and SVG, no script, no network). This module turns the RunResult into
a view (what each section shows, in order); `templates/report.html.j2` lays it out, escaping everything.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup, escape

from reports import charts
from reports.model import Efficiency, Evidence, RequirementResult, RunResult, ScenarioResult, Waiver
from reports.redact import Redactor
from reports.stats import (
    FAILING,
    LATENCY_BOUND,
    OBJECT_ORDER,
    SECTIONS,
    all_samples,
    format_seconds,
    latency_summaries,
    level_counts,
    scenario_of,
    section,
    status_counts,
    verdict,
    worst_latency,
)

FILENAME = "index.html"
TEMPLATES = Path(__file__).with_name("templates")
_ENV = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=True, undefined=StrictUndefined,
                   trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)


def code_spans(text: str) -> Markup:
    """docs/spec.md text with its `code` spans as <code> (every piece escaped first)."""
    pieces = str(text).split("`")
    if len(pieces) % 2 == 0:  # an unpaired backtick: show the text as it is
        return Markup(escape(text))
    return Markup("").join(Markup("<code>{}</code>").format(p) if i % 2 else escape(p) for i, p in enumerate(pieces))


_ENV.filters["code_spans"] = code_spans
RETRY_COLOUR = "#e0a030"
AUDIT_COLUMNS = ("at", "fake", "tenant", "method", "path", "status", "caller", "phase", "fault")


@dataclass
class MatrixRow:
    """One requirement in the matrix."""

    requirement: RequirementResult
    scenarios: list[dict]  # {"id", "seed", "status", "anchor"}
    worst: str
    worst_over: bool  # over the bound or never visible
    anchor: str | None  # the first failure card of this requirement
    waiver_stale: bool


@dataclass
class FailureCard:
    """One piece of evidence, shown with its scenario, calls, timeline and replay command."""

    anchor: str
    requirement: RequirementResult
    evidence: Evidence
    scenario: ScenarioResult | None
    kind: str  # "fail", "error", "warn" or "waived"
    expected: str
    found: str
    calls: list[dict]
    timeline: charts.Timeline | None
    replay: str
    bundle: bool  # the replay is the scenario's own bundle (else a rerun of the requirement on its seed)
    requirements: list[str]  # every requirement this evidence fails, the card's own among them


def pretty(value: Any) -> str:
    """A value of the evidence as people read it: strings as they are, the rest as indented JSON."""
    if isinstance(value, str):
        return value
    return json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False, default=str)


def _card_kind(requirement: RequirementResult) -> str | None:
    # A waived MUST failure comes as "warn" (or "fail" under a renderer-agnostic aggregator) with its waiver.
    if requirement.waiver is not None and (requirement.evidence or requirement.status in FAILING + ("warn",)):
        return "waived"
    if requirement.status in FAILING + ("warn",):
        return requirement.status
    return None


def _replay(result: RunResult, requirement: RequirementResult, scenario: ScenarioResult | None) -> str:
    if scenario and scenario.replay:
        return scenario.replay
    # No bundle recorded: the command that reruns the requirement on the same seed is the next best thing.
    seed = scenario.seed if scenario else result.run.seed
    run = result.run
    impl = f"--impl-cmd {json.dumps(run.command)}" if run.command else f"--impl {run.implementation}"
    return f"shopsync conform {impl} --only {requirement.id} --seed {seed}"


def failure_cards(result: RunResult) -> list[FailureCard]:
    """A card per piece of evidence of every failed, erroneous, warned or waived requirement, in docs/spec.md order."""
    cards = []
    for requirement in result.requirements:
        kind = _card_kind(requirement)
        if kind is None:
            continue
        evidence = requirement.evidence or [Evidence(requirement.note or f"{requirement.id}: {requirement.status}",
                                                     None, None)]
        for n, item in enumerate(evidence, start=1):
            scenario = scenario_of(result, requirement, item)
            calls = [{column: call.get(column) for column in AUDIT_COLUMNS} for call in item.calls]
            cards.append(FailureCard(f"failure-{requirement.id}-{n}", requirement, item, scenario, kind,
                                     pretty(item.expected), pretty(item.found), calls, charts.timeline(item.timeline),
                                     _replay(result, requirement, scenario), bool(scenario and scenario.replay),
                                     list(dict.fromkeys([requirement.id, *item.requirement_ids()]))))
    return cards


def _matrix(result: RunResult, cards: list[FailureCard]) -> list[tuple[str, str, list[MatrixRow]]]:
    stale = {(w.requirement, w.scenario) for w in result.stale_waivers}
    first_card = {}
    for card in cards:
        first_card.setdefault(card.requirement.id, card.anchor)
    scenario_anchor = {card.scenario.id: card.anchor for card in cards if card.scenario}
    order = list(SECTIONS) + sorted({section(r.id) for r in result.requirements} - set(SECTIONS))
    out = []
    for prefix in order:
        rows = []
        for requirement in (r for r in result.requirements if section(r.id) == prefix):
            worst, never = worst_latency(requirement.latency)
            waiver = requirement.waiver
            rows.append(MatrixRow(
                requirement,
                [{**entry, "anchor": scenario_anchor.get(str(entry.get("id")))} for entry in requirement.scenarios],
                "never visible" if never else format_seconds(worst),
                never or (worst is not None and worst > LATENCY_BOUND),
                first_card.get(requirement.id),
                waiver is not None and (waiver.requirement, waiver.scenario) in stale))
        if rows:
            out.append((prefix, SECTIONS.get(prefix, prefix), rows))
    return out


def _latency(result: RunResult) -> dict[str, Any]:
    samples = all_samples(result)
    summaries = latency_summaries(result)
    domain = charts.latency_domain(samples)
    objects = sorted({s.object for s in samples},
                     key=lambda o: (OBJECT_ORDER.index(o) if o in OBJECT_ORDER else 9, o))
    beyond = any(s.seconds is not None and s.seconds > domain for s in samples)
    figures = [charts.strip_chart(obj, [s for s in samples if s.object == obj], summaries, domain, beyond=beyond)
               for obj in objects]
    return {"figures": figures, "summaries": summaries, "samples": len(samples),
            "never": sum(1 for s in samples if s.seconds is None),
            "over": sum(1 for s in samples if s.seconds is not None and s.seconds > LATENCY_BOUND),
            "worst": worst_latency(summaries), "bound": format_seconds(LATENCY_BOUND)}


def _efficiency(result: RunResult) -> dict[str, Any]:
    names = sorted((n for n in result.efficiency if n != "all"),
                   key=lambda o: (OBJECT_ORDER.index(o) if o in OBJECT_ORDER else 9, o))
    rows: list[tuple[str, Efficiency]] = [(n, result.efficiency[n]) for n in names]
    per_record = charts.bar_chart([(n, e.calls_per_record or 0.0, "#3d5a80",
                                    f"{e.calls_per_record:.2f}" if e.calls_per_record is not None else "\u2014")
                                   for n, e in rows], empty="no records synced")
    pressure = charts.grouped_bar_chart([(n, [(float(e.rate_limited), charts.DANGER, str(e.rate_limited), "429s"),
                                              (float(e.retries), RETRY_COLOUR, str(e.retries), "retries")])
                                         for n, e in rows], empty="no traffic recorded")
    total = result.efficiency.get("all")
    if total is None and rows:
        names = ("api_calls", "shopify_calls", "hubspot_calls", "records_synced", "rate_limited", "retries",
                 "shopify_cost_points", "idle_hours", "idle_shop_hours", "idle_shopify_calls",
                 "idle_shopify_cost_points", "idle_hubspot_calls")
        total = Efficiency(**{f: sum(getattr(e, f) for _, e in rows) for f in names})
    return {"rows": rows, "total": total, "per_record": per_record, "pressure": pressure}


def _kind_bars(counts: dict[str, int], colour: str, empty: str) -> charts.BarChart:
    ordered = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return charts.bar_chart([(kind, float(n), colour, str(n)) for kind, n in ordered], left=140, empty=empty)


def waiver_entry(waiver: Waiver) -> str:
    """A waiver as one line of JSON, ready to paste into the `"waivers"` list of the implementation's file."""
    return json.dumps({"requirement": waiver.requirement, "scenario": waiver.scenario, "reason": waiver.reason,
                       "expires": waiver.expires}, ensure_ascii=False)


def _sum_sim_seconds(scenarios: Iterable[ScenarioResult]) -> float:
    return sum(s.sim_seconds for s in scenarios)


def build_view(result: RunResult) -> dict[str, Any]:
    """Everything the template shows, section by section."""
    cards = failure_cards(result)
    reliability = result.reliability
    return {
        "run": result.run,
        "verdict": verdict(result),
        "must_unexercised": sum(1 for r in result.requirements if r.level == "MUST" and r.status == "skip"),
        "exit_code": result.exit_code,
        "counts": status_counts(result),
        "must_failed": sum(1 for r in result.requirements if r.level == "MUST" and r.status in FAILING
                           and r.waiver is None),
        "waived": sum(1 for r in result.requirements if _card_kind(r) == "waived"),
        "levels": level_counts(result),
        "requirement_total": len(result.requirements),
        "scenario_total": len(result.scenarios),
        "scenario_failed": sum(1 for s in result.scenarios if s.status in FAILING),
        "sim_time": format_seconds(_sum_sim_seconds(result.scenarios)),
        "wall_time": format_seconds(result.run.wall_seconds),
        "matrix": _matrix(result, cards),
        "latency": _latency(result),
        "efficiency": _efficiency(result),
        "reliability": reliability,
        "faults": _kind_bars(reliability.faults_injected, charts.DANGER, "no fault injected"),
        "webhook_faults": _kind_bars(reliability.webhook_faults, "#6a4c93", "no webhook fault injected"),
        "hostile_inputs": _kind_bars(reliability.hostile_inputs, "#b5651d", "no odd or hostile input tried"),
        "pictures": _pictures(result),
        "cards": cards,
        "failing_cards": [c for c in cards if c.kind in FAILING],
        "other_cards": [c for c in cards if c.kind not in FAILING],
        "stale_waivers": result.stale_waivers,
        "new_waivers": [waiver_entry(w) for w in result.new_waivers],
        "format_seconds": format_seconds,
        "colours": {"shopify": charts.SHOPIFY, "hubspot": charts.HUBSPOT, "harness": charts.HARNESS,
                    "danger": charts.DANGER, "retry": RETRY_COLOUR},
    }


IMAGE_TYPES = ("image/png", "image/jpeg", "image/webp")


def _pictures(result: RunResult) -> list[dict[str, Any]]:
    """Every image a scenario attached (a browser's screenshot), inline as a data URI: the page stays one file."""
    return [{"scenario": s.id, "status": s.status, "seed": s.seed, "title": a.get("title") or s.title,
             "uri": f"data:{a['media_type']};base64,{a['data']}"}
            for s in result.scenarios for a in s.attachments
            if a.get("media_type") in IMAGE_TYPES and isinstance(a.get("data"), str)]


def render_html(result: RunResult) -> str:
    """The page's text."""
    # No credential on the page, whatever the result holds (see reports/redact.py).
    return _ENV.get_template("report.html.j2").render(**build_view(Redactor().copy(result)))


def write_html(result: RunResult, directory: Path) -> Path:
    """Write `DIR/index.html` (creating DIR) and return its path."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / FILENAME
    path.write_text(render_html(result), encoding="utf-8")
    return path
