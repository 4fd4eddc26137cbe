"""The figures the renderers share."""

from __future__ import annotations

from reports.model import LatencySample
from reports.stats import format_seconds, percentile, summarise_latency, verdict
from tests.reports.sample import build_result, passing_result


def _sample(op: str, seconds: float | None) -> LatencySample:
    return LatencySample("contacts", op, "to_hubspot", "2031-01-01T00:00:00Z", None, seconds)


def test_percentile_is_nearest_rank() -> None:
    values = [float(v) for v in range(1, 101)]
    assert percentile(values, 50) == 50 and percentile(values, 95) == 95 and percentile(values, 100) == 100
    assert percentile([7.0], 95) == 7.0 and percentile([], 50) is None


def test_summary_counts_over_bound_and_never_visible() -> None:
    samples = [_sample("update", s) for s in (10.0, 20.0, 700.0, None)] + [_sample("create", 5.0)]
    create, update = summarise_latency(samples)
    assert (create.operation, create.count, create.max, create.over_bound) == ("create", 1, 5.0, 0)
    assert (update.count, update.p50, update.max, update.over_bound, update.never) == (4, 20.0, 700.0, 2, 1)


def test_format_seconds() -> None:
    assert [format_seconds(v) for v in (None, 4.25, 42, 600, 640, 7380)] == [
        "\u2014", "4.2 s", "42 s", "10 min", "10 min 40 s", "2 h 03 min"]


def test_verdict() -> None:
    assert verdict(build_result()) == "fail" and verdict(passing_result()) == "pass"
    broken = passing_result()
    broken.exit_code = 2
    assert verdict(broken) == "error"
