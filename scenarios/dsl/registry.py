"""The scenario registry: `@scenario(...)` registers a story under its requirements and a stable id."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from scenarios.dsl.simulation import Sim, SimOptions


@dataclass
class ScenarioSpec:
    """A registered scenario: the requirements it covers and how to run it."""

    id: str
    title: str
    requirements: tuple[str, ...]
    run: Callable[[Sim], None]
    options: SimOptions = field(default_factory=SimOptions)
    tags: tuple[str, ...] = ()
    faults: dict | None = None  # a FaultSchedule as JSON, without its seed
    # "reliability": behaviour docs/spec.md does not require; its outcome is reported and decides no requirement
    # (its requirements are those it exercises).
    kind: str = "conformance"

REGISTRY: dict[str, ScenarioSpec] = {}

def scenario(*requirements: str, title: str, shops: tuple[str, ...] = ("alpha",), tier: str = "professional",
             ops_hub: str = "starter", tags: tuple[str, ...] = (), faults: dict | None = None, currency: str = "USD",
             reliability: bool = False):
    """Register a scenario covering `requirements`; its id is `FIRST-REQ/function-name`. A `reliability` one
    exercises them in a situation docs/spec.md does not speak of: its outcome is reported, not a verdict."""
    def register(run: Callable[[Sim], None]) -> Callable[[Sim], None]:
        sid = f"{requirements[0]}/{run.__name__.replace('_', '-')}"
        if sid in REGISTRY:
            raise ValueError(f"duplicate scenario id {sid}")
        REGISTRY[sid] = ScenarioSpec(sid, title, tuple(requirements), run,
                                     SimOptions(shops, tier, ops_hub, currency=currency), tags, faults,
                                     "reliability" if reliability else "conformance")
        run.scenario_id = sid  # type: ignore[attr-defined]
        return run
    return register
