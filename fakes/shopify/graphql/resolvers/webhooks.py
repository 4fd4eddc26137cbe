"""Webhook subscriptions over GraphQL (`webhookSubscriptionCreate|Update|Delete`, `webhookSubscriptions`,
`webhookSubscription`), on the same subscriptions as REST: deliveries are identical either way (same
payloads, signatures and headers), serialised at the subscription's API version (docs/vendor-behaviour.md §8.C)."""

from __future__ import annotations

from typing import Any

from fakes.shopify.errors import Invalid, NotFound
from fakes.shopify.graphql.resolvers import resolves
from fakes.shopify.graphql.resolvers.common import connection, context, gid, id_of, iso, unsimulated_inputs
from fakes.shopify.graphql.resolvers.nodes import finds
from fakes.shopify.models import WebhookSubscription
from fakes.shopify.store import ListQuery


def topic_enum(topic: str) -> str:
    """`customers/create` -> `CUSTOMERS_CREATE`."""
    return topic.replace("/", "_").upper()


def topic_rest(value: str) -> str:
    """`CUSTOMERS_CREATE` -> `customers/create` (the first `_` is the resource/event boundary, as REST has it)."""
    resource, _, event = value.lower().partition("_")
    for known in ("app_subscriptions", "bulk_operations", "company_contacts", "company_locations",
                  "customer_groups", "draft_orders", "fulfillment_events", "inventory_items", "order_transactions",
                  "product_listings", "selling_plan_groups", "subscription_contracts"):
        if value.lower().startswith(known + "_"):
            return f"{known}/{value.lower()[len(known) + 1:]}"
    return f"{resource}/{event}"


resolves("WebhookSubscription", WebhookSubscription)({
    "id": lambda w, _i: gid("WebhookSubscription", w.id),
    "legacyResourceId": lambda w, _i: str(w.id),
    "topic": lambda w, _i: topic_enum(w.topic),
    "uri": lambda w, _i: w.address,
    "callbackUrl": lambda w, _i: w.address,
    "endpoint": lambda w, _i: {"__typename": "WebhookHttpEndpoint", "callbackUrl": w.address},
    "format": lambda w, _i: w.format.upper(),
    "includeFields": lambda w, _i: list(w.fields),
    "metafieldNamespaces": lambda w, _i: [],
    "filter": lambda w, _i: None,
    "name": lambda w, _i: None,
    "createdAt": lambda w, _i: iso(w.created_at),
    "updatedAt": lambda w, _i: iso(w.updated_at),
    "apiVersion": lambda w, _i: {"handle": w.api_version, "displayName": w.api_version,
                                 "supported": True},
})


def _mine(info: Any) -> list[WebhookSubscription]:
    ctx = context(info)
    if ctx.grant is None:
        return []
    return ctx.store.list_webhooks(ctx.grant, ListQuery())


def _subscriptions(_root: Any, info: Any, first: int | None = None, after: str | None = None,
                   last: int | None = None, before: str | None = None, reverse: bool = False,
                   sortKey: str = "CREATED_AT", topics: list[str] | None = None, uri: str | None = None,
                   callbackUrl: str | None = None, format: str | None = None,
                   query: str | None = None) -> dict[str, Any]:
    found = _mine(info)
    if topics:
        found = [w for w in found if topic_enum(w.topic) in topics]
    address = uri or callbackUrl
    if address:
        found = [w for w in found if w.address == address]
    if format:
        found = [w for w in found if w.format.upper() == format]
    sort_field = "created_at" if sortKey == "CREATED_AT" else "id"
    return connection(info, found, sort_value=lambda w: w.created_at if sort_field == "created_at" else w.id,
                      sort_field=sort_field, reverse=reverse, first=first, after=after, last=last, before=before)


def _find(info: Any, number: int | None) -> WebhookSubscription | None:
    return next((w for w in _mine(info) if w.id == number), None)


finds("WebhookSubscription")(_find)
_FIELDS = {"address": ["webhookSubscription", "callbackUrl"], "topic": ["topic"], "format": ["webhookSubscription",
                                                                                               "format"]}


def _messages(error: Invalid, address: str | None) -> list[dict[str, Any]]:
    rendered = []
    for name, messages in error.errors.items():
        for message in messages:
            text = f"Address {message}" if name == "address" else f"{name.capitalize()} {message}"
            scheme = (address or "").split("://", 1)[0].lower() if "://" in (address or "") else ""
            if name == "address" and message == "is invalid" and scheme and scheme != "https":
                text = f"Address protocol {scheme}:// is not supported"  # webhook-subscription-scheme-allowlist
            rendered.append({"field": _FIELDS.get(name, [name]), "message": text})
    return rendered


def _rest_payload(given: dict[str, Any]) -> dict[str, Any]:
    unsimulated_inputs("WebhookSubscriptionInput", given, ("uri", "callbackUrl", "format", "includeFields"))
    payload: dict[str, Any] = {}
    address = given.get("uri") or given.get("callbackUrl")
    if address is not None:
        payload["address"] = address
    if given.get("format"):
        payload["format"] = given["format"].lower()
    if "includeFields" in given:
        payload["fields"] = list(given["includeFields"] or [])
    return payload


def _create(_root: Any, info: Any, topic: str, webhookSubscription: dict[str, Any]) -> dict[str, Any]:
    ctx = context(info)
    payload = {"topic": topic_rest(topic), **_rest_payload(webhookSubscription)}
    try:
        made = ctx.store.create_webhook(ctx.grant, payload, ctx.version)
    except Invalid as error:
        return {"webhookSubscription": None, "userErrors": _messages(error, payload.get("address"))}
    return {"webhookSubscription": made, "userErrors": []}


def _update(_root: Any, info: Any, id: str, webhookSubscription: dict[str, Any]) -> dict[str, Any]:
    ctx = context(info)
    number = id_of(id, "WebhookSubscription")
    missing = {"webhookSubscription": None,
               "userErrors": [{"field": ["id"], "message": "Webhook subscription does not exist"}]}
    if number is None:
        return missing
    payload = _rest_payload(webhookSubscription)
    try:
        updated = ctx.store.update_webhook(ctx.grant, number, payload)
    except NotFound:
        return missing
    except Invalid as error:
        return {"webhookSubscription": None, "userErrors": _messages(error, payload.get("address"))}
    return {"webhookSubscription": updated, "userErrors": []}


def _delete(_root: Any, info: Any, id: str) -> dict[str, Any]:
    ctx = context(info)
    number = id_of(id, "WebhookSubscription")
    missing = {"deletedWebhookSubscriptionId": None,
               "userErrors": [{"field": ["id"], "message": "Webhook subscription does not exist"}]}
    if number is None:
        return missing
    try:
        ctx.store.delete_webhook(ctx.grant, number)
    except NotFound:
        return missing
    return {"deletedWebhookSubscriptionId": gid("WebhookSubscription", number), "userErrors": []}


resolves("QueryRoot")({"webhookSubscriptions": _subscriptions,
                        "webhookSubscription": lambda _r, info, id: _find(info, id_of(id, "WebhookSubscription"))})
resolves("Mutation")({"webhookSubscriptionCreate": _create, "webhookSubscriptionUpdate": _update,
                       "webhookSubscriptionDelete": _delete})
