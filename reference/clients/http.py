"""What both vendor clients share: rate-limit budgets, retries in simulated time, vendor errors.

The engine cannot sleep: simulated time moves only between ticks. So a call that must wait (a 429
with Retry-After, a 5xx backed off, a budget known to be spent) raises `Deferred`; the stream that
made it stops for this tick, keeps its pending work, and asks to be woken at `until`.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import httpx

MAX_BACKOFF = 60.0  # seconds: a vendor that keeps failing is retried at least every minute, so that one
# that comes back is reached again well within the 10-minute bound (LAT-3)


class Deferred(Exception):
    """The call cannot be made (or did not complete) now; try again at `until` (simulated time)."""

    def __init__(self, until: datetime, reason: str, maybe_applied: bool = False) -> None:
        super().__init__(f"deferred until {until.isoformat()}: {reason}")
        self.until = until
        self.reason = reason
        # A lost connection or a 5xx may come after the vendor applied the write; a spent budget or a
        # 429 means the write was not made.
        self.maybe_applied = maybe_applied


class VendorError(Exception):
    """A 4xx answer other than 401/429: the request itself is wrong or refers to a gone record."""

    def __init__(self, status: int, body: Any, what: str) -> None:
        super().__init__(f"{what} answered {status}: {str(body)[:300]}")
        self.status = status
        self.body = body


class Unauthorized(VendorError):
    """401: the credential no longer works (for a shop: the app was uninstalled, CON-3)."""


@dataclass
class Budget:
    """One rate-limit bucket as the vendor's headers describe it, and the backoff of failed calls.

    `capacity` and `used` follow the last response; within one tick the clock stands still, so
    every call made adds one and nothing leaks until the next tick.
    """

    name: str
    leak_per_second: float = 2.0
    capacity: float = 40.0
    used: float = 0.0
    observed_at: datetime | None = None
    reserve: float = 2.0  # calls kept back for the next tick's urgent work
    blocked_until: datetime | None = None
    failures: int = 0

    def level(self, now: datetime) -> float:
        """Estimated calls in the bucket at `now`."""
        if self.observed_at is None:
            return self.used
        leaked = max(0.0, (now - self.observed_at).total_seconds()) * self.leak_per_second
        return max(0.0, self.used - leaked)

    def admit(self, now: datetime, cost: float = 1.0) -> None:
        """Raise Deferred unless a call of `cost` (one call, or a GraphQL query's points) may be made now;
        otherwise count it."""
        if self.blocked_until is not None and now < self.blocked_until:
            raise Deferred(self.blocked_until, f"{self.name} backing off")
        level = self.level(now)
        if level + cost > self.capacity - self.reserve:
            wait = (level + cost - self.capacity + self.reserve) / max(self.leak_per_second, 0.001)
            raise Deferred(now + timedelta(seconds=max(wait, 1.0)), f"{self.name} rate budget spent")
        self.used, self.observed_at = level + cost, now

    def observe(self, now: datetime, used: float | None, capacity: float | None, exact: bool = False) -> None:
        """Take the vendor's own figures from a response.

        Call-count headers may lag the calls made since in the same tick, so the higher figure is kept;
        an `exact` figure (Shopify's cost after its refund) replaces the estimate."""
        if capacity:
            self.capacity = capacity
        if used is not None:
            self.used, self.observed_at = (used if exact else max(used, self.level(now))), now

    def block(self, until: datetime) -> None:
        """No call before `until` (429 Retry-After)."""
        self.blocked_until = max(until, self.blocked_until or until)

    def failed(self, now: datetime, rng: random.Random) -> datetime:
        """A 5xx or a broken connection: capped, jittered exponential backoff in simulated time."""
        self.failures += 1
        delay = min(MAX_BACKOFF, 5.0 * 2 ** (self.failures - 1)) * (0.5 + rng.random() / 2)
        until = now + timedelta(seconds=delay)
        self.block(until)
        return until

    def succeeded(self) -> None:
        """A call went through: the backoff starts again from the bottom."""
        self.failures = 0


class Api:
    """An httpx client for one vendor base URL, with budgets, retries by deferral, and error mapping."""

    def __init__(self, base_url: str, headers: dict[str, str], transport: httpx.BaseTransport | None,
                 clock: Callable[[], datetime], rng: random.Random, budget: Budget) -> None:
        self.http = httpx.Client(base_url=base_url, headers=headers, transport=transport, timeout=30.0,
                                 trust_env=False)
        self.clock = clock
        self.rng = rng
        self.budget = budget
        self.calls = 0

    def close(self) -> None:
        """Release the connection pool."""
        self.http.close()

    def observe(self, response: httpx.Response, budget: Budget) -> None:  # pragma: no cover - per vendor
        """Read the vendor's rate-limit headers into `budget`."""

    def request(self, method: str, url: str, *, budget: Budget | None = None, cost: float = 1.0,
                **kwargs: Any) -> httpx.Response:
        """Make one call; Deferred when it must wait, Unauthorized on 401, VendorError on other 4xx."""
        budget = budget or self.budget
        now = self.clock()
        budget.admit(now, cost)
        self.calls += 1
        try:
            response = self.http.request(method, url, **kwargs)
        except httpx.TransportError as error:
            # The request may or may not have been applied ("applied then failed"): creates are
            # guarded by intents and looked up before being tried again.
            raise Deferred(budget.failed(now, self.rng), f"{method} {url}: {error!r}", maybe_applied=True) from None
        self.observe(response, budget)
        status = response.status_code
        if status == 429:
            retry = _retry_after(response)
            budget.block(now + timedelta(seconds=retry))
            raise Deferred(now + timedelta(seconds=retry), f"{method} {url}: 429")
        if status >= 500:
            raise Deferred(budget.failed(now, self.rng), f"{method} {url}: {status}", maybe_applied=True)
        budget.succeeded()
        if status == 401:
            lost = Unauthorized(status, _body(response), f"{method} {url}")
            lost.api = self  # which credential stopped working (a shop's: CON-3)
            raise lost
        if status >= 400:
            raise VendorError(status, _body(response), f"{method} {url}")
        return response


def _retry_after(response: httpx.Response) -> float:
    try:
        return max(1.0, float(response.headers.get("Retry-After", "")))
    except ValueError:
        return 10.0  # HubSpot's ten-second window when no header says otherwise (docs/vendor-behaviour.md §3.10)


def _body(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return response.text
