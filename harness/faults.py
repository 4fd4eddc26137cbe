"""The fault schedule: seeded, declarative faults for API calls and webhook deliveries.

A schedule is data (JSON) so it is recorded with the run and replayed exactly. Every decision is a
pure function of (seed, rule index, hit number), so the same seed and the same request sequence give
the same faults, whatever threads or wall clock do.
"""

from __future__ import annotations

import fnmatch
import json
import random
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta

API_FAULT_KINDS = ("429", "500", "502", "503", "slow", "applied_then_failed", "reset")
WEBHOOK_FAULT_KINDS = ("drop", "duplicate", "delay", "reorder")


@dataclass(frozen=True)
class ApiFault:
    """Fault the responses of one fake for requests matching a route pattern in a time window."""

    fake: str  # "shopify" or "hubspot"
    kind: str  # one of API_FAULT_KINDS
    route: str = "*"  # fnmatch pattern on the request path
    method: str = "*"  # HTTP method or "*"; "write" matches every method but GET/HEAD
    start: float = 0.0  # seconds of simulated time after the world's start
    end: float | None = None  # exclusive; None = for ever
    probability: float = 1.0
    max_hits: int | None = None  # stop after this many faulted requests
    retry_after: float = 10.0  # 429: the Retry-After header
    delay: float = 0.0  # slow: simulated seconds the response takes
    then: str = "502"  # applied_then_failed: "502" or "reset"

    def __post_init__(self) -> None:
        if self.fake not in ("shopify", "hubspot"):
            raise ValueError(f"unknown fake {self.fake!r}")
        if self.kind not in API_FAULT_KINDS:
            raise ValueError(f"unknown API fault kind {self.kind!r}")
        if not 0 <= self.probability <= 1:
            raise ValueError("probability must be within [0, 1]")

    def covers(self, fake: str, method: str, path: str, elapsed: float) -> bool:
        """Whether a request falls under this rule (before the dice and the hit budget)."""
        if fake != self.fake or elapsed < self.start or (self.end is not None and elapsed >= self.end):
            return False
        if self.method == "write":
            if method in ("GET", "HEAD"):
                return False
        elif self.method != "*" and self.method != method:
            return False
        return fnmatch.fnmatchcase(path, self.route)


@dataclass(frozen=True)
class WebhookFault:
    """Lose, duplicate, delay or reorder webhook deliveries of a source and topic in a time window."""

    kind: str  # one of WEBHOOK_FAULT_KINDS
    source: str = "*"  # "shopify", "hubspot" or "*"
    topic: str = "*"  # fnmatch pattern on the Shopify topic or HubSpot subscription type
    start: float = 0.0
    end: float | None = None
    probability: float = 1.0
    max_hits: int | None = None
    delay: float = 300.0  # delay: simulated seconds added before delivery

    def __post_init__(self) -> None:
        if self.kind not in WEBHOOK_FAULT_KINDS:
            raise ValueError(f"unknown webhook fault kind {self.kind!r}")
        if not 0 <= self.probability <= 1:
            raise ValueError("probability must be within [0, 1]")

    def covers(self, source: str, topic: str, elapsed: float) -> bool:
        """Whether a delivery falls under this rule."""
        if elapsed < self.start or (self.end is not None and elapsed >= self.end):
            return False
        return self.source in ("*", source) and fnmatch.fnmatchcase(topic, self.topic)


@dataclass
class FaultSchedule:
    """The faults in force for a run, and the dice that decide each one."""

    api: list[ApiFault] = field(default_factory=list)
    webhooks: list[WebhookFault] = field(default_factory=list)
    seed: int = 0
    _hits: dict[tuple[str, int], int] = field(default_factory=dict, repr=False)
    _rolls: dict[tuple[str, int], int] = field(default_factory=dict, repr=False)

    def to_json(self) -> dict:
        """The schedule as recorded with a run."""
        return {"seed": self.seed, "api": [asdict(r) for r in self.api],
                "webhooks": [asdict(r) for r in self.webhooks]}

    @classmethod
    def from_json(cls, data: dict | str) -> FaultSchedule:
        """Read a schedule written by `to_json` (or by hand)."""
        if isinstance(data, str):
            data = json.loads(data)
        return cls(api=[ApiFault(**r) for r in data.get("api", [])],
                   webhooks=[WebhookFault(**r) for r in data.get("webhooks", [])],
                   seed=int(data.get("seed", 0)))

    def reset(self) -> None:
        """Forget hit counts (a fresh world with the same schedule)."""
        self._hits.clear()
        self._rolls.clear()

    def _roll(self, family: str, index: int, probability: float, max_hits: int | None) -> bool:
        key = (family, index)
        roll = self._rolls.get(key, 0)
        self._rolls[key] = roll + 1
        if max_hits is not None and self._hits.get(key, 0) >= max_hits:
            return False
        if probability < 1:
            dice = random.Random(f"{self.seed}:{family}:{index}:{roll}").random()
            if dice >= probability:
                return False
        self._hits[key] = self._hits.get(key, 0) + 1
        return True

    def api_fault(self, fake: str, method: str, path: str, elapsed: float) -> ApiFault | None:
        """The fault to apply to this request, if any (first matching rule that fires)."""
        for index, rule in enumerate(self.api):
            if rule.covers(fake, method, path, elapsed) and self._roll("api", index, rule.probability,
                                                                        rule.max_hits):
                return rule
        return None

    def webhook_faults(self, source: str, topic: str, elapsed: float) -> list[WebhookFault]:
        """Every webhook rule that fires for this delivery attempt."""
        fired = []
        for index, rule in enumerate(self.webhooks):
            if rule.covers(source, topic, elapsed) and self._roll("webhook", index, rule.probability,
                                                                   rule.max_hits):
                fired.append(rule)
        return fired

    def shuffle(self, items: list, at: datetime) -> list:
        """A seeded permutation of `items` (webhook reordering), fixed by the seed and the instant."""
        shuffled = list(items)
        random.Random(f"{self.seed}:reorder:{at.isoformat()}:{len(items)}").shuffle(shuffled)
        return shuffled

    def hits(self) -> dict[str, int]:
        """How many times each rule fired, keyed `api[i]` / `webhooks[i]` (for the report)."""
        return {f"{'webhooks' if family == 'webhook' else family}[{index}]": n
                for (family, index), n in sorted(self._hits.items())}


def seconds_between(start: datetime, now: datetime) -> float:
    """Simulated seconds elapsed since the world's start."""
    return (now - start) / timedelta(seconds=1)
