"""HubSpot's date-versioned Python SDK (`hubspot-sdk`, which calls `/crm/objects/2026-03/...`), unmodified,
against the fake on a real HTTP server on 127.0.0.1 (docs/vendor-behaviour.md §9.F.6: base URL from the
constructor, Bearer token, its own retries)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from hubspot_sdk import HubSpot, NotFoundError

from fakes.audit import AuditLog
from fakes.hubspot.app import create_app
from fakes.hubspot.store import HubSpotStore
from fakes.serving import RunningServer, serve_in_thread
from tests.fakes.hubspot.conftest import TOKEN

pytestmark = pytest.mark.sdk


@pytest.fixture
def served(store: HubSpotStore) -> Iterator[tuple[HubSpot, AuditLog]]:
    audit = AuditLog()
    running: RunningServer = serve_in_thread(create_app(store, audit=audit))
    try:
        yield HubSpot(access_token=TOKEN, base_url=running.url, max_retries=0), audit
    finally:
        running.stop()


@pytest.fixture
def client(served) -> HubSpot:
    return served[0]


def test_contacts_create_read_update_list_and_delete(client, served):
    made = client.crm.objects.contacts.create(properties={"email": "ada@example.com", "firstname": "Ada"},
                                              associations=[])
    read = client.crm.objects.contacts.get(made.id, properties=["firstname"])
    assert read.properties["firstname"] == "Ada"
    client.crm.objects.contacts.update(made.id, properties={"firstname": "Augusta"})
    for i in range(4):
        client.crm.objects.contacts.create(properties={"email": f"c{i}@example.com"}, associations=[])
    listed = [c.id for c in client.crm.objects.contacts.list(limit=2, properties=["email"])]
    assert made.id in listed and len(listed) == 5  # the SDK's pager follows `paging.next.after`
    client.crm.objects.contacts.delete(made.id)
    with pytest.raises(NotFoundError):
        client.crm.objects.contacts.get(made.id)
    paths = [e.path for e in served[1].entries()]
    assert paths and all(p.startswith("/crm/objects/2026-03/contacts") for p in paths)
    assert {e.route.split("/contacts")[0] for e in served[1].entries()} == {"/crm/v3/objects"}


def test_batch_upsert_and_search(client, clock):
    done = client.crm.objects.contacts.batch.upsert(inputs=[
        {"id": "grace@example.com", "id_property": "email", "properties": {"firstname": "Grace"}}])
    assert done.status == "COMPLETE" and done.results[0].properties["email"] == "grace@example.com"
    clock.advance(timedelta(seconds=30))  # past the search index lag (docs/vendor-behaviour.md §3.5)
    found = client.crm.objects.contacts.search(filter_groups=[{"filters": [
        {"property_name": "email", "operator": "EQ", "value": "grace@example.com"}]}], properties=["firstname"],
        after="0", limit=10, sorts=[])
    assert found.total == 1 and found.results[0].properties["firstname"] == "Grace"

