"""What the fakes' stateful schemathesis tests share: configuration, CI budget, clock, a look at the rules."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from hypothesis import HealthCheck, Phase, settings
from hypothesis.stateful import RULE_MARKER, Rule
from schemathesis.config import SchemathesisConfig
from schemathesis.generation.stateful.state_machine import normalize_name

from fakes.clock import SimClock

# Only the document's own links: schemathesis would otherwise infer more from the schemas, and a document
# that lost its links would still give a state machine. Valid requests only: the budget goes to chains,
# while the stateless tests cover invalid input.
LINKS_ONLY = SchemathesisConfig.from_dict({"phases": {"stateful": {"inference": {"algorithms": []},
                                                                   "generation": {"mode": "positive"}}}})

# Bounded for CI (a few seconds each on an idle machine, under 20 s on a loaded 2-core one) and derandomized,
# so a failure in CI is a failure on every machine.
CI_RUN = settings(max_examples=40, stateful_step_count=10, derandomize=True, deadline=None,
                  phases=[Phase.generate], suppress_health_check=list(HealthCheck))

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def advancing(app: WSGIApp, clock: SimClock) -> WSGIApp:
    """WSGI wrapper: each request moves the simulated clock a second, so timestamps and rate limits move."""
    def wsgi(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        clock.advance(1)
        return app(environ, start_response)
    return wsgi


def response_links(document: dict[str, Any], operation_id: str, status: str) -> dict[str, Any]:
    """The links an operation's response declares in an OpenAPI document."""
    for item in document["paths"].values():
        for operation in item.values():
            if isinstance(operation, dict) and operation.get("operationId") == operation_id:
                return operation["responses"][status].get("links", {})
    raise KeyError(operation_id)


def link_rules(machine: type) -> list[Rule]:
    """The state machine's rules that take their input from an earlier response: one per followed link."""
    rules = (getattr(getattr(machine, name), RULE_MARKER, None) for name in dir(machine))
    return [rule for rule in rules if rule is not None and rule.bundles]


def link_count(links: dict[tuple[str, str], dict[str, dict[str, str]]]) -> int:
    """How many links a document's link table declares."""
    return sum(len(targets) for targets in links.values())


def root_rule_name(label: str) -> str:
    """The name schemathesis gives the rule that starts a chain with the operation `label` (`POST /path`)."""
    return normalize_name(f"RANDOM -> {label}")
