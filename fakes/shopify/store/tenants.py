"""Apps, shops and their tokens; OAuth grants, cost buckets, uninstall; the companies of a shop."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from datetime import timedelta

from fakes.shopify.errors import MissingScope, Unauthorized
from fakes.shopify.models import ShopInfo
from fakes.shopify.store.core import StoreCore
from fakes.shopify.store.records import ALL_SCOPES, AccessToken, App, Shop, has_scope


class Tenants(StoreCore):
    """Apps, shops and their tokens; OAuth grants, cost buckets, uninstall; the companies of a shop."""

    def add_app(self, client_id: str, client_secret: str, name: str | None = None) -> App:
        """Register an app (its client secret signs its webhooks and OAuth callbacks)."""
        with self.lock:
            app = App(client_id, client_secret, name or client_id)
            self.apps[client_id] = app
            return app

    def set_application_url(self, client_id: str, url: str | None) -> App:
        """The URL the admin loads the app from, in an iframe (the app's configuration, not an API)."""
        with self.lock:
            app = self.apps.get(client_id)
            if app is None:
                raise ValueError(f"unknown app {client_id!r}")
            app.application_url = url
            return app

    def owner_id(self, shop: str) -> int:
        """The staff id of the shop's owner: the user the admin's session tokens name (`sub`)."""
        return 86_000_000 + self.shop_id(shop)

    def session_token(self, shop: str, client_id: str) -> str:
        """A fresh session token for the shop owner in `client_id`'s embedded page (fakes/shopify/session_tokens.py)."""
        from fakes.shopify.session_tokens import claims, sign

        with self.lock:
            self.shop(shop)
            app = self.apps[client_id]
            self._session_tokens += 1
            payload = claims(shop=shop, client_id=client_id, user_id=self.owner_id(shop), now=self.now(),
                             serial=self._session_tokens)
            return sign(payload, app.client_secret)

    def installed(self, shop: str, client_id: str) -> bool:
        """Whether the merchant installed the app in `shop` (approved its scopes, whether or not the app has
        exchanged its code yet) and has not uninstalled it since."""
        with self.lock:
            return any(t.shop == shop and t.app == client_id for t in self.tokens.values()) or any(
                code_shop == shop and app == client_id for code_shop, app, _ in self.oauth_codes.values())

    def add_shop(self, name: str, *, plan: str = "basic", currency: str = "USD", utc_offset_hours: float = -5) -> Shop:
        """Create an empty shop `name` (reachable as `name.myshopify.com`)."""
        if not name or not all(c.isalnum() or c == "-" for c in name):
            raise ValueError(f"invalid shop name {name!r}")
        with self.lock:
            shop = Shop(ShopInfo(name, currency.upper(), timedelta(hours=utc_offset_hours)), plan, self.now())
            self.shops[name] = shop
            return shop

    def issue_token(self, shop: str, app: str, scopes: Iterable[str] | None = None, token: str | None = None) -> str:
        """Install `app` in `shop` with `scopes` (all when None) and return its access token."""
        with self.lock:
            self.shop(shop)
            if app not in self.apps:
                raise ValueError(f"unknown app {app!r}")
            if token is None:
                self._token_counter += 1
                digest = hashlib.sha256(f"{shop}:{app}:{self._token_counter}".encode()).hexdigest()
                token = f"shpat_{digest[:32]}"
            granted = frozenset(ALL_SCOPES if scopes is None else scopes)
            self.tokens[token] = AccessToken(token, shop, app, granted)
            return token

    def authenticate(self, shop: str, token: str | None, scope: str | None) -> AccessToken:
        """The token's grant for `shop`; 401 when unknown or for another shop, 403 without `scope`."""
        grant = self.tokens.get(token or "")
        if grant is None or grant.shop != shop:
            raise Unauthorized()
        if scope is not None and not has_scope(grant.scopes, scope):
            raise MissingScope(scope)
        return grant

    def company_book(self, shop_name: str):
        """The shop's B2B companies (GraphQL only); made on first use, wired to webhooks."""
        from fakes.shopify.companies import CompanyBook

        with self.lock:
            shop = self.shop(shop_name)
            if shop.companies is None:
                def changed(topic: str, company, shop: Shop = shop) -> None:
                    book = shop.companies
                    with self.lock:
                        self._emit(shop, topic, book.rest_json(company, utc_offset=shop.info.utc_offset))

                shop.companies = CompanyBook(self.now, self.next_id, changed, lock=self.lock)
                shop.companies.owner_exists = lambda gid, shop=shop: _has_owner(shop, gid)
            return shop.companies

    def create_company(self, shop_name: str, name: str | None, **fields: object):
        """A merchant creates a B2B company in the admin (`website=` sets its website metafield)."""
        return self.company_book(shop_name).create(name, **fields)

    def update_company(self, shop_name: str, company_id: int, **fields: object):
        """A merchant edits a company (name, note, external_id, website)."""
        return self.company_book(shop_name).update(company_id, **fields)

    def delete_company(self, shop_name: str, company_id: int) -> None:
        """A merchant deletes a company."""
        self.company_book(shop_name).delete(company_id)

    def cost_bucket(self, grant: AccessToken):
        """The app's GraphQL cost bucket in its shop (docs/vendor-behaviour.md §1.5: cost-based, apart from REST)."""
        from fakes.shopify.graphql.cost import CostBucket

        with self.lock:
            key = (grant.app, grant.shop)
            bucket = self._cost_buckets.get(key)
            if bucket is None:
                plan = self.shop(grant.shop).plan
                bucket = CostBucket.for_plan(self.now, plan if plan in ("advanced", "plus") else "standard")
                if plan == "unlimited":
                    bucket = CostBucket(self.now, capacity=10.0**9, restore_rate=10.0**9, max_query_cost=10**9)
                self._cost_buckets[key] = bucket
            return bucket

    def count_call(self, grant: AccessToken) -> str:
        """Spend one REST call from the app's bucket in this shop; the call-limit header value."""
        return self.buckets.take(grant.app, grant.shop, self.shop(grant.shop).bucket_plan)

    def uninstall(self, shop_name: str, app: str) -> None:
        """The merchant uninstalls `app`: `app/uninstalled` fires, then its tokens and webhooks go."""
        with self.lock:
            shop = self.shop(shop_name)
            self._emit(shop, "app/uninstalled", self.shop_json(shop_name), only_app=app)
            for token in [t for t, g in self.tokens.items() if g.shop == shop_name and g.app == app]:
                del self.tokens[token]
            for wid in [w.id for w in shop.webhooks.values() if w.app == app]:
                del shop.webhooks[wid]

    def shop_id(self, shop_name: str) -> int:
        """The shop's numeric id (REST `shop.id`, the number in its `gid://shopify/Shop/...`)."""
        return 48_000_000 + sorted(self.shops).index(shop_name)

    def shop_json(self, shop_name: str) -> dict:
        """`GET shop.json`'s object."""
        shop = self.shop(shop_name)
        info = shop.info
        hours = info.utc_offset.total_seconds() / 3600
        return {
            "id": self.shop_id(shop_name), "name": info.name.replace("-", " ").title(),
            "email": f"owner@{info.name}.example", "domain": info.domain, "myshopify_domain": info.domain,
            "province": None, "country": "US", "country_code": "US", "currency": info.currency,
            "customer_email": f"support@{info.name}.example", "timezone": f"(GMT{hours:+03.0f}:00) Shop time",
            "iana_timezone": "America/New_York" if hours == -5 else "Etc/UTC", "plan_name": shop.plan,
            "plan_display_name": shop.plan.title(), "money_format": "${{amount}}", "weight_unit": "kg",
            "created_at": info.time(shop.created_at), "updated_at": info.time(shop.created_at),
            "primary_locale": "en", "enabled_presentment_currencies": [info.currency],
        }


_OWNER_GID = re.compile(r"^gid://shopify/(Customer|Product|Order)/(\d+)$")


def _has_owner(shop: Shop, gid: str) -> bool:
    """Whether a customer, product or order of this GID is in the shop (an owner of metafields)."""
    found = _OWNER_GID.match(gid or "")
    if found is None:
        return False
    records = {"Customer": shop.customers, "Product": shop.products, "Order": shop.orders}[found.group(1)]
    return int(found.group(2)) in records
