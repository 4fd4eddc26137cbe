"""SimClock: the one source of "now" for the fakes, the webhooks and the implementation under test."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta

# Far from the real wall clock on purpose: a value near today's date in a request is a clock leak.
DEFAULT_START = datetime(2031, 1, 6, 9, 0, 0, tzinfo=UTC)


def _as_delta(duration: timedelta | float | int) -> timedelta:
    return duration if isinstance(duration, timedelta) else timedelta(seconds=float(duration))


class SimClock:
    """A clock that starts at a fixed instant and moves only when the harness tells it to."""

    def __init__(self, start: datetime = DEFAULT_START) -> None:
        if start.tzinfo is None:
            raise ValueError("SimClock needs an aware datetime (UTC)")
        self._start = start.astimezone(UTC)
        self._now = self._start
        self._lock = threading.Lock()

    @property
    def start(self) -> datetime:
        """The instant the clock started at (and returns to on reset)."""
        return self._start

    def now(self) -> datetime:
        """The current simulated instant, in UTC."""
        with self._lock:
            return self._now

    def epoch_seconds(self) -> float:
        """The current simulated instant as seconds since the Unix epoch."""
        return self.now().timestamp()

    def epoch_millis(self) -> int:
        """The current simulated instant as whole milliseconds since the Unix epoch (HubSpot's unit)."""
        return round(self.now().timestamp() * 1000)

    def advance(self, duration: timedelta | float | int) -> datetime:
        """Move the clock forward by `duration` (seconds or timedelta); never backwards."""
        delta = _as_delta(duration)
        if delta < timedelta(0):
            raise ValueError("the simulated clock never goes backwards")
        with self._lock:
            self._now += delta
            return self._now

    def set(self, instant: datetime) -> datetime:
        """Jump to `instant`, which must not be earlier than now."""
        if instant.tzinfo is None:
            raise ValueError("SimClock needs an aware datetime (UTC)")
        instant = instant.astimezone(UTC)
        with self._lock:
            if instant < self._now:
                raise ValueError(f"cannot move the clock back from {self._now.isoformat()} to {instant.isoformat()}")
            self._now = instant
            return self._now

    def reset(self) -> None:
        """Return to the start instant (a fresh world)."""
        with self._lock:
            self._now = self._start

    def restore(self, start: datetime, now: datetime) -> None:
        """Take the start and current instants of a snapshot (like `reset`, this may move the clock back)."""
        if start.tzinfo is None or now.tzinfo is None or now < start:
            raise ValueError("a restored clock needs aware instants with start <= now")
        with self._lock:
            self._start = start.astimezone(UTC)
            self._now = now.astimezone(UTC)


class WallPacedClock(SimClock):
    """A SimClock that also moves with real time, `speed` times as fast, for `shopsync serve`.

    Only the interactive server uses it, so that rate-limit buckets leak and webhooks fall due as
    they would against the real vendors; a conformance run never does.
    """

    def __init__(self, start: datetime = DEFAULT_START, speed: float = 1.0) -> None:
        super().__init__(start)
        if speed <= 0:
            raise ValueError("speed must be positive")
        self._speed = speed
        self._origin = time.monotonic()
        self._offset = timedelta(0)

    def now(self) -> datetime:
        elapsed = (time.monotonic() - self._origin) * self._speed
        with self._lock:
            return self._start + self._offset + timedelta(seconds=elapsed)

    def advance(self, duration: timedelta | float | int) -> datetime:
        delta = _as_delta(duration)
        if delta < timedelta(0):
            raise ValueError("the simulated clock never goes backwards")
        with self._lock:
            self._offset += delta
        return self.now()

    def set(self, instant: datetime) -> datetime:
        now = self.now()
        if instant.astimezone(UTC) < now:
            raise ValueError("cannot move the clock back")
        return self.advance(instant.astimezone(UTC) - now)

    def reset(self) -> None:
        with self._lock:
            self._offset = timedelta(0)
            self._origin = time.monotonic()

    def restore(self, start: datetime, now: datetime) -> None:
        # Resumes at the snapshot's instant and keeps running with real time from there.
        if start.tzinfo is None or now.tzinfo is None or now < start:
            raise ValueError("a restored clock needs aware instants with start <= now")
        with self._lock:
            self._start = start.astimezone(UTC)
            self._origin = time.monotonic()
            self._offset = now - start


def parse_iso8601(text: str) -> datetime:
    """Parse an ISO-8601 instant as the vendors send it (`Z` or an offset); naive means UTC."""
    value = text.strip()
    if value.endswith(("Z", "z")):
        value = value[:-1] + "+00:00"
    parsed = datetime.fromisoformat(value)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
