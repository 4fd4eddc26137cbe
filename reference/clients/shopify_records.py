"""Shopify records as the engine holds them: GraphQL nodes in the shape of a webhook payload.

Shopify delivers webhooks as "the full REST resource payload for the topic" (snake_case, numeric ids,
docs/vendor-behaviour.md §8.C.7), and the settings contract names Shopify fields the same way
(`default_address.city`, `variants.0.price`). So the engine keeps one record shape, the webhook's, and
this module turns what the GraphQL Admin API answers into it: one selection per object type, one
function per node. A mapping to a field this module does not read reads nothing.

Timestamps stay as GraphQL gives them (UTC, `Z`); a webhook's carry the shop's offset. The engine
compares instants, never the text (`instant`).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

MONEY = "shopMoney { amount currencyCode }"
ADDRESS = "address1 address2 city province provinceCode zip country countryCodeV2 company phone firstName lastName"

CUSTOMER = ("id legacyResourceId firstName lastName note tags state createdAt updatedAt "
            "defaultEmailAddress { emailAddress } defaultPhoneNumber { phoneNumber } "
            f"defaultAddress {{ {ADDRESS} }}")

# Only the first variant is synced (PRD-5: price and SKU of the first variant).
PRODUCT_OWN = "id legacyResourceId title descriptionHtml vendor productType handle tags status createdAt updatedAt"
VARIANT = "id legacyResourceId title price sku compareAtPrice barcode"
PRODUCT = f"{PRODUCT_OWN} variants(first: 1) {{ nodes {{ {VARIANT} }} }}"

LINES_PAGE = 10  # line items read with their order or checkout; the rest follow in pages of their own
ORDER_LINE = f"id title quantity currentQuantity sku variantTitle originalUnitPriceSet {{ {MONEY} }} " \
             "product { legacyResourceId }"
CHECKOUT_LINE = f"id title quantity sku variantTitle originalUnitPriceSet {{ {MONEY} }} product {{ legacyResourceId }}"
PAGE_INFO = "pageInfo { hasNextPage endCursor }"

ORDER_OWN = ("id legacyResourceId name email phone note tags createdAt updatedAt processedAt closedAt cancelledAt "
             "cancelReason checkoutToken cartToken currencyCode displayFinancialStatus displayFulfillmentStatus "
             f"currentTotalPriceSet {{ {MONEY} }} currentSubtotalPriceSet {{ {MONEY} }} "
             f"currentTotalTaxSet {{ {MONEY} }} "
             "customer { legacyResourceId defaultEmailAddress { emailAddress } } "
             "purchasingEntity { ... on PurchasingCompany { company { id } } } "
             "fulfillments(first: 10) { status displayStatus }")
ORDER = f"{ORDER_OWN} lineItems(first: {LINES_PAGE}) {{ nodes {{ {ORDER_LINE} }} {PAGE_INFO} }}"

# No email, phone or token at GraphQL (docs/vendor-behaviour.md §8.C.4): the recovery URL carries the token.
CHECKOUT_OWN = ("id name abandonedCheckoutUrl createdAt updatedAt completedAt note "
                f"totalPriceSet {{ {MONEY} }} subtotalPriceSet {{ {MONEY} }} totalTaxSet {{ {MONEY} }} "
                "customer { legacyResourceId defaultEmailAddress { emailAddress } }")
CHECKOUT = f"{CHECKOUT_OWN} lineItems(first: {LINES_PAGE}) {{ nodes {{ {CHECKOUT_LINE} }} {PAGE_INFO} }}"

# The same records as one bulk operation each (docs/vendor-behaviour.md §8.D: `edges { node }` only; the nested
# connection's nodes come as lines of their own, after their parent, with `__parentId`).
BULK = {
    "Customer": f"{{ customers {{ edges {{ node {{ {CUSTOMER} }} }} }} }}",
    "Product": f"{{ products {{ edges {{ node {{ {PRODUCT_OWN} "
               f"variants {{ edges {{ node {{ {VARIANT} }} }} }} }} }} }} }}",
    "Order": f'{{ orders(query: "status:any") {{ edges {{ node {{ {ORDER_OWN} '
             f"lineItems {{ edges {{ node {{ {ORDER_LINE} }} }} }} }} }} }} }}",
    "AbandonedCheckout": f"{{ abandonedCheckouts {{ edges {{ node {{ {CHECKOUT_OWN} "
                         f"lineItems {{ edges {{ node {{ {CHECKOUT_LINE} }} }} }} }} }} }} }}",
}
# The ids of a whole store, for finding what was deleted (one-way streams' reconciliation).
BULK_IDS = {"Order": '{ orders(query: "status:any") { edges { node { id } } } }',
            "AbandonedCheckout": "{ abandonedCheckouts { edges { node { id } } } }"}
# Where a bulk line's children go in the node they belong to.
BULK_CHILDREN = {"Product": "variants", "Order": "lineItems", "AbandonedCheckout": "lineItems"}

COMPANY = 'id name updatedAt createdAt website: metafield(namespace: "custom", key: "website") { value }'


def number(gid: Any) -> str | None:
    """`gid://shopify/Customer/123` -> "123" (the REST id); None stays None."""
    if gid is None:
        return None
    return str(gid).rsplit("/", 1)[-1].split("?", 1)[0]


def shopify_time(value: str) -> datetime:
    """A Shopify timestamp (UTC `Z` from GraphQL, the shop's offset from a webhook) as an aware datetime."""
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def instant(value: str | None) -> datetime | None:
    """A Shopify timestamp, from GraphQL (`Z`) or a webhook (the shop's offset), as an aware UTC instant."""
    if not value:
        return None
    moment = shopify_time(str(value))
    return moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)


