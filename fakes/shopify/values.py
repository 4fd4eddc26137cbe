"""How Shopify writes values: money as strings, times with the shop's UTC offset, E.164 phones."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from fakes.clock import parse_iso8601

# Currencies whose minor unit has three digits (ISO 4217); Shopify renders them with three decimals.
THREE_DECIMAL_CURRENCIES = frozenset({"BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"})

EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def money(amount: Decimal | int | float | str | None, currency: str = "USD") -> str | None:
    """Render an amount the way the REST API does: a string with the currency's decimals ("41.94")."""
    if amount is None:
        return None
    places = 3 if currency.upper() in THREE_DECIMAL_CURRENCIES else 2
    quantum = Decimal(1).scaleb(-places)
    return str(Decimal(str(amount)).quantize(quantum, rounding=ROUND_HALF_UP))


def parse_money(value: object) -> Decimal | None:
    """Read a price sent as a string or a number; None when it is not a number."""
    if isinstance(value, bool) or value is None:
        return None
    try:
        amount = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        return None
    return amount if amount.is_finite() else None


def shop_time(instant: datetime | None, utc_offset: timedelta) -> str | None:
    """Render an instant with the shop's UTC offset (`2031-01-06T04:00:00-05:00`), never with `Z`."""
    if instant is None:
        return None
    return instant.astimezone(timezone(utc_offset)).isoformat(timespec="seconds")


def parse_time_param(value: str) -> datetime | None:
    """Parse a `*_at_min/max` query value; None when unparseable."""
    try:
        return parse_iso8601(value).astimezone(UTC)
    except ValueError:
        return None


def normalise_phone(raw: str) -> str | None:
    """E.164 form as Shopify stores it, or None when it cannot be a phone number.

    Shopify keeps customer phones in E.164 (`+16135551111`); ten bare digits are read as a North
    American number, as the admin does for a US shop.
    """
    text = raw.strip()
    if not text:
        return None
    if re.search(r"[^\d+\-\s().]", text):
        return None
    digits = re.sub(r"\D", "", text)
    if text.startswith("+"):
        return f"+{digits}" if 8 <= len(digits) <= 15 else None
    if len(digits) == 10:
        return f"+1{digits}"
    if len(digits) == 11 and digits.startswith("1"):
        return f"+{digits}"
    return None


def remove_white_space(text: str) -> str:
    """A customer email as Shopify stores it: every white-space character taken out."""
    return re.sub(r"\s+", "", text)


def email_key(email: str | None) -> str | None:
    """The uniqueness key of an email: without white space, lower-case ("Email has already been taken" ignores
    both)."""
    if email is None:
        return None
    key = remove_white_space(email).lower()
    return key or None


def slugify(title: str) -> str:
    """A product handle from its title, as the admin derives it."""
    slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")
    return slug or "product"
