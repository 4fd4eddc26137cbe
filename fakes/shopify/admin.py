"""The Shopify admin as a merchant's browser sees it, reduced to what embeds an app (MKT-1).

`GET /store/{shop}/apps/{client_id}` is `https://admin.shopify.com/store/{shop}/apps/{handle}`: the admin's frame
with the installed app's `application_url` in an iframe, loaded with the query Shopify adds for an embedded app
(`embedded=1`, `hmac`, `host`, `id_token`, `locale`, `session`, `shop`, `timestamp`; docs/vendor-behaviour.md
§10.1). Each load mints a fresh session token. The page has no script at all: Shopify's App Bridge (a script
from its CDN) is not served, so an app under test must work as a plain server-rendered page, with the session
token of the URL. The page is the merchant's UI, not the API: it is neither audited nor faulted.
"""

from __future__ import annotations

import base64
import hashlib
from urllib.parse import urlencode, urlsplit

from flask import Blueprint, g, render_template_string

from fakes.shopify import api
from fakes.shopify.oauth import callback_hmac

bp = Blueprint("shopify_admin", __name__)
ADMIN_PREFIX = "/store/"

_PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{{ app_name }} · {{ shop }} · Shopify</title>
<style>
  body { margin: 0; font: 14px/1.4 -apple-system, "Segoe UI", Roboto, sans-serif; background: #f1f1f1; color: #303030; }
  header { background: #1a1a1a; color: #e3e3e3; height: 56px; display: flex; align-items: center; padding: 0 16px;
           gap: 16px; }
  header strong { color: #fff; font-size: 15px; }
  header .store { margin-left: auto; background: #303030; border-radius: 8px; padding: 6px 10px; }
  .layout { display: flex; min-height: calc(100vh - 56px); }
  nav { width: 240px; background: #ebebeb; padding: 12px 8px; box-sizing: border-box; }
  nav a { display: block; padding: 6px 12px; border-radius: 8px; color: #303030; text-decoration: none; }
  nav a[aria-current] { background: #fff; font-weight: 600; }
  nav h2 { font-size: 12px; text-transform: uppercase; color: #616161; margin: 16px 12px 4px; }
  main { flex: 1; padding: 16px 24px; }
  main h1 { font-size: 20px; margin: 4px 0 12px; }
  iframe { width: 100%; height: 900px; border: 0; border-radius: 12px; background: #fff;
           box-shadow: 0 1px 0 rgba(26,26,26,.07), 0 1px 3px rgba(26,26,26,.15); }
  .notice { background: #fff; border-radius: 12px; padding: 24px; }
</style>
</head>
<body>
<header><strong>shopify</strong><span>admin</span><span class="store">{{ shop }}</span></header>
<div class="layout">
<nav aria-label="Admin">
  <a href="#">Home</a><a href="#">Orders</a><a href="#">Products</a><a href="#">Customers</a>
  <a href="#">Marketing</a><a href="#">Analytics</a>
  <h2>Apps</h2><a href="#" aria-current="page">{{ app_name }}</a>
</nav>
<main>
  <h1>{{ app_name }}</h1>
  {% if src %}
  <iframe id="app-iframe" name="app-iframe" title="{{ app_name }}" src="{{ src }}"
          sandbox="allow-forms allow-modals allow-popups allow-popups-to-escape-sandbox allow-same-origin
                   allow-scripts allow-downloads"></iframe>
  {% else %}
  <div class="notice" role="alert">{{ problem }}</div>
  {% endif %}
</main>
</div>
</body>
</html>
"""


def host_param(shop: str) -> str:
    """The `host` Shopify passes an embedded app today: base64 of the admin's address for the store, unpadded."""
    return base64.b64encode(f"admin.shopify.com/store/{shop}".encode()).decode().rstrip("=")


def embedded_query(shop: str, client_id: str, secret: str, token: str, timestamp: int) -> dict[str, str]:
    """The query the admin adds to the app's URL, signed with the app's secret like an OAuth callback."""
    session = hashlib.sha256(f"admin-session:{shop}:{client_id}".encode()).hexdigest()
    params = {"embedded": "1", "host": host_param(shop), "id_token": token, "locale": "en",
              "session": session, "shop": f"{shop}.myshopify.com", "timestamp": str(timestamp)}
    return {**params, "hmac": callback_hmac(params, secret)}


@bp.get("/store/<shop>/apps/<client_id>")
def app_page(client_id: str) -> tuple[str, int, dict[str, str]]:
    """The admin with the app embedded; a notice (404) when the app is unknown, not installed, or has no URL."""
    store = api.store()
    shop = g.shop
    headers = {"Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store"}
    if shop not in store.shops:
        return render_template_string(_PAGE, shop=shop, app_name="Apps", src=None,
                                      problem="There is no store at this address."), 404, headers
    app = store.apps.get(client_id)
    if app is None or not store.installed(shop, client_id):
        return render_template_string(_PAGE, shop=shop, app_name="Apps", src=None,
                                      problem="This app is not installed in this store."), 404, headers
    if not app.application_url:
        return render_template_string(_PAGE, shop=shop, app_name=app.name, src=None,
                                      problem="This app has no application URL to open."), 404, headers
    token = store.session_token(shop, client_id)
    query = embedded_query(shop, client_id, app.client_secret, token, int(store.now().timestamp()))
    separator = "&" if urlsplit(app.application_url).query else "?"
    src = f"{app.application_url}{separator}{urlencode(query)}"
    return render_template_string(_PAGE, shop=shop, app_name=app.name, src=src, problem=None), 200, headers
