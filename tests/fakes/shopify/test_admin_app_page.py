"""The Shopify admin's page of an embedded app: the iframe, Shopify's embedded query, and session tokens that
the official ShopifyAPI library's own verifier accepts (docs/vendor-behaviour.md §10.1)."""

from __future__ import annotations

import base64
import html
import re
from datetime import UTC, datetime
from urllib.parse import parse_qsl, urlsplit

import jwt
import pytest
import shopify.session_token as sdk_session_token

from fakes.audit import AuditLog
from fakes.clock import SimClock
from fakes.outbox import Outbox
from fakes.shopify.app import create_app
from fakes.shopify.demo import DEMO_APP, DEMO_APP_SECRET, DEMO_SHOP
from fakes.shopify.oauth import callback_hmac
from fakes.shopify.session_tokens import CLOCK_TOLERANCE, LIFETIME_SECONDS
from fakes.shopify.store import ShopifyStore

APP_URL = "https://sync.example/app?mode=embedded"
# The demo app's secret is shorter than Shopify's 32 bytes; pyjwt says so when a test decodes with it.
pytestmark = pytest.mark.filterwarnings("ignore::jwt.warnings.InsecureKeyLengthWarning")
PAGE = f"/store/{DEMO_SHOP}/apps/{DEMO_APP}"


@pytest.fixture
def embedded(store: ShopifyStore) -> ShopifyStore:
    store.set_application_url(DEMO_APP, APP_URL)
    return store


def _iframe_query(response) -> dict[str, str]:
    assert response.status_code == 200, response.get_data(as_text=True)
    src = html.unescape(re.search(r'<iframe[^>]* src="([^"]+)"', response.get_data(as_text=True)).group(1))
    assert src.startswith("https://sync.example/app?mode=embedded&")  # the app's own query kept, ours appended
    return dict(parse_qsl(urlsplit(src).query))


def test_the_admin_embeds_the_app_with_shopifys_signed_query(embedded: ShopifyStore, app, clock: SimClock) -> None:
    query = _iframe_query(app.test_client().get(PAGE))
    assert {"embedded", "hmac", "host", "id_token", "locale", "session", "shop", "timestamp", "mode"} == set(query)
    assert query["embedded"] == "1" and query["shop"] == f"{DEMO_SHOP}.myshopify.com"
    assert base64.b64decode(query["host"] + "==").decode() == f"admin.shopify.com/store/{DEMO_SHOP}"
    assert query["timestamp"] == str(int(clock.now().timestamp()))
    signed = {k: v for k, v in query.items() if k != "mode"}
    assert query["hmac"] == callback_hmac(signed, DEMO_APP_SECRET)


def test_the_session_token_has_shopifys_claims_and_lives_one_minute(embedded: ShopifyStore, app,
                                                                    clock: SimClock) -> None:
    token = _iframe_query(app.test_client().get(PAGE))["id_token"]
    assert jwt.get_unverified_header(token) == {"alg": "HS256", "typ": "JWT"}
    claims = jwt.decode(token, DEMO_APP_SECRET, algorithms=["HS256"], audience=DEMO_APP,
                        options={"verify_exp": False, "verify_nbf": False, "verify_iat": False})
    now = int(clock.now().timestamp())
    assert claims["iss"] == f"https://{DEMO_SHOP}.myshopify.com/admin"
    assert claims["dest"] == f"https://{DEMO_SHOP}.myshopify.com"
    assert claims["sub"] == str(embedded.owner_id(DEMO_SHOP))
    assert (claims["iat"], claims["nbf"], claims["exp"]) == (now, now, now + LIFETIME_SECONDS)
    assert {"jti", "sid", "sig"} <= set(claims)
    with pytest.raises(jwt.InvalidSignatureError):
        jwt.decode(token, "another secret", algorithms=["HS256"], audience=DEMO_APP)


def test_each_load_mints_a_fresh_token_for_the_same_session(embedded: ShopifyStore, app) -> None:
    first = _iframe_query(app.test_client().get(PAGE))
    second = _iframe_query(app.test_client().get(PAGE))
    decoded = [jwt.decode(q["id_token"], options={"verify_signature": False}) for q in (first, second)]
    assert decoded[0]["jti"] != decoded[1]["jti"] and decoded[0]["sid"] == decoded[1]["sid"]


