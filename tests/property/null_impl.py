"""An implementation that answers the contract and syncs nothing: the property tests must catch it."""

from __future__ import annotations


class NullSync:
    """Accepts settings, ticks, takes webhooks, writes nothing."""

    def __init__(self, transport=None, state_dir=None) -> None:
        self.settings: dict | None = None

    def health(self) -> dict:
        return {"contract": "1", "implementation": "null", "version": "0", "capabilities": []}

    def configure(self, settings: dict) -> None:
        self.settings = settings

    def tick(self, now) -> dict:
        return {"busy": False, "next_wakeup": None}

    def handle_webhook(self, source: str, headers: dict, body: bytes) -> int:
        return 200
