"""The settings document of the process contract: its JSON schema and a validator.

The schema is data (`settings_schema.json`) so that implementations in any language can use it;
the README publishes it with an example.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from jsonschema import Draft202012Validator

SCHEMA_PATH = Path(__file__).with_name("settings_schema.json")
OBJECT_TYPES = ("contacts", "companies", "products", "orders", "carts")


@cache
def settings_schema() -> dict:
    """The JSON schema of the settings document."""
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


def settings_problems(document: object) -> list[str]:
    """Every way `document` breaks the schema, as `path: message` lines (empty when valid)."""
    validator = Draft202012Validator(settings_schema())
    problems = []
    for error in sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path)):
        where = "/".join(str(p) for p in error.absolute_path) or "(root)"
        problems.append(f"{where}: {error.message}")
    return problems


def example_settings(*, hubspot_url: str = "http://127.0.0.1:5002", shopify_url: str = "http://127.0.0.1:5001",
                     webhook_base: str = "http://127.0.0.1:5003") -> dict:
    """A complete, valid example (the one the README shows)."""
    return {
        "contract": "1",
        "hubspot": {"base_url": hubspot_url, "access_token": "pat-na1-demo", "portal_id": 101,
                    "tier": "professional", "ops_hub": "starter",
                    "app": {"app_id": 1001, "client_secret": "hubspot-app-secret"}},
        "shopify": {"client_id": "shopsync-app", "client_secret": "shopify-app-secret"},
        "shops": [{"shop": "demo", "domain": "demo.myshopify.com", "admin_url": f"{shopify_url}/shops/demo/admin",
                   "api_version": "2024-10", "authorization_code": "code-from-the-oauth-install"}],
        "objects": {
            "contacts": {"enabled": True, "only_with_email": True,
                         "mappings": [{"hubspot_property": "jobtitle", "shopify_field": "note",
                                       "direction": "to_hubspot"}]},
            "companies": {"enabled": True, "mappings": []},
            "products": {"enabled": True, "mappings": []},
            "orders": {"enabled": True, "mappings": []},
            "carts": {"enabled": True, "mappings": []},
        },
        "webhooks": {"shopify": f"{webhook_base}/webhooks/shopify", "hubspot": f"{webhook_base}/webhooks/hubspot"},
        "limits": {"poll_interval_seconds": 60},
    }
