"""Forged, stale and replayed webhooks at the implementation's receivers (issue 9).

A webhook receiver is an open door: anybody can POST to it. These scenarios send what the vendors
never sent: a Shopify delivery signed with the wrong secret (or not at all) claiming a change that
never happened, one about a customer that does not exist, a HubSpot v3 delivery with a bad
signature, one correctly signed over a timestamp more than five minutes old (docs/vendor-behaviour.md §4.2), and a
genuine old delivery replayed after a newer change (docs/vendor-behaviour.md §2.1: delivery is at-least-once and
unordered). Where a forged delete could unlink a record, a genuine change follows that must still
propagate.

What is judged, and how hard:

- Outcomes are hard failures, named after the rule the forged input would break: the oracle's end
  state, plus explicit checks that no forged value ever appeared in the other system. For HubSpot,
  "ever" is the property history of every record, archived ones included (the fake keeps every
  value a property had); the fake Shopify keeps no history, so its records are looked at each tick.
- The receiver's answer is a note, not a failure. docs/spec.md has no requirement on authenticating
  webhooks and docs/design.md#the-process-contract fixes no status for a refused delivery; an
  implementation that answers 200 to a forged delivery and never acts on it (one that takes webhooks
  as hints and re-reads the records, say) conforms. A 2xx to a forged or stale delivery is noted on the scenario's first
  requirement, and every 4xx is counted as refused in the report's reliability section.
"""

from __future__ import annotations

from fakes.clock import parse_iso8601
from scenarios.dsl import Sim, money_equal, norm_email, scenario
from scenarios.dsl.webhooks import FORGER_SECRET, stale

TAGS = ("hostile",)
FORGED_NAMES = ("Mallory", "Forged", "Ghost", "Intruder")
FORGED_EMAILS = ("ghost@example.com", "intruder@example.com")
FORGED_TITLES = ("Hacked Lamp",)


def _hubspot_ever(w: Sim, object_type: str, values: tuple[str, ...]) -> list[dict]:
    """Every (record, property, value, when) of HubSpot's property history, archived records included,
    that ever held one of `values`."""
    wanted = {v.lower() for v in values}
    found = []
    for record in w.hubspot.records(object_type, archived=None):
        for name, entries in record.history.items():
            for entry in entries:
                if str(entry.get("value", "")).lower() in wanted:
                    found.append({"id": record.id, "property": name, "value": entry["value"],
                                  "at": entry.get("timestamp")})
    return found


class ShopifyLookout:
    """Looks at every customer and product of every shop at each tick for values that must never land.

    The fake Shopify keeps no history of a record's values, so "never, at any point" is checked on
    what each tick leaves behind.
    """

    def __init__(self, w: Sim, values: tuple[str, ...]) -> None:
        self.w = w
        self.values = {v.lower() for v in values}
        self.seen: list[dict] = []
        w.world.on_tick.append(self.look)

    def look(self, now) -> None:
        for shop in self.w.options.shops:
            state = self.w.world.shopify.shop(shop)
            for customer in state.customers.values():
                for name in ("first_name", "last_name", "email"):
                    value = getattr(customer, name)
                    if value is not None and value.lower() in self.values:
                        self.seen.append({"shop": shop, "customer": customer.id, name: value, "at": now.isoformat()})
            for product in state.products.values():
                if product.title.lower() in self.values:
                    self.seen.append({"shop": shop, "product": product.id, "title": product.title,
                                      "at": now.isoformat()})


def _answers(w: Sim, requirement: str) -> None:
    """Note every forged or stale delivery the receiver did not refuse (see the module docstring)."""
    for sent in w.webhooks.sent:
        if sent.kind in ("forged", "stale") and not sent.refused:
            w.note(f"{requirement}: a {sent.kind} {sent.source} webhook ({sent.topic}) was answered {sent.status}, "
                   f"not refused; only its effects are judged")


def _forged_never_in_hubspot(w: Sim, requirement: str, object_type: str, values: tuple[str, ...]) -> None:
    found = _hubspot_ever(w, object_type, values)
    writes = [e.as_json() for e in w.world.writes("hubspot") if e.phase in ("tick", "webhook")]
    w.expect(not found, f"{requirement}: a forged webhook's values reached HubSpot {object_type}", expected="never",
             found=found[:10], calls=writes[-10:])


