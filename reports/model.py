"""The result model of a conformance run: what the renderers read and `conformance.json` holds.

Plain dataclasses with `to_json` / `from_json`, so `shopsync report DIR` can re-render a saved run.
Nothing here reads a clock: simulated instants come from the run, wall-clock durations live only in
`RunInfo`, which comparisons between runs ignore.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field, fields
from typing import Any

STATUSES = ("pass", "fail", "warn", "info", "skip", "error")
LEVELS = ("MUST", "SHOULD", "MAY")
_REQUIREMENT_ID = re.compile(r"[A-Z]{3}-\d+")


def check_requirements(check: str) -> list[str]:
    """The requirements a check names before its colon: "CNT-2, SET-6: ..." -> ["CNT-2", "SET-6"].

    [] when the check has no such prefix, or when any part of it is not a requirement id: a misspelt
    tag must not quietly drop the requirements spelt right (the scenario's own requirement takes over).
    """
    head, colon, _ = check.partition(":")
    parts = [part.strip() for part in head.split(",")]
    if not colon or not all(_REQUIREMENT_ID.fullmatch(part) for part in parts):
        return []
    return list(dict.fromkeys(parts))


@dataclass
class TimelineEvent:
    """One event on the two-lane timeline of a record: a version in Shopify or HubSpot, a webhook, a tick, a fault."""

    at: str  # ISO-8601 simulated instant
    lane: str  # "shopify", "hubspot" or "harness"
    kind: str  # "change", "api", "webhook", "tick", "fault", "check"
    text: str


@dataclass
class Evidence:
    """Why a check failed: what was expected, what was found, and the few calls that prove it."""

    check: str  # the rules and check that failed, e.g. "CNT-3: customer still exists", "CNT-2, SET-6: ..."
    expected: Any
    found: Any
    calls: list[dict] = field(default_factory=list)  # audit-log entries (AuditEntry.as_json())
    timeline: list[TimelineEvent] = field(default_factory=list)
    record: str | None = None  # the record the timeline follows, e.g. "customer alpha/7100000001"
    scenario: str | None = None  # the ScenarioResult.id that produced it (the report links the two)
    # Every requirement the evidence fails, as the run's aggregate resolved it (the check's prefix, else
    # the scenario's first requirement). Added after schema 1 was published: empty in older documents.
    requirements: list[str] = field(default_factory=list)

    def requirement_ids(self) -> list[str]:
        """The requirements it fails: as resolved by the aggregate, else as its check names them."""
        return self.requirements or check_requirements(self.check)


@dataclass
class LatencySample:
    """One propagated change: `visible_at - changed_at` in simulated seconds."""

    object: str  # contacts, companies, products, orders, carts
    operation: str  # create, update, delete
    direction: str  # "to_hubspot" or "to_shopify"
    changed_at: str
    visible_at: str | None  # None: never became visible before the run ended
    seconds: float | None


@dataclass
class Efficiency:
    """API traffic of a scenario, as the report's efficiency figures."""

    api_calls: int = 0
    shopify_calls: int = 0
    hubspot_calls: int = 0
    records_synced: int = 0
    rate_limited: int = 0  # 429 answers received
    retries: int = 0  # requests repeated after a 429, 5xx or transport error
    faults_injected: dict[str, int] = field(default_factory=dict)
    shopify_cost_points: int = 0  # GraphQL cost Shopify charged (actual; requested for a refused query)
    # Idle cost: what the implementation called while nothing changed, over quiet spans a scenario measured
    # (added after schema 1 was published: zero in older documents).
    idle_hours: float = 0.0  # simulated hours of quiet measured
    idle_shop_hours: float = 0.0  # the same, times the shops installed
    idle_shopify_calls: int = 0
    idle_shopify_cost_points: int = 0
    idle_hubspot_calls: int = 0

    @property
    def calls_per_record(self) -> float | None:
        """API calls per synced record (None when nothing was synced)."""
        return self.api_calls / self.records_synced if self.records_synced else None

    @property
    def idle_cost(self) -> dict[str, float] | None:
        """Per shop-hour (Shopify) and per hour (HubSpot, one portal) while nothing changed; None if unmeasured."""
        if not self.idle_hours or not self.idle_shop_hours:
            return None
        return {"shopify_calls_per_shop_hour": round(self.idle_shopify_calls / self.idle_shop_hours, 1),
                "shopify_cost_points_per_shop_hour": round(self.idle_shopify_cost_points / self.idle_shop_hours, 1),
                "hubspot_calls_per_hour": round(self.idle_hubspot_calls / self.idle_hours, 1)}


@dataclass
class Reliability:
    """The reliability section: faults injected by kind, crashes survived, inputs tried, losses."""

    faults_injected: dict[str, int] = field(default_factory=dict)
    webhook_faults: dict[str, int] = field(default_factory=dict)
    crashes_survived: int = 0
    inputs_tried: int = 0
    records_lost: int = 0
    duplicates: int = 0
    # Odd and hostile inputs among those tried, by kind ("odd data", "forged webhook", "stale webhook",
    # "replayed webhook", "malformed settings"), and how many of the forged, stale and malformed ones
    # the implementation refused (4xx). Added after schema 1 was published: both default to empty,
    # so a conformance.json written before them still reads.
    hostile_inputs: dict[str, int] = field(default_factory=dict)
    hostile_refused: int = 0
    # Credentials taken out of the results before anything was written (reports/redact.py); added
    # after schema 1 too, defaulting to 0.
    secrets_redacted: int = 0
    # The outcomes of the reliability scenarios: behaviour docs/spec.md does not require (so no verdict on a
    # requirement), reported here as {"id", "title", "status", "message"}. Added after schema 1: empty before.
    scenarios: list[dict] = field(default_factory=list)


@dataclass
class ScenarioResult:
    """One scenario run against the implementation."""

    id: str  # stable id, e.g. "CNT-3/archived-contact-keeps-customer"
    title: str
    requirements: list[str]
    seed: int
    status: str  # pass, fail, error, skip
    message: str = ""
    sim_seconds: float = 0.0
    evidence: list[Evidence] = field(default_factory=list)
    latencies: list[LatencySample] = field(default_factory=list)
    efficiency: Efficiency = field(default_factory=Efficiency)
    reliability: Reliability = field(default_factory=Reliability)
    replay: str = ""  # the command that replays it
    output: str = ""  # what the implementation printed during the scenario (process mode)
    notes: list[str] = field(default_factory=list)  # observations for MAY requirements ("ORD-4: not duplicated")
    # The settings in force at the end of a failed scenario, credentials redacted (for its replay
    # bundle; a replay derives the real ones from the seed again). None for a passing one.
    settings: dict | None = None
    # "conformance", or "reliability": a scenario of behaviour docs/spec.md does not require, whose outcome is
    # reported in the reliability section and decides no requirement. Added after schema 1.
    kind: str = "conformance"
    # Evidence files: {"kind": "screenshot", "title", "media_type": "image/png", "data": base64}. Added after schema
    # 1 was published: empty in older documents.
    attachments: list[dict] = field(default_factory=list)


@dataclass
class Waiver:
    """A tolerated failure: requirement, scenario (or "*"), reason, expiry date (YYYY-MM-DD)."""

    requirement: str
    scenario: str
    reason: str
    expires: str


@dataclass
class LatencySummary:
    """p50 / p95 / max of the samples of one object and operation."""

    object: str
    operation: str
    count: int
    p50: float | None
    p95: float | None
    max: float | None
    over_bound: int  # samples over the 10-minute bound, or never visible
    never: int = 0  # of those, the samples never visible (p50 / p95 / max are over the visible ones)


@dataclass
class RequirementResult:
    """The verdict on one requirement of docs/spec.md."""

    id: str
    level: str
    text: str
    status: str  # pass, fail, warn, info, skip, error
    scenarios: list[dict] = field(default_factory=list)  # {"id", "seed", "status"}
    latency: list[LatencySummary] = field(default_factory=list)
    efficiency: Efficiency | None = None
    evidence: list[Evidence] = field(default_factory=list)
    waiver: Waiver | None = None
    note: str = ""  # e.g. what a MAY requirement observed ("orders were not duplicated")


@dataclass
class RunInfo:
    """How the run was made; ignored when two runs' verdicts are compared."""

    harness_version: str
    implementation: str
    implementation_version: str
    command: str | None
    mode: str  # "inprocess" or "process"
    profile: str  # dev, ci, certify
    seed: int
    wall_seconds: float = 0.0
    workers: int = 1
    shard: str | None = None  # "K/N" when the run is one shard of a larger one (`conform --shard`); added after 1
    intercept: bool = False  # the vendors' real hosts were routed to the fakes (`--intercept-hosts`); added after 1


@dataclass
class RunResult:
    """A whole conformance run."""

    run: RunInfo
    requirements: list[RequirementResult]
    scenarios: list[ScenarioResult]
    latency: list[LatencySummary] = field(default_factory=list)
    efficiency: dict[str, Efficiency] = field(default_factory=dict)  # per object type, plus "all"
    reliability: Reliability = field(default_factory=Reliability)
    stale_waivers: list[Waiver] = field(default_factory=list)
    new_waivers: list[Waiver] = field(default_factory=list)  # paste-ready entries for new failures
    exit_code: int = 0

    def to_json(self) -> dict:
        """The `conformance.json` document."""
        out = asdict(self)
        out["schema"] = "shopsync-conformance/1"
        for name, eff in self.efficiency.items():
            out["efficiency"][name]["calls_per_record"] = eff.calls_per_record
            out["efficiency"][name]["idle_cost"] = eff.idle_cost
        return out

    @classmethod
    def from_json(cls, data: dict) -> RunResult:
        """Read a `conformance.json` document back."""
        return _load(cls, {k: v for k, v in data.items() if k != "schema"})

    def verdicts(self) -> dict[str, str]:
        """Requirement id -> status: what two runs of the same seed must agree on."""
        return {r.id: r.status for r in self.requirements}


def _load(kind: type, data: Any) -> Any:
    """Build dataclass `kind` from its asdict() form (recursively, by the field annotations)."""
    import typing

    if data is None:
        return None
    hints = typing.get_type_hints(kind)
    values = {}
    for f in fields(kind):
        if f.name not in data:
            continue
        values[f.name] = _coerce(hints[f.name], data[f.name])
    return kind(**values)


def _coerce(hint: Any, value: Any) -> Any:
    import types
    import typing

    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if value is None:
        return None
    if origin in (typing.Union, types.UnionType):
        inner = [a for a in args if a is not type(None)]
        return _coerce(inner[0], value) if len(inner) == 1 else value
    if origin is list:
        return [_coerce(args[0], v) for v in value]
    if origin is dict:
        return {k: _coerce(args[1], v) for k, v in value.items()}
    if isinstance(hint, type) and hasattr(hint, "__dataclass_fields__"):
        return _load(hint, {k: v for k, v in value.items() if k != "calls_per_record"})
    return value
