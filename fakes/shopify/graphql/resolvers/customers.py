"""Customers over GraphQL: `customer`, `customers`, `customerByIdentifier`, `customersCount` and the
`customerCreate` / `customerUpdate` / `customerDelete` / `customerSet` mutations, on the REST store's records.

Inputs are turned into the REST payload the store already validates, so both views refuse the same
things; REST's 422 texts become Shopify's GraphQL userErrors (docs/vendor-behaviour.md §8.C, §1.3).
"""

from __future__ import annotations

from typing import Any

from fakes.shopify.errors import Invalid, NotFound
from fakes.shopify.graphql.resolvers import attributes, resolves
from fakes.shopify.graphql.resolvers.common import (
    connection,
    context,
    count_resolver,
    gid,
    id_of,
    iso,
    money,
    shop_ref,
    unsimulated_inputs,
    user_errors,
)
from fakes.shopify.graphql.search import Term, Warn, match_exact, match_id, match_time, text_match
from fakes.shopify.models import Address, Customer
from fakes.shopify.values import email_key, remove_white_space

# CustomerInput fields the fake keeps (the rest are refused by name rather than dropped).
_INPUT = {"email": "email", "phone": "phone", "firstName": "first_name", "lastName": "last_name", "note": "note",
          "tags": "tags", "taxExempt": "tax_exempt", "emailMarketingConsent": "email_marketing_consent",
          "addresses": "addresses"}
_ADDRESS = {"address1": "address1", "address2": "address2", "city": "city", "company": "company",
            "country": "country", "countryCode": "country_code", "firstName": "first_name",
            "lastName": "last_name", "phone": "phone", "province": "province", "provinceCode": "province_code",
            "zip": "zip"}
_SORT = {"ID": "id", "CREATED_AT": "created_at", "UPDATED_AT": "updated_at", "NAME": "name",
         "RELEVANCE": "id", "LOCATION": "location"}


# ------------------------------------------------------------------------------------------- reads


def _display_name(customer: Customer) -> str:
    name = " ".join(p for p in (customer.first_name, customer.last_name) if p)
    return name or customer.email or customer.phone or ""


def _email_address(customer: Customer, _info: Any) -> dict[str, Any] | None:
    if not customer.email:
        return None
    consent = customer.email_marketing_consent or {}
    level = (consent.get("opt_in_level") or "single_opt_in").upper()
    return {"emailAddress": customer.email, "marketingState": (consent.get("state") or "not_subscribed").upper(),
            "marketingOptInLevel": level if level in ("SINGLE_OPT_IN", "CONFIRMED_OPT_IN") else "UNKNOWN",
            "marketingUpdatedAt": iso(consent.get("consent_updated_at")), "validFormat": True}


def _phone_number(customer: Customer, _info: Any) -> dict[str, Any] | None:
    return {"phoneNumber": customer.phone} if customer.phone else None


def address_json(address: Address | None) -> dict[str, Any] | None:
    """A MailingAddress."""
    if address is None:
        return None
    name = " ".join(p for p in (address.first_name, address.last_name) if p) or None
    return {"id": gid("MailingAddress", address.id) + "?model_name=CustomerAddress",
            "address1": address.address1, "address2": address.address2, "city": address.city,
            "company": address.company, "country": address.country, "countryCodeV2": address.country_code,
            "firstName": address.first_name, "lastName": address.last_name, "name": name,
            "phone": address.phone, "province": address.province, "provinceCode": address.province_code,
            "zip": address.zip}


resolves("Customer", Customer)({
    "id": lambda c, _i: gid("Customer", c.id),
    "legacyResourceId": lambda c, _i: str(c.id),
    **attributes("note", "email", "phone", firstName="first_name", lastName="last_name",
                 verifiedEmail="verified_email", taxExempt="tax_exempt"),
    "displayName": lambda c, _i: _display_name(c),
    "defaultEmailAddress": _email_address,
    "defaultPhoneNumber": _phone_number,
    # Trimmed, without duplicates, sorted case-insensitively (docs/vendor-behaviour.md §8.F).
    "tags": lambda c, _i: sorted(dict.fromkeys(t.strip() for t in c.tags if t.strip()), key=str.lower),
    "state": lambda c, _i: c.state.upper(),
    "locale": lambda c, _i: "en",
    "numberOfOrders": lambda c, _i: str(c.orders_count),
    "amountSpent": lambda c, info: money(c.total_spent, context(info).shop.info.currency),
    "canDelete": lambda c, info: not any(o.customer_id == c.id for o in context(info).shop.orders.values()),
    "createdAt": lambda c, _i: iso(c.created_at),
    "updatedAt": lambda c, _i: iso(c.updated_at),
    "defaultAddress": lambda c, _i: address_json(c.default_address),
    "addresses": lambda c, _i, first=None: [address_json(a) for a in c.addresses][:first],
    "taxExemptions": lambda c, _i: [],
    "multipassIdentifier": lambda c, _i: None,
    "validEmailAddress": lambda c, _i: bool(c.email),
})


