"""The demo portal that `shopsync serve` starts with: private-app token `pat-na1-demo`, every scope."""

from __future__ import annotations

from fakes.hubspot.apps import PortalUser
from fakes.hubspot.marketing import seed_tools
from fakes.hubspot.store import HubSpotStore

DEMO_PORTAL_ID = 62515
DEMO_TOKEN = "pat-na1-demo"


def add_demo_portal(store: HubSpotStore) -> tuple[int, str]:
    """Create the demo portal (Professional, Operations Hub Starter) and return (portal id, token)."""
    store.add_portal(DEMO_PORTAL_ID, tier="professional", ops_hub="starter", tokens={DEMO_TOKEN: None},
                     users=[PortalUser(1, "admin@demo.example", super_admin=True, team="ecommerce"),
                            PortalUser(2, "marketplace@demo.example", app_marketplace=True, team="ecommerce"),
                            PortalUser(3, "sales@demo.example", team="sales")])
    store.portal(DEMO_PORTAL_ID).marketing = seed_tools(DEMO_PORTAL_ID, 0, store.clock.now())
    return DEMO_PORTAL_ID, DEMO_TOKEN
