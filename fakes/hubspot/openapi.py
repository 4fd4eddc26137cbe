"""`GET /openapi.json`: the OpenAPI 3 document of the fake's public endpoints (no `/_harness/`).

It describes what the fake answers, in HubSpot's shapes, closely enough for schemathesis to check every
response against it; error statuses share the `default` response (HubSpot's `Error`).
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify

from fakes.hubspot.objects import OBJECT_TYPES
from fakes.openapi_links import LinkTable, attach_links

bp = Blueprint("hubspot_openapi", __name__)

_TYPES = sorted({t.name for t in OBJECT_TYPES.values()} | {t.type_id for t in OBJECT_TYPES.values()})


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: dict[str, Any], description: str = "OK") -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


_ERROR = {"default": _json(_ref("Error"), "HubSpot error")}
_NO_CONTENT = {"204": {"description": "No content"}, **_ERROR}


def _path_param(name: str, enum: list[str] | None = None, integer: bool = False) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "string"}
    if enum:
        schema["enum"] = enum
    elif integer:
        schema = {"type": "string", "pattern": "^[0-9]{1,12}$"}
    return {"name": name, "in": "path", "required": True, "schema": schema}


def _query(name: str, schema: dict[str, Any], explode: bool = True) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": False, "schema": schema, "explode": explode}


_STR_LIST = {"type": "array", "items": {"type": "string"}}
_BOOL = {"type": "boolean"}
_OBJECT_TYPE = _path_param("objectType", _TYPES)
_OBJECT_ID = _path_param("objectId", integer=True)
_READ_PARAMS = [_query("properties", _STR_LIST), _query("propertiesWithHistory", _STR_LIST),
                _query("associations", _STR_LIST), _query("archived", _BOOL)]


def _body(schema: dict[str, Any], form: bool = False) -> dict[str, Any]:
    kind = "application/x-www-form-urlencoded" if form else "application/json"
    return {"required": True, "content": {kind: {"schema": schema}}}


def _op(op_id: str, summary: str, responses: dict[str, Any], *, params: list[dict[str, Any]] | None = None,
        body: dict[str, Any] | None = None, security: list[dict[str, list[str]]] | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {"operationId": op_id, "summary": summary, "responses": {**responses, **_ERROR}}
    if params:
        out["parameters"] = params
    if body:
        out["requestBody"] = body
    if security is not None:
        out["security"] = security
    return out


def _batch(result: dict[str, Any]) -> dict[str, Any]:
    return {"type": "object", "required": ["status", "results", "startedAt", "completedAt"],
            "properties": {"status": {"type": "string"}, "results": {"type": "array", "items": result},
                           "requestedAt": {"type": "string", "format": "date-time"},
                           "startedAt": {"type": "string", "format": "date-time"},
                           "completedAt": {"type": "string", "format": "date-time"},
                           "numErrors": {"type": "integer"},
                           "errors": {"type": "array", "items": _ref("StandardError")},
                           "links": {"type": "object", "additionalProperties": {"type": "string"}}}}


def _inputs(item: dict[str, Any]) -> dict[str, Any]:
    return {"type": "object", "required": ["inputs"], "properties": {"inputs": {"type": "array", "items": item}}}


_OBJECT_INPUT = {
    "properties": _ref("PropertyValues"),
    "associations": {"type": "array", "items": {"type": "object", "required": ["to", "types"], "properties": {
        "to": {"type": "object", "required": ["id"], "properties": {"id": {"type": "string"}}},
        "types": {"type": "array", "items": _ref("AssociationSpec")}}}},
}

_SCHEMAS: dict[str, Any] = {
    "Error": {"type": "object", "required": ["status", "message", "correlationId"], "properties": {
        "status": {"type": "string"}, "message": {"type": "string"}, "correlationId": {"type": "string"},
        "category": {"type": "string"}, "subCategory": {"type": "string"}, "context": {"type": "object"},
        "errors": {"type": "array", "items": {"type": "object"}}, "links": {"type": "object"},
        "errorType": {"type": "string"}, "policyName": {"type": "string"}, "groupName": {"type": "string"}}},
    "StandardError": {"type": "object", "required": ["status", "category", "message", "context", "links", "errors"],
                      "properties": {"status": {"type": "string"}, "category": {"type": "string"},
                                     "message": {"type": "string"}, "subCategory": {"type": "string"},
                                     "context": {"type": "object", "additionalProperties": _STR_LIST},
                                     "links": {"type": "object"}, "errors": {"type": "array"}}},
    "Properties": {"type": "object", "additionalProperties": {"type": "string", "nullable": True}},
    "PropertyValues": {"type": "object", "additionalProperties": {"type": "string"}},
    "AssociationSpec": {"type": "object", "required": ["associationCategory", "associationTypeId"],
                        "properties": {"associationCategory": {"type": "string", "enum": [
                            "HUBSPOT_DEFINED", "USER_DEFINED", "INTEGRATOR_DEFINED"]},
                            "associationTypeId": {"type": "integer"}}},
    "SimplePublicObject": {"type": "object", "required": ["id", "properties", "createdAt", "updatedAt"],
                           "properties": {
                               "id": {"type": "string"}, "properties": _ref("Properties"),
                               "createdAt": {"type": "string", "format": "date-time"},
                               "updatedAt": {"type": "string", "format": "date-time"},
                               "archived": {"type": "boolean"},
                               "archivedAt": {"type": "string", "format": "date-time"},
                               "new": {"type": "boolean"}, "objectWriteTraceId": {"type": "string"},
                               "propertiesWithHistory": {"type": "object", "additionalProperties": {
                                   "type": "array", "items": {"type": "object", "required": ["value", "timestamp",
                                                                                             "sourceType"]}}},
                               "associations": {"type": "object", "additionalProperties": {
                                   "type": "object", "required": ["results"], "properties": {"results": {
                                       "type": "array", "items": {"type": "object", "required": ["id", "type"],
                                                                  "properties": {"id": {"type": "string"},
                                                                                 "type": {"type": "string"}}}}}}}}},
    "Paging": {"type": "object", "properties": {"next": {"type": "object", "required": ["after"], "properties": {
        "after": {"type": "string"}, "link": {"type": "string"}}}}},
    "ObjectPage": {"type": "object", "required": ["results"], "properties": {
        "results": {"type": "array", "items": _ref("SimplePublicObject")}, "paging": _ref("Paging")}},
    "SearchPage": {"type": "object", "required": ["total", "results"], "properties": {
        "total": {"type": "integer"}, "results": {"type": "array", "items": _ref("SimplePublicObject")},
        "paging": _ref("Paging")}},
    "ObjectInput": {"type": "object", "properties": _OBJECT_INPUT},
    # Only batch inputs carry `objectWriteTraceId` (HPY SimplePublicObjectBatchInputForCreate; the single
    # create's SimplePublicObjectInputForCreate has just properties and associations).
    "BatchObjectInput": {"type": "object", "properties": {**_OBJECT_INPUT, "objectWriteTraceId": {"type": "string"}}},
    "Filter": {"type": "object", "required": ["propertyName", "operator"], "properties": {
        "propertyName": {"type": "string"}, "operator": {"type": "string", "enum": [
            "EQ", "NEQ", "LT", "LTE", "GT", "GTE", "BETWEEN", "IN", "NOT_IN", "HAS_PROPERTY", "NOT_HAS_PROPERTY",
            "CONTAINS_TOKEN", "NOT_CONTAINS_TOKEN"]},
        "value": {"type": "string"}, "highValue": {"type": "string"}, "values": _STR_LIST}},
    "SearchRequest": {"type": "object", "properties": {
        "filterGroups": {"type": "array", "items": {"type": "object", "required": ["filters"], "properties": {
            "filters": {"type": "array", "items": _ref("Filter")}}}},
        "sorts": {"type": "array", "items": {"type": "object", "properties": {
            "propertyName": {"type": "string"}, "direction": {"type": "string", "enum": ["ASCENDING",
                                                                                         "DESCENDING"]}}}},
        "query": {"type": "string"}, "properties": _STR_LIST, "limit": {"type": "integer"},
        "after": {"type": "string"}}},
    "AssociationType": {"type": "object", "required": ["typeId", "category"], "properties": {
        "category": {"type": "string"}, "typeId": {"type": "integer"}, "label": {"type": "string", "nullable": True}}},
    "AssociatedObject": {"type": "object", "required": ["toObjectId", "associationTypes"], "properties": {
        "toObjectId": {"type": "integer"}, "associationTypes": {"type": "array", "items": _ref("AssociationType")}}},
    "LabelsBetweenObjectPair": {"type": "object", "required": ["fromObjectTypeId", "fromObjectId", "toObjectTypeId",
                                                                "toObjectId", "labels"], "properties": {
        "fromObjectTypeId": {"type": "string"}, "fromObjectId": {"type": "integer"},
        "toObjectTypeId": {"type": "string"}, "toObjectId": {"type": "integer"}, "labels": _STR_LIST}},
    "DefaultAssociation": {"type": "object", "required": ["from", "to", "associationSpec"], "properties": {
        "from": {"type": "object", "required": ["id"]}, "to": {"type": "object", "required": ["id"]},
        "associationSpec": _ref("AssociationSpec")}},
    "Option": {"type": "object", "required": ["label", "value", "hidden"], "properties": {
        "label": {"type": "string"}, "value": {"type": "string"}, "hidden": {"type": "boolean"},
        "displayOrder": {"type": "integer"}, "description": {"type": "string"}}},
    "Property": {"type": "object", "required": ["name", "label", "type", "fieldType", "groupName", "description",
                                                "options"], "properties": {
        "name": {"type": "string"}, "label": {"type": "string"}, "type": {"type": "string"},
        "fieldType": {"type": "string"}, "groupName": {"type": "string"}, "description": {"type": "string"},
        "options": {"type": "array", "items": _ref("Option")}, "hasUniqueValue": {"type": "boolean"},
        "hubspotDefined": {"type": "boolean"}, "archived": {"type": "boolean"},
        "modificationMetadata": {"type": "object"}}},
    "PropertyCreate": {"type": "object", "required": ["name", "label", "type", "fieldType", "groupName"],
                       "properties": {"name": {"type": "string"}, "label": {"type": "string"},
                                      "type": {"type": "string", "enum": ["string", "number", "date", "datetime",
                                                                         "enumeration", "bool"]},
                                      "fieldType": {"type": "string"}, "groupName": {"type": "string"},
                                      "description": {"type": "string"}, "hasUniqueValue": {"type": "boolean"},
                                      "options": {"type": "array", "items": {"type": "object", "properties": {
                                          "label": {"type": "string"}, "value": {"type": "string"}}}}}},
    "Stage": {"type": "object", "required": ["id", "label", "displayOrder", "createdAt", "updatedAt", "archived"],
              "properties": {"id": {"type": "string"}, "label": {"type": "string"},
                             "displayOrder": {"type": "integer"}, "metadata": {"type": "object"},
                             "createdAt": {"type": "string", "format": "date-time"},
                             "updatedAt": {"type": "string", "format": "date-time"},
                             "archived": {"type": "boolean"}}},
    "Pipeline": {"type": "object", "required": ["id", "label", "displayOrder", "stages", "createdAt", "updatedAt",
                                                "archived"], "properties": {
        "id": {"type": "string"}, "label": {"type": "string"}, "displayOrder": {"type": "integer"},
        "stages": {"type": "array", "items": _ref("Stage")}, "archived": {"type": "boolean"},
        "createdAt": {"type": "string", "format": "date-time"}, "updatedAt": {"type": "string",
                                                                             "format": "date-time"}}},
    "Subscription": {"type": "object", "required": ["id", "eventType", "active"], "properties": {
        "id": {"type": "string"}, "eventType": {"type": "string"}, "active": {"type": "boolean"},
        "propertyName": {"type": "string"}, "objectTypeId": {"type": "string"}}},
    "WebhookSettings": {"type": "object", "required": ["targetUrl"], "properties": {
        "targetUrl": {"type": "string"}, "throttling": {"type": "object"}}},
}


def _object_paths() -> dict[str, Any]:
    base = "/crm/v3/objects/{objectType}"
    record = _json(_ref("SimplePublicObject"))
    batch_record = _batch(_ref("SimplePublicObject"))
    batch_out = {"200": _json(batch_record), "207": _json(batch_record)}
    id_in = {"type": "object", "required": ["id"], "properties": {"id": {"type": "string"},
                                                                   "idProperty": {"type": "string"},
                                                                   "properties": _ref("PropertyValues")}}
    paths: dict[str, Any] = {
        base: {
            "get": _op("listObjects", "List records", {"200": _json(_ref("ObjectPage"))}, params=[
                _OBJECT_TYPE, _query("limit", {"type": "integer"}), _query("after", {"type": "string"}),
                *_READ_PARAMS]),
            "post": _op("createObject", "Create a record", {"201": _json(_ref("SimplePublicObject"), "Created")},
                        params=[_OBJECT_TYPE], body=_body(_ref("ObjectInput")))},
        base + "/{objectId}": {
            "get": _op("getObject", "Read a record", {"200": record},
                       params=[_OBJECT_TYPE, _OBJECT_ID, *_READ_PARAMS, _query("idProperty", {"type": "string"})]),
            "patch": _op("updateObject", "Update a record", {"200": record},
                         params=[_OBJECT_TYPE, _OBJECT_ID, _query("idProperty", {"type": "string"})],
                         body=_body({"type": "object", "properties": {"properties": _ref("PropertyValues")}})),
            "delete": _op("archiveObject", "Archive a record", _NO_CONTENT, params=[_OBJECT_TYPE, _OBJECT_ID])},
        base + "/search": {"post": _op("searchObjects", "Search", {"200": _json(_ref("SearchPage"))},
                                       params=[_OBJECT_TYPE], body=_body(_ref("SearchRequest")))},
        base + "/merge": {"post": _op("mergeObjects", "Merge two records", {"200": record}, params=[_OBJECT_TYPE],
                                      body=_body({"type": "object", "required": ["primaryObjectId", "objectIdToMerge"],
                                                  "properties": {"primaryObjectId": {"type": "string"},
                                                                 "objectIdToMerge": {"type": "string"}}}))},
        "/crm/v3/objects/contacts/gdpr-delete": {"post": _op(
            "gdprDeleteContact", "GDPR-delete a contact", _NO_CONTENT, body=_body({
                "type": "object", "required": ["objectId"], "properties": {"objectId": {"type": "string"},
                                                                           "idProperty": {"type": "string"}}}))},
        base + "/batch/read": {"post": _op("batchReadObjects", "Batch read", batch_out,
                                           params=[_OBJECT_TYPE, _query("archived", _BOOL)], body=_body({
                                               **_inputs(id_in), "properties": {
                                                   "inputs": {"type": "array", "items": id_in},
                                                   "properties": _STR_LIST, "idProperty": {"type": "string"},
                                                   "propertiesWithHistory": _STR_LIST}}))},
        base + "/batch/create": {"post": _op("batchCreateObjects", "Batch create",
                                             {"201": _json(batch_record), "207": _json(batch_record)},
                                             params=[_OBJECT_TYPE], body=_body(_inputs(_ref("BatchObjectInput"))))},
        base + "/batch/update": {"post": _op("batchUpdateObjects", "Batch update", batch_out,
                                             params=[_OBJECT_TYPE], body=_body(_inputs(id_in)))},
        base + "/batch/upsert": {"post": _op("batchUpsertObjects", "Batch upsert", batch_out,
                                             params=[_OBJECT_TYPE], body=_body(_inputs(id_in)))},
        base + "/batch/archive": {"post": _op("batchArchiveObjects", "Batch archive", _NO_CONTENT,
                                              params=[_OBJECT_TYPE], body=_body(_inputs(id_in)))},
    }
    return paths


def _association_paths() -> dict[str, Any]:
    obj = "/crm/v4/objects/{objectType}/{objectId}/associations"
    to_type, to_id = _path_param("toObjectType", _TYPES), _path_param("toObjectId", integer=True)
    pair = [_path_param("fromObjectType", _TYPES), _path_param("toObjectType", _TYPES)]
    batch = "/crm/v4/associations/{fromObjectType}/{toObjectType}"
    ref_id = {"type": "object", "required": ["id"], "properties": {"id": {"type": "string"}}}
    labels = _json({"type": "object", "required": ["results"], "properties": {
        "results": {"type": "array", "items": _ref("AssociationType")}}})
    return {
        obj + "/default/{toObjectType}/{toObjectId}": {"put": _op(
            "associateDefault", "Associate (default)", {"200": _json(_batch(_ref("DefaultAssociation")))},
            params=[_OBJECT_TYPE, _OBJECT_ID, to_type, to_id])},
        obj + "/{toObjectType}/{toObjectId}": {
            "put": _op("associate", "Associate (typed)", {"201": _json(_ref("LabelsBetweenObjectPair"), "Created")},
                       params=[_OBJECT_TYPE, _OBJECT_ID, to_type, to_id],
                       body=_body({"type": "array", "items": _ref("AssociationSpec")})),
            "delete": _op("removeAssociations", "Remove associations", _NO_CONTENT,
                          params=[_OBJECT_TYPE, _OBJECT_ID, to_type, to_id])},
        obj + "/{toObjectType}": {"get": _op("listAssociations", "List associations", {"200": _json({
            "type": "object", "required": ["results"], "properties": {
                "results": {"type": "array", "items": _ref("AssociatedObject")}, "paging": _ref("Paging")}})},
            params=[_OBJECT_TYPE, _OBJECT_ID, to_type, _query("limit", {"type": "integer"}),
                    _query("after", {"type": "string"})])},
        batch + "/batch/create": {"post": _op("batchAssociate", "Batch associate", {
            "201": _json(_batch(_ref("LabelsBetweenObjectPair"))),
            "207": _json(_batch(_ref("LabelsBetweenObjectPair")))},
            params=pair, body=_body(_inputs({"type": "object", "required": ["from", "to", "types"], "properties": {
                "from": ref_id, "to": ref_id, "types": {"type": "array", "items": _ref("AssociationSpec")}}})))},
        batch + "/batch/associate/default": {"post": _op("batchAssociateDefault", "Batch associate (default)", {
            "200": _json(_batch(_ref("DefaultAssociation"))), "207": _json(_batch(_ref("DefaultAssociation")))},
            params=pair, body=_body(_inputs({"type": "object", "required": ["from", "to"], "properties": {
                "from": ref_id, "to": ref_id}})))},
        batch + "/batch/read": {"post": _op("batchReadAssociations", "Batch read associations", {
            "200": _json(_batch({"type": "object", "required": ["from", "to"], "properties": {
                "from": ref_id, "to": {"type": "array", "items": _ref("AssociatedObject")}}})),
            "207": _json(_batch({"type": "object"}))}, params=pair, body=_body(_inputs(ref_id)))},
        batch + "/batch/archive": {"post": _op("batchRemoveAssociations", "Batch remove associations", _NO_CONTENT,
                                               params=pair, body=_body(_inputs({"type": "object", "properties": {
                                                   "from": ref_id, "to": {"type": "array", "items": ref_id}}})))},
        batch + "/labels": {
            "get": _op("listAssociationLabels", "Association labels", {"200": labels}, params=pair),
            "post": _op("createAssociationLabel", "Create a label", {"200": labels}, params=pair, body=_body({
                "type": "object", "required": ["label"], "properties": {
                    "label": {"type": "string"}, "name": {"type": "string"}, "inverseLabel": {"type": "string"}}}))},
    }


def _schema_paths() -> dict[str, Any]:
    name = _path_param("propertyName")
    prop = _json(_ref("Property"))
    results = {"type": "object", "required": ["results"], "properties": {"results": {"type": "array",
                                                                                      "items": _ref("Property")}}}
    pipe_id, stage_id = _path_param("pipelineId"), _path_param("stageId")
    names_in = _inputs({"type": "object", "required": ["name"], "properties": {"name": {"type": "string"}}})
    return {
        "/crm/v3/properties/{objectType}": {
            "get": _op("listProperties", "List properties", {"200": _json(results)},
                       params=[_OBJECT_TYPE, _query("archived", _BOOL)]),
            "post": _op("createProperty", "Create a property", {"201": _json(_ref("Property"), "Created")},
                        params=[_OBJECT_TYPE], body=_body(_ref("PropertyCreate")))},
        "/crm/v3/properties/{objectType}/{propertyName}": {
            "get": _op("getProperty", "Read a property", {"200": prop}, params=[_OBJECT_TYPE, name]),
            "patch": _op("updateProperty", "Update a property", {"200": prop}, params=[_OBJECT_TYPE, name],
                         body=_body({"type": "object", "properties": {"label": {"type": "string"},
                                                                      "description": {"type": "string"},
                                                                      "groupName": {"type": "string"}}})),
            "delete": _op("archiveProperty", "Archive a property", _NO_CONTENT, params=[_OBJECT_TYPE, name])},
        "/crm/v3/properties/{objectType}/batch/read": {"post": _op("batchReadProperties", "Batch read properties", {
            "200": _json(_batch(_ref("Property"))), "207": _json(_batch(_ref("Property")))},
            params=[_OBJECT_TYPE], body=_body(names_in))},
        "/crm/v3/properties/{objectType}/batch/create": {"post": _op(
            "batchCreateProperties", "Batch create properties", {"201": _json(_batch(_ref("Property")))},
            params=[_OBJECT_TYPE], body=_body(_inputs(_ref("PropertyCreate"))))},
        "/crm/v3/properties/{objectType}/batch/archive": {"post": _op(
            "batchArchiveProperties", "Batch archive properties", _NO_CONTENT, params=[_OBJECT_TYPE],
            body=_body(names_in))},
        "/crm/v3/pipelines/{objectType}": {"get": _op("listPipelines", "List pipelines", {"200": _json({
            "type": "object", "required": ["results"], "properties": {"results": {"type": "array",
                                                                                  "items": _ref("Pipeline")}}})},
            params=[_OBJECT_TYPE])},
        "/crm/v3/pipelines/{objectType}/{pipelineId}": {"get": _op("getPipeline", "Read a pipeline", {
            "200": _json(_ref("Pipeline"))}, params=[_OBJECT_TYPE, pipe_id])},
        "/crm/v3/pipelines/{objectType}/{pipelineId}/stages": {"get": _op("listPipelineStages", "List stages", {
            "200": _json({"type": "object", "required": ["results"], "properties": {
                "results": {"type": "array", "items": _ref("Stage")}}})},
            params=[_OBJECT_TYPE, pipe_id])},
        "/crm/v3/pipelines/{objectType}/{pipelineId}/stages/{stageId}": {"get": _op(
            "getPipelineStage", "Read a stage", {"200": _json(_ref("Stage"))},
            params=[_OBJECT_TYPE, pipe_id, stage_id])},
    }


def _auth_paths() -> dict[str, Any]:
    token = _path_param("token")
    app_id, sub_id = _path_param("appId", integer=True), _path_param("subscriptionId", integer=True)
    hook_auth = [{"hapikey": []}, {"bearer": []}]
    hapikey = _query("hapikey", {"type": "string"})
    settings = _json(_ref("WebhookSettings"))
    subscription = _json(_ref("Subscription"))
    return {
        "/oauth/authorize": {"get": _op("oauthAuthorize", "Install an app (authorize)",
                                        {"302": {"description": "Redirect with code"}},
                                        params=[_query(n, {"type": "string"}) for n in (
                                            "client_id", "redirect_uri", "scope", "optional_scope", "state",
                                            "portal_id", "user_id")], security=[])},
        "/oauth/v1/token": {"post": _op("oauthToken", "Token grant", {"200": _json({
            "type": "object", "required": ["access_token", "refresh_token", "expires_in", "token_type"],
            "properties": {"access_token": {"type": "string"}, "refresh_token": {"type": "string"},
                           "expires_in": {"type": "integer"}, "token_type": {"type": "string"}}})},
            body=_body({"type": "object", "properties": {n: {"type": "string"} for n in (
                "grant_type", "code", "redirect_uri", "client_id", "client_secret", "refresh_token")}}, form=True),
            security=[])},
        "/oauth/v1/access-tokens/{token}": {"get": _op("getAccessToken", "Access token information", {"200": _json({
            "type": "object", "required": ["token", "hub_id", "app_id", "scopes", "expires_in", "token_type"]})},
            params=[token], security=[])},
        "/oauth/v1/refresh-tokens/{token}": {
            "get": _op("getRefreshToken", "Refresh token information", {"200": _json({
                "type": "object", "required": ["token", "hub_id", "client_id", "scopes", "token_type"]})},
                params=[token], security=[]),
            "delete": _op("revokeRefreshToken", "Revoke a refresh token", _NO_CONTENT, params=[token], security=[])},
        "/account-info/v3/details": {"get": _op("getAccountDetails", "Account details", {"200": _json({
            "type": "object", "required": ["portalId"], "properties": {"portalId": {"type": "integer"}}})})},
        "/webhooks/v3/{appId}/settings": {
            "get": _op("getWebhookSettings", "Webhook settings", {"200": settings}, params=[app_id, hapikey],
                       security=hook_auth),
            "put": _op("setWebhookSettings", "Set webhook settings", {"200": settings}, params=[app_id, hapikey],
                       body=_body(_ref("WebhookSettings")), security=hook_auth),
            "delete": _op("deleteWebhookSettings", "Remove webhook settings", _NO_CONTENT, params=[app_id, hapikey],
                          security=hook_auth)},
        "/webhooks/v3/{appId}/subscriptions": {
            "get": _op("listSubscriptions", "List subscriptions", {"200": _json({
                "type": "object", "required": ["results"], "properties": {
                    "results": {"type": "array", "items": _ref("Subscription")}}})},
                params=[app_id, hapikey], security=hook_auth),
            "post": _op("createSubscription", "Subscribe", {"201": _json(_ref("Subscription"), "Created")},
                        params=[app_id, hapikey], body=_body({
                            "type": "object", "required": ["eventType"], "properties": {
                                "eventType": {"type": "string"}, "propertyName": {"type": "string"},
                                "objectTypeId": {"type": "string"}, "active": {"type": "boolean"}}}),
                        security=hook_auth)},
        "/webhooks/v3/{appId}/subscriptions/{subscriptionId}": {
            "get": _op("getSubscription", "Read a subscription", {"200": subscription},
                       params=[app_id, sub_id, hapikey], security=hook_auth),
            "patch": _op("updateSubscription", "Switch a subscription", {"200": subscription},
                         params=[app_id, sub_id, hapikey], body=_body({"type": "object", "properties": {
                             "active": {"type": "boolean"}}}), security=hook_auth),
            "delete": _op("deleteSubscription", "Delete a subscription", _NO_CONTENT,
                          params=[app_id, sub_id, hapikey], security=hook_auth)},
    }


def _marketing_paths() -> dict[str, Any]:
    """Forms v3 and the Conversations inbox's channels and channel accounts (fakes/hubspot/routes/marketing.py)."""
    paging = {"type": "object", "properties": {"next": {"type": "object", "required": ["after"], "properties": {
        "after": {"type": "string"}, "link": {"type": "string"}}}}}
    form = {"type": "object", "required": ["id", "name", "createdAt", "updatedAt", "archived", "formType",
                                           "fieldGroups", "configuration", "displayOptions", "legalConsentOptions"],
            "properties": {"id": {"type": "string"}, "name": {"type": "string"}, "archived": {"type": "boolean"},
                           "formType": {"type": "string"}, "createdAt": {"type": "string", "format": "date-time"},
                           "updatedAt": {"type": "string", "format": "date-time"},
                           "fieldGroups": {"type": "array", "items": {"type": "object"}},
                           "configuration": {"type": "object"}, "displayOptions": {"type": "object"},
                           "legalConsentOptions": {"type": "object"}}}
    account = {"type": "object", "required": ["id", "channelId", "name", "inboxId", "active", "archived",
                                              "authorized", "createdAt"],
               "properties": {"id": {"type": "string"}, "channelId": {"type": "string"}, "name": {"type": "string"},
                              "inboxId": {"type": "string"}, "active": {"type": "boolean"},
                              "archived": {"type": "boolean"}, "authorized": {"type": "boolean"},
                              "createdAt": {"type": "string", "format": "date-time"},
                              "deliveryIdentifier": {"type": "object"}}}
    channel = {"type": "object", "required": ["id", "name"], "properties": {"id": {"type": "string"},
                                                                           "name": {"type": "string"}}}

    def page_of(item: dict[str, Any], total: bool = False) -> dict[str, Any]:
        properties = {"results": {"type": "array", "items": item}, "paging": paging}
        if total:
            properties["total"] = {"type": "integer"}
        return _json({"type": "object", "required": ["results"], "properties": properties})

    limit = _query("limit", {"type": "integer"})
    after = _query("after", {"type": "string"})
    return {
        "/marketing/v3/forms": {"get": _op("listForms", "List forms", {"200": page_of(form)}, params=[
            limit, after, _query("archived", _BOOL), _query("formTypes", _STR_LIST)])},
        "/marketing/v3/forms/{formId}": {"get": _op("getForm", "Read a form", {"200": _json(form)},
                                                    params=[_path_param("formId")])},
        "/conversations/v3/conversations/channels": {"get": _op("listChannels", "List channels", {
            "200": page_of(channel, total=True)}, params=[limit, after])},
        "/conversations/v3/conversations/channel-accounts": {"get": _op(
            "listChannelAccounts", "List channel accounts (a live-chat one is a chatflow)",
            {"200": page_of(account, total=True)},
            params=[limit, after, _query("channelId", _STR_LIST), _query("inboxId", _STR_LIST),
                    _query("archived", _BOOL)])},
        "/conversations/v3/conversations/channel-accounts/{channelAccountId}": {"get": _op(
            "getChannelAccount", "Read a channel account", {"200": _json(account)},
            params=[_path_param("channelAccountId")])},
    }


