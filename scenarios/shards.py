"""Splitting a run across machines and putting it back together: shards, merges and reruns of failures.

A shard `K/N` is every N-th scenario of the selection in id order, starting at the K-th: deterministic, the same
on every machine, and a union of the N shards is the whole selection. Each shard writes a normal report; `merge`
reads their `conformance.json` files back and judges the scenarios again as one run, so a merged report has the
verdicts an unsharded run of the same seed would have (scenarios are deterministic in their seed: HAR-1).
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path
from typing import TypeVar

from reports.model import RunInfo, RunResult, ScenarioResult

SHARD = re.compile(r"^\s*(\d+)\s*/\s*(\d+)\s*$")
FAILED = ("fail", "error")
T = TypeVar("T")


def parse_shard(text: str) -> tuple[int, int]:
    """`"2/4"` -> (2, 4); ValueError unless 1 <= K <= N."""
    found = SHARD.match(text or "")
    if not found:
        raise ValueError(f"a shard is K/N, e.g. 1/4, not {text!r}")
    k, n = int(found.group(1)), int(found.group(2))
    if not 1 <= k <= n:
        raise ValueError(f"shard {k}/{n}: K must be between 1 and N")
    return k, n


def in_shard(items: dict[str, T], shard: tuple[int, int] | None) -> dict[str, T]:
    """The items (by scenario id) of shard K/N: ids in sorted order, every N-th from the K-th."""
    if shard is None:
        return items
    k, n = shard
    return {sid: items[sid] for index, sid in enumerate(sorted(items)) if index % n == k - 1}


class MergeError(ValueError):
    """The reports cannot be one run: another seed, implementation, mode or profile, or a scenario twice."""


def merge_infos(infos: list[RunInfo]) -> RunInfo:
    """The run the shards make together: their common seed, implementation, mode and profile; the longest wall
    time (shards run side by side) and their workers added up."""
    first = infos[0]
    for info in infos[1:]:
        for name in ("seed", "implementation", "command", "mode", "profile", "harness_version", "intercept"):
            if getattr(info, name) != getattr(first, name):
                raise MergeError(f"the reports differ in {name}: {getattr(first, name)!r} and "
                                 f"{getattr(info, name)!r}; only shards of one run merge")
    return replace(first, wall_seconds=max(i.wall_seconds for i in infos),
                   workers=sum(i.workers for i in infos), shard=None)


def merged_scenarios(runs: list[RunResult]) -> list[ScenarioResult]:
    """Every scenario of the runs, in id order; MergeError when one ran in two of them."""
    seen: dict[str, ScenarioResult] = {}
    for run in runs:
        for scenario in run.scenarios:
            if scenario.id in seen:
                raise MergeError(f"scenario {scenario.id} is in two of the reports: shards do not overlap")
            seen[scenario.id] = scenario
    return [seen[sid] for sid in sorted(seen)]


def with_reruns(before: list[ScenarioResult], rerun: list[ScenarioResult]) -> list[ScenarioResult]:
    """The earlier run's scenarios with the rerun ones in their place, in id order."""
    fresh = {s.id: s for s in rerun}
    kept = {s.id: s for s in before if s.id not in fresh}
    return [({**kept, **fresh})[sid] for sid in sorted({**kept, **fresh})]


def failed_ids(run: RunResult) -> list[str]:
    """The scenarios that failed or erred in a run, in id order."""
    return sorted(s.id for s in run.scenarios if s.status in FAILED)


def read_runs(directories: list[str]) -> list[RunResult]:
    """Each directory's conformance.json (a directory or the file itself)."""
    from reports.render_json import read_json

    return [read_json(Path(d)) for d in directories]
