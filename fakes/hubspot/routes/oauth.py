"""OAuth (docs/vendor-behaviour.md §4.1): the install (authorize) step, the token endpoint, token information.

The real authorize page lives on app.hubspot.com, where a logged-in user picks an account; here the
caller names them with `portal_id` and `user_id`, and only a user allowed to install apps gets a code.
"""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, redirect, request

from fakes.hubspot.routes.common import store

bp = Blueprint("hubspot_oauth", __name__)


@bp.get("/oauth/authorize")
def authorize() -> Response:
    """Grant the app's scopes for a portal as one of its users; 302 to redirect_uri with `code`."""
    args = request.args
    url = store().authorize(client_id=args.get("client_id", ""), redirect_uri=args.get("redirect_uri", ""),
                            scope=args.get("scope", ""), optional_scope=args.get("optional_scope", ""),
                            portal_id=args.get("portal_id"), user_id=args.get("user_id"), state=args.get("state"))
    return redirect(url, code=302)


@bp.post("/oauth/v1/token")
def token() -> Response:
    """authorization_code and refresh_token grants (form-encoded)."""
    return jsonify(store().exchange_token({k: v for k, v in request.form.items()}))


@bp.get("/oauth/v1/access-tokens/<token>")
def access_token(token: str) -> Response:
    """Information about an OAuth access token."""
    return jsonify(store().access_token_info(token))


@bp.get("/oauth/v1/refresh-tokens/<token>")
def refresh_token(token: str) -> Response:
    """Information about a refresh token."""
    return jsonify(store().refresh_token_info(token))


@bp.delete("/oauth/v1/refresh-tokens/<token>")
def delete_refresh_token(token: str) -> tuple[str, int]:
    """Revoke a refresh token (204)."""
    store().refresh_token_info(token, delete=True)
    return "", 204
