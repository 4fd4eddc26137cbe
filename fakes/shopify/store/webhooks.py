"""Apps' webhook subscriptions and the shop's events."""

from __future__ import annotations

from fakes.shopify.errors import BadParameter, NotFound, missing_root
from fakes.shopify.models import Event, WebhookSubscription
from fakes.shopify.payload import Fields
from fakes.shopify.store.core import StoreCore
from fakes.shopify.store.records import TOPIC_SCOPES, AccessToken, EventView, ListQuery, has_scope


class Webhooks(StoreCore):
    """Apps' webhook subscriptions and the shop's events."""

    def create_webhook(self, grant: AccessToken, payload: object, api_version: str) -> WebhookSubscription:
        """Subscribe the calling app to a topic (422 on a bad topic, address or duplicate)."""
        if not isinstance(payload, dict):
            raise missing_root("webhook")
        with self.lock:
            shop = self.shop(grant.shop)
            f = Fields("webhook", payload)
            topic = f.text("topic")
            address = f.text("address", max_len=2048)
            fmt = f.text("format") or "json"
            allowed = sorted(t for t, s in TOPIC_SCOPES.items() if s is None or has_scope(grant.scopes, s))
            if topic not in allowed:
                f.add("topic", "Invalid topic specified. Topics allowed: " + ", ".join(allowed))
            if address is None:
                f.add("address", "can't be blank")
            elif not _valid_webhook_address(address):
                f.add("address", "is invalid")
            elif any(w.app == grant.app and w.topic == topic and w.address == address for w in shop.webhooks.values()):
                f.add("address", "for this topic has already been taken")
            if fmt not in ("json", "xml"):
                f.add("format", "is not included in the list")
            fields_list = payload.get("fields") or []
            if not isinstance(fields_list, list) or not all(isinstance(x, str) for x in fields_list):
                raise BadParameter("webhook", "Required parameter missing or invalid")
            f.raise_if_any()
            now = self.now()
            sub = WebhookSubscription(self.next_id(), grant.app, topic or "", address or "", now, now, fmt,
                                      list(fields_list), api_version)
            shop.webhooks[sub.id] = sub
            return sub

    def list_webhooks(self, grant: AccessToken, query: ListQuery) -> list[WebhookSubscription]:
        """The calling app's subscriptions in this shop (apps never see each other's)."""
        shop = self.shop(grant.shop)
        topic, address = query.get("topic"), query.get("address")
        with self.lock:
            return [w for _, w in sorted(shop.webhooks.items())
                    if w.app == grant.app and query.admits(w)
                    and (topic is None or w.topic == topic) and (address is None or w.address == address)]

    def get_webhook(self, grant: AccessToken, webhook_id: int) -> WebhookSubscription:
        """One of the calling app's subscriptions, or 404."""
        sub = self.shop(grant.shop).webhooks.get(webhook_id)
        if sub is None or sub.app != grant.app:
            raise NotFound()
        return sub

    def update_webhook(self, grant: AccessToken, webhook_id: int, payload: object) -> WebhookSubscription:
        """Change a subscription's address or fields."""
        if not isinstance(payload, dict):
            raise missing_root("webhook")
        with self.lock:
            sub = self.get_webhook(grant, webhook_id)
            f = Fields("webhook", payload)
            if f.has("address"):
                address = f.text("address", max_len=2048)
                if address is None or not _valid_webhook_address(address):
                    f.add("address", "is invalid")
                else:
                    sub.address = address
            if f.has("topic") and f.text("topic") != sub.topic:
                f.add("topic", "cannot be changed")
            f.raise_if_any()
            sub.updated_at = self.now()
            return sub

    def delete_webhook(self, grant: AccessToken, webhook_id: int) -> None:
        """Unsubscribe."""
        with self.lock:
            sub = self.get_webhook(grant, webhook_id)
            del self.shop(grant.shop).webhooks[sub.id]


    def list_events(self, shop_name: str, query: ListQuery, subject: tuple[str, int] | None = None) -> list[Event]:
        """Events API: `filter` (subject types) and `verb`, plus the shared filters."""
        shop = self.shop(shop_name)
        types = {t.strip().lower() for t in (query.get("filter") or "").split(",") if t.strip()}
        verb = query.get("verb")
        with self.lock:
            events = list(shop.events)
        return [e for e in events
                if query.admits(EventView(e))
                and (not types or e.subject_type.lower() in types)
                and (verb is None or e.verb == verb)
                and (subject is None or (e.subject_type, e.subject_id) == subject)]


def _valid_webhook_address(address: str) -> bool:
    # Shopify requires HTTPS (or pubsub:// / an EventBridge ARN); plain HTTP is allowed only to loopback
    # so that an implementation under test can receive webhooks on 127.0.0.1.
    if address.startswith(("https://", "pubsub://", "arn:aws:events:")):
        return len(address) > len("https://")
    return address.startswith(("http://127.0.0.1", "http://localhost", "http://[::1]"))
