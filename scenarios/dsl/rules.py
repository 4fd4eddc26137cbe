"""The spec's small rules the verbs and the judge share: the objects, the latency bound, how emails and money
compare, and the text forms of instants."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

OBJECTS = ("contacts", "companies", "products", "orders", "carts")

LATENCY_BOUND = timedelta(minutes=10)

def iso(instant: datetime) -> str:
    return instant.isoformat().replace("+00:00", "Z")

def norm_email(email: str | None) -> str | None:
    """Match key of an email: trimmed, lower-case."""
    if email is None:
        return None
    key = email.strip().lower()
    return key or None

def money_equal(a: Any, b: Any) -> bool:
    """Whether two money values are the same amount ("10" == "10.00")."""
    try:
        return Decimal(str(a)) == Decimal(str(b))
    except Exception:
        return a == b

def same(a: Any, b: Any) -> bool:
    return (a or None) == (b or None)

def quantity(value: Any) -> int | None:
    try:
        return int(Decimal(str(value)))
    except Exception:
        return None

def copy_value(value: Any) -> Any:
    import copy
    return copy.deepcopy(value)
