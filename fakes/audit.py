"""The audit log: every request to a fake, stamped with simulated time, for the judge to query."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from datetime import datetime


@dataclass(frozen=True)
class AuditEntry:
    """One API request as a fake saw it."""

    seq: int
    at: datetime
    fake: str  # "shopify" or "hubspot"
    tenant: str | None  # shop name or portal id
    method: str
    path: str
    query: str
    status: int
    caller: str | None  # the credential's owner (app or token label), never the secret itself
    phase: str  # what the world was doing: "tick", "webhook", "idle" or "harness"
    fault: str | None = None  # the injected fault that shaped this response, if any
    read_only: bool = False  # a read sent as a write method (a GraphQL query)
    operation: str | None = None  # a GraphQL call's operation: "query customers", "mutation customerCreate"
    cost: int | None = None  # a GraphQL call's cost in points (actual; requested when it did not run)
    fields: tuple[str, ...] = ()  # a GraphQL call's root fields ("customerDelete", ...)
    route: str | None = None  # the legacy route that served a date-versioned HubSpot call (/crm/v3/...)
    throttled: bool = False  # a Shopify GraphQL call answered THROTTLED (a 200: the cost bucket could not pay)

    @property
    def legacy_path(self) -> str:
        """The path as the legacy API spells it: `route` for a date-versioned call, else the path itself."""
        return self.route or self.path

    @property
    def refused(self) -> bool:
        """Answered 4xx other than 429: the vendor refused the request and changed nothing. A write refused
        for good (a portal's write rule, a value HubSpot does not accept) may be tried again long after the
        sync is done: a try is no change, so neither work left nor an echo. A 429 is work still to do."""
        return 400 <= self.status < 500 and self.status != 429

    def as_json(self) -> dict:
        """A JSON-ready dict (times in ISO-8601)."""
        out = asdict(self)
        out["at"] = self.at.isoformat()
        return out


class AuditLog:
    """An append-only, thread-safe list of AuditEntry, shared by the fakes of one world."""

    def __init__(self) -> None:
        self._entries: list[AuditEntry] = []
        self._lock = threading.Lock()
        # The world sets this while it runs a tick or delivers a webhook, so that a call made
        # between them is visible as such (HAR-1).
        self.phase = "idle"

    def record(self, *, at: datetime, fake: str, tenant: str | None, method: str, path: str, query: str,
               status: int, caller: str | None, fault: str | None = None, read_only: bool = False,
               operation: str | None = None, cost: int | None = None, fields: tuple[str, ...] = (),
               route: str | None = None, throttled: bool = False) -> AuditEntry:
        """Append one entry and return it."""
        with self._lock:
            entry = AuditEntry(len(self._entries) + 1, at, fake, tenant, method, path, query, status,
                               caller, self.phase, fault, read_only, operation, cost, tuple(fields), route,
                               throttled)
            self._entries.append(entry)
            return entry

    def entries(self, where: Callable[[AuditEntry], bool] | None = None) -> list[AuditEntry]:
        """A snapshot of the entries, optionally filtered."""
        with self._lock:
            snapshot = list(self._entries)
        return [e for e in snapshot if where is None or where(e)]

    def since(self, seq: int) -> list[AuditEntry]:
        """Entries with a sequence number above `seq`."""
        with self._lock:
            return self._entries[seq:]

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)

    def __iter__(self) -> Iterator[AuditEntry]:
        return iter(self.entries())

    def clear(self) -> None:
        """Forget every entry (world reset)."""
        with self._lock:
            self._entries.clear()
