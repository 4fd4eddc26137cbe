"""Running one scenario against an implementation and turning what happened into a ScenarioResult."""

from __future__ import annotations

import hashlib
import json
import shlex
import sys
import tempfile
from dataclasses import dataclass, replace
from datetime import timedelta
from pathlib import Path

from harness import FaultSchedule, ImplementationError, InProcess, Process, World
from harness.adapters import Implementation, load_implementation
from harness.tenants import minted_secrets
from reports.model import Efficiency, Evidence, Reliability, ScenarioResult
from reports.redact import Redactor
from scenarios.dsl import REGISTRY, ScenarioFailure, ScenarioSkipped, ScenarioSpec, Sim
from scenarios.judge import judge as verdict
from scenarios.judge.record import RunRecord
from scenarios.recording import recorded

HARNESS_VERSION = "0.1.0"
MAX_EVIDENCE = 25  # per scenario: enough to see the pattern, small enough for the report
OBJECT_OF_SECTION = {"CNT": "contacts", "CMP": "companies", "PRD": "products", "ORD": "orders", "CRT": "carts"}


@dataclass(frozen=True)
class ImplSpec:
    """Which implementation to run and how: an installed name or a command, in-process or as a process."""

    name: str | None = "reference"
    command: str | None = None
    mode: str = "inprocess"
    intercept: bool = False  # the real vendor hosts routed to the fakes by a proxy (`--intercept-hosts`)

    def __post_init__(self) -> None:
        if (self.command or self.intercept) and self.mode != "process":
            object.__setattr__(self, "mode", "process")

    def make(self) -> Implementation:
        """A fresh adapter for one scenario."""
        if self.command:
            return Process(self.command, name="implementation")
        if self.mode == "process":
            return Process(f"{shlex.quote(sys.executable)} -m scenarios.cli serve-impl {shlex.quote(self.name or '')}",
                           name=self.name or "implementation")
        return load_implementation(self.name or "reference")

    def describe(self) -> str:
        """The command-line flags that select this implementation."""
        hosts = " --intercept-hosts" if self.intercept else ""
        if self.command:
            return f"--impl-cmd {shlex.quote(self.command)}{hosts}"
        return f"--impl {self.name}" + (" --mode process" if self.mode == "process" else "") + hosts

    def to_json(self) -> dict:
        return {"name": self.name, "command": self.command, "mode": self.mode, "intercept": self.intercept}


def scenario_seed(run_seed: int, scenario_id: str) -> int:
    """Each scenario's own seed, fixed by the run's seed and its id."""
    return int(hashlib.sha256(f"{run_seed}:{scenario_id}".encode()).hexdigest()[:8], 16) % 1_000_000


def replay_command(spec: ScenarioSpec, impl: ImplSpec, run_seed: int) -> str:
    """The command that replays one scenario exactly."""
    return f"shopsync conform {impl.describe()} --seed {run_seed} --only {spec.id}"


def record_path(records: Path, scenario_id: str) -> Path:
    """Where a scenario's run record is kept in a report directory's `records/`."""
    return records / (scenario_id.replace("/", "__") + ".json.gz")


def run_scenario(spec: ScenarioSpec, impl: ImplSpec, run_seed: int, workdir: Path | None = None,
                 inputs: InProcess | None = None, secrets: set[str] | None = None,
                 records: Path | None = None) -> ScenarioResult:
    """Run one scenario in a fresh world and judge it.

    The result comes back with every credential of the run redacted; `secrets`, when given, receives
    those credentials, for a caller that must redact what it captured itself (pytest's output). With
    `records`, the run record the judge read is saved there (`shopsync judge DIR` judges it again).
    """
    seed = scenario_seed(run_seed, spec.id)
    faults = FaultSchedule.from_json({**spec.faults, "seed": seed}) if spec.faults else None
    result = ScenarioResult(spec.id, spec.title, list(spec.requirements), seed, "pass",
                            replay=replay_command(spec, impl, run_seed), kind=spec.kind)
    tmp = None
    if workdir is None:
        tmp = tempfile.TemporaryDirectory(prefix="shopsync-scenario-")
        workdir = Path(tmp.name)
    world = World(seed=seed, mode=impl.mode, faults=faults, workdir=workdir, intercept=impl.intercept)
    sim: Sim | None = None
    try:
        implementation = inputs or impl.make()
        sim = Sim(world, implementation, replace(spec.options, seed=seed))
        missing = _unclaimed(spec, sim.health.capabilities if sim.health else ())
        if missing:
            result.status = "fail"
            result.evidence.append(Evidence(f"{spec.requirements[0]}: the implementation does not claim "
                                            f"{', '.join(missing)}", "capability claimed in /health",
                                            list(sim.health.capabilities if sim.health else ())))
            return result
        spec.run(sim)
        evidence = judge(sim, faults=bool(spec.faults),
                         record_to=record_path(records, spec.id) if records is not None else None)
        result.latencies = sim.latency_samples()
        judged(result, evidence)
    except ScenarioFailure as failure:
        result.status, result.evidence = "fail", failure.evidence
        result.message = str(failure)
    except ScenarioSkipped as skipped:
        result.status, result.message, result.evidence = "skip", str(skipped), []
    except ImplementationError as error:
        result.status, result.message = "error", f"implementation error: {error}"
        if sim is not None:
            result.evidence = [Evidence(f"{spec.requirements[0]}: implementation error", "a working implementation",
                                        str(error), sim.calls(lambda e: True)[-10:])]
    finally:
        result.sim_seconds = world.elapsed()
        result.efficiency = _efficiency(world, sim)
        result.reliability = _reliability(world, sim, result, spec)
        result.notes = list(sim.notes) if sim is not None else []
        if world.interceptor is not None and world.interceptor.refused:
            hosts = sorted(set(world.interceptor.refused))
            result.notes.append(f"interception: the proxy refused {len(world.interceptor.refused)} request(s) to "
                                f"hosts outside the simulated world: {', '.join(hosts[:10])}")
        minted = minted_secrets(world.seed, world.shopify, world.hubspot, world.shops, world.portal)
        if secrets is not None:
            secrets |= minted
        redactor = Redactor(minted)
        if world.implementation is not None:
            # Redacted before it is cut, so the cut cannot leave half a secret that no longer matches.
            result.output = redactor.text(world.implementation.output())[-20_000:]
        if sim is not None and result.status in ("fail", "error") and world.portal is not None:
            result.settings = sim.sync.document()  # for the replay bundle; credentials go just below
        # The one place a scenario's result leaves the run: nothing that writes or prints it sees a secret.
        redactor.in_place(result)
        result.reliability.secrets_redacted = redactor.count
        # Binary evidence joins after redaction (reports/redact.py leaves base64 alone everywhere else too).
        result.attachments = list(sim.attachments) if sim is not None else []
        world.close()
        if tmp is not None:
            tmp.cleanup()
    return result


