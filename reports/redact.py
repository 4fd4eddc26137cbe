"""Secrets never reach an artifact: the one redactor every report, result file and replay bundle goes through.

A run handles real-looking credentials: Shopify access tokens (`shpat_...`), the app's client secret
(which also signs webhooks), OAuth authorization codes, HubSpot private-app tokens (`pat-na1-...`),
OAuth access and refresh tokens, the public app's client secret and developer API key. They can
surface in evidence (a settings document, an implementation's error message), in audit-log calls
(`?hapikey=...`, `/oauth/v1/access-tokens/<token>`), in timelines and in an implementation's output.

Two nets, so one can miss what the other catches:

* known values: the exact secrets the run minted (the runner hands them over; most are plain hex
  with no recognisable shape), replaced wherever they appear inside any text;
* shapes and names: token formats of both vendors, `Bearer ...`, credential query parameters and
  JSON fields, and dict keys that name a credential. These need no list, so a writer that never
  saw the run (`shopsync report` re-rendering an old `conformance.json`) still applies them.

Redaction returns new values (or works on a deep copy); `count` says how many secrets went.
"""

from __future__ import annotations

import copy
import dataclasses
import re
from collections.abc import Iterable
from typing import Any

PLACEHOLDER = "[redacted]"
MIN_KNOWN = 6  # shorter "secrets" would blank out ordinary words

# Keys whose value is a credential wherever they appear (settings documents, token responses, headers).
SECRET_KEYS = frozenset({
    "access_token", "refresh_token", "client_secret", "developer_api_key", "authorization_code", "hapikey",
    "api_key", "apikey", "password", "secret", "authorization", "x_shopify_access_token", "code",
})
# `code` is a credential in an OAuth callback or token request, but an ordinary word elsewhere (a
# discount code, an error code): as a key it is redacted only next to other OAuth fields.
_OAUTH_NEIGHBOURS = frozenset({"client_id", "client_secret", "redirect_uri", "grant_type", "shop", "state", "hmac"})

_CREDENTIAL_NAMES = (r"access_token|refresh_token|client_secret|developer_api_key|authorization_code|hapikey"
                     r"|api_key|password")
# Each shape names the secret part `s`; what surrounds it (a header name, `hapikey=`) stays readable.
_SHAPES: tuple[re.Pattern[str], ...] = (
    # Shopify: Admin API tokens (shpat, shpca, shppa) and app shared secrets (shpss).
    re.compile(r"(?P<s>\bshp(?:at|ca|pa|ss)_[A-Za-z0-9_]{4,})"),
    # HubSpot private-app tokens, per data centre (pat-na1-..., pat-eu1-...).
    re.compile(r"(?P<s>\bpat-[a-z]{2}\d-[A-Za-z0-9-]{8,})"),
    # HubSpot OAuth refresh tokens (na1-xxxx-...) and access tokens (a long run starting with C).
    re.compile(r"(?P<s>\b[a-z]{2}\d-[0-9a-f]{4}-[0-9a-f-]{20,})"),
    re.compile(r"(?P<s>\bC[A-Za-z0-9_-]{60,})"),
    # Authorization headers as text.
    # (A token has a digit somewhere; "bearer certificates" in prose is left alone.)
    re.compile(r"(?i)\bbearer\s+(?P<s>(?=[A-Za-z._~+/=-]*\d)[A-Za-z0-9._~+/=-]{8,})"),
    re.compile(r"(?i)\bx-shopify-access-token[\"']?\s*[:=]\s*[\"']?(?P<s>[^\s\"',;}]+)"),
    # Credentials in query strings and form bodies (`?hapikey=...`, `&client_secret=...&code=...`).
    re.compile(rf"(?i)(?:^|[?&;\s\"'])(?:{_CREDENTIAL_NAMES}|code)=(?P<s>[^&\s\"'<>]+)"),
    # Credentials as JSON fields inside text (a settings document an implementation printed).
    re.compile(rf"(?i)[\"'](?:{_CREDENTIAL_NAMES})[\"']\s*:\s*[\"'](?P<s>[^\"']+)"),
)


class Redactor:
    """Replaces secrets in text and in nested data; `count` is how many it replaced."""

    def __init__(self, known: Iterable[str] = ()) -> None:
        values = sorted({k for k in known if isinstance(k, str) and len(k) >= MIN_KNOWN}, key=len, reverse=True)
        self._known = re.compile("|".join(re.escape(v) for v in values)) if values else None
        self.count = 0

    def text(self, text: str) -> str:
        """`text` with every known secret and every credential-shaped string replaced."""
        if self._known is not None:
            text, hits = self._known.subn(PLACEHOLDER, text)
            self.count += hits
        for pattern in _SHAPES:
            text = pattern.sub(self._replace, text)
        return text

    def _replace(self, match: re.Match[str]) -> str:
        whole, start = match.group(0), match.start(0)
        if match.group("s").startswith(PLACEHOLDER):
            return whole  # already redacted (by value, or by an earlier shape)
        self.count += 1
        return whole[:match.start("s") - start] + PLACEHOLDER + whole[match.end("s") - start:]

    def value(self, value: Any) -> Any:
        """A redacted copy of JSON-like data (dicts, lists, tuples, strings; dataclasses in place)."""
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, dict):
            oauth = bool(_OAUTH_NEIGHBOURS & {_key(k) for k in value})
            out = {}
            for key, item in value.items():
                name = _key(key)
                if name == "data" and _binary(value):
                    out[key] = item  # base64 of an image: no text to read a secret in, and a shape would cut it
                elif isinstance(item, str) and item and item != PLACEHOLDER and name in SECRET_KEYS \
                        and (name != "code" or oauth):
                    self.count += 1
                    out[key] = PLACEHOLDER
                else:
                    out[key] = self.value(item)
            return out
        if isinstance(value, list):
            return [self.value(item) for item in value]
        if isinstance(value, tuple):
            return tuple(self.value(item) for item in value)
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            self.in_place(value)
            return value
        return value

    def in_place(self, record: Any) -> Any:
        """Redact every field of a dataclass (recursively) in place; returns it."""
        for f in dataclasses.fields(record):
            setattr(record, f.name, self.value(getattr(record, f.name)))
        return record

    def copy(self, record: Any) -> Any:
        """A redacted deep copy of a dataclass (the original is left as it was)."""
        return self.in_place(copy.deepcopy(record))


def _binary(attachment: dict) -> bool:
    """An evidence attachment whose `data` is base64 of a binary file (ScenarioResult.attachments)."""
    media = attachment.get("media_type")
    return isinstance(media, str) and not media.startswith("text/") and "/" in media


def _key(key: Any) -> str:
    return str(key).strip().lower().replace("-", "_")


def redact_text(text: str, known: Iterable[str] = ()) -> str:
    """`text` redacted (a shortcut for one-off strings such as console output)."""
    return Redactor(known).text(text)