_SAME_TYPE = {"objectType": "$request.path.objectType"}
_CREATED = {**_SAME_TYPE, "objectId": "$response.body#/id"}
_FIRST_RESULT = {**_SAME_TYPE, "objectId": "$response.body#/results/0/id"}
_SAME_PAIR = {**_SAME_TYPE, "objectId": "$request.path.objectId", "toObjectType": "$request.path.toObjectType"}
_SAME_RECORDS = {**_SAME_PAIR, "toObjectId": "$request.path.toObjectId"}
_PROPERTY = {**_SAME_TYPE, "propertyName": "$response.body#/name"}

# OpenAPI links: where HubSpot's answer to one call is what a client sends in the next one (the record id a
# create returns, the pair an association joined). (operationId, status) -> {target operationId: parameters}.
# They are what schemathesis's stateful run follows.
LINKS: LinkTable = {
    ("createObject", "201"): {op: _CREATED for op in ("getObject", "updateObject", "archiveObject",
                                                      "listAssociations", "associateDefault", "associate")},
    # Search-then-read/update is how a sync finds a record by its match key (docs/vendor-behaviour.md §3.5).
    ("searchObjects", "200"): {op: _FIRST_RESULT for op in ("getObject", "updateObject")},
    ("batchCreateObjects", "201"): {op: _FIRST_RESULT for op in ("getObject", "archiveObject")},
    ("associate", "201"): {"listAssociations": _SAME_PAIR, "removeAssociations": _SAME_RECORDS},
    ("associateDefault", "200"): {"listAssociations": _SAME_PAIR, "removeAssociations": _SAME_RECORDS},
    ("createProperty", "201"): {op: _PROPERTY for op in ("getProperty", "updateProperty", "archiveProperty")},
}


