"""Reading the JSON a client sent the way Shopify's Rails API does: lenient scalars, strict shapes."""

from __future__ import annotations

from decimal import Decimal

from fakes.shopify.errors import BadParameter, Invalid
from fakes.shopify.values import parse_money

MAX_STRING = 255


class Fields:
    """Collects 422 messages per field, so one response lists every problem (as Shopify does)."""

    def __init__(self, root: str, payload: dict) -> None:
        self.root = root
        self.payload = payload
        self.errors: dict[str, list[str]] = {}

    def add(self, field: str, message: str) -> None:
        """Record one validation message."""
        self.errors.setdefault(field, []).append(message)

    def raise_if_any(self) -> None:
        """Raise the 422 when anything was recorded."""
        if self.errors:
            raise Invalid(self.errors)

    def has(self, name: str) -> bool:
        """Whether the client sent the field at all (null counts as sent)."""
        return name in self.payload

    def text(self, name: str, *, max_len: int = MAX_STRING, blank_is_none: bool = True) -> str | None:
        """A string field; numbers are coerced as Rails does, objects are a 400."""
        value = self.payload.get(name)
        if value is None:
            return None
        if isinstance(value, bool):
            value = "true" if value else "false"
        elif isinstance(value, int | float):
            value = str(value)
        elif not isinstance(value, str):
            raise BadParameter(self.root, "Required parameter missing or invalid")
        if "\x00" in value:
            self.add(name, "contains invalid characters")
            return None
        if len(value) > max_len:
            self.add(name, f"is too long (maximum is {max_len} characters)")
            return None
        if blank_is_none and not value.strip():
            return None
        return value

    def flag(self, name: str, default: bool = False) -> bool:
        """A boolean field; "true"/"false" strings are accepted."""
        value = self.payload.get(name, default)
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.lower() in {"true", "false", "1", "0"}:
            return value.lower() in {"true", "1"}
        if isinstance(value, int):
            return bool(value)
        if value is None:
            return default
        raise BadParameter(self.root, "Required parameter missing or invalid")

    def integer(self, name: str, *, minimum: int | None = None) -> int | None:
        """An integer field (ids, quantities); strings of digits are accepted."""
        value = self.payload.get(name)
        if value is None:
            return None
        if isinstance(value, bool):
            raise BadParameter(self.root, "Required parameter missing or invalid")
        try:
            number = int(value) if not isinstance(value, float) or value.is_integer() else None
        except (TypeError, ValueError):
            number = None
        if number is None:
            self.add(name, "is not a number")
            return None
        if minimum is not None and number < minimum:
            self.add(name, f"must be greater than or equal to {minimum}")
            return None
        return number

    def amount(self, name: str) -> Decimal | None:
        """A money field: a string or number, never negative."""
        value = self.payload.get(name)
        if value is None:
            return None
        amount = parse_money(value)
        if amount is None:
            self.add(name, "is not a number")
            return None
        if amount < 0:
            self.add(name, "must be greater than or equal to 0")
            return None
        if abs(amount) >= Decimal("1e15"):
            self.add(name, "must be less than 1000000000000000")
            return None
        return amount

    def tags(self, name: str = "tags") -> list[str] | None:
        """Tags as a comma-separated string or a list of strings."""
        value = self.payload.get(name)
        if value is None:
            return None
        if isinstance(value, list):
            if not all(isinstance(v, str | int | float) for v in value):
                raise BadParameter(self.root, "Required parameter missing or invalid")
            parts = [str(v) for v in value]
        elif isinstance(value, str):
            parts = value.split(",")
        else:
            raise BadParameter(self.root, "Required parameter missing or invalid")
        tags = []
        for part in parts:
            tag = part.strip()
            if len(tag) > MAX_STRING:
                self.add(name, f"is too long (maximum is {MAX_STRING} characters)")
            elif tag and tag not in tags:
                tags.append(tag)
        return tags

    def objects(self, name: str) -> list[dict] | None:
        """A list of JSON objects (addresses, line items, variants)."""
        value = self.payload.get(name)
        if value is None:
            return None
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            raise BadParameter(self.root, "Required parameter missing or invalid")
        return value

    def obj(self, name: str) -> dict | None:
        """A nested JSON object (customer reference, consent)."""
        value = self.payload.get(name)
        if value is None:
            return None
        if not isinstance(value, dict):
            raise BadParameter(self.root, "Required parameter missing or invalid")
        return value