@scenario("CNT-5", "LAT-1", title="a forged Shopify webhook (wrong HMAC) claiming a customer edit and delete "
          "changes nothing", tags=TAGS)
def forged_shopify_customer_change(w: Sim) -> None:
    victim = w.shopify.create_customer(email="victim@example.com", first_name="Real", last_name="Person")
    w.sync.enable("contacts")
    w.settle()
    real = w.shopify.customer(victim) or {}
    forged = {**real, "first_name": "Mallory", "last_name": "Forged", "updated_at": w.now().isoformat()}
    w.webhooks.shopify("alpha", "customers/update", forged, secret=FORGER_SECRET)
    w.webhooks.shopify("alpha", "customers/update", forged, signed=False)
    w.webhooks.shopify("alpha", "customers/delete", {"id": victim.id}, secret=FORGER_SECRET)
    w.advance(minutes=5)
    # A genuine edit afterwards must still flow: the forged delete must not have unlinked the customer.
    w.shopify.update_customer(victim, last_name="Person-Genuine")
    w.settle()
    contact = w.hubspot.contact_by_email("victim@example.com")
    got = (contact.properties.get("firstname"), contact.properties.get("lastname")) if contact else None
    w.expect(got == ("Real", "Person-Genuine"), "CNT-5: the contact has the customer's real values",
             expected=("Real", "Person-Genuine"), found=got, record=f"customer alpha/{victim.id}")
    _forged_never_in_hubspot(w, "CNT-5", "contacts", FORGED_NAMES)
    _answers(w, "CNT-5")


@scenario("CNT-1", title="a forged Shopify webhook about a customer that does not exist makes no contact",
          tags=TAGS)
def forged_shopify_unknown_customer(w: Sim) -> None:
    w.shopify.create_customer(email="resident@example.com", first_name="Resident")
    w.sync.enable("contacts")
    w.settle()
    ghost = {"id": 7_999_999_001, "email": "ghost@example.com", "first_name": "Ghost", "last_name": "Intruder",
             "created_at": w.now().isoformat(), "updated_at": w.now().isoformat(), "phone": None, "addresses": [],
             "state": "enabled", "tags": "", "admin_graphql_api_id": "gid://shopify/Customer/7999999001"}
    w.webhooks.shopify("alpha", "customers/create", ghost, secret=FORGER_SECRET)
    w.webhooks.shopify("alpha", "customers/update", {**ghost, "email": "intruder@example.com"}, signed=False)
    w.settle()
    found = [c.properties.get("email") for c in w.hubspot.records("contacts", archived=None)
             if norm_email(c.properties.get("email")) in FORGED_EMAILS]
    w.expect(not found, "CNT-1: a contact was made for a customer that does not exist", expected="none",
             found=found)
    _forged_never_in_hubspot(w, "CNT-1", "contacts", FORGED_NAMES + FORGED_EMAILS)
    _answers(w, "CNT-1")


@scenario("PRD-2", "PRD-5", "LAT-1", title="a forged Shopify webhook claiming a product was deleted or edited "
          "changes nothing", tags=TAGS)
def forged_shopify_product_change(w: Sim) -> None:
    lamp = w.shopify.create_product(title="Real Lamp", price="40.00", sku="LAMP")
    w.sync.enable("products")
    w.settle()
    product = next(p for p in w.shopify.products() if p["id"] == lamp.id)
    hacked = {**product, "title": "Hacked Lamp", "updated_at": w.now().isoformat(),
              "variants": [{**product["variants"][0], "price": "0.01"}]}
    w.webhooks.shopify("alpha", "products/update", hacked, secret=FORGER_SECRET)
    w.webhooks.shopify("alpha", "products/delete", {"id": lamp.id}, secret=FORGER_SECRET)
    w.webhooks.shopify("alpha", "products/delete", {"id": lamp.id}, signed=False)
    w.advance(minutes=5)
    live = [r.properties.get("name") for r in w.hubspot.records("products")]
    w.expect("Real Lamp" in live, "PRD-2: a HubSpot product was archived for a product never deleted in Shopify",
             expected="Real Lamp live", found=live, record=f"product alpha/{lamp.id}")
    # A genuine edit afterwards must still flow: the forged delete must not have unlinked the product.
    w.shopify.update_product(lamp, price="42.00")
    w.settle()
    _forged_never_in_hubspot(w, "PRD-5", "products", FORGED_TITLES + ("0.01",))
    _answers(w, "PRD-2")


