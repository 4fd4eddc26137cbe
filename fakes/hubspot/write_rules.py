"""2026-09 write validation: a portal's admin rules enforced on API writes from that version on
(docs/vendor-behaviour.md §9.F.4: conditional required properties, required fields of the Create Record form,
association permissions). Writes through v3 and 2026-03 are not checked, as HubSpot says.

Rules are set per portal through the harness (`PUT /_harness/portals/{id}/write-rules`):

    {"required": {"deals": ["closedate"]},
     "conditional": [{"object": "deals", "when": {"dealstage": "closedwon"}, "require": ["closedate"]}],
     "associations": "allowed" | "denied"}

A refused property write answers the documented property-validation body (400 VALIDATION_ERROR, "Property
values were not valid: [...]"); its `error` codes (REQUIRED_FIELD, CONDITIONALLY_REQUIRED) and texts, the
whole-batch refusal and the association refusal (403) are the fake's choices: HubSpot has not published them
(§9.G).
"""

from __future__ import annotations

from typing import Any

from fakes.hubspot.errors import AssociationDenied, PropertyValueError, ValidationError, property_problem
from fakes.hubspot.objects import resolve_type

FROM_VERSION = "2026-09"


def parse(document: Any) -> dict[str, Any]:
    """A rules document checked and normalised to object type names; ValidationError on anything else."""
    if not isinstance(document, dict):
        raise ValidationError("write rules must be an object")
    unknown = set(document) - {"required", "conditional", "associations"}
    if unknown:
        raise ValidationError(f"unknown write rule keys: {', '.join(sorted(unknown))}")
    required: dict[str, list[str]] = {}
    for object_type, names in (document.get("required") or {}).items():
        if not isinstance(names, list) or not all(isinstance(n, str) and n for n in names):
            raise ValidationError("required: a list of property names per object type")
        required[resolve_type(object_type).name] = list(names)
    conditional: list[dict[str, Any]] = []
    for rule in document.get("conditional") or []:
        when, require = (rule or {}).get("when"), (rule or {}).get("require")
        if not isinstance(when, dict) or len(when) != 1 or not isinstance(require, list) or not require:
            raise ValidationError("conditional: each rule is {object, when: {property: value}, require: [...]}")
        conditional.append({"object": resolve_type(rule.get("object", "")).name,
                            "when": {str(k): str(v) for k, v in when.items()}, "require": [str(n) for n in require]})
    associations = document.get("associations", "allowed")
    if associations not in ("allowed", "denied"):
        raise ValidationError("associations: allowed or denied")
    return {"required": required, "conditional": conditional, "associations": associations}


def _filled(value: Any) -> bool:
    return value is not None and str(value).strip() != ""


def problems(portal_id: int, rules: dict[str, Any] | None, object_type: str, written: dict[str, Any],
             current: dict[str, Any] | None) -> list[dict[str, Any]]:
    """What the portal's rules refuse in one write: `written` on top of `current` (None: a create)."""
    if not rules:
        return []
    name = resolve_type(object_type).name
    after = {**(current or {}), **{k: v for k, v in written.items()}}
    found: list[dict[str, Any]] = []
    if current is None:
        for prop in rules["required"].get(name, []):
            if not _filled(after.get(prop)):
                found.append(property_problem(portal_id, prop, "REQUIRED_FIELD",
                                              f"{prop} is required on the create form of {name}"))
    for rule in rules["conditional"]:
        if rule["object"] != name:
            continue
        (when_prop, when_value), = rule["when"].items()
        if str(after.get(when_prop) or "") != when_value:
            continue
        for prop in rule["require"]:
            if not _filled(after.get(prop)) and not any(p["name"] == prop for p in found):
                found.append(property_problem(portal_id, prop, "CONDITIONALLY_REQUIRED",
                                              f"{prop} is required when {when_prop} is {when_value}"))
    return found


def refuse(portal_id: int, found: list[dict[str, Any]]) -> None:
    if found:
        raise PropertyValueError(found)


def check_associations(rules: dict[str, Any] | None) -> None:
    if rules and rules.get("associations") == "denied":
        raise AssociationDenied()


__all__ = ["FROM_VERSION", "AssociationDenied", "check_associations", "parse", "problems", "refuse"]
