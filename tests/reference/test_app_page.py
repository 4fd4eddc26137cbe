"""The reference engine's page inside the Shopify admin (MKT-1): session tokens, what it lists, and refusals."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qsl, urlencode, urlsplit

import httpx
import jwt
import pytest

from fakes.shopify.admin import embedded_query
from fakes.shopify.session_tokens import claims, sign
from harness.tenants import SHOPIFY_APP, derived_secret
from reference.session_token import TOLERANCE_SECONDS, TokenRefused, verify

SECRET = "s" * 32
NOW = datetime(2030, 3, 1, 12, 0, tzinfo=UTC)
DOMAINS = {"alpha.myshopify.com": "alpha", "beta.myshopify.com": "beta"}


def _token(shop: str = "alpha", *, at: datetime = NOW, secret: str = SECRET, **changes) -> str:
    return sign({**claims(shop=shop, client_id="app", user_id=1, now=at, serial=1), **changes}, secret)


def _verify(token: str | None, now: datetime = NOW) -> str:
    return verify(token, client_id="app", secret=SECRET, now=now, domains=DOMAINS)


def test_a_valid_token_names_its_shop_within_its_minute_and_the_tolerance() -> None:
    assert _verify(_token()) == "alpha" and _verify(_token("beta")) == "beta"
    assert _verify(_token(), NOW + timedelta(seconds=60 + TOLERANCE_SECONDS)) == "alpha"
    assert _verify(_token(), NOW - timedelta(seconds=TOLERANCE_SECONDS)) == "alpha"


@pytest.mark.parametrize(("token", "now", "why"), [
    (None, NOW, "no session token"),
    ("not.a.jwt", NOW, "does not verify"),
    (_token(secret="t" * 32), NOW, "does not verify"),
    (_token(aud="another-app"), NOW, "another app"),
    (_token(), NOW + timedelta(seconds=61 + TOLERANCE_SECONDS), "expired"),
    (_token(), NOW - timedelta(seconds=TOLERANCE_SECONDS + 1), "not valid yet"),
    (_token("gamma"), NOW, "not connected"),
    (_token(iss="https://beta.myshopify.com/admin"), NOW, "issuer"),
    (sign({"dest": "https://alpha.myshopify.com", "aud": "app"}, SECRET), NOW, "does not verify"),
], ids=["none", "garbage", "forged", "other-app", "expired", "early", "unknown-shop", "issuer-mismatch",
        "claims-missing"])
def test_a_bad_token_is_refused_saying_why(token: str | None, now: datetime, why: str) -> None:
    with pytest.raises(TokenRefused, match=why):
        _verify(token, now)


def test_the_times_are_the_simulated_ones_not_the_machines() -> None:
    # A token of 2030 verifies at 2030's simulated now, whatever the machine's date is.
    assert datetime.now(UTC) < NOW and _verify(_token()) == "alpha"


# ---------------------------------------------------------------------- the page, end to end


def _page(sim, shop: str = "alpha", token: str | None = None, **extra: str) -> httpx.Response:
    world = sim.w
    page = world.implementation.app_page()
    secret = derived_secret(world.seed, "shopify-app")
    token = token if token is not None else world.shopify.session_token(shop, SHOPIFY_APP)
    query = {**embedded_query(shop, SHOPIFY_APP, secret, token, int(world.now().timestamp())), **extra}
    with httpx.Client(transport=httpx.WSGITransport(app=page), base_url="http://impl.sim") as client:
        return client.get(f"/app/?{urlencode(query)}")


def _emails(response: httpx.Response) -> set[str]:
    return set(re.findall(r"[\w.+-]+@example\.com", html.unescape(response.text)))


def test_the_page_lists_forms_chatflows_and_only_that_shops_contacts_paged(sim) -> None:
    s = sim("alpha", "beta")
    for i in range(23):
        s.w.shopify.create_customer("alpha", {"email": f"a{i}@example.com", "first_name": f"A{i}"})
    s.w.shopify.create_customer("beta", {"email": "b0@example.com", "first_name": "B0"})
    s.w.shopify.create_customer("beta", {"email": "a0@example.com", "first_name": "A0"})
    s.enable("contacts")
    s.settle()
    first = _page(s)
    assert first.status_code == 200, first.text
    assert first.headers["Content-Security-Policy"] == \
        "frame-ancestors http://shopify.sim https://alpha.myshopify.com"
    tools = s.w.hubspot.portal(s.pid).marketing
    text = html.unescape(first.text)
    assert all(f.name in text for f in tools.live_forms()[:20]) and tools.live_forms()[20].name not in text
    assert all(a.name in text for a in tools.chatflows())
    assert "23 contacts synced from this store" in text
    assert len(_emails(first)) == 20 and "b0@example.com" not in _emails(first)
    links = dict(re.findall(r'<a href="([^"]+)">(Next \w+)</a>', first.text))
    by_name = {name: html.unescape(href) for href, name in links.items()}
    assert set(by_name) == {"Next forms", "Next contacts"}
    cursor = dict(parse_qsl(urlsplit(by_name["Next contacts"]).query))
    second = _page(s, token=cursor["id_token"], contacts_after=cursor["contacts_after"])
    assert _emails(second) | _emails(first) == {f"a{i}@example.com" for i in range(23)}
    forms_cursor = dict(parse_qsl(urlsplit(by_name["Next forms"]).query))
    more = html.unescape(_page(s, forms_after=forms_cursor["forms_after"]).text)
    assert all(f.name in more for f in tools.live_forms()[20:])
    beta = _page(s, "beta")
    assert _emails(beta) == {"b0@example.com", "a0@example.com"}  # the contact of both shops shows in both


def test_the_page_refuses_bad_tokens_with_401_and_shows_nothing(sim) -> None:
    s = sim("alpha", "beta")
    s.w.shopify.create_customer("alpha", {"email": "secretive@example.com", "first_name": "S"})
    s.enable("contacts")
    s.settle()
    secret = derived_secret(s.w.seed, "shopify-app")
    now = s.w.now()
    bad = {
        "forged": sign(claims(shop="alpha", client_id=SHOPIFY_APP, user_id=1, now=now, serial=9), "x" * 32),
        "expired": sign(claims(shop="alpha", client_id=SHOPIFY_APP, user_id=1, now=now - timedelta(minutes=5),
                               serial=9), secret),
        "other-app": sign({**claims(shop="alpha", client_id=SHOPIFY_APP, user_id=1, now=now, serial=9),
                           "aud": "other"}, secret),
        "other-shop": s.w.shopify.session_token("beta", SHOPIFY_APP),
        "missing": "",
    }
    forms = [f.name for f in s.w.hubspot.portal(s.pid).marketing.live_forms()]
    for case, token in bad.items():
        response = _page(s, token=token)
        assert response.status_code == 401, case
        assert "secretive@example.com" not in response.text and forms[0] not in html.unescape(response.text), case
    assert jwt.decode(bad["other-shop"], options={"verify_signature": False})["dest"].startswith("https://beta")


def test_no_page_before_the_first_tick(sim) -> None:
    s = sim("alpha")
    response = _page(s)
    assert response.status_code == 503 and "not started" in response.text


def test_the_process_contract_serves_the_page_and_names_it_in_health() -> None:
    from harness.adapters import InProcess
    from harness.serve_impl import contract_app
    from reference.engine import SyncEngine

    adapter = InProcess(SyncEngine, "reference")
    adapter.obj = SyncEngine()
    client = contract_app(adapter, "http://127.0.0.1:9").test_client()
    health = client.get("/health").json
    assert health["app_url"] == "http://127.0.0.1:9/app/" and "shopify-app-page" in health["capabilities"]
    assert client.get("/app/?id_token=x").status_code == 503  # no settings yet: not connected
    assert client.get("/apps").status_code == 404
