"""The settings document (process contract 1): parsing, validation, and the default field mappings.

`parse_settings` turns the JSON document into a `Settings` value or raises `SettingsRefused` (a
ValueError, which the contract turns into 422) with a message a person can act on.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field

from reference.clients.shopify_records import READABLE, WRITABLE

OBJECT_TYPES = ("contacts", "companies", "products", "orders", "carts")
ONE_WAY = frozenset({"orders", "carts"})
DIRECTIONS = ("both", "to_hubspot", "to_shopify")
TIERS = ("free", "starter", "professional", "enterprise")
_URL = re.compile(r"^https?://")
_ORIGIN = re.compile(r"^https?://[^/?#]+$")
_PROPERTY = re.compile(r"^[a-z][a-z0-9_]*$")
_FIELD = re.compile(r"^[a-z][a-z0-9_.]*$")
_SHOP = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_DOMAIN = re.compile(r"^[a-z0-9][a-z0-9-]*\.myshopify\.com$")
_VERSION = re.compile(r"^(\d{4}-\d{2}|unstable)$")


class SettingsRefused(ValueError):
    """The settings document is refused; the message says why (the contract answers 422)."""


@dataclass(frozen=True)
class Mapping:
    """One HubSpot property <-> Shopify field pair and the direction changes may flow in."""

    hubspot_property: str
    shopify_field: str
    direction: str = "both"

    @property
    def to_hubspot(self) -> bool:
        """Whether Shopify values may be written to HubSpot."""
        return self.direction in ("both", "to_hubspot")

    @property
    def to_shopify(self) -> bool:
        """Whether HubSpot values may be written to Shopify."""
        return self.direction in ("both", "to_shopify")


def _m(spec: str) -> tuple[Mapping, ...]:
    """`prop=field:direction` words -> mappings (direction defaults to both)."""
    out = []
    for word in spec.split():
        pair, _, direction = word.partition(":")
        prop, _, path = pair.partition("=")
        out.append(Mapping(prop, path, direction or "both"))
    return tuple(out)


# The default mappings (docs/design.md#field-mappings, docs/vendor-behaviour.md §5.3). Orders and carts are computed
# records (objects/orders.py, objects/carts.py); their custom mappings add to_hubspot fields only.
DEFAULT_MAPPINGS: dict[str, tuple[Mapping, ...]] = {
    "contacts": _m("email=email firstname=first_name lastname=last_name phone=phone "
                   "address=default_address.address1:to_hubspot city=default_address.city:to_hubspot "
                   "state=default_address.province:to_hubspot zip=default_address.zip:to_hubspot "
                   "country=default_address.country:to_hubspot company=default_address.company:to_hubspot"),
    "companies": _m("name=name domain=website"),
    "products": _m("name=title description=body_html price=variants.0.price hs_sku=variants.0.sku"),
    "orders": (),
    "carts": (),
}


@dataclass(frozen=True)
class ObjectSettings:
    """The switches of one object type."""

    enabled: bool
    only_with_email: bool = True
    mappings: tuple[Mapping, ...] = ()

    def effective_mappings(self, name: str) -> tuple[Mapping, ...]:
        """Defaults, with custom mappings added or overriding the default of the same HubSpot property."""
        custom = {m.hubspot_property: m for m in self.mappings}
        merged = [custom.pop(m.hubspot_property, m) for m in DEFAULT_MAPPINGS[name]]
        return tuple(merged + list(custom.values()))

    def fingerprint(self) -> str:
        """Changes when a change of settings calls for a fresh full pass (filters or mappings)."""
        text = json.dumps([self.only_with_email, [m.__dict__ for m in self.mappings]], sort_keys=True)
        return hashlib.sha256(text.encode()).hexdigest()[:16]


@dataclass(frozen=True)
class ShopSettings:
    """One connected shop (CON-1: an OAuth code to exchange once, or an Admin API token)."""

    shop: str
    domain: str
    admin_url: str
    api_version: str
    authorization_code: str | None = None
    access_token: str | None = None

    @property
    def api_base(self) -> str:
        """The Admin REST base: `{admin_url}/api/{version}` (docs/vendor-behaviour.md §1.1)."""
        return f"{self.admin_url.rstrip('/')}/api/{self.api_version}"

    @property
    def credential_key(self) -> str:
        """Identifies the install: a new code (a reinstall) is a new install."""
        return hashlib.sha256((self.authorization_code or self.access_token or "").encode()).hexdigest()[:16]


@dataclass(frozen=True)
class Settings:
    """The whole configuration the engine works from."""

    hubspot_url: str
    hubspot_token: str
    portal_id: int
    tier: str
    ops_hub: str
    app_id: int | None
    app_secret: str | None
    developer_api_key: str | None
    shopify_client_id: str
    shopify_secret: str
    shops: tuple[ShopSettings, ...]
    objects: dict[str, ObjectSettings | None]
    webhook_shopify: str | None
    webhook_hubspot: str | None
    poll_interval: float = 60.0
    document: dict = field(default_factory=dict, compare=False)
    shopify_admin_origin: str | None = None  # the admin that embeds the app page (MKT-1)

    def enabled(self, name: str) -> bool:
        """Whether the sync of `name` is switched on."""
        entry = self.objects.get(name)
        return bool(entry and entry.enabled)

    def mappings(self, name: str) -> tuple[Mapping, ...]:
        """The effective mappings of an object type."""
        entry = self.objects.get(name) or ObjectSettings(False)
        return entry.effective_mappings(name)


def _need(cond: bool, message: str) -> None:
    if not cond:
        raise SettingsRefused(message)


def _only(obj: dict, allowed: set[str], where: str) -> None:
    """Refuse keys the contract does not define: a misspelt key is a setting silently not applied."""
    extra = set(obj) - allowed
    _need(not extra, f"{where} has unknown keys: {', '.join(sorted(extra))}")


def _section(obj: dict, key: str, where: str) -> dict:
    """An optional object member: absent is empty, anything but an object (null included) is refused."""
    value = obj.get(key, {})
    _need(isinstance(value, dict), f"{where}{key} must be an object")
    return value


def _text(obj: dict, key: str, where: str, *, pattern: re.Pattern | None = None, required: bool = True) -> str | None:
    value = obj.get(key)
    if value is None and not required:
        return None
    _need(isinstance(value, str) and value != "", f"{where}.{key} must be a non-empty string")
    _need(pattern is None or bool(pattern.match(value)), f"{where}.{key} has an invalid value {value!r}")
    return value


def _object(name: str, raw: object) -> ObjectSettings | None:
    if raw is None:
        return None
    where = f"objects.{name}"
    _need(isinstance(raw, dict), f"{where} must be an object or null")
    allowed = {"enabled", "mappings"} | ({"only_with_email"} if name not in ONE_WAY else set())
    extra = set(raw) - allowed
    _need(not extra, f"{where} has unknown keys: {', '.join(sorted(extra))}")
    _need(isinstance(raw.get("enabled"), bool), f"{where}.enabled must be true or false")
    only = raw.get("only_with_email", True)
    _need(isinstance(only, bool), f"{where}.only_with_email must be true or false")
    mappings = []
    raw_mappings = raw.get("mappings", [])
    _need(isinstance(raw_mappings, list), f"{where}.mappings must be a list")
    for i, m in enumerate(raw_mappings):
        at = f"{where}.mappings[{i}]"
        _need(isinstance(m, dict) and set(m) == {"hubspot_property", "shopify_field", "direction"},
              f"{at} needs exactly hubspot_property, shopify_field and direction")
        prop = _text(m, "hubspot_property", at, pattern=_PROPERTY)
        path = _text(m, "shopify_field", at, pattern=_FIELD)
        _need(m["direction"] in DIRECTIONS, f"{at}.direction must be one of {', '.join(DIRECTIONS)}")
        # SET-5: orders and carts flow one way, so only "to_hubspot" makes sense for them.
        _need(name not in ONE_WAY or m["direction"] == "to_hubspot",
              f"{at}: {name} sync one way (Shopify to HubSpot); its mappings must have direction "
              f"\"to_hubspot\", not {m['direction']!r}")
        readable, writable = READABLE.get(name, frozenset()), WRITABLE.get(name, frozenset())
        _need(path in readable, f"{at}: the sync does not read Shopify field {path!r} of {name}; it reads "
              f"{', '.join(sorted(readable))}")
        _need(m["direction"] == "to_hubspot" or path in writable,
              f"{at}: the sync cannot write Shopify field {path!r} of {name} (direction {m['direction']!r}); it "
              f"writes {', '.join(sorted(writable))}")
        mappings.append(Mapping(prop or "", path or "", m["direction"]))
    return ObjectSettings(raw["enabled"], only, tuple(mappings))


def parse_settings(document: object) -> Settings:
    """Validate and read a settings document; SettingsRefused with a clear message when it is not valid."""
    _need(isinstance(document, dict), "the settings document must be a JSON object")
    assert isinstance(document, dict)
    known = {"contract", "hubspot", "shopify", "shops", "objects", "webhooks", "limits"}
    _need(not (set(document) - known), f"unknown top-level keys: {', '.join(sorted(set(document) - known))}")
    _need(document.get("contract") == "1", 'contract must be "1"')
    hub = document.get("hubspot")
    _need(isinstance(hub, dict), "hubspot must be an object")
    _only(hub, {"base_url", "access_token", "portal_id", "tier", "ops_hub", "app"}, "hubspot")
    _text(hub, "base_url", "hubspot", pattern=_URL)
    _text(hub, "access_token", "hubspot")
    _need(isinstance(hub.get("portal_id"), int) and not isinstance(hub.get("portal_id"), bool)
          and hub["portal_id"] >= 1, "hubspot.portal_id must be a positive integer")
    _need(hub.get("tier") in TIERS, f"hubspot.tier must be one of {', '.join(TIERS)}")
    _need(hub.get("ops_hub") in TIERS, f"hubspot.ops_hub must be one of {', '.join(TIERS)}")
    app = _section(hub, "app", "hubspot.")
    if app:
        _only(app, {"app_id", "client_secret", "developer_api_key"}, "hubspot.app")
        _need(isinstance(app.get("app_id"), int) and not isinstance(app.get("app_id"), bool),
              "hubspot.app.app_id must be an integer")
        _text(app, "client_secret", "hubspot.app")
        _need(isinstance(app.get("developer_api_key", ""), str), "hubspot.app.developer_api_key must be a string")
    shopify = document.get("shopify")
    _need(isinstance(shopify, dict), "shopify must be an object")
    _only(shopify, {"client_id", "client_secret", "admin_origin"}, "shopify")
    _text(shopify, "client_id", "shopify")
    _text(shopify, "client_secret", "shopify")
    _text(shopify, "admin_origin", "shopify", pattern=_ORIGIN, required=False)
    raw_shops = document.get("shops")
    _need(isinstance(raw_shops, list), "shops must be a list")
    shops = []
    for i, s in enumerate(raw_shops):
        at = f"shops[{i}]"
        _need(isinstance(s, dict), f"{at} must be an object")
        _only(s, {"shop", "domain", "admin_url", "api_version", "authorization_code", "access_token"}, at)
        code, token = s.get("authorization_code"), s.get("access_token")
        _need(bool(code) != bool(token), f"{at} needs exactly one of authorization_code or access_token")
        shops.append(ShopSettings(_text(s, "shop", at, pattern=_SHOP) or "", _text(s, "domain", at, pattern=_DOMAIN)
                                  or "", _text(s, "admin_url", at, pattern=_URL) or "",
                                  _text(s, "api_version", at, pattern=_VERSION) or "", code, token))
    _need(len({s.shop for s in shops}) == len(shops), "shops lists a shop twice")
    raw_objects = document.get("objects")
    _need(isinstance(raw_objects, dict), "objects must be an object")
    unknown = set(raw_objects) - set(OBJECT_TYPES)
    _need(not unknown, f"objects has unknown object types: {', '.join(sorted(unknown))}")
    objects = {name: _object(name, raw_objects.get(name)) for name in OBJECT_TYPES}
    if hub["ops_hub"] == "free" and any(o and o.mappings for o in objects.values()):
        # CON-4: the article's wording; the previous settings stay in force (configure() keeps them).
        raise SettingsRefused("Custom field mappings require Operations Hub Starter or higher; this HubSpot account "
                              "has Operations Hub Free. The default mappings stay in force.")
    hooks = _section(document, "webhooks", "")
    _only(hooks, {"shopify", "hubspot"}, "webhooks")
    for key in ("shopify", "hubspot"):
        _text(hooks, key, "webhooks", pattern=_URL, required=False)
    limits = _section(document, "limits", "")
    _only(limits, {"poll_interval_seconds"}, "limits")
    interval = limits.get("poll_interval_seconds", 60)
    _need(isinstance(interval, int | float) and not isinstance(interval, bool) and 1 <= interval <= 600,
          "limits.poll_interval_seconds must be a number between 1 and 600")
    return Settings(
        hubspot_url=hub["base_url"].rstrip("/"), hubspot_token=hub["access_token"], portal_id=hub["portal_id"],
        tier=hub["tier"], ops_hub=hub["ops_hub"], app_id=app.get("app_id"), app_secret=app.get("client_secret"),
        developer_api_key=app.get("developer_api_key") or None, shopify_client_id=shopify["client_id"],
        shopify_secret=shopify["client_secret"], shops=tuple(shops), objects=objects,
        webhook_shopify=hooks.get("shopify"), webhook_hubspot=hooks.get("hubspot"), poll_interval=float(interval),
        document=document, shopify_admin_origin=shopify.get("admin_origin"))
