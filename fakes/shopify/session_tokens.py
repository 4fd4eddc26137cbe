"""Shopify session tokens: the JWT the admin hands an embedded app on every load (docs/vendor-behaviour.md §10.1).

HS256, signed with the app's client secret; `iss` is the shop's admin, `dest` the shop, `aud` the app's client
id, `sub` the staff user; valid for one minute from `iat` (= `nbf`). Shopify's own libraries accept a clock
skew of 10 seconds either way (`CLOCK_TOLERANCE`); an app verifying tokens should do the same.
"""

from __future__ import annotations

import hashlib
import warnings
from datetime import datetime
from typing import Any

import jwt
from jwt.warnings import InsecureKeyLengthWarning

LIFETIME_SECONDS = 60
CLOCK_TOLERANCE = 10
ALGORITHM = "HS256"


def claims(*, shop: str, client_id: str, user_id: int, now: datetime, serial: int,
           lifetime: int = LIFETIME_SECONDS) -> dict[str, Any]:
    """The claims of the `serial`-th token the admin issues: deterministic, so a run replays exactly."""
    issued = int(now.timestamp())
    digest = hashlib.sha256(f"session-token:{shop}:{client_id}:{serial}".encode()).hexdigest()
    session = hashlib.sha256(f"session:{shop}:{client_id}:{user_id}".encode()).hexdigest()
    return {"iss": f"https://{shop}.myshopify.com/admin", "dest": f"https://{shop}.myshopify.com",
            "aud": client_id, "sub": str(user_id), "exp": issued + lifetime, "nbf": issued, "iat": issued,
            "jti": f"{digest[:8]}-{digest[8:12]}-4{digest[13:16]}-a{digest[17:20]}-{digest[20:32]}",
            "sid": session[:32], "sig": digest[32:64]}


def sign(payload: dict[str, Any], secret: str) -> str:
    """The compact JWT of `payload`, signed as Shopify signs session tokens (with whatever secret the app has:
    Shopify's own are 32 bytes, a test's may be shorter, and pyjwt's warning about that is not the fake's)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", InsecureKeyLengthWarning)
        return jwt.encode(payload, secret, algorithm=ALGORITHM, headers={"typ": "JWT"})
