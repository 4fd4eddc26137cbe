"""Request parsing shared by the routes: JSON bodies, booleans, list parameters, the current actor."""

from __future__ import annotations

import json
from typing import Any

from flask import current_app, g, request

from fakes.hubspot.apps import Actor
from fakes.hubspot.errors import ValidationError
from fakes.hubspot.store import HubSpotStore


def store() -> HubSpotStore:
    """The store of the running app."""
    return current_app.extensions["hubspot"].store


def actor() -> Actor:
    """The authenticated caller (set by the app's before_request hook)."""
    return g.actor


def body() -> Any:
    """The JSON body, or None when empty; malformed JSON is HubSpot's 400 VALIDATION_ERROR."""
    raw = request.get_data()
    if not raw:
        return None
    try:
        return json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ValidationError(f"Invalid input JSON on line 1, column 1: {exc.__class__.__name__}") from None


def flag(name: str, default: bool = False) -> bool:
    """A boolean query parameter, case-insensitive (the SDK sends `True`/`False`, docs/vendor-behaviour.md §6.2)."""
    value = request.args.get(name)
    if value is None or value == "":
        return default
    lowered = value.lower()
    if lowered in ("true", "false"):
        return lowered == "true"
    raise ValidationError(f"Invalid value for {name}: {value} (expected true or false)")


def names(name: str) -> list[str] | None:
    """A list parameter sent as repeated keys and/or comma-separated values; None when absent."""
    values = request.args.getlist(name)
    if not values:
        return None
    out = [part.strip() for value in values for part in value.split(",") if part.strip()]
    return out or None


def integer(name: str, default: int) -> int:
    """An integer query parameter."""
    value = request.args.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ValidationError(f"Invalid value for {name}: {value} (expected an integer)") from None
