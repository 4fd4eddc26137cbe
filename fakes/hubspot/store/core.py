"""The core of the fake HubSpot's store: portals, apps and tokens, the lock, the clock and ids."""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

from fakes.clock import SimClock
from fakes.hubspot.apps import AccessToken, App, AuthCode, PortalUser, RefreshToken
from fakes.hubspot.errors import ObjectNotFound, ValidationError
from fakes.hubspot.ratelimit import RateLimiter
from fakes.hubspot.store.records import TIERS, Portal
from fakes.hubspot.webhooks import CrmEvent
from fakes.outbox import Outbox
from fakes.tables import StoreLock


class StoreCore:
    """What every group of operations shares: the portals, apps and tokens, the lock, the clock, ids."""

    def __init__(self, clock: SimClock, outbox: Outbox | None = None, *,
                 search_index_delay: float = 5.0, webhook_delay: float = 1.0) -> None:
        self.clock = clock
        self.outbox = outbox if outbox is not None else Outbox()
        # Simulated seconds before a change is visible to search (docs/vendor-behaviour.md §3.5: "a few moments").
        self.search_index_delay = timedelta(seconds=search_index_delay)
        self.webhook_delay = timedelta(seconds=webhook_delay)
        self._lock = StoreLock()  # settles the record tables when an operation ends (fakes/tables.py)
        self._events: list[CrmEvent] | None = None
        self.reset()

    def reset(self) -> None:
        """Forget every portal, app and token (a fresh world); the clock and outbox are the world's."""
        with self._lock:
            self.portals: dict[int, Portal] = {}
            self.apps: dict[int, App] = {}
            self.tokens: dict[str, AccessToken] = {}
            self.refresh_tokens: dict[str, RefreshToken] = {}
            self.auth_codes: dict[str, AuthCode] = {}
            self.limiter = RateLimiter()
            self._next_id = 1000
            self._next_app = 100000
            self._next_sub = 500
            self._next_event = 1
            self._next_secret = 0
            self._next_label = 1000
            self._next_dashboard = 1
            self._now_iso: tuple[datetime | None, str] = (None, "")
            # How /crm/v3 and /crm/v4 answer once HubSpot stops supporting them (fakes/hubspot/versions.py):
            # None (served, as today), "gone" or "not_found".
            self.legacy_sunset: str | None = None

    def _id(self) -> str:
        self._next_id += 1
        return str(self._next_id)

    def _secret(self, kind: str) -> str:
        # Deterministic, unguessable-looking secrets: a hash of a per-store counter.
        self._next_secret += 1
        return hashlib.sha256(f"{kind}:{self._next_secret}".encode()).hexdigest()

    def add_portal(self, portal_id: int, *, tier: str = "professional", ops_hub: str = "free",
                   tokens: dict[str, set[str] | None] | None = None, api_limit_increase: bool = False,
                   users: list[PortalUser] | None = None) -> Portal:
        """Create a portal, with private-app tokens (token -> scopes, None meaning every scope)."""
        with self._lock:
            if portal_id in self.portals:
                raise ValueError(f"portal {portal_id} exists")
            self._check_tier(tier, ops_hub)
            portal = Portal(portal_id, tier=tier, ops_hub=ops_hub, api_limit_increase=api_limit_increase)
            for user in users or [PortalUser(1, f"admin@portal{portal_id}.example", super_admin=True)]:
                portal.users[user.id] = user
            self.portals[portal_id] = portal
            for token, scopes in (tokens or {}).items():
                self.add_private_app(portal_id, token, scopes)
            return portal

    def add_private_app(self, portal_id: int, token: str, scopes: set[str] | None = None,
                        name: str | None = None) -> App:
        """A private app of one portal with its static access token (`pat-na1-...`)."""
        with self._lock:
            self.portal(portal_id)
            self._next_app += 1
            app = App(self._next_app, name or f"private-app-{self._next_app}", "private",
                      client_id=self._secret("client")[:36], client_secret=self._secret("secret")[:36],
                      scopes=frozenset(scopes) if scopes is not None else None, portal_id=portal_id,
                      installs={portal_id})
            self.apps[app.app_id] = app
            self.tokens[token] = AccessToken(token, portal_id, app.app_id, app.scopes, oauth=False)
            return app

    def add_app(self, name: str, *, scopes: set[str], redirect_uris: list[str] | None = None,
                client_id: str | None = None, client_secret: str | None = None) -> App:
        """A public (OAuth) app that portals can install through the authorization-code flow."""
        with self._lock:
            self._next_app += 1
            app = App(self._next_app, name, "public", client_id=client_id or self._secret("client")[:36],
                      client_secret=client_secret or self._secret("secret")[:36], scopes=frozenset(scopes),
                      redirect_uris=list(redirect_uris or []), developer_api_key=self._secret("devkey")[:36])
            self.apps[app.app_id] = app
            return app

    def portal(self, portal_id: int) -> Portal:
        """The portal with this id, or ObjectNotFound."""
        try:
            return self.portals[int(portal_id)]
        except (KeyError, ValueError):
            raise ObjectNotFound(f"portal {portal_id} not found") from None

    @staticmethod
    def _check_tier(tier: str, ops_hub: str) -> None:
        if tier not in TIERS:
            raise ValidationError(f"tier must be one of {', '.join(TIERS)}")
        if ops_hub not in TIERS:
            raise ValidationError(f"ops_hub must be one of {', '.join(TIERS)}")

    def set_tier(self, portal_id: int, *, tier: str | None = None, ops_hub: str | None = None,
                 api_limit_increase: bool | None = None) -> Portal:
        """Change a portal's subscription tier, Operations Hub level or API limit increase."""
        with self._lock:
            portal = self.portal(portal_id)
            self._check_tier(tier or portal.tier, ops_hub or portal.ops_hub)
            portal.tier = tier or portal.tier
            portal.ops_hub = ops_hub or portal.ops_hub
            if api_limit_increase is not None:
                portal.api_limit_increase = api_limit_increase
            return portal

    def set_users(self, portal_id: int, users: list[PortalUser]) -> Portal:
        """Replace the users of a portal."""
        with self._lock:
            portal = self.portal(portal_id)
            portal.users = {u.id: u for u in users}
            return portal
