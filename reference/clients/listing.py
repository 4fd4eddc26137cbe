"""A full listing that may take several ticks: what was read so far and where to go on.

An initial sync lists every record on both sides before it can match them. A rate limit can cut the
listing (or the writes after it) short; without a kept listing the next tick would start again from the
first page and, past a few thousand records, never get further than the last time.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

# A kept listing older than this is read again: changes people made meanwhile must not be merged
# against values read long before (the poll that follows covers everything since `started`).
LISTING_TTL = timedelta(minutes=10)


@dataclass
class Listing:
    """Pages read so far of one listing; `next` is the link or cursor of the page still to read."""

    started: datetime
    records: list[dict] = field(default_factory=list)
    next: str | None = None
    done: bool = False
    attempts: int = 0  # passes that used it; from the second on, what the engine wrote since may be newer
    written: int = 0  # records a stream has already handled (it may handle pages as they come)
    ids: list[str] = field(default_factory=list)  # of a listing by ids: the ids, fixed when it began

    def fresh(self, now: datetime) -> bool:
        return now - self.started <= LISTING_TTL


class Listings:
    """The listings a stream keeps between ticks, by name (in memory: a restart simply lists again)."""

    def __init__(self) -> None:
        self._kept: dict[str, Listing] = {}

    def get(self, name: str, now: datetime) -> Listing:
        listing = self._kept.get(name)
        if listing is None or not listing.fresh(now):
            listing = self._kept[name] = Listing(now)
        listing.attempts += 1
        return listing

    def drop(self, name: str) -> None:
        self._kept.pop(name, None)