def _dated_paths(legacy: dict[str, Any]) -> dict[str, Any]:
    """The date-versioned twins of the CRM paths (fakes/hubspot/versions.py), with the shapes HubSpot changed:
    batch association archive answers 200 with a BatchResponse instead of 204 (docs/vendor-behaviour.md §9.F)."""
    import copy

    from fakes.hubspot.versions import VERSIONS
    forms = (("/crm/v4/objects/", "/crm/objects/{v}/"), ("/crm/v3/objects/", "/crm/objects/{v}/"),
             ("/crm/v4/associations/", "/crm/associations/{v}/"), ("/crm/v3/properties/", "/crm/properties/{v}/"),
             ("/crm/v3/pipelines/", "/crm/pipelines/{v}/"))
    out: dict[str, Any] = {}
    for version in VERSIONS:
        tag = version.replace("-", "_")
        for path, item in legacy.items():
            form = next(((old, new) for old, new in forms if path.startswith(old)), None)
            if form is None:
                continue
            twin = copy.deepcopy(item)
            for operation in twin.values():
                if isinstance(operation, dict) and "operationId" in operation:
                    operation["operationId"] = f"{operation['operationId']}_{tag}"
                    operation.pop("links", None)
                    for response in operation.get("responses", {}).values():
                        response.pop("links", None)
            if path.endswith("/batch/archive") and path.startswith("/crm/v4/associations/"):
                responses = twin["post"]["responses"]
                responses.pop("204", None)
                responses["200"] = _json(_batch({"type": "object"}))
            out[form[1].format(v=version) + path[len(form[0]):]] = twin
    return out


def document() -> dict[str, Any]:
    """The whole OpenAPI document."""
    paths = {**_object_paths(), **_association_paths(), **_schema_paths(), **_auth_paths()}
    attach_links(paths, LINKS)
    paths.update(_dated_paths(paths))
    paths.update(_marketing_paths())
    return {
        "openapi": "3.0.3",
        "info": {"title": "shopsync fake HubSpot CRM API", "version": "1.0.0",
                 "description": "Public endpoints of the fake HubSpot (harness API excluded)."},
        "servers": [{"url": "/"}],
        "security": [{"bearer": []}],
        "paths": paths,
        "components": {"schemas": _SCHEMAS, "securitySchemes": {
            "bearer": {"type": "http", "scheme": "bearer"},
            "hapikey": {"type": "apiKey", "in": "query", "name": "hapikey"}}},
    }


@bp.get("/openapi.json")
def openapi_json() -> Response:
    """Serve the document."""
    return jsonify(document())
