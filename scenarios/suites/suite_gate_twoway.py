"""Two-way rules that broken syncs once got past: conflicts, lagging search, HubSpot product edits, product
deletions without webhooks, a product made again under a deleted one's name, one contact in two stores, a contact
added just after its customer, and contacts edited after their customer was deleted."""

from __future__ import annotations

from scenarios.dsl import Sim, money_equal, norm_email, scenario
from scenarios.dsl.refs import CustomerRef, HubSpotRef

LOSE_ALL_WEBHOOKS = {"webhooks": [{"kind": "drop"}]}
# docs/vendor-behaviour.md §3.5: HubSpot's search index trails the records by "a few moments", reported up to
# about 30 s.
SLOW_SEARCH_SECONDS = 30


def _contact_of(w: Sim, customer: CustomerRef) -> HubSpotRef | None:
    """The HubSpot contact the sync made or linked for a customer, or None (a failed check)."""
    contact = w.hubspot.contact_by_email(customer.email or "")
    if not w.expect(contact is not None, f"CNT-1: customer {customer.email} became a contact", expected="a contact",
                    found=None, record=f"customer {customer.shop}/{customer.id}"):
        return None
    return w.hubspot.ref(contact)


def _just_after_a_poll(w: Sim, object_type: str, *, within_seconds: int = 120) -> None:
    """Advance until the implementation reads HubSpot's `object_type` in a tick: with webhooks lost that is its
    poll, so what happens in the next seconds lands between two polls, whatever their phase."""
    seen = len(w.world.audit)

    def read_it(entry) -> bool:
        return entry.fake == "hubspot" and entry.phase == "tick" and f"/objects/{object_type}" in entry.legacy_path

    for _ in range(within_seconds // 2):
        w.advance(seconds=2)
        if any(read_it(e) for e in w.world.audit.since(seen)):
            return
        seen = len(w.world.audit)


def _linked(w: Sim, email: str, first_name: str, shop: str = "alpha") -> tuple[CustomerRef, HubSpotRef] | None:
    """Contact sync on, a customer made in `shop` and the contact the sync made for it, linked by any sync (the
    bound has passed); None when no contact came (a failed check)."""
    w.sync.enable("contacts")
    customer = w.shopify.create_customer(shop, email=email, first_name=first_name)
    w.settle()
    contact = _contact_of(w, customer)
    if contact is None:
        return None
    w.advance(minutes=10)
    return customer, contact


def _first_name(w: Sim, customer: CustomerRef) -> str | None:
    return (w.shopify.customer(customer) or {}).get("first_name")


def _firstname(w: Sim, email: str) -> str | None:
    contact = w.hubspot.contact_by_email(email)
    return contact.properties.get("firstname") if contact is not None else None


@scenario("CNT-5", "LAT-3", title="one field edited on both sides between two polls, webhooks lost: the later edit "
          "wins, in either order", faults=LOSE_ALL_WEBHOOKS)
def same_field_edited_on_both_sides_between_polls(w: Sim) -> None:
    ana = w.shopify.create_customer(email="ana.conflict@example.com", first_name="Ana", last_name="Race")
    ben = w.shopify.create_customer(email="ben.conflict@example.com", first_name="Ben", last_name="Race")
    w.sync.enable("contacts")
    w.settle()
    ana_contact, ben_contact = _contact_of(w, ana), _contact_of(w, ben)
    if ana_contact is None or ben_contact is None:
        return
    # Both edits of each person fall between the same two polls, so a sync sees them together and must
    # choose by each system's own update time (CNT-5). Ana: Shopify first; Ben: HubSpot first.
    _just_after_a_poll(w, "contacts")
    w.shopify.update_customer(ana, first_name="Anabel")
    w.hubspot.update(ben_contact, firstname="Benedict")
    w.advance(seconds=5)
    w.hubspot.update(ana_contact, firstname="Annie")
    w.shopify.update_customer(ben, first_name="Benny")
    w.advance(minutes=10)
    for customer, later, order in ((ana, "Annie", "HubSpot's"), (ben, "Benny", "Shopify's")):
        email = customer.email or ""
        w.expect(_firstname(w, email) == later, f"CNT-5: {order} later edit of {email} stands in HubSpot",
                 expected=later, found=_firstname(w, email), record=f"contact {email}")
        w.expect(_first_name(w, customer) == later, f"CNT-5: {order} later edit of {email} stands in Shopify",
                 expected=later, found=_first_name(w, customer), record=f"customer {customer.shop}/{customer.id}")


@scenario("LAT-3", "CNT-5", title="HubSpot edits made while its search index still lags behind a poll arrive, "
          "webhooks lost", faults=LOSE_ALL_WEBHOOKS)
def hubspot_edits_inside_the_search_lag_arrive(w: Sim) -> None:
    people = [w.shopify.create_customer(email=f"lag{i}@example.com", first_name=f"Lag{i}") for i in range(10)]
    w.sync.enable("contacts")
    w.settle()
    found = [_contact_of(w, person) for person in people]
    contacts = [c for c in found if c is not None]
    if len(contacts) < len(people):
        return
    w.world.hubspot.set_search_delay(SLOW_SEARCH_SECONDS)
    # One edit every 10 s for 100 s: whatever the phase of the polls, some edits land in the last 30 s
    # before one, where its search cannot see them yet; only a poll reaching back past the lag finds them.
    for i, contact in enumerate(contacts):
        w.hubspot.update(contact, firstname=f"Edited{i}")
        w.advance(seconds=10)
    w.advance(minutes=10)
    late = {p.email: _first_name(w, p) for i, p in enumerate(people) if _first_name(w, p) != f"Edited{i}"}
    w.expect(not late, "LAT-3, CNT-5: every HubSpot edit reached Shopify though search lagged at the poll",
             expected="Edited0..Edited9", found=late)


@scenario("PRD-5", "SET-5", "LAT-1", title="a marketer edits the price and description of a synced product in "
          "HubSpot: the Shopify product follows")
def hubspot_product_edit_reaches_shopify(w: Sim) -> None:
    mug = w.shopify.create_product(title="Enamel Camp Mug", price="14.00", body_html="<p>Holds 350 ml.</p>")
    w.shopify.create_product(title="Steel Flask", price="22.00", body_html="<p>Keeps tea hot.</p>")
    w.sync.enable("products")
    w.settle()
    found = [r for r in w.hubspot.records("products") if (r.properties.get("name") or "").strip() == mug.title]
    if not w.expect(bool(found), "PRD-1: the Shopify product reached HubSpot", expected=mug.title, found=None):
        return
    described = "<p>Holds 350 ml. Now with a lid.</p>"
    w.hubspot.update(w.hubspot.ref(found[0]), price="16.50", description=described)
    w.advance(minutes=10)
    product = next((p for p in w.shopify.products() if p["id"] == mug.id), None)
    if not w.expect(product is not None, "PRD-3: the Shopify product is still there", expected="present", found=None,
                    record=f"product alpha/{mug.id}"):
        return
    price = product["variants"][0]["price"]
    w.expect(money_equal(price, "16.50"), "PRD-5: the HubSpot price reached the first variant in Shopify",
             expected="16.50", found=price, record=f"product alpha/{mug.id}")
    w.expect(product.get("body_html") == described, "SET-5: the HubSpot description reached Shopify (default "
             "mapping description <-> body_html, both ways)", expected=described, found=product.get("body_html"),
             record=f"product alpha/{mug.id}")
    record = w.hubspot.record("products", found[0].id)
    kept = {"price": record.properties.get("price"), "description": record.properties.get("description")} \
        if record is not None else None
    w.expect(kept is not None and money_equal(kept["price"], "16.50") and kept["description"] == described,
             "PRD-5: HubSpot keeps the marketer's edit", expected={"price": "16.50", "description": described},
             found=kept)


@scenario("PRD-2", "LAT-3", title="a product deleted in Shopify is archived in HubSpot though every webhook is lost",
          faults=LOSE_ALL_WEBHOOKS)
def product_deleted_with_webhooks_lost(w: Sim) -> None:
    poster = w.shopify.create_product(title="Faded Poster", price="20.00")
    w.shopify.create_product(title="Lasting Poster", price="25.00")
    w.sync.enable("products")
    w.settle()
    w.advance(minutes=10)  # seen by any sync: its deletion must reach HubSpot
    w.shopify.delete_product(poster)
    w.advance(minutes=10)
    live = sorted((r.properties.get("name") or "").strip() for r in w.hubspot.records("products"))
    w.expect(live == ["Lasting Poster"], "PRD-2: the deleted product was archived in HubSpot, the other stays",
             expected=["Lasting Poster"], found=live, record=f"product alpha/{poster.id}")


@scenario("PRD-5", "PRD-1", "LAT-1", title="a product made again under the name of one deleted minutes after it "
          "was made takes the marketer's edits")
def product_made_again_under_a_deleted_name_follows_hubspot(w: Sim) -> None:
    w.sync.enable("products")
    w.settle()
    first = w.shopify.create_product(title="Linen Apron", price="30.00")
    w.advance(minutes=3)  # within the bound: a sync may or may not have seen it before its delete
    w.shopify.delete_product(first)
    again = w.shopify.create_product(title="Linen Apron", price="32.00")
    w.advance(minutes=10)
    found = [r for r in w.hubspot.records("products") if (r.properties.get("name") or "").strip() == again.title]
    if not w.expect(len(found) == 1, "PRD-1: the new product has one live HubSpot product", expected=1,
                    found=len(found), record=f"product alpha/{again.id}"):
        return
    w.hubspot.update(w.hubspot.ref(found[0]), price="35.00")
    w.advance(minutes=10)
    product = next((p for p in w.shopify.products() if p["id"] == again.id), None)
    price = product["variants"][0]["price"] if product is not None else None
    w.expect(price is not None and money_equal(price, "35.00"), "PRD-5: the HubSpot price reached the product made "
             "again under the deleted one's name", expected="35.00", found=price, record=f"product alpha/{again.id}")


@scenario("CON-2", "CNT-5", "LAT-1", shops=("alpha", "beta"), title="a HubSpot edit of a contact linked in two "
          "stores reaches both customers")
def hubspot_edit_reaches_both_stores(w: Sim) -> None:
    in_alpha = w.shopify.create_customer("alpha", email="two.stores@example.com", first_name="Dana", last_name="Two")
    in_beta = w.shopify.create_customer("beta", email="Two.Stores@example.com", first_name="Dana", last_name="Two")
    w.sync.enable("contacts")
    w.settle()
    contact = _contact_of(w, in_alpha)
    if contact is None:
        return
    w.hubspot.update(contact, firstname="Danielle")
    w.advance(minutes=10)
    for customer in (in_alpha, in_beta):
        w.expect(_first_name(w, customer) == "Danielle",
                 f"CON-2, CNT-5: the contact's edit reached its customer in {customer.shop}", expected="Danielle",
                 found=_first_name(w, customer), record=f"customer {customer.shop}/{customer.id}")


def _still_live(w: Sim, contact) -> bool:
    """Whether the contact outlived its customer's deletion (CNT-4); a marketer can edit only a live one."""
    record = w.hubspot.record("contacts", contact.id)
    return w.expect(record is not None and not record.archived, "CNT-4: the contact outlived its customer's deletion",
                    expected="live contact", found="archived" if record is not None else None,
                    record=f"contact {contact.id}")


def _customers_of(w: Sim, shop: str, email: str) -> list[int]:
    return [c["id"] for c in w.shopify.customers(shop) if norm_email(c.get("email")) == email]


@scenario("CON-2", "CNT-4", "CNT-5", shops=("alpha", "beta"), title="a contact edited seconds before its only "
          "customer is deleted stays out of the other store; its next edit goes to every store")
def contact_edited_just_before_its_customer_is_deleted_stays_in_its_store(w: Sim) -> None:
    linked = _linked(w, "parting.edit@example.com", "Stays")
    if linked is None:
        return
    customer, contact = linked
    # Edited, then the merchant deletes the customer two seconds later, before the sync's next tick: the sync meets
    # the edit with the customer gone, yet the edit came while the contact was that customer's (alpha's only).
    w.hubspot.update(contact, firstname="Parting")
    w.moment(2)
    w.shopify.delete_customer(customer)
    w.advance(minutes=10)
    if not _still_live(w, contact):
        return
    w.expect(not _customers_of(w, "beta", "parting.edit@example.com"), "CON-2: an edit made while the contact was "
             "alpha's customer's is not written to beta", expected="absent",
             found=_customers_of(w, "beta", "parting.edit@example.com"), record="contact parting.edit@example.com")
    w.hubspot.update(contact, firstname="Orphaned")
    w.advance(minutes=10)
    w.expect(bool(_customers_of(w, "beta", "parting.edit@example.com")), "CON-2: an edit of the contact after its "
             "only customer was deleted is HubSpot's own, written to every store", expected="present", found=None,
             record="contact parting.edit@example.com")
    w.expect(not _customers_of(w, "alpha", "parting.edit@example.com"), "CNT-4: the deleted customer is not made "
             "again", expected="absent", found=_customers_of(w, "alpha", "parting.edit@example.com"),
             record="contact parting.edit@example.com")


@scenario("CON-2", "CNT-1", "CNT-5", shops=("alpha", "beta"), title="a contact added in HubSpot just after the "
          "merchant made the person in one store is that customer's, not every store's")
def contact_added_just_after_its_customer_stays_in_its_store(w: Sim) -> None:
    w.sync.enable("contacts")
    w.settle()
    lee = w.shopify.create_customer("alpha", email="just.after@example.com", first_name="Lee", last_name="After")
    w.moment(2)  # met together at the next tick, the customer first by two seconds
    w.hubspot.create("contacts", email="just.after@example.com", firstname="Leona", lastname="After")
    w.advance(minutes=10)
    w.expect(_first_name(w, lee) == "Leona", "CNT-1, CNT-5: the customer was matched to the contact, whose later "
             "first name it took", expected="Leona", found=_first_name(w, lee), record=f"customer alpha/{lee.id}")
    in_beta = _customers_of(w, "beta", "just.after@example.com")
    w.expect(not in_beta, "CON-2: the person, first made in alpha, was not written to beta", expected=[],
             found=in_beta, record="shop beta")


@scenario("CNT-3", "CNT-1", shops=("alpha", "beta"), title="a customer made in a second store seconds before its "
          "person's contact is archived leaves the contact archived; its next change makes the contact again")
def customer_made_just_before_archive_leaves_contact_archived(w: Sim) -> None:
    w.sync.enable("contacts")
    first = w.shopify.create_customer("beta", email="late.comer@example.com", first_name="Early")
    w.settle()
    contact = _contact_of(w, first)
    if contact is None:
        return
    # Made in alpha, then the marketer archives the person two seconds later, before the sync's next tick: the
    # sync meets the new customer with the contact already archived, yet the customer came first.
    second = w.shopify.create_customer("alpha", email="late.comer@example.com", first_name="Late")
    w.moment(2)
    w.hubspot.archive(contact)
    w.advance(minutes=10)
    back = w.hubspot.contact_by_email("late.comer@example.com")
    w.expect(back is None, "CNT-3: a customer made before the archive does not bring the contact back",
             expected="archived", found=back and {"id": back.id}, record=f"customer alpha/{second.id}")
    w.shopify.update_customer(second, first_name="Later")
    w.advance(minutes=10)
    w.expect(_firstname(w, "late.comer@example.com") == "Later", "CNT-1: the customer's next change makes the "
             "contact again", expected="Later", found=_firstname(w, "late.comer@example.com"),
             record=f"customer alpha/{second.id}")


@scenario("CNT-3", "CNT-1", title="a customer changed seconds before its contact is archived leaves the contact "
          "archived; its next change makes the contact again")
def customer_changed_just_before_archive_leaves_contact_archived(w: Sim) -> None:
    linked = _linked(w, "last.word@example.com", "First")
    if linked is None:
        return
    customer, contact = linked
    # Renamed, then the marketer archives the contact two seconds later, before the sync's next tick: the sync
    # meets the change with the contact already archived, yet the change came first.
    w.shopify.update_customer(customer, first_name="Before")
    w.moment(2)
    w.hubspot.archive(contact)
    w.advance(minutes=10)
    back = w.hubspot.contact_by_email("last.word@example.com")
    w.expect(back is None, "CNT-3: a change made before the archive does not bring the contact back",
             expected="archived", found=back and {"id": back.id}, record=f"customer alpha/{customer.id}")
    if not w.expect(customer.id in _customers_of(w, "alpha", "last.word@example.com"), "CNT-3: archiving the "
                    "contact left its customer in Shopify", expected="present", found=None,
                    record=f"customer alpha/{customer.id}"):
        return
    w.shopify.update_customer(customer, first_name="After")
    w.advance(minutes=10)
    w.expect(_firstname(w, "last.word@example.com") == "After", "CNT-1: the customer's next change makes the "
             "contact again", expected="After", found=_firstname(w, "last.word@example.com"),
             record=f"customer alpha/{customer.id}")


@scenario("CNT-4", "CNT-5", title="a contact edited after its customer was deleted does not bring the customer back")
def contact_edited_after_customer_deleted(w: Sim) -> None:
    gone = w.shopify.create_customer(email="gone.customer@example.com", first_name="Gone")
    w.sync.enable("contacts")
    w.settle()
    contact = _contact_of(w, gone)
    if contact is None:
        return
    w.advance(minutes=10)  # seen by any sync before the merchant deletes it
    w.shopify.delete_customer(gone)
    w.advance(minutes=2)
    if not _still_live(w, contact):
        return
    w.hubspot.update(contact, firstname="Returned")
    w.advance(minutes=10)
    w.expect(not _customers_of(w, "alpha", "gone.customer@example.com"),
             "CNT-4: the deleted customer was not re-created by its contact's edit", expected="absent",
             found=_customers_of(w, "alpha", "gone.customer@example.com"), record="contact gone.customer@example.com")
    w.expect(_firstname(w, "gone.customer@example.com") == "Returned", "CNT-4: the contact stays, with its edit",
             expected="Returned", found=_firstname(w, "gone.customer@example.com"))


@scenario("CNT-4", "CON-2", "LAT-3", shops=("alpha", "beta"), title="webhooks lost: a contact edited after its "
          "customer was deleted in one store reaches the other store only", faults=LOSE_ALL_WEBHOOKS)
def contact_edited_after_customer_deleted_in_one_store(w: Sim) -> None:
    gone = w.shopify.create_customer("alpha", email="half.gone@example.com", first_name="Half")
    kept = w.shopify.create_customer("beta", email="half.gone@example.com", first_name="Half")
    w.sync.enable("contacts")
    w.settle()
    contact = _contact_of(w, kept)
    if contact is None:
        return
    w.advance(minutes=10)
    w.shopify.delete_customer(gone)
    w.advance(minutes=2)
    if not _still_live(w, contact):
        return
    w.hubspot.update(contact, firstname="Halfway")
    w.advance(minutes=10)
    w.expect(not _customers_of(w, "alpha", "half.gone@example.com"),
             "CNT-4: the customer deleted in alpha was not re-created by its contact's edit", expected="absent",
             found=_customers_of(w, "alpha", "half.gone@example.com"), record="contact half.gone@example.com")
    w.expect(_first_name(w, kept) == "Halfway", "CON-2, CNT-5: the customer in beta follows the contact",
             expected="Halfway", found=_first_name(w, kept), record=f"customer beta/{kept.id}")
