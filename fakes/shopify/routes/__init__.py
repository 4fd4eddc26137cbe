"""Admin API blueprints, one per resource family; `ADMIN_BLUEPRINTS` is registered under each prefix."""

from fakes.shopify.routes.checkouts import bp as checkouts
from fakes.shopify.routes.customers import bp as customers
from fakes.shopify.routes.events import bp as events
from fakes.shopify.routes.orders import bp as orders
from fakes.shopify.routes.products import bp as products
from fakes.shopify.routes.shop import bp as shop
from fakes.shopify.routes.webhooks import bp as webhooks

ADMIN_BLUEPRINTS = (customers, products, orders, checkouts, webhooks, events, shop)
