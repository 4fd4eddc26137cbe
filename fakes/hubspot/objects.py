"""The CRM object types the fake knows, and their HubSpot-defined properties.

Names, type ids, scopes, default property sets and modified-date properties follow docs/vendor-behaviour.md §3.1,
3.2 and 3.7. A portal adds its own custom properties on top (see `store.Portal.custom_properties`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from fakes.hubspot.errors import UnknownObjectType

# Property `type` values HubSpot uses; each maps to the fieldType we give HubSpot-defined ones.
STRING, NUMBER, DATE, DATETIME, ENUM, BOOL = "string", "number", "date", "datetime", "enumeration", "bool"
_FIELD_TYPES = {STRING: "text", NUMBER: "number", DATE: "date", DATETIME: "date", ENUM: "select",
                BOOL: "booleancheckbox"}


@dataclass(frozen=True)
class PropertyOption:
    """One allowed value of an enumeration property."""

    label: str
    value: str
    display_order: int = 0

    def as_json(self) -> dict[str, Any]:
        """The vendor's `Option` shape (all of hidden/label/value required by the SDK)."""
        return {"label": self.label, "value": self.value, "displayOrder": self.display_order,
                "hidden": False, "description": ""}


@dataclass
class PropertyDefinition:
    """A property of an object type, HubSpot-defined or custom (docs/vendor-behaviour.md §3.7)."""

    name: str
    label: str
    type: str = STRING
    field_type: str = "text"
    group_name: str = "information"
    description: str = ""
    options: list[PropertyOption] = field(default_factory=list)
    read_only: bool = False
    has_unique_value: bool = False
    hubspot_defined: bool = True
    created_at: datetime | None = None
    updated_at: datetime | None = None
    archived: bool = False
    archived_at: datetime | None = None
    display_order: int = -1

    def as_json(self, iso: Any) -> dict[str, Any]:
        """The vendor's `Property` shape; `iso` formats datetimes."""
        out: dict[str, Any] = {
            "name": self.name, "label": self.label, "type": self.type, "fieldType": self.field_type,
            "description": self.description, "groupName": self.group_name,
            "options": [o.as_json() for o in self.options], "displayOrder": self.display_order,
            "calculated": False, "externalOptions": False, "hasUniqueValue": self.has_unique_value,
            "hidden": False, "hubspotDefined": self.hubspot_defined, "formField": not self.read_only,
            "archived": self.archived,
            "modificationMetadata": {"archivable": not self.hubspot_defined, "readOnlyDefinition":
                                     self.hubspot_defined, "readOnlyValue": self.read_only,
                                     "readOnlyOptions": False},
        }
        if self.created_at:
            out["createdAt"] = iso(self.created_at)
        if self.updated_at:
            out["updatedAt"] = iso(self.updated_at)
        if self.archived_at:
            out["archivedAt"] = iso(self.archived_at)
        return out


@dataclass(frozen=True)
class ObjectType:
    """One CRM object type: its path name, type id, scopes and HubSpot-defined properties."""

    name: str  # plural path name, e.g. "contacts"
    type_id: str  # e.g. "0-1"
    singular: str  # e.g. "contact" (webhook subscription prefix, association type names)
    label: str  # upper-case word used in batch error messages, e.g. "CONTACT"
    default_properties: tuple[str, ...]
    modified_property: str  # contacts use `lastmodifieddate`, the rest `hs_lastmodifieddate` (3.2)
    created_property: str
    read_scopes: tuple[str, ...]
    write_scopes: tuple[str, ...]
    properties: dict[str, PropertyDefinition]
    search_properties: tuple[str, ...]  # what free-text `query` looks at
    has_pipelines: bool = False
    pipeline_property: str | None = None
    stage_property: str | None = None


