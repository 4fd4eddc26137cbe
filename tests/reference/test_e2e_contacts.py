"""Contacts <-> customers end to end in the simulated world (CNT, SET, CON rules)."""

from __future__ import annotations

from harness import FaultSchedule, WebhookFault
from reference.objects.twoway import pull as twoway_pull
from reference.state import State


def test_initial_sync_matches_by_email_and_creates_the_rest(sim) -> None:  # CNT-1, SET-2
    s = sim()
    existing = s.marketer_create("contacts", email="ada.lovelace@example.com", firstname="Ada")
    s.w.shopify.create_customer("alpha", {"email": "  Ada.Lovelace@Example.COM ", "first_name": "Ada",
                                          "last_name": "Lovelace"})
    s.w.shopify.create_customer("alpha", {"email": "grace@example.com", "first_name": "Grace"})
    s.enable("contacts")
    s.settle()
    ada = [c for c in s.records("contacts") if c.properties.get("email") == "ada.lovelace@example.com"]
    assert [c.id for c in ada] == [existing.id]
    assert ada[0].properties.get("lastname") == "Lovelace"
    assert s.contact("grace@example.com").properties["firstname"] == "Grace"
    # HubSpot-born contacts become customers, matched case-insensitively.
    s.marketer_create("contacts", email="Bob@Example.com", firstname="Bob")
    s.settle()
    assert sorted((c.email or "").lower() for c in s.customers()) == ["ada.lovelace@example.com", "bob@example.com",
                                                                       "grace@example.com"]


def test_email_only_limit_is_on_by_default_and_can_be_switched_off(sim) -> None:  # CNT-2, SET-6
    s = sim()
    s.w.shopify.create_customer("alpha", {"first_name": "Walk", "last_name": "In", "phone": "+14155550100"})
    s.enable("contacts")
    s.settle()
    s.marketer_create("contacts", firstname="Anonymous")
    s.settle()
    assert [c.properties.get("firstname") for c in s.records("contacts")] == ["Anonymous"]
    assert [c.first_name for c in s.customers()] == ["Walk"]
    s.w.shopify.create_customer("alpha", {"first_name": "Phone", "last_name": "Only", "phone": "+14155550101"})
    s.enable("contacts", only_with_email=False)
    s.settle()
    names = sorted(c.properties.get("firstname") or "" for c in s.records("contacts"))
    assert "Phone" in names and "Walk" in names


def test_deletes_do_not_cross_and_a_changed_survivor_comes_back(sim) -> None:  # CNT-3, CNT-4
    s = sim()
    keep = s.w.shopify.create_customer("alpha", {"email": "keep.me@example.com", "first_name": "Keep"})
    stay = s.w.shopify.create_customer("alpha", {"email": "stay@example.com", "first_name": "Stay"})
    s.enable("contacts")
    s.settle()
    s.marketer_archive("contacts", s.contact("keep.me@example.com").id)
    s.w.shopify.delete_customer("alpha", stay.id)
    s.w.advance(1800)
    assert s.w.shopify.shop("alpha").customers.get(keep.id) is not None  # CNT-3
    assert s.contact("keep.me@example.com") is None  # and it did not come back by itself
    assert s.contact("stay@example.com") is not None  # CNT-4
    s.w.shopify.update_customer("alpha", keep.id, {"first_name": "Again"})
    s.settle()
    assert s.contact("keep.me@example.com").properties["firstname"] == "Again"


def test_updates_flow_both_ways_and_the_later_change_wins(sim) -> None:  # CNT-5
    s = sim()
    customer = s.w.shopify.create_customer("alpha", {"email": "race@example.com", "first_name": "Start",
                                                     "last_name": "Name"})
    s.enable("contacts")
    s.settle()
    contact = s.contact("race@example.com")
    s.w.shopify.update_customer("alpha", customer.id, {"first_name": "Earlier"})
    s.w.clock.advance(5)
    s.marketer_update("contacts", contact.id, firstname="Later", lastname="FromHubSpot")
    s.settle()
    assert s.contact("race@example.com").properties["firstname"] == "Later"
    assert s.w.shopify.get_customer("alpha", customer.id).first_name == "Later"
    assert s.w.shopify.get_customer("alpha", customer.id).last_name == "FromHubSpot"


