"""A careless implementation for the secrets test: it prints every credential it is given or obtains.

It is the zoo's `CaseSensitiveEmailMatch` (so CNT-1 fails and a replay bundle is written) that also
prints its settings document and its tokens, and that crashes with a token in the error message
when it is given two shops (an `error` whose evidence carries the message and the last calls).
"""

from __future__ import annotations

import json
import sys
from datetime import datetime

from tests.mutants.zoo import CaseSensitiveEmailMatch


class LeakyEngine(CaseSensitiveEmailMatch):
    """Breaks CNT-1 and leaks every secret it holds into its output, its errors and its calls."""

    def configure(self, settings: dict) -> None:
        print("settings:", json.dumps(settings), flush=True)
        print(f"Authorization: Bearer {settings['hubspot']['access_token']}", file=sys.stderr, flush=True)
        super().configure(settings)

    def tick(self, now: datetime):
        reply = super().tick(now)
        assert self.settings is not None
        tokens = {s.shop: self.state.get(f"token:{s.shop}:{s.credential_key}") for s in self.settings.shops}
        print(f"tick {now.isoformat()} shop tokens {tokens} app secret {self.settings.shopify_secret}", flush=True)
        if len(self.settings.shops) > 1 and all(tokens.values()):
            raise RuntimeError(f"refusing to sync two shops with {tokens}")
        return reply
