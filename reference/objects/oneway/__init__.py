"""One-way streams (orders, carts): Shopify records computed into HubSpot records with line items.

The engine never writes these on Shopify (ORD-1). Each pass pulls what changed (webhook hints,
polls, a retry list), computes the HubSpot record each Shopify record must be (`desired`), and writes
only what differs from what it last wrote, except that any real Shopify change rewrites the whole
record, so an edit made in HubSpot is overwritten by the next Shopify change (ORD-1).

One module per phase: `pull`, `write` (with `lookups` and `lines`); `stream.OneWay` runs them. Subclasses
say how their HubSpot record is computed (`base.StreamBase`).
"""

from reference.objects.oneway.records import Desired, Imported
from reference.objects.oneway.stream import OneWay

__all__ = ["Desired", "Imported", "OneWay"]
