"""Properties and property groups of each object type, and the pipelines of deals and orders."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from fakes.hubspot import search as search_rules
from fakes.hubspot.apps import Actor
from fakes.hubspot.errors import HubSpotError, ObjectNotFound, PropertyValueError, ValidationError, property_problem
from fakes.hubspot.objects import (
    BOOL,
    DATE,
    DATETIME,
    ENUM,
    NUMBER,
    ObjectType,
    PropertyDefinition,
    PropertyOption,
    resolve_type,
)
from fakes.hubspot.pipelines import Pipeline
from fakes.hubspot.store.core import StoreCore
from fakes.hubspot.store.records import _EMAIL, _PROPERTY_NAME, BatchError, BatchResult, Portal, iso


class Properties(StoreCore):
    """Properties and property groups of each object type, and the pipelines of deals and orders."""

    def _prop_kind(self, portal: Portal, otype: ObjectType, name: str) -> str:
        definition = portal.definition(otype, name)
        return definition.type if definition else "string"

    def _options(self, portal: Portal, otype: ObjectType, definition: PropertyDefinition) -> list[str] | None:
        if otype.has_pipelines and definition.name == otype.pipeline_property:
            return [p.id for p in portal.pipelines.get(otype.name, [])]
        if otype.has_pipelines and definition.name == otype.stage_property:
            return [s.id for p in portal.pipelines.get(otype.name, []) for s in p.stages]
        if definition.type == ENUM:
            return [o.value for o in definition.options]
        return None

    def _normalise(self, portal: Portal, otype: ObjectType, raw: Any, *, marketer: bool = False,
                   ) -> dict[str, str | None]:
        """Check and normalise property values (None clears); PropertyValueError lists every problem."""
        if not isinstance(raw, dict):
            raise ValidationError("Invalid input JSON: properties must be an object")
        out: dict[str, str | None] = {}
        problems: list[dict[str, Any]] = []
        pid = portal.portal_id
        for name, value in raw.items():
            definition = portal.definition(otype, str(name))
            if definition is None:
                problems.append(property_problem(pid, name, "PROPERTY_DOESNT_EXIST",
                                                 f'Property "{name}" does not exist'))
                continue
            if definition.read_only and not marketer:
                problems.append(property_problem(pid, name, "READ_ONLY_VALUE",
                                                 f"{name} is a read only property; its value cannot be set."))
                continue
            if isinstance(value, (dict, list)):
                raise ValidationError(f"Invalid input JSON: the value of {name} must be a string")
            if value is None or value == "":
                out[name] = None  # an empty string clears the value (docs/vendor-behaviour.md §3.2)
                continue
            text = ("true" if value else "false") if isinstance(value, bool) else str(value)
            problem = self._check_value(portal, otype, definition, text)
            if isinstance(problem, dict):
                problems.append(problem)
            else:
                out[name] = problem
        if problems:
            raise PropertyValueError(problems)
        return out

    def _check_value(self, portal: Portal, otype: ObjectType, definition: PropertyDefinition,
                     text: str) -> str | dict[str, Any]:
        pid, name = portal.portal_id, definition.name
        if otype.name == "contacts" and name == "email":
            email = text.strip().lower()  # stored lower-case; uniqueness is case-insensitive (3.8)
            if not _EMAIL.match(email):
                return property_problem(pid, name, "INVALID_EMAIL", f"Email address {text} is invalid")
            return email
        options = self._options(portal, otype, definition)
        if definition.type == NUMBER:
            try:
                number = Decimal(text.strip())
            except InvalidOperation:
                return property_problem(pid, name, "INVALID_INTEGER", f"{text} was not a valid number.")
            if not number.is_finite():
                return property_problem(pid, name, "INVALID_INTEGER", f"{text} was not a valid number.")
            if otype.name == "line_items" and name == "price" and number < 0:
                # Line item prices cannot be negative (docs/vendor-behaviour.md §3.6, line-items guide).
                return property_problem(pid, name, "INVALID_INTEGER", f"{text} must not be negative.")
            return text.strip()
        if definition.type == DATETIME:
            millis = search_rules.to_millis(text)
            if millis is None:
                return property_problem(pid, name, "INVALID_DATE", f"{text} was not a valid date.")
            try:
                return iso(datetime.fromtimestamp(millis / 1000, UTC))
            except (OverflowError, ValueError, OSError):
                return property_problem(pid, name, "INVALID_DATE", f"{text} was not a valid date.")
        if definition.type == DATE:
            millis = search_rules.to_millis(text)
            if millis is None or millis % 86_400_000:
                return property_problem(pid, name, "INVALID_DATE",
                                        f"{text} is not a valid date: dates must be at midnight UTC.")
            try:
                return datetime.fromtimestamp(millis / 1000, UTC).strftime("%Y-%m-%d")
            except (OverflowError, ValueError, OSError):
                return property_problem(pid, name, "INVALID_DATE", f"{text} was not a valid date.")
        if definition.type == BOOL:
            if text.lower() not in ("true", "false"):
                return property_problem(pid, name, "INVALID_OPTION",
                                        f"{text} was not one of the allowed options: [true, false]")
            return text.lower()
        if options is not None and text not in options:
            return property_problem(pid, name, "INVALID_OPTION",
                                    f"{text} was not one of the allowed options: [{', '.join(options)}]")
        return text

    def list_properties(self, actor: Actor, object_type: str, *, archived: bool = False,
                        ) -> list[PropertyDefinition]:
        """`GET /crm/v3/properties/{t}`."""
        with self._lock:
            portal, otype = self.portal(actor.portal_id), resolve_type(object_type)
            actor.require(self._schema_scopes(otype, write=False))
            if archived:
                return list(portal.archived_properties.get(otype.name, {}).values())
            return portal.definitions(otype)

    def get_property(self, actor: Actor, object_type: str, name: str) -> PropertyDefinition:
        """`GET /crm/v3/properties/{t}/{name}`."""
        with self._lock:
            portal, otype = self.portal(actor.portal_id), resolve_type(object_type)
            actor.require(self._schema_scopes(otype, write=False))
            definition = portal.definition(otype, name)
            if definition is None:
                raise ObjectNotFound(f"Unable to find property {name} for object type {otype.type_id}")
            return definition

    @staticmethod
    def _schema_scopes(otype: ObjectType, *, write: bool) -> tuple[str, ...]:
        schema = f"crm.schemas.{otype.name}.{'write' if write else 'read'}"
        return (schema, *(otype.write_scopes if write else otype.read_scopes))

    def create_property(self, actor: Actor, object_type: str, body: Any) -> PropertyDefinition:
        """`POST /crm/v3/properties/{t}`: a custom property (the sync's custom mappings need them)."""
        with self._lock:
            portal, otype = self.portal(actor.portal_id), resolve_type(object_type)
            actor.require(self._schema_scopes(otype, write=True))
            return self._create_property(portal, otype, body)

    def _create_property(self, portal: Portal, otype: ObjectType, body: Any) -> PropertyDefinition:
        if not isinstance(body, dict):
            raise ValidationError("Invalid input JSON: expected a property definition object")
        missing = [k for k in ("name", "label", "type", "fieldType", "groupName")
                   if not isinstance(body.get(k), str) or not body.get(k)]
        if missing:
            raise ValidationError(f"Missing required fields: {', '.join(missing)}")
        name = body["name"]
        if not _PROPERTY_NAME.match(name) or len(name) > 100:
            raise ValidationError(f"Property name {name} is invalid: use lower-case letters, digits and _")
        if body["type"] not in ("string", "number", "date", "datetime", "enumeration", "bool"):
            raise ValidationError(f"Unknown property type {body['type']}")
        if portal.definition(otype, name) is not None:
            raise HubSpotError({"status": "error", "category": "OBJECT_ALREADY_EXISTS",
                                "message": f"A property named '{name}' already exists."}, status=409)
        options = self._parse_options(body.get("options"))
        if body["type"] in ("enumeration",) and not options:
            raise ValidationError("Enumeration properties need at least one option")
        now = self.clock.now()
        definition = PropertyDefinition(
            name=name, label=body["label"], type=body["type"], field_type=body["fieldType"],
            group_name=body["groupName"], description=str(body.get("description") or ""), options=options,
            has_unique_value=bool(body.get("hasUniqueValue", False)), hubspot_defined=False,
            created_at=now, updated_at=now, display_order=int(body.get("displayOrder", -1))
            if isinstance(body.get("displayOrder"), int) else -1)
        portal.custom_properties.setdefault(otype.name, {})[name] = definition
        portal.archived_properties.get(otype.name, {}).pop(name, None)
        return definition

    @staticmethod
    def _parse_options(raw: Any) -> list[PropertyOption]:
        if raw is None:
            return []
        if not isinstance(raw, list) or not all(isinstance(o, dict) for o in raw):
            raise ValidationError("options must be a list of {label, value} objects")
        out = []
        for i, option in enumerate(raw):
            if not isinstance(option.get("label"), str) or not isinstance(option.get("value"), str):
                raise ValidationError("Each option needs a label and a value")
            order = option.get("displayOrder", i)
            out.append(PropertyOption(option["label"], option["value"], order if isinstance(order, int) else i))
        return out

    def update_property(self, actor: Actor, object_type: str, name: str, body: Any) -> PropertyDefinition:
        """`PATCH /crm/v3/properties/{t}/{name}`: label, description, group, options of a custom property."""
        with self._lock:
            portal, otype = self.portal(actor.portal_id), resolve_type(object_type)
            actor.require(self._schema_scopes(otype, write=True))
            definition = portal.definition(otype, name)
            if definition is None:
                raise ObjectNotFound(f"Unable to find property {name} for object type {otype.type_id}")
            if not isinstance(body, dict):
                raise ValidationError("Invalid input JSON: expected an object")
            if definition.hubspot_defined:
                raise ValidationError(f"{name} is a HubSpot-defined property and cannot be modified",
                                      subCategory="READ_ONLY_DEFINITION")
            for key, attr in (("label", "label"), ("description", "description"), ("groupName", "group_name"),
                              ("fieldType", "field_type")):
                if key in body:
                    if not isinstance(body[key], str):
                        raise ValidationError(f"{key} must be a string")
                    setattr(definition, attr, body[key])
            if "options" in body:
                definition.options = self._parse_options(body["options"])
            definition.updated_at = self.clock.now()
            return definition

    def archive_property(self, actor: Actor, object_type: str, name: str) -> None:
        """`DELETE /crm/v3/properties/{t}/{name}`: custom properties only."""
        with self._lock:
            portal, otype = self.portal(actor.portal_id), resolve_type(object_type)
            actor.require(self._schema_scopes(otype, write=True))
            definition = portal.definition(otype, name)
            if definition is None:
                raise ObjectNotFound(f"Unable to find property {name} for object type {otype.type_id}")
            if definition.hubspot_defined:
                raise ValidationError(f"{name} is a HubSpot-defined property and cannot be archived")
            portal.custom_properties[otype.name].pop(name)
            definition.archived, definition.archived_at = True, self.clock.now()
            portal.archived_properties.setdefault(otype.name, {})[name] = definition

    def batch_properties(self, actor: Actor, object_type: str, op: str, body: Any) -> BatchResult:
        """`POST /crm/v3/properties/{t}/batch/{read,create,archive}`."""
        with self._lock:
            portal, otype = self.portal(actor.portal_id), resolve_type(object_type)
            inputs = self._inputs(body)
            actor.require(self._schema_scopes(otype, write=op != "read"))
            started = self.clock.now()
            results: list[Any] = []
            missing: list[str] = []
            for item in inputs:
                if op == "create":
                    results.append(self._create_property(portal, otype, item))
                    continue
                name = item.get("name")
                definition = portal.definition(otype, name) if isinstance(name, str) else None
                if definition is None:
                    missing.append(str(name))
                elif op == "read":
                    results.append(definition)
                elif not definition.hubspot_defined:
                    self.archive_property(actor, object_type, definition.name)
            errors = [BatchError("OBJECT_NOT_FOUND", "Some properties could not be found", {"names": missing})
                      ] if missing and op == "read" else []
            return BatchResult(results, errors, started, self.clock.now())


    def pipelines(self, actor: Actor, object_type: str) -> list[Pipeline]:
        """`GET /crm/v3/pipelines/{t}`."""
        with self._lock:
            portal, otype = self.portal(actor.portal_id), resolve_type(object_type)
            actor.require(otype.read_scopes)
            if not otype.has_pipelines:
                raise ValidationError(f"Object type {otype.type_id} does not support pipelines")
            return list(portal.pipelines.get(otype.name, []))

    def pipeline(self, actor: Actor, object_type: str, pipeline_id: str) -> Pipeline:
        """`GET /crm/v3/pipelines/{t}/{id}`."""
        for candidate in self.pipelines(actor, object_type):
            if candidate.id == pipeline_id:
                return candidate
        raise ObjectNotFound(f"Unable to find pipeline {pipeline_id}")
