"""Account information (`GET /account-info/v3/details`): lets a caller learn its portal id."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify

from fakes.hubspot.routes.common import actor, store

bp = Blueprint("hubspot_account", __name__, url_prefix="/account-info/v3")


@bp.get("/details")
def details() -> Response:
    """The portal behind the token."""
    portal = store().portal(actor().portal_id)
    return jsonify({"portalId": portal.portal_id, "accountType": "STANDARD", "timeZone": portal.time_zone,
                    "companyCurrency": portal.currency, "additionalCurrencies": [], "utcOffset": "+00:00",
                    "utcOffsetMilliseconds": 0, "uiDomain": "app.hubspot.com", "dataHostingLocation": "na1"})
