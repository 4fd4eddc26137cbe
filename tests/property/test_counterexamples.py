"""Counterexamples the state machine found against the reference, kept as regression tests.

Each is the shrunk list of moves as hypothesis printed it, replayed on the same machine (so the same
oracle and history checks judge it). The moves of one example happen at the same simulated instant but for
the time that passes, quiet points, and a move's `after` seconds.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from reference.engine import SyncEngine
from tests.property.machine import make_machine


@contextmanager
def _played() -> Iterator:
    """The machine with everything switched on; the moves of the `with` block, then a quiet point."""
    state = make_machine(SyncEngine, "reference")()
    state.switch_everything_on()
    try:
        yield state
        state.quiet_point()
    finally:
        state.teardown()


def test_a_contact_archived_as_a_merchant_makes_its_person_is_the_customers_contact_only():
    # Oracle bug: it required the archived HubSpot-born contact to stay archived and to reach every shop,
    # though no sync could have seen it alive; the sync rightly made the customer's contact (HubSpot
    # keeps the archived one in its recycle bin and makes a new one) and left the other shop alone.
    with _played() as state:
        contact = state.marketer_creates_contact(name="Ada", person="ada")
        state.merchant_creates_customer(case="lower", name="Edsger", person="ada", shop="beta")
        state.marketer_archives_contact(contact=contact)


def test_a_cart_waiting_for_a_deleted_product_is_work_left_not_an_echo():
    # Engine bug: the cart waited (8 min) for a product deleted before it was synced, reported itself idle
    # meanwhile, and its late write was judged a write after quiescence (CNT-6).
    with _played() as state:
        mug = state.merchant_creates_product(price=39, shop="beta", title="Mug", variants=1)
        state.shopper_abandons_checkout(person="alan", product=mug)
        state.merchant_deletes_product(product=mug)


def test_one_person_made_in_two_shops_at_once_may_take_either_shops_name():
    # Oracle bug: two shops are two sources; their same-instant values tie (CNT-5), and the latency of
    # either change is met when the value the sync kept shows.
    with _played() as state:
        state.merchant_creates_customer(case="lower", name="Ada", person="edsger", shop="alpha")
        state.merchant_creates_customer(case="lower", name="محمد", person="edsger", shop="beta")


def test_a_contact_made_as_a_merchant_makes_its_customer_may_or_may_not_reach_the_other_shop():
    # Oracle bug: which came first is undefined at one instant, so the person may be HubSpot-born (every
    # shop) or the customer's (its shop only), and either name may win.
    with _played() as state:
        state.merchant_creates_customer(case="upper", name="Ken", person="alan", shop="beta")
        state.marketer_creates_contact(name="محمد", person="alan")


def test_a_customer_made_and_deleted_at_once_leaves_no_values_a_cart_contact_must_carry():
    # Oracle bug: the cart's buyer gets a contact, but the first name of a customer no sync had to see
    # is not one it must carry.
    with _played() as state:
        ada = state.merchant_creates_customer(case="lower", name="Ada", person="ada", shop="alpha")
        state.merchant_deletes_customer(customer=ada)
        mug = state.merchant_creates_product(price=1, shop="alpha", title="Mug", variants=1)
        state.shopper_abandons_checkout(person="ada", product=mug)


def test_a_customer_made_and_deleted_at_once_neither_bars_nor_needs_its_shop():
    # Oracle bug: it barred the shop (CNT-4) though no sync could have seen the customer; the sync rightly
    # sent the HubSpot-born contact to every shop, that one included.
    with _played() as state:
        barbara = state.merchant_creates_customer(case="padded", name="Edsger", person="barbara", shop="beta")
        state.marketer_creates_contact(name="Barbara", person="barbara")
        state.merchant_deletes_customer(customer=barbara)


def test_a_source_writing_again_at_the_same_instant_keeps_the_ties():
    # Oracle bug: a second edit by the same shop at the same instant dropped the HubSpot value it tied with.
    with _played() as state:
        state.marketer_creates_contact(name="Łukasz", person="barbara")
        barbara = state.merchant_creates_customer(case="upper", name="Ada", person="barbara", shop="alpha")
        state.merchant_renames_customer(customer=barbara, name="Ada")
        state.merchant_deletes_customer(customer=barbara)


def test_one_product_made_in_two_shops_at_once_may_take_either_price():
    # Oracle bug: products had no tie rule, and prices are compared as money, not as text.
    with _played() as state:
        state.merchant_creates_product(price=89, shop="alpha", title="Mug", variants=1)
        state.merchant_creates_product(price=41, shop="beta", title="Mug", variants=2)


def test_a_product_name_taken_again_after_a_delete_is_the_new_products():
    # Oracle bug: a product deleted in Shopify was judged by its name (PRD-2), so the HubSpot product of a
    # new product given the same name afterwards was taken for a survivor of the delete.
    with _played() as state:
        mug = state.merchant_creates_product(price=1, shop="alpha", title="Mug", variants=1)
        state.quiet_point()
        state.merchant_deletes_product(product=mug)
        state.merchant_creates_product(price=25, shop="alpha", title="Mug", variants=2)


def test_a_product_name_taken_again_in_another_shop_is_that_shops_own_product():
    # Oracle bug: the same, in the shops (CON-2): the other shop's new product of that name was taken for
    # the deleted product written there.
    with _played() as state:
        mug = state.merchant_creates_product(price=1, shop="alpha", title="Mug", variants=1)
        state.merchant_deletes_product(product=mug)
        state.merchant_creates_product(price=65, shop="beta", title="Mug", variants=3)


def test_a_cart_at_the_archive_of_its_persons_contact_may_bring_the_contact_back():
    # Oracle bug: a cart needs its buyer's contact (CRT-1); made at or after the archive, the sync's upsert
    # by email makes a contact of that email again, which CNT-3 does not forbid. Since the checkout's email
    # makes a customer profile (as at Shopify), two more: the customer is in the history (the DSL recorded
    # only an order's new buyer), and a contact made and archived within the bound may have left nothing of
    # its values on that customer and on the contact the sync makes for it, not only its last value.
    with _played() as state:
        mug = state.merchant_creates_product(price=1, shop="alpha", title="Mug", variants=1)
        contact = state.marketer_creates_contact(name="Edsger", person="grace")
        state.marketer_archives_contact(contact=contact)
        state.shopper_abandons_checkout(person="grace", product=mug)


def test_a_checkouts_customer_in_another_shop_takes_the_persons_name():
    # Engine bug (thorough run, seed 20261205): a checkout's email made a nameless customer in a second shop;
    # linked to the synced contact, it kept no name, since neither side had changed the field (CNT-1: a first
    # match fills what is empty; CON-2: one contact for every customer of that email).
    with _played() as state:
        poster = state.merchant_creates_product(price=35, shop="beta", title="Poster", variants=1)
        state.merchant_creates_customer(case="lower", name="Ada", person="alan", shop="alpha")
        state.quiet_point()
        state.time_passes(minutes=17)
        state.shopper_abandons_checkout(person="alan", product=poster)


def test_a_survivor_of_an_archived_contact_that_changes_brings_its_other_shops_along():
    # Engine bug: after the archive of a HubSpot-born contact, a change of its customer in one shop made the
    # contact again, but the customer the sync had made in the other shop stayed unlinked and kept the old
    # name (CON-2: one contact, linked to every customer of that email; CNT-5: its updates flow).
    with _played() as state:
        contact = state.marketer_creates_contact(name="Edsger", person="grace")
        customer = state.merchant_creates_customer(case="lower", name="Łukasz", person="grace", shop="alpha")
        state.quiet_point()
        state.time_passes(minutes=17)
        state.marketer_archives_contact(contact=contact)
        state.quiet_point()
        state.time_passes(minutes=17)
        state.merchant_renames_customer(customer=customer, name="Ada")


def test_a_customer_changed_at_the_instant_its_contact_is_archived_may_bring_it_back():
    # Oracle bug: which came first is undefined at one instant; a change after the archive makes the contact
    # again (CNT-3 does not forbid it).
    with _played() as state:
        contact = state.marketer_creates_contact(name="Edsger", person="grace")
        customer = state.merchant_creates_customer(case="lower", name="Łukasz", person="grace", shop="alpha")
        state.quiet_point()
        state.time_passes(minutes=17)
        state.merchant_renames_customer(customer=customer, name="Ada")
        state.marketer_archives_contact(contact=contact)


def test_a_contact_made_again_after_its_archive_is_a_new_hubspot_born_contact():
    # Fake bug: making a contact with an archived contact's email restored the archived record, unstamped
    # and silent, so no sync could see the new HubSpot-born contact. HubSpot makes a new record
    # (docs/vendor-behaviour.md §3.4); the sync must carry it to every shop (CNT-5).
    with _played() as state:
        contact = state.marketer_creates_contact(name="Barbara", person="barbara")
        state.marketer_archives_contact(contact=contact)
        state.time_passes(minutes=17)
        state.marketer_creates_contact(name="Barbara", person="barbara")


def test_a_product_made_and_deleted_at_once_beside_a_namesake_may_go_unseen():
    # Oracle bug: a product made and deleted within the bound may never have been seen by a sync, so its
    # delete need not archive the HubSpot product its namesake in another shop keeps alive (PRD-2 either way).
    with _played() as state:
        state.merchant_creates_product(price=1, shop="alpha", title="Mug", variants=1)
        mug = state.merchant_creates_product(price=39, shop="beta", title="Mug", variants=1)
        state.merchant_deletes_product(product=mug)


def test_the_price_of_a_product_that_may_go_unseen_need_not_reach_its_namesakes():
    # Oracle bug: the same, once the namesake is synced: the unseen product's price may never have reached
    # HubSpot or the other shop (CNT-5 last writer among the changes a sync could see).
    with _played() as state:
        state.merchant_creates_product(price=25, shop="alpha", title="Mug", variants=2)
        state.quiet_point()
        mug = state.merchant_creates_product(price=39, shop="beta", title="Mug", variants=1)
        state.merchant_deletes_product(product=mug)


def test_an_order_made_before_its_contact_is_archived_may_lose_its_contact():
    # Oracle bug: the marketer's archive takes the order's contact away and CNT-3 keeps it archived; no
    # later change of the order asks a sync to write it again, so it may stay without a contact (ORD-2).
    with _played() as state:
        customer = state.merchant_creates_customer(case="lower", name="Ada", person="edsger", shop="beta")
        contact = state.marketer_creates_contact(name="Ada", person="edsger")
        mug = state.merchant_creates_product(price=35, shop="beta", title="Mug", variants=3)
        state.shopper_orders(customer=customer, paid=False, product=mug, quantity=1)
        state.time_passes(minutes=4)
        state.marketer_archives_contact(contact=contact)


def test_an_order_made_before_its_contact_is_archived_need_not_follow_the_new_contact():
    # Oracle bug: the same when a customer change at the archive makes the person a new contact: the order
    # did not change, so it need not be associated with the new contact.
    with _played() as state:
        customer = state.merchant_creates_customer(case="lower", name="Ada", person="edsger", shop="beta")
        contact = state.marketer_creates_contact(name="Ada", person="edsger")
        mug = state.merchant_creates_product(price=35, shop="beta", title="Mug", variants=3)
        state.shopper_orders(customer=customer, paid=False, product=mug, quantity=1)
        state.time_passes(minutes=4)
        state.marketer_archives_contact(contact=contact)
        state.merchant_renames_customer(customer=customer, name="Grace")


def test_a_change_made_as_its_customer_is_deleted_may_go_unseen():
    # Oracle bug: a customer renamed and deleted within the bound may be gone before a sync saw the rename,
    # so its contact may keep the name it had (CNT-5 among the changes a sync could see; CNT-4 keeps it).
    with _played() as state:
        customer = state.merchant_creates_customer(case="lower", name="Ada", person="ada", shop="alpha")
        state.time_passes(minutes=16)
        state.merchant_renames_customer(customer=customer, name="Barbara")
        state.merchant_deletes_customer(customer=customer)


def test_a_contact_renamed_once_its_customers_are_deleted_has_nothing_to_reach():
    # Oracle bug: the latency watch of a contact's update wanted the name in every shop. The person was the
    # customer's (made at the same instant as the contact) and the customer was deleted: an update reaches
    # the customers a person has, and only a HubSpot-born person with none yet is owed every shop (LAT-1).
    with _played() as state:
        customer = state.merchant_creates_customer(case="lower", name="Ada", person="ada", shop="alpha")
        contact = state.marketer_creates_contact(name="Ada", person="ada")
        state.time_passes(minutes=5)
        state.merchant_deletes_customer(customer=customer)
        state.marketer_renames_contact(contact=contact, name="Łukasz")


def test_a_product_archived_by_a_pass_is_not_written_to_the_shops_from_that_passs_listing():
    # Engine bug: a pass archived the HubSpot product of a deleted Shopify product (PRD-2), then took the
    # copy of it its HubSpot listing had read a moment before for a HubSpot-born product, and wrote it to
    # the other shop (CON-2).
    with _played() as state:
        mug = state.merchant_creates_product(price=1, shop="alpha", title="Mug", variants=1)
        state.time_passes(minutes=1)
        state.merchant_deletes_product(product=mug)


def test_a_contact_renamed_as_it_is_archived_may_leave_its_customers_the_old_name():
    # Oracle bug: a contact renamed and archived within the bound may be gone before a sync saw the rename,
    # so the customers it reached may keep the name they had (CNT-5 among the changes a sync could see).
    with _played() as state:
        contact = state.marketer_creates_contact(name="Barbara", person="barbara")
        state.quiet_point()
        state.marketer_renames_contact(contact=contact, name="Ada")
        state.marketer_archives_contact(contact=contact)


def test_a_shops_value_equal_to_hubspots_at_one_instant_stays_a_tie_when_hubspot_writes_again():
    # Oracle bug: the customer's name equalled the contact's at the instant both were made, so it was not kept
    # as a tie; HubSpot's rename at that instant then stood alone, though the shop's value is equally late.
    with _played() as state:
        contact = state.marketer_creates_contact(name="Alan", person="ada")
        state.merchant_creates_customer(case="lower", name="Alan", person="ada", shop="beta")
        state.marketer_renames_contact(contact=contact, name="Ada")


def test_a_new_product_is_not_matched_to_the_archived_one_a_lagging_search_still_finds():
    # Engine bug: a pass archived the HubSpot product of a deleted Shopify product (PRD-2); looking up the name
    # of a new product in another shop, HubSpot's search (which lags, docs/vendor-behaviour.md §3.5) still found the
    # archived one, so the new product was matched to it and never got a HubSpot product of its own (PRD-1).
    with _played() as state:
        tote = state.merchant_creates_product(price=13, shop="alpha", title="Tote", variants=1)
        state.quiet_point()
        state.merchant_deletes_product(product=tote)
        state.merchant_creates_product(price=13, shop="beta", title="Tote", variants=3)


def test_a_contact_made_after_its_persons_last_customer_was_deleted_is_hubspot_born():
    # Oracle bug (thorough run, --hypothesis-seed=20261203): the customer's deletion barred the person from its
    # shop for good (CNT-4), so a contact a marketer made afresh once the person had no customer and no contact
    # left could not reach that shop; it is a HubSpot-born record like any other, owed to every shop.
    with _played() as state:
        contact = state.marketer_creates_contact(name="Ada", person="ada")
        customer = state.merchant_creates_customer(case="lower", name="Ada", person="ada", shop="alpha")
        state.quiet_point()
        state.marketer_archives_contact(contact=contact)
        state.quiet_point()
        state.merchant_renames_customer(customer=customer, name="محمد")
        state.merchant_deletes_customer(customer=customer)
        state.time_passes(minutes=18)
        state.marketer_creates_contact(name="Ada", person="ada")


def test_a_name_taken_again_after_a_fleeting_product_belongs_to_the_newest_product_of_that_name():
    # Oracle bug (thorough run, --hypothesis-seed=41): a product made and deleted at one instant left a dead group
    # under its name; the name's later products (one in each shop, then the first deleted) made a second group,
    # dead in turn, and the first group still judged the shops' products of that name, calling the merchant's
    # own product in the other shop a write there (CON-2). The newest group of a name judges what the name holds.
    with _played() as state:
        fleeting = state.merchant_creates_product(price=64, shop="alpha", title="Mug", variants=2)
        state.merchant_deletes_product(product=fleeting)
        state.quiet_point()
        mug = state.merchant_creates_product(price=71, shop="alpha", title="Mug", variants=3)
        state.time_passes(minutes=10)
        state.merchant_creates_product(price=84, shop="beta", title="Mug", variants=3)
        state.time_passes(minutes=5)
        state.merchant_deletes_product(product=mug)


def test_a_person_whose_hubspot_contacts_never_lived_for_a_sync_is_the_customers_made_then():
    # Oracle bug (thorough run, --hypothesis-seed=41): contacts made and archived at one instant left the person
    # HubSpot-born, owed to every shop, so a customer a merchant made at that instant was required in the other
    # shop too (CNT-5); no sync could have seen those contacts, so the person is the customer's, and the other
    # shop may or may not have it.
    with _played() as state:
        first = state.marketer_creates_contact(name="Barbara", person="barbara")
        state.marketer_archives_contact(contact=first)
        again = state.marketer_creates_contact(name="Ken", person="barbara")
        state.marketer_archives_contact(contact=again)
        state.merchant_creates_customer(case="lower", name="محمد", person="barbara", shop="alpha")


def test_a_namesake_made_as_a_shared_product_is_deleted_may_get_a_hubspot_product_of_its_own():
    # Oracle bug (thorough run, --hypothesis-seed=20261204): a Poster made in alpha at the instant beta's synced
    # Poster was deleted joined the group the delete then archived, so the oracle barred any HubSpot Poster. A sync
    # that sees the delete first archives the old product and makes a new one for alpha's (PRD-1: no live product
    # of that name); one that sees the create first links it and archives both. Either is right.
    with _played() as state:
        poster = state.merchant_creates_product(price=65, shop="beta", title="Poster", variants=2)
        state.quiet_point()
        state.merchant_creates_product(price=73, shop="alpha", title="Poster", variants=1)
        state.merchant_deletes_product(product=poster)


def test_a_namesakes_edit_after_the_shared_product_is_archived_is_owed_nowhere():
    # DSL bug (thorough run, --hypothesis-seed=777013): a delete archived the HubSpot Tote that beta's Tote shared
    # (PRD-2), then beta's Tote was repriced; the latency watch waited for a HubSpot Tote at the new price, which
    # the oracle (rightly) forbids. A namesake of a product deleted for good owes HubSpot nothing more.
    with _played() as state:
        kept = state.merchant_creates_product(price=94, shop="beta", title="Tote", variants=3)
        gone = state.merchant_creates_product(price=7, shop="alpha", title="Tote", variants=2)
        state.quiet_point()
        state.merchant_deletes_product(product=gone)
        state.merchant_reprices_product(price=64, product=kept)
        state.quiet_point()
        state.merchant_reprices_product(price=65, product=kept)



def test_a_contact_renamed_and_archived_soon_after_it_was_made_may_leave_its_first_name_in_the_shops():
    # Oracle bug (thorough run, --hypothesis-seed=20261204): a HubSpot-born contact reached alpha as "Ada", was
    # renamed "Barbara" 6 minutes after its create and archived at once. A sync may never see the rename, so the
    # customer may keep "Ada"; the oracle dropped "Ada" because no value came before the create.
    with _played() as state:
        contact = state.marketer_creates_contact(name="Ada", person="ken")
        state.time_passes(minutes=6)
        state.marketer_renames_contact(contact=contact, name="Barbara")
        state.marketer_archives_contact(contact=contact)


def test_a_line_of_a_deleted_product_is_not_owed_to_a_later_product_of_its_name():
    # Oracle bug (thorough run, --hypothesis-seed=20261204): an order of a Mug deleted at once kept a line item
    # without a product; a new Mug made 17 minutes later got a HubSpot product, and the oracle wanted the old
    # order's line tied to it. A later product of the same name is another product.
    with _played() as state:
        buyer = state.merchant_creates_customer(case="lower", name="Alan", person="alan", shop="beta")
        mug = state.merchant_creates_product(price=56, shop="beta", title="Mug", variants=2)
        state.shopper_orders(customer=buyer, paid=False, product=mug, quantity=2)
        state.merchant_deletes_product(product=mug)
        state.time_passes(minutes=17)
        state.merchant_creates_product(price=32, shop="beta", title="Mug", variants=2)


def test_a_contact_made_at_the_instant_its_persons_last_customer_is_deleted_may_take_either_order():
    # Oracle bug (thorough run, with pauses between moves): the new contact came first in the history, so it was
    # the customer's and the delete barred the shop (CNT-4); the sync saw the delete first, took the contact for
    # HubSpot-born and wrote it to every shop. At one instant either order is right (tests/judge has both).
    with _played() as state:
        customer = state.merchant_creates_customer(case="lower", name="Barbara", person="barbara", shop="alpha")
        contact = state.marketer_creates_contact(name="Barbara", person="barbara")
        state.quiet_point()
        state.marketer_archives_contact(contact=contact, after=2)
        state.quiet_point()
        state.marketer_creates_contact(name="Barbara", person="barbara")
        state.merchant_deletes_customer(customer=customer)


def test_a_contact_made_after_its_persons_customer_is_that_customers_only():
    # Engine bug (thorough run, with pauses between moves): a contact the engine met for the first time was taken
    # for HubSpot-born and written to every shop, though the merchant had made the person in alpha two seconds
    # before: the person is alpha's customer, matched by email (CNT-1), and beta must not get it (CON-2).
    with _played() as state:
        state.merchant_creates_customer(after=2, case="lower", name="Zoé", person="ada", shop="alpha")
        state.marketer_creates_contact(after=2, name="Zoé", person="ada")


def test_a_contact_whose_only_customer_lived_seconds_may_be_taken_for_hubspot_born():
    # Oracle bug (thorough run, with pauses between moves): the contact came two seconds after the customer, so it
    # was the customer's, owed nowhere else (CON-2); but the customer was deleted two seconds later, before any
    # tick, and the sync met the contact alone, as HubSpot-born, and wrote it to every shop.
    with _played() as state:
        customer = state.merchant_creates_customer(after=2, case="lower", name="Zoé", person="ada", shop="alpha")
        state.marketer_creates_contact(after=2, name="Zoé", person="ada")
        state.merchant_deletes_customer(after=2, customer=customer)


def test_a_contact_archived_seconds_after_it_was_made_beside_a_new_customer_may_be_made_anew():
    # Oracle bug (thorough run, with pauses between moves): the contact, made at the instant of the customer, was
    # archived two seconds later, before any tick, and its return was called a breach of CNT-3; the sync never saw
    # it alive, met a new customer without a contact and made that customer's contact (CNT-1).
    with _played() as state:
        state.time_passes(minutes=2)
        state.merchant_creates_customer(case="lower", name="Ada", person="edsger", shop="alpha")
        contact = state.marketer_creates_contact(name="Ada", person="edsger")
        state.marketer_archives_contact(after=2, contact=contact)


def test_a_shops_product_of_an_archived_product_is_not_a_copy_of_its_newer_namesake():
    # Oracle bug (thorough run, --hypothesis-seed=1): a Cap deleted in beta archived the HubSpot Cap alpha's Cap
    # shared, and a new Cap in beta made a new one; alpha's own Cap, kept (PRD-3), was taken for the new Cap
    # written to alpha (CON-2), because the end state was matched by name alone.
    with _played() as state:
        state.merchant_creates_product(after=2, price=60, shop="alpha", title="Cap", variants=3)
        cap = state.merchant_creates_product(price=98, shop="beta", title="Cap", variants=3)
        state.quiet_point()
        state.merchant_deletes_product(product=cap)
        state.merchant_creates_product(after=2, price=40, shop="beta", title="Cap", variants=2)


def test_a_checkout_whose_customer_is_deleted_at_once_may_keep_its_email_from_a_sync():
    # Oracle bug (thorough run, --hypothesis-seed=2): the checkout's customer was deleted at the instant of the
    # checkout, before the sync subscribed to webhooks; Shopify's GraphQL shows a checkout's email only through its
    # customer, so the sync never read the email, yet the cart was required to carry the contact (CRT-1).
    with _played() as state:
        mug = state.merchant_creates_product(price=40, shop="alpha", title="Mug", variants=2)
        customer = state.merchant_creates_customer(case="lower", name="Ada", person="grace", shop="alpha")
        state.shopper_abandons_checkout(person="grace", product=mug)
        state.merchant_deletes_customer(customer=customer)


def test_a_customer_renamed_to_the_name_it_has_makes_no_change():
    # Oracle bug (thorough run, --hypothesis-seed=3): the second rename of beta's customer to "Edsger" changed
    # nothing, and Shopify kept its `updated_at`; the history called it the person's last change, so alpha's
    # customer made in between, whose "Grace" a sync rightly kept as the later, failed CNT-5.
    with _played() as state:
        edsger = state.merchant_creates_customer(case="lower", name="Ada", person="edsger", shop="beta")
        state.merchant_renames_customer(after=2, customer=edsger, name="Edsger")
        state.merchant_creates_customer(after=2, case="padded", name="Grace", person="edsger", shop="alpha")
        state.merchant_renames_customer(after=2, customer=edsger, name="Edsger")


def test_a_contact_made_again_while_its_persons_customer_survives_is_that_customers_only():
    # Engine bug (thorough run, --hypothesis-seed=4): the person's contact, made after the customer a checkout made
    # in alpha, was archived; a new contact of the person, met for the first time, was taken for HubSpot-born and
    # written to beta too. The customer that survived the archive was there first: the contact is its (CNT-1).
    with _played() as state:
        mug_beta = state.merchant_creates_product(after=2, price=20, shop="beta", title="Mug", variants=1)
        mug_alpha = state.merchant_creates_product(price=18, shop="alpha", title="Mug", variants=1)
        state.shopper_abandons_checkout(person="ken", product=mug_alpha)
        state.shopper_abandons_checkout(after=2, person="barbara", product=mug_beta)
        contact = state.marketer_creates_contact(name="محمد", person="ken")
        state.quiet_point()
        state.marketer_archives_contact(contact=contact)
        state.marketer_creates_contact(after=2, name="Ken", person="ken")


def test_a_checkout_made_seconds_before_its_contact_is_archived_does_not_bring_it_back():
    # Engine bug (thorough run, --hypothesis-seed=4): the sync met the checkout after the marketer had archived the
    # buyer's contact two seconds later, and made the contact again for it. The purchase came first and asks for
    # nothing (CNT-3); only a purchase after the archive needs a contact again (CRT-1).
    with _played() as state:
        mug = state.merchant_creates_product(price=57, shop="alpha", title="Mug", variants=3)
        contact = state.marketer_creates_contact(name="Ada", person="edsger")
        state.quiet_point()
        state.shopper_abandons_checkout(person="edsger", product=mug)
        state.marketer_archives_contact(after=2, contact=contact)


def test_an_order_stamps_its_customer_newer_than_a_contact_made_with_it():
    # Oracle bug (thorough run, --hypothesis-seed=5): beta's customer was made as "Grace", its contact as "Ken" two
    # seconds later, and an order of the customer came with the contact. Shopify stamps the customer's updated_at at
    # an order, so a sync meeting all three saw the customer as the later change (CNT-5 goes by each system's update
    # timestamp) and kept "Grace"; the oracle demanded "Ken", by field.
    with _played() as state:
        ada = state.merchant_creates_customer(case="lower", name="Grace", person="ada", shop="beta")
        tote = state.merchant_creates_product(after=2, price=42, shop="beta", title="Tote", variants=1)
        state.marketer_creates_contact(name="Ken", person="ada")
        state.shopper_orders(customer=ada, paid=True, product=tote, quantity=1)


def test_a_contact_renamed_to_its_name_after_its_customer_is_deleted_changes_nothing():
    # Oracle bug (thorough run, --hypothesis-seed=6): the contact's rename to the name it had was recorded as a
    # change, so the oracle took the contact for one orphaned and then changed (owed to every shop, CNT-5); HubSpot
    # stamps nothing and sends no event for it, and the sync rightly wrote nowhere.
    with _played() as state:
        ken = state.merchant_creates_customer(case="lower", name="Ada", person="ken", shop="alpha")
        contact = state.marketer_creates_contact(after=2, name="Barbara", person="ken")
        state.time_passes(minutes=10)
        state.merchant_deletes_customer(customer=ken)
        state.marketer_renames_contact(contact=contact, name="Barbara")


def test_a_customer_changed_after_its_contacts_archive_and_deleted_at_once_may_leave_it_archived():
    # Oracle bug (thorough run, --hypothesis-seed=7): the customer's rename after the archive would make the contact
    # again (CNT-3's reading), but the customer was deleted at that instant, before any sync had to see the rename;
    # the oracle demanded the new contact (CNT-5), and the sync rightly left the person archived.
    with _played() as state:
        ken = state.merchant_creates_customer(case="lower", name="Ada", person="ken", shop="alpha")
        contact = state.marketer_creates_contact(name="Ada", person="ken")
        state.quiet_point()
        state.marketer_archives_contact(contact=contact)
        state.merchant_renames_customer(customer=ken, name="Ken")
        state.merchant_deletes_customer(customer=ken)


def test_a_product_whose_hubspot_product_went_with_a_namesake_owes_no_archive_of_newer_ones():
    # Oracle bug (thorough run, --hypothesis-seed=6): alpha's Mug was deleted, which archived the HubSpot Mug that
    # beta's Mug shared (PRD-2); a new Mug in alpha got a HubSpot product of its own. Deleting beta's Mug then was
    # watched for every HubSpot Mug to go, the new one of alpha's live Mug included, which rightly stayed (LAT-1).
    with _played() as state:
        beta_mug = state.merchant_creates_product(price=6, shop="beta", title="Mug", variants=2)
        alpha_mug = state.merchant_creates_product(price=23, shop="alpha", title="Mug", variants=1)
        state.quiet_point()
        state.merchant_deletes_product(product=alpha_mug)
        state.merchant_creates_product(price=50, shop="alpha", title="Mug", variants=3)
        state.quiet_point()
        state.merchant_deletes_product(product=beta_mug)


def test_a_namesake_deleted_within_the_bound_may_have_orphaned_the_other_shops_product():
    # Oracle bug (thorough run, --hypothesis-seed=13): alpha's Cap and beta's Cap shared a HubSpot product; alpha's was
    # deleted five minutes after it was made and a new Cap made in alpha. The oracle took the delete for unseen only
    # (beta's Cap then follows the new Cap's price), but the sync had seen it, archived the shared product (PRD-2),
    # and left beta's Cap an orphan at the price it had (PRD-5).
    with _played() as state:
        cap = state.merchant_creates_product(price=43, shop="alpha", title="Cap", variants=3)
        state.merchant_creates_product(price=80, shop="beta", title="Cap", variants=2)
        state.time_passes(minutes=5)
        state.merchant_deletes_product(product=cap)
        state.merchant_creates_product(price=40, shop="alpha", title="Cap", variants=3)


def test_a_customer_made_seconds_before_its_persons_contact_is_archived_leaves_it_archived():
    # Engine bug (thorough run, --hypothesis-seed=14): the person's contact, beta's customer's, was archived two
    # seconds after a merchant made the person in alpha too. The sync met alpha's new customer after the archive and
    # made the contact again for it, though the customer came first and has not changed since (CNT-3).
    with _played() as state:
        state.merchant_creates_customer(case="upper", name="Ken", person="grace", shop="beta")
        contact = state.marketer_creates_contact(after=2, name="Alan", person="grace")
        state.quiet_point()
        state.merchant_creates_customer(case="padded", name="Alan", person="grace", shop="alpha")
        state.marketer_archives_contact(after=2, contact=contact)


def test_a_customer_may_keep_the_name_it_had_when_its_contact_is_archived():
    # Oracle bug (thorough run, --hypothesis-seed=14): beta's Ken took the marketer's Edsger; seven minutes on, the
    # merchant made the person in alpha as Alan, and two seconds later the marketer archived the contact. The oracle
    # wanted Alan in beta, though no sync had to carry it there before the archive, and with the contact archived
    # nothing carries a name between the shops: beta keeps the name it had (CNT-3, CNT-5).
    with _played() as state:
        state.merchant_creates_customer(case="upper", name="Ken", person="grace", shop="beta")
        contact = state.marketer_creates_contact(after=2, name="Alan", person="grace")
        state.marketer_renames_contact(contact=contact, name="Edsger")
        state.time_passes(minutes=7)
        state.merchant_creates_customer(case="padded", name="Alan", person="grace", shop="alpha")
        state.marketer_archives_contact(after=2, contact=contact)


def test_a_namesake_made_at_an_orphaning_delete_may_get_a_hubspot_product_of_its_own():
    # Oracle bug (thorough run, --hypothesis-seed=15): alpha's Poster was deleted three minutes after it was made,
    # beside beta's Poster, and a new Poster made in alpha at once; then beta's was repriced. The sync had seen the
    # delete: it archived the shared HubSpot product (PRD-2), made one for the new Poster at its price, and left
    # beta's an orphan. The oracle wanted beta's new price in HubSpot, as if the delete had gone unseen.
    with _played() as state:
        beta_poster = state.merchant_creates_product(price=40, shop="beta", title="Poster", variants=3)
        alpha_poster = state.merchant_creates_product(price=68, shop="alpha", title="Poster", variants=2)
        state.time_passes(minutes=3)
        state.merchant_deletes_product(product=alpha_poster)
        state.merchant_creates_product(price=60, shop="alpha", title="Poster", variants=3)
        state.merchant_reprices_product(after=2, price=93, product=beta_poster)


def test_a_customer_renamed_seconds_before_its_contact_is_archived_leaves_it_archived():
    # Engine bug (thorough run, --hypothesis-seed=17): the merchant renamed the person's customer two seconds before
    # the marketer archived its contact. The sync met the rename after the archive and made the contact again for
    # it, though the change came first (CNT-3): the fix for customers met for the first time missed linked ones.
    with _played() as state:
        grace = state.merchant_creates_customer(case="padded", name="Grace", person="grace", shop="alpha")
        contact = state.marketer_creates_contact(name="Zoé", person="grace")
        state.quiet_point()
        state.merchant_renames_customer(customer=grace, name="Ken")
        state.merchant_creates_product(after=2, price=65, shop="beta", title="Poster", variants=1)
        state.marketer_archives_contact(contact=contact)


def test_a_contact_renamed_at_the_instant_its_last_customer_is_deleted_may_reach_the_other_shop():
    # Oracle bug (thorough run, --hypothesis-seed=16): the contact, made two seconds after alpha's customer, was that
    # customer's; the marketer renamed it at the very instant the merchant deleted the customer. The sync took the
    # delete first and the rename for an orphaned contact's, owed to every shop, and wrote the person to beta. The
    # oracle took the rename first and barred beta (CON-2); at one instant either order is right.
    with _played() as state:
        barbara = state.merchant_creates_customer(case="lower", name="Ada", person="barbara", shop="alpha")
        contact = state.marketer_creates_contact(after=2, name="Ada", person="barbara")
        state.quiet_point()
        state.marketer_renames_contact(contact=contact, name="Zoé")
        state.merchant_deletes_customer(customer=barbara)


def test_a_contact_renamed_seconds_before_its_last_customer_is_deleted_stays_out_of_the_other_shop():
    # Engine bug (thorough run, --hypothesis-seed=16): the marketer renamed the contact, alpha's customer's, two
    # seconds before the merchant deleted that customer. The sync met the rename with the customer gone, took it for
    # an orphaned contact's change, owed to every shop, and wrote the person to beta (CON-2), though the rename came
    # while the contact was alpha's customer's. The sync now keeps when each delete happened (X-Shopify-Triggered-At).
    with _played() as state:
        barbara = state.merchant_creates_customer(case="lower", name="Ada", person="barbara", shop="alpha")
        contact = state.marketer_creates_contact(after=2, name="Ada", person="barbara")
        state.quiet_point()
        state.marketer_renames_contact(contact=contact, name="Zoé")
        state.merchant_deletes_customer(after=2, customer=barbara)
