"""Bulk operations of the GraphQL Admin API, on the simulated clock (docs/vendor-behaviour.md §8.D).

An operation is made CREATED; a second later it is RUNNING; it completes after a time proportional to the
rows it yields (`ROWS_PER_SECOND`). An export of up to a chunk of root records (2,000) takes its rows when
it is made; a bigger one takes them a chunk at a time as the clock passes, at that pace (a million orders
are not read, rendered and held in the request that starts their export, which Shopify answers at once),
so edits made meanwhile may show in its later chunks, as on Shopify, where an export is no snapshot. The
rows are kept as compressed JSONL, served at the URL the operation names.
Reaching an end (COMPLETED, FAILED, CANCELED) fires `bulk_operations/finish` to the app that ran it; results
expire after seven days (EXPIRED, no URL). `settle` moves every operation to where the clock says it is.
"""

from __future__ import annotations

import math
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

ROWS_PER_SECOND = 2000  # export throughput; a guess of the right order (a 100k-customer export: under a minute)
START_DELAY = timedelta(seconds=1)  # CREATED -> RUNNING
CANCEL_DELAY = timedelta(seconds=1)  # CANCELING -> CANCELED
RESULTS_KEPT = timedelta(days=7)  # "results are kept for 7 days" (BulkOperation.url description)
TERMINAL = ("COMPLETED", "FAILED", "CANCELED", "EXPIRED")
EXPORTING = timedelta(days=3650)  # an export still taking its rows has no end yet


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

    def export(self, step: Callable[[JsonlWriter], tuple[int, bool]], writer: JsonlWriter,
               first: tuple[int, bool]) -> None:
        """Take the rows with `step`, a chunk a call (it returns the chunk's root objects, and whether it was the
        last), as the clock passes; `writer` holds the first chunk, taken when the operation was asked for."""
        self._step, self._writer = step, writer
        self.root_object_count, self.object_count = first[0], writer.count
        if first[1]:
            self.done_at = self.created_at + duration(writer.count)
            self._close()
        else:
            self.done_at = self.created_at + EXPORTING

    def _take(self, now: datetime, *, everything: bool, due: float) -> None:
        step, writer = self._step, self._writer
        while everything or writer.count < due:
            try:
                roots, done = step(writer)
            except Exception:  # a resolver failed mid-export: the operation fails, as Shopify's do
                self.fail(now, "INTERNAL_SERVER_ERROR")
                return
            self.root_object_count += roots
            self.object_count = writer.count
            if done:
                self.done_at = self.created_at + duration(writer.count)
                self._close()
                return

    def _close(self) -> None:
        writer = getattr(self, "_writer", None)
        if writer is not None:
            self.jsonl, self.object_count, self.byte_size = writer.finish(), writer.count, writer.size
        self._step = self._writer = None

    def take_rows(self, now: datetime, *, everything: bool = False) -> None:
        """Take the rows due by `now` (all of them with `everything`: a snapshot holds finished exports)."""
        if getattr(self, "_step", None) is None:
            return
        if self.status not in ("CREATED", "RUNNING"):  # cancelled or failed: what was taken is the partial data
            self._close()
            return
        due = (now - self.created_at - START_DELAY).total_seconds() * ROWS_PER_SECOND
        self._take(now, everything=everything, due=due)

    @property
    def lines(self) -> list[str]:
        """The result's JSON lines."""
        return self.text().split("\n")[:-1]  # not splitlines(): a JSON string may hold U+2028

    def text(self) -> str:
        """The result file."""
        return zlib.decompress(self.jsonl).decode("utf-8") if self.jsonl else ""

    def chunks(self, size: int = 1 << 20) -> Iterator[bytes]:
        """The result file as bytes, a piece at a time: a million orders' export is near a gigabyte, which the
        fake must not hold whole to serve it."""
        unpacker = zlib.decompressobj()
        for start in range(0, len(self.jsonl), size // 8):
            if piece := unpacker.decompress(self.jsonl[start:start + size // 8]):
                yield piece
        if rest := unpacker.flush():
            yield rest

    @property
    def file_size(self) -> int:
        return self.byte_size

    def running(self) -> bool:
        return self.status in ("CREATED", "RUNNING", "CANCELING")

    def settle(self, now: datetime) -> bool:
        """Move to where `now` says; True when this call ended the operation (its finish webhook is due)."""
        self.take_rows(now)
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
        self._close()

    def fail(self, now: datetime, error_code: str) -> None:
        self.status, self.error_code, self.completed_at = "FAILED", error_code, now
        self._close()

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
