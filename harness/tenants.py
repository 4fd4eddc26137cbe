"""The accounts a run needs: the sync app in Shopify, shops installed through OAuth, a HubSpot portal.

Everything is derived from the run's seed (tokens and secrets included), so two runs with the same
seed see the same credentials, and none of them is a real secret.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlsplit

from fakes.hubspot.apps import PortalUser
from fakes.hubspot.marketing import seed_tools
from fakes.hubspot.store import HubSpotStore
from fakes.shopify.store import ShopifyStore

SHOPIFY_APP = "shopsync-sync-app"
HUBSPOT_APP = "shopsync-sync"
SHOPIFY_SCOPES = ("read_customers", "write_customers", "read_products", "write_products", "read_orders",
                  "read_all_orders")
HUBSPOT_SCOPES = {"crm.objects.contacts.read", "crm.objects.contacts.write", "crm.objects.companies.read",
                  "crm.objects.companies.write", "e-commerce", "crm.objects.orders.read", "crm.objects.orders.write",
                  "crm.objects.carts.read", "crm.objects.carts.write", "crm.objects.line_items.read",
                  "crm.objects.line_items.write", "crm.schemas.contacts.read", "crm.schemas.contacts.write",
                  "forms", "conversations.read"}
CALLBACK = "https://sync.example/auth/shopify/callback"


def derived_secret(seed: int, purpose: str, length: int = 32) -> str:
    """A deterministic stand-in secret for `purpose` in the run with `seed`."""
    return hashlib.sha256(f"shopsync:{seed}:{purpose}".encode()).hexdigest()[:length]


@dataclass
class ShopTenant:
    """A shop with the sync app installed: its domain, Admin URL and one-time OAuth code."""

    shop: str
    domain: str
    admin_url: str
    authorization_code: str
    api_version: str = "2024-10"

    def settings_entry(self) -> dict:
        """The shop's entry in the settings document."""
        return {"shop": self.shop, "domain": self.domain, "admin_url": self.admin_url,
                "api_version": self.api_version, "authorization_code": self.authorization_code}


@dataclass
class PortalTenant:
    """The HubSpot portal: private-app token for API calls, public app for webhooks."""

    portal_id: int
    access_token: str
    tier: str
    ops_hub: str
    app_id: int
    client_secret: str
    developer_api_key: str
    shops: list[ShopTenant] = field(default_factory=list)


def install_shop(store: ShopifyStore, shop: str, seed: int, shopify_url: str, *, plan: str = "basic",
                 currency: str = "USD", app=None) -> ShopTenant:
    """Create `shop` and run the authorize step of the OAuth install as the merchant's browser would.

    `currency` is the shop's currency (a three-decimal one such as KWD renders money with three
    decimals); `app` is the fake Shopify's Flask app serving `store` (one is made when not given).
    """
    if SHOPIFY_APP not in store.apps:
        store.add_app(SHOPIFY_APP, derived_secret(seed, "shopify-app"), "HubSpot")  # as the merchant sees it
    store.add_shop(shop, plan=plan, currency=currency)
    if app is None:
        from fakes.shopify.app import create_app
        app = create_app(store)

    client = app.test_client()
    response = client.get(f"/shops/{shop}/admin/oauth/authorize", query_string={
        "client_id": SHOPIFY_APP, "scope": ",".join(SHOPIFY_SCOPES), "redirect_uri": CALLBACK,
        "state": derived_secret(seed, f"state:{shop}", 16)})
    if response.status_code != 302:
        raise RuntimeError(f"OAuth authorize failed for {shop}: {response.status_code} {response.get_data()!r}")
    code = dict(parse_qsl(urlsplit(response.headers["Location"]).query))["code"]
    return ShopTenant(shop, f"{shop}.myshopify.com", f"{shopify_url}/shops/{shop}/admin", code)


def open_portal(store: HubSpotStore, seed: int, *, portal_id: int = 101, tier: str = "professional",
                ops_hub: str = "starter") -> PortalTenant:
    """Create the portal, a private-app token, and install the public sync app (by its super admin)."""
    token = f"pat-na1-{derived_secret(seed, 'hubspot-token', 36)}"
    store.add_portal(portal_id, tier=tier, ops_hub=ops_hub, tokens={token: None},
                     users=[PortalUser(1, f"admin@portal{portal_id}.example", super_admin=True),
                            PortalUser(2, f"marketer@portal{portal_id}.example")])
    store.portal(portal_id).marketing = seed_tools(portal_id, seed, store.clock.now())
    app = store.add_app(HUBSPOT_APP, scopes=HUBSPOT_SCOPES, redirect_uris=[CALLBACK],
                        client_secret=derived_secret(seed, "hubspot-app"))
    redirect = store.authorize(client_id=app.client_id, redirect_uri=CALLBACK, scope=" ".join(sorted(HUBSPOT_SCOPES)),
                               portal_id=portal_id, user_id=1)
    code = dict(parse_qsl(urlsplit(redirect).query))["code"]
    store.exchange_token({"grant_type": "authorization_code", "code": code, "redirect_uri": CALLBACK,
                          "client_id": app.client_id, "client_secret": app.client_secret})
    return PortalTenant(portal_id, token, tier, ops_hub, app.app_id, app.client_secret, app.developer_api_key or "")


def minted_secrets(seed: int, shopify: ShopifyStore, hubspot: HubSpotStore, shops: list[ShopTenant],
                   portal: PortalTenant | None) -> set[str]:
    """Every credential of a run: what the tenants were given and what the fakes issued since.

    The report writers redact these wherever they appear (reports/redact.py); a test greps every
    artifact of a run for them.
    """
    found = {derived_secret(seed, "shopify-app"), derived_secret(seed, "hubspot-app")}
    for tenant in shops:
        found |= {tenant.authorization_code, derived_secret(seed, f"state:{tenant.shop}", 16)}
    if portal is not None:
        found |= {portal.access_token, portal.client_secret, portal.developer_api_key}
    with shopify.lock:
        found |= {app.client_secret for app in shopify.apps.values()}
        found |= set(shopify.tokens) | set(shopify.oauth_codes)
    found |= {app.client_secret for app in hubspot.apps.values()}
    found |= {app.developer_api_key for app in hubspot.apps.values() if app.developer_api_key}
    found |= set(hubspot.tokens) | set(hubspot.refresh_tokens) | set(hubspot.auth_codes)
    return {secret for secret in found if secret}
