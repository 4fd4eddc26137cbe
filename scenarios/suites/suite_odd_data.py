"""Odd but valid data through the whole sync (issue 9): every value here is one a real shop or portal holds.

Unicode and right-to-left names, emoji, the longest names and titles Shopify accepts (255 characters,
counted in characters, not bytes), emails that differ only in case, `+` addresses, empty optional
fields, an order of 250 lines, a product with the maximum of 100 variants, and money with three
decimals in a three-decimal currency. Each scenario is judged by the oracle like any other, plus
explicit checks that the values arrived exactly as typed (not trimmed, truncated, re-encoded, or
turned into the text "None").
"""

from __future__ import annotations

from decimal import Decimal

from scenarios.dsl import Sim, money_equal, norm_email, scenario
from scenarios.dsl.refs import ProductRef

TAGS = ("odd-data",)
# Names people really have, in scripts a sync must carry byte for byte: Arabic and Hebrew are written
# right to left; the family emoji is four code points joined by zero-width joiners.
PEOPLE = [
    ("mariam@example.com", "مريم", "العلي"),
    ("david@example.com", "דוד", "כהן"),
    ("unicorn@example.com", "🦄 Uni", "👩\u200d👩\u200d👧 Family"),
    ("chloe@example.com", "Chloë", "Ōtsuka-Łukasiewicz"),
    ("wei@example.com", "伟", "王"),
]
# Text a sync could mistake an empty value for.
EMPTY_LOOKALIKES = ("None", "none", "null", "NULL", "undefined", "nil")


