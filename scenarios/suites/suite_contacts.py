"""CNT: contacts <-> customers."""

from __future__ import annotations

from scenarios.dsl import Sim, scenario


@scenario("CNT-1", "SET-2", title="a customer becomes one contact, matched by email ignoring case and spaces")
def customer_matches_existing_contact(w: Sim) -> None:
    existing = w.hubspot.create("contacts", email="ada.lovelace@example.com", firstname="Ada")
    w.shopify.create_customer(email="  Ada.Lovelace@Example.COM ", first_name="Ada", last_name="Lovelace")
    w.sync.enable("contacts")
    w.settle()
    contacts = [c for c in w.hubspot.records("contacts")
                if (c.properties.get("email") or "").lower() == "ada.lovelace@example.com"]
    w.expect(len(contacts) == 1, "CNT-1: one contact for the email", expected=1, found=len(contacts))
    w.expect(bool(contacts) and contacts[0].id == existing.id, "CNT-1: the existing contact was linked, not replaced",
             expected=existing.id, found=[c.id for c in contacts])
    w.expect(bool(contacts) and contacts[0].properties.get("lastname") == "Lovelace",
             "CNT-1: the customer updated the matched contact", expected="Lovelace",
             found=contacts[0].properties.get("lastname") if contacts else None)


@scenario("CNT-1", title="a contact created in HubSpot becomes a customer, matched case-insensitively")
def contact_matches_existing_customer(w: Sim) -> None:
    customer = w.shopify.create_customer(email="grace@example.com", first_name="Grace")
    w.sync.enable("contacts")
    w.settle()
    w.hubspot.create("contacts", email="bob@example.com", firstname="Bob", lastname="Builder")
    w.settle()
    emails = sorted((c["email"] or "").lower() for c in w.shopify.customers())
    w.expect(emails == ["bob@example.com", "grace@example.com"], "CNT-1: one customer per email",
             expected=["bob@example.com", "grace@example.com"], found=emails)
    w.expect(w.shopify.customer(customer)["first_name"] == "Grace", "CNT-1: the matched customer kept its values")


@scenario("CNT-2", "SET-6", title="with the email-only limit (on by default) records without email do not cross")
def no_email_no_contact(w: Sim) -> None:
    w.sync.objects["contacts"].pop("only_with_email", None)  # the default must be "on" (SET-6)
    w.shopify.create_customer(first_name="Walk", last_name="In", phone="+14155550100")
    w.shopify.create_customer(email="has.email@example.com", first_name="Has")
    w.sync.enable("contacts")
    w.settle()
    w.hubspot.create("contacts", firstname="Anonymous", lastname="Lead")
    w.settle()
    emails = sorted((c.properties.get("email") or "") for c in w.hubspot.records("contacts"))
    # The limit was left at its default: a record crossing shows the default is off, which breaks SET-6 too.
    w.expect(emails == ["", "has.email@example.com"], "CNT-2, SET-6: the email-less customer made no contact",
             expected=["", "has.email@example.com"], found=emails)
    names = sorted(c["first_name"] or "" for c in w.shopify.customers())
    w.expect(names == ["Has", "Walk"], "CNT-2, SET-6: the email-less contact made no customer",
             expected=["Has", "Walk"], found=names)


@scenario("SET-6", "CNT-2", title="with the limit off, customers without email are synced too")
def limit_off_syncs_everyone(w: Sim) -> None:
    w.shopify.create_customer(first_name="Phone", last_name="Only", phone="+14155550101")
    w.sync.email_only(False)
    w.sync.enable("contacts")
    w.settle()
    names = [(c.properties.get("firstname"), c.properties.get("lastname")) for c in w.hubspot.records("contacts")]
    w.expect(("Phone", "Only") in names, "SET-6: the limit can be switched off", expected=("Phone", "Only"),
             found=names)


