"""A full listing that may take several ticks: what was read so far and where to go on.

An initial sync lists every record on both sides before it can match them. A rate limit can cut the
listing (or the writes after it) short; without a kept listing the next tick would start again from the
first page and, past a few thousand records, never get further than the last time.

A stream that lists whole stores keeps its listings *staged*: each page goes to a scratch SQLite file
as it arrives, so that a pass over 100,000 customers holds one page in memory, not 100,000 records.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from reference.clients.bulk_file import BulkFile

# A kept listing older than this is read again: changes people made meanwhile must not be merged
# against values read long before (the poll that follows covers everything since `started`).
LISTING_TTL = timedelta(minutes=10)

PAGE = 500  # staged records read back at a time

SCRATCH = """
CREATE TABLE rows (bag TEXT NOT NULL, id TEXT NOT NULL, sort NOT NULL, body TEXT NOT NULL,
    PRIMARY KEY (bag, id));
CREATE INDEX rows_sorted ON rows (bag, sort);
CREATE INDEX rows_arrival ON rows (bag);  -- (bag, rowid): reading in arrival order must not sort the bag each time
CREATE TABLE keys (bag TEXT NOT NULL, key TEXT NOT NULL, id TEXT NOT NULL, PRIMARY KEY (bag, key, id));
"""


class Scratch:
    """A private SQLite file for staged records, deleted when closed.

    SQLite keeps such a file in its page cache (2 MiB by default) and spills the rest to disk, so its
    memory stays flat however much is staged; it is scratch, not state: a restart lists again."""

    def __init__(self) -> None:
        self.db = sqlite3.connect("", isolation_level=None, check_same_thread=False)
        self.db.executescript(SCRATCH)


class StagedRecords:
    """One named bag of records in a `Scratch`, unique by id, in the order of their `sort` key.

    `numeric` bags sort by the integer id (HubSpot's order); the others by the id as text (the order a
    Shopify pass has always handled its records in). It answers what the engine asks of a list (extend,
    len, iteration in arrival order) and, once indexed by a stream's match keys, lookups by key."""

    def __init__(self, scratch: Scratch, bag: str, numeric: bool = False) -> None:
        self.db, self.bag, self.numeric = scratch.db, bag, numeric
        self.indexed = False

    def _sort(self, rid: str) -> int | str:
        return int(rid) if self.numeric and rid.isdigit() else rid

    def extend(self, records: Iterable[dict]) -> None:
        """Add records (a record already staged under the same id is replaced)."""
        rows = [(self.bag, str(r["id"]), self._sort(str(r["id"])), json.dumps(r)) for r in records]
        self.db.executemany("INSERT OR REPLACE INTO rows VALUES (?, ?, ?, ?)", rows)
        self.indexed = False

    def copy_from(self, other: StagedRecords) -> None:
        """Add every record of another bag of the same scratch file."""
        self.db.execute("INSERT OR REPLACE INTO rows SELECT ?, id, sort, body FROM rows WHERE bag = ?",
                        (self.bag, other.bag))
        self.indexed = False

    def clear(self) -> None:
        """Forget every record of the bag, and its keys."""
        self.db.execute("DELETE FROM rows WHERE bag = ?", (self.bag,))
        self.db.execute("DELETE FROM keys WHERE bag = ?", (self.bag,))
        self.indexed = False

    def __len__(self) -> int:
        return self.db.execute("SELECT count(*) FROM rows WHERE bag = ?", (self.bag,)).fetchone()[0]

    def __iter__(self) -> Iterator[dict]:
        """Records in arrival order, read a page at a time."""
        position = 0
        while True:
            rows = self.db.execute("SELECT rowid, body FROM rows WHERE bag = ? AND rowid > ? ORDER BY rowid LIMIT ?",
                                   (self.bag, position, PAGE)).fetchall()
            yield from (json.loads(body) for _, body in rows)
            if len(rows) < PAGE:
                return
            position = rows[-1][0]

    def __getitem__(self, part: slice) -> list[dict]:
        """Records in arrival order, `part.start` to `part.stop` (what a stream handling pages as they come asks)."""
        start = part.start or 0
        limit = -1 if part.stop is None else max(0, part.stop - start)
        rows = self.db.execute("SELECT body FROM rows WHERE bag = ? ORDER BY rowid LIMIT ? OFFSET ?",
                               (self.bag, limit, start))
        return [json.loads(body) for (body,) in rows]

    def get(self, rid: str) -> dict | None:
        """A record by id."""
        row = self.db.execute("SELECT body FROM rows WHERE bag = ? AND id = ?", (self.bag, str(rid))).fetchone()
        return json.loads(row[0]) if row else None

    def after(self, sort: int | str | None, limit: int) -> list[tuple[int | str, dict]]:
        """Up to `limit` (sort key, record) in sort order, strictly after `sort` (from the first when None)."""
        if sort is None:
            rows = self.db.execute("SELECT sort, body FROM rows WHERE bag = ? ORDER BY sort LIMIT ?", (self.bag, limit))
        else:
            rows = self.db.execute("SELECT sort, body FROM rows WHERE bag = ? AND sort > ? ORDER BY sort LIMIT ?",
                                   (self.bag, sort, limit))
        return [(key, json.loads(body)) for key, body in rows]

    def index(self, keys_of: Callable[[dict], list[str]]) -> None:
        """Record each record's match keys (once: a bag does not change while a pass matches against it)."""
        if self.indexed:
            return
        self.db.execute("DELETE FROM keys WHERE bag = ?", (self.bag,))
        batch: list[tuple[str, str, str]] = []
        for record in self:
            batch += [(self.bag, k, str(record["id"])) for k in keys_of(record)]
            if len(batch) >= 1000:
                self.db.executemany("INSERT OR IGNORE INTO keys VALUES (?, ?, ?)", batch)
                batch = []
        self.db.executemany("INSERT OR IGNORE INTO keys VALUES (?, ?, ?)", batch)
        self.indexed = True

    def by_key(self, key: str) -> list[dict]:
        """Indexed records with this key, in arrival order."""
        rows = self.db.execute("SELECT r.body FROM keys k JOIN rows r ON r.bag = k.bag AND r.id = k.id "
                               "WHERE k.bag = ? AND k.key = ? ORDER BY r.rowid", (self.bag, key))
        return [json.loads(body) for (body,) in rows]


