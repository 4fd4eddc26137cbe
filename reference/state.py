"""The engine's memory, in SQLite (stdlib sqlite3): links, what was last synced, cursors, the webhook inbox.

Every write to a vendor is followed by a commit of what it changed here, and every create is preceded
by an *intent* row, so a process killed at any point restarts knowing which creates may have landed
and must be looked up before being tried again (crash safety: nothing lost, nothing duplicated).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

SCHEMA = """
CREATE TABLE IF NOT EXISTS kv (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS hubspot_records (
    kind TEXT NOT NULL, hubspot_id TEXT NOT NULL, key TEXT, view TEXT NOT NULL, at TEXT,
    born TEXT NOT NULL, archived INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (kind, hubspot_id));
CREATE INDEX IF NOT EXISTS hubspot_records_key ON hubspot_records (kind, key);
CREATE TABLE IF NOT EXISTS record_keys (kind TEXT NOT NULL, key TEXT NOT NULL, hubspot_id TEXT NOT NULL,
    PRIMARY KEY (kind, key, hubspot_id));
CREATE INDEX IF NOT EXISTS record_keys_record ON record_keys (kind, hubspot_id);
CREATE TABLE IF NOT EXISTS links (
    kind TEXT NOT NULL, shop TEXT NOT NULL, shopify_id TEXT NOT NULL, hubspot_id TEXT, view TEXT NOT NULL,
    at TEXT, status TEXT NOT NULL, extra TEXT NOT NULL DEFAULT '{}', PRIMARY KEY (kind, shop, shopify_id));
CREATE INDEX IF NOT EXISTS links_hubspot ON links (kind, hubspot_id);
CREATE TABLE IF NOT EXISTS orphan_keys (kind TEXT NOT NULL, key TEXT NOT NULL, shop TEXT NOT NULL,
    shopify_id TEXT NOT NULL, PRIMARY KEY (kind, key, shop, shopify_id));
CREATE INDEX IF NOT EXISTS orphan_keys_link ON orphan_keys (kind, shop, shopify_id);
CREATE TABLE IF NOT EXISTS inbox (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, source TEXT NOT NULL, shop TEXT, topic TEXT NOT NULL, body TEXT NOT NULL,
    at TEXT);
CREATE TABLE IF NOT EXISTS seen (event_id TEXT PRIMARY KEY);
CREATE TABLE IF NOT EXISTS intents (kind TEXT NOT NULL, shop TEXT NOT NULL, ref TEXT NOT NULL,
    PRIMARY KEY (kind, shop, ref));
"""

LIVE, DELETED, ARCHIVED = "live", "deleted", "archived"


@dataclass
class Link:
    """A Shopify record of one shop tied to a HubSpot record, with the view last synced on the Shopify side.

    `status`: live; deleted (the Shopify record was deleted: never re-create it in that shop, CNT-4);
    archived (its HubSpot record was archived and must not come back, PRD-3).
    """

    kind: str
    shop: str
    shopify_id: str
    hubspot_id: str | None
    view: dict[str, Any] = field(default_factory=dict)
    at: str | None = None
    status: str = LIVE
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class HubSpotRecord:
    """What the engine knows of one HubSpot record: its match key, last synced view, and who made it."""

    kind: str
    hubspot_id: str
    key: str | None
    view: dict[str, Any] = field(default_factory=dict)
    at: str | None = None
    born: str = "hubspot"  # "hubspot" (made by a person: goes to every shop) or "sync"
    archived: bool = False


@dataclass
class InboxEvent:
    """A verified webhook accepted (answered 200) but not yet acted on."""

    seq: int
    source: str
    shop: str | None
    topic: str
    body: Any
    at: str | None = None  # when it happened, if the vendor said


class State:
    """SQLite-backed state; `path` None keeps it in memory (in-process runs without a state dir)."""

    def __init__(self, path: Path | None) -> None:
        target = ":memory:" if path is None else str(path)
        self.db = sqlite3.connect(target, isolation_level=None, check_same_thread=False)
        self.db.execute("PRAGMA journal_mode=WAL" if path is not None else "PRAGMA journal_mode=MEMORY")
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.executescript(SCHEMA)
        if "at" not in {row[1] for row in self.db.execute("PRAGMA table_info(inbox)")}:
            self.db.execute("ALTER TABLE inbox ADD COLUMN at TEXT")  # a state dir kept from before the column

    def close(self) -> None:
        """Close the database."""
        self.db.close()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Group several statements into one atomic commit."""
        self.db.execute("BEGIN")
        try:
            yield
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    # ------------------------------------------------------------------ key/value (settings, tokens, cursors)

    def get(self, key: str, default: Any = None) -> Any:
        """A JSON value by key."""
        row = self.db.execute("SELECT value FROM kv WHERE key = ?", (key,)).fetchone()
        return json.loads(row[0]) if row else default

    def put(self, key: str, value: Any) -> None:
        """Store a JSON value (None deletes)."""
        if value is None:
            self.db.execute("DELETE FROM kv WHERE key = ?", (key,))
        else:
            self.db.execute("INSERT OR REPLACE INTO kv (key, value) VALUES (?, ?)", (key, json.dumps(value)))

    def items(self, prefix: str) -> list[tuple[str, Any]]:
        """Every (key, JSON value) whose key starts with `prefix`, in key order."""
        rows = self.db.execute("SELECT key, value FROM kv WHERE key >= ? AND key < ? ORDER BY key",
                               (prefix, prefix + "\uffff")).fetchall()
        return [(key, json.loads(value)) for key, value in rows]

    def delete_prefix(self, prefix: str) -> None:
        """Forget every key starting with `prefix` (e.g. the cursors of an object type)."""
        self.db.execute("DELETE FROM kv WHERE key >= ? AND key < ?", (prefix, prefix + "\uffff"))

    # ------------------------------------------------------------------ links

    @staticmethod
    def _link(row: tuple) -> Link:
        return Link(row[0], row[1], row[2], row[3], json.loads(row[4]), row[5], row[6], json.loads(row[7]))

    def link(self, kind: str, shop: str, shopify_id: str | int) -> Link | None:
        """The link of a Shopify record, if any."""
        row = self.db.execute("SELECT * FROM links WHERE kind = ? AND shop = ? AND shopify_id = ?",
                              (kind, shop, str(shopify_id))).fetchone()
        return self._link(row) if row else None

    def links_of(self, kind: str, hubspot_id: str) -> list[Link]:
        """Every link to a HubSpot record (one per shop at most for two-way objects)."""
        rows = self.db.execute("SELECT * FROM links WHERE kind = ? AND hubspot_id = ? ORDER BY shop, shopify_id",
                               (kind, str(hubspot_id))).fetchall()
        return [self._link(r) for r in rows]

    def links(self, kind: str, shop: str | None = None, status: str | None = LIVE) -> list[Link]:
        """Links of a kind (optionally one shop's, optionally of one status)."""
        sql, args = "SELECT * FROM links WHERE kind = ?", [kind]
        if shop is not None:
            sql, args = sql + " AND shop = ?", [*args, shop]
        if status is not None:
            sql, args = sql + " AND status = ?", [*args, status]
        return [self._link(r) for r in self.db.execute(sql + " ORDER BY shop, shopify_id", args).fetchall()]

    def link_ids(self, kind: str, shop: str, flag: str | None = None) -> list[str]:
        """Shopify ids of a shop's live links (with `flag`, only those whose extra has that key)."""
        sql = "SELECT shopify_id FROM links WHERE kind = ? AND shop = ? AND status = ?"
        args = [kind, shop, LIVE]
        if flag is not None:
            sql, args = sql + " AND json_extract(extra, ?) IS NOT NULL", [*args, f"$.{flag}"]
        return [row[0] for row in self.db.execute(sql + " ORDER BY shopify_id", args)]

    def save_link(self, link: Link) -> None:
        """Insert or replace a link (a live link without a HubSpot record is indexed by its `extra["keys"]`)."""
        sid = str(link.shopify_id)
        self.db.execute("INSERT OR REPLACE INTO links VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                        (link.kind, link.shop, sid, link.hubspot_id, json.dumps(link.view),
                         link.at, link.status, json.dumps(link.extra)))
        self.db.execute("DELETE FROM orphan_keys WHERE kind = ? AND shop = ? AND shopify_id = ?",
                        (link.kind, link.shop, sid))
        if link.hubspot_id is None and link.status == LIVE:
            self.db.executemany("INSERT OR IGNORE INTO orphan_keys VALUES (?, ?, ?, ?)",
                                [(link.kind, k, link.shop, sid) for k in link.extra.get("keys", [])])

    def orphans(self, kind: str, keys: list[str]) -> list[Link]:
        """Live links whose HubSpot record was archived (survivors), under any of these match keys."""
        if not keys or self.db.execute("SELECT 1 FROM orphan_keys WHERE kind = ? LIMIT 1", (kind,)).fetchone() is None:
            return []
        marks = ", ".join("?" for _ in keys)
        rows = self.db.execute("SELECT DISTINCT l.* FROM orphan_keys o JOIN links l ON l.kind = o.kind AND "
                               "l.shop = o.shop AND l.shopify_id = o.shopify_id WHERE o.kind = ? AND "
                               f"o.key IN ({marks}) AND l.hubspot_id IS NULL AND l.status = ? "
                               "ORDER BY l.shop, l.shopify_id",
                               [kind, *keys, LIVE]).fetchall()
        return [self._link(r) for r in rows]

    # ------------------------------------------------------------------ HubSpot records

    @staticmethod
    def _record(row: tuple) -> HubSpotRecord:
        return HubSpotRecord(row[0], row[1], row[2], json.loads(row[3]), row[4], row[5], bool(row[6]))

    def record(self, kind: str, hubspot_id: str) -> HubSpotRecord | None:
        """What is known of a HubSpot record."""
        row = self.db.execute("SELECT * FROM hubspot_records WHERE kind = ? AND hubspot_id = ?",
                              (kind, str(hubspot_id))).fetchone()
        return self._record(row) if row else None

    def records_by_key(self, kind: str, key: str, *, archived: bool = False) -> list[HubSpotRecord]:
        """Live (or, with `archived`, archived) HubSpot records known under a match key, oldest id first."""
        # One row per match key of a record (companies have a name and a domain): an indexed lookup,
        # where searching inside the record's key text read the whole table for every Shopify record.
        rows = self.db.execute("SELECT r.* FROM record_keys k JOIN hubspot_records r ON r.kind = k.kind AND "
                               "r.hubspot_id = k.hubspot_id WHERE k.kind = ? AND k.key = ? AND r.archived = ?",
                               (kind, key, int(archived))).fetchall()
        return sorted((self._record(r) for r in rows), key=lambda r: int(r.hubspot_id))

    def save_record(self, record: HubSpotRecord) -> None:
        """Insert or replace what is known of a HubSpot record."""
        hid = str(record.hubspot_id)
        self.db.execute("INSERT OR REPLACE INTO hubspot_records VALUES (?, ?, ?, ?, ?, ?, ?)",
                        (record.kind, hid, record.key, json.dumps(record.view), record.at,
                         record.born, int(record.archived)))
        self.db.execute("DELETE FROM record_keys WHERE kind = ? AND hubspot_id = ?", (record.kind, hid))
        keys = [k for k in (record.key or "").split("\n") if k]
        self.db.executemany("INSERT OR IGNORE INTO record_keys VALUES (?, ?, ?)", [(record.kind, k, hid) for k in keys])

    # ------------------------------------------------------------------ webhook inbox and dedupe

    def seen_before(self, event_id: str) -> bool:
        """Remember an event id; True when it was already remembered (a duplicate delivery)."""
        try:
            self.db.execute("INSERT INTO seen (event_id) VALUES (?)", (event_id,))
        except sqlite3.IntegrityError:
            return True
        return False

    def accept(self, source: str, shop: str | None, topic: str, body: Any, event_ids: list[str],
               at: str | None = None) -> bool:
        """Persist a verified event (`at`: when it happened, if the vendor said) and its ids in one commit; False when
        every id was seen already."""
        with self.transaction():
            fresh = [e for e in event_ids if not self.seen_before(e)] if event_ids else [""]
            if not fresh:
                return False
            self.db.execute("INSERT INTO inbox (source, shop, topic, body, at) VALUES (?, ?, ?, ?, ?)",
                            (source, shop, topic, json.dumps(body), at))
        return True

    @staticmethod
    def _topics(prefixes: tuple[str, ...]) -> tuple[str, list[str]]:
        """SQL matching topics that start with one of `prefixes` (every topic when there is none)."""
        if not prefixes:
            return "1", []
        return "(" + " OR ".join("substr(topic, 1, ?) = ?" for _ in prefixes) + ")", \
            [v for p in prefixes for v in (len(p), p)]

    def inbox(self, prefixes: tuple[str, ...] = ()) -> list[InboxEvent]:
        """Accepted events not yet acted on, in arrival order (of the topics starting with `prefixes`, if given)."""
        return list(self.inbox_pages(prefixes))

    def inbox_pages(self, prefixes: tuple[str, ...] = ()) -> Iterator[InboxEvent]:
        """The same, read a page at a time: a bulk change can leave tens of thousands of events."""
        where, args = self._topics(prefixes)
        last = 0
        while True:
            rows = self.db.execute(f"SELECT seq, source, shop, topic, body, at FROM inbox WHERE seq > ? AND {where} "
                                   "ORDER BY seq LIMIT 500", [last, *args]).fetchall()
            yield from (InboxEvent(r[0], r[1], r[2], r[3], json.loads(r[4]), r[5]) for r in rows)
            if len(rows) < 500:
                return
            last = rows[-1][0]

    def last_event(self) -> int:
        """The seq of the newest event in the inbox (0 when empty)."""
        return self.db.execute("SELECT coalesce(max(seq), 0) FROM inbox").fetchone()[0]

    def done(self, seqs: list[int]) -> None:
        """Drop acted-on events from the inbox."""
        self.db.executemany("DELETE FROM inbox WHERE seq = ?", [(s,) for s in seqs])

    def done_through(self, prefixes: tuple[str, ...], seq: int, keep: bool = False) -> None:
        """Drop the events of these topics up to `seq` (with `keep`, those of every other topic instead)."""
        where, args = self._topics(prefixes)
        self.db.execute(f"DELETE FROM inbox WHERE seq <= ? AND {'NOT ' if keep else ''}{where}", [seq, *args])

    # ------------------------------------------------------------------ intents (creates that may have landed)

    def intend(self, kind: str, shop: str, refs: list[str]) -> None:
        """Record, before creating, the records about to be created."""
        self.db.executemany("INSERT OR IGNORE INTO intents VALUES (?, ?, ?)", [(kind, shop, str(r)) for r in refs])

    def intended(self, kind: str, shop: str, ref: str) -> bool:
        """Whether a create of this record was tried and its outcome is unknown."""
        return self.db.execute("SELECT 1 FROM intents WHERE kind = ? AND shop = ? AND ref = ?",
                               (kind, shop, str(ref))).fetchone() is not None

    def intents(self, kind: str) -> list[tuple[str, str]]:
        """(shop, ref) of every create of this kind whose outcome is still unknown."""
        return [(shop, ref) for shop, ref in self.db.execute(
            "SELECT shop, ref FROM intents WHERE kind = ? ORDER BY shop, ref", (kind,)).fetchall()]

    def settle_intents(self, kind: str, shop: str, refs: list[str]) -> None:
        """The creates of these records are known to have landed (or not to be needed)."""
        self.db.executemany("DELETE FROM intents WHERE kind = ? AND shop = ? AND ref = ?",
                            [(kind, shop, str(r)) for r in refs])
