"""A bulk operation's result file, read a part at a time across ticks.

The export of a million orders is two million JSON lines, near a gigabyte: fetched whole into memory and turned
into records in one tick, it would hold the engine far past the 30 s a tick may take (docs/design.md, the process
contract). It is downloaded once into an anonymous temporary file, streamed, then read `LINES_PER_TICK` lines
a tick; a part always ends before a root line, so a node's children (`__parentId`) arrive with it.
"""

from __future__ import annotations

import json
import tempfile
from typing import IO

import httpx

LINES_PER_TICK = 50_000  # about 5 s of parsing and staging a tick here (100,000 took 10-12 s)
DOWNLOAD_PIECE = 1 << 20


class BulkFile:
    """The downloaded result of one bulk operation, and how far it has been read."""

    def __init__(self, file: IO[bytes]) -> None:
        self.file = file
        self.lines_read = 0

    @classmethod
    def download(cls, http: httpx.Client, url: str) -> BulkFile:
        """Stream the file at `url` to disk (raises httpx.HTTPStatusError on an error answer)."""
        file = tempfile.TemporaryFile()  # noqa: SIM115 (kept open across ticks; closed by `close`)
        try:
            with http.stream("GET", url) as response:
                response.raise_for_status()
                for piece in response.iter_bytes(DOWNLOAD_PIECE):
                    file.write(piece)
            file.seek(0)
        except BaseException:
            file.close()
            raise
        return cls(file)

    @property
    def done(self) -> bool:
        return self.file.closed

    def part(self, limit: int | None = None) -> list[dict]:
        """The next lines, at most about `limit`, ending before a root line or at the end (then the file closes)."""
        limit, lines = limit or LINES_PER_TICK, []
        while True:
            start = self.file.tell()
            text = self.file.readline()
            if not text:
                self.file.close()
                return lines
            if not text.strip():
                continue
            line = json.loads(text)
            if len(lines) >= limit and "__parentId" not in line:
                self.file.seek(start)  # the next part starts with this root
                return lines
            lines.append(line)
            self.lines_read += 1

    def close(self) -> None:
        self.file.close()