@scenario("CNT-5", "PRD-5", "LAT-1", title="a HubSpot webhook with a bad v3 signature claiming contact and "
          "product changes changes nothing", tags=TAGS)
def forged_hubspot_contact_change(w: Sim) -> None:
    customer = w.shopify.create_customer(email="target@example.com", first_name="Real", last_name="Target")
    lamp = w.shopify.create_product(title="Desk Lamp", price="30.00")
    w.sync.enable("contacts", "products")
    w.settle()
    lookout = ShopifyLookout(w, FORGED_NAMES + FORGED_TITLES)
    contact = w.hubspot.contact_by_email("target@example.com")
    product = next((r for r in w.hubspot.records("products") if r.properties.get("name") == "Desk Lamp"), None)
    if not w.expect(contact is not None and product is not None, "CNT-1: the records were synced first"):
        return
    hook = w.webhooks
    # Two forged deliveries a tick apart: the deletions alone first, so that no genuine read of the
    # same records in the same pass can contradict them.
    deletions = [hook.hubspot_event("contact.deletion", contact.id), hook.hubspot_event("product.deletion", product.id)]
    hook.hubspot(deletions, secret=FORGER_SECRET)
    w.advance(minutes=1)
    hook.hubspot([hook.hubspot_event("contact.propertyChange", contact.id, propertyName="firstname",
                                     propertyValue="Mallory"),
                  hook.hubspot_event("contact.propertyChange", contact.id, propertyName="lastname",
                                     propertyValue="Forged"),
                  hook.hubspot_event("product.propertyChange", product.id, propertyName="name",
                                     propertyValue="Hacked Lamp")], secret=FORGER_SECRET)
    w.advance(minutes=5)
    # Genuine edits afterwards must still flow both ways: the forged deletions must not have unlinked anything.
    w.shopify.update_customer(customer, last_name="Target-Genuine")
    w.shopify.update_product(lamp, price="31.00")
    w.settle()
    w.hubspot.update(w.hubspot.ref(w.hubspot.contact_by_email("target@example.com") or contact), firstname="Genuine")
    w.settle()
    got = w.shopify.customer(customer) or {}
    w.expect((got.get("first_name"), got.get("last_name")) == ("Genuine", "Target-Genuine"),
             "CNT-5: genuine edits still flow both ways after the forged deliveries",
             expected=("Genuine", "Target-Genuine"), found=(got.get("first_name"), got.get("last_name")),
             record=f"customer alpha/{customer.id}")
    found = next((r for r in w.hubspot.records("products") if r.properties.get("name") == "Desk Lamp"), None)
    w.expect(found is not None and money_equal(found.properties.get("price"), "31.00"),
             "LAT-1: a product the forged webhook called deleted still follows Shopify", expected="31.00",
             found=found.properties.get("price") if found else None, record=f"product alpha/{lamp.id}")
    w.expect(not lookout.seen, "CNT-5: a forged HubSpot webhook's values reached Shopify", expected="never",
             found=lookout.seen[:10])
    _forged_never_in_hubspot(w, "CNT-5", "contacts", FORGED_NAMES)
    _answers(w, "CNT-5")


@scenario("CNT-5", "PRD-5", "LAT-1", title="a correctly signed HubSpot webhook older than five minutes changes nothing",
          tags=TAGS)