def _lower(value: str | None) -> str | None:
    return value.lower() if isinstance(value, str) else value


def _amount(bag: dict | None) -> str | None:
    return ((bag or {}).get("shopMoney") or {}).get("amount")


def _email(owner: dict | None) -> str | None:
    return ((owner or {}).get("defaultEmailAddress") or {}).get("emailAddress")


def _tags(tags: list[str] | None) -> str:
    return ", ".join(tags or [])


def _address(node: dict | None) -> dict | None:
    if not node:
        return None
    return {"address1": node.get("address1"), "address2": node.get("address2"), "city": node.get("city"),
            "province": node.get("province"), "province_code": node.get("provinceCode"), "zip": node.get("zip"),
            "country": node.get("country"), "country_code": node.get("countryCodeV2"),
            "company": node.get("company"), "phone": node.get("phone"), "first_name": node.get("firstName"),
            "last_name": node.get("lastName")}


def customer(node: dict) -> dict:
    """A `Customer` node as a `customers/update` payload."""
    return {"id": node.get("legacyResourceId") or number(node["id"]), "admin_graphql_api_id": node["id"],
            "email": _email(node), "first_name": node.get("firstName"), "last_name": node.get("lastName"),
            "phone": (node.get("defaultPhoneNumber") or {}).get("phoneNumber"), "note": node.get("note"),
            "tags": _tags(node.get("tags")), "state": _lower(node.get("state")),
            "created_at": node.get("createdAt"), "updated_at": node.get("updatedAt"),
            "default_address": _address(node.get("defaultAddress"))}


def product(node: dict) -> dict:
    """A `Product` node as a `products/update` payload (its first variant only)."""
    variants = [{"id": v.get("legacyResourceId") or number(v["id"]), "admin_graphql_api_id": v["id"],
                 "title": v.get("title"), "price": v.get("price"), "sku": v.get("sku"),
                 "compare_at_price": v.get("compareAtPrice"), "barcode": v.get("barcode")}
                for v in (node.get("variants") or {}).get("nodes") or []]
    return {"id": node.get("legacyResourceId") or number(node["id"]), "admin_graphql_api_id": node["id"],
            "title": node.get("title"), "body_html": node.get("descriptionHtml"), "vendor": node.get("vendor"),
            "product_type": node.get("productType"), "handle": node.get("handle"), "tags": _tags(node.get("tags")),
            "status": _lower(node.get("status")), "created_at": node.get("createdAt"),
            "updated_at": node.get("updatedAt"), "variants": variants}


