"""Wall-clock rate measurement for benchmarks (benchmarks measure the machine, so they read real time)."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Rate:
    """Operations per second over a measured window."""

    operations: int
    seconds: float

    @property
    def per_second(self) -> float:
        return self.operations / self.seconds if self.seconds else 0.0


def measure(operation: Callable[[int], object], seconds: float = 2.0, warmup: float = 0.3) -> Rate:
    """Call `operation(i)` repeatedly for `seconds` (after a warm-up) and return the rate."""
    i = 0
    until = time.perf_counter() + warmup
    while time.perf_counter() < until:
        operation(i)
        i += 1
    start = time.perf_counter()
    count = 0
    while time.perf_counter() - start < seconds:
        operation(i)
        i += 1
        count += 1
    return Rate(count, time.perf_counter() - start)


def timed(operation: Callable[[], object], repeat: int = 5) -> float:
    """The best of `repeat` wall times of one call, in seconds."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        operation()
        best = min(best, time.perf_counter() - start)
    return best
