"""The demo shop of `shopsync serve`: shop `demo`, Admin API token `shpat_demo` with every scope."""

from __future__ import annotations

from fakes.shopify.store import ShopifyStore

DEMO_SHOP = "demo"
DEMO_TOKEN = "shpat_demo"
DEMO_APP = "shopsync-demo-app"
DEMO_APP_SECRET = "shpss_demo_secret"


def add_demo_shop(store: ShopifyStore) -> tuple[str, str]:
    """Create (or re-create) the demo shop and its custom app; returns (shop, token)."""
    store.add_app(DEMO_APP, DEMO_APP_SECRET, "shopsync demo app")
    store.add_shop(DEMO_SHOP)
    store.issue_token(DEMO_SHOP, DEMO_APP, None, token=DEMO_TOKEN)
    return DEMO_SHOP, DEMO_TOKEN