def test_shopifyapis_own_verifier_accepts_the_token_within_its_leeway() -> None:
    # ShopifyAPI checks times against the machine's clock: this fake runs at the real now for this test only.
    clock = SimClock(datetime.now(UTC).replace(microsecond=0))
    store = ShopifyStore(clock, Outbox())
    store.add_app(DEMO_APP, DEMO_APP_SECRET, "demo")
    store.add_shop(DEMO_SHOP)
    store.issue_token(DEMO_SHOP, DEMO_APP)
    store.set_application_url(DEMO_APP, APP_URL)
    token = _iframe_query(create_app(store).test_client().get(PAGE))["id_token"]
    payload = sdk_session_token.decode_from_header(f"Bearer {token}", DEMO_APP, DEMO_APP_SECRET)
    assert payload["dest"] == f"https://{DEMO_SHOP}.myshopify.com"
    assert sdk_session_token.LEEWAY_SECONDS == CLOCK_TOLERANCE
    # A minute and the leeway later (by the machine's clock, as the library reads it) the token is refused.
    claims = jwt.decode(token, options={"verify_signature": False})
    late = {**claims, "exp": claims["exp"] - LIFETIME_SECONDS - CLOCK_TOLERANCE - 5}
    expired = jwt.encode(late, DEMO_APP_SECRET, algorithm="HS256")
    with pytest.raises(sdk_session_token.SessionTokenError):
        sdk_session_token.decode_from_header(f"Bearer {expired}", DEMO_APP, DEMO_APP_SECRET)
    with pytest.raises(sdk_session_token.SessionTokenError):
        sdk_session_token.decode_from_header(f"Bearer {token}", "another-app", DEMO_APP_SECRET)


def test_no_page_for_an_unknown_shop_an_app_not_installed_or_without_a_url(store: ShopifyStore, app) -> None:
    client = app.test_client()
    assert client.get(PAGE).status_code == 404  # no application URL yet
    store.set_application_url(DEMO_APP, APP_URL)
    assert client.get(f"/store/nowhere/apps/{DEMO_APP}").status_code == 404
    store.add_app("other-app", "other-secret", "Other")
    store.set_application_url("other-app", APP_URL)
    refused = client.get(f"/store/{DEMO_SHOP}/apps/other-app")
    assert refused.status_code == 404 and "not installed" in refused.get_data(as_text=True)
    store.uninstall(DEMO_SHOP, DEMO_APP)
    assert client.get(PAGE).status_code == 404


def test_the_admin_page_has_no_script_and_is_neither_audited_nor_an_api_call(embedded: ShopifyStore) -> None:
    audit = AuditLog()
    page = create_app(embedded, audit=audit).test_client().get(PAGE).get_data(as_text=True)
    assert "<script" not in page and 'title="shopsync demo app"' in page
    assert len(audit) == 0


def test_the_harness_sets_the_application_url(store: ShopifyStore, app) -> None:
    client = app.test_client()
    answer = client.put(f"/_harness/apps/{DEMO_APP}/application-url", json={"url": APP_URL})
    assert answer.status_code == 200 and store.apps[DEMO_APP].application_url == APP_URL
    assert client.put(f"/_harness/apps/{DEMO_APP}/application-url", json={"url": "ftp://x"}).status_code == 400
    assert client.put("/_harness/apps/nobody/application-url", json={"url": APP_URL}).status_code == 400
    assert client.put(f"/_harness/apps/{DEMO_APP}/application-url", json={"url": None}).status_code == 200
    assert store.apps[DEMO_APP].application_url is None


def test_snapshot_keeps_the_url_and_the_token_serial(embedded: ShopifyStore, app) -> None:
    from fakes.shopify.snapshot import dump, load

    _iframe_query(app.test_client().get(PAGE))
    again = ShopifyStore(SimClock(), Outbox())
    load(again, dump(embedded))
    assert again.apps[DEMO_APP].application_url == APP_URL
    assert again.session_token(DEMO_SHOP, DEMO_APP) == embedded.session_token(DEMO_SHOP, DEMO_APP)
