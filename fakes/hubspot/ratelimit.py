"""HubSpot's rate limits on the simulated clock (docs/vendor-behaviour.md §3.10 and §3.5).

* Ten-second rolling window per portal for private apps (100 free/starter, 190 professional and
  enterprise, 250 with the API limit increase), per app per portal for OAuth apps (110, I-mem).
* A daily count per portal (250k / 650k / 1M, +1M with the increase), reset at midnight UTC of the
  simulated clock (HubSpot uses the account's time zone; our portals are in UTC).
* Search endpoints are exempt from the ten-second window but limited per second (5 per portal by default).
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from fakes.hubspot.errors import RateLimited

WINDOW = timedelta(seconds=10)
SECOND = timedelta(seconds=1)
TEN_SECOND_LIMITS = {"free": 100, "starter": 100, "professional": 190, "enterprise": 190}
DAILY_LIMITS = {"free": 250_000, "starter": 250_000, "professional": 650_000, "enterprise": 1_000_000}
OAUTH_TEN_SECOND_LIMIT = 110
SEARCH_PER_SECOND = 5


@dataclass
class RateLimiter:
    """Request timestamps per bucket; `check` admits a request or raises RateLimited with headers."""

    windows: dict[str, deque[datetime]] = field(default_factory=dict)
    daily: dict[str, tuple[str, int]] = field(default_factory=dict)

    def _window(self, key: str, now: datetime, span: timedelta) -> deque[datetime]:
        times = self.windows.setdefault(key, deque())
        while times and times[0] <= now - span:
            times.popleft()
        return times

    def check(self, *, portal_id: int, app_key: str, oauth: bool, tier: str, limit_increase: bool,
              search: bool, burst_exempt: bool, now: datetime, search_per_second: int = SEARCH_PER_SECOND,
              ) -> dict[str, str]:
        """Count one request; return the X-HubSpot-RateLimit-* headers, or raise RateLimited (429)."""
        headers: dict[str, str] = {}
        day, used, daily_max = now.strftime("%Y-%m-%d"), 0, 0
        if oauth:
            key, limit = f"{portal_id}:{app_key}", OAUTH_TEN_SECOND_LIMIT
            group = f"publicapi:oauth:{app_key}:{portal_id}"
        else:
            limit = 250 if limit_increase else TEN_SECOND_LIMITS.get(tier, 100)
            key, group = f"{portal_id}", f"publicapi:private-apps:{portal_id}"
        if not oauth:
            # Daily headers are not sent on OAuth calls (docs/vendor-behaviour.md §3.10).
            daily_max = DAILY_LIMITS.get(tier, 250_000) + (1_000_000 if limit_increase else 0)
            seen_day, used = self.daily.get(key, (day, 0))
            used = used if seen_day == day else 0
            headers["X-HubSpot-RateLimit-Daily"] = str(daily_max)
            headers["X-HubSpot-RateLimit-Daily-Remaining"] = str(max(0, daily_max - used))
            if used >= daily_max:
                midnight = datetime.combine(now.date() + timedelta(days=1), datetime.min.time(), now.tzinfo)
                raise RateLimited("DAILY", "You have reached your daily limit.", group,
                                  math.ceil((midnight - now).total_seconds()), headers)
        if search:
            times = self._window(f"search:{portal_id}", now, SECOND)
            headers["X-HubSpot-RateLimit-Secondly"] = str(search_per_second)
            headers["X-HubSpot-RateLimit-Secondly-Remaining"] = str(max(0, search_per_second - len(times)))
            if len(times) >= search_per_second:
                wait = (times[0] + SECOND - now).total_seconds()
                raise RateLimited("SECONDLY", "You have reached your secondly limit.", "publicapi:crm-search",
                                  math.ceil(wait), headers)
            times.append(now)
        if not (search or burst_exempt):
            times = self._window(key, now, WINDOW)
            headers["X-HubSpot-RateLimit-Interval-Milliseconds"] = "10000"
            headers["X-HubSpot-RateLimit-Max"] = str(limit)
            remaining = limit - len(times)
            if remaining <= 0:
                headers["X-HubSpot-RateLimit-Remaining"] = "0"
                wait = (times[0] + WINDOW - now).total_seconds()
                raise RateLimited("TEN_SECONDLY_ROLLING", "You have reached your ten_secondly_rolling limit.",
                                  group, math.ceil(wait), headers)
            times.append(now)
            headers["X-HubSpot-RateLimit-Remaining"] = str(remaining - 1)
        if not oauth:
            self.daily[key] = (day, used + 1)
            headers["X-HubSpot-RateLimit-Daily-Remaining"] = str(max(0, daily_max - used - 1))
        return headers
