"""Mutants of the app page the Shopify admin embeds (MKT-1; see catalogue.py).

Built like `zoo.py`: the reference engine with its page class swapped for one with a single behaviour changed;
`reference/` itself is never edited. MKT-1 is a SHOULD, so a mutant that breaks only it is rejected the way a
SHOULD rejects: the report warns, naming MKT-1 (`SHOULD_AIMS` in test_zoo.py); the run's exit code stays 0.
"""

from __future__ import annotations

from datetime import datetime

import jwt
from flask import Response

from reference.app_page import AppPage
from reference.engine import SyncEngine
from reference.session_token import TokenRefused
from reference.settings import Settings

_Z = "tests.mutants.zoo_app_page:"


class _PageTrustingAnyToken(AppPage):
    """Reads the session token without checking its signature, its times or its audience."""

    @staticmethod
    def shop_of(token: str | None, settings: Settings, now: datetime, domains: dict[str, str]) -> str:
        try:
            claims = jwt.decode(token or "", options={"verify_signature": False})
        except jwt.InvalidTokenError as error:
            raise TokenRefused(str(error)) from None
        dest = str(claims.get("dest", "")).removeprefix("https://").split("/")[0]
        if dest.lower() not in domains:
            raise TokenRefused("unknown shop")
        return domains[dest.lower()]


class TrustsAnySessionToken(SyncEngine):
    """Its app page shows the portal's forms and a shop's contacts to any token naming the shop: forged,
    expired or another app's (breaks MKT-1)."""

    page_class = _PageTrustingAnyToken


class _PageOfEveryShop(AppPage):
    """Lists the contacts synced from every shop, whichever shop opened the page."""

    def synced_from(self, shop: str) -> list:
        return self.state.links("contacts")


class ShowsEveryShopsContacts(SyncEngine):
    """Its app page in one shop's admin lists contacts synced only from another shop (breaks CON-2)."""

    page_class = _PageOfEveryShop


class _PageFramableAnywhere(AppPage):
    """Sends no frame-ancestors: any site may frame the page (clickjacking; Shopify's review refuses it)."""

    @staticmethod
    def _html(html: str, status: int, settings: Settings | None, shop: str | None) -> Response:
        response = AppPage._html(html, status, settings, shop)
        del response.headers["Content-Security-Policy"]
        return response


class FramableByAnySite(SyncEngine):
    """Its app page can be framed by any site, not only the shop's admin (breaks MKT-1)."""

    page_class = _PageFramableAnywhere


MUTANTS: dict[str, tuple[str, ...]] = {
    _Z + "TrustsAnySessionToken": ("MKT-1",),
    _Z + "ShowsEveryShopsContacts": ("CON-2",),
    _Z + "FramableByAnySite": ("MKT-1",),
}

SELECTIONS: dict[str, str] = {
    _Z + "TrustsAnySessionToken": "MKT-1",
    _Z + "ShowsEveryShopsContacts": "MKT-1",
    _Z + "FramableByAnySite": "MKT-1",
}