@scenario("CNT-3", title="archiving a synced contact in HubSpot leaves the Shopify customer")
def archived_contact_keeps_customer(w: Sim) -> None:
    customer = w.shopify.create_customer(email="keep.me@example.com", first_name="Keep")
    w.sync.enable("contacts")
    w.settle()
    contact = w.hubspot.contact_by_email("keep.me@example.com")
    if not w.expect(contact is not None, "CNT-1: the customer became a contact"):
        return
    w.hubspot.archive(w.hubspot.ref(contact))
    w.advance(minutes=30)
    w.expect(w.shopify.customer(customer) is not None, "CNT-3: the customer still exists", expected="present",
             found=None, record=f"customer alpha/{customer.id}")


@scenario("CNT-4", title="deleting a customer in Shopify leaves the HubSpot contact")
def deleted_customer_keeps_contact(w: Sim) -> None:
    customer = w.shopify.create_customer(email="stay@example.com", first_name="Stay")
    w.sync.enable("contacts")
    w.settle()
    w.shopify.delete_customer(customer)
    w.advance(minutes=30)
    contact = w.hubspot.contact_by_email("stay@example.com")
    w.expect(contact is not None, "CNT-4: the contact is still live", expected="live contact", found=None,
             record="contact stay@example.com")


@scenario("CNT-5", "LAT-1", title="updates to mapped fields flow both ways")
def updates_flow_both_ways(w: Sim) -> None:
    customer = w.shopify.create_customer(email="both@example.com", first_name="Old", last_name="Name")
    w.sync.enable("contacts")
    w.settle()
    w.shopify.update_customer(customer, first_name="FromShopify")
    w.advance(minutes=10)
    contact = w.hubspot.contact_by_email("both@example.com")
    w.expect(contact is not None and contact.properties.get("firstname") == "FromShopify",
             "CNT-5: a Shopify edit reached HubSpot", expected="FromShopify",
             found=contact.properties.get("firstname") if contact else None)
    if contact is not None:
        w.hubspot.update(w.hubspot.ref(contact), lastname="FromHubSpot")
    w.advance(minutes=10)
    w.expect((w.shopify.customer(customer) or {}).get("last_name") == "FromHubSpot",
             "CNT-5: a HubSpot edit reached Shopify", expected="FromHubSpot",
             found=(w.shopify.customer(customer) or {}).get("last_name"))


@scenario("CNT-5", title="when both sides change a field, the later change wins")
def later_change_wins(w: Sim) -> None:
    customer = w.shopify.create_customer(email="race@example.com", first_name="Start")
    w.sync.enable("contacts")
    w.settle()
    contact = w.hubspot.contact_by_email("race@example.com")
    if not w.expect(contact is not None, "CNT-1: the customer became a contact"):
        return
    # Both edits land before the next sync; HubSpot's is later.
    w.shopify.update_customer(customer, first_name="Earlier")
    w.advance(seconds=5)
    w.hubspot.update(w.hubspot.ref(contact), firstname="Later")
    w.settle()
    final_contact = w.hubspot.contact_by_email("race@example.com")
    final_customer = w.shopify.customer(customer) or {}
    w.expect(final_contact is not None and final_contact.properties.get("firstname") == "Later",
             "CNT-5: HubSpot keeps the later value", expected="Later",
             found=final_contact.properties.get("firstname") if final_contact else None)
    w.expect(final_customer.get("first_name") == "Later", "CNT-5: Shopify takes the later value", expected="Later",
             found=final_customer.get("first_name"))


@scenario("CNT-6", title="no ping-pong: after quiescence nothing more is written")
def no_echo(w: Sim) -> None:
    for i in range(5):
        w.shopify.create_customer(email=f"echo{i}@example.com", first_name=f"Echo{i}")
    w.sync.enable("contacts")
    w.settle()
    contact = w.hubspot.contact_by_email("echo0@example.com")
    if contact is not None:
        w.hubspot.update(w.hubspot.ref(contact), firstname="Changed")
    w.settle()
    before = len(w.world.writes())
    w.advance(hours=2)
    after = w.world.writes()[before:]
    w.expect(not after, "CNT-6: writes after quiescence", expected="no write", found=len(after),
             calls=[e.as_json() for e in after[:10]])
