"""The history of a scenario: every change the harness made, as the judge's input.

The DSL appends a Change for each merchant edit in Shopify, marketer edit in HubSpot and settings
change, stamped with simulated time. The judge computes the expected end state from it (scenarios/judge/).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from scenarios.judge.record import Change

__all__ = ["Change", "History"]


@dataclass
class History:
    """Every change of a scenario, in the order they happened."""

    changes: list[Change] = field(default_factory=list)

    def add(self, change: Change) -> Change:
        """Record one change."""
        self.changes.append(change)
        return change

    def of(self, system: str | None = None, obj: str | None = None) -> list[Change]:
        """Changes filtered by system and object."""
        return [c for c in self.changes if (system is None or c.system == system) and (obj is None or c.object == obj)]
