"""HubSpot's date-versioned CRM API beside v3/v4 (docs/vendor-behaviour.md §9.F).

From 2026-03 the CRM API is versioned by date in the path: `/crm/objects/2026-03/contacts` for
`/crm/v3/objects/contacts`, `/crm/objects/2026-03/contacts/{id}/associations/...` for the v4 record
associations, `/crm/associations/2026-03/{from}/{to}/batch/...` for v4 batch associations,
`/crm/properties/2026-03/...` and `/crm/pipelines/2026-03/...` for v3 properties and pipelines. The schemas
are those of v3/v4 (§9.F.2, an automated diff of HubSpot's own OpenAPI documents), so the fake serves a
date-versioned request with the legacy route over the same store, and differs where HubSpot documents a
difference (`Answer`). Every fake-facing consumer (audit log, fault schedule, judge) sees the legacy route
of a versioned call as well as its own path, so storms and checks apply to both forms alike.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# 2025-09 was a beta; 2026-03 the first GA date version; 2026-09 GA with write-validation enforcement
# (§9.F.1, §9.F.4); 2026-09-beta the beta channel of the next one.
VERSIONS = ("2025-09", "2026-03", "2026-09", "2026-09-beta")
_VERSION = r"(?P<version>\d{4}-\d{2}(?:-beta)?)"
_FORMS = (
    # record associations first: they are under /crm/objects/V/ but are v4's
    (re.compile(rf"^/crm/objects/{_VERSION}/(?P<rest>[^/]+/[^/]+/associations(?:/.*)?)$"), "/crm/v4/objects/"),
    (re.compile(rf"^/crm/objects/{_VERSION}(?:/(?P<rest>.*))?$"), "/crm/v3/objects/"),
    (re.compile(rf"^/crm/associations/{_VERSION}(?:/(?P<rest>.*))?$"), "/crm/v4/associations/"),
    (re.compile(rf"^/crm/properties/{_VERSION}(?:/(?P<rest>.*))?$"), "/crm/v3/properties/"),
    (re.compile(rf"^/crm/pipelines/{_VERSION}(?:/(?P<rest>.*))?$"), "/crm/v3/pipelines/"),
)


# Where a served request keeps what it asked for (WSGI environ keys).
ASKED_PATH = "shopsync.hubspot.asked_path"
VERSION = "shopsync.hubspot.version"


@dataclass(frozen=True)
class Route:
    """A date-versioned request: its version and the legacy path that serves it."""

    version: str
    legacy_path: str

    @property
    def known(self) -> bool:
        return self.version in VERSIONS

    def at_least(self, version: str) -> bool:
        """Whether this version is `version` or later (a beta counts as the version it leads to)."""
        return self.version.removesuffix("-beta") >= version


def route(path: str) -> Route | None:
    """The date version and legacy path of `path`, or None for a legacy (or non-CRM) path."""
    for pattern, prefix in _FORMS:
        match = pattern.match(path)
        if match:
            return Route(match.group("version"), (prefix + (match.group("rest") or "")).rstrip("/"))
    return None


def legacy(path: str) -> str:
    """The legacy path a request is served by (itself when it is not date-versioned)."""
    found = route(path)
    return found.legacy_path if found is not None else path


# ------------------------------------------------------------------------------------------- legacy sunset

# HubSpot stops supporting v1-v3 in September 2027 and v4 after 2027-03-30 (§9.F.5) without saying what a call
# will then get. The fake offers two answers, chosen through the harness (`PUT /_harness/legacy-sunset`):
# "gone" (410, a HubSpot-shaped error naming the replacement: our choice of body) and "not_found" (the 404
# HubSpot gives any path it does not have).
SUNSET_MODES = ("gone", "not_found")
LEGACY_PREFIXES = ("/crm/v3/", "/crm/v4/")
SUNSET_MESSAGE = ("This version of the API is no longer supported. Use the date-versioned API instead, e.g. "
                  "/crm/objects/2026-03/{objectType} (https://developers.hubspot.com/docs/api-reference/2026-03/"
                  "overview).")


def sunset_applies(path: str, environ: dict) -> bool:
    """Whether a request reached a legacy route by its own legacy path (not as the twin of a dated one)."""
    return path.startswith(LEGACY_PREFIXES) and ASKED_PATH not in environ