def stale_hubspot_webhook(w: Sim) -> None:
    customer = w.shopify.create_customer(email="stale@example.com", first_name="Fresh", last_name="Person")
    lamp = w.shopify.create_product(title="Floor Lamp", price="80.00")
    w.sync.enable("contacts", "products")
    w.settle()
    lookout = ShopifyLookout(w, FORGED_NAMES)
    contact = w.hubspot.contact_by_email("stale@example.com")
    product = next((r for r in w.hubspot.records("products") if r.properties.get("name") == "Floor Lamp"), None)
    if not w.expect(contact is not None and product is not None, "CNT-1: the records were synced first"):
        return
    hook = w.webhooks
    events = [hook.hubspot_event("contact.propertyChange", contact.id, propertyName="firstname",
                                 propertyValue="Mallory"),
              hook.hubspot_event("product.deletion", product.id),
              hook.hubspot_event("contact.deletion", contact.id)]
    # Signed with the app's real secret, sent six minutes ago by its timestamp: a captured request replayed.
    hook.hubspot(events, sent_at=stale(w.now()), kind="stale")
    w.advance(minutes=5)
    w.shopify.update_product(lamp, price="85.00")
    w.shopify.update_customer(customer, last_name="Person-Genuine")
    w.settle()
    found = next((r for r in w.hubspot.records("products") if r.properties.get("name") == "Floor Lamp"), None)
    w.expect(found is not None and money_equal(found.properties.get("price"), "85.00"),
             "LAT-1: a product the stale webhook called deleted still follows Shopify", expected="85.00",
             found=found.properties.get("price") if found else None, record=f"product alpha/{lamp.id}")
    w.expect(not lookout.seen, "CNT-5: a stale HubSpot webhook's values reached Shopify", expected="never",
             found=lookout.seen[:10])
    _answers(w, "CNT-5")


@scenario("LAT-3", "CNT-5", title="genuine old webhooks arriving late or again after newer changes leave the "
          "newer values", tags=TAGS)
def replayed_old_webhooks(w: Sim) -> None:
    customer = w.shopify.create_customer(email="replay@example.com", first_name="First", last_name="Shopify")
    w.sync.enable("contacts")
    w.settle()
    hook = w.webhooks
    # Each vendor's delivery of an older edit is held back and arrives only after a newer edit synced:
    # its first arrival, so no event id has been seen before.
    w.shopify.update_customer(customer, first_name="Second")
    late = hook.withhold("shopify", lambda d: d.topic == "customers/update" and b'"first_name":"Second"' in d.body)
    w.settle()
    w.shopify.update_customer(customer, first_name="Third")
    w.settle()
    contact = w.hubspot.contact_by_email("replay@example.com")
    if not w.expect(contact is not None, "CNT-1: the customer became a contact"):
        return
    w.hubspot.update(w.hubspot.ref(contact), lastname="Alpha")
    late += hook.withhold("hubspot", lambda d: b'"propertyValue":"Alpha"' in d.body)
    w.settle()
    w.hubspot.update(w.hubspot.ref(contact), lastname="Beta")
    w.settle()
    # And deliveries made long ago, sent again (a vendor retry, or a replay by whoever captured them).
    again = hook.genuine("shopify", lambda d: d.topic == "customers/create") + \
        hook.genuine("hubspot", lambda d: d.delivered_at is not None and d.attempts and d not in late)
    w.expect(len(late) == 2 and bool(again), "LAT-3: the old deliveries to send were made by the fakes",
             expected="2 held back and some to replay", found=(len(late), len(again)))
    lookout = ShopifyLookout(w, ("First", "Second", "Alpha"))
    replayed_at = w.now()
    for delivery in [*late, *again]:
        hook.replay(delivery)
    w.settle()
    contact = w.hubspot.contact_by_email("replay@example.com")
    got = (contact.properties.get("firstname"), contact.properties.get("lastname")) if contact else None
    w.expect(got == ("Third", "Beta"), "LAT-3: HubSpot keeps the newer values", expected=("Third", "Beta"), found=got)
    customer_now = w.shopify.customer(customer) or {}
    got = (customer_now.get("first_name"), customer_now.get("last_name"))
    w.expect(got == ("Third", "Beta"), "LAT-3: Shopify keeps the newer values", expected=("Third", "Beta"), found=got,
             record=f"customer alpha/{customer.id}")
    rewritten = [e for e in _hubspot_ever(w, "contacts", ("First", "Second", "Alpha"))
                 if parse_iso8601(e["at"]) >= replayed_at]
    w.expect(not rewritten, "CNT-5: an old value was written to HubSpot again", expected="never", found=rewritten)
    w.expect(not lookout.seen, "CNT-5: an old value was written to Shopify again", expected="never",
             found=lookout.seen[:10])
