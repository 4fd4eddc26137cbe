"""Verifying the session token the Shopify admin gives the embedded app page on every load.

A token is Shopify's when its HS256 signature verifies with the app's client secret; it is for this app when
`aud` is the app's client id; it is current when `nbf` and `exp` hold at the simulated now (the last tick's,
the only clock an implementation may read) within Shopify's libraries' 10 s tolerance; it names a shop when
`iss` is that shop's admin and `dest` the shop, one of the shops in the settings.
"""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urlsplit

import jwt

TOLERANCE_SECONDS = 10
REQUIRED = ("iss", "dest", "aud", "sub", "exp", "nbf", "iat")


class TokenRefused(Exception):
    """The token does not let anyone see the page; the message says why (never what it would have shown)."""


def verify(token: str | None, *, client_id: str, secret: str, now: datetime, domains: dict[str, str]) -> str:
    """The shop (its name in the settings) the token is for; TokenRefused otherwise.

    `domains` maps each connected shop's domain (`alpha.myshopify.com`) to its name.
    """
    if not token:
        raise TokenRefused("no session token")
    try:
        # Times are checked below against the simulated clock, not the machine's.
        claims = jwt.decode(token, secret, algorithms=["HS256"], audience=client_id,
                            options={"verify_exp": False, "verify_nbf": False, "verify_iat": False,
                                     "require": list(REQUIRED)})
    except jwt.InvalidAudienceError:
        raise TokenRefused("the session token is for another app") from None
    except jwt.InvalidTokenError as error:
        raise TokenRefused(f"the session token does not verify: {error}") from None
    instant = now.timestamp()
    try:
        expires, not_before = float(claims["exp"]), float(claims["nbf"])
    except (TypeError, ValueError):
        raise TokenRefused("the session token's times are not numbers") from None
    if instant > expires + TOLERANCE_SECONDS:
        raise TokenRefused("the session token has expired")
    if instant < not_before - TOLERANCE_SECONDS:
        raise TokenRefused("the session token is not valid yet")
    dest = urlsplit(str(claims["dest"])).hostname or ""
    issuer = urlsplit(str(claims["iss"])).hostname or ""
    if not dest or issuer != dest:
        raise TokenRefused("the session token's issuer is not its shop's admin")
    shop = domains.get(dest.lower())
    if shop is None:
        raise TokenRefused("the session token is for a shop this sync is not connected to")
    return shop
