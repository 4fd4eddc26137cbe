"""Marketing forms v3 and the Conversations channel accounts (the chatflows MKT-1 lists): shapes, paging, auth,
scopes, rate limits, seeding and snapshots (docs/vendor-behaviour.md §10), and the official SDK's forms API."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from hubspot import HubSpot

from fakes.clock import SimClock
from fakes.hubspot.app import create_app
from fakes.hubspot.marketing import LIVE_CHAT, seed_tools
from fakes.hubspot.snapshot import dump, load
from fakes.hubspot.store import HubSpotStore
from fakes.outbox import Outbox
from fakes.serving import RunningServer, serve_in_thread
from tests.fakes.hubspot.conftest import PORTAL, TOKEN, Api

START = datetime(2030, 1, 1, tzinfo=UTC)


@pytest.fixture
def seeded(store: HubSpotStore) -> HubSpotStore:
    store.portal(PORTAL).marketing = seed_tools(PORTAL, 7, START)
    return store


def _forms(api: Api, **params: str) -> list[dict]:
    """Every form, page by page through `paging.next.after`; asserts the link carries the same cursor."""
    found, after = [], None
    for _ in range(20):
        query = {**params, **({"after": after} if after else {})}
        response = api.get("/marketing/v3/forms", query_string=query)
        assert response.status_code == 200, response.json
        body = response.json
        found += body["results"]
        following = body.get("paging", {}).get("next")
        if not following:
            return found
        assert f"after={following['after']}" in following["link"]
        after = following["after"]
    raise AssertionError("paging never ended")


def test_forms_are_paged_twenty_at_a_time_by_default_and_list_every_live_form(seeded: HubSpotStore, api: Api) -> None:
    tools = seeded.portal(PORTAL).marketing
    first = api.get("/marketing/v3/forms").json
    assert len(first["results"]) == 20 and "after" in first["paging"]["next"]
    every = _forms(api)
    assert [f["name"] for f in every] == [f.name for f in tools.live_forms()]
    assert len({f["id"] for f in every}) == len(every) > 20
    small = _forms(api, limit="7")
    assert small == every


def test_a_form_has_v3_shape_and_archived_ones_are_listed_only_when_asked(seeded: HubSpotStore, api: Api) -> None:
    form = api.get("/marketing/v3/forms", query_string={"limit": "1"}).json["results"][0]
    assert {"id", "name", "createdAt", "updatedAt", "archived", "formType", "fieldGroups", "configuration",
            "displayOptions", "legalConsentOptions"} <= set(form)
    assert form["formType"] == "hubspot" and form["archived"] is False
    assert form["fieldGroups"][0]["fields"][0] == {"objectTypeId": "0-1", "name": "email", "label": "Email",
                                                    "required": True, "hidden": False, "fieldType": "email"}
    assert form["createdAt"].endswith("Z")
    archived = api.get("/marketing/v3/forms", query_string={"archived": "true"}).json["results"]
    assert [f["archived"] for f in archived] == [True]
    assert api.get(f"/marketing/v3/forms/{archived[0]['id']}").json["archived"] is True
    assert api.get(f"/marketing/v3/forms/{form['id']}").json == form


def test_unknown_form_bad_limit_missing_token_and_missing_scope_get_hubspots_errors(
        seeded: HubSpotStore, api: Api) -> None:
    missing = api.get("/marketing/v3/forms/not-a-form")
    assert missing.status_code == 404 and missing.json["category"] == "OBJECT_NOT_FOUND"
    assert api.get("/marketing/v3/forms", query_string={"limit": "zero"}).json["category"] == "VALIDATION_ERROR"
    assert api.get("/marketing/v3/forms", query_string={"limit": "0"}).status_code == 400
    assert Api(api.client, token="pat-na1-unknown").get("/marketing/v3/forms").status_code == 401
    seeded.add_private_app(PORTAL, "pat-na1-crm-only", {"crm.objects.contacts.read"})
    refused = Api(api.client, token="pat-na1-crm-only").get("/marketing/v3/forms")
    assert refused.status_code == 403 and refused.json["category"] == "MISSING_SCOPES"
    chats = Api(api.client, token="pat-na1-crm-only").get("/conversations/v3/conversations/channel-accounts")
    assert chats.status_code == 403


def test_chatflows_are_the_active_live_chat_channel_accounts(seeded: HubSpotStore, api: Api) -> None:
    tools = seeded.portal(PORTAL).marketing
    channels = api.get("/conversations/v3/conversations/channels").json
    assert {"id": LIVE_CHAT, "name": "Chat"} in channels["results"] and channels["total"] == len(channels["results"])
    body = api.get("/conversations/v3/conversations/channel-accounts", query_string={"channelId": LIVE_CHAT}).json
    assert {a["channelId"] for a in body["results"]} == {LIVE_CHAT}
    active = [a["name"] for a in body["results"] if a["active"] and not a["archived"]]
    assert active == [a.name for a in tools.chatflows()] and 3 <= len(active) <= 5
    assert any(not a["active"] for a in body["results"])  # one chat switched off: not a chatflow to show
    every = api.get("/conversations/v3/conversations/channel-accounts").json
    assert any(a["channelId"] == "1002" for a in every["results"])  # an email inbox account is no chatflow
    one = every["results"][0]
    assert api.get(f"/conversations/v3/conversations/channel-accounts/{one['id']}").json == one
    assert api.get("/conversations/v3/conversations/channel-accounts/1").status_code == 404


def test_channel_accounts_page_by_numeric_id(seeded: HubSpotStore, api: Api) -> None:
    seen, after = [], None
    while True:
        query = {"limit": "2", **({"after": after} if after else {})}
        body = api.get("/conversations/v3/conversations/channel-accounts", query_string=query).json
        seen += [a["id"] for a in body["results"]]
        after = body.get("paging", {}).get("next", {}).get("after")
        if not after:
            break
    assert seen == sorted(seen, key=int) and len(seen) == len(seeded.portal(PORTAL).marketing.channel_accounts)


def test_marketing_reads_count_against_the_portals_rate_limit(seeded: HubSpotStore, api: Api) -> None:
    response = api.get("/marketing/v3/forms")
    assert "X-HubSpot-RateLimit-Remaining" in response.headers
    after = api.get("/conversations/v3/conversations/channels")
    assert int(after.headers["X-HubSpot-RateLimit-Remaining"]) < int(response.headers["X-HubSpot-RateLimit-Remaining"])


def test_seeding_is_fixed_by_the_seed_and_survives_a_snapshot(seeded: HubSpotStore) -> None:
    again = seed_tools(PORTAL, 7, START)
    assert again == seeded.portal(PORTAL).marketing
    assert seed_tools(PORTAL, 8, START) != again
    fake = create_app(seeded).extensions["hubspot"]
    document = json.loads(json.dumps(dump(fake)))
    other = HubSpotStore(SimClock(), Outbox())
    load(create_app(other).extensions["hubspot"], document)
    assert other.portal(PORTAL).marketing == seeded.portal(PORTAL).marketing


@pytest.fixture
def server(seeded: HubSpotStore) -> Iterator[RunningServer]:
    running = serve_in_thread(create_app(seeded))
    yield running
    running.stop()


@pytest.mark.sdk
def test_the_official_sdk_pages_through_the_forms(server: RunningServer, seeded: HubSpotStore) -> None:
    client = HubSpot(access_token=TOKEN, host=server.url)
    names, after = [], None
    while True:
        page = client.marketing.forms.forms_api.get_page(limit=10, after=after)
        names += [form.name for form in page.results]
        after = page.paging.next.after if page.paging and page.paging.next else None
        if after is None:
            break
    assert names == [f.name for f in seeded.portal(PORTAL).marketing.live_forms()]
    one = client.marketing.forms.forms_api.get_by_id(form_id=seeded.portal(PORTAL).marketing.forms[0].id)
    assert one.id == seeded.portal(PORTAL).marketing.forms[0].id
