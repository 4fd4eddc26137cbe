"""HubSpot's error responses, one exception per kind, each carrying the exact status and body.

Bodies follow docs/vendor-behaviour.md §3.9 (generic `Error`: `status`, `message`, `correlationId`, `category`,
optional `subCategory`, `context`, `errors`, `links`), 3.8 (409 duplicate contact) and 3.10 (429).
The `correlationId` is filled in when the response is rendered (see `app.py`), so the store can raise
these without knowing about requests.
"""

from __future__ import annotations

import json
from typing import Any

AUTH_MESSAGE = (
    "Authentication credentials not found. This API supports OAuth 2.0 authentication and you can find "
    "more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview"
)


class HubSpotError(Exception):
    """Base class: an HTTP status, a JSON body (without correlationId) and extra headers."""

    status = 400

    def __init__(self, body: dict[str, Any], status: int | None = None,
                 headers: dict[str, str] | None = None) -> None:
        super().__init__(body.get("message", ""))
        self.body = body
        if status is not None:
            self.status = status
        self.headers = headers or {}

    def render(self, correlation_id: str) -> dict[str, Any]:
        """The JSON body as HubSpot sends it, with this response's correlation id."""
        body = dict(self.body)
        # The OAuth endpoints' errors carry a `status` word of their own and a correlationId too.
        body.setdefault("correlationId", correlation_id)
        return body


def _error(category: str, message: str, **extra: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"status": "error", "message": message, "category": category}
    body.update(extra)
    return body


class InvalidAuthentication(HubSpotError):
    """401: missing, unknown or foreign token (docs/vendor-behaviour.md §3.9)."""

    status = 401

    def __init__(self, message: str = AUTH_MESSAGE) -> None:
        super().__init__(_error("INVALID_AUTHENTICATION", message))


class ExpiredAuthentication(HubSpotError):
    """401 for an OAuth access token past its `expires_in` (simulated time)."""

    status = 401

    def __init__(self, minutes_ago: int) -> None:
        super().__init__(_error("EXPIRED_AUTHENTICATION",
                                f"The OAuth token used to make this call expired {minutes_ago} minute(s) ago."))


class MissingScopes(HubSpotError):
    """403 MISSING_SCOPES with `errors[0].context.requiredGranularScopes` (docs/vendor-behaviour.md §3.9)."""

    status = 403

    def __init__(self, scopes: list[str]) -> None:
        super().__init__(_error(
            "MISSING_SCOPES",
            "This app hasn't been granted all required scopes to make this call. Read more about required "
            "scopes here: https://developers.hubspot.com/scopes.",
            errors=[{"message": "One or more of the following scopes are required.",
                     "context": {"requiredGranularScopes": list(scopes)}}],
            links={"scopes": "https://developers.hubspot.com/scopes"},
        ))


class ObjectNotFound(HubSpotError):
    """404 for an unknown or archived record id (docs/vendor-behaviour.md §3.9: "resource not found")."""

    status = 404

    def __init__(self, message: str = "resource not found") -> None:
        # docs/vendor-behaviour.md §7 q.5: captures differ on the category; we send OBJECT_NOT_FOUND because the
        # SDK's `Error` model requires a category.
        super().__init__(_error("OBJECT_NOT_FOUND", message))


class RouteNotFound(HubSpotError):
    """404 for a path the API does not have."""

    status = 404

    def __init__(self) -> None:
        super().__init__(_error("OBJECT_NOT_FOUND", "Resource not found"))


class AssociationDenied(HubSpotError):
    """403 for an association write a portal's 2026-09 rules deny (fakes/hubspot/write_rules.py; body our choice)."""

    status = 403

    def __init__(self) -> None:
        super().__init__(_error("MISSING_SCOPES", "You do not have permission to edit associations in this "
                                                  "account (Edit Associations)."))


