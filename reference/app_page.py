"""The HubSpot app's page inside the Shopify admin (MKT-1): the portal's forms and chatflows, and the contacts
synced from the shop that opened it (that shop's only: CON-2).

Plain server-rendered HTML (no script, so no App Bridge): the admin loads it in an iframe with a session token
in the URL, verified on every request (reference/session_token.py); a page link carries the same token, good
for its minute. HubSpot is read when the page is asked for: forms (Marketing forms v3, 20 a page, HubSpot's
cursor), chatflows (live-chat channel accounts of the Conversations inbox, all pages), and the shop's contacts
(their ids from the engine's links, 20 a page, read from HubSpot in one batch).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from flask import Flask, Response, render_template_string, request

from reference.clients.http import Deferred, VendorError
from reference.clients.hubspot import HubSpotClient
from reference.session_token import TokenRefused, verify
from reference.settings import Settings
from reference.state import State

PAGE_SIZE = 20
LIVE_CHAT = "1000"  # the Conversations channel of live chat: its accounts are the portal's chatflows
KEPT = ("embedded", "host", "id_token", "locale", "session", "shop", "timestamp", "hmac")

_STYLE = """
body { margin: 0; font: 14px/1.45 "Lexend Deca", Helvetica, Arial, sans-serif; color: #33475b; background: #fff; }
main { padding: 16px 20px; }
.columns { display: grid; grid-template-columns: minmax(0, 3fr) minmax(0, 2fr); gap: 24px; align-items: start; }
h1 { font-size: 22px; margin: 0 0 4px; } h2 { font-size: 17px; margin: 16px 0 6px; }
p.lead { color: #516f90; margin: 0 0 8px; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: 4px 8px; border-bottom: 1px solid #dfe3eb; }
caption { text-align: left; }
th { background: #f5f8fa; font-weight: 600; }
ul { padding-left: 20px; }
a { color: #0091ae; } a:focus { outline: 2px solid #ff7a59; outline-offset: 2px; }
.empty { color: #7c98b6; }
"""

_PAGE = """<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>HubSpot · {{ shop }}</title><style>{{ style }}</style></head>
<body>
<main>
  <h1>HubSpot for {{ shop }}</h1>
  <p class="lead">Connected to HubSpot account {{ portal_id }}.</p>
  <div class="columns">
  <section aria-labelledby="forms-heading">
    <h2 id="forms-heading">Forms</h2>
    {% if forms %}
    <table>
      <caption class="lead">HubSpot forms, {{ forms|length }} on this page</caption>
      <thead><tr><th scope="col">Form</th><th scope="col">Type</th><th scope="col">Last updated</th></tr></thead>
      <tbody>
      {% for form in forms %}<tr><td>{{ form.name }}</td><td>{{ form.formType }}</td>
        <td>{{ form.updatedAt[:10] }}</td></tr>
      {% endfor %}
      </tbody>
    </table>
    {% else %}<p class="empty">No forms in this HubSpot account.</p>{% endif %}
    {% if forms_next %}<nav aria-label="Forms pages"><a href="{{ forms_next }}">Next forms</a></nav>{% endif %}
  </section>
  <div>

  <section aria-labelledby="chatflows-heading">
    <h2 id="chatflows-heading">Chatflows</h2>
    {% if chatflows %}
    <ul>{% for chat in chatflows %}<li>{{ chat.name }}</li>{% endfor %}</ul>
    {% else %}<p class="empty">No chatflows in this HubSpot account.</p>{% endif %}
  </section>

  <section aria-labelledby="contacts-heading">
    <h2 id="contacts-heading">Contacts synced from {{ shop }}</h2>
    <p class="lead">{{ total }} contact{{ "" if total == 1 else "s" }} synced from this store.</p>
    {% if contacts %}
    <table>
      <thead><tr><th scope="col">Name</th><th scope="col">Email</th></tr></thead>
      <tbody>
      {% for contact in contacts %}<tr><td>{{ contact.name }}</td><td>{{ contact.email }}</td></tr>
      {% endfor %}
      </tbody>
    </table>
    {% endif %}
    {% if contacts_next %}<nav aria-label="Contacts pages"><a href="{{ contacts_next }}">Next contacts</a></nav>
    {% endif %}
  </section>
  </div>
  </div>
</main>
</body>
</html>
"""

_PROBLEM = """<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>HubSpot</title><style>{{ style }}</style></head>
<body><main><h1>{{ title }}</h1><p role="alert">{{ message }}</p></main></body>
</html>
"""


class AppPage:
    """The page as a WSGI application, reading the engine's settings, state and simulated now at each request."""

    def __init__(self, settings: Callable[[], Settings | None], state: State, now: Callable[[], datetime | None],
                 transport: Any) -> None:
        self.settings = settings
        self.state = state
        self.now = now
        self.transport = transport
        self._client: tuple[Settings, HubSpotClient] | None = None
        self._asked_at: datetime | None = None  # the simulated now of the request being served
        self.wsgi = Flask(__name__)
        self.wsgi.add_url_rule("/", "page", self.page)

    def _hubspot(self, settings: Settings) -> HubSpotClient:
        # A client of its own: the page's few reads learn HubSpot's limits from its headers like the sync's do.
        if self._client is None or self._client[0] is not settings:
            if self._client is not None:
                self._client[1].close()
            client = HubSpotClient(settings.hubspot_url, settings.hubspot_token, self.transport,
                                   self._clock, random.Random(0))
            self._client = (settings, client)
        return self._client[1]

    def _clock(self) -> datetime:
        assert self._asked_at is not None, "HubSpot is read only while a page is served"
        return self._asked_at

    def page(self) -> Response:
        """The page for the shop the session token names; 401 without a valid token, 503 while HubSpot waits."""
        settings, now = self.settings(), self.now()
        if settings is None or now is None:
            return self._problem(settings, 503, "Not connected yet", "The sync has not started; try again shortly.")
        domains = {s.domain.lower(): s.shop for s in settings.shops}
        try:
            shop = self.shop_of(request.args.get("id_token"), settings, now, domains)
        except TokenRefused as refused:
            return self._problem(settings, 401, "Open this page from your Shopify admin", f"Access refused: {refused}.")
        asked = request.args.get("shop", "").lower()
        if asked and domains.get(asked) != shop:
            return self._problem(settings, 401, "Open this page from your Shopify admin",
                                 "Access refused: the session token is for another shop.")
        hubspot = self._hubspot(settings)
        self._asked_at = now
        try:
            forms, forms_after = self._forms(hubspot, request.args.get("forms_after"))
            chatflows = self._chatflows(hubspot)
            contacts, contacts_after, total = self._contacts(hubspot, shop, request.args.get("contacts_after"))
        except Deferred as wait:
            seconds = max(1, int((wait.until - now).total_seconds()))
            response = self._problem(settings, 503, "HubSpot is busy", f"HubSpot asked to wait; reload in "
                                     f"{seconds} s.", shop)
            response.headers["Retry-After"] = str(seconds)
            return response
        except VendorError as error:
            return self._problem(settings, 502, "HubSpot refused", f"HubSpot answered {error.status}.", shop)
        html = render_template_string(_PAGE, style=_STYLE, shop=shop, portal_id=settings.portal_id, forms=forms,
                                      forms_next=self._link(forms_after=forms_after) if forms_after else None,
                                      chatflows=chatflows, contacts=contacts, total=total,
                                      contacts_next=self._link(contacts_after=contacts_after)
                                      if contacts_after else None)
        return self._html(html, 200, settings, shop)

    @staticmethod
    def shop_of(token: str | None, settings: Settings, now: datetime, domains: dict[str, str]) -> str:
        """The shop whose admin opened the page, from its session token; TokenRefused when the token is bad."""
        return verify(token, client_id=settings.shopify_client_id, secret=settings.shopify_secret, now=now,
                      domains=domains)

    # ------------------------------------------------------------------ HubSpot

    @staticmethod
    def _forms(hubspot: HubSpotClient, after: str | None) -> tuple[list[dict], str | None]:
        params: dict[str, Any] = {"limit": PAGE_SIZE}
        if after:
            params["after"] = after
        body = hubspot.request("GET", "/marketing/v3/forms", params=params).json()
        following = ((body.get("paging") or {}).get("next") or {}).get("after")
        return list(body.get("results", [])), following

    @staticmethod
    def _chatflows(hubspot: HubSpotClient) -> list[dict]:
        found: list[dict] = []
        after: str | None = None
        while True:
            params: dict[str, Any] = {"channelId": LIVE_CHAT, "limit": 100}
            if after:
                params["after"] = after
            body = hubspot.request("GET", "/conversations/v3/conversations/channel-accounts", params=params).json()
            found += [a for a in body.get("results", []) if a.get("active") and not a.get("archived")]
            after = ((body.get("paging") or {}).get("next") or {}).get("after")
            if not after:
                return found

    def synced_from(self, shop: str) -> list:
        """The engine's links of the shop's customers to HubSpot contacts (that shop's only: CON-2)."""
        return self.state.links("contacts", shop)

    def _contacts(self, hubspot: HubSpotClient, shop: str, after: str | None) -> tuple[list[dict], str | None, int]:
        ids = sorted({int(link.hubspot_id) for link in self.synced_from(shop)
                      if link.hubspot_id and link.hubspot_id.isdigit()})
        start = next((i for i, value in enumerate(ids) if after is None or not after.isdigit()
                      or value > int(after)), len(ids))
        chosen = ids[start:start + PAGE_SIZE]
        following = str(chosen[-1]) if start + PAGE_SIZE < len(ids) and chosen else None
        records, _missing = hubspot.batch_read("contacts", [str(i) for i in chosen],
                                               ["email", "firstname", "lastname"]) if chosen else ([], set())
        by_id = {str(r.get("id")): r.get("properties") or {} for r in records}
        rows = []
        for contact_id in (str(i) for i in chosen):
            if contact_id not in by_id:
                continue  # archived in HubSpot since: not a contact to show
            props = by_id[contact_id]
            name = " ".join(p for p in (props.get("firstname"), props.get("lastname")) if p)
            rows.append({"id": contact_id, "email": props.get("email") or "", "name": name or "(no name)"})
        return rows, following, len(ids)

    # ------------------------------------------------------------------ responses

    @staticmethod
    def _link(**cursor: str) -> str:
        kept = {k: v for k, v in request.args.items() if k in KEPT or (k.endswith("_after") and k not in cursor)}
        return "?" + urlencode({**kept, **cursor})

    def _problem(self, settings: Settings | None, status: int, title: str, message: str,
                 shop: str | None = None) -> Response:
        return self._html(render_template_string(_PROBLEM, style=_STYLE, title=title, message=message), status,
                          settings, shop)

    @staticmethod
    def _html(html: str, status: int, settings: Settings | None, shop: str | None) -> Response:
        response = Response(html, status=status, mimetype="text/html")
        response.headers["Cache-Control"] = "no-store"
        # Only the Shopify admin and the shop may frame the page (Shopify asks embedded apps for this header).
        shops = [s for s in (settings.shops if settings else ()) if shop is None or s.shop == shop]
        origins = {f"https://{s.domain}" for s in shops}
        if settings is not None and settings.shopify_admin_origin:
            origins.add(settings.shopify_admin_origin)
        response.headers["Content-Security-Policy"] = "frame-ancestors " + (" ".join(sorted(origins)) or "'none'")
        return response
