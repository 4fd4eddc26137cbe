"""Bulk operations of the GraphQL Admin API, on the simulated clock (docs/vendor-behaviour.md §8.D).

An operation is made CREATED; a second later it is RUNNING; it completes after a time proportional to the
rows it yields (`ROWS_PER_SECOND`). Its rows are taken when it is made (the fake does not interleave
merchants' edits with a running export) and kept as JSONL lines, served at the URL the operation names.
Reaching an end (COMPLETED, FAILED, CANCELED) fires `bulk_operations/finish` to the app that ran it; results
expire after seven days (EXPIRED, no URL). `settle` moves every operation to where the clock says it is.
"""

from __future__ import annotations

import math
import zlib
from dataclasses import dataclass
from datetime import datetime, timedelta

ROWS_PER_SECOND = 2000  # export throughput; a guess of the right order (a 100k-customer export: under a minute)
START_DELAY = timedelta(seconds=1)  # CREATED -> RUNNING
CANCEL_DELAY = timedelta(seconds=1)  # CANCELING -> CANCELED
RESULTS_KEPT = timedelta(days=7)  # "results are kept for 7 days" (BulkOperation.url description)
TERMINAL = ("COMPLETED", "FAILED", "CANCELED", "EXPIRED")


@dataclass
class BulkOperation:
    """One bulk query of one app in one shop."""

    id: int
    app: str
    query: str
    version: str
    created_at: datetime
    done_at: datetime  # when it completes, unless it is cancelled or failed first
    # The JSONL result, zlib-compressed: a million orders' export is 2 million lines, and an engine's
    # reconciliation exports the ids of every linked order every few minutes, each kept for 7 days.
    jsonl: bytes = b""
    object_count: int = 0  # lines in the result
    byte_size: int = 0  # bytes of the result, uncompressed
    root_object_count: int = 0
    status: str = "CREATED"
    type: str = "QUERY"
    error_code: str | None = None
    completed_at: datetime | None = None
    cancel_at: datetime | None = None  # when a requested cancel takes effect
    finish_sent: bool = False

    @property
    def gid(self) -> str:
        return f"gid://shopify/BulkOperation/{self.id}"


    @property
    def lines(self) -> list[str]:
        """The result's JSON lines."""
        return self.text().split("\n")[:-1]  # not splitlines(): a JSON string may hold U+2028

    def text(self) -> str:
        """The result file."""
        return zlib.decompress(self.jsonl).decode("utf-8") if self.jsonl else ""

    @property
    def file_size(self) -> int:
        return self.byte_size

    def running(self) -> bool:
        return self.status in ("CREATED", "RUNNING", "CANCELING")

    def settle(self, now: datetime) -> bool:
        """Move to where `now` says; True when this call ended the operation (its finish webhook is due)."""
        if self.status == "COMPLETED" and self.completed_at and now >= self.completed_at + RESULTS_KEPT:
            self.status = "EXPIRED"
            return False
        if not self.running():
            return False
        if self.cancel_at is not None and now >= self.cancel_at:
            self.status, self.completed_at = "CANCELED", self.cancel_at
            return True
        if self.status == "CANCELING":
            return False
        if now >= self.done_at:
            self.status, self.completed_at = "COMPLETED", self.done_at
            return True
        if now >= self.created_at + START_DELAY:
            self.status = "RUNNING"
        return False

    def cancel(self, now: datetime) -> None:
        self.status = "CANCELING"
        self.cancel_at = now + CANCEL_DELAY

    def fail(self, now: datetime, error_code: str) -> None:
        self.status, self.error_code, self.completed_at = "FAILED", error_code, now

    def finish_payload(self) -> dict:
        """The `bulk_operations/finish` body (docs/vendor-behaviour.md §8.C: fields; status casing a guess)."""
        return {"admin_graphql_api_id": self.gid,
                "completed_at": self.completed_at.isoformat().replace("+00:00", "Z") if self.completed_at else None,
                "created_at": self.created_at.isoformat().replace("+00:00", "Z"),
                "error_code": self.error_code.lower() if self.error_code else None,
                "status": self.status.lower(), "type": self.type.lower()}


class JsonlWriter:
    """A bulk result written as it is computed, a chunk of lines at a time, compressed."""

    def __init__(self) -> None:
        self._packer = zlib.compressobj(1)
        self._parts: list[bytes] = []
        self.count = 0
        self.size = 0

    def add(self, lines: list[str]) -> None:
        text = "".join(line + "\n" for line in lines).encode("utf-8")
        self._parts.append(self._packer.compress(text))
        self.count += len(lines)
        self.size += len(text)

    def finish(self) -> bytes:
        return b"".join([*self._parts, self._packer.flush()])


def duration(rows: int) -> timedelta:
    """How long an export of `rows` runs: the start delay, then the rows at `ROWS_PER_SECOND`, at least 1 s."""
    return START_DELAY + timedelta(seconds=max(1, math.ceil(rows / ROWS_PER_SECOND)))
