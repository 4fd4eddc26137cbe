"""MKT: the HubSpot app inside the Shopify admin, judged in a headless browser.

The merchant opens the app from the fake Shopify admin of one shop: the admin embeds the implementation's page
(its `app_url`) in an iframe with a fresh session token. The page must list the portal's forms and chatflows and
the contacts synced from that shop, and none synced only from another (CON-2), across its pages; and it must
refuse, with 401 and nothing of the portal, a token that is forged, expired, for another app or another shop.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any
from urllib.parse import urlencode, urlsplit

from fakes.shopify.admin import embedded_query
from fakes.shopify.session_tokens import claims, sign
from harness.adapters import APP_PAGE_CAPABILITY
from harness.tenants import SHOPIFY_APP, derived_secret
from scenarios.browser import Browser, BrowserMissing
from scenarios.dsl import ScenarioSkipped, Sim, norm_email, scenario

CONTACTS_IN_ALPHA = 23  # more than one page of 20, so the page must be paged
MAX_PAGES = 24  # pages the judge follows inside the frame (forms x contacts pages of a seeded portal: 2 x 2)
NEXT = re.compile(r"\bnext\b", re.IGNORECASE)


@scenario("MKT-1", "CON-2", title="the HubSpot app inside the Shopify admin lists forms, chatflows and that shop's "
          "contacts, and refuses a bad session token", shops=("alpha", "beta"))
def app_inside_shopify(w: Sim) -> None:
    capabilities = w.health.capabilities if w.health else ()
    if capabilities and APP_PAGE_CAPABILITY not in capabilities:
        w.expect(False, "MKT-1: no app page inside Shopify", expected=f"the {APP_PAGE_CAPABILITY} capability and "
                 "an app_url in /health", found=list(capabilities))
        return
    app_url = w.health.app_url if w.health else None
    if not w.expect(app_url is not None, "MKT-1: /health gives no app_url for the admin to embed",
                    expected="an http(s) app_url", found=None):
        return
    people = _history(w)
    w.sync.enable("contacts")
    w.settle()
    expected = _expected(w, people)
    try:
        with w.world.acting("app-page"), Browser.for_world(w.world, w.world.implementation.app_page()) as browser:
            _judge_admin_page(w, browser, app_url, expected)
            _judge_refusals(w, browser, app_url, expected)
            w.expect(not browser.refused, "MKT-1: the app page asked for hosts outside the simulated world",
                     expected="no request to other hosts (pages must work offline)", found=browser.refused[:10])
    except BrowserMissing as missing:
        raise ScenarioSkipped(f"MKT-1 needs a browser: {missing}") from None


def _history(w: Sim) -> dict[str, list[str]]:
    alpha = [w.shopify.create_customer("alpha", email=f"alpha.buyer{i}@example.com", first_name=f"Alma{i}",
                                       last_name="Alpha") for i in range(CONTACTS_IN_ALPHA)]
    beta = [w.shopify.create_customer("beta", email=f"beta.buyer{i}@example.com", first_name=f"Bruno{i}",
                                      last_name="Beta") for i in range(3)]
    # One person buys in both shops: one HubSpot contact linked to both customers (CON-2), shown in both.
    w.shopify.create_customer("alpha", email="both.shops@example.com", first_name="Bea", last_name="Both")
    w.shopify.create_customer("beta", email="both.shops@example.com", first_name="Bea", last_name="Both")
    return {"alpha": [f"alpha.buyer{i}@example.com" for i in range(len(alpha))] + ["both.shops@example.com"],
            "beta_only": [f"beta.buyer{i}@example.com" for i in range(len(beta))]}


def _expected(w: Sim, people: dict[str, list[str]]) -> dict[str, Any]:
    tools = w.world.hubspot.portal(w.world.portal.portal_id).marketing
    shown = [norm_email(e) for e in people["alpha"]]
    return {"forms": [f.name for f in tools.live_forms()],
            "archived_forms": [f.name for f in tools.forms if f.archived],
            "chatflows": [a.name for a in tools.chatflows()],
            "contacts": [e for e in shown if w.hubspot.contact_by_email(e) is not None],
            "other_shop": [norm_email(e) for e in people["beta_only"]]}


def _judge_admin_page(w: Sim, browser: Browser, app_url: str, expected: dict[str, Any]) -> None:
    admin = f"{w.world.shopify_url}/store/alpha/apps/{SHOPIFY_APP}"
    page, response = browser.open(admin)
    if not w.expect(response is not None and response.status == 200, "MKT-1: the admin page of the app",
                    expected="200", found=response.status if response else None):
        return
    frame = _app_frame(page, app_url)
    shot = page.screenshot(full_page=False, type="png")
    w.attach("screenshot", "The Shopify admin of alpha with the app inside (MKT-1)", "image/png", shot)
    if not w.expect(frame is not None, "MKT-1: the admin's iframe did not show the app page",
                    expected=f"a frame loaded from {_origin(app_url)}",
                    found=[f.url.split("?")[0] for f in page.frames]):
        return
    texts, pages, keyboard, policy = _read_all_pages(page, frame)
    seen = "\n".join(texts).lower()
    w.note(f"MKT-1: the app page was read over {pages} page(s) inside the admin's iframe")
    missing_forms = [n for n in expected["forms"] if n.lower() not in seen]
    w.expect(not missing_forms, "MKT-1: forms of the portal missing from the app page",
             expected=f"all {len(expected['forms'])} forms", found=missing_forms[:10])
    shown_archived = [n for n in expected["archived_forms"] if n.lower() in seen]
    w.expect(not shown_archived, "MKT-1: archived forms listed as the portal's forms", expected="none",
             found=shown_archived)
    missing_chats = [n for n in expected["chatflows"] if n.lower() not in seen]
    w.expect(not missing_chats, "MKT-1: chatflows of the portal missing from the app page",
             expected=expected["chatflows"], found=missing_chats)
    missing_contacts = [e for e in expected["contacts"] if e not in seen]
    w.expect(len(expected["contacts"]) > 20 and not missing_contacts,
             "MKT-1: contacts synced from the shop missing from the app page",
             expected=f"all {len(expected['contacts'])} contacts synced from alpha (over more than one page)",
             found=missing_contacts[:10])
    leaked = [e for e in expected["other_shop"] if e in seen]
    w.expect(not leaked, "CON-2: the app page of alpha shows contacts synced only from beta", expected="none",
             found=leaked)
    w.expect(keyboard, "MKT-1: the app page's Next links do not work from the keyboard",
             expected="focus + Enter opens the next page", found="no navigation")
    ancestors = re.search(r"frame-ancestors\s+([^;]*)", policy or "")
    sources = ancestors.group(1).split() if ancestors else []
    w.expect(bool(sources) and not any(src in ("*", "https:", "http:") or "*" in src for src in sources),
             "MKT-1: the app page may be framed by any site (no frame-ancestors for the shop's admin)",
             expected="Content-Security-Policy: frame-ancestors <the shop> <the Shopify admin>", found=policy)
    _judge_structure(w, frame)


def _app_frame(page: Any, app_url: str) -> Any:
    """The frame the admin's iframe loaded from the app's origin, once its document has loaded."""
    iframe = page.locator("iframe").first
    try:
        iframe.wait_for(state="attached")
        handle = iframe.element_handle()
        frame = handle.content_frame() if handle else None
        if frame is None:
            return None
        frame.wait_for_load_state("load")
    except Exception:  # a frame that never came is judged, not raised
        return None
    return frame if _origin(frame.url) == _origin(app_url) else None


def _read_all_pages(page: Any, frame: Any) -> tuple[list[str], int, bool, str | None]:
    """The text of every page reachable from the first by links named Next (the first one followed by keyboard:
    focus, Enter), at most MAX_PAGES; whether keyboard navigation worked; the first page's Content-Security-Policy
    (its document is asked for again, with the same token, to read the header)."""
    texts: list[str] = []
    queue, seen_urls = [frame.url], {frame.url}
    keyboard, policy = True, None
    while queue and len(texts) < MAX_PAGES:
        url = queue.pop(0)
        if frame.url != url or policy is None:
            response = frame.goto(url, wait_until="load")
            if policy is None:
                policy = (response.all_headers() if response is not None else {}).get("content-security-policy", "")
        texts.append(frame.locator("body").inner_text())
        targets = [link.evaluate("e => e.href") for link in frame.get_by_role("link", name=NEXT).all()]
        for index, target in enumerate(targets):
            if target in seen_urls:
                continue
            seen_urls.add(target)
            queue.append(target)
            if index == 0 and len(seen_urls) == 2:  # once per run: the first Next link, by keyboard
                link = frame.get_by_role("link", name=NEXT).first
                link.focus()
                with frame.expect_navigation(wait_until="load"):
                    page.keyboard.press("Enter")
                keyboard = frame.url == target
    return texts, len(texts), keyboard, policy


def _judge_structure(w: Sim, frame: Any) -> None:
    """What a screen reader needs: a language, one main heading, and headings for the lists."""
    lang = frame.evaluate("document.documentElement.lang")
    headings = frame.get_by_role("heading").all_inner_texts()
    h1 = frame.get_by_role("heading", level=1).count()
    w.expect(bool(lang) and h1 >= 1 and len(headings) >= 2, "MKT-1: the app page is not structured for assistive "
             "technology", expected="<html lang>, an h1 and headings for its lists",
             found={"lang": lang, "h1": h1, "headings": headings[:6]})


def _judge_refusals(w: Sim, browser: Browser, app_url: str, expected: dict[str, Any]) -> None:
    """Tokens the page must refuse with 401, showing nothing of the portal or the shop."""
    now = w.now()
    secret = derived_secret(w.world.seed, "shopify-app")
    store = w.world.shopify

    def token(shop: str, *, key: str = secret, audience: str = SHOPIFY_APP, at=now) -> str:
        payload = claims(shop=shop, client_id=SHOPIFY_APP, user_id=store.owner_id(shop), now=at, serial=10_000)
        return sign({**payload, "aud": audience}, key)

    cases = {
        "forged (signed with another secret)": token("alpha", key=secret[::-1]),
        "expired (issued five minutes ago)": token("alpha", at=now - timedelta(minutes=5)),
        "for another app": token("alpha", audience="another-app"),
        "for another shop (beta's token, alpha's address)": token("beta"),
    }
    data = [n.lower() for n in expected["forms"][:5]] + expected["contacts"][:5]
    for case, value in cases.items():
        query = embedded_query("alpha", SHOPIFY_APP, secret, value, int(now.timestamp()))
        page, response = browser.open(f"{app_url}{'&' if urlsplit(app_url).query else '?'}{urlencode(query)}")
        status = response.status if response is not None else None
        text = page.locator("body").inner_text().lower() if response is not None else ""
        page.close()
        w.tried("forged session token", refused=status == 401)
        w.expect(status == 401, f"MKT-1: a session token {case} was not refused", expected=401, found=status)
        shown = [item for item in data if item in text]
        w.expect(not shown, f"MKT-1: the page refused a session token {case} but showed data", expected="nothing",
                 found=shown)


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"
