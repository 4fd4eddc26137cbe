"""HubSpotStore: the state and behaviour of the fake HubSpot, for many portals, with no HTTP in it.

Everything the vendor validates is validated here (property values, uniqueness, batch limits, search
limits, association types, scopes); the Flask routes only parse, call one method and render. All
timestamps come from the SimClock. Record ids come from one counter per store, so a seed fixes them.

Search is eventually consistent, as in the real API (docs/vendor-behaviour.md §3.5): every change appends a version
of the record, and search reads, for each record, the newest version at least `search_index_delay` old.
"""

from __future__ import annotations

import hashlib
import re
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal, InvalidOperation
from itertools import islice
from typing import Any
from urllib.parse import urlencode

from sortedcontainers import SortedDict

from fakes.clock import SimClock
from fakes.hubspot import search as search_rules
from fakes.hubspot.apps import (
    ACCESS_TOKEN_TTL,
    AccessToken,
    Actor,
    App,
    AuthCode,
    PortalUser,
    RefreshToken,
    WebhookSubscription,
)
from fakes.hubspot.associations import (
    DEFINED_TYPES,
    HUBSPOT_DEFINED,
    USER_DEFINED,
    AssociationIndex,
    AssociationType,
    default_type,
)
from fakes.hubspot.errors import (
    ContactExists,
    ExpiredAuthentication,
    HubSpotError,
    InstallRefused,
    InvalidAssociation,
    InvalidAuthentication,
    OAuthError,
    ObjectNotFound,
    PropertyValueError,
    ValidationError,
    property_problem,
)
from fakes.hubspot.marketing import MarketingTools
from fakes.hubspot.objects import (
    BOOL,
    DATE,
    DATETIME,
    ENUM,
    NUMBER,
    OBJECT_TYPES,
    ObjectType,
    PropertyDefinition,
    PropertyOption,
    resolve_type,
)
from fakes.hubspot.pipelines import Pipeline, default_pipelines
from fakes.hubspot.ratelimit import SEARCH_PER_SECOND, RateLimiter
from fakes.hubspot.webhooks import CrmEvent, event_json, make_deliveries, matches, valid_event_type
from fakes.outbox import Outbox

BATCH_LIMIT = 100  # inputs per batch request (docs/vendor-behaviour.md §3.3)
HISTORY_BATCH_LIMIT = 50  # batch read with propertiesWithHistory
LIST_MAX, LIST_DEFAULT = 100, 10
ASSOC_LIST_MAX = 500
TIERS = ("free", "starter", "professional", "enterprise")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_PROPERTY_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
_MERGEABLE = {"contacts", "companies", "deals"}
_PARENTS = {"orders", "carts", "deals", "quotes"}  # a line item belongs to exactly one of these (3.6)


def iso(instant: datetime) -> str:
    """HubSpot's timestamp text: ISO-8601 UTC with `Z`, milliseconds only when non-zero (3.2)."""
    instant = instant.astimezone(UTC)
    text = instant.strftime("%Y-%m-%dT%H:%M:%S")
    millis = instant.microsecond // 1000
    return f"{text}.{millis:03d}Z" if millis else f"{text}Z"


@dataclass
class RecordVersion:
    """A record as it was at one instant (what the search index eventually sees)."""

    at: datetime
    properties: dict[str, str]
    archived: bool
    updated_at: datetime


@dataclass
class CrmRecord:
    """One CRM object (contact, order, ...) of a portal; property values are strings."""

    id: str
    object_type: str
    portal_id: int
    properties: dict[str, str]
    created_at: datetime
    updated_at: datetime
    archived: bool = False
    archived_at: datetime | None = None
    history: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    versions: list[RecordVersion] = field(default_factory=list)

    @property
    def key(self) -> tuple[str, str]:
        """(object type, id): the key associations use."""
        return (self.object_type, self.id)


@dataclass
class RecordView:
    """A record as one response shows it: chosen properties, optional history and associations."""

    id: str
    properties: dict[str, str | None]
    created_at: datetime
    updated_at: datetime
    archived: bool
    archived_at: datetime | None = None
    history: dict[str, list[dict[str, Any]]] | None = None
    associations: dict[str, list[tuple[str, str]]] | None = None
    new: bool | None = None
    object_write_trace_id: str | None = None


@dataclass
class BatchError:
    """One entry of a 207 response's `errors` (all six keys the SDK's StandardError needs)."""

    category: str
    message: str
    context: dict[str, list[str]]
    sub_category: str | None = None


@dataclass
class BatchResult:
    """The outcome of a batch call: results and per-input errors (207 when there are errors)."""

    results: list[Any]
    errors: list[BatchError]
    started_at: datetime
    completed_at: datetime


@dataclass
class Page:
    """One page of a listing: items and the `after` cursor of the next page (None on the last)."""

    items: list[Any]
    next_after: str | None
    total: int | None = None


@dataclass
class AssociationLink:
    """A v4 association from one record to another, with its type specs."""

    to_id: str
    types: list[AssociationType]


@dataclass
class Dashboard:
    """An e-commerce dashboard (docs/spec.md DSH-2): a name, a subset of reports, an access level."""

    id: str
    name: str
    reports: list[str]
    access: str  # private | team | everyone
    owner_user_id: int | None
    created_at: datetime


@dataclass
class Portal:
    """One HubSpot account: its tier, users, records, properties, pipelines and associations."""

    portal_id: int
    tier: str = "professional"
    ops_hub: str = "free"
    api_limit_increase: bool = False
    time_zone: str = "UTC"
    currency: str = "USD"
    users: dict[int, PortalUser] = field(default_factory=dict)
    records: dict[str, dict[str, CrmRecord]] = field(default_factory=dict)
    email_index: dict[str, str] = field(default_factory=dict)  # lower-case email -> contact id
    merged_into: dict[tuple[str, str], str] = field(default_factory=dict)
    custom_properties: dict[str, dict[str, PropertyDefinition]] = field(default_factory=dict)
    archived_properties: dict[str, dict[str, PropertyDefinition]] = field(default_factory=dict)
    pipelines: dict[str, list[Pipeline]] = field(default_factory=default_pipelines)
    associations: AssociationIndex = field(default_factory=AssociationIndex)
    dashboards: dict[str, Dashboard] = field(default_factory=dict)
    search_per_second: int = SEARCH_PER_SECOND
    write_rules: dict | None = None  # admin rules enforced on 2026-09 API writes (fakes/hubspot/write_rules.py)
    marketing: MarketingTools = field(default_factory=MarketingTools)  # forms and chatflows (MKT-1)

    def of_type(self, object_type: str) -> dict[str, CrmRecord]:
        """The records of one object type, by id."""
        table = self.records.get(object_type)
        if not isinstance(table, SortedDict):  # ordered by numeric id: a list page seeks to `after`, never sorts
            table = self.records[object_type] = SortedDict(int, table or {})  # (a snapshot may hold a dict)
        return table

    def definition(self, otype: ObjectType, name: str) -> PropertyDefinition | None:
        """A property definition, custom first (custom properties may not shadow defined ones)."""
        return otype.properties.get(name) or self.custom_properties.get(otype.name, {}).get(name)

    def definitions(self, otype: ObjectType) -> list[PropertyDefinition]:
        """Every live property definition of an object type."""
        return [*otype.properties.values(), *self.custom_properties.get(otype.name, {}).values()]

    def as_json(self) -> dict[str, Any]:
        """A harness view of the account settings."""
        return {"portalId": self.portal_id, "tier": self.tier, "opsHub": self.ops_hub,
                "apiLimitIncrease": self.api_limit_increase,
                "users": [u.as_json() for u in self.users.values()]}


