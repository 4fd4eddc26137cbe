"""The report of a seed sweep: the conformance suite run once per seed, summed up per requirement.

`sweep.json` (schema `shopsync-sweep/1`) and a self-contained `sweep.html` (no script, no network) sit beside
each seed's own report in `seed-N/`. Both are built from the seeds' `RunResult`s, so a requirement failing at
seeds 3 and 7 is listed with exactly those seeds, each failure with the command that replays it.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from reports.model import RequirementResult, RunResult, ScenarioResult
from reports.redact import Redactor
from reports.render_html import code_spans
from reports.stats import FAILING, SECTIONS, format_seconds, section

SCHEMA = "shopsync-sweep/1"
JSON_NAME = "sweep.json"
HTML_NAME = "sweep.html"
# Statuses from best to worst; "worst" over the seeds is the last one a requirement reached.
WORST_LAST = ("skip", "pass", "info", "warn", "fail", "error")
FLAGGED = ("fail", "warn", "error")
_ENV = Environment(loader=FileSystemLoader(Path(__file__).with_name("templates")), autoescape=True,
                   undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
_ENV.filters["code_spans"] = code_spans


@dataclass
class SeedRun:
    """One seed of the sweep: how its conformance run ended."""

    seed: int
    exit_code: int  # the seed's `shopsync conform` exit code: 0, 1, or 2 for a harness error
    wall_seconds: float
    run: RunResult | None  # the seed's conformance.json; None when the harness could not judge the seed
    report: str = ""  # the seed's report directory, relative to the sweep's (e.g. "seed-3")


def seed_ranges(seeds: list[int]) -> str:
    """Seeds as people read them: [1, 2, 3, 7] -> "1-3, 7"."""
    out: list[str] = []
    ordered = sorted(set(seeds))
    start = previous = None
    for seed in [*ordered, None]:
        if seed is not None and previous is not None and seed == previous + 1:
            previous = seed
            continue
        if start is not None:
            out.append(str(start) if start == previous else f"{start}-{previous}")
        start = previous = seed
    return ", ".join(out)


def must_failures(run: RunResult) -> list[str]:
    """The MUST requirements a run failed or errored on (a waived one is a warning, as the exit code has it)."""
    return [r.id for r in run.requirements if r.level == "MUST" and r.status in FAILING]


def _named_by(scenario: ScenarioResult, requirement_id: str) -> bool:
    if requirement_id in (rid for e in scenario.evidence for rid in e.requirement_ids()):
        return True
    # A failed scenario fails its first requirement, whatever its evidence names; a crash, all it covers.
    return scenario.requirements[:1] == [requirement_id] or (scenario.status == "error"
                                                              and requirement_id in scenario.requirements)


def culprits(run: RunResult, requirement: RequirementResult) -> list[ScenarioResult]:
    """The scenarios of one run that made `requirement` fail, warn or error."""
    broken = [s for s in run.scenarios if s.status in FAILING]
    named = [s for s in broken if _named_by(s, requirement.id)]
    if named:
        return named
    covering = {str(entry.get("id")) for entry in requirement.scenarios}
    return [s for s in broken if s.id in covering]


def replay_command(implementation: str, seed: int, only: str) -> str:
    """The command that runs `only` (a scenario or a requirement) again at `seed`."""
    return f"shopsync conform {implementation} --seed {seed} --only {only}"


def build_sweep(runs: list[SeedRun], implementation: str, *, profile: str = "ci", only: str | None = None,
                interrupted: bool = False) -> dict[str, Any]:
    """The `sweep.json` document. `implementation` is the command-line flags that select it ("--impl reference")."""
    judged = [r for r in runs if r.run is not None]
    order: dict[str, RequirementResult] = {}
    for seed_run in judged:
        for requirement in seed_run.run.requirements:
            order.setdefault(requirement.id, requirement)
    requirements = []
    for rid, first in order.items():
        seeds: dict[str, list[int]] = {status: [] for status in FLAGGED}
        statuses: list[str] = []
        failures: list[dict[str, Any]] = []
        for seed_run in judged:
            requirement = next((r for r in seed_run.run.requirements if r.id == rid), None)
            if requirement is None:
                continue
            statuses.append(requirement.status)
            if requirement.status not in FLAGGED:
                continue
            seeds[requirement.status].append(seed_run.seed)
            found = culprits(seed_run.run, requirement)
            for scenario in found:
                own = [e.check for e in scenario.evidence if rid in e.requirement_ids()]
                failures.append({"seed": seed_run.seed, "status": requirement.status, "scenario": scenario.id,
                                 "checks": own or [e.check for e in scenario.evidence[:3]] or [scenario.message],
                                 "replay": scenario.replay or replay_command(implementation, seed_run.seed,
                                                                             scenario.id)})
            if not found:  # a verdict over the whole run: rerun the requirement at that seed
                failures.append({"seed": seed_run.seed, "status": requirement.status, "scenario": None,
                                 "checks": [e.check for e in requirement.evidence[:3]],
                                 "replay": replay_command(implementation, seed_run.seed, rid)})
        worst = max(statuses, key=WORST_LAST.index) if statuses else "skip"
        requirements.append({"id": rid, "level": first.level, "text": first.text, "worst": worst, "seeds": seeds,
                             "failures": failures})
    per_seed = []
    for seed_run in runs:
        reliability = seed_run.run.reliability if seed_run.run is not None else None
        per_seed.append({"seed": seed_run.seed, "exit_code": seed_run.exit_code,
                         "wall_seconds": round(seed_run.wall_seconds, 2), "report": seed_run.report,
                         "judged": seed_run.run is not None,
                         "must_failures": must_failures(seed_run.run) if seed_run.run is not None else [],
                         "records_lost": reliability.records_lost if reliability else 0,
                         "duplicates": reliability.duplicates if reliability else 0})
    harness_error = interrupted or any(r.run is None or r.exit_code not in (0, 1) for r in runs)
    must_failed = any(entry["exit_code"] == 1 or entry["must_failures"] for entry in per_seed)
    return {
        "schema": SCHEMA,
        "implementation": implementation,
        "profile": profile,
        "only": only,
        "seeds": [r.seed for r in runs],
        "interrupted": interrupted,
        "runs": per_seed,
        "requirements": requirements,
        "reliability": {"records_lost": sum(e["records_lost"] for e in per_seed),
                        "duplicates": sum(e["duplicates"] for e in per_seed)},
        "wall_seconds": round(sum(r.wall_seconds for r in runs), 2),
        "exit_code": 2 if harness_error else 1 if must_failed else 0,
    }


def _view(document: dict[str, Any]) -> dict[str, Any]:
    runs = document["runs"]
    failed_seeds = [r["seed"] for r in runs if r["must_failures"] or r["exit_code"] == 1]
    sections: list[tuple[str, str, list[dict]]] = []
    for requirement in document["requirements"]:
        prefix = section(requirement["id"])
        if not sections or sections[-1][0] != prefix:
            sections.append((prefix, SECTIONS.get(prefix, prefix), []))
        sections[-1][2].append(requirement)
    return {
        "doc": document,
        "verdict": {0: "pass", 1: "fail"}.get(document["exit_code"], "error"),
        "failed_seeds": seed_ranges(failed_seeds),
        "failed_count": len(failed_seeds),
        "unjudged": [r["seed"] for r in runs if not r["judged"]],
        "seed_list": seed_ranges(document["seeds"]),
        "sections": sections,
        "flagged": [r for r in document["requirements"] if r["failures"]],
        "ranges": seed_ranges,
        "format_seconds": format_seconds,
    }


def render_sweep_html(document: dict[str, Any]) -> str:
    """The page's text, from a `sweep.json` document."""
    return _ENV.get_template("sweep.html.j2").render(**_view(Redactor().value(document)))


def write_sweep(document: dict[str, Any], directory: Path) -> dict[str, Path]:
    """Write `DIR/sweep.json` and `DIR/sweep.html`; returns {"json", "html"} -> path."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    paths = {"json": directory / JSON_NAME, "html": directory / HTML_NAME}
    texts = {"json": json.dumps(Redactor().value(document), indent=2, sort_keys=True, ensure_ascii=False) + "\n",
             "html": render_sweep_html(document)}
    for kind, path in paths.items():
        # Write then rename, so a reader (CI, a browser open on the nightly report) never sees half a file.
        partial = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        partial.write_text(texts[kind], encoding="utf-8")
        partial.replace(path)
    return paths
