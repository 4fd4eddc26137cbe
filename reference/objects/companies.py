"""Companies <-> Shopify B2B companies (GraphQL only): matched by name, any case, or by domain (CMP-1).

The Shopify side keeps the website in the metafield `custom.website`; HubSpot's `domain` is its
normalised host. A company with neither name nor domain is not synced (CMP-2); no deletion crosses
over in either direction (CMP-3, CMP-4).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from reference.clients.listing import Listing
from reference.clients.shopify import ShopClient
from reference.objects.context import Context
from reference.objects.twoway import Group, TwoWay
from reference.settings import Mapping


class Companies(TwoWay):
    """The companies stream."""

    name = "companies"
    hubspot_type = "companies"
    topic_prefix = "companies/"
    hubspot_prefix = "company."

    def keys(self, view: dict[str, Any]) -> list[str]:
        out = []
        if view.get("name"):
            out.append(f"name:{str(view['name']).lower()}")
        if view.get("domain"):
            out.append(f"domain:{view['domain']}")
        return out

    def shopify_list(self, shop: ShopClient, since: datetime | None, listing: Listing | None = None) -> list[dict]:
        return shop.companies(since)  # B2B companies are few: a cut listing simply starts again

    def shopify_fetch(self, shop: ShopClient, ids: list[str]) -> list[dict]:
        return shop.by_ids("Company", ids)

    def shopify_find(self, shop: ShopClient, view: dict[str, Any]) -> dict | None:
        wanted = set(self.keys(view))
        from reference.mapping import shopify_view
        from reference.settings import DEFAULT_MAPPINGS
        for company in shop.companies(None):  # B2B companies are few: one listing beats fuzzy searches
            if wanted & set(self.keys(shopify_view(company, DEFAULT_MAPPINGS["companies"]))):
                return company
        return None

    def shopify_write(self, shop: ShopClient, record: dict | None, values: dict[str, Any],
                      mappings: tuple[Mapping, ...]) -> dict:
        fields = {m.hubspot_property: m.shopify_field for m in mappings if m.to_shopify}
        named = {fields[k]: v for k, v in values.items() if k in fields}
        name = named.get("name", (record or {}).get("name"))
        domain = named.get("website")
        website = f"https://{domain}" if domain else None
        if record is not None and "name" not in named and website is None:
            return record
        return shop.save_company(record["id"] if record else None, name, website, "website" in named)

    def hubspot_lookup(self, ctx: Context, groups: list[Group], props: list[str]) -> dict[str, dict]:
        names = sorted({k.removeprefix("name:") for g in groups for k in g.key_hint if k.startswith("name:")})
        domains = sorted({k.removeprefix("domain:") for g in groups for k in g.key_hint if k.startswith("domain:")})
        found = (ctx.hubspot.find_in("companies", "name", names, props) if names else []) + \
                (ctx.hubspot.find_in("companies", "domain", domains, props) if domains else [])
        out: dict[str, dict] = {}
        from reference.mapping import hubspot_view
        for record in sorted(found, key=lambda r: int(r["id"])):
            for k in self.keys(hubspot_view(record, ctx.settings.mappings("companies"))):
                out.setdefault(k, record)
        return out

