"""Shopify's REST leaky bucket, per app per shop, leaking on simulated time (docs/vendor-behaviour.md §1.5)."""

from __future__ import annotations

import math
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from fakes.shopify.errors import RateLimited


@dataclass(frozen=True)
class BucketPlan:
    """Bucket size and leak rate for one shop plan."""

    capacity: int
    leak_per_second: float


# Standard plans 40 / 2 per s, Advanced 40 / 4 per s, Plus 400 / 20 per s (docs/vendor-behaviour.md §1.5).
PLANS: dict[str, BucketPlan] = {
    "basic": BucketPlan(40, 2.0),
    "shopify": BucketPlan(40, 2.0),
    "standard": BucketPlan(40, 2.0),
    "advanced": BucketPlan(40, 4.0),
    "plus": BucketPlan(400, 20.0),
    "unlimited": BucketPlan(10**9, 10.0**9),
}


class LeakyBuckets:
    """One bucket per (app, shop); a request adds one unit, the bucket leaks continuously."""

    def __init__(self, now: Callable[[], datetime]) -> None:
        self._now = now
        self._levels: dict[tuple[str, str], tuple[float, float]] = {}
        self._lock = threading.Lock()

    def take(self, app: str, shop: str, plan: BucketPlan) -> str:
        """Count one call; return the `X-Shopify-Shop-Api-Call-Limit` value or raise RateLimited."""
        now = self._now().timestamp()
        with self._lock:
            level, last = self._levels.get((app, shop), (0.0, now))
            level = max(0.0, level - (now - last) * plan.leak_per_second)
            if level + 1 > plan.capacity:
                self._levels[(app, shop)] = (level, now)
                wait = (level + 1 - plan.capacity) / plan.leak_per_second
                raise RateLimited(plan.leak_per_second, max(math.ceil(wait * 10) / 10, 0.1))
            level += 1
            self._levels[(app, shop)] = (level, now)
        return f"{math.ceil(level)}/{plan.capacity}"

    def level(self, app: str, shop: str, plan: BucketPlan) -> float:
        """The bucket's current fill, for the harness."""
        now = self._now().timestamp()
        with self._lock:
            level, last = self._levels.get((app, shop), (0.0, now))
        return max(0.0, level - (now - last) * plan.leak_per_second)

    def reset(self) -> None:
        """Empty every bucket."""
        with self._lock:
            self._levels.clear()

    def dump_state(self) -> list[list]:
        """Each bucket as [app, shop, level, last epoch second], for a snapshot."""
        with self._lock:
            return [[app, shop, level, last] for (app, shop), (level, last) in self._levels.items()]

    def load_state(self, rows: list[list]) -> None:
        """Refill the buckets from `dump_state` rows."""
        with self._lock:
            self._levels = {(str(app), str(shop)): (float(level), float(last)) for app, shop, level, last in rows}