def _customer_field(customer: Customer, term: Term, warn: Warn) -> bool | None:
    name = term.field
    if name == "id":
        return match_id(customer.id, term, warn)
    if name in ("created_at", "updated_at"):
        return match_time(getattr(customer, name), term, warn)
    if name == "email":
        return match_exact(customer.email, term)
    if name == "phone":
        return match_exact(customer.phone, term)
    if name in ("first_name", "last_name"):
        return text_match(getattr(customer, name), term.value)
    if name == "state":
        return customer.state.lower() == term.value.lower()
    if name == "tag":
        return any(t.lower() == term.value.lower() for t in customer.tags)
    if name == "tag_not":
        return all(t.lower() != term.value.lower() for t in customer.tags)
    if name == "orders_count":
        return match_id(customer.orders_count, term, warn)
    return None


def _texts(customer: Customer) -> list[str | None]:
    return [customer.first_name, customer.last_name, customer.email, customer.phone, customer.note]


def _sort_value(customer: Customer, sort_field: str) -> Any:
    if sort_field == "name":
        return _display_name(customer).lower()
    if sort_field in ("created_at", "updated_at"):
        return getattr(customer, sort_field)
    if sort_field == "location":
        address = customer.default_address
        return (address.country or "") if address else ""
    return customer.id


def _customers(_root: Any, info: Any, first: int | None = None, after: str | None = None, last: int | None = None,
               before: str | None = None, reverse: bool = False, sortKey: str = "ID",
               query: str | None = None) -> dict[str, Any]:
    sort_field = _SORT[sortKey]
    shop = context(info).shop
    return connection(info, shop.customers, sort_value=lambda c: _sort_value(c, sort_field),
                      sort_field=sort_field, reverse=reverse, first=first, after=after, last=last, before=before,
                      query=query, field_match=_customer_field, texts=_texts)


def _customer(_root: Any, info: Any, id: str) -> Customer | None:
    number = id_of(id, "Customer")
    return context(info).shop.customers.get(number) if number is not None else None


def _by_identifier(_root: Any, info: Any, identifier: dict[str, Any]) -> Customer | None:
    shop = context(info).shop
    if identifier.get("id") is not None:
        return _customer(None, info, identifier["id"])
    if identifier.get("emailAddress") is not None:
        return shop.customer_by_email(identifier["emailAddress"])
    if identifier.get("phoneNumber") is not None:
        return next((c for c in shop.customers.values() if c.phone == identifier["phoneNumber"]), None)
    unsimulated_inputs("CustomerIdentifierInput", identifier, ("id", "emailAddress", "phoneNumber"))
    return None


def _count_field(customer: Customer, term: Term, warn: Warn) -> bool | None:
    # customersCount filters by these three only; any other field is ignored with a warning (captured in
    # airhorns/shopify-draft-proxy, customers/customers-count.json: `email:` counts every customer).
    return _customer_field(customer, term, warn) if term.field in ("created_at", "id", "updated_at") else None


resolves("QueryRoot")({"customer": _customer, "customers": _customers, "customerByIdentifier": _by_identifier,
                        "customersCount": count_resolver(lambda info: context(info).shop.customers,
                                                         _count_field)})


# ------------------------------------------------------------------------------------------- writes


def _payload(input_name: str, given: dict[str, Any]) -> dict[str, Any]:
    """CustomerInput -> the REST `customer` object the store validates."""
    unsimulated_inputs(input_name, given, (*_INPUT, "id"))
    payload: dict[str, Any] = {}
    for name, value in given.items():
        if name == "id":
            continue
        if name == "emailMarketingConsent" and value is not None:
            unsimulated_inputs("CustomerEmailMarketingConsentInput", value,
                               ("marketingState", "marketingOptInLevel", "consentUpdatedAt"))
            value = {"state": str(value.get("marketingState", "")).lower(),
                     "opt_in_level": str(value.get("marketingOptInLevel") or "SINGLE_OPT_IN").lower()}
        elif name == "addresses" and value is not None:
            for address in value:
                unsimulated_inputs("MailingAddressInput", address, _ADDRESS)
            value = [{_ADDRESS[k]: v for k, v in address.items()} for address in value]
        payload[_INPUT[name]] = value
    return payload


_FIELDS = {"email": ["email"], "phone": ["phone"], "first_name": ["firstName"], "last_name": ["lastName"],
           "note": ["note"], "tags": ["tags"], "email_marketing_consent": ["emailMarketingConsent"],
           "addresses": ["addresses"]}