def judge(sim: Sim, *, faults: bool = False, record_to: Path | None = None) -> list[Evidence]:
    """Everything the suite holds against the implementation after a scenario's story: let the world go quiet
    (unless a check already failed), wait 30 simulated minutes for echoes, record the run, and judge the record
    (scenarios/judge/: the scenario's own failed checks, the end state, the history of calls, the latency
    bound). Empty: the implementation conforms here. `record_to`: where to save the record."""
    return verdict(record_run(sim, faults=faults, record_to=record_to))


def record_run(sim: Sim, *, faults: bool = False, record_to: Path | None = None) -> RunRecord:
    """Let the world go quiet, then record it as the judge reads it (and save it to `record_to`)."""
    quiet_at = None
    if not sim.failures:
        sim.world.advance_until_quiet()
        quiet_at = sim.world.now()
        sim.world.advance(timedelta(minutes=30))
    world = sim.world
    secrets = minted_secrets(world.seed, world.shopify, world.hubspot, world.shops, world.portal)
    record, data = recorded(sim, quiet_at=quiet_at, faults=faults, secrets=secrets)
    if record_to is not None:
        record.save(record_to, data)
    return record


def judged(result: ScenarioResult, evidence: list[Evidence]) -> ScenarioResult:
    """A result's status, evidence (the first MAX_EVIDENCE, then a count) and message from the judge's evidence."""
    if len(evidence) > MAX_EVIDENCE:
        extra = len(evidence) - MAX_EVIDENCE
        evidence = evidence[:MAX_EVIDENCE] + [Evidence(f"{evidence[MAX_EVIDENCE].check.split(':')[0]}: "
                                                      f"{extra} more difference(s) not listed", "", extra)]
    result.evidence = evidence
    result.status = "fail" if evidence else "pass"
    result.message = "; ".join(e.check for e in evidence[:5])
    return result


def _unclaimed(spec: ScenarioSpec, capabilities: tuple[str, ...]) -> list[str]:
    if not capabilities:
        return []
    needed = {OBJECT_OF_SECTION[r.split("-")[0]] for r in spec.requirements if r.split("-")[0] in OBJECT_OF_SECTION}
    return sorted(n for n in needed if n not in capabilities)


def _efficiency(world: World, sim: Sim | None) -> Efficiency:
    entries = world.audit.entries(lambda e: e.phase in ("tick", "webhook"))
    seen_failed: set[tuple[str, str, str]] = set()
    retries = 0
    for entry in entries:
        key = (entry.method, entry.path, entry.query)
        if key in seen_failed:
            retries += 1
            seen_failed.discard(key)
        if entry.status == 429 or entry.status >= 500 or entry.fault:
            seen_failed.add(key)
    records = 0
    if sim is not None:
        records = sum(1 for c in sim.history.changes if c.op in ("create", "update", "delete", "archive", "complete"))
    faults: dict[str, int] = {}
    for entry in entries:
        if entry.fault:
            faults[entry.fault] = faults.get(entry.fault, 0) + 1
    efficiency = Efficiency(api_calls=len(entries), shopify_calls=sum(1 for e in entries if e.fake == "shopify"),
                            hubspot_calls=sum(1 for e in entries if e.fake == "hubspot"), records_synced=records,
                            rate_limited=sum(1 for e in entries if e.status == 429), retries=retries,
                            faults_injected=faults,
                            shopify_cost_points=sum(e.cost or 0 for e in entries if e.fake == "shopify"))
    if sim is not None:
        _idle_cost(world, sim, efficiency)
    return efficiency