class LegacySunset(HubSpotError):
    """410 for a legacy CRM path after its sunset, when the harness chose "gone" (fakes/hubspot/versions.py)."""

    status = 410

    def __init__(self, message: str) -> None:
        super().__init__(_error("GONE", message))


class MethodNotAllowed(HubSpotError):
    """405 on a known path with an unsupported method."""

    status = 405

    def __init__(self) -> None:
        super().__init__(_error("VALIDATION_ERROR", "Method Not Allowed"))


class ValidationError(HubSpotError):
    """400 VALIDATION_ERROR with a plain message (bad parameter, too many inputs, bad filter)."""

    status = 400

    def __init__(self, message: str, **extra: Any) -> None:
        super().__init__(_error("VALIDATION_ERROR", message, **extra))


class UnknownObjectType(ValidationError):
    """400 for a path object type that is neither a known name nor a type id."""

    def __init__(self, name: str) -> None:
        super().__init__(f"Unable to infer object type from: {name}")


class PropertyValueError(HubSpotError):
    """400 VALIDATION_ERROR whose message embeds a JSON list of per-property problems (docs/vendor-behaviour.md §3.9).

    Each problem is `{"isValid": false, "message", "error", "name", "localizedErrorMessage", "portalId"}`;
    `error` is PROPERTY_DOESNT_EXIST, READ_ONLY_VALUE, INVALID_EMAIL, INVALID_OPTION, INVALID_INTEGER or
    INVALID_DATE.
    """

    status = 400

    def __init__(self, problems: list[dict[str, Any]]) -> None:
        self.problems = problems
        text = json.dumps(problems, separators=(",", ":"))
        super().__init__(_error("VALIDATION_ERROR", f"Property values were not valid: {text}"))


def property_problem(portal_id: int, name: str, error: str, message: str) -> dict[str, Any]:
    """One entry of a PropertyValueError message list."""
    return {"isValid": False, "message": message, "error": error, "name": name,
            "localizedErrorMessage": message, "portalId": portal_id}


class ContactExists(HubSpotError):
    """409 CONFLICT on a duplicate contact email; integrations parse the id out of the message (3.8)."""

    status = 409

    def __init__(self, existing_id: str) -> None:
        self.existing_id = existing_id
        super().__init__(_error("CONFLICT", f"Contact already exists. Existing ID: {existing_id}"))


class InvalidAssociation(HubSpotError):
    """400 for an association to a missing record or of an unknown type (docs/vendor-behaviour.md §3.6)."""

    status = 400

    def __init__(self, message: str) -> None:
        super().__init__(_error("VALIDATION_ERROR", message))


class RateLimited(HubSpotError):
    """429 from a rate-limit policy; the body's `policyName` is what SDKs retry on (docs/vendor-behaviour.md §3.10)."""

    status = 429

    def __init__(self, policy: str, message: str, group: str, retry_after: int,
                 headers: dict[str, str] | None = None) -> None:
        self.policy = policy
        all_headers = dict(headers or {})
        all_headers["Retry-After"] = str(max(1, retry_after))
        super().__init__({"status": "error", "message": message, "errorType": "RATE_LIMIT",
                          "policyName": policy, "groupName": group}, headers=all_headers)


class OAuthError(HubSpotError):
    """400 from the OAuth token endpoint: `{"status": "BAD_AUTH_CODE", "message": ...}` (guessed words)."""

    status = 400

    def __init__(self, status_word: str, message: str, status: int = 400) -> None:
        super().__init__({"status": status_word, "message": message}, status=status)


class InstallRefused(HubSpotError):
    """403 at the authorize step: the user may not install apps in this account (docs/spec.md CON-4)."""

    status = 403

    def __init__(self, message: str) -> None:
        super().__init__(_error("MISSING_PERMISSIONS", message))


class InternalError(HubSpotError):
    """500 in HubSpot's shape; only the app's last-resort handler raises it (tests prove it never does)."""

    status = 500

    def __init__(self) -> None:
        super().__init__(_error("INTERNAL_ERROR", "internal error"))
