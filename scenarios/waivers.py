"""Waivers: tolerated failures per implementation (requirement, scenario, reason, expiry).

The file is JSON: `{"waivers": [{"requirement": "CNT-5", "scenario": "*", "reason": "...",
"expires": "2027-03-31"}]}`. A waiver that no longer matches a failure is stale; every new failure
gets a paste-ready entry. Expiry is a calendar date of the real world (waivers are paperwork, not
simulation), passed in by the caller so the judge itself never reads a clock.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

from reports.model import Waiver


def load_waivers(path: Path | None) -> list[Waiver]:
    """Read a waivers file (none when the path is None)."""
    if path is None:
        return []
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    entries = data.get("waivers", data) if isinstance(data, dict) else data
    waivers = []
    for entry in entries:
        missing = {"requirement", "scenario", "reason", "expires"} - set(entry)
        if missing:
            raise ValueError(f"waiver {entry!r} lacks {', '.join(sorted(missing))}")
        date.fromisoformat(entry["expires"])
        waivers.append(Waiver(entry["requirement"], entry["scenario"], entry["reason"], entry["expires"]))
    return waivers


def matching(waivers: list[Waiver], requirement: str, scenario: str, today: date) -> Waiver | None:
    """The unexpired waiver covering a failure of `requirement` in `scenario`, if any."""
    for waiver in waivers:
        if waiver.requirement == requirement and waiver.scenario in ("*", scenario) and \
                date.fromisoformat(waiver.expires) >= today:
            return waiver
    return None


def paste_ready(requirement: str, scenario: str, today: date) -> Waiver:
    """A waiver entry for a new failure, to copy into the waivers file."""
    expires = (today + timedelta(days=30)).isoformat()
    return Waiver(requirement, scenario, "<say why this failure is tolerated and who will fix it>", expires)


def as_json(waivers: list[Waiver]) -> str:
    """The waivers as file content."""
    return json.dumps({"waivers": [w.__dict__ for w in waivers]}, indent=2)
