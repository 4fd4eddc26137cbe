"""Webhook delivery and its faults happen exactly as scheduled (drop, duplicate, delay, reorder)."""

from __future__ import annotations

from harness import FaultSchedule, WebhookFault
from tests.harness.conftest import make_world


def customers(world, n: int, prefix: str = "c") -> list[int]:
    return [world.shopify.create_customer("alpha", {"email": f"{prefix}{i}@example.com"}).id for i in range(n)]


def test_deliveries_arrive_at_the_next_tick_signed_in_order():
    world, recorder = make_world()
    customers(world, 3)
    world.advance(30)
    assert [topic for _, topic, _ in recorder.received] == ["customers/create"] * 3
    assert len({event for _, _, event in recorder.received}) == 3
    assert world.pending_deliveries() == []
    world.close()


def test_drop_loses_exactly_the_scheduled_window():
    faults = FaultSchedule(webhooks=[WebhookFault("drop", source="shopify", start=0, end=60)])
    world, recorder = make_world(faults=faults)
    customers(world, 2, "early")
    world.advance(90)
    customers(world, 1, "late")
    world.advance(30)
    assert len(recorder.received) == 1
    assert [r.fault for r in world.stats.deliveries if r.fault] == ["drop", "drop"]
    world.close()


def test_duplicate_repeats_the_same_event_id():
    faults = FaultSchedule(webhooks=[WebhookFault("duplicate", max_hits=1)])
    world, recorder = make_world(faults=faults)
    customers(world, 2)
    world.advance(30)
    events = [event for _, _, event in recorder.received]
    assert len(events) == 3 and events[0] == events[1] and events[2] != events[0]
    world.close()


def test_delay_holds_a_delivery_for_the_scheduled_time():
    faults = FaultSchedule(webhooks=[WebhookFault("delay", delay=600)])
    world, recorder = make_world(faults=faults)
    customers(world, 1)
    world.advance(570)
    assert recorder.received == []
    world.advance(60)
    assert len(recorder.received) == 1
    world.close()


def test_reorder_is_a_seeded_permutation():
    def received_order(seed: int) -> list[str]:
        faults = FaultSchedule(webhooks=[WebhookFault("reorder")], seed=seed)
        world, recorder = make_world(seed=1, faults=faults)
        made = customers(world, 6)
        world.advance(30)
        by_event = {d.event_id: str(json_id(d.body)) for d in world.shopify.outbox.all()}
        world.close()
        assert sorted(by_event.values()) == sorted(str(i) for i in made)
        return [by_event[event] for _, _, event in recorder.received]

    first, again, other = received_order(7), received_order(7), received_order(8)
    assert first == again
    assert first != sorted(first) or other != sorted(other)


def json_id(body: bytes) -> int:
    import json
    return json.loads(body)["id"]


def test_failed_delivery_is_retried_on_the_vendor_schedule():
    world, recorder = make_world()
    recorder.status = 500
    customers(world, 1)
    world.advance(30)
    assert len(recorder.received) == 1
    recorder.status = 200
    world.advance(30)
    assert len(recorder.received) == 1  # Shopify's next attempt is a minute later
    world.advance(60)
    assert len(recorder.received) == 2 and world.pending_deliveries() == []
    world.close()


def test_hubspot_deliveries_are_re_signed_at_each_attempt():
    import base64
    import hashlib
    import hmac

    world, _recorder = make_world()
    world.hubspot.set_webhook_target(world.hubspot.apps[world.portal.app_id],
                                     {"targetUrl": "https://impl.sim/webhooks/hubspot"})
    world.hubspot.subscribe(world.hubspot.apps[world.portal.app_id], {"eventType": "contact.creation",
                                                                      "active": True})
    world.hubspot.marketer_create(world.portal.portal_id, "contacts", {"email": "late@example.com"})
    [delivery] = world.hubspot.outbox.all()
    later = delivery.due_at + __import__("datetime").timedelta(hours=2)
    headers = delivery.headers_at(later)
    ts = int(headers["X-HubSpot-Request-Timestamp"])
    assert ts == round(later.timestamp() * 1000)
    source = f"POST{delivery.address}{delivery.body.decode()}{ts}".encode()
    expected = base64.b64encode(hmac.new(world.portal.client_secret.encode(), source, hashlib.sha256).digest())
    assert headers["X-HubSpot-Signature-v3"] == expected.decode()
    world.close()
