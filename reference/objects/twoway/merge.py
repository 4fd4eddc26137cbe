"""The field-by-field merge of a group (CNT-5): pure, so it can be read and tested on its own.

For each mapped field, every side whose value differs from what it last agreed with offers its value
with the time of its own last update; the latest offer wins (on a tie, Shopify's), and flows to every
side that does not hold it already, as far as the mapping's direction lets it. A record matched for the
first time with a field empty takes the person's value (CNT-1: a first match never erases, it fills).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from reference.clients.hubspot import hubspot_time
from reference.mapping import hubspot_view, shopify_view
from reference.objects.twoway.records import Group
from reference.settings import Mapping

SHOPIFY_FIRST = 1  # on a tie of update timestamps the Shopify change wins (arbitrary but stable)


def merge_fields(group: Group, mappings: tuple[Mapping, ...],
                 shopify_at: Callable[[dict], datetime]) -> tuple[dict[str, Any], dict[str, dict]]:
    """What to write to HubSpot, and to each shop of the group (by HubSpot property)."""
    hubspot_now = hubspot_view(group.hubspot, mappings) if group.hubspot else {}
    hubspot_last = group.synced.view if group.synced and not group.synced.archived else {}
    hubspot_at = hubspot_time((group.hubspot or {}).get("updatedAt"))
    shops = {shop: (shopify_view(member.record, mappings),
                    member.link.view if member.link and (member.link.hubspot_id or member.adopted) else {},
                    shopify_at(member.record))
             for shop, member in group.members.items() if member.record is not None}
    to_hubspot: dict[str, Any] = {}
    to_shops: dict[str, dict] = {shop: {} for shop in shops}
    for mapping in mappings:
        prop = mapping.hubspot_property
        offers: list[tuple[datetime, int, str, Any]] = []  # (when, tie-break, shop or "" for HubSpot, value)
        if group.hubspot is not None and hubspot_now.get(prop) != hubspot_last.get(prop) and hubspot_at is not None:
            offers.append((hubspot_at, 0, "", hubspot_now.get(prop)))
        for shop, (now, last, at) in shops.items():
            if now.get(prop) != last.get(prop):
                offers.append((at, SHOPIFY_FIRST, shop, now.get(prop)))
        if not offers:
            # Nobody changed the field, but a record matched for the first time (a customer a checkout's email
            # made in another shop) has agreed on nothing yet: its empty field takes the person's value (CNT-1).
            if mapping.to_shopify and group.hubspot is not None and hubspot_now.get(prop) is not None:
                for shop, (now, last, _) in shops.items():
                    if not last and now.get(prop) is None:
                        to_shops[shop][prop] = hubspot_now.get(prop)
            continue
        _, _, winner, value = max(offers, key=lambda offer: (offer[0], offer[1]))
        if winner:  # a Shopify change won
            if mapping.to_hubspot and (group.hubspot is None or hubspot_now.get(prop) != value) and \
                    (value is not None or group.hubspot is not None):
                to_hubspot[prop] = value
            flows_on = mapping.to_hubspot and mapping.to_shopify
        else:
            flows_on = mapping.to_shopify
        if flows_on:
            for shop, (now, _, _) in shops.items():
                if shop != winner and now.get(prop) != value:
                    to_shops[shop][prop] = value
    return to_hubspot, to_shops
