"""Orders and abandoned checkouts over GraphQL, read-only as a sync uses them (ORD-1): `order`, `orders`,
`ordersCount`, `abandonedCheckouts`, `abandonedCheckoutsCount`, with line items, refunds, fulfillments,
cancellation and the `display*Status` fields (docs/vendor-behaviour.md §8.C)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from fakes.shopify.graphql.resolvers import attributes, resolves
from fakes.shopify.graphql.resolvers.common import (
    connection,
    context,
    count_resolver,
    gid,
    id_of,
    iso,
    money_bag,
)
from fakes.shopify.graphql.resolvers.customers import address_json
from fakes.shopify.graphql.resolvers.nodes import finds
from fakes.shopify.graphql.search import Term, Warn, match_exact, match_id, match_time
from fakes.shopify.models import Checkout, Fulfillment, LineItem, Order, Refund

_FINANCIAL = {"authorized", "expired", "paid", "partially_paid", "partially_refunded", "pending", "refunded", "voided"}
_FULFILLMENT = {None: "UNFULFILLED", "partial": "PARTIALLY_FULFILLED", "fulfilled": "FULFILLED"}


def _currency(info: Any) -> str:
    return context(info).shop.info.currency


def _bag(info: Any, amount: Decimal) -> dict[str, Any]:
    return money_bag(amount, _currency(info))


def _totals(order: Order) -> dict[str, Decimal]:
    refunded = sum((r.amount for r in order.refunds), Decimal("0"))
    subtotal, current_subtotal = order.subtotal(current=False), order.subtotal(current=True)
    return {"subtotal": subtotal, "current_subtotal": current_subtotal, "refunded": refunded,
            "total": subtotal + order.total_tax + order.total_shipping,
            "current_total": current_subtotal + order.total_tax + order.total_shipping - refunded}


def _customer_of(record: Order | Checkout, info: Any) -> Any:
    return context(info).shop.customers.get(record.customer_id) if record.customer_id else None


def _purchasing_entity(order: Order, info: Any) -> Any:
    """Who bought: the B2B company (with its location) for a company order, else the customer."""
    if order.company_id:
        company = context(info).book.get(order.company_id)
        if company is not None:
            location = {"__typename": "CompanyLocation", "id": gid("CompanyLocation", order.company_id + 1),
                        "name": company.name}
            return {"__typename": "PurchasingCompany", "company": company, "location": location, "contact": None}
    return _customer_of(order, info)


def _line_items(record: Order | Checkout, info: Any, first: int | None = None, after: str | None = None,
                last: int | None = None, before: str | None = None, reverse: bool = False) -> dict[str, Any]:
    return connection(info, record.line_items, sort_value=lambda line: line.id, sort_field="id", reverse=reverse,
                      first=first, after=after, last=last, before=before)


def _financial(order: Order) -> str | None:
    status = (order.financial_status or "").lower()
    return status.upper() if status in _FINANCIAL else None


resolves("Order", Order)({
    "id": lambda o, _i: gid("Order", o.id),
    "legacyResourceId": lambda o, _i: str(o.id),
    **attributes("name", "email", "phone", "note", "tags", sourceName="source_name", cartToken="cart_token",
                 checkoutToken="checkout_token"),
    "createdAt": lambda o, _i: iso(o.created_at),
    "updatedAt": lambda o, _i: iso(o.updated_at),
    "processedAt": lambda o, _i: iso(o.processed_at or o.created_at),
    "closedAt": lambda o, _i: iso(o.closed_at),
    "cancelledAt": lambda o, _i: iso(o.cancelled_at),
    "cancelReason": lambda o, _i: o.cancel_reason.upper() if o.cancel_reason else None,
    "closed": lambda o, _i: o.closed_at is not None,
    "test": lambda o, _i: False,
    "confirmed": lambda o, _i: True,
    "displayFinancialStatus": lambda o, _i: _financial(o),
    "displayFulfillmentStatus": lambda o, _i: _FULFILLMENT.get(o.fulfillment_status(), "UNFULFILLED"),
    "currencyCode": lambda o, _i: o.currency,
    "presentmentCurrencyCode": lambda o, _i: o.currency,
    "subtotalPriceSet": lambda o, info: _bag(info, _totals(o)["subtotal"]),
    "currentSubtotalPriceSet": lambda o, info: _bag(info, _totals(o)["current_subtotal"]),
    "totalPriceSet": lambda o, info: _bag(info, _totals(o)["total"]),
    "currentTotalPriceSet": lambda o, info: _bag(info, _totals(o)["current_total"]),
    "totalRefundedSet": lambda o, info: _bag(info, _totals(o)["refunded"]),
    "totalTaxSet": lambda o, info: _bag(info, o.total_tax),
    "currentTotalTaxSet": lambda o, info: _bag(info, o.total_tax),
    "totalDiscountsSet": lambda o, info: _bag(info, o.total_discounts),
    "currentTotalDiscountsSet": lambda o, info: _bag(info, o.total_discounts),
    "totalShippingPriceSet": lambda o, info: _bag(info, o.total_shipping),
    "discountCodes": lambda o, _i: list(o.discount_codes),
    "customer": _customer_of,
    "purchasingEntity": _purchasing_entity,
    "lineItems": _line_items,
    "refunds": lambda o, _i, first=None: list(o.refunds)[:first],
    "fulfillments": lambda o, _i, first=None: list(o.fulfillments)[:first],
    "billingAddress": lambda o, _i: address_json(o.billing_address),
    "shippingAddress": lambda o, _i: address_json(o.shipping_address),
})


def _line_product(line: LineItem, info: Any) -> Any:
    return context(info).shop.products.get(line.product_id) if line.product_id else None


def _line_variant(line: LineItem, info: Any) -> Any:
    product = _line_product(line, info)
    return next((v for v in product.variants if v.id == line.variant_id), None) if product else None


resolves("LineItem", LineItem)({
    "id": lambda li, _i: gid("LineItem", li.id),
    **attributes("title", "quantity", "sku", "vendor", "taxable", variantTitle="variant_title",
                 requiresShipping="requires_shipping"),
    "name": lambda li, _i: f"{li.title} - {li.variant_title}" if li.variant_title else li.title,
    "currentQuantity": lambda li, _i: li.live_quantity,
    "unfulfilledQuantity": lambda li, _i: max(li.live_quantity - li.fulfilled_quantity, 0),
    "originalUnitPriceSet": lambda li, info: _bag(info, li.price),
    "discountedUnitPriceSet": lambda li, info: _bag(info, li.price),
    "originalTotalSet": lambda li, info: _bag(info, li.price * li.quantity),
    "discountedTotalSet": lambda li, info, withCodeDiscounts=False: _bag(info, li.price * li.quantity
                                                                         - li.total_discount),
    "totalDiscountSet": lambda li, info: _bag(info, li.total_discount),
    "product": _line_product,
    "variant": _line_variant,
    "isGiftCard": lambda li, _i: False,
})

# A checkout's lines are the same records; their GraphQL type has its own field names.
resolves("AbandonedCheckoutLineItem")({
    "id": lambda li, _i: gid("AbandonedCheckoutLineItem", li.id),
    **attributes("title", "quantity", "sku", variantTitle="variant_title"),
    "originalUnitPriceSet": lambda li, info: _bag(info, li.price),
    "originalTotalPriceSet": lambda li, info: _bag(info, li.price * li.quantity),
    "discountedUnitPriceSet": lambda li, info: _bag(info, li.price),
    "discountedTotalPriceSet": lambda li, info: _bag(info, li.price * li.quantity),
    "product": _line_product,
    "variant": _line_variant,
})

resolves("Refund", Refund)({
    "id": lambda r, _i: gid("Refund", r.id),
    "legacyResourceId": lambda r, _i: str(r.id),
    "note": lambda r, _i: r.note,
    "createdAt": lambda r, _i: iso(r.created_at),
    "updatedAt": lambda r, _i: iso(r.created_at),
    "processedAt": lambda r, _i: iso(r.created_at),
    "totalRefundedSet": lambda r, info: _bag(info, r.amount),
})

resolves("Fulfillment", Fulfillment)({
    "id": lambda f, _i: gid("Fulfillment", f.id),
    "legacyResourceId": lambda f, _i: str(f.id),
    "status": lambda f, _i: f.status.upper(),
    "displayStatus": lambda f, _i: (f.shipment_status or "fulfilled").upper(),
    "createdAt": lambda f, _i: iso(f.created_at),
    "updatedAt": lambda f, _i: iso(f.updated_at),
    "totalQuantity": lambda f, info: len(f.line_item_ids),
    "trackingInfo": lambda f, _i, first=None: ([{"company": f.tracking_company, "number": f.tracking_number,
                                                  "url": f"https://track.example/{f.tracking_number}"}]
                                                if f.tracking_number else [])[:first],
})


def _order_field(order: Order, term: Term, warn: Warn) -> bool | None:
    name = term.field
    if name == "id":
        return match_id(order.id, term, warn)
    if name in ("created_at", "updated_at", "processed_at"):
        return match_time(getattr(order, name) or order.created_at, term, warn)
    if name == "customer_id":
        return match_id(order.customer_id or 0, term, warn)
    if name in ("email", "checkout_token", "cart_token"):
        return match_exact(getattr(order, name), term)
    if name == "name":
        return match_exact(order.name, term) or match_exact(order.name.lstrip("#"), term)
    if name == "financial_status":
        return (order.financial_status or "").lower() == term.value.lower()
    if name == "fulfillment_status":
        wanted = term.value.lower()
        actual = order.fulfillment_status() or "unfulfilled"
        return actual == wanted or (wanted == "unshipped" and actual == "unfulfilled")
    if name == "status":
        state = "cancelled" if order.cancelled_at else "closed" if order.closed_at else "open"
        return term.value.lower() in (state, "any")
    if name == "tag":
        return any(t.lower() == term.value.lower() for t in order.tags)
    if name == "test":
        return term.value.lower() == "false"
    return None


_ORDER_SORT = {"ID": "id", "CREATED_AT": "created_at", "UPDATED_AT": "updated_at", "PROCESSED_AT": "processed_at",
               "ORDER_NUMBER": "order_count", "TOTAL_PRICE": "total_price", "RELEVANCE": "id",
               "CURRENT_TOTAL_PRICE": "total_current_price", "FINANCIAL_STATUS": "financial_status",
               "FULFILLMENT_STATUS": "fulfillment_status", "CUSTOMER_NAME": "customer_name",
               "TOTAL_ITEMS_QUANTITY": "items_count", "DESTINATION": "destination", "PO_NUMBER": "po_number"}


def _order_sort(order: Order, sort_field: str, info: Any) -> Any:
    if sort_field in ("created_at", "updated_at"):
        return getattr(order, sort_field)
    if sort_field == "processed_at":
        return order.processed_at or order.created_at
    if sort_field == "order_count":
        return order.number
    if sort_field == "total_price":
        return _totals(order)["total"]
    if sort_field == "total_current_price":
        return _totals(order)["current_total"]
    if sort_field == "items_count":
        return sum(line.live_quantity for line in order.line_items)
    if sort_field == "customer_name":
        customer = _customer_of(order, info)
        return " ".join(p for p in (customer.first_name, customer.last_name) if p).lower() if customer else ""
    if sort_field in ("financial_status", "fulfillment_status"):
        return (order.financial_status if sort_field == "financial_status" else order.fulfillment_status()) or ""
    if sort_field == "destination":
        return (order.shipping_address.country or "") if order.shipping_address else ""
    if sort_field == "po_number":
        return ""
    return order.id


def _orders(_root: Any, info: Any, first: int | None = None, after: str | None = None, last: int | None = None,
            before: str | None = None, reverse: bool = False, sortKey: str = "PROCESSED_AT",
            query: str | None = None, savedSearchId: str | None = None) -> dict[str, Any]:
    sort_field = _ORDER_SORT[sortKey]
    return connection(info, context(info).shop.orders,
                      sort_value=lambda o: _order_sort(o, sort_field, info), sort_field=sort_field, reverse=reverse,
                      first=first, after=after, last=last, before=before, query=query, field_match=_order_field,
                      texts=lambda o: [o.name, o.email])


def find_order(info: Any, number: int | None) -> Order | None:
    return context(info).shop.orders.get(number) if number is not None else None


finds("Order")(find_order)


# ------------------------------------------------------------------------------------------- abandoned checkouts


def _abandoned(info: Any) -> list[Checkout]:
    """What Shopify lists as abandoned: checkouts not completed (REST's `checkouts.json` lists the same)."""
    return [c for c in context(info).shop.checkouts.values() if c.completed_at is None]


def _checkout_totals(checkout: Checkout) -> dict[str, Decimal]:
    lines = sum((line.price * line.quantity for line in checkout.line_items), Decimal("0"))
    subtotal = lines - checkout.total_discounts
    return {"lines": lines, "subtotal": subtotal,
            "total": subtotal + checkout.total_tax + checkout.total_shipping}


resolves("AbandonedCheckout", Checkout)({
    "id": lambda c, _i: gid("AbandonedCheckout", c.id),
    "name": lambda c, _i: f"#{c.id}",
    "note": lambda c, _i: "",
    "abandonedCheckoutUrl": lambda c, info: (f"https://{context(info).shop.info.domain}/{c.id}/checkouts/"
                                             f"{c.token}/recover?key=k{c.id:x}"),
    "createdAt": lambda c, _i: iso(c.created_at),
    "updatedAt": lambda c, _i: iso(c.updated_at),
    "completedAt": lambda c, _i: iso(c.completed_at),
    "customer": _customer_of,
    "discountCodes": lambda c, _i: [],
    "taxesIncluded": lambda c, _i: False,
    "lineItems": _line_items,
    "subtotalPriceSet": lambda c, info: _bag(info, _checkout_totals(c)["subtotal"]),
    "totalLineItemsPriceSet": lambda c, info: _bag(info, _checkout_totals(c)["lines"]),
    "totalPriceSet": lambda c, info: _bag(info, _checkout_totals(c)["total"]),
    "totalTaxSet": lambda c, info: _bag(info, c.total_tax),
    "totalDiscountSet": lambda c, info: _bag(info, c.total_discounts),
    "billingAddress": lambda c, _i: None,
    "shippingAddress": lambda c, _i: None,
})


def _checkout_field(checkout: Checkout, term: Term, warn: Warn) -> bool | None:
    name = term.field
    if name == "id":
        return match_id(checkout.id, term, warn)
    if name in ("created_at", "updated_at"):
        return match_time(getattr(checkout, name), term, warn)
    if name == "status":
        state = "closed" if checkout.closed_at or checkout.completed_at else "open"
        return term.value.lower() == state
    if name == "recovery_state":
        return term.value.lower() == ("recovered" if checkout.completed_at else "not_recovered")
    if name == "email_state":
        return None
    return None


_CHECKOUT_SORT = {"ID": "id", "CHECKOUT_ID": "id", "CREATED_AT": "created_at", "RELEVANCE": "id",
                  "TOTAL_PRICE": "total_price", "CUSTOMER_NAME": "customer_name"}


def _checkouts(_root: Any, info: Any, first: int | None = None, after: str | None = None, last: int | None = None,
               before: str | None = None, reverse: bool = False, sortKey: str = "ID", query: str | None = None,
               savedSearchId: str | None = None) -> dict[str, Any]:
    sort_field = _CHECKOUT_SORT[sortKey]

    def value(checkout: Checkout) -> Any:
        if sort_field == "created_at":
            return checkout.created_at
        if sort_field == "total_price":
            return _checkout_totals(checkout)["total"]
        if sort_field == "customer_name":
            customer = _customer_of(checkout, info)
            return " ".join(p for p in (customer.first_name, customer.last_name) if p).lower() if customer else ""
        return checkout.id
    return connection(info, _abandoned(info), sort_value=value, sort_field=sort_field, reverse=reverse, first=first,
                      after=after, last=last, before=before, query=query, field_match=_checkout_field)


finds("AbandonedCheckout")(lambda info, number: context(info).shop.checkouts.get(number))

resolves("QueryRoot")({
    "order": lambda _r, info, id: find_order(info, id_of(id, "Order")),
    "orders": _orders,
    "ordersCount": count_resolver(lambda info: context(info).shop.orders, _order_field),
    "abandonedCheckouts": _checkouts,
    "abandonedCheckoutsCount": count_resolver(_abandoned, _checkout_field),
})