def test_no_ping_pong_after_quiescence(sim) -> None:  # CNT-6
    s = sim()
    for i in range(5):
        s.w.shopify.create_customer("alpha", {"email": f"echo{i}@example.com", "first_name": f"Echo{i}"})
    s.enable("contacts")
    s.settle()
    s.marketer_update("contacts", s.contact("echo0@example.com").id, firstname="Changed")
    s.settle()
    before = len(s.w.writes())
    s.w.advance(7200)
    assert s.w.writes()[before:] == []


def test_settings_switch_objects_off_on_and_delete_them(sim) -> None:  # SET-1, SET-3, SET-4
    s = sim()
    customer = s.w.shopify.create_customer("alpha", {"email": "toggle@example.com", "first_name": "Before"})
    s.enable("contacts")
    s.settle()
    s.enable()  # everything off
    off = len(s.w.writes())
    s.w.shopify.update_customer("alpha", customer.id, {"first_name": "WhileOff"})
    s.w.shopify.create_customer("alpha", {"email": "newcomer@example.com"})
    s.marketer_update("contacts", s.contact("toggle@example.com").id, lastname="EditedWhileOff")
    s.w.advance(1800)
    assert s.w.writes()[off:] == []  # SET-3: no write while off
    s.enable("contacts")
    s.w.advance(600)
    assert s.contact("toggle@example.com").properties["firstname"] == "WhileOff"
    assert s.contact("newcomer@example.com") is not None
    assert s.w.shopify.get_customer("alpha", customer.id).last_name == "EditedWhileOff"
    # SET-4: a deleted sync stops; what was synced stays.
    s.enable(objects={"contacts": None})
    gone = len(s.w.writes())
    s.w.shopify.create_customer("alpha", {"email": "after.delete@example.com"})
    s.w.advance(1800)
    assert s.w.writes()[gone:] == [] and s.contact("after.delete@example.com") is None
    assert s.contact("toggle@example.com") is not None


def test_custom_mappings_apply_and_need_operations_hub(sim) -> None:  # SET-5, CON-4
    s = sim()
    s.w.shopify.create_customer("alpha", {"email": "mapped@example.com", "note": "VIP since 2020"})
    mapping = {"hubspot_property": "jobtitle", "shopify_field": "note", "direction": "to_hubspot"}
    objects = {"contacts": {"enabled": True, "mappings": [mapping]}}
    s.enable(objects=objects)
    s.settle()
    assert s.contact("mapped@example.com").properties["jobtitle"] == "VIP since 2020"
    free = sim(ops_hub="free")
    free.w.shopify.create_customer("alpha", {"email": "tier@example.com", "first_name": "Tier", "note": "secret"})
    free.enable("contacts")
    reply = free.w.configure(free.w.settings(objects=objects))
    assert reply.status == 422 and "Operations Hub Starter" in reply.error
    free.settle()
    contact = free.contact("tier@example.com")
    assert contact.properties["firstname"] == "Tier" and not contact.properties.get("jobtitle")