class HubSpotStore:
    """Thread-safe state of the fake HubSpot: portals, apps, tokens, and every CRM operation."""

    def __init__(self, clock: SimClock, outbox: Outbox | None = None, *,
                 search_index_delay: float = 5.0, webhook_delay: float = 1.0) -> None:
        self.clock = clock
        self.outbox = outbox if outbox is not None else Outbox()
        # Simulated seconds before a change is visible to search (docs/vendor-behaviour.md §3.5: "a few moments").
        self.search_index_delay = timedelta(seconds=search_index_delay)
        self.webhook_delay = timedelta(seconds=webhook_delay)
        self._lock = threading.RLock()
        self._events: list[CrmEvent] | None = None
        self.reset()

    # ----------------------------------------------------------------------------------- setup

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

    # ------------------------------------------------------------------------------------ auth

    def authenticate(self, token: str | None, portal_hint: str | None = None) -> Actor:
        """The actor behind a bearer token, or 401 (unknown, expired, or another portal's token)."""
        with self._lock:
            found = self.tokens.get(token or "")
            if found is None:
                raise InvalidAuthentication()
            if found.expires_at is not None and self.clock.now() >= found.expires_at:
                minutes = int((self.clock.now() - found.expires_at).total_seconds() // 60)
                raise ExpiredAuthentication(minutes)
            if portal_hint is not None and portal_hint != str(found.portal_id):
                # A token only ever works for its own portal (the path has no portal id, but a caller
                # can name one with `portalId`, as legacy HubSpot APIs allowed).
                raise InvalidAuthentication()
            if found.portal_id not in self.portals:
                raise InvalidAuthentication()
            app = self.apps[found.app_id]
            return Actor(found.portal_id, found.scopes, app.label, "INTEGRATION", str(app.app_id),
                         app_id=app.app_id, oauth=found.oauth)

    def marketer(self, portal_id: int, user_id: int | None = None) -> Actor:
        """An actor for direct edits in the HubSpot UI: no scopes needed, events say CRM_UI."""
        portal = self.portal(portal_id)
        uid = user_id if user_id is not None else next(iter(portal.users), None)
        return Actor(portal_id, None, f"marketer:user:{uid}", "CRM_UI", f"userId:{uid}")

    def rate_limit(self, actor: Actor, *, search: bool = False, burst_exempt: bool = False) -> dict[str, str]:
        """Count one API request against the portal's limits; headers, or RateLimited (429)."""
        with self._lock:
            portal = self.portal(actor.portal_id)
            return self.limiter.check(portal_id=portal.portal_id, app_key=str(actor.app_id), oauth=actor.oauth,
                                      tier=portal.tier, limit_increase=portal.api_limit_increase,
                                      search=search, burst_exempt=burst_exempt, now=self.clock.now(),
                                      search_per_second=portal.search_per_second)

    # ------------------------------------------------------------------------------- OAuth flow

    def authorize(self, *, client_id: str, redirect_uri: str, scope: str, portal_id: Any, user_id: Any,
                  state: str | None = None, optional_scope: str = "") -> str:
        """The install step: an allowed user of a portal grants scopes; returns the redirect URL with code.

        Only a super admin or a user with App Marketplace permission may install (docs/spec.md CON-4).
        """
        with self._lock:
            app = next((a for a in self.apps.values() if a.kind == "public" and a.client_id == client_id), None)
            if app is None:
                raise OAuthError("BAD_CLIENT_ID", "missing or unknown client id")
            if app.redirect_uris and redirect_uri not in app.redirect_uris:
                raise OAuthError("BAD_REDIRECT_URI", "redirect_uri does not match the app's redirect URLs")
            try:
                portal = self.portal(int(portal_id))
                user = portal.users[int(user_id)]
            except (KeyError, ValueError, TypeError, HubSpotError):
                raise InstallRefused("Choose an account and a user of that account to install the app "
                                     "(portal_id and user_id).") from None
            if not user.may_install_apps:
                raise InstallRefused(f"User {user.id} cannot install apps in account {portal.portal_id}: "
                                     "a Super Admin or a user with App Marketplace permission is required.")
            wanted = set(scope.split()) | (set(optional_scope.split()) & set(app.scopes or ()))
            if not scope.split() or not set(scope.split()) <= set(app.scopes or ()):
                raise OAuthError("BAD_SCOPES", "scope must be a non-empty subset of the app's scopes")
            code = self._secret("code")[:36]
            self.auth_codes[code] = AuthCode(code, app.app_id, portal.portal_id, user.id, frozenset(wanted),
                                             redirect_uri, self.clock.now() + timedelta(minutes=10))
            query = {"code": code} | ({"state": state} if state is not None else {})
            sep = "&" if "?" in redirect_uri else "?"
            return f"{redirect_uri}{sep}{urlencode(query)}"

    def exchange_token(self, form: dict[str, str]) -> dict[str, Any]:
        """`POST /oauth/v1/token`: authorization_code and refresh_token grants (docs/vendor-behaviour.md §4.1)."""
        with self._lock:
            grant = form.get("grant_type")
            app = next((a for a in self.apps.values()
                        if a.kind == "public" and a.client_id == form.get("client_id")), None)
            if app is None:
                raise OAuthError("BAD_CLIENT_ID", "missing or unknown client id")
            if form.get("client_secret") != app.client_secret:
                raise OAuthError("BAD_CLIENT_SECRET", "missing or invalid client secret")
            if grant == "authorization_code":
                code = self.auth_codes.pop(form.get("code", ""), None)
                if code is None or code.app_id != app.app_id or code.expires_at <= self.clock.now():
                    raise OAuthError("BAD_AUTH_CODE", "missing or unknown auth code")
                if form.get("redirect_uri") != code.redirect_uri:
                    raise OAuthError("BAD_REDIRECT_URI", "redirect_uri does not match the authorize request")
                refresh = RefreshToken(f"na1-{self._secret('refresh')[:4]}-{self._secret('refresh')[:28]}",
                                       code.portal_id, app.app_id, code.scopes, code.user_id)
                self.refresh_tokens[refresh.token] = refresh
                app.installs.add(code.portal_id)
            elif grant == "refresh_token":
                refresh = self.refresh_tokens.get(form.get("refresh_token", ""))
                if refresh is None or refresh.app_id != app.app_id:
                    raise OAuthError("BAD_REFRESH_TOKEN", "missing or unknown refresh token")
            else:
                raise OAuthError("BAD_GRANT_TYPE", "grant_type must be authorization_code or refresh_token")
            access = "C" + self._secret("access")[:63]
            self.tokens[access] = AccessToken(access, refresh.portal_id, app.app_id, refresh.scopes, oauth=True,
                                              user_id=refresh.user_id,
                                              expires_at=self.clock.now() + timedelta(seconds=ACCESS_TOKEN_TTL))
            return {"access_token": access, "refresh_token": refresh.token, "expires_in": ACCESS_TOKEN_TTL,
                    "token_type": "bearer"}

    def access_token_info(self, token: str) -> dict[str, Any]:
        """`GET /oauth/v1/access-tokens/{token}`."""
        with self._lock:
            found = self.tokens.get(token)
            if found is None or not found.oauth:
                raise OAuthError("NOT_FOUND", "Token not found", status=404)
            app, portal = self.apps[found.app_id], self.portal(found.portal_id)
            user = portal.users.get(found.user_id or -1)
            left = int(((found.expires_at or self.clock.now()) - self.clock.now()).total_seconds())
            return {"token": token, "user": user.email if user else None, "hub_domain":
                    f"portal{portal.portal_id}.example", "scopes": sorted(found.scopes or ()),
                    "hub_id": portal.portal_id, "app_id": app.app_id, "expires_in": max(0, left),
                    "user_id": found.user_id, "token_type": "access"}

    def refresh_token_info(self, token: str, *, delete: bool = False) -> dict[str, Any] | None:
        """`GET` / `DELETE /oauth/v1/refresh-tokens/{token}`."""
        with self._lock:
            found = self.refresh_tokens.get(token)
            if found is None:
                raise OAuthError("NOT_FOUND", "Token not found", status=404)
            if delete:
                del self.refresh_tokens[token]
                return None
            app, portal = self.apps[found.app_id], self.portal(found.portal_id)
            user = portal.users.get(found.user_id)
            return {"token": token, "user": user.email if user else None,
                    "hub_domain": f"portal{portal.portal_id}.example", "scopes": sorted(found.scopes),
                    "hub_id": portal.portal_id, "client_id": app.client_id, "user_id": found.user_id,
                    "token_type": "refresh"}

    # ------------------------------------------------------------------------------ properties

    def _prop_kind(self, portal: Portal, otype: ObjectType, name: str) -> str:
        definition = portal.definition(otype, name)
        return definition.type if definition else "string"

    def _options(self, portal: Portal, otype: ObjectType, definition: PropertyDefinition) -> list[str] | None:
        if otype.has_pipelines and definition.name == otype.pipeline_property:
            return [p.id for p in portal.pipelines.get(otype.name, [])]
        if otype.has_pipelines and definition.name == otype.stage_property:
            return [s.id for p in portal.pipelines.get(otype.name, []) for s in p.stages]
        if definition.type == ENUM:
            return [o.value for o in definition.options]
        return None

    def _normalise(self, portal: Portal, otype: ObjectType, raw: Any, *, marketer: bool = False,
                   ) -> dict[str, str | None]:
        """Check and normalise property values (None clears); PropertyValueError lists every problem."""
        if not isinstance(raw, dict):
            raise ValidationError("Invalid input JSON: properties must be an object")
        out: dict[str, str | None] = {}
        problems: list[dict[str, Any]] = []
        pid = portal.portal_id
        for name, value in raw.items():
            definition = portal.definition(otype, str(name))
            if definition is None:
                problems.append(property_problem(pid, name, "PROPERTY_DOESNT_EXIST",
                                                 f'Property "{name}" does not exist'))
                continue
            if definition.read_only and not marketer:
                problems.append(property_problem(pid, name, "READ_ONLY_VALUE",
                                                 f"{name} is a read only property; its value cannot be set."))
                continue
            if isinstance(value, (dict, list)):
                raise ValidationError(f"Invalid input JSON: the value of {name} must be a string")
            if value is None or value == "":
                out[name] = None  # an empty string clears the value (docs/vendor-behaviour.md §3.2)
                continue
            text = ("true" if value else "false") if isinstance(value, bool) else str(value)
            problem = self._check_value(portal, otype, definition, text)
            if isinstance(problem, dict):
                problems.append(problem)
            else:
                out[name] = problem
        if problems:
            raise PropertyValueError(problems)
        return out

    def _check_value(self, portal: Portal, otype: ObjectType, definition: PropertyDefinition,
                     text: str) -> str | dict[str, Any]:
        pid, name = portal.portal_id, definition.name
        if otype.name == "contacts" and name == "email":
            email = text.strip().lower()  # stored lower-case; uniqueness is case-insensitive (3.8)
            if not _EMAIL.match(email):
                return property_problem(pid, name, "INVALID_EMAIL", f"Email address {text} is invalid")
            return email
        options = self._options(portal, otype, definition)
        if definition.type == NUMBER:
            try:
                number = Decimal(text.strip())
            except InvalidOperation:
                return property_problem(pid, name, "INVALID_INTEGER", f"{text} was not a valid number.")
            if not number.is_finite():
                return property_problem(pid, name, "INVALID_INTEGER", f"{text} was not a valid number.")
            if otype.name == "line_items" and name == "price" and number < 0:
                # Line item prices cannot be negative (docs/vendor-behaviour.md §3.6, line-items guide).
                return property_problem(pid, name, "INVALID_INTEGER", f"{text} must not be negative.")
            return text.strip()
        if definition.type == DATETIME:
            millis = search_rules.to_millis(text)
            if millis is None:
                return property_problem(pid, name, "INVALID_DATE", f"{text} was not a valid date.")
            try:
                return iso(datetime.fromtimestamp(millis / 1000, UTC))
            except (OverflowError, ValueError, OSError):
                return property_problem(pid, name, "INVALID_DATE", f"{text} was not a valid date.")
        if definition.type == DATE:
            millis = search_rules.to_millis(text)
            if millis is None or millis % 86_400_000:
                return property_problem(pid, name, "INVALID_DATE",
                                        f"{text} is not a valid date: dates must be at midnight UTC.")
            try:
                return datetime.fromtimestamp(millis / 1000, UTC).strftime("%Y-%m-%d")
            except (OverflowError, ValueError, OSError):
                return property_problem(pid, name, "INVALID_DATE", f"{text} was not a valid date.")
        if definition.type == BOOL:
            if text.lower() not in ("true", "false"):
                return property_problem(pid, name, "INVALID_OPTION",
                                        f"{text} was not one of the allowed options: [true, false]")
            return text.lower()
        if options is not None and text not in options:
            return property_problem(pid, name, "INVALID_OPTION",
                                    f"{text} was not one of the allowed options: [{', '.join(options)}]")
        return text

    def list_properties(self, actor: Actor, object_type: str, *, archived: bool = False,
                        ) -> list[PropertyDefinition]:
        """`GET /crm/v3/properties/{t}`."""
        with self._lock:
            portal, otype = self.portal(actor.portal_id), resolve_type(object_type)
            actor.require(self._schema_scopes(otype, write=False))
            if archived:
                return list(portal.archived_properties.get(otype.name, {}).values())
            return portal.definitions(otype)

    def get_property(self, actor: Actor, object_type: str, name: str) -> PropertyDefinition:
        """`GET /crm/v3/properties/{t}/{name}`."""
        with self._lock:
            portal, otype = self.portal(actor.portal_id), resolve_type(object_type)
            actor.require(self._schema_scopes(otype, write=False))
            definition = portal.definition(otype, name)
            if definition is None:
                raise ObjectNotFound(f"Unable to find property {name} for object type {otype.type_id}")
            return definition

    @staticmethod
    def _schema_scopes(otype: ObjectType, *, write: bool) -> tuple[str, ...]:
        schema = f"crm.schemas.{otype.name}.{'write' if write else 'read'}"
        return (schema, *(otype.write_scopes if write else otype.read_scopes))

    def create_property(self, actor: Actor, object_type: str, body: Any) -> PropertyDefinition:
        """`POST /crm/v3/properties/{t}`: a custom property (the sync's custom mappings need them)."""
        with self._lock:
            portal, otype = self.portal(actor.portal_id), resolve_type(object_type)
            actor.require(self._schema_scopes(otype, write=True))
            return self._create_property(portal, otype, body)

    def _create_property(self, portal: Portal, otype: ObjectType, body: Any) -> PropertyDefinition:
        if not isinstance(body, dict):
            raise ValidationError("Invalid input JSON: expected a property definition object")
        missing = [k for k in ("name", "label", "type", "fieldType", "groupName")
                   if not isinstance(body.get(k), str) or not body.get(k)]
        if missing:
            raise ValidationError(f"Missing required fields: {', '.join(missing)}")
        name = body["name"]
        if not _PROPERTY_NAME.match(name) or len(name) > 100:
            raise ValidationError(f"Property name {name} is invalid: use lower-case letters, digits and _")
        if body["type"] not in ("string", "number", "date", "datetime", "enumeration", "bool"):
            raise ValidationError(f"Unknown property type {body['type']}")
        if portal.definition(otype, name) is not None:
            raise HubSpotError({"status": "error", "category": "OBJECT_ALREADY_EXISTS",
                                "message": f"A property named '{name}' already exists."}, status=409)
        options = self._parse_options(body.get("options"))
        if body["type"] in ("enumeration",) and not options:
            raise ValidationError("Enumeration properties need at least one option")
        now = self.clock.now()
        definition = PropertyDefinition(
            name=name, label=body["label"], type=body["type"], field_type=body["fieldType"],
            group_name=body["groupName"], description=str(body.get("description") or ""), options=options,
            has_unique_value=bool(body.get("hasUniqueValue", False)), hubspot_defined=False,
            created_at=now, updated_at=now, display_order=int(body.get("displayOrder", -1))
            if isinstance(body.get("displayOrder"), int) else -1)
        portal.custom_properties.setdefault(otype.name, {})[name] = definition
        portal.archived_properties.get(otype.name, {}).pop(name, None)
        return definition

    @staticmethod
    def _parse_options(raw: Any) -> list[PropertyOption]:
        if raw is None:
            return []
        if not isinstance(raw, list) or not all(isinstance(o, dict) for o in raw):
            raise ValidationError("options must be a list of {label, value} objects")
        out = []
        for i, option in enumerate(raw):
            if not isinstance(option.get("label"), str) or not isinstance(option.get("value"), str):
                raise ValidationError("Each option needs a label and a value")
            order = option.get("displayOrder", i)
            out.append(PropertyOption(option["label"], option["value"], order if isinstance(order, int) else i))
        return out

    def update_property(self, actor: Actor, object_type: str, name: str, body: Any) -> PropertyDefinition:
        """`PATCH /crm/v3/properties/{t}/{name}`: label, description, group, options of a custom property."""
        with self._lock:
            portal, otype = self.portal(actor.portal_id), resolve_type(object_type)
            actor.require(self._schema_scopes(otype, write=True))
            definition = portal.definition(otype, name)
            if definition is None:
                raise ObjectNotFound(f"Unable to find property {name} for object type {otype.type_id}")
            if not isinstance(body, dict):
                raise ValidationError("Invalid input JSON: expected an object")
            if definition.hubspot_defined:
                raise ValidationError(f"{name} is a HubSpot-defined property and cannot be modified",
                                      subCategory="READ_ONLY_DEFINITION")
            for key, attr in (("label", "label"), ("description", "description"), ("groupName", "group_name"),
                              ("fieldType", "field_type")):
                if key in body:
                    if not isinstance(body[key], str):
                        raise ValidationError(f"{key} must be a string")
                    setattr(definition, attr, body[key])
            if "options" in body:
                definition.options = self._parse_options(body["options"])
            definition.updated_at = self.clock.now()
            return definition

    def archive_property(self, actor: Actor, object_type: str, name: str) -> None:
        """`DELETE /crm/v3/properties/{t}/{name}`: custom properties only."""
        with self._lock:
            portal, otype = self.portal(actor.portal_id), resolve_type(object_type)
            actor.require(self._schema_scopes(otype, write=True))
            definition = portal.definition(otype, name)
            if definition is None:
                raise ObjectNotFound(f"Unable to find property {name} for object type {otype.type_id}")
            if definition.hubspot_defined:
                raise ValidationError(f"{name} is a HubSpot-defined property and cannot be archived")
            portal.custom_properties[otype.name].pop(name)
            definition.archived, definition.archived_at = True, self.clock.now()
            portal.archived_properties.setdefault(otype.name, {})[name] = definition

    def batch_properties(self, actor: Actor, object_type: str, op: str, body: Any) -> BatchResult:
        """`POST /crm/v3/properties/{t}/batch/{read,create,archive}`."""
        with self._lock:
            portal, otype = self.portal(actor.portal_id), resolve_type(object_type)
            inputs = self._inputs(body)
            actor.require(self._schema_scopes(otype, write=op != "read"))
            started = self.clock.now()
            results: list[Any] = []
            missing: list[str] = []
            for item in inputs:
                if op == "create":
                    results.append(self._create_property(portal, otype, item))
                    continue
                name = item.get("name")
                definition = portal.definition(otype, name) if isinstance(name, str) else None
                if definition is None:
                    missing.append(str(name))
                elif op == "read":
                    results.append(definition)
                elif not definition.hubspot_defined:
                    self.archive_property(actor, object_type, definition.name)
            errors = [BatchError("OBJECT_NOT_FOUND", "Some properties could not be found", {"names": missing})
                      ] if missing and op == "read" else []
            return BatchResult(results, errors, started, self.clock.now())

    # ------------------------------------------------------------------------------- pipelines

    def pipelines(self, actor: Actor, object_type: str) -> list[Pipeline]:
        """`GET /crm/v3/pipelines/{t}`."""
        with self._lock:
            portal, otype = self.portal(actor.portal_id), resolve_type(object_type)
            actor.require(otype.read_scopes)
            if not otype.has_pipelines:
                raise ValidationError(f"Object type {otype.type_id} does not support pipelines")
            return list(portal.pipelines.get(otype.name, []))

    def pipeline(self, actor: Actor, object_type: str, pipeline_id: str) -> Pipeline:
        """`GET /crm/v3/pipelines/{t}/{id}`."""
        for candidate in self.pipelines(actor, object_type):
            if candidate.id == pipeline_id:
                return candidate
        raise ObjectNotFound(f"Unable to find pipeline {pipeline_id}")

    # ------------------------------------------------------------------------- records: writes

    @contextmanager
    def _operation(self) -> Iterator[None]:
        """Collect the webhook events of one operation and deliver them together (batched)."""
        with self._lock:
            outer = self._events is None
            if outer:
                self._events = []
            try:
                yield
            finally:
                if outer:
                    events, self._events = self._events, None
                    if events:
                        self._dispatch(events)

    def _emit(self, action: str, record: CrmRecord, actor: Actor, **kw: Any) -> None:
        if self._events is None:
            return
        otype = OBJECT_TYPES[record.object_type]
        self._events.append(CrmEvent(action, otype.name, otype.type_id, record.id, record.portal_id,
                                     self.clock.now(), actor.change_source, actor.source_id, **kw))

    def _dispatch(self, events: list[CrmEvent]) -> None:
        by_app: dict[tuple[int, int], list[dict[str, Any]]] = {}
        for event in events:
            for app in self.apps.values():
                if event.portal_id not in app.installs or not app.target_url:
                    continue
                for sub in app.subscriptions.values():
                    if matches(sub, event):
                        entry = event_json(sub, app, event, self._next_event)
                        self._next_event += 1
                        by_app.setdefault((app.app_id, event.portal_id), []).append(entry)
        for (app_id, portal_id), entries in by_app.items():
            make_deliveries(self.outbox, self.apps[app_id], portal_id, entries, self.clock.now(),
                            self.webhook_delay)

    def _stamp_version(self, record: CrmRecord) -> None:
        now = self.clock.now()
        record.versions.append(RecordVersion(now, dict(record.properties), record.archived, record.updated_at))
        # Keep only what search can still see: the newest version old enough, and everything after it.
        horizon = now - self.search_index_delay
        while len(record.versions) > 1 and record.versions[1].at <= horizon:
            record.versions.pop(0)

    def _record_history(self, record: CrmRecord, name: str, value: str | None, actor: Actor) -> None:
        entry = {"value": value if value is not None else "", "timestamp": iso(self.clock.now()),
                 "sourceType": actor.change_source}
        if actor.source_id:
            entry["sourceId"] = actor.source_id
        record.history.setdefault(name, []).insert(0, entry)

    def _find(self, portal: Portal, otype: ObjectType, ident: str, id_property: str | None = None,
              *, archived: bool | None = False) -> CrmRecord | None:
        """A record by id or unique property; `archived`: False live only, True archived only, None both."""
        records = portal.of_type(otype.name)
        record: CrmRecord | None = None
        prop = id_property or "hs_object_id"
        if prop == "hs_object_id":
            ident = str(ident)
            record = records.get(ident)
            if record is None and (otype.name, ident) in portal.merged_into:
                record = records.get(portal.merged_into[(otype.name, ident)])
        elif otype.name == "contacts" and prop == "email":
            cid = portal.email_index.get(str(ident).strip().lower())
            record = records.get(cid) if cid else None
        else:
            definition = portal.definition(otype, prop)
            if definition is None or not definition.has_unique_value:
                raise ValidationError(f"{prop} is not a unique property and cannot be used as idProperty")
            record = next((r for r in records.values() if r.properties.get(prop) == str(ident)), None)
        if record is None or (archived is not None and record.archived != archived):
            return None
        return record

    def _require(self, portal: Portal, otype: ObjectType, ident: str, id_property: str | None = None,
                 archived: bool = False) -> CrmRecord:
        record = self._find(portal, otype, ident, id_property, archived=archived)
        if record is None:
            raise ObjectNotFound()
        return record

    def _prepare_associations(self, portal: Portal, otype: ObjectType, raw: Any,
                              ) -> list[tuple[AssociationType, CrmRecord]]:
        """Resolve a v3 create body's `associations` list; InvalidAssociation on a bad type or target."""
        if raw is None:
            return []
        if not isinstance(raw, list):
            raise ValidationError("Invalid input JSON: associations must be a list")
        out = []
        for item in raw:
            to = item.get("to") if isinstance(item, dict) else None
            types = item.get("types") if isinstance(item, dict) else None
            if not isinstance(to, dict) or "id" not in to or not isinstance(types, list) or not types:
                raise ValidationError("Each association needs `to.id` and a non-empty `types` list")
            for spec in types:
                kind = self._spec_type(portal, spec)
                if kind.from_type != otype.name:
                    raise InvalidAssociation(f"{kind.type_id} is not a valid association type from "
                                             f"{otype.label}")
                target = self._find(portal, OBJECT_TYPES[kind.to_type], str(to["id"]))
                if target is None:
                    raise InvalidAssociation(f"One or more associations are invalid: "
                                             f"{OBJECT_TYPES[kind.to_type].label} {to['id']} was not found.")
                out.append((kind, target))
        return out

    def _spec_type(self, portal: Portal, spec: Any) -> AssociationType:
        if not isinstance(spec, dict):
            raise ValidationError("Each association type needs associationCategory and associationTypeId")
        category = spec.get("associationCategory")
        type_id = spec.get("associationTypeId")
        if category not in (HUBSPOT_DEFINED, USER_DEFINED, "INTEGRATOR_DEFINED") or isinstance(type_id, bool) \
                or not isinstance(type_id, int):
            raise ValidationError("Each association type needs associationCategory and associationTypeId")
        kind = portal.associations.type_for(type_id)
        if kind is None or kind.category != category:
            raise InvalidAssociation(f"{category} association type {type_id} does not exist")
        return kind

    def _link(self, portal: Portal, source: CrmRecord, kind: AssociationType, target: CrmRecord,
              actor: Actor) -> None:
        if kind.to_type == "line_items" or kind.from_type == "line_items":
            item, parent = (target, source) if kind.to_type == "line_items" else (source, target)
            if parent.object_type in _PARENTS:
                others = [k for k in portal.associations.of(item.key)
                          if k[0] in _PARENTS and k != parent.key
                          and not portal.of_type(k[0]).get(k[1], parent).archived]
                if others:
                    # A line item belongs to exactly one parent object (docs/vendor-behaviour.md §3.6,
                    # line-items guide).
                    raise InvalidAssociation(f"Line item {item.id} is already associated with "
                                             f"{OBJECT_TYPES[others[0][0]].label} {others[0][1]}; a line item "
                                             "can belong to one parent object only.")
        if portal.associations.add(source.key, target.key, kind):
            self._emit_association(source, target, kind, actor, removed=False)

    def _emit_association(self, source: CrmRecord, target: CrmRecord, kind: AssociationType, actor: Actor,
                          *, removed: bool) -> None:
        name = f"{OBJECT_TYPES[kind.from_type].label}_TO_{OBJECT_TYPES[kind.to_type].label}"
        for a, b in ((source, target), (target, source)):
            self._emit("associationChange", a, actor, extra={
                "associationType": name, "fromObjectId": int(a.id), "toObjectId": int(b.id),
                "associationRemoved": removed, "isPrimaryAssociation": kind.label == "Primary"})

    def _defaults_for_create(self, portal: Portal, otype: ObjectType, values: dict[str, str | None]) -> None:
        # Orders (and deals) land in their default pipeline's first stage when none is given.
        if otype.has_pipelines and otype.pipeline_property and not values.get(otype.pipeline_property):
            pipes = portal.pipelines.get(otype.name) or []
            if pipes:
                values[otype.pipeline_property] = pipes[0].id
                if otype.name == "orders" and not values.get(otype.stage_property or ""):
                    values[otype.stage_property or ""] = pipes[0].stages[0].id

    def _check_create(self, portal: Portal, otype: ObjectType, body: Any, *, marketer: bool = False,
                      pending_emails: dict[str, str] | None = None,
                      ) -> tuple[dict[str, str | None], list[tuple[AssociationType, CrmRecord]]]:
        """Validate a create input; returns its values and associations."""
        if not isinstance(body, dict):
            raise ValidationError("Invalid input JSON: expected an object with `properties`")
        values = self._normalise(portal, otype, body.get("properties", {}), marketer=marketer)
        assocs = self._prepare_associations(portal, otype, body.get("associations"))
        if otype.name == "contacts" and values.get("email"):
            email = values["email"] or ""
            if pending_emails is not None and email in pending_emails:
                raise ValidationError(f"Duplicate email {email} in batch input")
            # Only a live contact holds its email: the email of one in the recycle bin makes a new contact,
            # and the archived one stays archived. docs/vendor-behaviour.md §3.4 has the recycle bin; HubSpot's
            # knowledge base ("Restore deleted records", 2025-11-10) has the rest: an active contact with a deleted
            # contact's email is possible, and it blocks that contact's restore.
            existing = self._find(portal, otype, email, "email")
            if existing is not None:
                raise ContactExists(existing.id)
        return values, assocs

    def _commit_create(self, portal: Portal, otype: ObjectType, values: dict[str, str | None],
                       assocs: list[tuple[AssociationType, CrmRecord]], actor: Actor) -> CrmRecord:
        now = self.clock.now()
        self._defaults_for_create(portal, otype, values)
        rid = self._id()
        stamp = iso(now)
        props = {k: v for k, v in values.items() if v is not None}
        props["hs_object_id"] = rid
        for name in {otype.created_property, "createdate", "hs_createdate"}:
            if portal.definition(otype, name) is not None:
                props[name] = stamp
        for name in {otype.modified_property, "hs_lastmodifieddate"}:
            if portal.definition(otype, name) is not None:
                props[name] = stamp
        record = CrmRecord(rid, otype.name, portal.portal_id, props, now, now)
        for name, value in props.items():
            self._record_history(record, name, value, actor)
        portal.of_type(otype.name)[rid] = record
        if otype.name == "contacts" and props.get("email"):
            portal.email_index[props["email"]] = rid
        self._stamp_version(record)
        self._emit("creation", record, actor)
        for kind, target in assocs:
            self._link(portal, record, kind, target, actor)
        return record

    def _apply(self, portal: Portal, otype: ObjectType, record: CrmRecord, values: dict[str, str | None],
               actor: Actor, *, emit: bool = True) -> list[str]:
        """Write changed values, stamp the modified date, record history and events; the changed names."""
        changed = [k for k, v in values.items() if record.properties.get(k) != v
                   and not (v is None and k not in record.properties)]
        if not changed:
            return []
        if otype.name == "contacts" and "email" in changed:
            old, new = record.properties.get("email"), values["email"]
            if new:
                owner = portal.email_index.get(new)
                # A contact in the recycle bin does not hold its email (see _check_create).
                if owner is not None and owner != record.id and not portal.of_type("contacts")[owner].archived:
                    raise ContactExists(owner)
            if old and portal.email_index.get(old) == record.id:
                del portal.email_index[old]
            if new:
                portal.email_index[new] = record.id
        now = self.clock.now()
        for name in changed:
            value = values[name]
            if value is None:
                record.properties.pop(name, None)
            else:
                record.properties[name] = value
            self._record_history(record, name, value, actor)
        for name in {otype.modified_property, "hs_lastmodifieddate"}:
            if portal.definition(otype, name) is not None:
                record.properties[name] = iso(now)
        record.updated_at = now
        self._stamp_version(record)
        if emit:
            for name in changed:
                self._emit("propertyChange", record, actor, property_name=name, property_value=values[name])
        return changed

    def create(self, actor: Actor, object_type: str, body: Any) -> RecordView:
        """`POST /crm/v3/objects/{t}` (201): validate, enforce contact email uniqueness (409), create."""
        with self._operation():
            portal, otype = self.portal(actor.portal_id), resolve_type(object_type)
            actor.require(otype.write_scopes)
            values, assocs = self._check_create(portal, otype, body,
                                                marketer=actor.change_source in ("CRM_UI", "IMPORT"))
            record = self._commit_create(portal, otype, values, assocs, actor)
            return self._view(portal, otype, record, None)

    def update(self, actor: Actor, object_type: str, ident: str, body: Any, *,
               id_property: str | None = None) -> RecordView:
        """`PATCH /crm/v3/objects/{t}/{id}`: changes only what differs; stamps the modified date."""
        with self._operation():
            portal, otype = self.portal(actor.portal_id), resolve_type(object_type)
            actor.require(otype.write_scopes)
            if not isinstance(body, dict):
                raise ValidationError("Invalid input JSON: expected an object with `properties`")
            record = self._require(portal, otype, ident, id_property)
            values = self._normalise(portal, otype, body.get("properties", {}),
                                     marketer=actor.change_source == "CRM_UI")
            self._apply(portal, otype, record, values, actor)
            return self._view(portal, otype, record, None)

    def archive(self, actor: Actor, object_type: str, ident: str) -> None:
        """`DELETE /crm/v3/objects/{t}/{id}` (204): move to the recycle bin (3.4); unknown ids are fine."""
        with self._operation():
            portal, otype = self.portal(actor.portal_id), resolve_type(object_type)
            actor.require(otype.write_scopes)
            record = self._find(portal, otype, ident)
            if record is not None:
                self._archive(record, actor)

    def _archive(self, record: CrmRecord, actor: Actor) -> None:
        now = self.clock.now()
        record.archived, record.archived_at, record.updated_at = True, now, now
        self._stamp_version(record)
        self._emit("deletion", record, actor)

    def merge(self, actor: Actor, object_type: str, body: Any) -> RecordView:
        """`POST /crm/v3/objects/{t}/merge`: the primary keeps its id; the other id then resolves to it."""
        with self._operation():
            portal, otype = self.portal(actor.portal_id), resolve_type(object_type)
            actor.require(otype.write_scopes)
            if otype.name not in _MERGEABLE:
                raise ValidationError(f"Merging is not supported for {otype.name}")
            if not isinstance(body, dict) or "primaryObjectId" not in body or "objectIdToMerge" not in body:
                raise ValidationError("primaryObjectId and objectIdToMerge are required")
            primary = self._require(portal, otype, str(body["primaryObjectId"]))
            other = self._require(portal, otype, str(body["objectIdToMerge"]))
            if primary.id == other.id:
                raise ValidationError("Cannot merge an object with itself")
            # The primary's values win; the other record only fills the primary's blanks.
            values: dict[str, str | None] = {}
            for name, value in other.properties.items():
                definition = portal.definition(otype, name)
                if name not in primary.properties and definition is not None and not definition.read_only:
                    values[name] = value
            merged_ids = [x for x in (primary.properties.get("hs_merged_object_ids") or "").split(";") if x]
            values["hs_merged_object_ids"] = ";".join([*merged_ids, other.id])
            if otype.name == "contacts" and other.properties.get("email"):
                extra = [x for x in (primary.properties.get("hs_additional_emails") or "").split(";") if x]
                values["hs_additional_emails"] = ";".join([*extra, other.properties["email"]])
                values.pop("email", None)
                portal.email_index[other.properties["email"]] = primary.id
            self._apply(portal, otype, primary, values, actor)
            portal.associations.move(other.key, primary.key)
            del portal.of_type(otype.name)[other.id]
            portal.merged_into[(otype.name, other.id)] = primary.id
            for key, target in list(portal.merged_into.items()):
                if key[0] == otype.name and target == other.id:
                    portal.merged_into[key] = primary.id
            self._emit("merge", primary, actor, extra={"primaryObjectId": int(primary.id),
                                                       "mergedObjectIds": [int(other.id)]})
            return self._view(portal, otype, primary, None)

    def gdpr_delete(self, actor: Actor, body: Any) -> None:
        """`POST /crm/v3/objects/contacts/gdpr-delete` (204): permanent removal."""
        with self._operation():
            portal, otype = self.portal(actor.portal_id), OBJECT_TYPES["contacts"]
            actor.require(otype.write_scopes)
            if not isinstance(body, dict) or "objectId" not in body:
                raise ValidationError("objectId is required")
            id_property = body.get("idProperty")
            record = self._find(portal, otype, str(body["objectId"]),
                                id_property if isinstance(id_property, str) else None, archived=None)
            if record is None:
                raise ObjectNotFound()
            self._emit("deletion", record, actor)
            portal.associations.drop_record(record.key)
            del portal.of_type("contacts")[record.id]
            email = record.properties.get("email")
            if email and portal.email_index.get(email) == record.id:  # a new contact may hold it now
                del portal.email_index[email]

    # -------------------------------------------------------------------------- records: reads

    def _property_names(self, portal: Portal, otype: ObjectType, wanted: list[str] | None) -> list[str]:
        if not wanted:
            return list(otype.default_properties)
        # Requested names that exist are returned (null when unset); unknown names are ignored (3.2).
        base = ["hs_object_id", otype.created_property, otype.modified_property]
        return list(dict.fromkeys([*base, *(n for n in wanted if portal.definition(otype, n) is not None)]))

    def _view(self, portal: Portal, otype: ObjectType, record: CrmRecord, wanted: list[str] | None, *,
              history: list[str] | None = None, associations: list[str] | None = None,
              props: dict[str, str] | None = None) -> RecordView:
        source = props if props is not None else record.properties
        names = self._property_names(portal, otype, wanted)
        view = RecordView(record.id, {n: source.get(n) for n in names}, record.created_at, record.updated_at,
                          record.archived, record.archived_at)
        if history:
            view.history = {n: list(record.history.get(n, [])) for n in history
                            if portal.definition(otype, n) is not None}
        if associations:
            view.associations = {}
            for name in associations:
                try:
                    to_type = resolve_type(name)
                except HubSpotError:
                    continue  # unknown association types are ignored, like unknown properties
                found: list[tuple[str, str]] = []
                for (t, tid), kinds in sorted(portal.associations.of(record.key, to_type.name).items(),
                                              key=lambda kv: int(kv[0][1])):
                    target = portal.of_type(t).get(tid)
                    if target is None or target.archived:
                        continue
                    for type_id in sorted(kinds):
                        kind = portal.associations.type_for(type_id)
                        if kind is not None:
                            found.append((tid, kind.v3_name))
                if found:
                    # v3 names line items "line items" in this block (I-3p); others by plural name.
                    view.associations["line items" if to_type.name == "line_items" else to_type.name] = found
        return view

    def get(self, actor: Actor, object_type: str, ident: str, *, properties: list[str] | None = None,
            history: list[str] | None = None, associations: list[str] | None = None, archived: bool = False,
            id_property: str | None = None) -> RecordView:
        """`GET /crm/v3/objects/{t}/{id}`: 404 for unknown ids and, without archived=true, archived ones."""
        with self._lock:
            portal, otype = self.portal(actor.portal_id), resolve_type(object_type)
            actor.require(otype.read_scopes)
            record = self._require(portal, otype, ident, id_property, archived=archived)
            return self._view(portal, otype, record, properties, history=history, associations=associations)

    def list_page(self, actor: Actor, object_type: str, *, limit: int = LIST_DEFAULT, after: str | None = None,
                  properties: list[str] | None = None, history: list[str] | None = None,
                  associations: list[str] | None = None, archived: bool = False) -> Page:
        """`GET /crm/v3/objects/{t}`: by id, `after` = the next id, default 10, at most 100 per page."""
        with self._lock:
            portal, otype = self.portal(actor.portal_id), resolve_type(object_type)
            actor.require(otype.read_scopes)
            cap = HISTORY_BATCH_LIMIT if history else LIST_MAX
            if limit < 1 or limit > cap:
                raise ValidationError(f"limit must be between 1 and {cap}")
            start, table = self._after(after), portal.of_type(otype.name)
            rows = (table[key] for key in table.irange_key(min_key=start))
            found = list(islice((r for r in rows if r.archived == archived), limit + 1))
            page, rest = found[:limit], found[limit:]
            items = [self._view(portal, otype, r, properties, history=history, associations=associations)
                     for r in page]
            return Page(items, str(int(rest[0].id)) if rest else None)

    @staticmethod
    def _after(after: str | None) -> int:
        if after in (None, ""):
            return 0
        try:
            value = int(str(after))
        except ValueError:
            raise ValidationError(f"Invalid value for after: {after}") from None
        if value < 0:
            raise ValidationError(f"Invalid value for after: {after}")
        return value

    # ----------------------------------------------------------------------------------- batch

    @staticmethod
    def _inputs(body: Any, limit: int = BATCH_LIMIT) -> list[dict[str, Any]]:
        if not isinstance(body, dict) or not isinstance(body.get("inputs"), list):
            raise ValidationError("Invalid input JSON: expected an object with an `inputs` list")
        inputs = body["inputs"]
        if not all(isinstance(i, dict) for i in inputs):
            raise ValidationError("Invalid input JSON: each input must be an object")
        if len(inputs) > limit:
            raise ValidationError(f"The maximum number of inputs supported in a batch request is {limit}",
                                  context={"inputs": [str(len(inputs))]})
        return inputs

    @staticmethod
    def _unique_ids(inputs: list[dict[str, Any]]) -> list[str]:
        ids = [str(i.get("id", "")) for i in inputs]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValidationError(f"Duplicate IDs found in batch input: [{', '.join(dupes)}]. IDs must be unique")
        return ids

    def batch_read(self, actor: Actor, object_type: str, body: Any, *, archived: bool = False) -> BatchResult:
        """`POST .../batch/read`: 207 with OBJECT_NOT_FOUND for ids that are missing (3.3)."""
        with self._lock:
            portal, otype = self.portal(actor.portal_id), resolve_type(object_type)
            actor.require(otype.read_scopes)
            history = body.get("propertiesWithHistory") if isinstance(body, dict) else None
            history = history if isinstance(history, list) and history else None
            if history is not None and isinstance(body, dict) and isinstance(body.get("inputs"), list) \
                        and len(body["inputs"]) > HISTORY_BATCH_LIMIT:
                raise ValidationError("The maximum number of inputs supported in a batch request for "
                                      f"property histories is {HISTORY_BATCH_LIMIT}")
            inputs = self._inputs(body)
            id_property = body.get("idProperty") if isinstance(body.get("idProperty"), str) else None
            properties = body.get("properties") if isinstance(body.get("properties"), list) else None
            started = self.clock.now()
            results, missing = [], []
            for item in inputs:
                record = self._find(portal, otype, str(item.get("id", "")), id_property, archived=archived)
                if record is None:
                    missing.append(str(item.get("id", "")))
                else:
                    results.append(self._view(portal, otype, record, properties,
                                              history=[str(h) for h in history or []]))
            errors = [BatchError("OBJECT_NOT_FOUND", f"Could not get some {otype.label} objects, they may be "
                                 "deleted or not exist. Check that ids are valid.", {"ids": missing})
                      ] if missing else []
            return BatchResult(results, errors, started, self.clock.now())

    def batch_create(self, actor: Actor, object_type: str, body: Any,
                     precheck: Callable[[dict], None] | None = None) -> BatchResult:
        """`POST .../batch/create`: all-or-nothing, unless every input has a unique objectWriteTraceId (207).

        `precheck` refuses an input by raising a HubSpotError (a portal's 2026-09 write rules): the whole
        batch in all-or-nothing mode, that input alone in per-input mode, like any other invalid input."""
        with self._operation():
            portal, otype = self.portal(actor.portal_id), resolve_type(object_type)
            actor.require(otype.write_scopes)
            inputs = self._inputs(body)
            traces = [i.get("objectWriteTraceId") for i in inputs]
            partial = bool(inputs) and all(isinstance(t, str) and t for t in traces) \
                and len(set(traces)) == len(traces)
            started = self.clock.now()
            results: list[RecordView] = []
            errors: list[BatchError] = []
            if partial:
                pending: dict[str, str] = {}
                for item in inputs:
                    try:
                        if precheck is not None:
                            precheck(item)
                        values, assocs = self._check_create(portal, otype, item)
                    except HubSpotError as exc:
                        errors.append(BatchError(exc.body.get("category", "VALIDATION_ERROR"),
                                                 exc.body.get("message", ""),
                                                 {"objectWriteTraceId": [str(item["objectWriteTraceId"])]}))
                        continue
                    record = self._commit_create(portal, otype, values, assocs, actor)
                    view = self._view(portal, otype, record, None)
                    view.object_write_trace_id = str(item["objectWriteTraceId"])
                    results.append(view)
            else:
                pending = {}
                checked = []
                for item in inputs:
                    if precheck is not None:
                        precheck(item)
                    values, assocs = self._check_create(portal, otype, item, pending_emails=pending)
                    if otype.name == "contacts" and values.get("email"):
                        pending[values["email"] or ""] = ""
                    checked.append((values, assocs))
                for values, assocs in checked:
                    record = self._commit_create(portal, otype, values, assocs, actor)
                    results.append(self._view(portal, otype, record, None))
            return BatchResult(results, errors, started, self.clock.now())

    def batch_update(self, actor: Actor, object_type: str, body: Any) -> BatchResult:
        """`POST .../batch/update`: invalid values fail the whole batch; unknown ids give a 207 (guess)."""
        with self._operation():
            portal, otype = self.portal(actor.portal_id), resolve_type(object_type)
            actor.require(otype.write_scopes)
            inputs = self._inputs(body)
            self._unique_ids(inputs)
            started = self.clock.now()
            planned, missing = [], []
            for item in inputs:
                id_property = item.get("idProperty") if isinstance(item.get("idProperty"), str) else None
                record = self._find(portal, otype, str(item.get("id", "")), id_property)
                values = self._normalise(portal, otype, item.get("properties", {}))
                if record is None:
                    missing.append(str(item.get("id", "")))
                else:
                    planned.append((record, values))
            results = []
            for record, values in planned:
                self._apply(portal, otype, record, values, actor)
                results.append(self._view(portal, otype, record, None))
            errors = [BatchError("OBJECT_NOT_FOUND", f"Could not update some {otype.label} objects, they may be "
                                 "deleted or not exist. Check that ids are valid.", {"ids": missing})
                      ] if missing else []
            return BatchResult(results, errors, started, self.clock.now())

    def batch_upsert(self, actor: Actor, object_type: str, body: Any) -> BatchResult:
        """`POST .../batch/upsert`: update by idProperty when found, else create; each result says `new`."""
        with self._operation():
            portal, otype = self.portal(actor.portal_id), resolve_type(object_type)
            actor.require(otype.write_scopes)
            inputs = self._inputs(body)
            self._unique_ids(inputs)
            started = self.clock.now()
            results, missing = [], []
            for item in inputs:
                id_property = item.get("idProperty") if isinstance(item.get("idProperty"), str) else None
                ident = str(item.get("id", ""))
                values = self._normalise(portal, otype, item.get("properties", {}))
                record = self._find(portal, otype, ident, id_property)
                if record is not None:
                    self._apply(portal, otype, record, values, actor)
                    view = self._view(portal, otype, record, None)
                    view.new = False
                elif id_property in (None, "hs_object_id"):
                    missing.append(ident)
                    continue
                else:
                    values.setdefault(id_property, ident)
                    body_in = {"properties": {k: v for k, v in values.items() if v is not None}}
                    checked = self._check_create(portal, otype, body_in)
                    record = self._commit_create(portal, otype, *checked, actor)
                    view = self._view(portal, otype, record, None)
                    view.new = True
                results.append(view)
            errors = [BatchError("OBJECT_NOT_FOUND", f"Could not upsert some {otype.label} objects by id, they "
                                 "may be deleted or not exist.", {"ids": missing})] if missing else []
            return BatchResult(results, errors, started, self.clock.now())

    def batch_archive(self, actor: Actor, object_type: str, body: Any) -> None:
        """`POST .../batch/archive` (204): unknown ids are ignored."""
        with self._operation():
            portal, otype = self.portal(actor.portal_id), resolve_type(object_type)
            actor.require(otype.write_scopes)
            for item in self._inputs(body):
                record = self._find(portal, otype, str(item.get("id", "")))
                if record is not None:
                    self._archive(record, actor)

    # ---------------------------------------------------------------------------------- search

    def search(self, actor: Actor, object_type: str, body: Any) -> Page:
        """`POST /crm/v3/objects/{t}/search` over the lagging index (docs/vendor-behaviour.md §3.5)."""
        with self._lock:
            portal, otype = self.portal(actor.portal_id), resolve_type(object_type)
            actor.require(otype.read_scopes)
            request = search_rules.parse_request(body, lambda n: portal.definition(otype, n) is not None)
            horizon = self.clock.now() - self.search_index_delay

            def kind_of(name: str) -> str:
                return self._prop_kind(portal, otype, name)

            hits: list[tuple[str, dict[str, str]]] = []
            versions: dict[str, RecordVersion] = {}
            for record in portal.of_type(otype.name).values():
                indexed = next((v for v in reversed(record.versions) if v.at <= horizon), None)
                if indexed is None or indexed.archived:
                    continue
                if search_rules.matches(request, indexed.properties, kind_of, otype.search_properties):
                    hits.append((record.id, indexed.properties))
                    versions[record.id] = indexed
            ranked = search_rules.order(hits, request, kind_of)
            window = ranked[request.after:request.after + request.limit]
            items = []
            for rid, props in window:
                record = portal.of_type(otype.name)[rid]
                view = self._view(portal, otype, record, request.properties, props=props)
                view.updated_at, view.archived, view.archived_at = versions[rid].updated_at, False, None
                items.append(view)
            end = request.after + request.limit
            next_after = str(end) if end < len(ranked) and end < search_rules.MAX_RESULTS else None
            return Page(items, next_after, total=len(ranked))

    # ---------------------------------------------------------------------------- associations

    def _pair(self, actor: Actor, from_type: str, to_type: str, *, write: bool) -> tuple[Portal, ObjectType,
                                                                                       ObjectType]:
        portal, a, b = self.portal(actor.portal_id), resolve_type(from_type), resolve_type(to_type)
        actor.require(a.write_scopes if write else a.read_scopes)
        actor.require(b.write_scopes if write else b.read_scopes)
        return portal, a, b

    def _assoc_target(self, portal: Portal, otype: ObjectType, ident: Any) -> CrmRecord:
        record = self._find(portal, otype, str(ident))
        if record is None:
            raise InvalidAssociation(f"One or more associations are invalid: {otype.label} {ident} was not found.")
        return record

    def associate_default(self, actor: Actor, from_type: str, from_id: str, to_type: str, to_id: str,
                          ) -> list[tuple[str, str, AssociationType]]:
        """`PUT /crm/v4/objects/{t}/{id}/associations/default/{toT}/{toId}`: both directions created."""
        with self._operation():
            portal, a, b = self._pair(actor, from_type, to_type, write=True)
            source, target = self._assoc_target(portal, a, from_id), self._assoc_target(portal, b, to_id)
            kind = default_type(a.name, b.name)
            if kind is None:
                raise InvalidAssociation(f"{a.label} and {b.label} objects cannot be associated "
                                         "(products take part in no association; use hs_product_id).")
            self._link(portal, source, kind, target, actor)
            return [(source.id, target.id, kind), (target.id, source.id, DEFINED_TYPES[kind.reverse_id])]

    def associate(self, actor: Actor, from_type: str, from_id: str, to_type: str, to_id: str, specs: Any,
                  ) -> tuple[ObjectType, CrmRecord, ObjectType, CrmRecord, list[str]]:
        """`PUT /crm/v4/objects/{t}/{id}/associations/{toT}/{toId}` with type specs (201)."""
        with self._operation():
            portal, a, b = self._pair(actor, from_type, to_type, write=True)
            if not isinstance(specs, list) or not specs:
                raise ValidationError("Invalid input JSON: expected a non-empty list of association types")
            kinds = [self._spec_type(portal, s) for s in specs]
            for kind in kinds:
                if (kind.from_type, kind.to_type) != (a.name, b.name):
                    raise InvalidAssociation(f"{kind.category} association type {kind.type_id} is not valid "
                                             f"between {a.label} and {b.label}")
            source, target = self._assoc_target(portal, a, from_id), self._assoc_target(portal, b, to_id)
            for kind in kinds:
                self._link(portal, source, kind, target, actor)
            return a, source, b, target, [k.label for k in kinds if k.label]

    def list_associations(self, actor: Actor, from_type: str, from_id: str, to_type: str, *,
                          limit: int = 500, after: str | None = None) -> Page:
        """`GET /crm/v4/objects/{t}/{id}/associations/{toT}`: at most 500 per page."""
        with self._lock:
            portal, a, b = self._pair(actor, from_type, to_type, write=False)
            if limit < 1 or limit > ASSOC_LIST_MAX:
                raise ValidationError(f"limit must be between 1 and {ASSOC_LIST_MAX}")
            source = self._find(portal, a, from_id)
            if source is None:
                raise ObjectNotFound()
            links = self._links(portal, source, b)
            start = self._after(after)
            rows = [link for link in links if int(link.to_id) >= start]
            page, rest = rows[:limit], rows[limit:]
            return Page(page, rest[0].to_id if rest else None)

    def _links(self, portal: Portal, source: CrmRecord, to_type: ObjectType) -> list[AssociationLink]:
        out = []
        for (t, tid), kinds in sorted(portal.associations.of(source.key, to_type.name).items(),
                                      key=lambda kv: int(kv[0][1])):
            target = portal.of_type(t).get(tid)
            if target is None or target.archived:
                continue
            types = [k for k in (portal.associations.type_for(i) for i in sorted(kinds)) if k is not None]
            out.append(AssociationLink(tid, types))
        return out

    def remove_associations(self, actor: Actor, from_type: str, from_id: str, to_type: str, to_id: str) -> None:
        """`DELETE /crm/v4/objects/{t}/{id}/associations/{toT}/{toId}` (204): every type, both ways."""
        with self._operation():
            portal, a, b = self._pair(actor, from_type, to_type, write=True)
            source, target = self._find(portal, a, from_id), self._find(portal, b, to_id)
            if source is None or target is None:
                return
            kinds = [portal.associations.type_for(i)
                     for i in portal.associations.of(source.key).get(target.key, set())]
            if portal.associations.remove_pair(source.key, target.key):
                for kind in kinds:
                    if kind is not None:
                        self._emit_association(source, target, kind, actor, removed=True)

    def batch_associate(self, actor: Actor, from_type: str, to_type: str, body: Any, *, default: bool,
                        ) -> BatchResult:
        """`POST /crm/v4/associations/{f}/{t}/batch/create` or `.../batch/associate/default`."""
        with self._operation():
            _portal, a, b = self._pair(actor, from_type, to_type, write=True)
            inputs = self._inputs(body, limit=2000 if default else BATCH_LIMIT)
            started = self.clock.now()
            results: list[Any] = []
            errors: list[BatchError] = []
            for item in inputs:
                src = item.get("from", {}).get("id") if isinstance(item.get("from"), dict) else None
                dst = item.get("to", {}).get("id") if isinstance(item.get("to"), dict) else None
                try:
                    if src is None or dst is None:
                        raise ValidationError("Each input needs from.id and to.id")
                    if default:
                        results.extend(self.associate_default(actor, a.name, str(src), b.name, str(dst)))
                    else:
                        results.append(self.associate(actor, a.name, str(src), b.name, str(dst), item.get("types")))
                except HubSpotError as exc:
                    errors.append(BatchError(exc.body.get("category", "VALIDATION_ERROR"),
                                             exc.body.get("message", ""),
                                             {"fromObjectId": [str(src)], "toObjectId": [str(dst)]}))
            return BatchResult(results, errors, started, self.clock.now())

    def batch_read_associations(self, actor: Actor, from_type: str, to_type: str, body: Any) -> BatchResult:
        """`POST /crm/v4/associations/{f}/{t}/batch/read`: 207 for from-ids that do not exist."""
        with self._lock:
            portal, a, b = self._pair(actor, from_type, to_type, write=False)
            inputs = self._inputs(body, limit=1000)
            started = self.clock.now()
            results, missing = [], []
            for item in inputs:
                source = self._find(portal, a, str(item.get("id", "")))
                if source is None:
                    missing.append(str(item.get("id", "")))
                else:
                    results.append((source.id, self._links(portal, source, b)))
            errors = [BatchError("OBJECT_NOT_FOUND", f"No {a.label} found for the given ids", {"ids": missing})
                      ] if missing else []
            return BatchResult(results, errors, started, self.clock.now())

    def batch_archive_associations(self, actor: Actor, from_type: str, to_type: str, body: Any) -> None:
        """`POST /crm/v4/associations/{f}/{t}/batch/archive` (204)."""
        with self._operation():
            _portal, a, b = self._pair(actor, from_type, to_type, write=True)
            for item in self._inputs(body, limit=2000):
                src = item.get("from", {}).get("id") if isinstance(item.get("from"), dict) else None
                targets = item.get("to") if isinstance(item.get("to"), list) else []
                for target in targets:
                    if src is not None and isinstance(target, dict) and "id" in target:
                        self.remove_associations(actor, a.name, str(src), b.name, str(target["id"]))

    def association_labels(self, actor: Actor, from_type: str, to_type: str) -> list[AssociationType]:
        """`GET /crm/v4/associations/{f}/{t}/labels`: every defined and custom type for the pair."""
        with self._lock:
            portal, a, b = self._pair(actor, from_type, to_type, write=False)
            return portal.associations.types_between(a.name, b.name)

    def create_association_label(self, actor: Actor, from_type: str, to_type: str, body: Any,
                                 ) -> list[AssociationType]:
        """`POST /crm/v4/associations/{f}/{t}/labels`: a USER_DEFINED type pair (label, optional inverse)."""
        with self._lock:
            portal, a, b = self._pair(actor, from_type, to_type, write=True)
            if not isinstance(body, dict) or not isinstance(body.get("label"), str) or not body["label"]:
                raise ValidationError("label is required")
            if default_type(a.name, b.name) is None:
                raise InvalidAssociation(f"{a.label} and {b.label} objects cannot be associated")
            inverse = body.get("inverseLabel") if isinstance(body.get("inverseLabel"), str) else body["label"]
            fwd_id, rev_id = self._next_label, self._next_label + 1
            self._next_label += 2
            forward = AssociationType(fwd_id, a.name, b.name, rev_id, body["label"], USER_DEFINED)
            reverse = AssociationType(rev_id, b.name, a.name, fwd_id, inverse, USER_DEFINED)
            portal.associations.user_types[fwd_id] = forward
            portal.associations.user_types[rev_id] = reverse
            return [forward, reverse]

    # -------------------------------------------------------------------------------- webhooks

    def webhook_app(self, app_id: Any, *, bearer: str | None, hapikey: str | None) -> App:
        """The app whose webhook settings a caller may manage: its developer key or its own token."""
        with self._lock:
            try:
                app = self.apps[int(app_id)]
            except (KeyError, ValueError, TypeError):
                raise InvalidAuthentication() from None
            if hapikey and app.developer_api_key == hapikey:
                return app
            token = self.tokens.get(bearer or "")
            if token is not None and token.app_id == app.app_id:
                return app
            raise InvalidAuthentication()

    def set_webhook_target(self, app: App, body: Any) -> App:
        """`PUT /webhooks/v3/{appId}/settings`: the target URL deliveries go to."""
        with self._lock:
            if not isinstance(body, dict) or not isinstance(body.get("targetUrl"), str) \
                    or not body["targetUrl"].startswith(("http://", "https://")):
                raise ValidationError("targetUrl must be an http(s) URL")
            app.target_url = body["targetUrl"]
            if isinstance(body.get("throttling"), dict):
                app.throttling = dict(body["throttling"])
            app.settings_at = self.clock.now()
            return app

    def clear_webhook_target(self, app: App) -> None:
        """`DELETE /webhooks/v3/{appId}/settings`."""
        with self._lock:
            app.target_url, app.settings_at = None, None

    def subscribe(self, app: App, body: Any) -> WebhookSubscription:
        """`POST /webhooks/v3/{appId}/subscriptions` (201)."""
        with self._lock:
            if not isinstance(body, dict) or not isinstance(body.get("eventType"), str) \
                    or not valid_event_type(body["eventType"]):
                raise ValidationError(f"Unknown eventType: {body.get('eventType') if isinstance(body, dict) else None}")
            prop = body.get("propertyName") if isinstance(body.get("propertyName"), str) else None
            if body["eventType"].endswith(".propertyChange") and not prop:
                raise ValidationError("propertyName is required for propertyChange subscriptions")
            type_id = body.get("objectTypeId")
            if body["eventType"].startswith("object."):
                if not isinstance(type_id, str):
                    raise ValidationError("objectTypeId is required for object.* subscriptions")
                type_id = resolve_type(type_id).type_id
            else:
                type_id = None
            self._next_sub += 1
            now = self.clock.now()
            sub = WebhookSubscription(self._next_sub, body["eventType"], prop, type_id,
                                      bool(body.get("active", True)), now, now)
            app.subscriptions[sub.id] = sub
            return sub

    def update_subscription(self, app: App, sub_id: Any, body: Any) -> WebhookSubscription:
        """`PATCH /webhooks/v3/{appId}/subscriptions/{id}`: switch it on or off."""
        with self._lock:
            sub = self.subscription(app, sub_id)
            if not isinstance(body, dict) or not isinstance(body.get("active"), bool):
                raise ValidationError("active (boolean) is required")
            sub.active, sub.updated_at = body["active"], self.clock.now()
            return sub

    def unsubscribe(self, app: App, sub_id: Any) -> None:
        """`DELETE /webhooks/v3/{appId}/subscriptions/{id}` (204)."""
        with self._lock:
            self.subscription(app, sub_id)
            del app.subscriptions[int(sub_id)]

    @staticmethod
    def subscription(app: App, sub_id: Any) -> WebhookSubscription:
        """One subscription of an app, or 404."""
        try:
            return app.subscriptions[int(sub_id)]
        except (KeyError, ValueError, TypeError):
            raise ObjectNotFound(f"Subscription {sub_id} not found") from None

    # ------------------------------------------------------------- marketer edits and the judge

    def marketer_create(self, portal_id: int, object_type: str, properties: dict[str, Any], *,
                        associations: list[dict[str, Any]] | None = None, user_id: int | None = None) -> CrmRecord:
        """Create a record as a user in the HubSpot UI would (no auth, no rate limit; events say CRM_UI)."""
        view = self.create(self.marketer(portal_id, user_id), object_type,
                           {"properties": properties, "associations": associations or []})
        return self.record(portal_id, object_type, view.id)  # type: ignore[return-value]

    def marketer_update(self, portal_id: int, object_type: str, record_id: str, properties: dict[str, Any], *,
                        user_id: int | None = None) -> CrmRecord:
        """Edit a record in the HubSpot UI."""
        view = self.update(self.marketer(portal_id, user_id), object_type, record_id, {"properties": properties})
        return self.record(portal_id, object_type, view.id)  # type: ignore[return-value]

    def marketer_archive(self, portal_id: int, object_type: str, record_id: str, *,
                         user_id: int | None = None) -> None:
        """Delete (archive) a record in the HubSpot UI."""
        self.archive(self.marketer(portal_id, user_id), object_type, record_id)

    def marketer_associate(self, portal_id: int, from_type: str, from_id: str, to_type: str, to_id: str) -> None:
        """Associate two records (default type) in the HubSpot UI."""
        self.associate_default(self.marketer(portal_id), from_type, from_id, to_type, to_id)

    def record(self, portal_id: int, object_type: str, record_id: str) -> CrmRecord | None:
        """A record by id, archived ones included (for the judge); None when it never existed."""
        with self._lock:
            portal = self.portals.get(int(portal_id))
            if portal is None:
                return None
            return portal.of_type(resolve_type(object_type).name).get(str(record_id))

    def records(self, portal_id: int, object_type: str, *, archived: bool | None = False) -> list[CrmRecord]:
        """Every record of a type, by id; `archived`: False live, True archived, None both."""
        with self._lock:
            portal = self.portal(portal_id)
            rows = portal.of_type(resolve_type(object_type).name).values()
            return [r for r in rows if archived is None or r.archived == archived]

    def contact_by_email(self, portal_id: int, email: str) -> CrmRecord | None:
        """The live contact with this email (case-insensitive), for the judge."""
        with self._lock:
            portal = self.portal(portal_id)
            return self._find(portal, OBJECT_TYPES["contacts"], email.strip().lower(), "email")

    def associations_of(self, portal_id: int, object_type: str, record_id: str, to_type: str | None = None,
                        ) -> list[tuple[str, str, list[int]]]:
        """(to type, to id, association type ids) for a record, live targets only, for the judge."""
        with self._lock:
            portal = self.portal(portal_id)
            key = (resolve_type(object_type).name, str(record_id))
            wanted = resolve_type(to_type).name if to_type else None
            out = []
            for (t, tid), kinds in portal.associations.of(key, wanted).items():
                target = portal.of_type(t).get(tid)
                if target is not None and not target.archived:
                    out.append((t, tid, sorted(kinds)))
            return sorted(out, key=lambda x: (x[0], int(x[1])))

    def set_search_delay(self, seconds: float) -> None:
        """Change the search indexing delay (simulated seconds)."""
        with self._lock:
            self.search_index_delay = timedelta(seconds=max(0.0, float(seconds)))

    # -------------------------------------------------------------------------------- seeding

    def seed(self, portal_id: int, seed: int, *, contacts: int = 20, companies: int = 5, products: int = 10,
             orders: int = 0, carts: int = 0) -> dict[str, list[str]]:
        """Fill a portal with Faker data (en_US and fr_FR, seeded: same seed, same records and ids)."""
        from fakes.hubspot.seeding import seed_portal

        with self._operation():
            return seed_portal(self, portal_id, seed, contacts=contacts, companies=companies, products=products,
                               orders=orders, carts=carts)
