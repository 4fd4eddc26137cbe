"""The verbs scenarios are written in, one module a job: the simulation and its clock (`simulation`), the merchant
(`merchant`), the marketer (`marketer`), the sync's settings (`sync`), webhooks the harness builds (`webhooks`),
references to records (`refs`), the history of people's changes (`history`), latency watches (`watches`), the
small rules of the spec they share (`rules`), outcomes (`outcomes`) and the registry (`registry`).

`from scenarios.dsl import Sim, scenario` is what a suite module needs.
"""

from scenarios.dsl.outcomes import ScenarioError, ScenarioFailure, ScenarioSkipped
from scenarios.dsl.registry import REGISTRY, ScenarioSpec, scenario
from scenarios.dsl.rules import LATENCY_BOUND, OBJECTS, money_equal, norm_email
from scenarios.dsl.simulation import Sim, SimOptions

__all__ = ["LATENCY_BOUND", "OBJECTS", "REGISTRY", "ScenarioError", "ScenarioFailure", "ScenarioSkipped",
           "ScenarioSpec", "Sim", "SimOptions", "money_equal", "norm_email", "scenario"]
