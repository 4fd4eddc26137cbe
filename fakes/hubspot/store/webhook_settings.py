"""An app's webhook subscriptions and settings, and the CRM events that feed them."""

from __future__ import annotations

from typing import Any

from fakes.hubspot.apps import App, WebhookSubscription
from fakes.hubspot.errors import InvalidAuthentication, ObjectNotFound, ValidationError
from fakes.hubspot.objects import resolve_type
from fakes.hubspot.store.core import StoreCore
from fakes.hubspot.webhooks import valid_event_type


class WebhookSettings(StoreCore):
    """An app's webhook subscriptions and settings, and the CRM events that feed them."""

    def webhook_app(self, app_id: Any, *, bearer: str | None, hapikey: str | None) -> App:
        """The app whose webhook settings a caller may manage: its developer key or its own token."""
        with self._lock:
            try:
                app = self.apps[int(app_id)]
            except (KeyError, ValueError, TypeError):
                raise InvalidAuthentication() from None
            if hapikey and app.developer_api_key == hapikey:
                return app
            token = self.tokens.get(bearer or "")
            if token is not None and token.app_id == app.app_id:
                return app
            raise InvalidAuthentication()

    def set_webhook_target(self, app: App, body: Any) -> App:
        """`PUT /webhooks/v3/{appId}/settings`: the target URL deliveries go to."""
        with self._lock:
            if not isinstance(body, dict) or not isinstance(body.get("targetUrl"), str) \
                    or not body["targetUrl"].startswith(("http://", "https://")):
                raise ValidationError("targetUrl must be an http(s) URL")
            app.target_url = body["targetUrl"]
            if isinstance(body.get("throttling"), dict):
                app.throttling = dict(body["throttling"])
            app.settings_at = self.clock.now()
            return app

    def clear_webhook_target(self, app: App) -> None:
        """`DELETE /webhooks/v3/{appId}/settings`."""
        with self._lock:
            app.target_url, app.settings_at = None, None

    def subscribe(self, app: App, body: Any) -> WebhookSubscription:
        """`POST /webhooks/v3/{appId}/subscriptions` (201)."""
        with self._lock:
            if not isinstance(body, dict) or not isinstance(body.get("eventType"), str) \
                    or not valid_event_type(body["eventType"]):
                raise ValidationError(f"Unknown eventType: {body.get('eventType') if isinstance(body, dict) else None}")
            prop = body.get("propertyName") if isinstance(body.get("propertyName"), str) else None
            if body["eventType"].endswith(".propertyChange") and not prop:
                raise ValidationError("propertyName is required for propertyChange subscriptions")
            type_id = body.get("objectTypeId")
            if body["eventType"].startswith("object."):
                if not isinstance(type_id, str):
                    raise ValidationError("objectTypeId is required for object.* subscriptions")
                type_id = resolve_type(type_id).type_id
            else:
                type_id = None
            self._next_sub += 1
            now = self.clock.now()
            sub = WebhookSubscription(self._next_sub, body["eventType"], prop, type_id,
                                      bool(body.get("active", True)), now, now)
            app.subscriptions[sub.id] = sub
            return sub

    def update_subscription(self, app: App, sub_id: Any, body: Any) -> WebhookSubscription:
        """`PATCH /webhooks/v3/{appId}/subscriptions/{id}`: switch it on or off."""
        with self._lock:
            sub = self.subscription(app, sub_id)
            if not isinstance(body, dict) or not isinstance(body.get("active"), bool):
                raise ValidationError("active (boolean) is required")
            sub.active, sub.updated_at = body["active"], self.clock.now()
            return sub

    def unsubscribe(self, app: App, sub_id: Any) -> None:
        """`DELETE /webhooks/v3/{appId}/subscriptions/{id}` (204)."""
        with self._lock:
            self.subscription(app, sub_id)
            del app.subscriptions[int(sub_id)]

    @staticmethod
    def subscription(app: App, sub_id: Any) -> WebhookSubscription:
        """One subscription of an app, or 404."""
        try:
            return app.subscriptions[int(sub_id)]
        except (KeyError, ValueError, TypeError):
            raise ObjectNotFound(f"Subscription {sub_id} not found") from None