def _line(node: dict, current: bool) -> dict:
    line = {"id": number(node["id"]), "title": node.get("title"), "quantity": node.get("quantity"),
            "sku": node.get("sku"), "variant_title": node.get("variantTitle"),
            "price": _amount(node.get("originalUnitPriceSet")),
            "product_id": (node.get("product") or {}).get("legacyResourceId")}
    if current:
        line["current_quantity"] = node.get("currentQuantity")
    return line


# displayFulfillmentStatus -> REST `fulfillment_status` (null while nothing is shipped).
_FULFILLMENT = {"FULFILLED": "fulfilled", "PARTIALLY_FULFILLED": "partial", "RESTOCKED": "restocked"}


def order(node: dict, lines: list[dict]) -> dict:
    """An `Order` node (with all its line item nodes) as an `orders/updated` payload."""
    company = ((node.get("purchasingEntity") or {}).get("company") or {}).get("id")
    buyer = node.get("customer")
    return {"id": node.get("legacyResourceId") or number(node["id"]), "admin_graphql_api_id": node["id"],
            "name": node.get("name"), "email": node.get("email"), "phone": node.get("phone"),
            "note": node.get("note"), "tags": _tags(node.get("tags")),
            "created_at": node.get("createdAt"), "updated_at": node.get("updatedAt"),
            "processed_at": node.get("processedAt"), "closed_at": node.get("closedAt"),
            "cancelled_at": node.get("cancelledAt"), "cancel_reason": _lower(node.get("cancelReason")),
            "checkout_token": node.get("checkoutToken"), "cart_token": node.get("cartToken"),
            "currency": node.get("currencyCode"),
            "financial_status": _lower(node.get("displayFinancialStatus")),
            "fulfillment_status": _FULFILLMENT.get(node.get("displayFulfillmentStatus") or ""),
            "current_total_price": _amount(node.get("currentTotalPriceSet")),
            "current_subtotal_price": _amount(node.get("currentSubtotalPriceSet")),
            "current_total_tax": _amount(node.get("currentTotalTaxSet")),
            "customer": {"id": buyer.get("legacyResourceId"), "email": _email(buyer)} if buyer else None,
            "company": {"id": number(company)} if company else None,
            "fulfillments": [{"status": _lower(f.get("status")), "shipment_status": _lower(f.get("displayStatus"))}
                             for f in node.get("fulfillments") or []],
            "line_items": [_line(line, current=True) for line in lines]}


def checkout_token(url: str | None) -> str | None:
    """The checkout token in a recovery URL (`https://{shop}/{shop_id}/checkouts/{token}/recover?key=…`)."""
    path = (url or "").split("?", 1)[0].rstrip("/").split("/")
    if len(path) >= 2 and path[-1] == "recover":
        return path[-2] or None
    return None


def checkout(node: dict, lines: list[dict]) -> dict:
    """An `AbandonedCheckout` node (with all its line item nodes) as a `checkouts/update` payload, less
    what GraphQL does not show (a guest's email and phone)."""
    buyer = node.get("customer")
    total = (node.get("totalPriceSet") or {}).get("shopMoney") or {}
    return {"id": number(node["id"]), "admin_graphql_api_id": node["id"], "name": node.get("name"),
            "token": checkout_token(node.get("abandonedCheckoutUrl")),
            "abandoned_checkout_url": node.get("abandonedCheckoutUrl"), "note": node.get("note"),
            "created_at": node.get("createdAt"), "updated_at": node.get("updatedAt"),
            "completed_at": node.get("completedAt"), "currency": total.get("currencyCode"),
            "total_price": total.get("amount"), "subtotal_price": _amount(node.get("subtotalPriceSet")),
            "total_tax": _amount(node.get("totalTaxSet")), "email": _email(buyer),
            "customer": {"id": buyer.get("legacyResourceId"), "email": _email(buyer)} if buyer else None,
            "line_items": [_line(line, current=False) for line in lines]}


