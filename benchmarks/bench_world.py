"""The simulated world's own costs: resetting a record-free world, against building a new one."""

from __future__ import annotations

from benchmarks.timing import measure
from harness import World


def run(seconds: float = 1.0) -> list[dict]:
    """Resets per second of a record-free world, and worlds built per second (the baseline)."""
    world = World(seed=1)
    resets = measure(lambda i: world.reset(), seconds)
    world.close()

    def build(i: int) -> None:
        World(seed=i).close()
    builds = measure(build, seconds)
    return [
        {"case": "reset a record-free world", "per_second": resets.per_second,
         "microseconds": 1e6 / resets.per_second if resets.per_second else None},
        {"case": "build a new world (baseline)", "per_second": builds.per_second,
         "microseconds": 1e6 / builds.per_second if builds.per_second else None},
    ]
