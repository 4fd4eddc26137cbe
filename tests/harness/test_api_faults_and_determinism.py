"""API faults as scheduled, the audit log, and the same seed giving the same run."""

from __future__ import annotations

import httpx
import pytest

from harness import ApiFault, FaultSchedule, World
from tests.harness.conftest import make_world


def shop_client(world, recorder):
    token = recorder.tokens["alpha"]
    return world.client("shopify"), {"X-Shopify-Access-Token": token}


def test_429_burst_with_retry_after_in_each_vendors_shape():
    faults = FaultSchedule(api=[ApiFault("shopify", "429", route="*/customers.json", start=0, end=10**6,
                                         retry_after=4, method="GET"),
                                ApiFault("hubspot", "429", route="/crm/v3/objects/contacts*", retry_after=10)])
    world, recorder = make_world(faults=faults)
    client, headers = shop_client(world, recorder)
    response = client.get("/shops/alpha/admin/api/2024-10/customers.json", headers=headers)
    assert response.status_code == 429 and response.headers["Retry-After"] == "4"
    assert response.json()["errors"].startswith("Exceeded 2 calls per second")
    hub = world.client("hubspot").get("/crm/v3/objects/contacts",
                                      headers={"Authorization": f"Bearer {world.portal.access_token}"})
    assert hub.status_code == 429
    assert hub.json()["policyName"] == "TEN_SECONDLY_ROLLING" and hub.headers["Retry-After"] == "10"
    entry = world.audit.entries()[-1]
    assert (entry.fake, entry.status, entry.fault) == ("hubspot", 429, "429")
    world.close()


def test_5xx_window_and_hit_budget():
    faults = FaultSchedule(api=[ApiFault("shopify", "503", route="*/shop.json", max_hits=2)])
    world, recorder = make_world(faults=faults)
    client, headers = shop_client(world, recorder)
    statuses = [client.get("/shops/alpha/admin/api/2024-10/shop.json", headers=headers).status_code
                for _ in range(3)]
    assert statuses == [503, 503, 200]
    assert world.faults.hits() == {"api[0]": 2}
    world.close()


def test_applied_then_failed_commits_the_write():
    faults = FaultSchedule(api=[ApiFault("shopify", "applied_then_failed", route="*/customers.json", method="POST")])
    world, recorder = make_world(faults=faults)
    client, headers = shop_client(world, recorder)
    response = client.post("/shops/alpha/admin/api/2024-10/customers.json", headers=headers,
                           json={"customer": {"email": "ghost@example.com"}})
    assert response.status_code == 502
    assert [c.email for c in world.shopify.list_customers("alpha", _all())] == ["ghost@example.com"]
    entry = world.audit.entries()[-1]
    assert (entry.status, entry.fault) == (201, "applied_then_failed:502")
    world.close()


def test_reset_in_process_is_a_transport_error():
    faults = FaultSchedule(api=[ApiFault("shopify", "reset", route="*/shop.json")])
    world, recorder = make_world(faults=faults)
    client, headers = shop_client(world, recorder)
    with pytest.raises(httpx.RemoteProtocolError):
        client.get("/shops/alpha/admin/api/2024-10/shop.json", headers=headers)
    world.close()


def test_reset_in_process_mode_drops_the_connection():
    world = World(seed=1, mode="process", faults=FaultSchedule(api=[ApiFault("shopify", "reset", route="*/shop.json")]))
    try:
        world.open_portal()
        world.install_shop("alpha")
        token = world.shopify.issue_token("alpha", "shopsync-sync-app")
        with pytest.raises(httpx.HTTPError):
            httpx.get(f"{world.shopify_url}/shops/alpha/admin/api/2024-10/shop.json",
                      headers={"X-Shopify-Access-Token": token}, timeout=5)
        ok = httpx.get(f"{world.shopify_url}/shops/alpha/admin/api/2024-10/customers.json",
                       headers={"X-Shopify-Access-Token": token}, timeout=5)
        assert ok.status_code == 200
    finally:
        world.close()


def test_slow_response_costs_simulated_time():
    faults = FaultSchedule(api=[ApiFault("shopify", "slow", route="*/shop.json", delay=45)])
    world, recorder = make_world(faults=faults)
    client, headers = shop_client(world, recorder)
    before = world.now()
    assert client.get("/shops/alpha/admin/api/2024-10/shop.json", headers=headers).status_code == 200
    assert (world.now() - before).total_seconds() == 45
    world.close()