@dataclass
class Listing:
    """Pages read so far of one listing; `next` is the link or cursor of the page still to read."""

    started: datetime
    records: list[dict] | StagedRecords = field(default_factory=list)
    next: str | None = None
    done: bool = False
    attempts: int = 0  # passes that used it; from the second on, what the engine wrote since may be newer
    written: int = 0  # records a stream has already handled (it may handle pages as they come)
    ids: list[str] = field(default_factory=list)  # of a listing by ids: the ids, fixed when it began
    bulk: str | None = None  # a whole-store listing read by a bulk operation: its id ("failed": paged instead)
    file: BulkFile | None = None  # that operation's result, downloaded, while it is read a part a tick

    progressed: datetime | None = None  # when it last moved: a page read or written, its export seen running

    def fresh(self, now: datetime) -> bool:
        """Whether a listing kept from an earlier tick may go on: one that still moves may, however long it
        takes (a million orders take longer than the TTL to export, read and write, and starting again would
        never finish; the poll that follows covers every change made since `started`). One left standing for
        the TTL is read again."""
        return now - (self.progressed or self.started) <= LISTING_TTL

    def moved(self, now: datetime) -> None:
        self.progressed = now

    def close(self) -> None:
        if self.file is not None:
            self.file.close()
            self.file = None


class Listings:
    """The listings a stream keeps between ticks, by name (in memory: a restart simply lists again).

    With a `scratch` file the records are staged there (see `StagedRecords`); HubSpot's sort by id."""

    def __init__(self, scratch: Scratch | None = None) -> None:
        self._kept: dict[str, Listing] = {}
        self.scratch = scratch

    def get(self, name: str, now: datetime) -> Listing:
        listing = self._kept.get(name)
        if listing is None or not listing.fresh(now):
            self.drop(name)
            listing = self._kept[name] = Listing(now, self.bag(f"listing:{name}", numeric=name == "hubspot"))
        listing.attempts += 1
        return listing

    def bag(self, name: str, numeric: bool = False) -> list[dict] | StagedRecords:
        """An empty bag of this name: staged when the stream has a scratch file, else a list."""
        if self.scratch is None:
            return []
        bag = StagedRecords(self.scratch, name, numeric)
        bag.clear()
        return bag

    def drop(self, name: str) -> None:
        listing = self._kept.pop(name, None)
        if listing is not None:
            listing.close()
            if isinstance(listing.records, StagedRecords):
                listing.records.clear()
