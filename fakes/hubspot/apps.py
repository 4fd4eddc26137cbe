"""Apps, tokens and users: who may call the API of which portal, and who may install an app.

Private-app tokens (`pat-na1-...`) belong to one portal; OAuth access tokens come from the
authorization-code flow of a public app installed in a portal (docs/vendor-behaviour.md §4.1). Only a super admin
or a user with the App Marketplace permission may install an app (docs/spec.md CON-4).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from fakes.hubspot.errors import MissingScopes

ACCESS_TOKEN_TTL = 1800  # seconds (docs/vendor-behaviour.md §4.1: about 30 minutes)


@dataclass
class PortalUser:
    """A user of a HubSpot account, with the permissions that matter to app installs and dashboards."""

    id: int
    email: str
    super_admin: bool = False
    app_marketplace: bool = False  # the "App Marketplace" access permission
    team: str | None = None
    first_name: str = ""
    last_name: str = ""

    @property
    def may_install_apps(self) -> bool:
        """Super admins and users with App Marketplace permission may install apps (CON-4)."""
        return self.super_admin or self.app_marketplace

    def as_json(self) -> dict[str, Any]:
        """A harness view of the user."""
        return {"id": self.id, "email": self.email, "superAdmin": self.super_admin,
                "appMarketplace": self.app_marketplace, "team": self.team,
                "firstName": self.first_name, "lastName": self.last_name}


@dataclass
class WebhookSubscription:
    """An app's subscription to one event type (optionally one property, or one object type)."""

    id: int
    event_type: str  # e.g. "contact.propertyChange" or "object.creation"
    property_name: str | None
    object_type_id: str | None
    active: bool
    created_at: datetime
    updated_at: datetime


@dataclass
class App:
    """A private app (one portal) or a public OAuth app (installed in many portals)."""

    app_id: int
    name: str
    kind: str  # "private" or "public"
    client_id: str
    client_secret: str
    scopes: frozenset[str] | None  # None: every scope
    redirect_uris: list[str] = field(default_factory=list)
    developer_api_key: str | None = None
    portal_id: int | None = None  # private apps only
    installs: set[int] = field(default_factory=set)
    target_url: str | None = None
    throttling: dict[str, Any] = field(default_factory=lambda: {"maxConcurrentRequests": 10,
                                                                   "period": "SECONDLY"})
    settings_at: datetime | None = None
    subscriptions: dict[int, WebhookSubscription] = field(default_factory=dict)

    @property
    def label(self) -> str:
        """What the audit log names as the caller (never a secret)."""
        return f"{self.kind}-app:{self.app_id}:{self.name}"


@dataclass
class AccessToken:
    """A bearer token: a private-app token or an OAuth access token."""

    token: str
    portal_id: int
    app_id: int
    scopes: frozenset[str] | None
    oauth: bool
    user_id: int | None = None
    expires_at: datetime | None = None


@dataclass
class RefreshToken:
    """An OAuth refresh token (does not expire)."""

    token: str
    portal_id: int
    app_id: int
    scopes: frozenset[str]
    user_id: int


@dataclass
class AuthCode:
    """A one-time authorization code from the authorize step."""

    code: str
    app_id: int
    portal_id: int
    user_id: int
    scopes: frozenset[str]
    redirect_uri: str
    expires_at: datetime


@dataclass(frozen=True)
class Actor:
    """Who makes a change: an API caller (by token) or a marketer in the HubSpot UI."""

    portal_id: int
    scopes: frozenset[str] | None  # None: all scopes
    label: str
    change_source: str  # webhook `changeSource`: INTEGRATION for API calls, CRM_UI for marketer edits
    source_id: str | None
    app_id: int | None = None
    oauth: bool = False

    def require(self, any_of: tuple[str, ...] | list[str]) -> None:
        """Raise MissingScopes (403) unless the actor holds one of the scopes."""
        if self.scopes is None:
            return
        if not any(s in self.scopes for s in any_of):
            raise MissingScopes(list(any_of))
