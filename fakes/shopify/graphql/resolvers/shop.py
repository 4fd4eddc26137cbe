"""`shop`: the shop the token is for, from the same facts as REST's `shop.json`."""

from __future__ import annotations

from typing import Any

from fakes.shopify.graphql.resolvers import resolves
from fakes.shopify.graphql.resolvers.common import context, gid


def _shop(_root: Any, info: Any) -> dict[str, Any]:
    ctx = context(info)
    rest = ctx.store.shop_json(ctx.shop_name)
    return {"__typename": "Shop", "id": gid("Shop", rest["id"]), "name": rest["name"], "email": rest["email"],
            "contactEmail": rest["customer_email"], "myshopifyDomain": rest["myshopify_domain"],
            "currencyCode": rest["currency"], "ianaTimezone": rest["iana_timezone"],
            "timezoneAbbreviation": "EST" if rest["iana_timezone"] == "America/New_York" else "UTC",
            "enabledPresentmentCurrencies": rest["enabled_presentment_currencies"],
            "createdAt": ctx.store.shop(ctx.shop_name).created_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "weightUnit": "KILOGRAMS", "url": f"https://{rest['domain']}"}


resolves("QueryRoot")({"shop": _shop})
