"""Geometry of the report's SVG figures: latency strips, bar charts and the two-lane timeline.

Python computes positions in SVG user units; `templates/_charts.html.j2` draws them (escaped by jinja2).
Nothing here is random: jitter comes from the sample's index, so the same run draws the same picture.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from reports.model import LatencySample, LatencySummary, TimelineEvent
from reports.stats import LATENCY_BOUND, OPERATION_ORDER, format_seconds, parse_instant, percentile

SHOPIFY = "#008060"  # Shopify's admin green
HUBSPOT = "#ff7a59"  # HubSpot's orange
HARNESS = "#6b7a8f"
DANGER = "#c4314b"
DIRECTION_COLOURS = {"to_hubspot": HUBSPOT, "to_shopify": SHOPIFY}
_NICE_STEPS_SECONDS = (1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400)


def nice_step(span: float, ticks: int = 6) -> float:
    """A round tick step (in seconds) giving about `ticks` ticks over `span` seconds."""
    for step in _NICE_STEPS_SECONDS:
        if span / step <= ticks:
            return float(step)
    return float(math.ceil(span / ticks / 86400) * 86400)


def short_duration(seconds: float) -> str:
    """An axis label: "0", "30 s", "5 min", "1 h 30"."""
    if seconds == 0:
        return "0"
    if seconds < 60:
        return f"{seconds:g} s"
    if seconds < 3600:
        return f"{seconds / 60:g} min"
    hours, rest = divmod(int(seconds), 3600)
    return f"{hours} h" if rest == 0 else f"{hours} h {rest // 60:02d}"


def _jitter(index: int) -> float:
    """A spread in [-1, 1] that looks random but is a fixed sequence (the golden-ratio one)."""
    return ((index * 0.6180339887) % 1.0) * 2 - 1


@dataclass
class Dot:
    """One latency sample drawn as a dot."""

    x: float
    y: float
    colour: str
    over: bool  # over the 10-minute bound: drawn with a red ring
    title: str


@dataclass
class StripRow:
    """The samples of one operation of one object, with its p50 / p95 / max marks."""

    label: str
    count: int
    y: float
    dots: list[Dot]
    never: list[Dot]  # never visible: drawn as crosses in their own column
    overflow: list[Dot]  # beyond the axis: drawn in the "beyond" column with their value in the title
    p50: float | None = None  # x positions of the marks (None: nothing visible)
    p95: float | None = None
    max: float | None = None
    box: tuple[float, float] | None = None  # x of the 25th and 75th percentiles
    summary: LatencySummary | None = None


@dataclass
class StripChart:
    """A strip plot of one object's latencies, one row per operation, on an axis shared by every object."""

    object: str
    width: float
    height: float
    left: float
    right: float  # x where the plotted axis ends
    bound_x: float | None
    ticks: list[tuple[float, str]]
    rows: list[StripRow]
    beyond_x: float  # centre of the "beyond the axis" column (== never_x when there is none)
    beyond: bool
    never_x: float  # centre of the "never visible" column
    beyond_label: str
    axis_y: float
    top: float


def latency_domain(samples: list[LatencySample], bound: float = LATENCY_BOUND) -> float:
    """The axis maximum shared by all strip plots: past the bound and the slowest sample, up to 3x the bound.

    Capped so that one change stuck for hours does not squash every other dot against zero; the ones
    past the cap are drawn in a column of their own.
    """
    slowest = max((s.seconds for s in samples if s.seconds is not None), default=0.0)
    want = min(max(bound * 1.2, slowest * 1.05), bound * 3)
    step = nice_step(want)
    return math.ceil(want / step) * step


