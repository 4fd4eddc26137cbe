"""The history of a scenario: every change the harness made, as the oracle's input.

The DSL appends a Change for each merchant edit in Shopify, marketer edit in HubSpot and settings
change, stamped with simulated time. The oracle computes the expected end state from it alone.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class Change:
    """One change made by a person (not by the implementation under test)."""

    at: datetime
    system: str  # "shopify", "hubspot" or "settings"
    object: str  # customer, contact, product, order, checkout, cart, company, settings, shop
    op: str  # create, update, delete, archive, uninstall, configure, ...
    shop: str | None  # Shopify shop, when the change is in Shopify
    id: str  # the record id in its own system ("" for settings)
    data: dict = field(default_factory=dict)  # what the person changed (every field, for a create)
    record: dict = field(default_factory=dict)  # the whole record right after the change (keys, context)


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
