"""Shopify's error responses, one exception per kind, each carrying the exact status and body.

Bodies follow docs/vendor-behaviour.md §1.2-1.5: a top-level `errors` key whose value is a string, a
`{field: [messages]}` dict (validation) or a `{field: message}` dict (bad parameters).
"""

from __future__ import annotations


class ShopifyError(Exception):
    """Base class: an HTTP status, a JSON body and extra headers, rendered as is by the app."""

    status = 400

    def __init__(self, body: dict, status: int | None = None, headers: dict[str, str] | None = None) -> None:
        super().__init__(str(body))
        self.body = body
        if status is not None:
            self.status = status
        self.headers = headers or {}


class NotFound(ShopifyError):
    """Unknown id or route (docs/vendor-behaviour.md §1.3: `{"errors":"Not Found"}`)."""

    status = 404

    def __init__(self) -> None:
        super().__init__({"errors": "Not Found"})


class Unauthorized(ShopifyError):
    """Missing or invalid access token (docs/vendor-behaviour.md §1.2)."""

    status = 401

    def __init__(self) -> None:
        super().__init__({"errors": "[API] Invalid API key or access token (unrecognized login or wrong password)"})


class MissingScope(ShopifyError):
    """The token lacks the scope the endpoint needs (docs/vendor-behaviour.md §1.2)."""

    status = 403

    def __init__(self, scope: str) -> None:
        super().__init__({"errors": f"[API] This action requires merchant approval for {scope} scope."})


class Invalid(ShopifyError):
    """422 validation failure: `{"errors": {field: [messages]}}` (docs/vendor-behaviour.md §1.3)."""

    status = 422

    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__({"errors": errors})
        self.errors = errors


class BadParameter(ShopifyError):
    """400 for a missing root object or a bad query parameter: `{"errors": {param: message}}`."""

    status = 400

    def __init__(self, param: str, message: str) -> None:
        super().__init__({"errors": {param: message}})


class BadRequest(ShopifyError):
    """400 with a plain message (malformed JSON, wrong Content-Type)."""

    status = 400

    def __init__(self, message: str) -> None:
        super().__init__({"errors": message})


class MethodNotAllowed(ShopifyError):
    """405 on a known path with a method it does not support."""

    status = 405

    def __init__(self) -> None:
        super().__init__({"errors": "Method Not Allowed"})


class RateLimited(ShopifyError):
    """429 from the leaky bucket, with Retry-After (docs/vendor-behaviour.md §1.5)."""

    status = 429

    def __init__(self, leak_rate: float, retry_after: float) -> None:
        rate = int(leak_rate) if float(leak_rate).is_integer() else leak_rate
        super().__init__(
            {"errors": f"Exceeded {rate} calls per second for api client. "
                       "Reduce request rates to resume uninterrupted service."},
            headers={"Retry-After": f"{retry_after:.1f}"},
        )


def missing_root(root: str) -> BadParameter:
    """The body has no `{root: {...}}` object (docs/vendor-behaviour.md §1.3)."""
    return BadParameter(root, "Required parameter missing or invalid")
