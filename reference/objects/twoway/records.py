"""What a two-way pass works on: groups of records across the systems, and the pass itself as it goes.

A *group* is one HubSpot record (or one to create) and the Shopify records linked to it, one per shop at
most. A pass gathers the records that changed on either side (its *seeds*, staged a source at a time), and
turns them into groups a chunk at a time; a `Pass` keeps where it stands when a rate limit cuts it short.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from reference.clients.listing import LISTING_TTL, StagedRecords
from reference.settings import Mapping
from reference.state import HubSpotRecord, Link


@dataclass
class Member:
    """A group's record in one shop: current Shopify record (None: to be created) and its link."""

    shop: str
    record: dict | None
    link: Link | None = None
    # A survivor of an archived HubSpot record joining the record of its key unchanged: its link's view is
    # what it last agreed with, so it takes the group's values rather than offering its own.
    adopted: bool = False


@dataclass
class Group:
    """One HubSpot record (or one to create) and its Shopify records."""

    hubspot_id: str | None
    hubspot: dict | None = None  # the HubSpot record as read in this pass
    synced: HubSpotRecord | None = None  # what the engine last wrote or read of it (its state)
    members: dict[str, Member] = field(default_factory=dict)
    hubspot_changed: bool = False
    key_hint: list[str] = field(default_factory=list)
    born: str | None = None  # "sync" once this pass has created its HubSpot record
    first_met: bool = False  # met for the first time beside survivors of an archived record: theirs if they live


@dataclass
class Source:
    """One side's changed records in a pass, staged: HubSpot's (`shop` None) or one shop's."""

    shop: str | None
    records: StagedRecords
    recheck: bool = False  # a listing kept from an earlier tick: what the engine wrote since supersedes it
    full: bool = False  # an initial listing (every record of the shop): new groups are matched against it


@dataclass
class Seeds:
    """The changed records of a pass, in the order they are matched (HubSpot's by id, then each shop's),
    read a chunk at a time; `at`/`after` say where the next chunk begins."""

    sources: list[Source]
    at: int = 0
    after: int | str | None = None

    def chunk(self, size: int) -> tuple[list[tuple[Source, dict]], tuple[int, int | str | None]]:
        """The next `size` records and the position after them (not taken until `advance`)."""
        out: list[tuple[Source, dict]] = []
        at, after = self.at, self.after
        while len(out) < size and at < len(self.sources):
            want = size - len(out)
            rows = self.sources[at].records.after(after, want)
            out += [(self.sources[at], record) for _, record in rows]
            at, after = (at + 1, None) if len(rows) < want else (at, rows[-1][0])
        return out, (at, after)

    def advance(self, position: tuple[int, int | str | None]) -> None:
        self.at, self.after = position

    def shop(self, shop: str) -> Source | None:
        return next((s for s in self.sources if s.shop == shop), None)

    def later(self, shop: str) -> list[Source]:
        """The shops whose records come after this shop's."""
        return [s for s in self.sources if s.shop is not None and s.shop > shop]


@dataclass
class Pass:
    """A pass in progress: its changed records (staged), the chunk being written, and what to record after.

    A rate limit may cut a pass anywhere; the next tick goes on from where it stopped instead of listing
    and matching everything again, which, for an initial sync that needs many ticks, made each tick cost
    as much as the whole backlog."""

    started: datetime
    mappings: tuple[Mapping, ...]
    props: list[str]  # HubSpot properties read
    seeds: Seeds
    looked: bool  # HubSpot was listed whole: a new group has no HubSpot record left to look up
    cursors: dict[str, str]  # Shopify cursor keys -> where the next poll starts
    hubspot_cursor: str | None  # the HubSpot cursor, when the pass polled HubSpot
    through: int  # the pass handles the inbox events of its topics up to this one
    groups: dict[str, Group] = field(default_factory=dict)  # of the chunk being written
    progressed: datetime | None = None  # when its last chunk was taken

    def fresh(self, now: datetime) -> bool:
        """Whether a cut pass may go on: one whose chunks are still being taken may, however long it runs
        (writing a million contacts takes longer than the TTL; each chunk reads its HubSpot side afresh)."""
        return now - (self.progressed or self.started) <= LISTING_TTL
