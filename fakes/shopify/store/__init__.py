"""ShopifyStore: the state of every fake shop and the operations on it, with Shopify's validation.

Pure Python, thread-safe, no Flask: the HTTP layer in `routes/` parses a request, calls one method
here and renders the result. Merchant edits (the harness acting as a shop owner in the admin) and
API calls go through the same methods, so both leave the same traces (timestamps, webhooks, events).

One module a resource, composed into one store the way fakeredis composes its command groups: `core`
(state, ids, the shared get and list, webhooks out), `tenants` (apps, shops, tokens), `bulk_ops`,
`customers`, `products`, `orders`, `checkouts`, `webhooks` (subscriptions and events); `records` holds the
data types and the filters of REST lists.
"""

from fakes.shopify.store.bulk_ops import BulkOperations
from fakes.shopify.store.checkouts import Checkouts
from fakes.shopify.store.customers import Customers
from fakes.shopify.store.orders import Orders
from fakes.shopify.store.products import Products
from fakes.shopify.store.records import (
    ALL_SCOPES,
    CANCEL_REASONS,
    CONSENT_STATES,
    FINANCIAL_STATUSES,
    OPT_IN_LEVELS,
    SHIPMENT_STATUSES,
    TOPIC_SCOPES,
    WEBHOOK_API_VERSION,
    AccessToken,
    App,
    ListQuery,
    Shop,
    has_scope,
)
from fakes.shopify.store.tenants import Tenants
from fakes.shopify.store.webhooks import Webhooks

__all__ = ["ALL_SCOPES", "CANCEL_REASONS", "CONSENT_STATES", "FINANCIAL_STATUSES", "OPT_IN_LEVELS",
           "SHIPMENT_STATUSES", "TOPIC_SCOPES", "WEBHOOK_API_VERSION", "AccessToken", "App", "ListQuery", "Shop",
           "ShopifyStore", "has_scope"]


class ShopifyStore(Tenants, BulkOperations, Customers, Products, Orders, Checkouts, Webhooks):
    """Every shop of one fake Shopify: records, apps and tokens, webhooks, rate-limit buckets."""