_NOTHING_IDENTIFYING = "A name, phone number, or email address must be present"


def _refusal(error: Invalid) -> list[dict[str, Any]]:
    base = error.errors.get("base", [])
    if any("must have a name, phone number or email address" in m for m in base):
        # GraphQL words this one differently from REST (docs/vendor-behaviour.md §8.C).
        return [{"field": None, "message": _NOTHING_IDENTIFYING}]
    return user_errors(error, _FIELDS)


def _create(_root: Any, info: Any, input: dict[str, Any]) -> dict[str, Any]:
    ctx = context(info)
    if input.get("id") is not None:
        return {"customer": None, "userErrors": [{"field": ["id"], "message": "Cannot specify ID on creation"}]}
    try:
        customer = ctx.store.create_customer(ctx.shop_name, _payload("CustomerInput", input))
    except Invalid as error:
        return {"customer": None, "userErrors": _refusal(error)}
    return {"customer": customer, "userErrors": []}


def _update(_root: Any, info: Any, input: dict[str, Any]) -> dict[str, Any]:
    ctx = context(info)
    number = id_of(input.get("id"), "Customer") if input.get("id") is not None else None
    missing = [{"field": ["id"], "message": "Customer does not exist"}]
    if number is None:
        return {"customer": None, "userErrors": missing}
    try:
        customer = ctx.store.update_customer(ctx.shop_name, number, _payload("CustomerInput", input))
    except NotFound:
        return {"customer": None, "userErrors": missing}
    except Invalid as error:
        return {"customer": None, "userErrors": _refusal(error)}
    return {"customer": customer, "userErrors": []}


def _delete(_root: Any, info: Any, input: dict[str, Any]) -> dict[str, Any]:
    ctx = context(info)
    number = id_of(input["id"], "Customer")
    shop_json = shop_ref(info)
    missing = {"deletedCustomerId": None, "shop": shop_json,
               "userErrors": [{"field": ["id"], "message": "Customer can't be found"}]}
    if number is None:
        return missing
    try:
        ctx.store.delete_customer(ctx.shop_name, number)
    except NotFound:
        return missing
    except Invalid:
        # Live text, with its typographic apostrophe (docs/vendor-behaviour.md §8.C).
        return {"deletedCustomerId": None, "shop": shop_json, "userErrors": [
            {"field": ["id"], "message": "Customer can\u2019t be deleted because they have associated orders"}]}
    return {"deletedCustomerId": gid("Customer", number), "shop": shop_json, "userErrors": []}


def _set(_root: Any, info: Any, input: dict[str, Any], identifier: dict[str, Any] | None = None) -> dict[str, Any]:
    """`customerSet`: no identifier creates; an id updates; an email or phone upserts
    (docs/vendor-behaviour.md §8.C)."""
    ctx = context(info)
    shop = ctx.shop
    if identifier and input.get("id") is not None:
        return {"customer": None, "userErrors": [{"field": ["input"], "code": "ID_NOT_ALLOWED",
                                                  "message": "The id field is not allowed if identifier is provided."}]}
    existing: Customer | None = None
    if identifier:
        unsimulated_inputs("CustomerSetIdentifiers", identifier, ("id", "email", "phone"))
        if identifier.get("id") is not None:
            number = id_of(identifier["id"], "Customer")
            existing = shop.customers.get(number) if number is not None else None
            if existing is None:
                return {"customer": None, "userErrors": [{
                    "field": ["input"], "code": "NOT_FOUND",
                    "message": "Resource matching the identifier was not found."}]}
        elif identifier.get("email") is not None:
            key = email_key(remove_white_space(identifier["email"]))
            existing = shop.customers.get(shop.emails.get(key or "", -1))
        elif identifier.get("phone") is not None:
            existing = next((c for c in shop.customers.values() if c.phone == identifier["phone"]), None)
    payload = _payload("CustomerSetInput", {k: v for k, v in input.items() if k != "id"})
    try:
        if existing is None:
            customer = ctx.store.create_customer(ctx.shop_name, payload)
        else:
            customer = ctx.store.update_customer(ctx.shop_name, existing.id, payload)
    except Invalid as error:
        rendered = _refusal(error)
        for entry in rendered:  # customer-set-parity: every path starts at `input`
            entry["field"] = ["input", *(entry["field"] or [])]
            entry["code"] = "TAKEN" if "taken" in entry["message"] else "INVALID"
        return {"customer": None, "userErrors": rendered}
    return {"customer": customer, "userErrors": []}


resolves("Mutation")({"customerCreate": _create, "customerUpdate": _update, "customerDelete": _delete,
                       "customerSet": _set})
