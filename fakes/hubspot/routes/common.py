"""Request parsing shared by the routes: JSON bodies, booleans, list parameters, the current actor."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

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


def next_link(after: str) -> str:
    """`paging.next.link`: this request's URL with `after` set to the next page's cursor."""
    query = {k: v for k, v in request.args.items() if k != "after"} | {"after": after}
    return f"{request.base_url}?{urlencode(query)}"


def write_rules() -> dict | None:
    """The portal's admin write rules when this request's version enforces them (2026-09 on), else None."""
    from fakes.hubspot.versions import VERSION
    from fakes.hubspot.write_rules import FROM_VERSION
    version = request.environ.get(VERSION)
    if not version or version.removesuffix("-beta") < FROM_VERSION:
        return None
    return store().portal(actor().portal_id).write_rules


def check_write(object_type: str, written: Any, record_id: str | None = None, id_property: str | None = None,
                creating: bool = True) -> None:
    """Refuse a write the portal's 2026-09 rules do not allow (fakes/hubspot/write_rules.py)."""
    from fakes.hubspot.errors import HubSpotError
    from fakes.hubspot.write_rules import problems, refuse
    rules = write_rules()
    if not rules or not isinstance(written, dict):
        return
    props = written.get("properties") if isinstance(written.get("properties"), dict) else {}
    current = None
    if not creating and record_id is not None:
        wanted = sorted({p for names in rules["required"].values() for p in names}
                        | {p for rule in rules["conditional"] for p in (*rule["when"], *rule["require"])})
        try:
            current = store().get(actor(), object_type, record_id, properties=wanted,
                                  id_property=id_property).properties
        except HubSpotError:
            return  # an unknown record: the write itself answers that
    refuse(actor().portal_id, problems(actor().portal_id, rules, object_type, props, current))
    if written.get("associations"):
        check_association_write()


def check_association_write() -> None:
    """Refuse an association write the portal's 2026-09 rules deny."""
    from fakes.hubspot.write_rules import check_associations
    check_associations(write_rules())