def test_schedule_round_trips_as_json():
    schedule = FaultSchedule(api=[ApiFault("hubspot", "500", route="/crm/*", probability=0.5)], seed=3)
    again = FaultSchedule.from_json(schedule.to_json())
    assert again.to_json() == schedule.to_json()
    with pytest.raises(ValueError):
        ApiFault("shopify", "teapot")


def run_once(seed: int) -> list[dict]:
    faults = FaultSchedule(api=[ApiFault("shopify", "503", route="*/customers.json", probability=0.4)],
                           webhooks=[], seed=seed)
    world, _recorder = make_world(seed=seed, faults=faults)
    for i in range(5):
        world.shopify.create_customer("alpha", {"email": f"p{i}@example.com"})
        world.advance(60)
    log = [e.as_json() for e in world.audit.entries()]
    world.close()
    return log


def test_the_same_seed_gives_an_identical_audit_log():
    first, second = run_once(11), run_once(11)
    assert first == second
    assert {e["status"] for e in first} >= {200, 503}
    assert run_once(12) != first


def test_calls_are_stamped_with_the_world_phase():
    world, recorder = make_world()
    world.advance(30)
    phases = {e.phase for e in world.audit.entries() if e.path.endswith("/customers.json") and e.method == "GET"}
    assert phases == {"tick"}
    client, headers = shop_client(world, recorder)
    client.get("/shops/alpha/admin/api/2024-10/customers.json", headers=headers)
    assert world.audit.entries()[-1].phase == "idle"
    world.close()


def test_advance_until_quiet_jumps_idle_stretches():
    world, recorder = make_world()
    recorder.wake_every = 3600
    spent = world.advance_until_quiet(limit=__import__("datetime").timedelta(hours=6))
    assert spent.total_seconds() >= 180
    assert len(recorder.ticks) < 20
    world.close()


def test_reset_empties_the_world():
    world, _recorder = make_world()
    world.shopify.create_customer("alpha", {"email": "x@example.com"})
    world.advance(60)
    world.reset()
    assert world.now() == world.start and len(world.audit) == 0 and world.shopify.shops == {}
    world.close()


def _all():
    from fakes.shopify.store import ListQuery
    return ListQuery()


def test_a_rate_limit_storm_on_shopify_graphql_answers_throttled_with_status_200():
    # Shopify throttles GraphQL with 200 and THROTTLED, never 429 (docs/vendor-behaviour.md §8.A, §8.B); the
    # throttleStatus leaves the bucket short of the query's cost by `retry_after` seconds of restore.
    faults = FaultSchedule(api=[ApiFault("shopify", "429", route="*/graphql.json", retry_after=3, max_hits=1)])
    world, recorder = make_world(faults=faults)
    client, headers = shop_client(world, recorder)
    query = {"query": "{ customers(first: 10) { nodes { id } } }"}
    throttled = client.post("/shops/alpha/admin/api/2026-10/graphql.json", headers=headers, json=query)
    assert throttled.status_code == 200
    body = throttled.json()
    assert "data" not in body and body["errors"][0]["extensions"]["code"] == "THROTTLED"
    assert body["extensions"]["cost"] == {"requestedQueryCost": 12, "actualQueryCost": None, "throttleStatus": {
        "maximumAvailable": 2000, "currentlyAvailable": 0, "restoreRate": 100}}
    entry = world.audit.entries()[-1]
    assert (entry.status, entry.fault) == (200, "429")
    after = client.post("/shops/alpha/admin/api/2026-10/graphql.json", headers=headers, json=query)
    assert after.json()["data"] == {"customers": {"nodes": []}}
    world.close()


def test_5xx_and_applied_then_failed_reach_graphql_mutations_too():
    faults = FaultSchedule(api=[ApiFault("shopify", "applied_then_failed", route="*/graphql.json", method="POST",
                                         max_hits=1)])
    world, recorder = make_world(faults=faults)
    client, headers = shop_client(world, recorder)
    made = client.post("/shops/alpha/admin/api/2026-10/graphql.json", headers=headers, json={
        "query": 'mutation { customerCreate(input: {email: "ghost@example.com"}) { customer { id } } }'})
    assert made.status_code == 502
    assert [c.email for c in world.shopify.list_customers("alpha", _all())] == ["ghost@example.com"]
    world.close()
