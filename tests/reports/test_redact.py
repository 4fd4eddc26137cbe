"""The redactor: it catches the known token shapes and the run's own secrets, and leaves ordinary data alone."""

from __future__ import annotations

import json

import pytest

from harness.tenants import derived_secret
from reports.model import Evidence, ScenarioResult
from reports.redact import PLACEHOLDER, Redactor

SHOPIFY_TOKEN = "shpat_" + "0f3a9c" * 5 + "d2"
HUBSPOT_TOKEN = "pat-na1-" + derived_secret(3, "hubspot-token", 36)
OAUTH_ACCESS = "C" + "4be0c1" * 10 + "abc"
OAUTH_REFRESH = "na1-9f2c-" + "ab12cd34" * 3 + "ab12"
APP_SECRET = derived_secret(3, "shopify-app")  # plain hex: only the known-value net can catch it
DEV_KEY = derived_secret(3, "devkey", 36)


@pytest.mark.parametrize("text, secret", [
    (f"X-Shopify-Access-Token: {SHOPIFY_TOKEN}", SHOPIFY_TOKEN),
    (f"token {SHOPIFY_TOKEN} refused", SHOPIFY_TOKEN),
    ("shared secret shpss_a1b2c3d4e5f6", "shpss_a1b2c3d4e5f6"),
    (f"Authorization: Bearer {HUBSPOT_TOKEN}", HUBSPOT_TOKEN),
    (f"HubSpot said 401 for {HUBSPOT_TOKEN}.", HUBSPOT_TOKEN),
    ("headers {'authorization': 'Bearer 9f8e7d6c5b4a3'}", "9f8e7d6c5b4a3"),
    (f"GET /oauth/v1/access-tokens/{OAUTH_ACCESS} -> 200", OAUTH_ACCESS),
    (f'{{"refresh_token": "{OAUTH_REFRESH}"}}', OAUTH_REFRESH),
    (f"PUT /webhooks/v3/100002/settings?hapikey={DEV_KEY}&portalId=101", DEV_KEY),
    ("client_id=shopsync-sync-app&client_secret=abcdef0123456789&code=5e5e5e5e5e5e", "abcdef0123456789"),
    ("client_id=shopsync-sync-app&client_secret=abcdef0123456789&code=5e5e5e5e5e5e", "5e5e5e5e5e5e"),
    ('settings: {"access_token": "whatever-it-is", "tier": "professional"}', "whatever-it-is"),
    ('{"client_secret": "s3cr3t-value"}', "s3cr3t-value"),
])
def test_token_shapes_are_caught_without_knowing_them(text: str, secret: str) -> None:
    redactor = Redactor()
    out = redactor.text(text)
    assert secret not in out and PLACEHOLDER in out and redactor.count >= 1


def test_the_runs_own_secrets_are_caught_anywhere_even_without_a_shape() -> None:
    redactor = Redactor([APP_SECRET, DEV_KEY, "tiny"])
    out = redactor.text(f"hmac key was {APP_SECRET}; dev key{DEV_KEY}x; tiny stays")
    assert APP_SECRET not in out and DEV_KEY not in out and "tiny stays" in out
    assert redactor.count == 2


def test_secret_keys_in_data_are_replaced_and_counted_once() -> None:
    settings = {"hubspot": {"access_token": HUBSPOT_TOKEN, "portal_id": 101,
                            "app": {"client_secret": APP_SECRET, "developer_api_key": DEV_KEY, "app_id": 100002}},
                "shopify": {"client_id": "shopsync-sync-app", "client_secret": APP_SECRET},
                "shops": [{"shop": "alpha", "authorization_code": "c0de" * 8, "domain": "alpha.myshopify.com"}],
                "headers": {"X-Shopify-Access-Token": SHOPIFY_TOKEN, "Content-Type": "application/json"}}
    redactor = Redactor([APP_SECRET])
    out = redactor.value(settings)
    assert redactor.count == 6
    text = json.dumps(out)
    assert all(s not in text for s in (HUBSPOT_TOKEN, APP_SECRET, DEV_KEY, "c0de" * 8, SHOPIFY_TOKEN))
    assert out["hubspot"]["portal_id"] == 101 and out["shops"][0]["domain"] == "alpha.myshopify.com"
    assert out["headers"]["Content-Type"] == "application/json"
    assert settings["hubspot"]["access_token"] == HUBSPOT_TOKEN, "the input is left as it was"
    # Redacting again finds nothing new.
    again = Redactor([APP_SECRET])
    assert again.value(out) == out and again.count == 0


def test_ordinary_data_is_left_alone() -> None:
    ordinary = {
        "email": "Ada.Lovelace@example.com", "updated_at": "2031-01-06T09:00:00-05:00", "title": "Bearer bonds",
        "note": "the bearer certificate was lost", "token": "9f1c2b3a4d5e6f708192a3b4c5d6e7f8",  # a checkout token
        "cart_token": "a3b4c5d6e7f8091a2b3c4d5e6f708192", "stage": "4b27b500-f031-4927-9811-68a0b525cbae",
        "discount_codes": [{"code": "SUMMER10", "amount": "10.00", "type": "fixed_amount"}],
        "error": {"category": "VALIDATION_ERROR", "code": "INVALID_EMAIL"},
        "link": '<https://alpha.myshopify.com/admin/api/2024-10/customers.json?limit=3&page_info=eyJsYXN0X2lkIjo3MX0>; '
                'rel="next"',
        "path": "/shops/alpha/admin/api/2024-10/orders.json", "query": "status=any&limit=250&since_id=7100000001",
        "check": "CNT-1: contact ada@example.com linked, not duplicated", "caller": "private-app:100001:shopsync",
        "gid": "gid://shopify/Customer/7100000001", "count": 3, "price": "12.00", "name": "#1001",
    }
    redactor = Redactor(["not-in-there"])
    assert redactor.value(ordinary) == ordinary and redactor.count == 0


def test_a_scenario_result_is_redacted_in_place_and_a_copy_leaves_the_original() -> None:
    call = {"path": "/webhooks/v3/1/settings", "query": f"hapikey={DEV_KEY}"}
    result = ScenarioResult("CON-1/x", "t", ["CON-1"], 1, "fail", message=f"refused {SHOPIFY_TOKEN}",
                            evidence=[Evidence("CON-1: token", "a token", {"access_token": SHOPIFY_TOKEN},
                                               calls=[call])],
                            output=f"settings: {json.dumps({'client_secret': APP_SECRET})}")
    copied = Redactor([APP_SECRET]).copy(result)
    assert SHOPIFY_TOKEN in result.message
    redactor = Redactor([APP_SECRET])
    redactor.in_place(result)
    assert result == copied and redactor.count == 4
    text = json.dumps(result.__dict__, default=lambda o: o.__dict__)
    assert all(s not in text for s in (SHOPIFY_TOKEN, DEV_KEY, APP_SECRET))