def test_two_stores_one_portal(sim) -> None:  # CON-2
    s = sim("alpha", "beta")
    s.w.shopify.create_customer("alpha", {"email": "shared@example.com", "first_name": "Shared"})
    s.w.shopify.create_customer("beta", {"email": "shared@example.com", "first_name": "Shared"})
    s.w.shopify.create_customer("alpha", {"email": "only.alpha@example.com"})
    s.enable("contacts")
    s.settle()
    assert len([c for c in s.records("contacts") if c.properties["email"] == "shared@example.com"]) == 1
    assert [c.email for c in s.customers("beta")] == ["shared@example.com"]
    s.marketer_create("contacts", email="from.hubspot@example.com", firstname="Everywhere")
    s.w.shopify.update_customer("alpha", s.customers("alpha")[0].id, {"last_name": "FromAlpha"})
    s.settle()
    for shop in ("alpha", "beta"):
        assert "from.hubspot@example.com" in [c.email for c in s.customers(shop)]
    assert s.customers("beta")[0].last_name == "FromAlpha"  # one person, changes reach every linked shop


def test_uninstall_stops_traffic_to_that_store(sim) -> None:  # CON-3
    s = sim("alpha", "beta")
    s.w.shopify.create_customer("alpha", {"email": "leaving@example.com"})
    s.enable("contacts")
    s.settle()
    from harness.tenants import SHOPIFY_APP
    s.w.shopify.uninstall("alpha", SHOPIFY_APP)
    s.w.advance(60)
    calls = len(s.w.audit.entries())
    s.marketer_create("contacts", email="later@example.com")
    s.w.shopify.create_customer("beta", {"email": "beta.later@example.com"})
    s.settle()
    assert all(e.tenant != "alpha" for e in s.w.audit.entries()[calls:] if e.fake == "shopify")
    assert s.contact("leaving@example.com") is not None and s.contact("beta.later@example.com") is not None
    assert "later@example.com" in [c.email for c in s.customers("beta")]


def test_crash_and_restart_exchanges_once_and_loses_nothing(sim) -> None:  # CON-1, crash safety
    s = sim()
    s.w.shopify.create_customer("alpha", {"email": "oauth@example.com"})
    s.enable("contacts")
    s.settle()
    s.w.crash_and_restart()
    s.w.shopify.create_customer("alpha", {"email": "after.restart@example.com"})
    s.settle()
    exchanges = [e for e in s.w.audit.entries() if e.path.endswith("/oauth/access_token")]
    assert [e.status for e in exchanges] == [200]
    assert s.contact("after.restart@example.com") is not None
    assert len(s.records("contacts")) == 2


def test_polling_alone_meets_the_bound_when_every_webhook_is_lost(sim) -> None:  # LAT-1, LAT-3
    s = sim(faults=FaultSchedule(webhooks=[WebhookFault("drop")]))
    customer = s.w.shopify.create_customer("alpha", {"email": "poll@example.com", "first_name": "A"})
    s.enable("contacts")
    s.settle()
    s.w.shopify.update_customer("alpha", customer.id, {"first_name": "B"})
    s.marketer_create("contacts", email="hub@example.com", firstname="H")
    s.w.advance(300)  # well inside the 10 minutes of LAT-1
    assert s.contact("poll@example.com").properties["firstname"] == "B"
    assert "hub@example.com" in [c.email for c in s.customers()]


def test_a_pass_reads_a_bounded_number_of_webhook_hints(sim, monkeypatch) -> None:  # CNT-1, the process contract
    """A million contacts written by an initial sync come back as a million `contact.creation` echoes; a pass
    read them all in one tick, past the contract's 30 s. It now reads at most HINTS_PER_PASS, and the rest at
    the next passes, a second apart: nothing is lost."""
    monkeypatch.setattr(twoway_pull, "HINTS_PER_PASS", 40)
    read: list[int] = []
    original = State.inbox_pages

    def counting(self, prefixes=()):
        read.append(0)
        for event in original(self, prefixes):
            read[-1] += 1
            yield event

    monkeypatch.setattr(State, "inbox_pages", counting)
    s = sim()
    s.enable("contacts")
    s.settle()
    for i in range(150):
        s.marketer_create("contacts", email=f"from.hubspot.{i}@example.com", firstname="Hub")
    s.settle()
    assert len(s.customers()) == 150
    assert max(read) <= 41 and sum(1 for n in read if n > 40) >= 3, read