def _long(seed: str, length: int = 255) -> str:
    """A `length`-character text of multi-byte characters (a byte-counting limit would cut it).

    It never ends in white space: names are matched after trimming (PRD-1), so a trailing space is
    not a character the sync has to keep.
    """
    text = (seed * (length // len(seed) + 1))[:length]
    return text[:-1] + "." if text[-1].isspace() else text


def _contact(w: Sim, email: str):
    return w.hubspot.contact_by_email(email)


def _prop(record, name: str):
    return record.properties.get(name) if record is not None else None


def _products_named(w: Sim, name: str) -> list:
    return [r for r in w.hubspot.records("products") if r.properties.get("name") == name]


@scenario("CNT-5", "CNT-1", "PRD-1", title="Unicode, right-to-left and emoji names cross both ways unchanged",
          tags=TAGS)
def unicode_and_rtl_names(w: Sim) -> None:
    customers = {email: w.shopify.create_customer(email=email, first_name=first, last_name=last)
                 for email, first, last in PEOPLE}
    w.hubspot.create("contacts", email="noa@example.com", firstname="נועה", lastname="לוי")
    w.hubspot.create("contacts", email="omar@example.com", firstname="عمر", lastname="🌙")
    w.shopify.create_product(title="כוס קפה ☕", price="18.00", sku="MUG-HE")
    w.hubspot.create("products", name="شاي بالنعناع 🍵", price="6.50", hs_sku="TEA-AR")
    w.sync.enable("contacts", "products")
    w.settle()
    for email, first, last in PEOPLE:
        contact = _contact(w, email)
        got = (_prop(contact, "firstname"), _prop(contact, "lastname"))
        w.expect(got == (first, last), f"CNT-5: the names of {email} reached HubSpot exactly", expected=(first, last),
                 found=got, record=f"customer alpha/{customers[email].id}")
    shopify_names = {norm_email(c["email"]): (c["first_name"], c["last_name"]) for c in w.shopify.customers()}
    for email, names in (("noa@example.com", ("נועה", "לוי")), ("omar@example.com", ("عمر", "🌙"))):
        w.expect(shopify_names.get(email) == names, f"CNT-5: the names of {email} reached Shopify exactly",
                 expected=names, found=shopify_names.get(email), record=f"contact {email}")
    w.expect(len(_products_named(w, "כוס קפה ☕")) == 1, "PRD-1: the Hebrew product title reached HubSpot exactly",
             expected="כוס קפה ☕", found=[r.properties.get("name") for r in w.hubspot.records("products")])
    titles = [p["title"] for p in w.shopify.products()]
    w.expect("شاي بالنعناع 🍵" in titles, "PRD-1: the Arabic product name reached Shopify exactly",
             expected="شاي بالنعناع 🍵", found=titles)
    # Edits in right-to-left script flow back the other way too.
    contact = _contact(w, "mariam@example.com")
    if contact is not None:
        w.hubspot.update(w.hubspot.ref(contact), firstname="مريم ✨")
    w.shopify.update_customer(customers["david@example.com"], last_name="כהן-לוי")
    w.settle()
    mariam = w.shopify.customer(customers["mariam@example.com"]) or {}
    w.expect(mariam.get("first_name") == "مريم ✨", "CNT-5: an Arabic edit in HubSpot reached Shopify",
             expected="مريم ✨", found=mariam.get("first_name"))
    w.expect(_prop(_contact(w, "david@example.com"), "lastname") == "כהן-לוי",
             "CNT-5: a Hebrew edit in Shopify reached HubSpot", expected="כהן-לוי",
             found=_prop(_contact(w, "david@example.com"), "lastname"))


@scenario("CNT-5", "PRD-1", title="255-character names and product titles (the Shopify maximum) are not cut",
          tags=TAGS)
def longest_names_and_titles(w: Sim) -> None:
    first, last = _long("Ωméga-"), _long("حرف")
    customer = w.shopify.create_customer(email="long.names@example.com", first_name=first, last_name=last)
    hub_first, hub_last = _long("שם"), _long("🦉")  # emoji are outside the BMP: two UTF-16 units each
    w.hubspot.create("contacts", email="long.hubspot@example.com", firstname=hub_first, lastname=hub_last)
    title, name = _long("Très long titre "), _long("Überlänge Straße ")
    w.shopify.create_product(title=title, price="10.00")
    w.hubspot.create("products", name=name, price="11.00")
    w.sync.enable("contacts", "products")
    w.settle()
    contact = _contact(w, "long.names@example.com")
    got = (_prop(contact, "firstname"), _prop(contact, "lastname"))
    w.expect(got == (first, last), "CNT-5: 255-character names reached HubSpot whole", expected=(255, 255),
             found=tuple(len(v or "") for v in got), record=f"customer alpha/{customer.id}")
    made = {norm_email(c["email"]): c for c in w.shopify.customers()}.get("long.hubspot@example.com") or {}
    got = (made.get("first_name"), made.get("last_name"))
    w.expect(got == (hub_first, hub_last), "CNT-5: 255-character names reached Shopify whole", expected=(255, 255),
             found=tuple(len(v or "") for v in got), record="contact long.hubspot@example.com")
    w.expect(len(_products_named(w, title)) == 1, "PRD-1: a 255-character title reached HubSpot whole",
             expected=255, found=sorted(len(r.properties.get("name") or "") for r in w.hubspot.records("products")))
    titles = [p["title"] for p in w.shopify.products()]
    w.expect(name in titles, "PRD-1: a 255-character HubSpot name reached Shopify whole", expected=255,
             found=sorted(len(t) for t in titles))


@scenario("CNT-1", "CON-2", title="emails that differ only in case or white space are one contact across shops",
          shops=("alpha", "beta"), tags=TAGS)
def email_case_and_spaces(w: Sim) -> None:
    existing = w.hubspot.create("contacts", email="  Mixed.Case@Example.com ", firstname="Mixed")
    w.shopify.create_customer("alpha", email="MIXED.case@example.COM", first_name="Mixed", last_name="Alpha")
    w.shopify.create_customer("beta", email="\tmixed.CASE@EXAMPLE.com  ", first_name="Mixed")
    w.shopify.create_customer("alpha", email="Shout@Example.COM", first_name="Shout")
    w.shopify.create_customer("beta", email="shout@example.com", first_name="Shout", last_name="Beta")
    w.sync.enable("contacts")
    w.settle()
    for email in ("mixed.case@example.com", "shout@example.com"):
        found = [c.id for c in w.hubspot.records("contacts") if norm_email(c.properties.get("email")) == email]
        w.expect(len(found) == 1, f"CNT-1: one contact for {email} whatever its case", expected=1, found=found,
                 record=f"contact {email}")
    mixed = _contact(w, "mixed.case@example.com")
    w.expect(mixed is not None and mixed.id == existing.id, "CNT-1: the existing contact was linked, not replaced",
             expected=existing.id, found=mixed.id if mixed else None)
    for shop in ("alpha", "beta"):
        keys = [norm_email(c["email"]) for c in w.shopify.customers(shop)]
        dupes = sorted({k for k in keys if keys.count(k) > 1})
        w.expect(not dupes, f"CNT-1: no second customer in {shop} for an email in another case", expected=[],
                 found=dupes)


@scenario("CNT-1", title="a `+` address is a person of its own, distinct from its base address", tags=TAGS)
def plus_addresses_are_distinct(w: Sim) -> None:
    w.shopify.create_customer(email="ada@example.com", first_name="Ada", last_name="Base")
    w.shopify.create_customer(email="ada+shop@example.com", first_name="Ada", last_name="Shop")
    w.hubspot.create("contacts", email="ada+news@example.com", firstname="Ada", lastname="News")
    w.sync.enable("contacts")
    w.settle()
    want = {"ada@example.com": "Base", "ada+shop@example.com": "Shop", "ada+news@example.com": "News"}
    contacts = {norm_email(c.properties.get("email")): c.properties.get("lastname")
                for c in w.hubspot.records("contacts")}
    w.expect(contacts == want, "CNT-1: one contact per address, `+` tags included", expected=want, found=contacts)
    customers = {norm_email(c["email"]): c["last_name"] for c in w.shopify.customers()}
    w.expect(customers == want, "CNT-1: one customer per address, `+` tags included", expected=want,
             found=customers)


@scenario("CNT-5", "PRD-5", title="empty optional fields stay empty: no phone, empty last name, cleared values",
          tags=TAGS)
def empty_optional_fields(w: Sim) -> None:
    bare = w.shopify.create_customer(email="bare@example.com", first_name="Bare", last_name="", phone=None)
    w.shopify.create_customer(email="nameless@example.com")
    w.hubspot.create("contacts", email="hub.bare@example.com", firstname="Hub", lastname="")
    w.shopify.create_product(title="Plain Box", price="4.00", sku=None, body_html="")
    w.sync.enable("contacts", "products")
    w.settle()
    for email in ("bare@example.com", "nameless@example.com"):
        contact = _contact(w, email)
        w.expect(contact is not None, f"CNT-1: {email} became a contact", record=f"contact {email}")
        odd = {k: v for k, v in (contact.properties.items() if contact else ()) if v in EMPTY_LOOKALIKES}
        w.expect(not odd, f"CNT-5: empty fields of {email} stay empty in HubSpot", expected={}, found=odd)
        w.expect(not _prop(contact, "lastname") and not _prop(contact, "phone"),
                 f"CNT-5: no last name and no phone for {email}", expected=(None, None),
                 found=(_prop(contact, "lastname"), _prop(contact, "phone")))
    made = {norm_email(c["email"]): c for c in w.shopify.customers()}.get("hub.bare@example.com") or {}
    w.expect(made.get("first_name") == "Hub" and made.get("last_name") is None and made.get("phone") is None,
             "CNT-5: the HubSpot contact with an empty last name reached Shopify without one",
             expected={"first_name": "Hub", "last_name": None, "phone": None},
             found={k: made.get(k) for k in ("first_name", "last_name", "phone")})
    product = (_products_named(w, "Plain Box") or [None])[0]
    odd = {k: v for k, v in (product.properties.items() if product else ()) if v in EMPTY_LOOKALIKES}
    w.expect(product is not None and not odd and not product.properties.get("hs_sku"),
             "PRD-5: a product without SKU or description has none in HubSpot", expected={},
             found=odd or (product.properties.get("hs_sku") if product else None))
    # Clearing a value is a change too: it must flow, as an empty value, both ways.
    w.shopify.update_customer(bare, first_name="")
    contact = _contact(w, "hub.bare@example.com")
    if contact is not None:
        w.hubspot.update(w.hubspot.ref(contact), firstname="")
    w.settle()
    cleared = _contact(w, "bare@example.com")
    w.expect(not _prop(cleared, "firstname"), "CNT-5: a first name cleared in Shopify is cleared in HubSpot",
             expected=None, found=_prop(cleared, "firstname"))
    made = {norm_email(c["email"]): c for c in w.shopify.customers()}.get("hub.bare@example.com") or {}
    w.expect(made.get("first_name") is None, "CNT-5: a first name cleared in HubSpot is cleared in Shopify",
             expected=None, found=made.get("first_name"))


@scenario("ORD-2", "ORD-5", "PRD-4", title="an order of 250 lines arrives whole, and loses exactly the line removed",
          tags=TAGS)
def order_with_250_lines(w: Sim) -> None:
    products = [w.shopify.create_product(title=f"Sticker {n:02d}", variants=[
        {"option1": f"Design {v}", "price": f"{1 + n % 5}.{v}0", "sku": f"STK-{n:02d}-{v}"} for v in range(10)])
        for n in range(25)]
    # One line per variant: 250 lines, each its own variant, quantities 1..7.
    lines = [(ProductRef(p.shop, p.id, p.title, (vid,)), 1 + (i % 7))
             for i, (p, vid) in enumerate((p, vid) for p in products for vid in p.variant_ids)]
    buyer = w.shopify.create_customer(email="bulk.buyer@example.com", first_name="Bulk")
    order = w.shopify.create_order(lines=lines, customer=buyer, financial_status="paid")
    w.sync.enable("contacts", "products", "orders")
    w.settle()
    found = w.hubspot.order_for(order)
    if not w.expect(found is not None, "ORD-5: the 250-line order is in HubSpot", record=f"order alpha/{order.id}"):
        return
    count = len(w.hubspot.line_items("orders", found.id))
    w.expect(count == 250, "ORD-2: one line item per line, all 250", expected=250, found=count,
             record=f"order alpha/{order.id}")
    w.shopify.remove_order_line(order, 137)
    w.settle()
    found = w.hubspot.order_for(order)
    count = len(w.hubspot.line_items("orders", found.id)) if found else None
    w.expect(count == 249, "PRD-4: the removed line is gone, the other 249 stay", expected=249, found=count,
             record=f"order alpha/{order.id}")


@scenario("PRD-5", title="a product with 100 variants (the maximum) is one HubSpot product priced from the first",
          tags=TAGS)
def product_with_100_variants(w: Sim) -> None:
    variants = [{"option1": f"Size {n:03d}", "price": f"{20 + n}.00", "sku": f"BIG-{n:03d}"} for n in range(100)]
    big = w.shopify.create_product(title="Hundred Sizes Hoodie", variants=variants)
    w.sync.enable("products")
    w.settle()
    found = w.hubspot.records("products")
    w.expect(len(found) == 1, "PRD-5: one HubSpot product, no product per variant", expected=1,
             found=sorted(r.properties.get("name") for r in found)[:10])
    first = (_products_named(w, "Hundred Sizes Hoodie") or [None])[0]
    got = (_prop(first, "price"), _prop(first, "hs_sku"))
    w.expect(first is not None and money_equal(got[0], "20.00") and got[1] == "BIG-000",
             "PRD-5: price and SKU of the first variant", expected=("20.00", "BIG-000"), found=got)
    w.shopify.update_product(big, price="19.50")
    w.settle()
    first = (_products_named(w, "Hundred Sizes Hoodie") or [None])[0]
    w.expect(money_equal(_prop(first, "price"), "19.50"), "PRD-5: a new price of the first variant follows",
             expected="19.50", found=_prop(first, "price"))


@scenario("ORD-5", "PRD-5", "ORD-2", "CRT-1", currency="KWD", tags=TAGS,
          title="money with three decimals in a three-decimal currency (KWD) is exact")
def three_decimal_currency(w: Sim) -> None:
    dates = w.shopify.create_product(title="Dates Box", price="12.345", sku="DATES")
    w.hubspot.create("products", name="Cardamom Pack", price="0.125")
    buyer = w.shopify.create_customer(email="kuwait.buyer@example.com", first_name="Fatima")
    order = w.shopify.create_order(lines=[(dates, 3)], customer=buyer, financial_status="paid")
    checkout = w.shopify.create_checkout(lines=[(dates, 1)], email="kuwait.buyer@example.com")
    w.sync.enable("contacts", "products", "orders", "carts")
    w.settle()
    product = (_products_named(w, "Dates Box") or [None])[0]
    w.expect(_prop(product, "price") is not None and Decimal(str(_prop(product, "price"))) == Decimal("12.345"),
             "PRD-5: a three-decimal price reached HubSpot exactly", expected="12.345", found=_prop(product, "price"))
    made = next((p for p in w.shopify.products() if p["title"] == "Cardamom Pack"), None)
    price = made["variants"][0]["price"] if made else None
    w.expect(price == "0.125", "PRD-5: a three-decimal HubSpot price reached the KWD shop exactly", expected="0.125",
             found=price)
    found = w.hubspot.order_for(order)
    if w.expect(found is not None, "ORD-5: the KWD order is in HubSpot", record=f"order alpha/{order.id}"):
        got = (_prop(found, "hs_currency_code"), _prop(found, "hs_total_price"))
        w.expect(got[0] == "KWD" and money_equal(got[1], "37.035"), "ORD-5: currency and three-decimal total",
                 expected=("KWD", "37.035"), found=got, record=f"order alpha/{order.id}")
        prices = sorted(str(li.properties.get("price")) for li in w.hubspot.line_items("orders", found.id))
        w.expect(len(prices) == 1 and money_equal(prices[0], "12.345"), "ORD-2: the line item keeps three decimals",
                 expected=["12.345"], found=prices)
    cart = w.hubspot.cart_for(checkout)
    if w.expect(cart is not None, "CRT-1: the KWD checkout is a cart", record=f"checkout alpha/{checkout.id}"):
        got = (_prop(cart, "hs_currency_code"), _prop(cart, "hs_total_price"))
        w.expect(got[0] == "KWD" and money_equal(got[1], "12.345"), "CRT-1: cart currency and three-decimal total",
                 expected=("KWD", "12.345"), found=got)
    w.shopify.refund(order, "1.005")
    w.settle()
    found = w.hubspot.order_for(order)
    w.expect(money_equal(_prop(found, "hs_total_price"), "36.030"), "ORD-5: a three-decimal refund is exact",
             expected="36.030", found=_prop(found, "hs_total_price"))