def _defs(group: str, spec: str) -> dict[str, PropertyDefinition]:
    """Build definitions from `name[:type]` words; `!` suffix marks read-only."""
    out: dict[str, PropertyDefinition] = {}
    for order, word in enumerate(spec.split()):
        read_only = word.endswith("!")
        word = word.rstrip("!")
        name, _, kind = word.partition(":")
        kind = kind or STRING
        label = name.removeprefix("hs_").replace("_", " ").capitalize()
        out[name] = PropertyDefinition(name=name, label=label, type=kind, field_type=_FIELD_TYPES[kind],
                                       group_name=group, read_only=read_only, display_order=order)
    return out


def _common(created: str, modified: str) -> str:
    return f"hs_object_id:number! {created}:datetime! {modified}:datetime! hs_created_by_user_id:number!"


_LIFECYCLE = ["subscriber", "lead", "marketingqualifiedlead", "salesqualifiedlead", "opportunity",
              "customer", "evangelist", "other"]

_CONTACT = _defs("contactinformation",
                 _common("createdate", "lastmodifieddate") + " email firstname lastname phone mobilephone "
                 "company address city state zip country jobtitle website lifecyclestage:enumeration "
                 "hs_lead_status hs_additional_emails! hs_merged_object_ids! hs_email_optout:bool "
                 "hs_marketable_status:bool")
_CONTACT["lifecyclestage"].options = [PropertyOption(v.capitalize(), v, i) for i, v in enumerate(_LIFECYCLE)]
_CONTACT["hs_lastmodifieddate"] = PropertyDefinition("hs_lastmodifieddate", "Object last modified date/time",
                                                     DATETIME, "date", "contactinformation", read_only=True)

_COMPANY = _defs("companyinformation",
                 _common("createdate", "hs_lastmodifieddate") + " name domain phone address address2 city "
                 "state zip country website industry description numberofemployees:number "
                 "annualrevenue:number hs_merged_object_ids!")

_DEAL = _defs("dealinformation",
              _common("createdate", "hs_lastmodifieddate") + " dealname amount:number closedate:datetime "
              "pipeline dealstage dealtype description hs_merged_object_ids!")

_PRODUCT = _defs("productinformation",
                 _common("createdate", "hs_lastmodifieddate") + " name price:number hs_sku description "
                 "hs_cost_of_goods_sold:number hs_recurring_billing_period hs_url hs_images "
                 "hs_product_type hs_folder_id:number")

_LINE_ITEM = _defs("lineiteminformation",
                   _common("createdate", "hs_lastmodifieddate") + " name quantity:number price:number "
                   "amount:number hs_product_id:number hs_sku description discount:number "
                   "hs_total_discount:number tax:number hs_line_item_currency_code hs_discount_percentage:number")

_ADDRESS = "name street city state country postal_code phone"
_ORDER = _defs("orderinformation",
               _common("hs_createdate", "hs_lastmodifieddate") + " createdate:datetime! hs_order_name "
               "hs_currency_code hs_source_store hs_external_order_id hs_external_order_url "
               "hs_external_created_date:datetime hs_external_modified_date:datetime hs_fulfillment_status "
               "hs_payment_status hs_pipeline hs_pipeline_stage hs_total_price:number "
               "hs_subtotal_price:number hs_tax:number hs_shipping_cost:number hs_order_discount:number "
               "hs_discount_codes hs_tags hs_refund_amount:number hs_cancellation_reason "
               "hs_external_canceled_date:datetime hs_external_checkout_id hs_buyer_accepts_marketing:bool "
               "hs_landing_site hs_shipping_tracking_number hs_shipping_status_url "
               + " ".join(f"hs_shipping_address_{p}" for p in _ADDRESS.split()) + " "
               + " ".join(f"hs_billing_address_{p}" for p in _ADDRESS.split()))

_CART = _defs("cartinformation",
              _common("hs_createdate", "hs_lastmodifieddate") + " createdate:datetime! hs_cart_name "
              "hs_external_cart_id hs_external_status hs_source_store hs_total_price:number "
              "hs_subtotal_price:number hs_currency_code hs_cart_discount:number hs_tax:number "
              "hs_shipping_cost:number hs_cart_url hs_tags hs_external_created_date:datetime")