def strip_chart(obj: str, samples: list[LatencySample], summaries: list[LatencySummary], domain: float,
                bound: float = LATENCY_BOUND, width: float = 600, beyond: bool = False) -> StripChart:
    """The strip plot of one object: dots coloured by direction, box p25-p75, marks at p50 / p95 / max.

    `beyond`: keep a column for samples past the axis (when any object of the run has one, so that
    every plot keeps the same axis).
    """
    left, row_h, top = 92.0, 38.0, 16.0
    never_x = width - 26
    beyond_x = width - 72 if beyond else never_x
    right = width - (108 if beyond else 72)
    operations = sorted({s.operation for s in samples},
                        key=lambda op: (OPERATION_ORDER.index(op) if op in OPERATION_ORDER else 9, op))

    def x_of(seconds: float) -> float:
        return left + (right - left) * seconds / domain

    rows = []
    for i, operation in enumerate(operations):
        group = [s for s in samples if s.operation == operation]
        y = top + row_h * i + row_h / 2
        row = StripRow(operation, len(group), y, [], [], [],
                       summary=next((s for s in summaries if s.object == obj and s.operation == operation), None))
        for j, sample in enumerate(group):
            colour = DIRECTION_COLOURS.get(sample.direction, HARNESS)
            where = f"{sample.direction.replace('_', ' ')}, changed {sample.changed_at}"
            dy = _jitter(j) * row_h * 0.28
            if sample.seconds is None:
                row.never.append(Dot(never_x + _jitter(j + 7) * 8, y + dy, colour, True,
                                     f"{obj} {operation} {where}: never visible"))
            elif sample.seconds > domain and beyond:
                row.overflow.append(Dot(beyond_x + _jitter(j + 3) * 8, y + dy, colour, True,
                                        f"{obj} {operation} {where}: {format_seconds(sample.seconds)}"))
            else:
                row.dots.append(Dot(x_of(min(sample.seconds, domain)), y + dy, colour, sample.seconds > bound,
                                    f"{obj} {operation} {where}: {format_seconds(sample.seconds)}"))
        seen = [s.seconds for s in group if s.seconds is not None]
        if seen:
            p50 = row.summary.p50 if row.summary and row.summary.p50 is not None else percentile(seen, 50)
            p95 = row.summary.p95 if row.summary and row.summary.p95 is not None else percentile(seen, 95)
            top_value = row.summary.max if row.summary and row.summary.max is not None else max(seen)
            row.p50, row.p95, row.max = (x_of(min(v, domain)) for v in (p50, p95, top_value))
            row.box = (x_of(min(percentile(seen, 25), domain)), x_of(min(percentile(seen, 75), domain)))
        rows.append(row)
    step = nice_step(domain)
    ticks = [(x_of(k * step), short_duration(k * step)) for k in range(int(domain // step) + 1)]
    axis_y = top + row_h * max(1, len(rows)) + 4
    return StripChart(obj, width, axis_y + 22, left, right, x_of(bound) if bound <= domain else None, ticks, rows,
                      beyond_x, beyond, never_x, f"> {short_duration(domain)}", axis_y, top)


@dataclass
class Bar:
    """One horizontal bar with the value printed after it."""

    y: float
    width: float
    value: str
    colour: str
    title: str = ""


@dataclass
class BarGroup:
    """The bars of one label (one bar, or one per series)."""

    label: str
    y: float  # the label's baseline
    bars: list[Bar]


@dataclass
class BarChart:
    """Horizontal bars sharing one scale, grouped by label."""

    width: float
    height: float
    left: float
    room: float  # the longest bar's length
    groups: list[BarGroup]
    bar_h: float
    empty: str = ""


def grouped_bar_chart(groups: list[tuple[str, list[tuple[float, str, str, str]]]], width: float = 560,
                      left: float = 120, empty: str = "nothing to show") -> BarChart:
    """Bars for (label, [(value, colour, value text, series name)]) groups, longest = the largest value."""
    per_group = max((len(bars) for _, bars in groups), default=1)
    bar_h = 16.0 if per_group == 1 else 11.0
    gap = 10.0
    top_value = max((v for _, bars in groups for v, _, _, _ in bars), default=0.0) or 1.0
    room = width - left - 60
    out, y = [], 6.0
    for label, bars in groups:
        drawn = [Bar(y + k * (bar_h + 2), max(1.5, room * value / top_value) if value else 0.0, text, colour,
                     f"{label} {series}: {text}".replace("  ", " ")) for k, (value, colour, text, series) in
                 enumerate(bars)]
        height = len(bars) * (bar_h + 2) - 2
        out.append(BarGroup(label, y + height / 2 + 4, drawn))
        y += height + gap
    nothing = not any(v for _, bars in groups for v, _, _, _ in bars)  # all zero: say so rather than draw
    return BarChart(width, max(30.0, y), left, room, out, bar_h, empty if nothing else "")


def bar_chart(rows: list[tuple[str, float, str, str]], width: float = 560, left: float = 120,
              empty: str = "nothing to show") -> BarChart:
    """One bar per (label, value, colour, value text) row."""
    return grouped_bar_chart([(label, [(value, colour, text, "")]) for label, value, colour, text in rows],
                             width, left, empty)


LANES = ("shopify", "harness", "hubspot")
LANE_TITLES = {"shopify": "Shopify", "harness": "Harness", "hubspot": "HubSpot"}
LANE_COLOURS = {"shopify": SHOPIFY, "harness": HARNESS, "hubspot": HUBSPOT}


@dataclass
class Mark:
    """One event on the timeline."""

    number: int | None  # shown beside the mark and in the event list (ticks carry none)
    x: float
    y: float
    lane: str
    kind: str
    colour: str
    title: str
    offset: str  # "T+4 min 10 s"
    event: TimelineEvent


@dataclass
class Lane:
    """A horizontal band of the timeline."""

    name: str
    title: str
    y: float
    height: float
    colour: str


@dataclass
class Timeline:
    """The two-lane (plus harness) timeline of one record."""

    width: float
    height: float
    left: float
    right: float
    lanes: list[Lane]
    marks: list[Mark]
    ticks: list[tuple[float, str]]
    axis_y: float
    origin: str  # the instant T+0
    span: str
    numbered: list[Mark] = field(default_factory=list)


def timeline(events: list[TimelineEvent], width: float = 1100) -> Timeline | None:
    """Lay out `events` on three lanes against simulated time (None when there are none)."""
    if not events:
        return None
    events = sorted(events, key=lambda e: e.at)
    times = [parse_instant(e.at) for e in events]
    start = times[0]
    span = max((times[-1] - start).total_seconds(), 1.0)
    left, right = 96.0, width - 24
    pad = span * 0.03
    lane_heights = {"shopify": 74.0, "harness": 34.0, "hubspot": 74.0}
    lanes, y = [], 8.0
    for name in LANES:
        lanes.append(Lane(name, LANE_TITLES[name], y, lane_heights[name], LANE_COLOURS[name]))
        y += lane_heights[name] + 6
    by_name = {lane.name: lane for lane in lanes}

    def x_of(seconds: float) -> float:
        return left + (right - left) * (seconds + pad) / (span + 2 * pad)

    slots: dict[str, list[float]] = {name: [] for name in LANES}
    marks, number = [], 0
    for event, at in zip(events, times, strict=True):
        lane = by_name.get(event.lane, by_name["harness"])
        offset = (at - start).total_seconds()
        x = x_of(offset)
        if event.kind == "tick":
            marks.append(Mark(None, x, lane.y + lane.height / 2, lane.name, "tick", HARNESS,
                              f"T+{format_seconds(offset)} tick: {event.text}", f"T+{format_seconds(offset)}", event))
            continue
        # Stack marks that would overlap into up to four slots inside the lane.
        count = 4 if lane.height > 50 else 2
        used = slots[lane.name] or [-1e9] * count
        slots[lane.name] = used
        free = next((k for k in range(count) if x - used[k] >= 22), min(range(count), key=lambda k: used[k]))
        used[free] = x
        slot_y = lane.y + lane.height * (free + 0.5) / count
        number += 1
        colour = {"fault": DANGER, "check": "#1f2d3d"}.get(event.kind, lane.colour)
        marks.append(Mark(number, x, slot_y, lane.name, event.kind, colour,
                          f"#{number} T+{format_seconds(offset)} {event.kind}: {event.text}",
                          f"T+{format_seconds(offset)}", event))
    step = nice_step(span, ticks=10)
    ticks = [(x_of(k * step), "T+" + short_duration(k * step)) for k in range(int(span // step) + 1)]
    axis_y = y
    return Timeline(width, axis_y + 24, left, right, lanes, marks, ticks, axis_y, events[0].at,
                    format_seconds(span), [m for m in marks if m.number is not None])
