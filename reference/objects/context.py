"""What a stream gets from the engine for one tick: the clock, settings, state and vendor clients."""

from __future__ import annotations

import logging
import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from reference.clients.hubspot import HubSpotClient
from reference.clients.shopify import ShopClient
from reference.refusals import Refusals
from reference.settings import Settings
from reference.state import State

log = logging.getLogger("reference")
# Re-read this much before a cursor: page order and indexing lag (docs/vendor-behaviour.md §1.7, §3.5).
OVERLAP = timedelta(seconds=120)
# Changed records a stream handles at a time: memory holds one chunk, whatever the stores' size. A multiple
# of HubSpot's batch (100) and Shopify's page (250), so that chunking costs no extra call.
CHUNK = 500
# Chunks a stream takes in one tick before it lets the tick end (busy, woken a second later). A rate limit
# ends most ticks sooner; this bounds the others: after an initial sync of a million contacts the next poll
# reads them all back (the sync's own writes, each dropped as an echo, with no call to make), and one tick
# over all of them outlasted the 30 s a contract call may take.
CHUNKS_PER_TICK = 10
GO_ON = timedelta(seconds=1)
# Polls are the net under lost webhooks (LAT-3). While the stores are busy they run at the configured interval;
# after ACTIVE_WINDOW with nothing new (no webhook, no poll that listed a change) they back off to at most
# IDLE_FACTOR times it, never beyond IDLE_CAP: with every webhook lost, a change is still found within 4
# minutes and written in the same pass, well inside the 10-minute bound (LAT-1), while an idle store costs a
# quarter of the calls (benchmarks: idle cost).
IDLE_FACTOR = 4
IDLE_CAP = timedelta(seconds=240)
ACTIVE_WINDOW = timedelta(minutes=10)


@dataclass
class Context:
    """One tick's world as a stream sees it."""

    now: datetime
    settings: Settings
    state: State
    hubspot: HubSpotClient
    shops: dict[str, ShopClient]  # connected shops that still accept traffic
    rng: random.Random
    wakeups: list[datetime] = field(default_factory=list)
    lost_shops: set[str] = field(default_factory=set)  # shops that answered 401 during the tick (CON-3)

    @property
    def refusals(self) -> Refusals:
        """The records HubSpot refused to take, shown in the status and tried again."""
        return Refusals(self.state)

    def wake(self, when: datetime) -> None:
        """Ask for a tick at `when` (a poll or a retry falls due)."""
        self.wakeups.append(when)

    def poll_due(self, key: str) -> bool:
        """Whether the poll named `key` is due (and book the next one if so)."""
        due = self.state.get(f"poll:{key}")
        if due is not None and datetime.fromisoformat(due) > self.now:
            self.wake(datetime.fromisoformat(due))
            return False
        return True

    def polled(self, key: str) -> None:
        """A poll completed: the next one falls due after the poll interval."""
        nxt = self.now + self.poll_interval()
        self.state.put(f"poll:{key}", nxt.isoformat())
        self.wake(nxt)

    def poll_interval(self) -> timedelta:
        """The configured interval while something changed lately, else a longer one (see IDLE_FACTOR)."""
        base = timedelta(seconds=self.settings.poll_interval)
        active = self.state.get("active_at")
        if active is not None and self.now - datetime.fromisoformat(active) < ACTIVE_WINDOW:
            return base
        return max(base, min(base * IDLE_FACTOR, IDLE_CAP))

    def saw_changes(self) -> None:
        """Something changed (a webhook came, a poll listed records): polls go back to the configured interval,
        the ones booked further off included."""
        self.state.put("active_at", self.now.isoformat())
        soon = self.now + timedelta(seconds=self.settings.poll_interval)
        for key, due in self.state.items("poll:"):
            if datetime.fromisoformat(due) > soon:
                self.state.put(key, soon.isoformat())
                self.wake(soon)
