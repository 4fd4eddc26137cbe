"""A small in-process implementation for testing the world: it installs, subscribes and records."""

from __future__ import annotations

from datetime import datetime

import httpx


class Recorder:
    """Exchanges each shop's OAuth code, subscribes to customers/create, polls customers each tick."""

    def __init__(self, transport: httpx.BaseTransport | None = None, state_dir=None) -> None:
        self.http = httpx.Client(transport=transport, trust_env=False, timeout=10)
        self.received: list[tuple[str, str, str]] = []  # (source, topic, event id)
        self.ticks: list[datetime] = []
        self.tokens: dict[str, str] = {}
        self.settings: dict | None = None
        self.wake_every: float | None = None
        self.status = 200

    def health(self) -> dict:
        return {"contract": "1", "implementation": "recorder", "version": "1", "capabilities": ["contacts"]}

    def configure(self, settings: dict) -> None:
        if settings["hubspot"]["ops_hub"] == "free" and settings["objects"]["contacts"]["mappings"]:
            raise ValueError("custom mappings need Operations Hub Starter")
        self.settings = settings
        for shop in settings["shops"]:
            if shop["shop"] in self.tokens:
                continue
            answer = self.http.post(f"{shop['admin_url']}/oauth/access_token", data={
                "client_id": settings["shopify"]["client_id"], "client_secret": settings["shopify"]["client_secret"],
                "code": shop["authorization_code"]})
            answer.raise_for_status()
            token = answer.json()["access_token"]
            self.tokens[shop["shop"]] = token
            self.http.post(f"{shop['admin_url']}/api/2024-10/webhooks.json",
                           headers={"X-Shopify-Access-Token": token},
                           json={"webhook": {"topic": "customers/create", "address": settings["webhooks"]["shopify"]}})

    def tick(self, now: datetime) -> dict:
        self.ticks.append(now)
        for shop in (self.settings or {}).get("shops", []):
            self.http.get(f"{shop['admin_url']}/api/2024-10/customers.json",
                          headers={"X-Shopify-Access-Token": self.tokens[shop["shop"]]})
        if self.wake_every is None:
            return {"busy": False, "next_wakeup": None}
        from datetime import timedelta
        wake = now + timedelta(seconds=self.wake_every)
        return {"busy": False, "next_wakeup": wake.isoformat()}

    def handle_webhook(self, source: str, headers: dict[str, str], body: bytes) -> int:
        lowered = {k.lower(): v for k, v in headers.items()}
        self.received.append((source, lowered.get("x-shopify-topic", ""), lowered.get("x-shopify-event-id", "")))
        return self.status