_QUOTE = _defs("quoteinformation",
               _common("hs_createdate", "hs_lastmodifieddate") + " hs_title hs_expiration_date:date "
               "hs_status hs_currency")


def _type(name: str, type_id: str, singular: str, props: dict[str, PropertyDefinition], defaults: str,
          modified: str, created: str, scope: str, search: str, **kw: Any) -> ObjectType:
    read = (f"crm.objects.{scope}.read",)
    write = (f"crm.objects.{scope}.write",)
    if name == "products":
        # docs/vendor-behaviour.md §3.1: products use the `e-commerce` scope (newer granular scopes also accepted).
        read, write = ("e-commerce", "crm.objects.products.read"), ("e-commerce", "crm.objects.products.write")
    return ObjectType(name=name, type_id=type_id, singular=singular, label=singular.upper(),
                      default_properties=tuple(defaults.split()), modified_property=modified,
                      created_property=created, read_scopes=read, write_scopes=write, properties=props,
                      search_properties=tuple(search.split()), **kw)


OBJECT_TYPES: dict[str, ObjectType] = {t.name: t for t in [
    _type("contacts", "0-1", "contact", _CONTACT,
          "createdate email firstname hs_object_id lastmodifieddate lastname",
          "lastmodifieddate", "createdate", "contacts", "email firstname lastname phone company website"),
    _type("companies", "0-2", "company", _COMPANY, "createdate domain hs_lastmodifieddate hs_object_id name",
          "hs_lastmodifieddate", "createdate", "companies", "name domain website phone"),
    _type("deals", "0-3", "deal", _DEAL,
          "amount closedate createdate dealname dealstage hs_lastmodifieddate hs_object_id pipeline",
          "hs_lastmodifieddate", "createdate", "deals", "dealname", has_pipelines=True,
          pipeline_property="pipeline", stage_property="dealstage"),
    _type("products", "0-7", "product", _PRODUCT,
          "createdate description hs_lastmodifieddate hs_object_id name price",
          "hs_lastmodifieddate", "createdate", "products", "name hs_sku description"),
    _type("line_items", "0-8", "line_item", _LINE_ITEM,
          "createdate hs_lastmodifieddate hs_object_id hs_product_id name price quantity amount",
          "hs_lastmodifieddate", "createdate", "line_items", "name hs_sku"),
    _type("quotes", "0-14", "quote", _QUOTE, "hs_createdate hs_expiration_date hs_lastmodifieddate "
          "hs_object_id hs_title", "hs_lastmodifieddate", "hs_createdate", "quotes", "hs_title"),
    _type("orders", "0-123", "order", _ORDER,
          "hs_createdate hs_lastmodifieddate hs_object_id hs_order_name hs_currency_code hs_total_price "
          "hs_pipeline hs_pipeline_stage", "hs_lastmodifieddate", "hs_createdate", "orders",
          "hs_order_name hs_external_order_id", has_pipelines=True, pipeline_property="hs_pipeline",
          stage_property="hs_pipeline_stage"),
    _type("carts", "0-142", "cart", _CART,
          "hs_cart_discount hs_cart_name hs_cart_url hs_createdate hs_currency_code hs_external_cart_id "
          "hs_external_status hs_lastmodifieddate hs_object_id hs_shipping_cost hs_source_store hs_tags "
          "hs_tax hs_total_price", "hs_lastmodifieddate", "hs_createdate", "carts",
          "hs_cart_name hs_external_cart_id"),
]}

_ALIASES: dict[str, str] = {}
for _t in OBJECT_TYPES.values():
    for _alias in (_t.name, _t.type_id, _t.singular, _t.singular.replace("_", "")):
        _ALIASES[_alias] = _t.name
_ALIASES["lineitems"] = "line_items"


def resolve_type(name: str) -> ObjectType:
    """The object type for a path segment: plural name, singular name or type id (docs/vendor-behaviour.md §3.1)."""
    key = _ALIASES.get(str(name).lower())
    if key is None:
        raise UnknownObjectType(name)
    return OBJECT_TYPES[key]
