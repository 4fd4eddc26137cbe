"""CNT: contacts <-> customers. The history of people replayed into groups (one person: a HubSpot contact and
the customers linked to it in each shop), each giving an expectation per place, compared with the end state."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from scenarios.judge.indeterminacy import (
    Expect,
    Expectation,
    Valued,
    forget_unseen,
    last_writer,
    possibly_held,
    possibly_unseen,
    restamped,
)
from scenarios.judge.rules import CONTACT_BOTH, CONTACT_TO_HUBSPOT_ADDRESS, norm_email
from scenarios.judge.view import RunView, reporting

HUBSPOT = "hubspot"

# Why a place may or may not hold the person (the keys of ContactGroup.possible).
PERSON_UNSEEN = "person"  # every record of the person lived less than the bound: none need exist anywhere
ARCHIVE_UNSEEN = "archive"  # its HubSpot-born contact was archived within the bound: a sync may never have seen it
ELSEWHERE_OPEN = "elsewhere"  # shops beyond its customers' may or may not have been given the person
# ... and "shop:NAME": the person's customer there was made and deleted within the bound, or deleted at the
# instant its contact was made:
TIED_DELETE = "its last customer was deleted at the instant its contact was made"
# ... or at the instant its contact changed: after the delete, the change is an orphaned contact's, owed to every shop.
TIED_CHANGE = "its last customer was deleted at the instant its contact changed"


@dataclass
class ContactGroup:
    """One person: a HubSpot contact and the customers linked to it in each shop."""

    key: str | None
    fields: dict[str, Valued] = field(default_factory=dict)  # Shopify field names
    customers: dict[str, int | None] = field(default_factory=dict)  # shop -> customer id
    hubspot_ids: set[str] = field(default_factory=set)
    hubspot_alive: bool = True
    everywhere: bool = False  # HubSpot-born (or orphaned then changed): expected in every shop
    deleted_in: set[str] = field(default_factory=set)
    deleted_at: datetime | None = None  # when a merchant's delete last left the person without customers
    # The possible changes that leave a place open, by place (see the keys above), with why.
    possible: dict[str, str] = field(default_factory=dict)
    archived_at: datetime | None = None  # when its HubSpot contact was last archived
    touched_at: datetime | None = None  # when a merchant last changed one of its customers
    changed_in_hubspot_at: datetime | None = None  # when a marketer last changed its contact
    # The customers changed since its HubSpot contact was archived, each at its first change since: the changes
    # that make the contact again (while no contact of the person is known live).
    revived_by: dict[tuple[str, int], datetime] = field(default_factory=dict)
    past: dict[str, list[Valued]] = field(default_factory=dict)  # what each field held before, oldest first
    # What each shop's customer may have held of each field when its contact was last archived: with no live
    # contact between them, no sync carries a value from one shop's customer to another's, so each may keep it.
    kept: dict[str, dict[str, set[Any]]] = field(default_factory=dict)

    def set(self, name: str, value: Any, at: datetime, *, creating: bool = False, system: str = "") -> None:
        # A record created with a field empty has not changed that field: matching it to a person
        # the other side already knows fills that person's values, it does not erase them (CNT-1).
        if creating and value in (None, ""):
            return
        last_writer(self.fields, name, value, at, system, self.past)

    def archived_with(self, shops: list[str], born: dict[str, datetime], at: datetime) -> None:
        """The contact was archived at `at`: note what the person's customer in each shop, the merchant's or one a
        sync made, may have held then."""
        self.kept = {}
        for shop in shops:
            made = born.get(f"{shop}/{self.customers[shop]}") if shop in self.customers else None
            self.kept[shop] = {
                name: possibly_held(sorted([*self.past.get(name, []), current], key=lambda v: v.at),
                                    f"shopify:{shop}", made, at)
                for name, current in self.fields.items()}

    def keeps(self, shop: str, name: str, have: Any) -> bool:
        """Whether a shop's customer holding `have` may be one that kept its value at the contact's archive."""
        return not self.hubspot_alive and (have or None) in self.kept.get(shop, {}).get(name, ())

    def may_return(self, buyers: dict[str, datetime]) -> bool:
        """Whether an archived contact may be live again without breaking CNT-3: a cart or order of the person
        at or after the archive needs a contact (CRT-1, ORD-2), and a customer changed at the very instant of
        the archive may have changed after it (then it makes the contact again, a tie)."""
        if self.archived_at is None:
            return False
        bought = buyers.get(self.key or "")
        return (bought is not None and bought >= self.archived_at) or self.touched_at == self.archived_at

    def expectations(self, shops: list[str], buyers: dict[str, datetime]) -> dict[str, Expectation]:
        """What HubSpot and each shop must hold of this person."""
        unseen = self.possible.get(PERSON_UNSEEN)
        if self.hubspot_alive and unseen:
            # Every record of the person lived less than the bound: nothing of it is owed anywhere.
            return dict.fromkeys((HUBSPOT, *shops), Expectation.may(unseen, values=False))
        out: dict[str, Expectation] = {}
        if self.hubspot_alive:
            out[HUBSPOT] = Expectation.must("CNT-1" if self.customers else "CNT-5")
        elif ARCHIVE_UNSEEN in self.possible or self.may_return(buyers):
            out[HUBSPOT] = Expectation.may(self.possible.get(ARCHIVE_UNSEEN, "a later purchase, or a change tied "
                                                             "with the archive, needs the contact again"),
                                           values=False)
        else:
            out[HUBSPOT] = Expectation.must_not("CNT-3")
        wanted = (set(self.customers) if not self.everywhere else set(shops)) - self.deleted_in
        for shop in shops:
            if f"shop:{shop}" in self.possible and shop not in self.customers:
                out[shop] = Expectation.may(self.possible[f"shop:{shop}"], values=False)
            elif ELSEWHERE_OPEN in self.possible and shop not in self.customers and shop not in self.deleted_in:
                out[shop] = Expectation.may(self.possible[ELSEWHERE_OPEN], values=False)
            elif shop in wanted:
                # After the archive of a person no sync had to see alive, a customer found is judged as any.
                out[shop] = Expectation.may(unseen) if unseen else Expectation.must("CNT-5" if self.everywhere
                                                                                   else "CNT-1")
            elif shop in self.deleted_in:
                out[shop] = Expectation.must_not("CNT-4")
            else:
                out[shop] = Expectation.must_not("CON-2")
        return out


def contact_groups(view: RunView) -> list[ContactGroup]:
    """Replay the history of people and settings into contact groups."""
    email_only = view.objects("contacts").get("only_with_email", True)
    groups: list[ContactGroup] = []
    by_customer: dict[tuple[str, int], ContactGroup] = {}
    by_hubspot: dict[str, ContactGroup] = {}
    born_at: dict[str, datetime] = {}

    def find(key: str | None) -> ContactGroup | None:
        if key is None:
            return None
        return next((g for g in groups if g.key == key), None)

    for change in view.history:
        if change.system == "shopify" and change.object == "customer":
            shop, cid = change.shop or "", int(change.id)
            if change.op == "delete":
                group = by_customer.pop((shop, cid), None)
                if group is not None:
                    group.customers.pop(shop, None)
                    revived = group.revived_by.pop((shop, cid), None)
                    forget_unseen(group.fields, group.past, f"shopify:{shop}", change.at)
                    quick = possibly_unseen(born_at.get(f"{shop}/{cid}"), change.at)
                    if not group.hubspot_ids and not group.customers and quick:
                        # Made and deleted before a sync had to see it: no other side need exist,
                        # and nothing bars a HubSpot-born person from this shop later.
                        group.possible[PERSON_UNSEEN] = f"customer {shop}/{cid} was deleted within the bound"
                    elif quick:
                        group.possible[f"shop:{shop}"] = f"customer {shop}/{cid} was made and deleted within the bound"
                        if not group.customers and not group.everywhere and group.hubspot_alive:
                            # A sync that never saw the customer met its contact alone: HubSpot-born to it, so the
                            # contact may have gone to every shop.
                            group.possible[ELSEWHERE_OPEN] = f"customer {shop}/{cid} was made and deleted within " \
                                                             "the bound, its contact alone may have been seen"
                    elif not group.customers and not group.everywhere and group.hubspot_alive and any(
                            born_at.get(hid) == change.at for hid in group.hubspot_ids):
                        # Its last customer deleted at the very instant its contact was made (a tie): before
                        # the delete, the contact was that customer's; after it, HubSpot-born, owed to every
                        # shop, the deleting one included.
                        group.possible[f"shop:{shop}"] = group.possible[ELSEWHERE_OPEN] = TIED_DELETE
                    else:
                        group.deleted_in.add(shop)
                        if not group.customers:
                            group.deleted_at = change.at
                            if not group.everywhere and group.hubspot_alive \
                                    and group.changed_in_hubspot_at == change.at:
                                group.possible[ELSEWHERE_OPEN] = TIED_CHANGE
                    if revived is not None and not group.revived_by and group.hubspot_alive \
                            and not group.hubspot_ids and PERSON_UNSEEN not in group.possible \
                            and possibly_unseen(revived, change.at):
                        # The only change that made the archived contact again went with its customer before a
                        # sync had to see it: the contact may stay archived (CNT-3) or have been made (CNT-1).
                        group.hubspot_alive = False
                        group.possible[ARCHIVE_UNSEEN] = f"customer {shop}/{cid} changed after its contact's " \
                                                         "archive and was deleted within the bound"
                continue
            if change.op == "create":
                born_at[f"{shop}/{cid}"] = change.at
            key = norm_email(change.record.get("email"))
            group = by_customer.get((shop, cid))
            if group is None:
                if key is None and email_only:
                    continue
                group = find(key)
                if group is None:
                    group = ContactGroup(key)
                    groups.append(group)
                group.customers[shop] = cid
                group.deleted_in.discard(shop)
                group.possible.pop(f"shop:{shop}", None)
                if PERSON_UNSEEN in group.possible and group.everywhere:
                    # Its HubSpot-born contacts lived too briefly for a sync to have to see them: the person
                    # is this customer's now, and other shops may or may not have been given it meanwhile.
                    group.everywhere = False
                    group.possible[ELSEWHERE_OPEN] = "a HubSpot-born contact of the person lived less than the bound"
                group.possible.pop(PERSON_UNSEEN, None)  # a live customer carries the person again
                by_customer[(shop, cid)] = group
            elif key != group.key:
                group.key = key
            if not group.hubspot_alive:
                group.hubspot_alive = True  # a changed customer whose contact was archived makes a new one
                group.hubspot_ids.clear()
                group.revived_by.clear()
            if group.archived_at is not None and not group.hubspot_ids:
                group.revived_by.setdefault((shop, cid), change.at)
            group.touched_at = change.at
            creating = change.op == "create"
            for field_name in (*CONTACT_BOTH, "email"):
                if field_name in change.data:
                    group.set(field_name, change.data.get(field_name), change.at, creating=creating,
                              system=f"shopify:{shop}")
            if "default_address" in change.data:
                address = change.data.get("default_address") or {}
                for field_name in CONTACT_TO_HUBSPOT_ADDRESS:
                    group.set(field_name, address.get(field_name), change.at, creating=creating,
                              system=f"shopify:{shop}")
        elif change.system == "shopify" and change.object == "order" and change.op == "create":
            # The order's customer gets a new `updated_at` (and a customers/update webhook) at the order.
            buyer = (change.record.get("customer") or {}).get("id")
            group = by_customer.get((change.shop or "", int(buyer))) if buyer else None
            if group is not None:
                restamped(group.fields, group.past, f"shopify:{change.shop}", change.at)
        elif change.system == "hubspot" and change.object == "contacts":
            key = norm_email(change.record.get("email"))
            if change.op == "create":
                if key is None and email_only:
                    continue
                group = find(key)
                if group is None:
                    group = ContactGroup(key, everywhere=True)
                    groups.append(group)
                elif not group.customers:
                    # Made afresh when the person has no customer left, and no live contact either, whatever
                    # a sync made of the last changes (HubSpot refuses a second live contact of one email): a
                    # HubSpot-born record like any other, owed to every shop, a shop that deleted the person's
                    # customer before included (CNT-4 bars only the records that customer was linked to).
                    group.everywhere = True
                    if group.deleted_at == change.at:  # the tie above, the other way round in the history
                        for shop in group.deleted_in:
                            group.possible[f"shop:{shop}"] = TIED_DELETE
                        group.possible[ELSEWHERE_OPEN] = TIED_DELETE
                    group.deleted_in.clear()
                elif not group.everywhere and group.customers and all(
                        born_at.get(f"{shop}/{cid}") == change.at for shop, cid in group.customers.items()):
                    # Made at the very instant merchants made its customers: which came first is undefined
                    # (a tie), so the person may be HubSpot-born (in every shop) or the customers' only.
                    group.possible[ELSEWHERE_OPEN] = "its contact and its customers were made at one instant"
                group.hubspot_alive = True
                group.possible.pop(PERSON_UNSEEN, None)
                group.hubspot_ids.add(change.id)
                by_hubspot[change.id] = group
                born_at[change.id] = change.at
            else:
                group = by_hubspot.get(change.id) or find(key)
                if group is None:
                    continue
                by_hubspot[change.id] = group
                group.hubspot_ids.add(change.id)
                if change.op == "archive":
                    group.hubspot_alive = False
                    group.archived_at = change.at
                    group.archived_with(view.shops, born_at, change.at)
                    group.possible.pop(ARCHIVE_UNSEEN, None)  # whether a sync saw it is this archive's question
                    group.revived_by.clear()
                    forget_unseen(group.fields, group.past, "hubspot", change.at)
                    quick = possibly_unseen(born_at.get(change.id), change.at)
                    if group.everywhere and quick and not any(group.customers.values()):
                        group.possible[PERSON_UNSEEN] = f"contact {change.id} was archived within the bound"
                    elif group.everywhere and quick:
                        # A sync may have seen it alive (then it reached every shop and stays archived, CNT-3)
                        # or never (then it is only the customers' contact, which the sync makes anew when it
                        # writes that email again).
                        group.possible[ARCHIVE_UNSEEN] = f"contact {change.id} was archived within the bound"
                        group.possible[ELSEWHERE_OPEN] = f"contact {change.id} was archived within the bound"
                    elif quick and any(possibly_unseen(born_at.get(f"{shop}/{cid}"), change.at)
                                       for shop, cid in group.customers.items()):
                        # Made with or after a customer no sync need have met yet, and archived before a sync need
                        # have seen it alive: a sync that never did makes that new customer's contact anew (CNT-1).
                        group.possible[ARCHIVE_UNSEEN] = f"contact {change.id} was archived within the bound, " \
                                                         "beside a customer as new"
                    continue
                if not group.customers and group.deleted_at == change.at and not group.everywhere:
                    group.possible[ELSEWHERE_OPEN] = TIED_CHANGE  # the tie above, the other way round in the history
                elif not group.customers:
                    group.everywhere = True
                    if group.possible.get(ELSEWHERE_OPEN) == TIED_CHANGE:
                        group.possible.pop(ELSEWHERE_OPEN)  # a later change of the orphaned contact is owed everywhere
                group.changed_in_hubspot_at = change.at
                group.key = key or group.key
            if change.op in ("create", "update"):
                creating = change.op == "create"
                for shopify_name, hubspot_name in CONTACT_BOTH.items():
                    if hubspot_name in change.data:
                        group.set(shopify_name, change.data.get(hubspot_name), change.at, creating=creating,
                                  system=change.system)
                if "email" in change.data:
                    group.set("email", change.data.get("email"), change.at, creating=creating, system=change.system)
    return groups


def groups_of(view: RunView) -> list[ContactGroup]:
    """The contact groups of a run, replayed once however many checkers ask (orders and carts need to know when
    a person's contact was archived)."""
    return view.memo("contact groups", lambda: contact_groups(view))


def buyer_emails(view: RunView) -> dict[str, datetime]:
    """Emails of checkouts and orders, with the last instant each bought: the sync may make contacts for
    them (CRT-1, ORD-2)."""
    found: dict[str, datetime] = {}
    for change in view.history:
        if change.system == "shopify" and change.object in ("order", "checkout"):
            for email in (change.record.get("email"), (change.record.get("customer") or {}).get("email")):
                key = norm_email(email)
                if key:
                    found[key] = max(found.get(key, change.at), change.at)
    return found


def archived_since(groups: list[ContactGroup], email: str, at: datetime | None) -> bool:
    """Whether the person's contact was archived in HubSpot at or after `at` (the last change of an order or
    cart that needs it): the record lost its contact to the marketer's archive, and nothing since asked a
    sync to write the record again, so it may stay without one even if the person has a new contact
    (ORD-2, CRT-1 within CNT-3)."""
    archived = None
    for group in groups:  # a person's email may have moved between groups: the last one holding it counts
        if group.key == email and group.archived_at is not None:
            archived = group.archived_at
    return archived is not None and at is not None and at <= archived


@reporting
def check_contacts(view: RunView) -> None:
    groups = groups_of(view)
    live_shops = view.live_shops()
    by_email: dict[str, list] = {}
    for contact in view.records("contacts"):
        by_email.setdefault(norm_email(contact.properties.get("email")) or "", []).append(contact)
    buyers = buyer_emails(view)
    customers_of = {shop: view.customers(shop) for shop in live_shops}
    for group in groups:
        if group.key is None:
            continue
        label = f"contact {group.key}"
        expect = group.expectations(view.shops, buyers)
        found = by_email.get(group.key, [])
        hubspot = expect[HUBSPOT]
        if hubspot.expect is Expect.MUST and not found:
            # The person's shops are judged once its contact exists: one failure, not one per shop.
            view.fail(hubspot.rule, f"no HubSpot contact for {group.key}", {"email": group.key}, None, label)
            continue
        if hubspot.expect is Expect.MUST:
            contact = found[0]
            for shopify_name, hubspot_name in CONTACT_BOTH.items():
                want = group.fields.get(shopify_name)
                if want is not None and not want.accepts(contact.properties.get(hubspot_name)):
                    view.fail("CNT-5", f"contact {group.key} {hubspot_name}", want.value,
                              contact.properties.get(hubspot_name), label)
        elif hubspot.expect is Expect.MUST_NOT:
            for contact in found:
                view.fail(hubspot.rule, f"archived contact {group.key} came back", "archived",
                          {"id": contact.id, "email": contact.properties.get("email")}, label)
        for shop in live_shops:
            place = expect[shop]
            if place.expect is Expect.MAY and not place.values:
                continue  # whichever a sync saw, either way is right
            customers = [c for c in customers_of[shop] if norm_email(c.get("email")) == group.key]
            if place.expect is Expect.MUST_NOT:
                if customers:
                    what = (f"deleted customer {group.key} re-created in {shop}" if place.rule == "CNT-4"
                            else f"customer {group.key} written to {shop}")
                    view.fail(place.rule, what, "absent", {"shop": shop, "id": customers[0]["id"]}, label)
                continue
            if not customers and group.customers.get(shop):
                # A customer the merchant made is gone and no merchant deleted it: the implementation did,
                # which only CNT-3's rule forbids outright.
                view.fail("CNT-3", f"customer {group.key} of {shop} was deleted by the implementation",
                          {"shop": shop, "id": group.customers[shop]}, None, label)
                continue
            if not customers:
                if place.expect is Expect.MUST:
                    view.fail(place.rule, f"no customer {group.key} in {shop}", {"shop": shop, "email": group.key},
                              None, label)
                continue
            customer = customers[0]
            for shopify_name in CONTACT_BOTH:
                want = group.fields.get(shopify_name)
                have = customer.get(shopify_name)
                if want is not None and not want.accepts(have) and not group.keeps(shop, shopify_name, have):
                    view.fail("CNT-5", f"customer {group.key} in {shop} {shopify_name}", want.value, have, label)
    email_only = view.objects("contacts").get("only_with_email", True)
    known = {g.key for g in groups if g.key} | set(buyers)
    for email, found in by_email.items():
        if email and email not in known:
            view.fail("CNT-1", f"unexpected contact {email}", "absent",
                      [{"id": c.id, "email": c.properties.get("email")} for c in found], f"contact {email}")
    if email_only:
        made_without = {(c.shop, int(c.id)) for c in view.history
                        if c.system == "shopify" and c.object == "customer" and c.op == "create"
                        and not norm_email(c.data.get("email"))}
        for shop in live_shops:
            for customer in customers_of[shop]:
                if not norm_email(customer.get("email")) and (shop, customer["id"]) not in made_without:
                    view.fail("CNT-2", f"customer without email created in {shop}", "none",
                              {"id": customer["id"],
                               "name": f"{customer.get('first_name')} {customer.get('last_name')}"})
        for contact in by_email.get("", []):
            if not any(c.system == "hubspot" and c.id == contact.id for c in view.history):
                view.fail("CNT-2", "contact without email created", "none",
                          {"id": contact.id, "properties": contact.properties})
