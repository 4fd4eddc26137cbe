"""The one model of what a sync may not have seen, and so what the judge may not demand.

A change people made is *definite* or *possible*. It is possible when nothing forced any sync to see it:

* **unseen**: the record it made or changed was removed within the latency bound (LAT-1) of the change, so a
  sync that polls or waits for webhooks may never have read it (`possibly_unseen`, `forget_unseen`);
* **tied**: another source changed the same thing at the very same instant, so neither change is later
  (CNT-5) and a sync may keep either (`last_writer`, `Valued.also`);
* **in flight**: a value another source wrote reaches a record within the bound, so at any instant a record may
  hold any value written within the bound before it, or the last one before that (`possibly_held`); when the
  route between records closes (a contact archived), each may keep what it held then;
* **stamped**: a record's update timestamp moved on without a field of it changing (Shopify stamps a customer
  when it places an order), so a sync that meets its values only then may take them for the later change,
  since CNT-5 goes by each system's own update timestamp (`restamped`).

Everything the judge expects of a record in a place (HubSpot, or one shop) is an `Expectation`: it MUST be
there (with the expected values), it MAY be there (a possible change decides, and the checker says which),
or it MUST NOT be there, each with the requirement a wrong outcome breaks. A field's expected value is a
`Valued`: the definite latest value and the possible ones beside it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from typing import Any

from scenarios.judge.rules import LATENCY_BOUND


def possibly_unseen(made: datetime | None, removed: datetime) -> bool:
    """A record made and removed within the latency bound: no sync had to see it."""
    return made is not None and removed - made < LATENCY_BOUND


class Expect(Enum):
    MUST = "must"
    MAY = "may"
    MUST_NOT = "must not"


@dataclass(frozen=True)
class Expectation:
    """What one place must hold of one record."""

    expect: Expect
    rule: str = ""  # the requirement broken when the place holds the wrong thing
    why: str = ""  # for MAY: the possible change that leaves it open
    values: bool = True  # a record found there must hold the expected values

    @classmethod
    def must(cls, rule: str, *, values: bool = True) -> Expectation:
        return cls(Expect.MUST, rule, values=values)

    @classmethod
    def may(cls, why: str, *, values: bool = True) -> Expectation:
        return cls(Expect.MAY, why=why, values=values)

    @classmethod
    def must_not(cls, rule: str) -> Expectation:
        return cls(Expect.MUST_NOT, rule)


@dataclass
class Valued:
    """A field's expected value and when it was set (last writer wins, CNT-5), with the values that may stand
    beside it: tied at the same instant by another source, or possibly unseen (see `forget_unseen`)."""

    value: Any
    at: datetime
    system: str = ""
    also: tuple = ()

    def accepts(self, have: Any, equal: Callable[[Any, Any], bool] | None = None) -> bool:
        """Whether `have` is the winning value or a possible one (`equal`: e.g. money, not text)."""
        if equal is not None:
            return any(equal(have, v) for v in (self.value, *self.also))
        return (have or None) in {(v or None) for v in (self.value, *self.also)}


def last_writer(fields: dict[str, Valued], name: str, value: Any, at: datetime, source: str,
                past: dict[str, list[Valued]] | None = None) -> None:
    """CNT-5: the later change wins. Changes by different sources (HubSpot, or one shop or another) at the
    very same instant are tied: a sync may keep either. Within one source the last one stands.
    `past` keeps each value a newer one replaces."""
    current = fields.get(name)
    if current is not None and at == current.at:
        if source == current.system:  # the same source again: its last value stands, the ties stay
            fields[name] = Valued(value, at, source, current.also)
        elif value != current.value:
            fields[name] = Valued(value, at, source, (*current.also, current.value))
        else:  # the same value: it stays this source's claim if the other source writes again at this instant
            fields[name] = Valued(current.value, at, current.system, (*current.also, value))
            return
    elif current is None or at > current.at:
        fields[name] = Valued(value, at, source)
    else:
        return
    if past is not None and current is not None:
        past.setdefault(name, []).append(current)


def forget_unseen(fields: dict[str, Valued], past: dict[str, list[Valued]], source: str, removed: datetime) -> None:
    """A record of `source` was removed at `removed`: the values it wrote within the latency bound before are
    possible, not definite (a sync may never have seen them), so each field it wrote last may also still hold
    what it held before them."""
    after = removed - LATENCY_BOUND
    for name, current in list(fields.items()):
        if current.system != source or current.at <= after:
            continue
        accepted = [current.value, *current.also]
        prior = None
        for older in reversed(past.get(name, [])):
            if older.system == source and older.at > after:
                accepted += [older.value, *older.also]
                continue
            prior = older
            break
        if prior is not None:
            fields[name] = Valued(prior.value, prior.at, prior.system, (*prior.also, *accepted))
        else:
            # Every value of the field came within the bound (the record was made then too): whichever a sync
            # saw last may stay, the first one included, or none of them if a sync never saw the record (a
            # record of the same person on the other side, made meanwhile, then holds nothing of it).
            fields[name] = Valued(current.value, current.at, current.system, (*accepted[1:], None))


def restamped(fields: dict[str, Valued], past: dict[str, list[Valued]], source: str, at: datetime) -> None:
    """A record of `source` was stamped newer at `at` with none of its fields changed. Each field another source
    changed last, at or before `at` and within the bound of it (so not necessarily synced into this record yet),
    may also hold this record's own value, if a sync need not have seen that value before the other change."""
    for name, current in fields.items():
        if current.system == source or current.at > at or at - current.at >= LATENCY_BOUND:
            continue
        own = next((older for older in reversed(past.get(name, [])) if older.system == source), None)
        if own is not None and current.at - own.at < LATENCY_BOUND and own.value not in (current.value,
                                                                                        *current.also):
            fields[name] = Valued(current.value, current.at, current.system, (*current.also, own.value))


def possibly_held(timeline: list[Valued], source: str, born: datetime | None, at: datetime) -> set[Any]:
    """The values a record of `source` may hold at `at`, of a field whose values from every source are `timeline`
    (oldest first): its own last value, or any other source's later one, which reaches it within the bound. A
    value written at or before `at` - the bound is there for certain (or a later one), one written since may be
    on its way; a value older than the record's own last is never carried over it (CNT-5). A record made within
    the bound may also hold nothing another source wrote, if no sync has met it yet."""
    after = at - LATENCY_BOUND
    seen = [v for v, later in zip(timeline, [*timeline[1:], None], strict=True)
            if v.at <= at and not (later is not None and later.at == v.at and later.system == v.system)]
    own_at = max((v.at for v in seen if v.system == source), default=None)
    held: set[Any] = set()
    if own_at is None and born is not None and born > after:
        held.add(None)
    settled = None
    for value in seen:
        if own_at is not None and value.at < own_at:
            continue
        if value.at <= after:
            settled = value
        else:
            held.update((value.value, *value.also))
    if settled is not None:
        held.update((settled.value, *settled.also))
    return {v or None for v in held}
