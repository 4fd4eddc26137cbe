"""Shopify's OAuth authorization-code install flow (docs/vendor-behaviour.md §2.2).

The merchant's consent screen is simulated as an immediate approval: `authorize` redirects to the
app's `redirect_uri` with `code, hmac, host, shop, state, timestamp`, signed the way ShopifyAPI
verifies it; `access_token` trades the single-use code for a per-shop offline token.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from urllib.parse import urlencode, urlsplit

from flask import Blueprint, Response, g, redirect, request

from fakes.shopify import api
from fakes.shopify.store import ALL_SCOPES

bp = Blueprint("oauth", __name__)


def callback_hmac(params: dict[str, str], secret: str) -> str:
    """Hex HMAC-SHA256 of the sorted `k=v` pairs joined by `&`, without `hmac` itself
    (docs/vendor-behaviour.md §2.2)."""
    # Delimiters inside a pair are escaped first (`%` -> %25, `&` -> %26, and `=` -> %3D in keys), so a
    # value such as a `state` holding `&` signs the same here as in ShopifyAPI's `Session.calculate_hmac`.
    pairs = (f"{k.replace('%', '%25').replace('=', '%3D')}={v.replace('%', '%25')}".replace("&", "%26")
             for k, v in params.items() if k != "hmac")
    message = "&".join(sorted(pairs))
    return hmac.new(secret.encode(), message.encode(), hashlib.sha256).hexdigest()


def _oauth_error(kind: str, description: str, status: int = 400) -> Response:
    return api.json_response({"error": kind, "error_description": description}, status)


@bp.get("/authorize")
def authorize() -> Response:
    store = api.store()
    store.shop(g.shop)
    client_id = request.args.get("client_id", "")
    app = store.apps.get(client_id)
    if app is None:
        return _oauth_error("invalid_request", "Invalid client_id")
    redirect_uri = request.args.get("redirect_uri", "")
    if urlsplit(redirect_uri).scheme not in ("http", "https") or not urlsplit(redirect_uri).netloc:
        return _oauth_error("invalid_request", "The redirect_uri is missing or not whitelisted")
    scopes = [s.strip() for s in request.args.get("scope", "").split(",") if s.strip()]
    unknown = [s for s in scopes if s not in ALL_SCOPES]
    if unknown:
        return _oauth_error("invalid_scope", f"Scope(s) not recognised: {', '.join(unknown)}")
    with store.lock:
        code = hashlib.sha256(f"code:{g.shop}:{client_id}:{len(store.oauth_codes)}".encode()).hexdigest()[:32]
        store.oauth_codes[code] = (g.shop, client_id, frozenset(scopes))
    domain = f"{g.shop}.myshopify.com"
    params = {
        "code": code,
        "host": base64.b64encode(f"{domain}/admin".encode()).decode().rstrip("="),
        "shop": domain,
        "state": request.args.get("state", ""),
        "timestamp": str(int(store.now().timestamp())),
    }
    params["hmac"] = callback_hmac(params, app.client_secret)
    separator = "&" if urlsplit(redirect_uri).query else "?"
    return redirect(f"{redirect_uri}{separator}{urlencode(params)}", code=302)


@bp.post("/access_token")
def access_token() -> Response:
    store = api.store()
    store.shop(g.shop)
    form: dict = dict(request.form)
    if not form and request.is_json:
        parsed = request.get_json(silent=True)
        form = parsed if isinstance(parsed, dict) else {}
    client_id, secret, code = (str(form.get(k, "")) for k in ("client_id", "client_secret", "code"))
    app = store.apps.get(client_id)
    if app is None or not hmac.compare_digest(app.client_secret, secret):
        return _oauth_error("invalid_client", "Client credentials were invalid")
    with store.lock:
        granted = store.oauth_codes.get(code)
        if granted is None or granted[0] != g.shop or granted[1] != client_id:
            return _oauth_error("invalid_request", "The authorization code was not found or was already used")
        del store.oauth_codes[code]
    token = store.issue_token(g.shop, client_id, granted[2])
    body = {"access_token": token, "scope": ",".join(sorted(granted[2]))}
    return Response(json.dumps(body), 200, mimetype="application/json")
