"""The requirement catalogue: docs/spec.md's IDs with their level and text, loaded from one file."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

CATALOGUE_PATH = Path(__file__).with_name("requirements.json")
SPEC_LINE = re.compile(r"^- \*\*([A-Z]{3}-\d+) (MUST|SHOULD|MAY)\*\* (.*)")


@dataclass(frozen=True)
class Requirement:
    """One requirement of docs/spec.md."""

    id: str
    level: str  # MUST, SHOULD, MAY
    text: str

    @property
    def section(self) -> str:
        """The ID's prefix: CON, SET, LAT, CNT, CMP, PRD, ORD, CRT, DSH, MKT."""
        return self.id.split("-")[0]


@cache
def requirements() -> tuple[Requirement, ...]:
    """Every requirement, in docs/spec.md order."""
    data = json.loads(CATALOGUE_PATH.read_text(encoding="utf-8"))
    return tuple(Requirement(r["id"], r["level"], r["text"]) for r in data["requirements"])


def by_id() -> dict[str, Requirement]:
    """Requirements keyed by ID."""
    return {r.id: r for r in requirements()}


def closest(term: str) -> str | None:
    """The requirement ID or section nearest to a mistyped `term` ("cnt-1" -> "CNT-1"), for "did you mean"."""
    from difflib import get_close_matches

    known = [r.id for r in requirements()] + list(dict.fromkeys(r.section for r in requirements()))
    found = get_close_matches(term.strip().upper(), known, n=1, cutoff=0.6)
    return found[0] if found else None


def parse_spec(text: str) -> list[Requirement]:
    """The requirements written in a docs/spec.md text (for checking the catalogue against the spec)."""
    found: list[Requirement] = []
    open_item = False  # whether indented lines continue the last requirement
    for line in text.splitlines():
        match = SPEC_LINE.match(line)
        if match:
            found.append(Requirement(match.group(1), match.group(2), match.group(3).strip()))
            open_item = True
        elif open_item and line.startswith("  ") and line.strip():
            last = found[-1]
            found[-1] = Requirement(last.id, last.level, f"{last.text} {line.strip()}")
        else:
            # Any other list item (e.g. the level-less HAR guarantees), heading or blank line ends it.
            open_item = False
    return found
