"""The small rules the verbs use: the spec's (from the judge, where they are defined once) and the DSL's own
helpers."""

from __future__ import annotations

import copy
from decimal import Decimal
from typing import Any

from scenarios.judge.rules import LATENCY_BOUND, iso, money_equal, norm_email

__all__ = ["LATENCY_BOUND", "OBJECTS", "copy_value", "iso", "money_equal", "norm_email", "quantity", "same"]

OBJECTS = ("contacts", "companies", "products", "orders", "carts")


def same(a: Any, b: Any) -> bool:
    return (a or None) == (b or None)


def quantity(value: Any) -> int | None:
    try:
        return int(Decimal(str(value)))
    except Exception:
        return None


def copy_value(value: Any) -> Any:
    return copy.deepcopy(value)
