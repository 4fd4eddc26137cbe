"""Handles on the records a scenario made, so scenarios read like the spec ("the customer", "its order")."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class CustomerRef:
    """A Shopify customer made by the scenario."""

    shop: str
    id: int
    email: str | None


@dataclass(frozen=True)
class ProductRef:
    """A Shopify product and its variant ids (first variant first)."""

    shop: str
    id: int
    title: str
    variant_ids: tuple[int, ...]


@dataclass(frozen=True)
class OrderRef:
    """A Shopify order and its line item ids."""

    shop: str
    id: int
    line_ids: tuple[int, ...]


@dataclass(frozen=True)
class CheckoutRef:
    """A Shopify checkout and its line item ids."""

    shop: str
    id: int
    line_ids: tuple[int, ...]


@dataclass(frozen=True)
class CompanyRef:
    """A Shopify B2B company."""

    shop: str
    id: int
    name: str


@dataclass(frozen=True)
class HubSpotRef:
    """A HubSpot record made by the scenario (as a marketer)."""

    object_type: str
    id: str
    properties: dict = field(default_factory=dict, compare=False, hash=False)