def company(node: dict) -> dict:
    """A `Company` node as the companies stream reads it (its website from the `custom.website` metafield)."""
    return {"id": node["id"], "name": node.get("name"), "website": (node.get("website") or {}).get("value"),
            "created_at": node.get("createdAt"), "updated_at": node.get("updatedAt")}


# The Shopify fields a custom mapping may name (the settings contract takes REST names): what the records
# above carry, by object type. A mapping to anything else is refused when the settings are configured,
# rather than read as nothing or written nowhere.
_ADDRESS = ("address1", "address2", "city", "province", "province_code", "zip", "country", "country_code",
            "company", "phone", "first_name", "last_name")
READABLE: dict[str, frozenset[str]] = {
    "contacts": frozenset({"email", "first_name", "last_name", "phone", "note", "tags", "state", "created_at",
                           "updated_at", *(f"default_address.{k}" for k in _ADDRESS)}),
    "companies": frozenset({"name", "website", "created_at", "updated_at"}),
    "products": frozenset({"title", "body_html", "vendor", "product_type", "handle", "tags", "status", "created_at",
                           "updated_at", "variants.0.price", "variants.0.sku", "variants.0.compare_at_price",
                           "variants.0.barcode"}),
    "orders": frozenset({"name", "email", "phone", "note", "tags", "created_at", "updated_at", "processed_at",
                         "closed_at", "cancelled_at", "cancel_reason", "checkout_token", "cart_token", "currency",
                         "financial_status", "fulfillment_status", "current_total_price", "current_subtotal_price",
                         "current_total_tax", "customer.id", "customer.email", "company.id"}),
    "carts": frozenset({"name", "token", "abandoned_checkout_url", "note", "created_at", "updated_at",
                        "completed_at", "currency", "total_price", "subtotal_price", "total_tax", "email",
                        "customer.id", "customer.email"}),
}
WRITABLE: dict[str, frozenset[str]] = {
    "contacts": frozenset({"email", "first_name", "last_name", "phone", "note", "tags"}),
    "companies": frozenset({"name", "website"}),
    "products": frozenset({"title", "body_html", "vendor", "product_type", "handle", "tags", "variants.0.price",
                           "variants.0.sku", "variants.0.compare_at_price", "variants.0.barcode"}),
}

# REST body fields the engine writes -> GraphQL input fields (CustomerInput; ProductCreateInput/UpdateInput).
CUSTOMER_INPUT = {"email": "email", "first_name": "firstName", "last_name": "lastName", "phone": "phone",
                  "note": "note", "tags": "tags"}
PRODUCT_INPUT = {"title": "title", "body_html": "descriptionHtml", "vendor": "vendor", "product_type": "productType",
                 "handle": "handle", "tags": "tags"}
VARIANT_INPUT = {"price": "price", "compare_at_price": "compareAtPrice", "barcode": "barcode"}


def inputs(body: dict[str, Any], names: dict[str, str]) -> dict[str, Any]:
    """REST-named values as a GraphQL input (tags split from REST's comma-separated text); others dropped."""
    out: dict[str, Any] = {}
    for field, value in body.items():
        if field not in names:
            continue
        if field == "tags":
            value = [t.strip() for t in str(value or "").split(",") if t.strip()]
        out[names[field]] = value
    return out


def from_bulk(kind: str, lines: list[dict]) -> list[dict]:
    """The nodes of a bulk operation's JSONL lines, each with its children back in its nested connection."""
    nodes: dict[str, dict] = {}
    child = BULK_CHILDREN.get(kind)
    for line in lines:
        parent = line.pop("__parentId", None)
        if parent is None:
            nodes[line["id"]] = line
            if child:
                line[child] = {"nodes": [], "pageInfo": {"hasNextPage": False}}
        elif child and parent in nodes:
            nodes[parent][child]["nodes"].append(line)
    if kind == "Product":  # the first variant, as the paged listing reads it
        for node in nodes.values():
            node["variants"]["nodes"] = node["variants"]["nodes"][:1]
    return list(nodes.values())