def _idle_cost(world: World, sim: Sim, efficiency: Efficiency) -> None:
    """The implementation's calls during the quiet spans the scenario measured (`Sim.idle`)."""
    log = world.audit.entries()
    shops = len([s for s in sim.options.shops if s not in sim.uninstalled])
    for began, ended, first, last in sim.idle_windows:
        hours = (ended - began).total_seconds() / 3600
        calls = [e for e in log[first:last] if e.phase in ("tick", "webhook", "idle")]
        efficiency.idle_hours += hours
        efficiency.idle_shop_hours += hours * shops
        efficiency.idle_shopify_calls += sum(1 for e in calls if e.fake == "shopify")
        efficiency.idle_shopify_cost_points += sum(e.cost or 0 for e in calls if e.fake == "shopify")
        efficiency.idle_hubspot_calls += sum(1 for e in calls if e.fake == "hubspot")


def _reliability(world: World, sim: Sim | None, result: ScenarioResult, spec: ScenarioSpec) -> Reliability:
    api_faults: dict[str, int] = {}
    for entry in world.audit.entries(lambda e: e.fault is not None):
        kind = entry.fault.split(":")[0]
        api_faults[kind] = api_faults.get(kind, 0) + 1
    webhook_faults: dict[str, int] = {}
    for delivery in world.stats.deliveries:
        if delivery.fault:
            webhook_faults[delivery.fault] = webhook_faults.get(delivery.fault, 0) + 1
    lost, duplicates = lost_and_duplicated(result.evidence)
    hostile = dict(sim.hostile) if sim else {}
    if sim and "odd-data" in spec.tags:
        # Every record people made or edited in an odd-data scenario carries the odd values.
        people = sum(1 for c in sim.history.changes if c.system in ("shopify", "hubspot"))
        hostile["odd data"] = hostile.get("odd data", 0) + people
    return Reliability(faults_injected=api_faults, webhook_faults=webhook_faults,
                       crashes_survived=(sim.crashes + world.stats.crashes_in_tick
                                         if sim and result.status == "pass" else 0),
                       inputs_tried=len(sim.history.changes) if sim else 0, records_lost=lost, duplicates=duplicates,
                       hostile_inputs=hostile, hostile_refused=sim.refused if sim else 0)


def lost_and_duplicated(evidence: list[Evidence]) -> tuple[int, int]:
    """How many records the evidence says were lost, and how many duplicated (the reliability figures)."""
    lost_marks = ("CNT-1: no", "PRD-1: no", "CRT-1: checkout")
    lost = sum(1 for e in evidence if " not in HubSpot" in e.check or e.check.startswith(lost_marks))
    return lost, sum(1 for e in evidence if "duplicate" in e.check)


def load_suites() -> dict[str, ScenarioSpec]:
    """Import every suite module so its scenarios register; the registry by id."""
    import importlib
    import pkgutil

    import scenarios.suites as suites

    for module in pkgutil.iter_modules(suites.__path__):
        if module.name.startswith("suite_"):
            importlib.import_module(f"scenarios.suites.{module.name}")
    return dict(sorted(REGISTRY.items()))


def select(specs: dict[str, ScenarioSpec], only: str | None) -> dict[str, ScenarioSpec]:
    """Scenarios whose id or requirements match `--only` (comma list of ids, prefixes or scenario ids)."""
    if not only:
        return specs
    wanted = [w.strip() for w in only.split(",") if w.strip()]

    def matches(spec: ScenarioSpec) -> bool:
        return any(spec.id == w or spec.id.startswith(w + "/") or any(r == w or r.startswith(w + "-") or
                   r.split("-")[0] == w for r in spec.requirements) for w in wanted)
    return {k: v for k, v in specs.items() if matches(v)}


def unmatched(specs: dict[str, ScenarioSpec], only: str | None) -> list[str]:
    """The terms of `--only` that select no scenario: a typo, or an id no scenario covers."""
    terms = [w.strip() for w in (only or "").split(",") if w.strip()]
    return [term for term in terms if not select(specs, term)]


def only_advice(terms: list[str]) -> str:
    """What to do about `--only` terms that select nothing: the nearest IDs, and where the list is."""
    from scenarios.catalogue import closest

    named = []
    for term in terms:
        near = closest(term)
        named.append(f"{term} (did you mean {near}?)" if near and near != term else term)
    return (f"--only {', '.join(named)}: selects no scenario. --only takes requirement ids (CNT-1), sections "
            "(ORD) or scenario ids, comma-separated; `shopsync spec` lists the requirements (docs/spec.md), "
            "see docs/design.md#the-command-line")


def result_to_file(result: ScenarioResult, directory: Path) -> Path:
    """Write one scenario's result for the run to collect (one file each, so xdist workers never clash)."""
    from dataclasses import asdict
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / (result.id.replace("/", "__") + ".json")
    path.write_text(json.dumps(Redactor().value(asdict(result)), default=str), encoding="utf-8")
    return path
