"""Latency watches: a change waiting to become visible in the other system, and the line items seen before a
line was removed."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from reports.model import LatencySample
from scenarios.dsl.rules import iso
from scenarios.judge.record import LinesSeen

__all__ = ["LinesSeen", "Watch"]


@dataclass
class Watch:
    """A change waiting to become visible in the other system (one latency sample when it does)."""

    object: str
    operation: str
    direction: str
    changed_at: datetime
    record: str  # what it follows, e.g. "customer alpha/71..."; a newer watch on it supersedes this one
    visible: Callable[[], bool]
    visible_at: datetime | None = None
    superseded: bool = False
    key: str | None = None  # the person or product it concerns, e.g. "contact ada@example.com"
    # Changes to one person (or product) by different records at the same instant are equally late
    # (CNT-5): a sync may carry any of them, so the first of them to show answers for all.
    ties: list[Watch] = field(default_factory=list, compare=False, repr=False)

    def sample(self) -> LatencySample:
        seconds = (self.visible_at - self.changed_at).total_seconds() if self.visible_at else None
        return LatencySample(self.object, self.operation, self.direction, iso(self.changed_at),
                             iso(self.visible_at) if self.visible_at else None, seconds)
