"""Contacts <-> customers: matched by email (CNT-1), email-only limit on by default (CNT-2, SET-6).

HubSpot contacts are created and matched through the batch upsert by email, so a second contact for
an email can never be made, even when a create was applied but its answer lost. No deletion crosses
over (CNT-3, CNT-4).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from reference.clients.http import VendorError
from reference.clients.listing import Listing
from reference.clients.shopify import ShopClient
from reference.objects.context import Context
from reference.objects.twoway import Group, TwoWay
from reference.settings import Mapping


class Contacts(TwoWay):
    """The contacts stream."""

    name = "contacts"
    hubspot_type = "contacts"
    modified_property = "lastmodifieddate"
    topic_prefix = "customers/"
    hubspot_prefix = "contact."

    def keys(self, view: dict[str, Any]) -> list[str]:
        email = view.get("email")
        return [email] if email else []

    def eligible(self, ctx: Context, view: dict[str, Any]) -> bool:
        entry = ctx.settings.objects.get("contacts")
        only_with_email = entry.only_with_email if entry else True
        return bool(view.get("email")) or not only_with_email

    def shopify_list(self, shop: ShopClient, since: datetime | None, listing: Listing | None = None) -> list[dict]:
        return shop.customers(since, listing)

    def shopify_fetch(self, shop: ShopClient, ids: list[str]) -> list[dict]:
        return shop.by_ids("Customer", ids)

    def shopify_find(self, shop: ShopClient, view: dict[str, Any]) -> dict | None:
        return shop.customer_by_email(view["email"]) if view.get("email") else None

    def shopify_write(self, shop: ShopClient, record: dict | None, values: dict[str, Any],
                      mappings: tuple[Mapping, ...]) -> dict:
        fields = {m.hubspot_property: m.shopify_field for m in mappings if m.to_shopify and "." not in m.shopify_field}
        body = {fields[k]: v for k, v in values.items() if k in fields}
        if record is not None:
            return shop.save_customer(record["id"], body) if body else record
        try:
            return shop.save_customer(None, body)
        except VendorError as error:
            # "Email has already been taken": the customer exists (an earlier create landed): adopt it.
            existing = shop.customer_by_email(str(body.get("email"))) if body.get("email") else None
            if error.status != 422 or existing is None:
                raise
            rest = {k: v for k, v in body.items() if k != "email"}
            return shop.save_customer(existing["id"], rest) if rest else existing

    def hubspot_create(self, ctx: Context, creates: dict[str, dict[str, Any]]) -> tuple[dict[str, dict],
                                                                                         dict[str, str]]:
        with_email = {trace: props for trace, props in creates.items() if props.get("email")}
        made, refused = ctx.hubspot.upsert_contacts({props["email"]: {k: v for k, v in props.items() if k != "email"}
                                                     for props in with_email.values()}) if with_email else ({}, {})
        out = {trace: made[props["email"]] for trace, props in with_email.items() if props["email"] in made}
        failed = {trace: refused[props["email"]] for trace, props in with_email.items() if props["email"] in refused}
        rest = {trace: props for trace, props in creates.items() if not props.get("email")}
        if rest:  # the email-only limit is off: contacts linked by id alone
            more, more_failed = super().hubspot_create(ctx, rest)
            out.update(more)
            failed.update(more_failed)
        return out, failed

    def hubspot_lookup(self, ctx: Context, groups: list[Group], props: list[str]) -> dict[str, dict]:
        emails = sorted({k for g in groups for k in g.key_hint})
        found, _ = ctx.hubspot.batch_read("contacts", emails, props, id_property="email")
        return {str((r.get("properties") or {}).get("email") or "").lower(): r for r in found}
