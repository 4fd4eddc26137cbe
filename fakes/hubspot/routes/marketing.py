"""Marketing forms v3 and the Conversations inbox's channels and channel accounts (read only), for the app page a
merchant opens inside Shopify (MKT-1; docs/vendor-behaviour.md §10). Authenticated and rate limited like the CRM
endpoints; forms need the `forms` scope, conversations `conversations.read`."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, request

from fakes.hubspot.errors import ObjectNotFound, ValidationError
from fakes.hubspot.marketing import CHANNEL_DEFAULT_LIMIT, CHANNELS, FORM_DEFAULT_LIMIT, MAX_LIMIT, MarketingTools, page
from fakes.hubspot.routes.common import actor, flag, integer, names, next_link, store

bp = Blueprint("hubspot_marketing", __name__)


def _tools(scope: str) -> MarketingTools:
    who = actor()
    who.require((scope,))
    return store().portal(who.portal_id).marketing


def _limit(default: int) -> int:
    asked = integer("limit", default)
    if asked < 1:
        raise ValidationError(f"Invalid value for limit: {asked} (must be at least 1)")
    return min(asked, MAX_LIMIT)


def _paging(next_after: str | None) -> dict:
    if next_after is None:
        return {}
    return {"paging": {"next": {"after": next_after, "link": next_link(next_after)}}}


@bp.get("/marketing/v3/forms")
@bp.get("/marketing/v3/forms/")
def list_forms() -> Response:
    """A page of forms, by id; `archived=true` lists the archived ones instead, `formTypes` filters by type."""
    tools = _tools("forms")
    archived = flag("archived")
    types = names("formTypes")
    forms = [f for f in tools.forms if f.archived == archived and (types is None or f.form_type in types
                                                                     or "all" in types)]
    chunk, next_after = page(sorted(forms, key=lambda f: f.id), request.args.get("after"),
                             _limit(FORM_DEFAULT_LIMIT), lambda f: f.id)
    return jsonify({"results": [f.as_json() for f in chunk], **_paging(next_after)})


@bp.get("/marketing/v3/forms/<form_id>")
def get_form(form_id: str) -> Response:
    """One form by id (an archived one too, as HubSpot shows it with `archived: true`)."""
    found = next((f for f in _tools("forms").forms if f.id == form_id), None)
    if found is None:
        raise ObjectNotFound(f"Form {form_id} does not exist")
    return jsonify(found.as_json())


@bp.get("/conversations/v3/conversations/channels")
def list_channels() -> Response:
    """The channels the inbox knows."""
    _tools("conversations.read")
    chunk, next_after = page(list(CHANNELS), request.args.get("after"), _limit(CHANNEL_DEFAULT_LIMIT),
                             lambda c: c[0])
    return jsonify({"total": len(CHANNELS), "results": [{"id": cid, "name": name} for cid, name in chunk],
                    **_paging(next_after)})


@bp.get("/conversations/v3/conversations/channel-accounts")
def list_channel_accounts() -> Response:
    """Channel accounts, optionally of some channels (`channelId`) or inboxes (`inboxId`), by id."""
    tools = _tools("conversations.read")
    channels, inboxes = names("channelId"), names("inboxId")
    archived = flag("archived")
    accounts = [a for a in tools.channel_accounts if a.archived == archived
                and (channels is None or a.channel_id in channels) and (inboxes is None or a.inbox_id in inboxes)]
    accounts.sort(key=lambda a: int(a.id))
    after = request.args.get("after")
    chunk, next_after = page(accounts, after.rjust(20, "0") if after else None, _limit(CHANNEL_DEFAULT_LIMIT),
                             lambda a: a.id.rjust(20, "0"))
    if next_after is not None:
        next_after = next_after.lstrip("0")
    return jsonify({"total": len(accounts), "results": [a.as_json() for a in chunk], **_paging(next_after)})


@bp.get("/conversations/v3/conversations/channel-accounts/<account_id>")
def get_channel_account(account_id: str) -> Response:
    """One channel account."""
    found = next((a for a in _tools("conversations.read").channel_accounts if a.id == account_id), None)
    if found is None:
        raise ObjectNotFound(f"Channel account {account_id} does not exist")
    return jsonify(found.as_json())
