"""SET: sync settings."""

from __future__ import annotations

from scenarios.dsl import Sim, scenario


@scenario("SET-1", title="each object type is switched on independently")
def objects_independent(w: Sim) -> None:
    mug = w.shopify.create_product(title="Lonely Mug", price="9.00")
    w.shopify.create_customer(email="solo@example.com", first_name="Solo")
    w.shopify.create_order(lines=[(mug, 1)], email="solo@example.com")
    w.sync.enable("contacts")
    w.settle()
    w.expect(w.hubspot.contact_by_email("solo@example.com") is not None, "SET-1: contacts synced")
    for object_type in ("products", "orders", "carts", "companies"):
        records = w.hubspot.records(object_type)
        w.expect(not records, f"SET-1: {object_type} stay unsynced while off", expected=0, found=len(records))


@scenario("SET-2", "LAT-2", title="switching an object on runs an initial sync, then changes flow incrementally")
def initial_then_incremental(w: Sim) -> None:
    customers = [w.shopify.create_customer(email=f"bulk{i}@example.com", first_name=f"Bulk{i}") for i in range(120)]
    w.advance(hours=1)  # records that existed long before: a look-back of a few minutes does not find them
    w.sync.enable("contacts")
    w.advance(minutes=10)
    missing = [c.email for c in customers if w.hubspot.contact_by_email(c.email) is None]
    w.expect(not missing, "SET-2: every existing customer synced in the initial sync", expected=0,
             found=len(missing))
    w.shopify.update_customer(customers[7], first_name="Incremental")
    w.advance(minutes=10)
    contact = w.hubspot.contact_by_email(customers[7].email)
    w.expect(contact is not None and contact.properties.get("firstname") == "Incremental",
             "SET-2: later changes sync incrementally", expected="Incremental",
             found=contact.properties.get("firstname") if contact else None)


@scenario("SET-3", title="switching an object off stops its writes; on again picks up what changed meanwhile")
def off_and_on(w: Sim) -> None:
    customer = w.shopify.create_customer(email="toggle@example.com", first_name="Before")
    w.sync.enable("contacts")
    w.settle()
    w.sync.disable("contacts")
    off_at = w.now()
    w.shopify.update_customer(customer, first_name="WhileOff")
    w.shopify.create_customer(email="newcomer@example.com", first_name="New")
    contact = w.hubspot.contact_by_email("toggle@example.com")
    if contact is not None:
        w.hubspot.update(w.hubspot.ref(contact), lastname="EditedWhileOff")
    w.advance(minutes=30)
    writes = [e for e in w.world.writes() if e.at > off_at and e.phase in ("tick", "webhook")
              and ("/contacts" in e.path or "/customers" in e.path or "/0-1" in e.path)]
    w.expect(not writes, "SET-3: no contact or customer written while switched off", expected=0, found=len(writes),
             calls=[e.as_json() for e in writes[:10]])
    w.sync.enable("contacts")
    w.advance(minutes=10)
    contact = w.hubspot.contact_by_email("toggle@example.com")
    w.expect(contact is not None and contact.properties.get("firstname") == "WhileOff",
             "SET-3: the change made while off was picked up", expected="WhileOff",
             found=contact.properties.get("firstname") if contact else None)
    w.expect(w.hubspot.contact_by_email("newcomer@example.com") is not None,
             "SET-3: the customer created while off was picked up")
    w.expect((w.shopify.customer(customer) or {}).get("last_name") == "EditedWhileOff",
             "SET-3: the HubSpot edit made while off was picked up", expected="EditedWhileOff",
             found=(w.shopify.customer(customer) or {}).get("last_name"))


@scenario("SET-4", title="deleting a sync removes its settings and stops it; synced records stay")
def delete_sync(w: Sim) -> None:
    w.shopify.create_customer(email="remains@example.com", first_name="Remains")
    w.sync.enable("contacts")
    w.settle()
    w.sync.delete("contacts")
    deleted_at = w.now()
    w.shopify.create_customer(email="after.delete@example.com", first_name="After")
    w.advance(minutes=30)
    w.expect(w.hubspot.contact_by_email("remains@example.com") is not None, "SET-4: synced records stay")
    w.expect(w.hubspot.contact_by_email("after.delete@example.com") is None, "SET-4: the deleted sync stopped")
    writes = [e for e in w.world.writes() if e.at > deleted_at and e.phase in ("tick", "webhook")]
    w.expect(not writes, "SET-4: no write after the sync was deleted", expected=0, found=len(writes),
             calls=[e.as_json() for e in writes[:10]])


@scenario("SET-5", title="custom mappings add a field pair with a direction; one-way objects accept only to HubSpot")
def custom_mappings(w: Sim) -> None:
    w.shopify.create_customer(email="mapped@example.com", first_name="Mapped", note="VIP since 2020")
    w.sync.enable("contacts", "orders")
    reply = w.sync.map("contacts", "jobtitle", "note", "to_hubspot")
    w.expect(reply.accepted, "SET-5: a to-HubSpot contact mapping is accepted", expected=200,
             found=f"{reply.status} {reply.error}")
    w.settle()
    contact = w.hubspot.contact_by_email("mapped@example.com")
    w.expect(contact is not None and contact.properties.get("jobtitle") == "VIP since 2020",
             "SET-5: the custom mapping is applied", expected="VIP since 2020",
             found=contact.properties.get("jobtitle") if contact else None)
    refused = w.sync.map("orders", "hs_tags", "tags", "both")
    w.expect(refused.status == 422, "SET-5: a two-way mapping on orders is refused", expected=422,
             found=refused.status)


@scenario("CON-4", title="custom mappings need Operations Hub Starter: refused below, defaults stay in force",
          ops_hub="free")
def mappings_need_ops_hub(w: Sim) -> None:
    w.shopify.create_customer(email="tier@example.com", first_name="Tier", note="secret note")
    w.sync.enable("contacts")
    reply = w.sync.map("contacts", "jobtitle", "note", "to_hubspot")
    w.expect(reply.status == 422 and bool(reply.error), "CON-4: the mapping is refused with a clear error",
             expected="422 with an error message", found=f"{reply.status} {reply.error}")
    w.settle()
    contact = w.hubspot.contact_by_email("tier@example.com")
    w.expect(contact is not None and contact.properties.get("firstname") == "Tier",
             "CON-4: the default mappings stay in force")
    w.expect(contact is None or not contact.properties.get("jobtitle"), "CON-4: the refused mapping is not applied",
             expected=None, found=contact.properties.get("jobtitle") if contact else None)
    # Installing needs a Super Admin or App Marketplace permission (the fake HubSpot's authorize step).
    from fakes.hubspot.errors import HubSpotError
    app = w.world.hubspot.apps[w.world.portal.app_id]
    try:
        w.world.hubspot.authorize(client_id=app.client_id, redirect_uri=app.redirect_uris[0],
                                  scope="crm.objects.contacts.read", portal_id=w.world.portal.portal_id, user_id=2)
        refused_install = False
    except HubSpotError:
        refused_install = True
    w.expect(refused_install, "CON-4: a user without install permission cannot install the app")
